#include "chat/message_widget.h"

#include <QApplication>
#include <QClipboard>
#include <QDateTime>
#include <QHBoxLayout>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QStyle>
#include <QTimer>
#include <QToolButton>
#include <QVBoxLayout>

#include "chat/markdown_view.h"
#include "chat/thinking_block.h"
#include "format.h"

namespace enclave::ui {

using store::MessageRole;
using store::MessageState;

MessageWidget::MessageWidget(const MessageItem& item, bool hide_reasoning, QWidget* parent)
    : QFrame(parent), item_(item), hide_reasoning_(hide_reasoning) {
  setObjectName(QStringLiteral("MessageCard"));
  setProperty("role", item.role == MessageRole::kUser ? "user" : "assistant");
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(14, 10, 14, 6);
  layout->setSpacing(6);

  auto* header = new QHBoxLayout();
  role_label_ = new QLabel(this);
  role_label_->setObjectName(QStringLiteral("MessageRoleLabel"));
  meta_label_ = new QLabel(this);
  meta_label_->setObjectName(QStringLiteral("MessageMeta"));
  header->addWidget(role_label_);
  header->addWidget(meta_label_);
  header->addStretch();
  layout->addLayout(header);

  thinking_ = new ThinkingBlock(this);
  layout->addWidget(thinking_);
  body_ = new MarkdownView(this);
  layout->addWidget(body_);

  editor_box_ = new QWidget(this);
  auto* editor_layout = new QVBoxLayout(editor_box_);
  editor_layout->setContentsMargins(0, 0, 0, 0);
  editor_ = new QPlainTextEdit(editor_box_);
  editor_->setObjectName(QStringLiteral("EditMessageText"));
  editor_->setMinimumHeight(80);
  auto* editor_buttons = new QHBoxLayout();
  auto* cancel = new QPushButton(tr("Cancel"), editor_box_);
  auto* resend = new QPushButton(tr("Send edited message"), editor_box_);
  resend->setObjectName(QStringLiteral("PrimaryButton"));
  editor_buttons->addStretch();
  editor_buttons->addWidget(cancel);
  editor_buttons->addWidget(resend);
  editor_layout->addWidget(editor_);
  editor_layout->addLayout(editor_buttons);
  editor_box_->setVisible(false);
  layout->addWidget(editor_box_);
  connect(cancel, &QPushButton::clicked, this, [this] {
    editor_box_->setVisible(false);
    body_->setVisible(true);
    actions_->setVisible(true);
  });
  connect(resend, &QPushButton::clicked, this, [this] { submitEdit(editor_->toPlainText()); });

  status_ = new QLabel(this);
  status_->setObjectName(QStringLiteral("Notice"));
  status_->setWordWrap(true);
  status_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  layout->addWidget(status_);

  actions_ = new QWidget(this);
  auto* actions = new QHBoxLayout(actions_);
  actions->setContentsMargins(0, 0, 0, 0);
  actions->setSpacing(2);
  previous_ = makeAction(QStringLiteral("chevron-left"), QString(), tr("Previous version"));
  version_label_ = new QLabel(actions_);
  version_label_->setObjectName(QStringLiteral("MessageMeta"));
  next_ = makeAction(QStringLiteral("chevron-right"), QString(), tr("Next version"));
  copy_ = makeAction(QStringLiteral("copy"), tr("Copy"), tr("Copy the message as Markdown"));
  regenerate_ = makeAction(QStringLiteral("regenerate"), tr("Regenerate"),
                           tr("Write a new answer; this one stays as an earlier version"));
  edit_ = makeAction(QStringLiteral("edit"), tr("Edit"),
                     tr("Edit and send again; the original stays as an earlier version"));
  actions->addWidget(previous_);
  actions->addWidget(version_label_);
  actions->addWidget(next_);
  actions->addSpacing(6);
  actions->addWidget(copy_);
  actions->addWidget(regenerate_);
  actions->addWidget(edit_);
  actions->addStretch();
  layout->addWidget(actions_);

  connect(previous_, &QToolButton::clicked, this, [this] { emit versionRequested(item_.id, -1); });
  connect(next_, &QToolButton::clicked, this, [this] { emit versionRequested(item_.id, +1); });
  connect(copy_, &QToolButton::clicked, this, [this] {
    QApplication::clipboard()->setText(item_.content);
    copy_->setText(tr("Copied"));
    QTimer::singleShot(1500, copy_, [button = copy_] { button->setText(tr("Copy")); });
  });
  connect(regenerate_, &QToolButton::clicked, this, [this] { emit regenerateRequested(item_.id); });
  connect(edit_, &QToolButton::clicked, this, &MessageWidget::beginEdit);
  refresh();
}

QToolButton* MessageWidget::makeAction(const QString& icon, const QString& text, const QString& tip) {
  auto* button = new QToolButton(actions_ ? actions_ : this);
  button->setObjectName(QStringLiteral("LinkButton"));
  button->setIcon(QIcon(QStringLiteral(":/icons/%1.svg").arg(icon)));
  button->setIconSize(QSize(14, 14));
  button->setText(text);
  button->setToolTip(tip);
  button->setToolButtonStyle(text.isEmpty() ? Qt::ToolButtonIconOnly : Qt::ToolButtonTextBesideIcon);
  button->setCursor(Qt::PointingHandCursor);
  return button;
}

void MessageWidget::update(const MessageItem& item) {
  item_ = item;
  refresh();
}

void MessageWidget::setHideReasoning(bool hide) {
  hide_reasoning_ = hide;
  refresh();
}

void MessageWidget::setActionsEnabled(bool enabled) {
  regenerate_->setEnabled(enabled);
  edit_->setEnabled(enabled);
  previous_->setEnabled(enabled && item_.version > 1);
  next_->setEnabled(enabled && item_.version < item_.versionCount);
}

void MessageWidget::beginEdit() {
  editor_->setPlainText(item_.content);
  editor_box_->setVisible(true);
  body_->setVisible(false);
  actions_->setVisible(false);
  editor_->setFocus();
}

void MessageWidget::submitEdit(const QString& text) {
  if (text.trimmed().isEmpty()) return;
  editor_box_->setVisible(false);
  body_->setVisible(true);
  actions_->setVisible(true);
  emit editSubmitted(item_.id, text);
}

void MessageWidget::refresh() {
  const bool assistant = item_.role == MessageRole::kAssistant;
  const bool streaming = item_.state == MessageState::kStreaming;
  role_label_->setText(assistant ? tr("Assistant") : tr("You"));
  QStringList meta;
  if (assistant && !item_.model.isEmpty()) meta << item_.model;
  if (item_.createdAtMs > 0)
    meta << QLocale().toString(QDateTime::fromMSecsSinceEpoch(item_.createdAtMs), QLocale::ShortFormat);
  if (assistant && !streaming && item_.tokens > 0) meta << tr("%n tokens", nullptr, static_cast<int>(item_.tokens));
  meta_label_->setText(meta.join(QStringLiteral(" · ")));

  const bool has_reasoning = !item_.reasoning.isEmpty() || item_.thinking;
  thinking_->setVisible(assistant && has_reasoning && !hide_reasoning_);
  if (assistant && has_reasoning) thinking_->setReasoning(item_.reasoning, item_.thinking, item_.reasoningMs);

  QString shown = item_.content;
  if (streaming && shown.isEmpty() && !item_.thinking) shown = tr("*Waiting for the model…*");
  if (!editor_box_->isVisible()) body_->setVisible(!shown.isEmpty());
  body_->setMarkdown(shown);

  QStringList notes;
  if (item_.droppedTurns > 0)
    notes << tr("%n earlier message(s) were left out because the conversation no longer fits the model's context.",
                nullptr, item_.droppedTurns);
  switch (item_.state) {
    case MessageState::kStopped: notes << tr("Stopped."); break;
    case MessageState::kInterrupted: notes << tr("Interrupted: Enclave closed while this answer was being written."); break;
    case MessageState::kFailed: notes << tr("The engine failed: %1").arg(item_.error); break;
    default: break;
  }
  status_->setText(notes.join(QLatin1Char('\n')));
  status_->setObjectName(item_.state == MessageState::kFailed ? QStringLiteral("ErrorBox") : QStringLiteral("Notice"));
  status_->style()->unpolish(status_);
  status_->style()->polish(status_);
  status_->setVisible(!notes.isEmpty());

  actions_->setVisible(!streaming && !editor_box_->isVisible());
  regenerate_->setVisible(assistant);
  edit_->setVisible(!assistant);
  const bool versions = item_.versionCount > 1;
  previous_->setVisible(versions);
  next_->setVisible(versions);
  version_label_->setVisible(versions);
  version_label_->setText(tr("%1 / %2").arg(item_.version).arg(item_.versionCount));
  previous_->setEnabled(item_.version > 1);
  next_->setEnabled(item_.version < item_.versionCount);
}

}  // namespace enclave::ui
