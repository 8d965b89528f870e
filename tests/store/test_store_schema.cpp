// Schema migrations, write-ahead logging and foreign keys of the application database.
#include <QTemporaryDir>
#include <QtTest>

#include "store/conversation_store.h"
#include "store/schema.h"
#include "store/sqlite_database.h"

using namespace enclave::store;

class TestStoreSchema : public QObject {
  Q_OBJECT

 private slots:
  void newDatabaseIsAtCurrentVersionWithWal() {
    QTemporaryDir dir;
    const std::string path = dir.filePath("app.db").toStdString();
    auto store = ConversationStore::Open(path);
    QVERIFY2(store.ok(), store.status().message().c_str());
    auto version = (*store)->database().UserVersion();
    QVERIFY(version.ok());
    QCOMPARE(*version, kSchemaVersion);
    auto mode = (*store)->database().Pragma("journal_mode");
    QVERIFY(mode.ok());
    QCOMPARE(QString::fromStdString(*mode), QStringLiteral("wal"));
    QVERIFY(QFile::exists(dir.filePath("app.db-wal")));
  }

  void version1DataSurvivesMigration() {
    QTemporaryDir dir;
    const std::string path = dir.filePath("old.db").toStdString();
    {
      auto db = SqliteDatabase::Open(path);
      QVERIFY(db.ok());
      QVERIFY(MigrateSchema(**db, 1).ok());
      QCOMPARE(*(*db)->UserVersion(), 1);
      QVERIFY((*db)->Execute("INSERT INTO conversations (id, title, created_at, updated_at) "
                             "VALUES (7, 'Old chat', 1, 2);"
                             "INSERT INTO messages (id, conversation_id, parent_id, role, content, created_at) "
                             "VALUES (1, 7, NULL, 'user', 'hello', 1), (2, 7, 1, 'assistant', 'hi there', 2);")
                  .ok());
    }
    auto store = ConversationStore::Open(path);
    QVERIFY2(store.ok(), store.status().message().c_str());
    QCOMPARE(*(*store)->database().UserVersion(), kSchemaVersion);
    auto conversation = (*store)->GetConversation(7);
    QVERIFY(conversation.ok());
    QCOMPARE(QString::fromStdString(conversation->title), QStringLiteral("Old chat"));
    QVERIFY(conversation->settings.system_prompt.empty());
    QCOMPARE(conversation->settings.sampling.top_k, SamplingSettings{}.top_k);
    // Schema 1 had no active leaf: the newest message ends the branch.
    auto branch = (*store)->ActiveBranch(7);
    QVERIFY(branch.ok());
    QCOMPARE(branch->size(), size_t{2});
    QCOMPARE(QString::fromStdString((*branch)[0].content), QStringLiteral("hello"));
    QCOMPARE(QString::fromStdString((*branch)[1].content), QStringLiteral("hi there"));
    QVERIFY((*branch)[1].state == MessageState::kComplete);
  }

  void newerSchemaIsRefused() {
    QTemporaryDir dir;
    const std::string path = dir.filePath("future.db").toStdString();
    {
      auto db = SqliteDatabase::Open(path);
      QVERIFY(db.ok());
      QVERIFY((*db)->SetUserVersion(kSchemaVersion + 1).ok());
    }
    auto store = ConversationStore::Open(path);
    QVERIFY(!store.ok());
    QVERIFY(store.status().message().find("newer Enclave") != std::string::npos);
  }

  void foreignKeysAreEnforced() {
    QTemporaryDir dir;
    auto store = ConversationStore::Open(dir.filePath("fk.db").toStdString());
    QVERIFY(store.ok());
    auto fk = (*store)->database().Pragma("foreign_keys");
    QCOMPARE(QString::fromStdString(*fk), QStringLiteral("1"));
    // A message of a conversation that does not exist is rejected by the database itself.
    auto orphan = (*store)->AddMessage(12345, std::nullopt, MessageRole::kUser, "lost");
    QVERIFY(!orphan.ok());
    QVERIFY(orphan.status().message().find("FOREIGN KEY") != std::string::npos);
    // Deleting a conversation deletes its messages.
    auto id = (*store)->CreateConversation("c", {});
    QVERIFY(id.ok());
    QVERIFY((*store)->AddMessage(*id, std::nullopt, MessageRole::kUser, "q").ok());
    QVERIFY((*store)->DeleteConversation(*id).ok());
    auto count = (*store)->database().Prepare("SELECT COUNT(*) FROM messages");
    QVERIFY(count.ok());
    QVERIFY(*count->Step());
    QCOMPARE(count->ColumnInt(0), int64_t{0});
  }

  void notADatabaseGivesAMessage() {
    QTemporaryDir dir;
    QFile junk(dir.filePath("junk.db"));
    QVERIFY(junk.open(QIODevice::WriteOnly));
    junk.write(QByteArray(4096, 'x'));
    junk.close();
    auto store = ConversationStore::Open(junk.fileName().toStdString());
    QVERIFY(!store.ok());
    QVERIFY(!store.status().message().empty());
  }
};

QTEST_APPLESS_MAIN(TestStoreSchema)
#include "test_store_schema.moc"
