// Markdown in messages: prose and fenced code split correctly (also mid-stream, with a fence
// still open), headings, lists and tables rendered, and code blocks with a working Copy button.
#include <QApplication>
#include <QClipboard>
#include <QFontDatabase>
#include <QTextDocument>
#include <QTextTable>
#include <QToolButton>
#include <QtTest>

#include "chat/auto_height_text_view.h"
#include "chat/code_block_widget.h"
#include "chat/markdown_segments.h"
#include "chat/markdown_view.h"

using namespace enclave::ui;

class TestMarkdownView : public QObject {
  Q_OBJECT

 private slots:
  void splitsProseAndCode() {
    const auto segments = SplitMarkdown(QStringLiteral("Intro\n\n```python\nprint(1)\n\nx = 2\n```\nAfter"));
    QCOMPARE(segments.size(), 3);
    QCOMPARE(segments[0].kind, MarkdownSegment::Kind::kProse);
    QCOMPARE(segments[0].text, QStringLiteral("Intro"));
    QCOMPARE(segments[1].kind, MarkdownSegment::Kind::kCode);
    QCOMPARE(segments[1].language, QStringLiteral("python"));
    QCOMPARE(segments[1].text, QStringLiteral("print(1)\n\nx = 2"));
    QVERIFY(segments[1].closed);
    QCOMPARE(segments[2].text, QStringLiteral("After"));
  }

  void openFenceWhileStreaming() {
    const auto segments = SplitMarkdown(QStringLiteral("Here:\n```sh\nls -l"));
    QCOMPARE(segments.size(), 2);
    QCOMPARE(segments[1].kind, MarkdownSegment::Kind::kCode);
    QCOMPARE(segments[1].text, QStringLiteral("ls -l"));
    QVERIFY(!segments[1].closed);
  }

  void longerFencesAndTildes() {
    const auto segments = SplitMarkdown(QStringLiteral("````md\n```\ninner\n```\n````\n~~~\ntilde\n~~~"));
    QCOMPARE(segments.size(), 2);
    QCOMPARE(segments[0].text, QStringLiteral("```\ninner\n```"));
    QCOMPARE(segments[1].text, QStringLiteral("tilde"));
    // Inline code with three backticks on a line is not a fence.
    QCOMPARE(SplitMarkdown(QStringLiteral("use ```x``` here")).size(), 1);
  }

  void rendersHeadingsListsAndTables() {
    MarkdownView view;
    view.resize(600, 400);
    view.setMarkdown(QStringLiteral("# Title\n\n- one\n- two\n\n| a | b |\n|---|---|\n| 1 | 2 |\n"));
    auto* prose = view.findChild<AutoHeightTextView*>();
    QVERIFY(prose);
    QTextDocument* doc = prose->document();
    QCOMPARE(doc->firstBlock().text(), QStringLiteral("Title"));
    QVERIFY(doc->firstBlock().blockFormat().headingLevel() == 1);
    bool has_list = false, has_table = false;
    for (QTextBlock b = doc->begin(); b.isValid(); b = b.next()) {
      if (b.textList()) has_list = true;
      if (QTextCursor(b).currentTable()) has_table = true;
    }
    QVERIFY(has_list);
    QVERIFY(has_table);
  }

  void codeBlockCopyButtonCopiesTheCode() {
    MarkdownView view;
    view.setMarkdown(QStringLiteral("Try:\n\n```cpp\nint main() { return 0; }\n```"));
    QCOMPARE(view.codeBlocks().size(), 1);
    CodeBlockWidget* block = view.codeBlocks().front();
    block->copyButton()->click();
    QCOMPARE(QApplication::clipboard()->text(), QStringLiteral("int main() { return 0; }"));
  }

  void streamingUpdatesReuseWidgets() {
    MarkdownView view;
    view.setMarkdown(QStringLiteral("Start\n```\na"));
    CodeBlockWidget* block = view.codeBlocks().front();
    view.setMarkdown(QStringLiteral("Start\n```\na\nb"));
    QCOMPARE(view.codeBlocks().front(), block);  // same widget, more code
    QCOMPARE(block->code(), QStringLiteral("a\nb"));
    view.setMarkdown(QStringLiteral("Start\n```\na\nb\n```\nEnd"));
    QCOMPARE(view.codeBlocks().front(), block);
    QCOMPARE(view.findChildren<AutoHeightTextView*>().size(), 2);
  }

  void cjkText() {
    MarkdownView view;
    view.setMarkdown(QStringLiteral("进程拥有独立的地址空间。"));
    auto* prose = view.findChild<AutoHeightTextView*>();
    QCOMPARE(prose->toPlainText(), QStringLiteral("进程拥有独立的地址空间。"));
    // fonts-noto-cjk (a dependency of the package) provides the glyphs.
    QVERIFY2(!QFontDatabase::families(QFontDatabase::SimplifiedChinese).isEmpty(),
             "no font for Simplified Chinese is installed (apt-get install fonts-noto-cjk)");
  }
};

QTEST_MAIN(TestMarkdownView)
#include "test_markdown_view.moc"
