// Splits Markdown into prose and fenced code blocks, so prose is rendered by QTextDocument and
// each code block gets its own widget with a Copy button. A fence still open at the end (the
// model is in the middle of writing it) is a code block too.
#pragma once

#include <QList>
#include <QString>

namespace enclave::ui {

struct MarkdownSegment {
  enum class Kind { kProse, kCode };
  Kind kind = Kind::kProse;
  QString text;      // prose Markdown, or the code without its fences
  QString language;  // the fence's info string ("python"), code only
  bool closed = true;
  bool operator==(const MarkdownSegment& o) const {
    return kind == o.kind && text == o.text && language == o.language && closed == o.closed;
  }
};

QList<MarkdownSegment> SplitMarkdown(const QString& markdown);

}  // namespace enclave::ui
