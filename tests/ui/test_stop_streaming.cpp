// Stopping an answer mid-stream (Stop button and Esc): generation ends at once, the text so far
// is kept and marked stopped in the view and in the database, and the chat is ready for the
// next message. The tiny test model answers in milliseconds, faster than anyone can stop it,
// so this uses a slow scripted engine, and the real Gemma 3 270M model when it is installed.
#include <QApplication>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QToolButton>
#include <QtTest>

#include "chat/chat_controller.h"
#include "chat/composer.h"
#include "chat/message_view.h"
#include "chat/message_widget.h"
#include "local_chat_engine.h"
#include "pages/chat_page.h"
#include "scripted_chat_engine.h"
#include "ui_test_support.h"

using namespace enclave;
using namespace enclave::testing;

class TestStopStreaming : public QObject {
  Q_OBJECT

  QTemporaryDir dir_;

  void StopMidStream(TestApp& app, const QString& prompt, bool use_escape, int max_tokens = 0) {
    ui::ChatPage page(app.services);
    page.resize(900, 600);
    page.show();
    QApplication::setActiveWindow(&page);
    QVERIFY(QTest::qWaitForWindowActive(&page));
    if (max_tokens > 0) {
      store::ConversationSettings s = page.controller()->settings();
      s.sampling.max_tokens = max_tokens;
      page.controller()->updateSettings(s);
    }
    QVERIFY(page.controller()->send(prompt));
    ui::ChatController* controller = page.controller();
    // Wait until some of the answer is on screen.
    QVERIFY(QTest::qWaitFor([&] { return controller->busy() && !controller->items().isEmpty() &&
                                         page.messageView()->messageWidgets().back()->item().tokens >= 3; },
                            60000));
    QVERIFY(page.composer()->button()->text() == QStringLiteral("Stop"));
    if (use_escape) QTest::keyClick(page.composer()->input(), Qt::Key_Escape);
    else page.composer()->button()->click();
    QVERIFY(QTest::qWaitFor([&] { return !controller->busy(); }, 30000));

    const ui::MessageItem answer = controller->items().back();
    QCOMPARE(answer.state, store::MessageState::kStopped);
    QVERIFY(answer.tokens >= 3);
    auto stored = app.db->GetMessage(answer.id);
    QVERIFY(stored.ok());
    QCOMPARE(stored->state, store::MessageState::kStopped);
    QCOMPARE(QString::fromStdString(stored->content), answer.content);
    ui::MessageWidget* card = page.messageView()->widgetFor(answer.id);
    QVERIFY(card->statusLabel()->isVisible());
    QCOMPARE(page.composer()->button()->text(), QStringLiteral("Send"));
    // Ready for the next message.
    QVERIFY(card->regenerateButton()->isEnabled());
  }

 private slots:
  void stopButtonStopsAScriptedAnswer() {
    ScriptedChatEngine::Script script;
    script.chunks = {"word "};
    script.repeat_last = 100000;  // would take minutes
    script.per_token = std::chrono::milliseconds(3);
    TestApp app(dir_.path(), std::make_unique<ScriptedChatEngine>(script));
    QVERIFY(app.Load(QStringLiteral("/scripted")).isEmpty());
    StopMidStream(app, QStringLiteral("Talk forever"), /*use_escape=*/false);
  }

  void escapeStopsAScriptedAnswer() {
    ScriptedChatEngine::Script script;
    script.chunks = {"<think>", "hmm "};
    script.repeat_last = 100000;
    script.per_token = std::chrono::milliseconds(3);
    TestApp app(dir_.path(), std::make_unique<ScriptedChatEngine>(script));
    QVERIFY(app.Load(QStringLiteral("/scripted")).isEmpty());
    StopMidStream(app, QStringLiteral("Think forever"), /*use_escape=*/true);
  }

  void stopButtonStopsGemma() {
    if (!QFile::exists(GemmaGguf())) QSKIP("gemma-3-270m-q4_k_m.gguf is not installed (installer/fetch_models.sh)");
    TestApp app(dir_.path(), std::make_unique<gui::LocalChatEngine>());
    const QString error = app.Load(GemmaGguf(), 2048);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    StopMidStream(app, QStringLiteral("Write a long story about a lighthouse keeper."), /*use_escape=*/false, 1500);
  }
};

QTEST_MAIN(TestStopStreaming)
#include "test_stop_streaming.moc"
