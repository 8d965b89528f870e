#include "chat/composer.h"

#include <QHBoxLayout>
#include <QKeyEvent>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QVBoxLayout>

namespace enclave::ui {

Composer::Composer(QWidget* parent) : QFrame(parent) {
  setObjectName(QStringLiteral("Composer"));
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(10, 8, 10, 6);
  layout->setSpacing(4);
  input_ = new QPlainTextEdit(this);
  input_->setObjectName(QStringLiteral("ComposerInput"));
  input_->setFrameShape(QFrame::NoFrame);
  input_->setPlaceholderText(tr("Message the model…"));
  input_->setTabChangesFocus(true);
  input_->setFixedHeight(72);
  input_->installEventFilter(this);
  auto* row = new QHBoxLayout();
  hint_ = new QLabel(tr("Ctrl+Enter to send · Esc to stop"), this);
  hint_->setObjectName(QStringLiteral("MutedLabel"));
  button_ = new QPushButton(this);
  button_->setObjectName(QStringLiteral("PrimaryButton"));
  button_->setCursor(Qt::PointingHandCursor);
  row->addWidget(hint_);
  row->addStretch();
  row->addWidget(button_);
  layout->addWidget(input_);
  layout->addLayout(row);
  connect(button_, &QPushButton::clicked, this, &Composer::trigger);
  connect(input_, &QPlainTextEdit::textChanged, this, &Composer::updateButton);
  updateButton();
}

bool Composer::eventFilter(QObject* watched, QEvent* event) {
  if (watched == input_ && event->type() == QEvent::KeyPress) {
    auto* key = static_cast<QKeyEvent*>(event);
    const bool enter = key->key() == Qt::Key_Return || key->key() == Qt::Key_Enter;
    if (enter && (key->modifiers() & Qt::ControlModifier)) {
      if (!busy_) trigger();
      return true;
    }
  }
  return QFrame::eventFilter(watched, event);
}

void Composer::trigger() {
  if (busy_) {
    emit stopRequested();
    return;
  }
  const QString text = input_->toPlainText();
  if (text.trimmed().isEmpty() || !can_send_) return;
  emit sendRequested(text);
}

void Composer::setBusy(bool busy) {
  busy_ = busy;
  updateButton();
}

void Composer::setCanSend(bool can, const QString& why_not) {
  can_send_ = can;
  button_->setToolTip(can ? QString() : why_not);
  updateButton();
}

QString Composer::text() const { return input_->toPlainText(); }

void Composer::setText(const QString& text) { input_->setPlainText(text); }

void Composer::clear() { input_->clear(); }

void Composer::focusInput() { input_->setFocus(); }

void Composer::updateButton() {
  if (busy_) {
    button_->setText(tr("Stop"));
    button_->setIcon(QIcon(QStringLiteral(":/icons/stop.svg")));
    button_->setEnabled(true);
    button_->setToolTip(tr("Stop the answer (Esc)"));
    return;
  }
  button_->setText(tr("Send"));
  button_->setIcon(QIcon(QStringLiteral(":/icons/send.svg")));
  button_->setEnabled(can_send_ && !input_->toPlainText().trimmed().isEmpty());
}

}  // namespace enclave::ui
