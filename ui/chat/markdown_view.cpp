#include "chat/markdown_view.h"

#include <QVBoxLayout>

#include "chat/auto_height_text_view.h"
#include "chat/code_block_widget.h"

namespace enclave::ui {

MarkdownView::MarkdownView(QWidget* parent) : QWidget(parent) {
  layout_ = new QVBoxLayout(this);
  layout_->setContentsMargins(0, 0, 0, 0);
  layout_->setSpacing(8);
}

void MarkdownView::setMarkdown(const QString& markdown) {
  if (markdown == markdown_) return;
  markdown_ = markdown;
  const QList<MarkdownSegment> segments = SplitMarkdown(markdown);
  for (int i = 0; i < segments.size(); ++i) {
    const MarkdownSegment& segment = segments[i];
    if (i < segments_.size() && segments_[i] == segment) continue;
    const bool reuse = i < widgets_.size() && segments_[i].kind == segment.kind;
    if (!reuse && i < widgets_.size()) {  // kind changed: replace this and the rest
      while (widgets_.size() > i) delete widgets_.takeLast();
      segments_ = segments_.mid(0, i);
    }
    if (segment.kind == MarkdownSegment::Kind::kProse) {
      auto* view = reuse ? static_cast<AutoHeightTextView*>(widgets_[i]) : new AutoHeightTextView(this);
      view->setMarkdownText(segment.text);
      if (!reuse) {
        layout_->addWidget(view);
        widgets_.push_back(view);
      }
    } else {
      auto* block = reuse ? static_cast<CodeBlockWidget*>(widgets_[i]) : new CodeBlockWidget(this);
      block->setCode(segment.text, segment.language);
      if (!reuse) {
        layout_->addWidget(block);
        widgets_.push_back(block);
      }
    }
  }
  while (widgets_.size() > segments.size()) delete widgets_.takeLast();
  segments_ = segments;
}

QList<CodeBlockWidget*> MarkdownView::codeBlocks() const {
  QList<CodeBlockWidget*> blocks;
  for (QWidget* w : widgets_)
    if (auto* block = qobject_cast<CodeBlockWidget*>(w)) blocks.push_back(block);
  return blocks;
}

}  // namespace enclave::ui
