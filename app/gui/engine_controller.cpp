#include "engine_controller.h"

#include "engine_worker.h"

namespace enclave::gui {

EngineController::EngineController(std::unique_ptr<ChatEngine> engine, QObject* parent) : QObject(parent) {
  qRegisterMetaType<ModelLoadRequest>();
  qRegisterMetaType<ModelStatus>();
  qRegisterMetaType<GenerationRequest>();
  qRegisterMetaType<GenerationSnapshot>();
  qRegisterMetaType<GenerationOutcome>();

  thread_.setObjectName(QStringLiteral("enclave-engine"));
  worker_ = new EngineWorker(std::move(engine));
  worker_->moveToThread(&thread_);
  connect(&thread_, &QThread::finished, worker_, &QObject::deleteLater);

  connect(worker_, &EngineWorker::loadProgress, this, &EngineController::loadProgress);
  connect(worker_, &EngineWorker::modelLoaded, this, [this](const ModelStatus& status) {
    loading_ = false;
    if (load_cancel_requested_) {  // Cancel was pressed after the worker finished: still honour it
      QMetaObject::invokeMethod(worker_, "unloadModel", Qt::QueuedConnection);
      model_.reset();
      emit modelLoadFailed(QStringLiteral("loading was cancelled"), true);
      emit busyChanged();
      return;
    }
    model_ = status;
    emit modelLoaded(status);
    emit busyChanged();
  });
  connect(worker_, &EngineWorker::modelLoadFailed, this, [this](const QString& message, bool cancelled) {
    loading_ = false;
    model_.reset();  // Load replaces the model: a failed load leaves none loaded
    emit modelLoadFailed(message, cancelled);
    emit busyChanged();
  });
  connect(worker_, &EngineWorker::modelUnloaded, this, [this] {
    model_.reset();
    emit modelUnloaded();
    emit busyChanged();
  });
  connect(worker_, &EngineWorker::generationStarted, this, &EngineController::generationStarted);
  connect(worker_, &EngineWorker::generationUpdated, this, &EngineController::generationUpdated);
  connect(worker_, &EngineWorker::generationFinished, this, [this](const GenerationOutcome& outcome) {
    if (outcome.snapshot.id == generating_id_) generating_id_ = 0;
    if (model_ && outcome.deviceBytes > 0) model_->deviceBytes = outcome.deviceBytes;
    emit generationFinished(outcome);
    emit busyChanged();
  });
  thread_.start();
}

EngineController::~EngineController() {
  if (generating_id_) worker_->CancelGeneration(generating_id_);
  worker_->CancelLoad();
  thread_.quit();
  thread_.wait();
}

std::vector<EngineDevice> EngineController::devices() const { return worker_->engine().Devices(); }

void EngineController::loadModel(const ModelLoadRequest& request) {
  if (generating_id_) stop();
  loading_ = true;
  load_cancel_requested_ = false;
  worker_->ArmLoad();
  emit loadStarted(request.path);
  emit busyChanged();
  QMetaObject::invokeMethod(worker_, "loadModel", Qt::QueuedConnection,
                            Q_ARG(enclave::gui::ModelLoadRequest, request));
}

void EngineController::cancelLoad() {
  if (loading_) load_cancel_requested_ = true;
  worker_->CancelLoad();
}

void EngineController::unloadModel() {
  if (generating_id_) stop();
  QMetaObject::invokeMethod(worker_, "unloadModel", Qt::QueuedConnection);
}

quint64 EngineController::generate(GenerationRequest request) {
  request.id = next_id_++;
  generating_id_ = request.id;
  emit busyChanged();
  QMetaObject::invokeMethod(worker_, "generate", Qt::QueuedConnection,
                            Q_ARG(enclave::gui::GenerationRequest, request));
  return request.id;
}

void EngineController::stop() {
  if (generating_id_) worker_->CancelGeneration(generating_id_);
}

}  // namespace enclave::gui
