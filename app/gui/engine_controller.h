// The GUI thread's handle on the engine: starts the worker thread, forwards requests to the
// EngineWorker as queued calls and re-emits its signals on the GUI thread. It also remembers
// what is loaded, for the status bar and the pages.
#pragma once

#include <QObject>
#include <QThread>

#include <memory>
#include <optional>
#include <vector>

#include "chat_engine.h"
#include "engine_types.h"

namespace enclave::gui {

class EngineWorker;

class EngineController : public QObject {
  Q_OBJECT

 public:
  explicit EngineController(std::unique_ptr<ChatEngine> engine, QObject* parent = nullptr);
  ~EngineController() override;  // stops generation and joins the worker thread

  std::vector<EngineDevice> devices() const;
  const std::optional<ModelStatus>& model() const { return model_; }
  bool loading() const { return loading_; }
  bool generating() const { return generating_id_ != 0; }
  quint64 generatingId() const { return generating_id_; }

  void loadModel(const ModelLoadRequest& request);
  void cancelLoad();
  void unloadModel();
  // Returns the id of the generation (its signals carry it).
  quint64 generate(GenerationRequest request);
  void stop();

 signals:
  void loadStarted(const QString& path);
  void loadProgress(double fraction);
  void modelLoaded(const enclave::gui::ModelStatus& status);
  void modelLoadFailed(const QString& message, bool cancelled);
  void modelUnloaded();
  void generationStarted(quint64 id, qint64 promptTokens, qint64 context, int droppedTurns);
  void generationUpdated(const enclave::gui::GenerationSnapshot& snapshot);
  void generationFinished(const enclave::gui::GenerationOutcome& outcome);
  void busyChanged();

 private:
  QThread thread_;
  EngineWorker* worker_ = nullptr;  // lives on thread_, deleted when it finishes
  std::optional<ModelStatus> model_;
  bool loading_ = false;
  bool load_cancel_requested_ = false;  // Cancel pressed during the current load (GUI thread)
  quint64 next_id_ = 1;
  quint64 generating_id_ = 0;
};

}  // namespace enclave::gui
