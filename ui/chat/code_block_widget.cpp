#include "chat/code_block_widget.h"

#include <QApplication>
#include <QClipboard>
#include <QFontDatabase>
#include <QHBoxLayout>
#include <QLabel>
#include <QPlainTextEdit>
#include <QScrollBar>
#include <QTimer>
#include <QToolButton>
#include <QVBoxLayout>

namespace enclave::ui {

CodeBlockWidget::CodeBlockWidget(QWidget* parent) : QFrame(parent) {
  setObjectName(QStringLiteral("CodeBlock"));
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(1, 1, 1, 1);
  layout->setSpacing(0);
  auto* header = new QWidget(this);
  header->setObjectName(QStringLiteral("CodeBlockHeader"));
  auto* header_layout = new QHBoxLayout(header);
  header_layout->setContentsMargins(10, 2, 4, 2);
  language_label_ = new QLabel(header);
  language_label_->setObjectName(QStringLiteral("MutedLabel"));
  copy_button_ = new QToolButton(header);
  copy_button_->setObjectName(QStringLiteral("LinkButton"));
  copy_button_->setIcon(QIcon(QStringLiteral(":/icons/copy.svg")));
  copy_button_->setText(tr("Copy"));
  copy_button_->setToolTip(tr("Copy the code"));
  copy_button_->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
  connect(copy_button_, &QToolButton::clicked, this, &CodeBlockWidget::copyToClipboard);
  header_layout->addWidget(language_label_);
  header_layout->addStretch();
  header_layout->addWidget(copy_button_);

  editor_ = new QPlainTextEdit(this);
  editor_->setReadOnly(true);
  editor_->setFrameShape(QFrame::NoFrame);
  editor_->setLineWrapMode(QPlainTextEdit::NoWrap);
  editor_->setVerticalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
  editor_->setHorizontalScrollBarPolicy(Qt::ScrollBarAsNeeded);
  editor_->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
  editor_->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
  editor_->setStyleSheet(QStringLiteral("QPlainTextEdit { background: transparent; padding: 6px 4px; }"));
  layout->addWidget(header);
  layout->addWidget(editor_);
}

void CodeBlockWidget::setCode(const QString& code, const QString& language) {
  language_label_->setText(language.isEmpty() ? tr("code") : language);
  if (editor_->toPlainText() == code) return;
  editor_->setPlainText(code);
  updateHeight();
}

QString CodeBlockWidget::code() const { return editor_->toPlainText(); }

void CodeBlockWidget::updateHeight() {
  const QFontMetrics metrics(editor_->font());
  const int lines = qMax(1, editor_->document()->blockCount());
  const int scrollbar = editor_->horizontalScrollBar()->isVisible() ? editor_->horizontalScrollBar()->height() : 0;
  editor_->setFixedHeight(lines * metrics.lineSpacing() + 2 * static_cast<int>(editor_->document()->documentMargin()) +
                          14 + scrollbar);
}

void CodeBlockWidget::copyToClipboard() {
  QApplication::clipboard()->setText(code());
  copy_button_->setText(tr("Copied"));
  QTimer::singleShot(1500, copy_button_, [button = copy_button_] { button->setText(tr("Copy")); });
}

}  // namespace enclave::ui
