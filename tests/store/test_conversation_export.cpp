// Export of a conversation to Markdown and JSON.
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QtTest>

#include "store/conversation_export.h"

using namespace enclave::store;

class TestConversationExport : public QObject {
  Q_OBJECT

  Conversation conversation_;
  std::vector<Message> branch_;

 private slots:
  void initTestCase() {
    conversation_.title = "Primes 素数";
    conversation_.settings.system_prompt = "Be exact.";
    conversation_.settings.sampling.top_k = 20;
    Message q;
    q.role = MessageRole::kUser;
    q.content = "Is 91 prime?";
    Message a;
    a.role = MessageRole::kAssistant;
    a.model = "deepseek-r1-distill-qwen-1.5b";
    a.reasoning = "91 = 7 * 13.\nSo no.";
    a.reasoning_ms = 2400;
    a.content = "No: **91 = 7 × 13**.";
    a.token_count = 31;
    branch_ = {q, a};
  }

  void markdown() {
    const QString md = QString::fromStdString(ExportMarkdown(conversation_, branch_));
    QVERIFY(md.startsWith("# Primes 素数\n"));
    QVERIFY(md.contains("**System prompt:** Be exact."));
    QVERIFY(md.contains("## User\n\nIs 91 prime?"));
    QVERIFY(md.contains("## Assistant (deepseek-r1-distill-qwen-1.5b)"));
    QVERIFY(md.contains("<summary>Thinking (2 s)</summary>"));
    QVERIFY(md.contains("> 91 = 7 * 13.\n> So no."));
    QVERIFY(md.contains("No: **91 = 7 × 13**."));
    // Reasoning comes before the answer, in its own block.
    QVERIFY(md.indexOf("</details>") < md.indexOf("No: **91"));
  }

  void json() {
    const std::string text = ExportJson(conversation_, branch_);
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(QByteArray::fromStdString(text), &error);
    QCOMPARE(error.error, QJsonParseError::NoError);
    const QJsonObject root = doc.object();
    QCOMPARE(root["title"].toString(), QStringLiteral("Primes 素数"));
    QCOMPARE(root["system_prompt"].toString(), QStringLiteral("Be exact."));
    QCOMPARE(root["sampling"].toObject()["top_k"].toInt(), 20);
    const QJsonArray messages = root["messages"].toArray();
    QCOMPARE(messages.size(), 2);
    QCOMPARE(messages[0].toObject()["role"].toString(), QStringLiteral("user"));
    const QJsonObject answer = messages[1].toObject();
    QCOMPARE(answer["role"].toString(), QStringLiteral("assistant"));
    QCOMPARE(answer["reasoning"].toString(), QStringLiteral("91 = 7 * 13.\nSo no."));
    QCOMPARE(answer["reasoning_ms"].toInt(), 2400);
    QCOMPARE(answer["content"].toString(), QStringLiteral("No: **91 = 7 × 13**."));
    QCOMPARE(answer["token_count"].toInt(), 31);
  }

  void invalidUtf8IsReplacedNotFatal() {
    std::vector<Message> branch = branch_;
    branch[1].content = std::string("cut \xe4\xb8", 6);  // a model stopped mid-character
    const std::string text = ExportJson(conversation_, branch);
    QVERIFY(QJsonDocument::fromJson(QByteArray::fromStdString(text)).isObject());
  }
};

QTEST_APPLESS_MAIN(TestConversationExport)
#include "test_conversation_export.moc"
