// One message in the conversation: who wrote it, the Thinking block (assistant), the Markdown
// body, a status line (stopped, interrupted, failed, older turns left out) and the actions:
// switch versions, Copy, Regenerate (answers), Edit (prompts, edited in place and resent).
#pragma once

#include <QFrame>

#include "chat/message_item.h"

class QLabel;
class QPlainTextEdit;
class QToolButton;
class QWidget;

namespace enclave::ui {

class MarkdownView;
class ThinkingBlock;

class MessageWidget : public QFrame {
  Q_OBJECT

 public:
  explicit MessageWidget(const MessageItem& item, bool hide_reasoning, QWidget* parent = nullptr);

  void update(const MessageItem& item);
  void setHideReasoning(bool hide);
  void setActionsEnabled(bool enabled);  // off while an answer streams
  qint64 messageId() const { return item_.id; }
  const MessageItem& item() const { return item_; }

  ThinkingBlock* thinkingBlock() const { return thinking_; }
  MarkdownView* body() const { return body_; }
  QLabel* statusLabel() const { return status_; }
  QToolButton* copyButton() const { return copy_; }
  QToolButton* regenerateButton() const { return regenerate_; }
  QToolButton* editButton() const { return edit_; }
  QToolButton* previousVersionButton() const { return previous_; }
  QToolButton* nextVersionButton() const { return next_; }
  QLabel* versionLabel() const { return version_label_; }
  void beginEdit();
  void submitEdit(const QString& text);

 signals:
  void regenerateRequested(qint64 id);
  void editSubmitted(qint64 id, const QString& text);
  void versionRequested(qint64 id, int delta);

 private:
  QToolButton* makeAction(const QString& icon, const QString& text, const QString& tip);
  void refresh();

  MessageItem item_;
  bool hide_reasoning_ = false;
  QLabel* role_label_ = nullptr;
  QLabel* meta_label_ = nullptr;
  ThinkingBlock* thinking_ = nullptr;
  MarkdownView* body_ = nullptr;
  QLabel* status_ = nullptr;
  QWidget* editor_box_ = nullptr;
  QPlainTextEdit* editor_ = nullptr;
  QWidget* actions_ = nullptr;
  QToolButton* previous_ = nullptr;
  QLabel* version_label_ = nullptr;
  QToolButton* next_ = nullptr;
  QToolButton* copy_ = nullptr;
  QToolButton* regenerate_ = nullptr;
  QToolButton* edit_ = nullptr;
};

}  // namespace enclave::ui
