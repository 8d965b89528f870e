// The Chat page on a real model with a tokenizer and a chat template (Gemma 3 270M, Q4_K_M,
// fetched by installer/fetch_models.sh; skipped when absent): a text reply streams in, and
// when the conversation outgrows the context the oldest turns are left out with a notice.
#include <QApplication>
#include <QLabel>
#include <QtTest>

#include "chat/chat_controller.h"
#include "chat/message_view.h"
#include "chat/message_widget.h"
#include "local_chat_engine.h"
#include "pages/chat_page.h"
#include "ui_test_support.h"

using namespace enclave;
using namespace enclave::testing;

class TestChatGemma : public QObject {
  Q_OBJECT

  QTemporaryDir dir_;
  std::unique_ptr<TestApp> app_;
  std::unique_ptr<ui::ChatPage> page_;

  bool WaitIdle() { return QTest::qWaitFor([&] { return !page_->controller()->busy(); }, 180000); }

  void Greedy(int max_tokens) {
    store::ConversationSettings s = page_->controller()->settings();
    s.sampling.temperature = 0;
    s.sampling.max_tokens = max_tokens;
    page_->controller()->updateSettings(s);
  }

 private slots:
  void initTestCase() {
    if (!QFile::exists(GemmaGguf())) QSKIP("gemma-3-270m-q4_k_m.gguf is not installed (installer/fetch_models.sh)");
    app_ = std::make_unique<TestApp>(dir_.path(), std::make_unique<gui::LocalChatEngine>());
    const QString error = app_->Load(GemmaGguf(), 256);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QVERIFY(app_->controller->model()->hasTokenizer);
    page_ = std::make_unique<ui::ChatPage>(app_->services);
    page_->resize(1000, 700);
    page_->show();
  }

  void textReplyStreamsIn() {
    Greedy(24);
    QSignalSpy updates(page_->controller(), &ui::ChatController::messageUpdated);
    QVERIFY(page_->controller()->send(QStringLiteral("What is the capital of France? Answer in one word.")));
    QVERIFY(WaitIdle());
    const ui::MessageItem answer = page_->controller()->items().back();
    QCOMPARE(answer.state, store::MessageState::kComplete);
    QVERIFY2(!answer.content.trimmed().isEmpty(), "the model wrote nothing");
    QVERIFY2(!answer.content.contains(QStringLiteral("<end_of_turn>")), qPrintable(answer.content));
    QVERIFY(answer.tokens > 0);
    QVERIFY(!updates.isEmpty());
    QCOMPARE(page_->messageView()->widgetFor(answer.id)->item().content, answer.content);
  }

  void oldestTurnsAreLeftOutWithANotice() {
    Greedy(32);
    const QString filler = QStringLiteral("Please remember this list of words: apple, river, mountain, candle, "
                                          "window, garden, silver, thunder, basket, lantern, meadow, harbor. ");
    int dropped = 0;
    for (int turn = 0; turn < 6 && dropped == 0; ++turn) {
      QVERIFY(page_->controller()->send(filler + QStringLiteral("Turn %1.").arg(turn)));
      QVERIFY(WaitIdle());
      const ui::MessageItem answer = page_->controller()->items().back();
      QVERIFY2(answer.state != store::MessageState::kFailed, qPrintable(answer.error));
      dropped = answer.droppedTurns;
    }
    QVERIFY2(dropped > 0, "a 256-token context should overflow within six long turns");
    ui::MessageWidget* card = page_->messageView()->widgetFor(page_->controller()->items().back().id);
    QVERIFY(card->statusLabel()->isVisible());
    QVERIFY(card->statusLabel()->text().contains(QStringLiteral("left out")));
    // Everything is still in the database and on screen: only the prompt was shortened.
    QVERIFY(page_->controller()->items().size() >= 4);
  }

  void cleanupTestCase() {
    page_.reset();
    app_.reset();
  }
};

QTEST_MAIN(TestChatGemma)
#include "test_chat_gemma.moc"
