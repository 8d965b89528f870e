#include "chat/thinking_block.h"

#include <QApplication>
#include <QClipboard>
#include <QHBoxLayout>
#include <QTimer>
#include <QToolButton>
#include <QVBoxLayout>

#include "chat/auto_height_text_view.h"
#include "format.h"
#include "theme.h"

namespace enclave::ui {

ThinkingBlock::ThinkingBlock(QWidget* parent) : QFrame(parent) {
  setObjectName(QStringLiteral("ThinkingBlock"));
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(10, 0, 0, 0);
  layout->setSpacing(2);
  auto* header = new QHBoxLayout();
  header->setSpacing(4);
  toggle_ = new QToolButton(this);
  toggle_->setObjectName(QStringLiteral("LinkButton"));
  toggle_->setCheckable(true);
  toggle_->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
  toggle_->setIcon(QIcon(QStringLiteral(":/icons/chevron-right.svg")));
  toggle_->setToolTip(tr("Show or hide the model's reasoning"));
  copy_ = new QToolButton(this);
  copy_->setObjectName(QStringLiteral("LinkButton"));
  copy_->setIcon(QIcon(QStringLiteral(":/icons/copy.svg")));
  copy_->setToolTip(tr("Copy the reasoning"));
  copy_->setVisible(false);
  header->addWidget(toggle_);
  header->addWidget(copy_);
  header->addStretch();
  body_ = new AutoHeightTextView(this);
  body_->setObjectName(QStringLiteral("ThinkingText"));
  QPalette muted = body_->palette();
  muted.setColor(QPalette::Text, MutedTextColor(palette()));
  body_->setPalette(muted);
  body_->setVisible(false);
  layout->addLayout(header);
  layout->addWidget(body_);
  connect(toggle_, &QToolButton::toggled, this, [this](bool on) {
    body_->setVisible(on);
    copy_->setVisible(on);
    toggle_->setIcon(QIcon(on ? QStringLiteral(":/icons/chevron-down.svg") : QStringLiteral(":/icons/chevron-right.svg")));
  });
  connect(copy_, &QToolButton::clicked, this, [this] {
    QApplication::clipboard()->setText(text_);
    copy_->setToolTip(tr("Copied"));
  });
  updateHeader();
}

void ThinkingBlock::setReasoning(const QString& text, bool thinking, qint64 milliseconds) {
  text_ = text;
  thinking_ = thinking;
  ms_ = milliseconds;
  body_->setPlainTextIfChanged(text);
  updateHeader();
}

bool ThinkingBlock::isExpanded() const { return toggle_->isChecked(); }

void ThinkingBlock::setExpanded(bool expanded) { toggle_->setChecked(expanded); }

QString ThinkingBlock::headerText() const { return toggle_->text(); }

void ThinkingBlock::updateHeader() {
  if (thinking_)
    toggle_->setText(ms_ >= 1000 ? tr("Thinking… %1").arg(Format::seconds(ms_)) : tr("Thinking…"));
  else if (ms_ > 0)
    toggle_->setText(tr("Thought for %1").arg(Format::seconds(ms_)));
  else
    toggle_->setText(tr("Reasoning"));
}

}  // namespace enclave::ui
