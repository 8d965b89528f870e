// The engine's side of the GUI: a QObject that lives on its own QThread and owns the
// ChatEngine. It receives work through queued slot calls and answers only with queued signals,
// so the GUI thread never waits on the engine and no Qt model is touched from this thread.
// Streamed text is split into reasoning and answer here (engine/chat ReasoningSplitter) and
// sent as whole snapshots at most every `kUpdateIntervalMs`, so a fast model cannot flood the
// GUI's event loop.
#pragma once

#include <QElapsedTimer>
#include <QObject>

#include <atomic>
#include <memory>

#include "chat_engine.h"
#include "engine_types.h"

namespace enclave::gui {

class EngineWorker : public QObject {
  Q_OBJECT

 public:
  static constexpr int kUpdateIntervalMs = 40;

  explicit EngineWorker(std::unique_ptr<ChatEngine> engine);
  ~EngineWorker() override;

  // Thread-safe: stop generation `id` (and any earlier one), now or as soon as it starts.
  void CancelGeneration(quint64 id);
  // Thread-safe: abandon the load in progress (or the one queued next).
  void CancelLoad();
  // Thread-safe: called before queueing a load, so that a Cancel right after it is not lost.
  void ArmLoad() { cancel_load_.store(false); }
  ChatEngine& engine() { return *engine_; }

 public slots:
  void loadModel(const enclave::gui::ModelLoadRequest& request);
  void unloadModel();
  void generate(const enclave::gui::GenerationRequest& request);

 signals:
  void loadProgress(double fraction);
  void modelLoaded(const enclave::gui::ModelStatus& status);
  void modelLoadFailed(const QString& message, bool cancelled);
  void modelUnloaded();
  // The prompt was prepared: how much of the context it takes, and how many old turns it left out.
  void generationStarted(quint64 id, qint64 promptTokens, qint64 context, int droppedTurns);
  void generationUpdated(const enclave::gui::GenerationSnapshot& snapshot);
  void generationFinished(const enclave::gui::GenerationOutcome& outcome);

 private:
  std::unique_ptr<ChatEngine> engine_;
  std::atomic<quint64> cancel_through_{0};  // generations with id <= this stop
  std::atomic<bool> cancel_load_{false};
};

}  // namespace enclave::gui
