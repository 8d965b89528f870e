#include "chat/chat_controller.h"

#include <QDateTime>

#include <algorithm>

#include "store/conversation_export.h"

namespace enclave::ui {

using store::MessageRole;
using store::MessageState;

namespace {

QString TitleFrom(const QString& text) {
  QString title = text.simplified();
  if (title.size() > 48) title = title.left(47).trimmed() + QChar(0x2026);
  return title;
}

MessageItem ToItem(const store::Message& m) {
  MessageItem item;
  item.id = m.id;
  item.role = m.role;
  item.content = QString::fromStdString(m.content);
  item.reasoning = QString::fromStdString(m.reasoning);
  item.reasoningMs = m.reasoning_ms;
  item.state = m.state;
  item.error = QString::fromStdString(m.error);
  item.model = QString::fromStdString(m.model);
  item.tokens = m.token_count;
  item.createdAtMs = m.created_at_ms;
  return item;
}

}  // namespace

ChatController::ChatController(store::ConversationStore* store, gui::EngineController* engine, QObject* parent)
    : QObject(parent), store_(store), engine_(engine) {
  qRegisterMetaType<MessageItem>();
  connect(engine_, &gui::EngineController::generationStarted, this, &ChatController::onGenerationStarted);
  connect(engine_, &gui::EngineController::generationUpdated, this, &ChatController::onGenerationUpdated);
  connect(engine_, &gui::EngineController::generationFinished, this, &ChatController::onGenerationFinished);
}

bool ChatController::check(const Status& status) {
  if (status.ok()) return true;
  emit errorOccurred(QString::fromStdString(status.message()));
  return false;
}

void ChatController::openConversation(qint64 id) {
  if (id == 0) {
    newConversation();
    return;
  }
  auto conversation = store_->GetConversation(id);
  if (!check(conversation.status())) return;
  conversation_id_ = id;
  title_ = QString::fromStdString(conversation->title);
  settings_ = conversation->settings;
  reload();
  const auto usage = context_use_.value(id, {0, 0});
  emit contextUsageChanged(usage.first, usage.second);
  emit conversationOpened(id);
}

void ChatController::newConversation() {
  conversation_id_ = 0;
  title_.clear();
  settings_ = new_chat_settings_;
  items_.clear();
  emit messagesChanged();
  emit contextUsageChanged(0, engine_->model() ? engine_->model()->context : 0);
  emit conversationOpened(0);
}

void ChatController::reload() {
  items_.clear();
  if (conversation_id_ == 0) {
    emit messagesChanged();
    return;
  }
  auto branch = store_->ActiveBranch(conversation_id_);
  if (!check(branch.status())) return;
  for (const store::Message& m : *branch) {
    MessageItem item = ToItem(m);
    if (auto versions = store_->Versions(m.id); versions.ok()) {
      item.versionCount = static_cast<int>(versions->size());
      item.version = static_cast<int>(std::find(versions->begin(), versions->end(), m.id) - versions->begin()) + 1;
    }
    item.droppedTurns = dropped_turns_.value(m.id, 0);
    if (streaming_ && streaming_->item.id == m.id) {  // newer than the last flush
      streaming_->item.version = item.version;
      streaming_->item.versionCount = item.versionCount;
      item = streaming_->item;
    }
    items_.push_back(item);
  }
  emit messagesChanged();
}

bool ChatController::send(const QString& text) {
  if (busy() || text.trimmed().isEmpty()) return false;
  if (conversation_id_ == 0) {
    auto id = store_->CreateConversation(TitleFrom(text).toStdString(), settings_);
    if (!check(id.status())) return false;
    conversation_id_ = *id;
    title_ = TitleFrom(text);
    emit conversationOpened(conversation_id_);
  }
  std::optional<int64_t> parent;
  if (!items_.isEmpty()) parent = items_.back().id;
  auto user = store_->AddMessage(conversation_id_, parent, MessageRole::kUser, text.toStdString());
  if (!check(user.status())) return false;
  return startAnswer(*user);
}

bool ChatController::regenerate(qint64 assistant_message_id) {
  if (busy()) return false;
  auto answer = store_->GetMessage(assistant_message_id);
  if (!check(answer.status())) return false;
  if (answer->role != MessageRole::kAssistant || !answer->parent_id) return false;
  // The new answer is a sibling: the old one stays as an earlier version.
  return startAnswer(*answer->parent_id);
}

bool ChatController::editAndResend(qint64 user_message_id, const QString& text) {
  if (busy() || text.trimmed().isEmpty()) return false;
  auto original = store_->GetMessage(user_message_id);
  if (!check(original.status())) return false;
  if (original->role != MessageRole::kUser) return false;
  auto edited = store_->AddMessage(original->conversation_id, original->parent_id, MessageRole::kUser, text.toStdString());
  if (!check(edited.status())) return false;
  return startAnswer(*edited);
}

bool ChatController::startAnswer(qint64 user_message_id) {
  // Make the prompt the active leaf, so that the branch is the conversation up to it.
  if (!check(store_->SelectVersion(user_message_id))) return false;
  auto branch = store_->ActiveBranch(conversation_id_);
  if (!check(branch.status())) return false;
  gui::GenerationRequest request;
  request.systemPrompt = QString::fromStdString(settings_.system_prompt);
  for (const store::Message& m : *branch) {
    if (m.role == MessageRole::kSystem) continue;
    if (m.role == MessageRole::kAssistant && (m.content.empty() || m.state == MessageState::kFailed)) continue;
    request.turns.push_back({m.role == MessageRole::kUser ? QStringLiteral("user") : QStringLiteral("assistant"),
                             QString::fromStdString(m.content)});
  }
  request.temperature = settings_.sampling.temperature;
  request.topP = settings_.sampling.top_p;
  request.topK = settings_.sampling.top_k;
  request.maxTokens = settings_.sampling.max_tokens;
  request.seed = settings_.sampling.seed;

  const QString model = engine_->model() ? engine_->model()->name : QString();
  auto answer = store_->AddMessage(conversation_id_, user_message_id, MessageRole::kAssistant, "",
                                   MessageState::kStreaming, model.toStdString());
  if (!check(answer.status())) return false;

  Streaming s;
  s.conversation_id = conversation_id_;
  s.item.id = *answer;
  s.item.role = MessageRole::kAssistant;
  s.item.state = MessageState::kStreaming;
  s.item.model = model;
  s.item.createdAtMs = QDateTime::currentMSecsSinceEpoch();
  s.clock.start();
  s.flush.Reset(0);
  streaming_ = std::move(s);
  reload();
  streaming_->generation_id = engine_->generate(request);
  emit busyChanged(true);
  emit conversationsChanged();  // the conversation moved to the top of the list
  return true;
}

void ChatController::stop() {
  if (streaming_) engine_->stop();
}

void ChatController::shutdown() {
  if (!streaming_) return;
  engine_->stop();
  writeStreaming(MessageState::kStopped);
  streaming_.reset();
  emit busyChanged(false);
}

void ChatController::onGenerationStarted(quint64 id, qint64 prompt_tokens, qint64 context, int dropped_turns) {
  if (!streaming_ || streaming_->generation_id != id) return;
  streaming_->item.droppedTurns = dropped_turns;
  if (dropped_turns > 0) dropped_turns_.insert(streaming_->item.id, dropped_turns);
  context_use_.insert(streaming_->conversation_id, {prompt_tokens, context});
  if (streaming_->conversation_id == conversation_id_) {
    emit messageUpdated(streaming_->item);
    emit contextUsageChanged(prompt_tokens, context);
  }
}

void ChatController::writeStreaming(MessageState state, const QString& error) {
  const MessageItem& item = streaming_->item;
  const Status status = store_->UpdateMessage(item.id, item.content.toStdString(), item.reasoning.toStdString(),
                                              item.reasoningMs, state, item.tokens, error.toStdString());
  if (!status.ok() && status.code() != ErrorCode::kNotFound) check(status);  // NotFound: chat deleted
}

void ChatController::onGenerationUpdated(const gui::GenerationSnapshot& snapshot) {
  if (!streaming_ || streaming_->generation_id != snapshot.id) return;
  MessageItem& item = streaming_->item;
  item.content = snapshot.answer;
  item.reasoning = snapshot.reasoning;
  item.thinking = snapshot.inReasoning;
  item.reasoningMs = snapshot.reasoningMs;
  item.tokens = snapshot.tokens;
  item.tokensPerSecond = snapshot.tokensPerSecond;
  if (streaming_->flush.ShouldFlush(streaming_->clock.elapsed(), snapshot.tokens))
    writeStreaming(MessageState::kStreaming);
  const qint64 used = snapshot.promptTokens + snapshot.tokens;
  context_use_.insert(streaming_->conversation_id, {used, snapshot.context});
  if (streaming_->conversation_id == conversation_id_) {
    emit messageUpdated(item);
    emit contextUsageChanged(used, snapshot.context);
  }
}

void ChatController::onGenerationFinished(const gui::GenerationOutcome& outcome) {
  if (!streaming_ || streaming_->generation_id != outcome.snapshot.id) return;
  MessageItem& item = streaming_->item;
  const gui::GenerationSnapshot& s = outcome.snapshot;
  item.content = s.answer;
  item.reasoning = s.reasoning;
  item.thinking = false;
  item.reasoningMs = s.reasoningMs;
  item.tokens = s.tokens;
  item.tokensPerSecond = s.tokensPerSecond;
  item.state = !outcome.ok ? MessageState::kFailed : outcome.stopped ? MessageState::kStopped : MessageState::kComplete;
  item.error = outcome.error;
  writeStreaming(item.state, outcome.error);
  const qint64 conversation = streaming_->conversation_id;
  if (s.context > 0) context_use_.insert(conversation, {s.promptTokens + s.tokens, s.context});
  streaming_.reset();
  emit busyChanged(false);
  if (conversation == conversation_id_) {
    reload();
    const auto usage = context_use_.value(conversation, {0, 0});
    emit contextUsageChanged(usage.first, usage.second);
  }
  emit conversationsChanged();
}

bool ChatController::selectVersion(qint64 message_id, int delta) {
  if (busy()) return false;
  auto versions = store_->Versions(message_id);
  if (!check(versions.status())) return false;
  const auto it = std::find(versions->begin(), versions->end(), message_id);
  if (it == versions->end()) return false;
  const qint64 index = (it - versions->begin()) + delta;
  if (index < 0 || index >= static_cast<qint64>(versions->size())) return false;
  if (!check(store_->SelectVersion((*versions)[index]))) return false;
  reload();
  return true;
}

bool ChatController::renameConversation(qint64 id, const QString& title) {
  const QString clean = title.simplified();
  if (clean.isEmpty()) return false;
  if (!check(store_->RenameConversation(id, clean.toStdString()))) return false;
  if (id == conversation_id_) title_ = clean;
  emit conversationsChanged();
  if (id == conversation_id_) emit conversationOpened(id);
  return true;
}

bool ChatController::deleteConversation(qint64 id) {
  if (streaming_ && streaming_->conversation_id == id) {
    engine_->stop();
    streaming_.reset();  // its late signals are ignored; the rows are gone
    emit busyChanged(false);
  }
  if (!check(store_->DeleteConversation(id))) return false;
  context_use_.remove(id);
  emit conversationsChanged();
  if (id == conversation_id_) newConversation();
  return true;
}

void ChatController::updateSettings(const store::ConversationSettings& settings) {
  settings_ = settings;
  if (conversation_id_ == 0) {
    new_chat_settings_ = settings;  // applies when the first message creates the conversation
    return;
  }
  check(store_->UpdateSettings(conversation_id_, settings));
}

QString ChatController::exportConversation(const QString& format) const {
  if (conversation_id_ == 0) return {};
  auto conversation = store_->GetConversation(conversation_id_);
  auto branch = store_->ActiveBranch(conversation_id_);
  if (!conversation.ok() || !branch.ok()) return {};
  const std::string text = format == QLatin1String("json") ? store::ExportJson(*conversation, *branch)
                                                           : store::ExportMarkdown(*conversation, *branch);
  return QString::fromStdString(text);
}

}  // namespace enclave::ui
