#include "chat/message_view.h"

#include <QLabel>
#include <QResizeEvent>
#include <QScrollBar>
#include <QVBoxLayout>

#include "chat/message_widget.h"

namespace enclave::ui {

MessageView::MessageView(QWidget* parent) : QScrollArea(parent) {
  setObjectName(QStringLiteral("MessageView"));
  setWidgetResizable(true);
  setFrameShape(QFrame::NoFrame);
  setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
  container_ = new QWidget(this);
  container_->setObjectName(QStringLiteral("MessageContainer"));
  layout_ = new QVBoxLayout(container_);
  layout_->setContentsMargins(24, 16, 24, 16);
  layout_->setSpacing(12);

  empty_ = new QWidget(container_);
  auto* empty_layout = new QVBoxLayout(empty_);
  empty_layout->addStretch();
  empty_title_ = new QLabel(empty_);
  empty_title_->setObjectName(QStringLiteral("PageTitle"));
  empty_title_->setAlignment(Qt::AlignCenter);
  empty_hint_ = new QLabel(empty_);
  empty_hint_->setObjectName(QStringLiteral("MutedLabel"));
  empty_hint_->setAlignment(Qt::AlignCenter);
  empty_hint_->setWordWrap(true);
  empty_layout->addWidget(empty_title_);
  empty_layout->addWidget(empty_hint_);
  empty_layout->addStretch();
  layout_->addWidget(empty_, 1);
  layout_->addStretch();
  setWidget(container_);

  connect(verticalScrollBar(), &QScrollBar::valueChanged, this, [this](int value) {
    stick_to_bottom_ = value >= verticalScrollBar()->maximum() - 4;
  });
  connect(verticalScrollBar(), &QScrollBar::rangeChanged, this, [this](int, int max) {
    if (stick_to_bottom_) verticalScrollBar()->setValue(max);
  });
}

void MessageView::setEmptyText(const QString& title, const QString& hint) {
  empty_title_->setText(title);
  empty_hint_->setText(hint);
}

void MessageView::setMessages(const QList<MessageItem>& items, bool hide_reasoning) {
  hide_reasoning_ = hide_reasoning;
  // Reuse cards whose message is unchanged (switching versions rebuilds only what differs).
  int keep = 0;
  while (keep < widgets_.size() && keep < items.size() && widgets_[keep]->messageId() == items[keep].id) {
    widgets_[keep]->update(items[keep]);
    widgets_[keep]->setHideReasoning(hide_reasoning);
    ++keep;
  }
  while (widgets_.size() > keep) delete widgets_.takeLast();
  for (int i = keep; i < items.size(); ++i) {
    auto* widget = new MessageWidget(items[i], hide_reasoning, container_);
    connect(widget, &MessageWidget::regenerateRequested, this, &MessageView::regenerateRequested);
    connect(widget, &MessageWidget::editSubmitted, this, &MessageView::editSubmitted);
    connect(widget, &MessageWidget::versionRequested, this, &MessageView::versionRequested);
    layout_->insertWidget(layout_->count() - 1, widget);
    widgets_.push_back(widget);
  }
  for (MessageWidget* w : widgets_) w->setActionsEnabled(!busy_);
  empty_->setVisible(items.isEmpty());
  stick_to_bottom_ = true;
  verticalScrollBar()->setValue(verticalScrollBar()->maximum());
}

void MessageView::resizeEvent(QResizeEvent* event) {
  QScrollArea::resizeEvent(event);
  const int side = qMax(24, (viewport()->width() - kReadableWidth) / 2);
  layout_->setContentsMargins(side, 16, side, 16);
}

bool MessageView::updateMessage(const MessageItem& item) {
  MessageWidget* widget = widgetFor(item.id);
  if (!widget) return false;
  widget->update(item);
  return true;
}

MessageWidget* MessageView::widgetFor(qint64 id) const {
  for (MessageWidget* w : widgets_)
    if (w->messageId() == id) return w;
  return nullptr;
}

void MessageView::setHideReasoning(bool hide) {
  hide_reasoning_ = hide;
  for (MessageWidget* w : widgets_) w->setHideReasoning(hide);
}

void MessageView::setBusy(bool busy) {
  busy_ = busy;
  for (MessageWidget* w : widgets_) w->setActionsEnabled(!busy);
}

}  // namespace enclave::ui
