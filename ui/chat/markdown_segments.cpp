#include "chat/markdown_segments.h"

#include <QStringList>

namespace enclave::ui {
namespace {

// A fence line: up to 3 spaces, then 3+ backticks or tildes. Returns the run length or 0.
int FenceRun(const QString& line, QChar* fence_char, QString* info) {
  int i = 0;
  while (i < line.size() && i < 3 && line[i] == QLatin1Char(' ')) ++i;
  if (i >= line.size() || (line[i] != QLatin1Char('`') && line[i] != QLatin1Char('~'))) return 0;
  const QChar c = line[i];
  int run = 0;
  while (i + run < line.size() && line[i + run] == c) ++run;
  if (run < 3) return 0;
  const QString rest = line.mid(i + run).trimmed();
  if (c == QLatin1Char('`') && rest.contains(QLatin1Char('`'))) return 0;  // inline code, not a fence
  *fence_char = c;
  *info = rest;
  return run;
}

}  // namespace

QList<MarkdownSegment> SplitMarkdown(const QString& markdown) {
  QList<MarkdownSegment> segments;
  const QStringList lines = markdown.split(QLatin1Char('\n'));
  QStringList prose, code;
  int fence_len = 0;
  QChar fence_char;
  QString language;
  auto flush_prose = [&] {
    while (!prose.isEmpty() && prose.back().trimmed().isEmpty()) prose.removeLast();
    while (!prose.isEmpty() && prose.front().trimmed().isEmpty()) prose.removeFirst();
    if (!prose.isEmpty()) segments.push_back({MarkdownSegment::Kind::kProse, prose.join(QLatin1Char('\n')), {}, true});
    prose.clear();
  };
  for (const QString& line : lines) {
    QChar c;
    QString info;
    const int run = FenceRun(line, &c, &info);
    if (fence_len == 0) {
      if (run > 0) {
        flush_prose();
        fence_len = run;
        fence_char = c;
        language = info.section(QLatin1Char(' '), 0, 0);
        code.clear();
      } else {
        prose << line;
      }
    } else if (run >= fence_len && c == fence_char && info.isEmpty()) {
      segments.push_back({MarkdownSegment::Kind::kCode, code.join(QLatin1Char('\n')), language, true});
      fence_len = 0;
    } else {
      code << line;
    }
  }
  if (fence_len > 0) segments.push_back({MarkdownSegment::Kind::kCode, code.join(QLatin1Char('\n')), language, false});
  else flush_prose();
  return segments;
}

}  // namespace enclave::ui
