// The Thinking block on the Chat page, driven by a scripted engine (a real model cannot be made
// to emit an exact reasoning transcript): reasoning apart from the answer, folded while it
// streams, a duration, selectable and copyable text, robust to a missing opening tag and to
// think tags quoted in code, and the per-conversation switch that hides it. The splitting
// itself is the engine's ReasoningSplitter, run on the worker thread as in the application.
#include <QApplication>
#include <QCheckBox>
#include <QClipboard>
#include <QToolButton>
#include <QtTest>

#include "chat/auto_height_text_view.h"
#include "chat/chat_controller.h"
#include "chat/code_block_widget.h"
#include "chat/conversation_settings_panel.h"
#include "chat/markdown_view.h"
#include "chat/message_view.h"
#include "chat/message_widget.h"
#include "chat/thinking_block.h"
#include "pages/chat_page.h"
#include "scripted_chat_engine.h"
#include "ui_test_support.h"

using namespace enclave;
using namespace enclave::testing;

namespace {

// Splits text into one-character "tokens" so tags arrive cut anywhere.
std::vector<std::string> Characters(const std::string& text) {
  std::vector<std::string> chunks;
  for (size_t i = 0; i < text.size();) {
    size_t n = 1;
    const unsigned char c = static_cast<unsigned char>(text[i]);
    if (c >= 0xf0) n = 4;
    else if (c >= 0xe0) n = 3;
    else if (c >= 0xc0) n = 2;
    chunks.push_back(text.substr(i, n));
    i += n;
  }
  return chunks;
}

}  // namespace

class TestReasoningDisplay : public QObject {
  Q_OBJECT

  QTemporaryDir dir_;
  std::unique_ptr<TestApp> app_;
  std::unique_ptr<ui::ChatPage> page_;

  void Start(ScriptedChatEngine::Script script) {
    page_.reset();
    app_.reset();
    QFile::remove(dir_.filePath(QStringLiteral("enclave.db")));
    app_ = std::make_unique<TestApp>(dir_.path(), std::make_unique<ScriptedChatEngine>(std::move(script)));
    QVERIFY(app_->Load(QStringLiteral("/scripted")).isEmpty());
    page_ = std::make_unique<ui::ChatPage>(app_->services);
    page_->resize(1000, 700);
    page_->show();
  }

  ui::MessageWidget* Answer() { return page_->messageView()->messageWidgets().back(); }
  bool WaitIdle() { return QTest::qWaitFor([&] { return !page_->controller()->busy(); }, 30000); }

 private slots:
  void thinkingIsFoldedWhileItStreamsAndKeptApart() {
    ScriptedChatEngine::Script script;
    script.chunks = Characters("<think>\nFirst I compare the two numbers.\nThen I answer.\n</think>\n\n**42** is larger.");
    script.per_token = std::chrono::milliseconds(15);
    Start(script);
    QVERIFY(page_->controller()->send(QStringLiteral("Which is larger, 42 or 7?")));
    // Mid-stream, while still in the reasoning: a folded block that says it is thinking.
    QVERIFY(QTest::qWaitFor([&] {
      const auto& items = page_->controller()->items();
      return items.size() == 2 && !Answer()->item().reasoning.isEmpty() && Answer()->item().thinking;
    }, 20000));
    ui::ThinkingBlock* block = Answer()->thinkingBlock();
    QVERIFY(block->isVisible());
    QVERIFY(!block->isExpanded());
    QVERIFY(!block->textView()->isVisible());
    QVERIFY2(block->headerText().startsWith(QStringLiteral("Thinking")), qPrintable(block->headerText()));
    QVERIFY(Answer()->body()->markdown().isEmpty() || !Answer()->body()->isVisible());
    // Unfold while it streams: the user's choice holds as more text arrives.
    block->toggleButton()->click();
    QVERIFY(block->isExpanded());
    QVERIFY(WaitIdle());
    QVERIFY(block->isExpanded());

    const ui::MessageItem& item = Answer()->item();
    QCOMPARE(item.reasoning, QStringLiteral("First I compare the two numbers.\nThen I answer."));
    QCOMPARE(item.content, QStringLiteral("**42** is larger."));
    QVERIFY(item.reasoningMs > 0);
    QVERIFY2(block->headerText().startsWith(QStringLiteral("Thought for")), qPrintable(block->headerText()));
    QVERIFY(!Answer()->body()->markdown().contains(QStringLiteral("compare")));
    // Selectable and copyable.
    QVERIFY(block->textView()->textInteractionFlags() & Qt::TextSelectableByMouse);
    QCOMPARE(block->textView()->toPlainText(), item.reasoning);
    // Stored apart from the answer.
    auto stored = app_->db->GetMessage(item.id);
    QCOMPARE(QString::fromStdString(stored->reasoning), item.reasoning);
    QCOMPARE(QString::fromStdString(stored->content), item.content);
    QCOMPARE(stored->reasoning_ms, item.reasoningMs);
  }

  void templateOpenedThinkAndTheOutputOnlyCloses() {
    ScriptedChatEngine::Script script;
    script.chunks = Characters("The user greets me.\n</think>\n\nHello!");
    script.opens_reasoning = true;  // the prompt ended with "<think>\n"
    Start(script);
    QVERIFY(page_->controller()->send(QStringLiteral("Hi")));
    QVERIFY(WaitIdle());
    QCOMPARE(Answer()->item().reasoning, QStringLiteral("The user greets me."));
    QCOMPARE(Answer()->item().content, QStringLiteral("Hello!"));
    QVERIFY(Answer()->thinkingBlock()->isVisible());
  }

  void strayCloseTagWithoutAnyOpening() {
    ScriptedChatEngine::Script script;
    script.chunks = Characters("Let me think about it.\n</think>\n\nDone.");
    script.opens_reasoning = false;  // nothing says reasoning started: found out at </think>
    Start(script);
    QVERIFY(page_->controller()->send(QStringLiteral("Go")));
    QVERIFY(WaitIdle());
    QCOMPARE(Answer()->item().reasoning, QStringLiteral("Let me think about it."));
    QCOMPARE(Answer()->item().content, QStringLiteral("Done."));
  }

  void thinkTagsQuotedInCodeAreAnswerText() {
    const std::string answer = "Wrap it like this:\n\n```xml\n<think>\nreasoning\n</think>\n```\n\nand `</think>` closes it.";
    ScriptedChatEngine::Script script;
    script.chunks = Characters(answer);
    Start(script);
    QVERIFY(page_->controller()->send(QStringLiteral("How do R1 tags look?")));
    QVERIFY(WaitIdle());
    QVERIFY(Answer()->item().reasoning.isEmpty());
    QCOMPARE(Answer()->item().content, QString::fromStdString(answer));
    QVERIFY(!Answer()->thinkingBlock()->isVisible());
    // The quoted tags are in a code block with its own Copy button.
    const QList<ui::CodeBlockWidget*> blocks = Answer()->body()->codeBlocks();
    QCOMPARE(blocks.size(), 1);
    QCOMPARE(blocks[0]->code(), QStringLiteral("<think>\nreasoning\n</think>"));
    blocks[0]->copyButton()->click();
    QCOMPARE(QApplication::clipboard()->text(), QStringLiteral("<think>\nreasoning\n</think>"));
  }

  void hideReasoningIsPerConversationAndRemembered() {
    ScriptedChatEngine::Script script;
    script.chunks = Characters("<think>secret plan</think>Visible answer.");
    Start(script);
    QVERIFY(page_->controller()->send(QStringLiteral("One")));
    QVERIFY(WaitIdle());
    const qint64 first = page_->controller()->conversationId();
    QVERIFY(Answer()->thinkingBlock()->isVisible());
    page_->settingsPanel()->hideReasoningBox()->setChecked(true);
    QVERIFY(!Answer()->thinkingBlock()->isVisible());
    QVERIFY(app_->db->GetConversation(first)->settings.hide_reasoning);
    // Another conversation is unaffected.
    page_->controller()->newConversation();
    page_->settingsPanel()->hideReasoningBox()->setChecked(false);
    QVERIFY(page_->controller()->send(QStringLiteral("Two")));
    QVERIFY(WaitIdle());
    QVERIFY(Answer()->thinkingBlock()->isVisible());
    // Back to the first: still hidden, and the reasoning is still stored.
    page_->controller()->openConversation(first);
    QVERIFY(page_->settingsPanel()->hideReasoningBox()->isChecked());
    QVERIFY(!Answer()->thinkingBlock()->isVisible());
    QCOMPARE(Answer()->item().reasoning, QStringLiteral("secret plan"));
  }

  void cleanupTestCase() {
    page_.reset();
    app_.reset();
  }
};

QTEST_MAIN(TestReasoningDisplay)
#include "test_reasoning_display.moc"
