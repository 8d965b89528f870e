// The Chat page's logic on the GUI thread: which conversation is open, its branch of messages,
// and the answer being generated. It writes to the database (ConversationStore) and talks to
// the engine (EngineController) only through its queued signals.
//
// Streaming answers are written to the database as they arrive, at most about once a second
// (StreamFlushPolicy), so a crash keeps everything up to the last write.
#pragma once

#include <QElapsedTimer>
#include <QHash>
#include <QList>
#include <QObject>

#include <optional>

#include "chat/message_item.h"
#include "engine_controller.h"
#include "store/conversation_store.h"
#include "store/stream_flush_policy.h"

namespace enclave::ui {

class ChatController : public QObject {
  Q_OBJECT

 public:
  ChatController(store::ConversationStore* store, gui::EngineController* engine, QObject* parent = nullptr);

  qint64 conversationId() const { return conversation_id_; }  // 0: a new chat not saved yet
  const QList<MessageItem>& items() const { return items_; }
  const store::ConversationSettings& settings() const { return settings_; }
  QString title() const { return title_; }
  bool busy() const { return streaming_.has_value(); }
  qint64 streamingMessageId() const { return streaming_ ? streaming_->item.id : 0; }

  void openConversation(qint64 id);
  void newConversation();
  bool send(const QString& text);
  bool regenerate(qint64 assistant_message_id);
  bool editAndResend(qint64 user_message_id, const QString& text);
  bool selectVersion(qint64 message_id, int delta);
  void stop();
  // The application is closing: stop the answer and save it as stopped (not "interrupted").
  void shutdown();
  bool renameConversation(qint64 id, const QString& title);
  bool deleteConversation(qint64 id);
  void updateSettings(const store::ConversationSettings& settings);
  // The open conversation as Markdown ("md") or JSON ("json"); empty with no conversation.
  QString exportConversation(const QString& format) const;

 signals:
  void conversationOpened(qint64 id);
  void messagesChanged();
  void messageUpdated(const enclave::ui::MessageItem& item);
  void conversationsChanged();
  void busyChanged(bool busy);
  void contextUsageChanged(qint64 used, qint64 total);
  void errorOccurred(const QString& message);

 private:
  struct Streaming {
    quint64 generation_id = 0;
    qint64 conversation_id = 0;
    MessageItem item;
    store::StreamFlushPolicy flush;
    QElapsedTimer clock;
  };

  bool startAnswer(qint64 user_message_id);
  void reload();
  bool check(const Status& status);
  void onGenerationStarted(quint64 id, qint64 prompt_tokens, qint64 context, int dropped_turns);
  void onGenerationUpdated(const gui::GenerationSnapshot& snapshot);
  void onGenerationFinished(const gui::GenerationOutcome& outcome);
  void writeStreaming(store::MessageState state, const QString& error = QString());

  store::ConversationStore* store_;
  gui::EngineController* engine_;
  qint64 conversation_id_ = 0;
  QString title_;
  store::ConversationSettings settings_;
  store::ConversationSettings new_chat_settings_;  // for the next conversation created
  QList<MessageItem> items_;
  std::optional<Streaming> streaming_;
  QHash<qint64, int> dropped_turns_;                   // answer id -> turns left out of its prompt
  QHash<qint64, QPair<qint64, qint64>> context_use_;   // conversation -> (used, total) last seen
};

}  // namespace enclave::ui
