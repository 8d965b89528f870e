#include "engine_worker.h"

#include <QThread>

#include "chat/reasoning.h"

namespace enclave::gui {
namespace {

// Applies splitter events to the texts on screen.
void Apply(const std::vector<ReasoningEvent>& events, std::string& reasoning, std::string& answer) {
  for (const ReasoningEvent& e : events) {
    switch (e.kind) {
      case ReasoningEvent::Kind::kReasoning: reasoning += e.text; break;
      case ReasoningEvent::Kind::kAnswer: answer += e.text; break;
      case ReasoningEvent::Kind::kAnswerWasReasoning:
        answer.clear();
        reasoning += e.text;
        break;
    }
  }
}

}  // namespace

EngineWorker::EngineWorker(std::unique_ptr<ChatEngine> engine) : engine_(std::move(engine)) {}

EngineWorker::~EngineWorker() = default;

void EngineWorker::CancelGeneration(quint64 id) {
  quint64 current = cancel_through_.load();
  while (current < id && !cancel_through_.compare_exchange_weak(current, id)) {
  }
  engine_->RequestCancel();
}

void EngineWorker::CancelLoad() { cancel_load_.store(true); }

void EngineWorker::loadModel(const ModelLoadRequest& request) {
  const QString cancelled_message = QStringLiteral("loading was cancelled");
  if (cancel_load_.load()) {  // cancelled while queued
    emit modelLoadFailed(cancelled_message, true);
    return;
  }
  QElapsedTimer since_progress;
  since_progress.start();
  auto progress = [&](float fraction) {
    if (since_progress.elapsed() >= kUpdateIntervalMs || fraction >= 1.f) {
      since_progress.restart();
      emit loadProgress(fraction);
    }
    return !cancel_load_.load();
  };
  Expected<LoadedModelInfo> loaded = engine_->Load(request.path.toStdString(), request.device.toStdString(),
                                                   request.context, progress);
  if (!loaded.ok()) {
    emit modelLoadFailed(QString::fromStdString(loaded.status().message()),
                         loaded.status().code() == ErrorCode::kCancelled);
    return;
  }
  if (cancel_load_.load()) {  // Cancel came after the last progress report: honour it
    engine_->Unload();
    emit modelLoadFailed(cancelled_message, true);
    return;
  }
  ModelStatus status;
  status.path = QString::fromStdString(loaded->path);
  status.name = QString::fromStdString(loaded->name);
  status.architecture = QString::fromStdString(loaded->architecture);
  status.quantization = QString::fromStdString(loaded->quantization);
  status.device = QString::fromStdString(loaded->device);
  status.deviceName = QString::fromStdString(loaded->device_name);
  status.context = loaded->context;
  status.parameterCount = loaded->parameter_count;
  status.deviceBytes = loaded->device_bytes;
  status.hasTokenizer = loaded->has_tokenizer;
  status.templateWarning = QString::fromStdString(loaded->template_warning);
  emit modelLoaded(status);
}

void EngineWorker::unloadModel() {
  engine_->Unload();
  emit modelUnloaded();
}

void EngineWorker::generate(const GenerationRequest& request) {
  GenerationOutcome outcome;
  outcome.snapshot.id = request.id;
  auto cancelled = [&] { return cancel_through_.load() >= request.id; };
  if (cancelled()) {  // stopped before it began
    outcome.stopped = true;
    outcome.stopReason = QStringLiteral("cancelled");
    emit generationFinished(outcome);
    return;
  }

  PromptRequest prompt;
  prompt.system_prompt = request.systemPrompt.toStdString();
  for (const ChatTurn& turn : request.turns) prompt.turns.push_back({turn.role.toStdString(), turn.content.toStdString()});
  prompt.reserve_tokens = request.maxTokens;
  Expected<PreparedPrompt> prepared = engine_->Prepare(prompt);
  if (!prepared.ok()) {
    outcome.ok = false;
    outcome.error = QString::fromStdString(prepared.status().message());
    emit generationFinished(outcome);
    return;
  }
  emit generationStarted(request.id, prepared->prompt_tokens, prepared->context, prepared->dropped_turns);

  ReasoningOptions reasoning_options;
  reasoning_options.starts_in_reasoning = prepared->opens_reasoning;
  ReasoningSplitter splitter(reasoning_options);
  std::string reasoning, answer;
  GenerationSnapshot& snap = outcome.snapshot;
  snap.promptTokens = prepared->prompt_tokens;
  snap.context = prepared->context;

  QElapsedTimer clock, since_update;
  clock.start();
  since_update.start();
  qint64 first_token_ms = -1;
  qint64 reasoning_start_ms = prepared->opens_reasoning ? 0 : -1;
  qint64 reasoning_end_ms = -1;

  auto fill = [&] {
    snap.reasoning = QString::fromStdString(reasoning);
    snap.answer = QString::fromStdString(answer);
    snap.inReasoning = splitter.in_reasoning();
    const qint64 now = clock.elapsed();
    if (reasoning_start_ms < 0 && splitter.has_reasoning()) reasoning_start_ms = first_token_ms < 0 ? now : first_token_ms;
    if (reasoning_start_ms >= 0 && reasoning_end_ms < 0 && splitter.reasoning_closed()) reasoning_end_ms = now;
    snap.reasoningMs = reasoning_start_ms < 0 ? 0 : (reasoning_end_ms >= 0 ? reasoning_end_ms : now) - reasoning_start_ms;
    const qint64 decode_ms = first_token_ms < 0 ? 0 : now - first_token_ms;
    snap.tokensPerSecond = decode_ms > 0 && snap.tokens > 1 ? (snap.tokens - 1) * 1000.0 / decode_ms : 0;
  };

  SamplingRequest sampling;
  sampling.temperature = request.temperature;
  sampling.top_p = request.topP;
  sampling.top_k = request.topK;
  sampling.max_tokens = request.maxTokens;
  sampling.seed = request.seed;
  Expected<GenerationEnd> end = engine_->Generate(sampling, [&](std::string_view text) {
    if (first_token_ms < 0) first_token_ms = clock.elapsed();
    ++snap.tokens;
    Apply(splitter.Feed(text), reasoning, answer);
    if (since_update.elapsed() >= kUpdateIntervalMs) {
      since_update.restart();
      fill();
      emit generationUpdated(snap);
    }
    return !cancelled();
  });
  Apply(splitter.Finish(), reasoning, answer);
  fill();
  if (!end.ok()) {
    outcome.ok = false;
    outcome.error = QString::fromStdString(end.status().message());
  } else {
    outcome.stopReason = QString::fromStdString(end->stop_reason);
    outcome.stopped = end->stop_reason == "cancelled" || cancelled();
    outcome.prefillTokensPerSecond = end->prefill_tok_s;
    outcome.deviceBytes = end->device_bytes;
    if (end->decode_tok_s > 0) snap.tokensPerSecond = end->decode_tok_s;
  }
  emit generationFinished(outcome);
}

}  // namespace enclave::gui
