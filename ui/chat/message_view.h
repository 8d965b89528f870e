// The conversation on screen: message cards in one scroll area that follows a streaming answer
// while the user is at the bottom, and stays put when they scroll up to read.
#pragma once

#include <QList>
#include <QScrollArea>

#include "chat/message_item.h"

class QLabel;
class QVBoxLayout;

namespace enclave::ui {

class MessageWidget;

class MessageView : public QScrollArea {
  Q_OBJECT

 public:
  explicit MessageView(QWidget* parent = nullptr);

  void setMessages(const QList<MessageItem>& items, bool hide_reasoning);
  // Updates the card of item.id in place (a streaming answer); false when it is not shown.
  bool updateMessage(const MessageItem& item);
  void setHideReasoning(bool hide);
  void setBusy(bool busy);
  void setEmptyText(const QString& title, const QString& hint);
  QList<MessageWidget*> messageWidgets() const { return widgets_; }
  MessageWidget* widgetFor(qint64 id) const;

  static constexpr int kReadableWidth = 920;  // wider text lines are hard to read

 protected:
  void resizeEvent(QResizeEvent* event) override;

 signals:
  void regenerateRequested(qint64 id);
  void editSubmitted(qint64 id, const QString& text);
  void versionRequested(qint64 id, int delta);

 private:
  QWidget* container_ = nullptr;
  QVBoxLayout* layout_ = nullptr;
  QWidget* empty_ = nullptr;
  QLabel* empty_title_ = nullptr;
  QLabel* empty_hint_ = nullptr;
  QList<MessageWidget*> widgets_;
  bool hide_reasoning_ = false;
  bool busy_ = false;
  bool stick_to_bottom_ = true;
};

}  // namespace enclave::ui
