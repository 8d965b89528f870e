// The Chat page on the real engine with the tiny Qwen2 test model (random weights, no
// tokenizer: token-id mode). Its greedy continuation of the golden prompt is known exactly, so
// the streamed reply can be checked token for token through engine, worker, controller,
// database and message view. Covers send, streaming, regenerate, edit-and-resend and restart.
#include <QApplication>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QToolButton>
#include <QtTest>

#include "chat/chat_controller.h"
#include "chat/composer.h"
#include "chat/markdown_view.h"
#include "chat/message_view.h"
#include "chat/message_widget.h"
#include "local_chat_engine.h"
#include "models/conversation_list_model.h"
#include "pages/chat_page.h"
#include "ui_test_support.h"

using namespace enclave;
using namespace enclave::testing;

namespace {

QList<int> Ids(const QString& text) {
  QList<int> ids;
  for (const QString& word : text.split(QRegularExpression(QStringLiteral("[,\\s]+")), Qt::SkipEmptyParts))
    ids << word.toInt();
  return ids;
}

struct Golden {
  QString prompt;       // "1, 17, 200, ..."
  QList<int> greedy;    // 24 greedy ids
};

Golden ReadGolden() {
  QFile file(TinyQwen2Dir() + QStringLiteral("/golden.json"));
  if (!file.open(QIODevice::ReadOnly)) return {};
  const QJsonObject root = QJsonDocument::fromJson(file.readAll()).object();
  Golden g;
  QStringList prompt;
  for (const QJsonValue& v : root[QStringLiteral("input_ids")].toArray()) prompt << QString::number(v.toInt());
  g.prompt = prompt.join(QStringLiteral(", "));
  for (const QJsonValue& v : root[QStringLiteral("greedy_next_ids")].toArray()) g.greedy << v.toInt();
  return g;
}

}  // namespace

class TestChatRealEngine : public QObject {
  Q_OBJECT

  QTemporaryDir dir_;
  Golden golden_;
  std::unique_ptr<TestApp> app_;
  std::unique_ptr<ui::ChatPage> page_;

  void Start() {
    page_.reset();
    app_.reset();
    app_ = std::make_unique<TestApp>(dir_.path(), std::make_unique<gui::LocalChatEngine>());
    const QString error = app_->Load(TinyQwen2Dir(), 512);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    page_ = std::make_unique<ui::ChatPage>(app_->services);
    page_->resize(1000, 700);
    page_->show();
  }

  ui::ChatController* controller() { return page_->controller(); }

  // Greedy decoding, answers of exactly the golden length.
  void UseGreedySettings() {
    store::ConversationSettings s = controller()->settings();
    s.sampling.temperature = 0;
    s.sampling.max_tokens = golden_.greedy.size();
    controller()->updateSettings(s);
  }

  bool WaitIdle() { return QTest::qWaitFor([&] { return !controller()->busy(); }, 60000); }

 private slots:
  void initTestCase() {
    if (!QFile::exists(TinyQwen2Dir() + QStringLiteral("/model.safetensors")))
      QSKIP("tiny-qwen2 test model not found (ENCLAVE_TESTDATA)");
    golden_ = ReadGolden();
    QCOMPARE(golden_.greedy.size(), 24);
    Start();
  }

  void sendStreamsTheGreedyReply() {
    controller()->newConversation();
    UseGreedySettings();
    QSignalSpy updates(controller(), &ui::ChatController::messageUpdated);
    // Type into the composer and send with Ctrl+Enter, as a user does.
    page_->composer()->input()->setFocus();
    page_->composer()->setText(golden_.prompt);
    QTest::keyClick(page_->composer()->input(), Qt::Key_Return, Qt::ControlModifier);
    QVERIFY(controller()->busy());
    QVERIFY(page_->composer()->text().isEmpty());
    QVERIFY(WaitIdle());

    // Every streamed update is a prefix of the final reply.
    const QList<ui::MessageItem>& items = controller()->items();
    QCOMPARE(items.size(), 2);
    QCOMPARE(items[1].state, store::MessageState::kComplete);
    const QList<int> reply = Ids(items[1].content);
    QCOMPARE(reply, golden_.greedy);
    QVERIFY(!updates.isEmpty());
    for (const QList<QVariant>& update : updates) {
      const QList<int> partial = Ids(update.front().value<ui::MessageItem>().content);
      QVERIFY(partial.size() <= reply.size());
      QCOMPARE(partial, reply.mid(0, partial.size()));
    }
    // The message view shows it, and the database has it.
    ui::MessageWidget* card = page_->messageView()->widgetFor(items[1].id);
    QVERIFY(card);
    QCOMPARE(Ids(card->body()->markdown()), golden_.greedy);
    auto stored = app_->db->GetMessage(items[1].id);
    QVERIFY(stored.ok());
    QCOMPARE(Ids(QString::fromStdString(stored->content)), golden_.greedy);
    QCOMPARE(stored->token_count, int64_t{24});
    // The context bar counts prompt and answer.
    QCOMPARE(page_->contextBar()->value(), 20 + 24);
    QCOMPARE(page_->contextBar()->maximum(), 512);
  }

  void regenerateKeepsTheEarlierAnswerAsAVersion() {
    const qint64 first_answer = controller()->items()[1].id;
    const QString first_text = controller()->items()[1].content;
    store::ConversationSettings s = controller()->settings();
    s.sampling.temperature = 1.0;
    s.sampling.seed = 7;
    controller()->updateSettings(s);
    ui::MessageWidget* card = page_->messageView()->widgetFor(first_answer);
    QVERIFY(card->regenerateButton()->isVisible());
    card->regenerateButton()->click();
    QVERIFY(WaitIdle());
    const ui::MessageItem second = controller()->items()[1];
    QVERIFY(second.id != first_answer);
    QCOMPARE(second.version, 2);
    QCOMPARE(second.versionCount, 2);
    QCOMPARE(Ids(second.content).size(), 24);
    QVERIFY2(second.content != first_text, "temperature 1 with seed 7 should not reproduce the greedy answer");
    // Switch back to version 1 with the arrow: the greedy answer is there unchanged.
    page_->messageView()->widgetFor(second.id)->previousVersionButton()->click();
    QCOMPARE(controller()->items()[1].id, first_answer);
    QCOMPARE(controller()->items()[1].content, first_text);
    QCOMPARE(controller()->items()[1].version, 1);
    page_->messageView()->widgetFor(first_answer)->nextVersionButton()->click();
    QCOMPARE(controller()->items()[1].id, second.id);
  }

  void editAndResendBranchesAndKeepsTheOriginal() {
    // A follow-up, so the original branch has later messages.
    UseGreedySettings();
    QVERIFY(controller()->send(QStringLiteral("5, 6, 7")));
    QVERIFY(WaitIdle());
    QCOMPARE(controller()->items().size(), 4);
    const qint64 original_prompt = controller()->items()[0].id;
    // Edit the first prompt in place and resend.
    ui::MessageWidget* card = page_->messageView()->widgetFor(original_prompt);
    card->editButton()->click();
    card->submitEdit(QStringLiteral("1, 17, 200, 33"));
    QVERIFY(WaitIdle());
    QCOMPARE(controller()->items().size(), 2);
    QCOMPARE(controller()->items()[0].content, QStringLiteral("1, 17, 200, 33"));
    QCOMPARE(controller()->items()[0].versionCount, 2);
    QCOMPARE(Ids(controller()->items()[1].content).size(), 24);
    // The original prompt and everything after it are one click away.
    QVERIFY(controller()->selectVersion(controller()->items()[0].id, -1));
    QCOMPARE(controller()->items().size(), 4);
    QCOMPARE(controller()->items()[0].id, original_prompt);
    QCOMPARE(controller()->items()[2].content, QStringLiteral("5, 6, 7"));
  }

  void restartFindsTheConversation() {
    const qint64 conversation = controller()->conversationId();
    const QString title = controller()->title();
    const QList<ui::MessageItem> before = controller()->items();
    Start();  // new database connection, engine, controller and page on the same folder
    QCOMPARE(page_->conversationModel()->rowOf(conversation), 0);
    QCOMPARE(controller()->conversationId(), conversation);  // the latest is opened
    QCOMPARE(controller()->title(), title);
    QCOMPARE(controller()->items().size(), before.size());
    for (int i = 0; i < before.size(); ++i) {
      QCOMPARE(controller()->items()[i].id, before[i].id);
      QCOMPARE(controller()->items()[i].content, before[i].content);
    }
    // Search by content finds it; by unrelated text it does not.
    page_->searchBox()->setText(QStringLiteral("5, 6, 7"));
    QCOMPARE(page_->conversationModel()->rowCount(), 1);
    page_->searchBox()->setText(QStringLiteral("no such words"));
    QCOMPARE(page_->conversationModel()->rowCount(), 0);
    page_->searchBox()->clear();
  }

  void badInputFailsVisiblyAndTheChatStaysUsable() {
    controller()->newConversation();
    QVERIFY(controller()->send(QStringLiteral("hello there")));  // not token ids: the engine refuses
    QVERIFY(WaitIdle());
    const ui::MessageItem answer = controller()->items().back();
    QCOMPARE(answer.state, store::MessageState::kFailed);
    QVERIFY2(answer.error.contains(QStringLiteral("token ids")), qPrintable(answer.error));
    ui::MessageWidget* card = page_->messageView()->widgetFor(answer.id);
    QVERIFY(card->statusLabel()->isVisible());
    QVERIFY(card->statusLabel()->text().contains(answer.error));
    UseGreedySettings();
    QVERIFY(controller()->send(golden_.prompt));
    QVERIFY(WaitIdle());
    QCOMPARE(Ids(controller()->items().back().content), golden_.greedy);
  }

  void cleanupTestCase() {
    page_.reset();
    app_.reset();
  }
};

QTEST_MAIN(TestChatRealEngine)
#include "test_chat_real_engine.moc"
