// A process killed with SIGKILL while it streams an answer into the database leaves a database
// that opens, passes SQLite's integrity check, and holds the answer up to the last flush.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <QTemporaryDir>
#include <QtTest>

#include "store/conversation_store.h"
#include "store/stream_flush_policy.h"

using namespace enclave::store;

namespace {

// The "answer" the child streams: chunk i is deterministic so the parent can check a prefix.
std::string Chunk(int i) { return "token" + std::to_string(i) + " 中文 "; }

// Child: stream forever, flushing every chunk, and report each completed flush on `report_fd`.
[[noreturn]] void StreamUntilKilled(const std::string& path, int report_fd) {
  auto store = ConversationStore::Open(path);
  if (!store.ok()) _exit(3);
  const int64_t c = *(*store)->CreateConversation("crash", {});
  const int64_t q = *(*store)->AddMessage(c, std::nullopt, MessageRole::kUser, "go");
  const int64_t a = *(*store)->AddMessage(c, q, MessageRole::kAssistant, "", MessageState::kStreaming);
  std::string text;
  for (int i = 0;; ++i) {
    text += Chunk(i);
    if (!(*store)->UpdateMessage(a, text, "", 0, MessageState::kStreaming, i + 1).ok()) _exit(4);
    const int32_t flushed = i + 1;
    if (write(report_fd, &flushed, sizeof flushed) != sizeof flushed) _exit(5);
  }
}

}  // namespace

class TestStoreCrashSafety : public QObject {
  Q_OBJECT

 private slots:
  void killedMidStreamKeepsEverythingUpToTheLastFlush() {
    QTemporaryDir dir;
    const std::string path = dir.filePath("crash.db").toStdString();
    int fds[2];
    QVERIFY(pipe(fds) == 0);
    const pid_t child = fork();
    QVERIFY(child >= 0);
    if (child == 0) {
      close(fds[0]);
      StreamUntilKilled(path, fds[1]);
    }
    close(fds[1]);
    int32_t last_reported = 0;
    while (last_reported < 200) {  // let it write a while, then kill it mid-write
      int32_t n = 0;
      if (read(fds[0], &n, sizeof n) != sizeof n) break;
      last_reported = n;
    }
    kill(child, SIGKILL);
    int status = 0;
    waitpid(child, &status, 0);
    close(fds[0]);
    QVERIFY2(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL, "the writer did not run until killed");
    QVERIFY(last_reported >= 200);

    auto store = ConversationStore::Open(path);
    QVERIFY2(store.ok(), store.status().message().c_str());
    auto check = (*store)->database().Pragma("integrity_check");
    QVERIFY(check.ok());
    QCOMPARE(QString::fromStdString(*check), QStringLiteral("ok"));
    auto conversations = (*store)->ListConversations();
    QCOMPARE(conversations->size(), size_t{1});
    auto branch = (*store)->ActiveBranch(conversations->front().id);
    QCOMPARE(branch->size(), size_t{2});
    const Message& answer = (*branch)[1];
    QVERIFY(answer.state == MessageState::kInterrupted);
    // Everything the child reported as flushed is there, and the text is an exact prefix.
    QVERIFY(answer.token_count >= last_reported);
    std::string expected;
    for (int i = 0; i < answer.token_count; ++i) expected += Chunk(i);
    QCOMPARE(answer.content, expected);
  }

  void flushPolicyWritesEverySecondOrEveryNTokens() {
    StreamFlushPolicy policy(1000, 64);
    policy.Reset(0);
    QVERIFY(!policy.ShouldFlush(10, 1));
    QVERIFY(!policy.ShouldFlush(999, 63));
    QVERIFY(policy.ShouldFlush(1000, 63));   // a second passed
    QVERIFY(!policy.ShouldFlush(1100, 100));
    QVERIFY(policy.ShouldFlush(1200, 127));  // 64 tokens since the last flush
    QVERIFY(!policy.ShouldFlush(1300, 128));
  }
};

QTEST_APPLESS_MAIN(TestStoreCrashSafety)
#include "test_store_crash_safety.moc"
