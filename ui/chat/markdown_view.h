// A message body: Markdown prose (headings, lists, tables, emphasis, links) rendered by
// QTextDocument, with fenced code blocks as CodeBlockWidgets. Updating with a longer text (a
// streaming answer) rebuilds only the segments that changed.
#pragma once

#include <QList>
#include <QWidget>

#include "chat/markdown_segments.h"

class QVBoxLayout;

namespace enclave::ui {

class CodeBlockWidget;

class MarkdownView : public QWidget {
  Q_OBJECT

 public:
  explicit MarkdownView(QWidget* parent = nullptr);

  void setMarkdown(const QString& markdown);
  const QString& markdown() const { return markdown_; }
  QList<CodeBlockWidget*> codeBlocks() const;

 private:
  QVBoxLayout* layout_ = nullptr;
  QString markdown_;
  QList<MarkdownSegment> segments_;
  QList<QWidget*> widgets_;  // one per segment
};

}  // namespace enclave::ui
