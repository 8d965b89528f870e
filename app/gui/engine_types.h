// Values that cross from the engine's worker thread to the GUI thread in queued signals.
#pragma once

#include <QList>
#include <QMetaType>
#include <QString>

namespace enclave::gui {

struct ModelLoadRequest {
  QString path;
  QString device;    // "cpu", "cuda:0"
  qint64 context = 0;
};

struct ModelStatus {
  QString path;
  QString name;
  QString architecture;
  QString quantization;
  QString device;
  QString deviceName;
  qint64 context = 0;
  qint64 parameterCount = 0;
  qint64 deviceBytes = 0;
  bool hasTokenizer = true;
  QString templateWarning;
};

struct ChatTurn {
  QString role;  // "user" or "assistant"
  QString content;
};

struct GenerationRequest {
  quint64 id = 0;
  QString systemPrompt;
  QList<ChatTurn> turns;  // ending with the user turn to answer
  double temperature = 0.6;
  double topP = 0.95;
  int topK = 40;
  int maxTokens = 1024;
  qint64 seed = -1;
};

// The answer so far: whole texts (not deltas), so a late or merged update is never wrong.
struct GenerationSnapshot {
  quint64 id = 0;
  QString reasoning;
  QString answer;
  bool inReasoning = false;   // the model is still thinking
  qint64 reasoningMs = 0;     // thinking time so far (final once the block closed)
  int tokens = 0;
  double tokensPerSecond = 0;
  qint64 promptTokens = 0;
  qint64 context = 0;
};

struct GenerationOutcome {
  GenerationSnapshot snapshot;  // final texts
  bool ok = true;
  bool stopped = false;         // the user stopped it
  QString error;                // engine message when !ok
  QString stopReason;
  double prefillTokensPerSecond = 0;
  qint64 deviceBytes = 0;
};

}  // namespace enclave::gui

Q_DECLARE_METATYPE(enclave::gui::ModelLoadRequest)
Q_DECLARE_METATYPE(enclave::gui::ModelStatus)
Q_DECLARE_METATYPE(enclave::gui::GenerationRequest)
Q_DECLARE_METATYPE(enclave::gui::GenerationSnapshot)
Q_DECLARE_METATYPE(enclave::gui::GenerationOutcome)
