// Conversations, messages, versions (regenerate / edit) and search in the application database.
#include <QTemporaryDir>
#include <QtTest>

#include "store/conversation_store.h"

using namespace enclave::store;

class TestConversationStore : public QObject {
  Q_OBJECT

  QTemporaryDir dir_;
  std::unique_ptr<ConversationStore> store_;

  std::vector<std::string> BranchTexts(int64_t conversation) {
    std::vector<std::string> texts;
    auto branch = store_->ActiveBranch(conversation);
    for (const Message& m : *branch) texts.push_back(m.content);
    return texts;
  }

 private slots:
  void init() {
    QFile::remove(dir_.filePath("c.db"));
    auto store = ConversationStore::Open(dir_.filePath("c.db").toStdString());
    QVERIFY2(store.ok(), store.status().message().c_str());
    store_ = std::move(*store);
  }

  void createRenameDeleteAndSettings() {
    ConversationSettings settings;
    settings.system_prompt = "You are terse.";
    settings.sampling.temperature = 0.2;
    settings.sampling.seed = 42;
    settings.hide_reasoning = true;
    auto id = store_->CreateConversation("First", settings);
    QVERIFY(id.ok());
    QVERIFY(store_->RenameConversation(*id, "Renamed 重命名").ok());
    auto c = store_->GetConversation(*id);
    QVERIFY(c.ok());
    QCOMPARE(QString::fromStdString(c->title), QStringLiteral("Renamed 重命名"));
    QCOMPARE(QString::fromStdString(c->settings.system_prompt), QStringLiteral("You are terse."));
    QCOMPARE(c->settings.sampling.temperature, 0.2);
    QCOMPARE(c->settings.sampling.seed, int64_t{42});
    QVERIFY(c->settings.hide_reasoning);
    settings.sampling.top_k = 7;
    settings.hide_reasoning = false;
    QVERIFY(store_->UpdateSettings(*id, settings).ok());
    QCOMPARE(store_->GetConversation(*id)->settings.sampling.top_k, 7);
    QVERIFY(!store_->GetConversation(*id)->settings.hide_reasoning);
    QVERIFY(store_->DeleteConversation(*id).ok());
    QVERIFY(!store_->GetConversation(*id).ok());
    QVERIFY(!store_->RenameConversation(*id, "x").ok());
  }

  void regenerateKeepsEarlierAnswersAsVersions() {
    const int64_t c = *store_->CreateConversation("chat", {});
    const int64_t q = *store_->AddMessage(c, std::nullopt, MessageRole::kUser, "question");
    const int64_t a1 = *store_->AddMessage(c, q, MessageRole::kAssistant, "answer one");
    const int64_t a2 = *store_->AddMessage(c, q, MessageRole::kAssistant, "answer two");
    QCOMPARE(BranchTexts(c), (std::vector<std::string>{"question", "answer two"}));
    auto versions = store_->Versions(a1);
    QVERIFY(versions.ok());
    QCOMPARE(*versions, (std::vector<int64_t>{a1, a2}));
    QVERIFY(store_->SelectVersion(a1).ok());
    QCOMPARE(BranchTexts(c), (std::vector<std::string>{"question", "answer one"}));
  }

  void editAndResendKeepsTheOldBranchWithItsFollowUps() {
    const int64_t c = *store_->CreateConversation("chat", {});
    const int64_t q1 = *store_->AddMessage(c, std::nullopt, MessageRole::kUser, "q1");
    const int64_t a1 = *store_->AddMessage(c, q1, MessageRole::kAssistant, "a1");
    const int64_t q2 = *store_->AddMessage(c, a1, MessageRole::kUser, "q2");
    store_->AddMessage(c, q2, MessageRole::kAssistant, "a2");
    // Edit q1: a sibling user message under the same (absent) parent, then its answer.
    const int64_t q1b = *store_->AddMessage(c, std::nullopt, MessageRole::kUser, "q1 edited");
    store_->AddMessage(c, q1b, MessageRole::kAssistant, "a1 for edit");
    QCOMPARE(BranchTexts(c), (std::vector<std::string>{"q1 edited", "a1 for edit"}));
    QCOMPARE(*store_->Versions(q1), (std::vector<int64_t>{q1, q1b}));
    // Switching back to the first prompt brings back the whole later conversation.
    QVERIFY(store_->SelectVersion(q1).ok());
    QCOMPARE(BranchTexts(c), (std::vector<std::string>{"q1", "a1", "q2", "a2"}));
  }

  void streamingUpdatesAndInterruptedRecovery() {
    const int64_t c = *store_->CreateConversation("chat", {});
    const int64_t q = *store_->AddMessage(c, std::nullopt, MessageRole::kUser, "q");
    const int64_t a = *store_->AddMessage(c, q, MessageRole::kAssistant, "", MessageState::kStreaming, "tiny");
    QVERIFY(store_->UpdateMessage(a, "partial", "thinking...", 1200, MessageState::kStreaming, 5).ok());
    // Reopen as after a crash: the streaming answer is kept and marked interrupted.
    store_.reset();
    store_ = ConversationStore::Open(dir_.filePath("c.db").toStdString()).value();
    auto m = store_->GetMessage(a);
    QVERIFY(m.ok());
    QCOMPARE(QString::fromStdString(m->content), QStringLiteral("partial"));
    QCOMPARE(QString::fromStdString(m->reasoning), QStringLiteral("thinking..."));
    QCOMPARE(m->reasoning_ms, int64_t{1200});
    QCOMPARE(m->token_count, int64_t{5});
    QCOMPARE(QString::fromStdString(m->model), QStringLiteral("tiny"));
    QVERIFY(m->state == MessageState::kInterrupted);
  }

  void searchByTitleAndContent() {
    const int64_t a = *store_->CreateConversation("Quarterly report", {});
    const int64_t b = *store_->CreateConversation("Holiday plans", {});
    store_->AddMessage(b, std::nullopt, MessageRole::kUser, "预算 is 100% over, see file_name");
    auto ids = [&](const std::string& query) {
      std::vector<int64_t> out;
      auto list = store_->ListConversations(query);
      for (const Conversation& c : *list) out.push_back(c.id);
      return out;
    };
    QCOMPARE(ids("").size(), size_t{2});
    QCOMPARE(ids("quarterly"), std::vector<int64_t>{a});
    QCOMPARE(ids("预算"), std::vector<int64_t>{b});
    QCOMPARE(ids("100%"), std::vector<int64_t>{b});
    QCOMPARE(ids("e_n"), std::vector<int64_t>{b});   // '_' is literal, not a wildcard
    QVERIFY(ids("10_%").empty());
    QVERIFY(ids("nothing like this").empty());
  }

  void parentFromAnotherConversationIsRejected() {
    const int64_t a = *store_->CreateConversation("a", {});
    const int64_t b = *store_->CreateConversation("b", {});
    const int64_t q = *store_->AddMessage(a, std::nullopt, MessageRole::kUser, "q");
    QVERIFY(!store_->AddMessage(b, q, MessageRole::kAssistant, "x").ok());
  }
};

QTEST_APPLESS_MAIN(TestConversationStore)
#include "test_conversation_store.moc"
