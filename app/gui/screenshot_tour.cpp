#include "screenshot_tour.h"

#include <QApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QTimer>

#include "app_services.h"
#include "chat/chat_controller.h"
#include "chat/message_view.h"
#include "chat/message_widget.h"
#include "chat/thinking_block.h"
#include "dialogs/settings_dialog.h"
#include "main_window.h"
#include "models/conversation_list_model.h"
#include "pages/chat_page.h"
#include "pages/model_library_page.h"

namespace enclave::gui {
namespace {

using store::MessageRole;
using store::MessageState;

void Wait(int ms) {
  QEventLoop loop;
  QTimer::singleShot(ms, &loop, &QEventLoop::quit);
  loop.exec();
}

template <typename Done>
bool WaitUntil(Done done, int timeout_ms) {
  QElapsedTimer timer;
  timer.start();
  while (!done()) {
    if (timer.elapsed() > timeout_ms) return false;
    Wait(50);
  }
  return true;
}

struct SampleTurn {
  const char* user;
  const char* reasoning;
  qint64 reasoning_ms;
  const char* answer;
};

constexpr SampleTurn kEnglish[] = {
    {"What is the difference between a process and a thread? Show me a tiny example.",
     "The user wants a short comparison. The key points: address space, cost of creation, and what a crash "
     "takes down. A small table makes it scannable, then a minimal C++ example with std::thread, then a "
     "rule of thumb.",
     6400,
     "## Processes and threads\n\n"
     "A **process** has its own address space; the **threads** inside one process share it.\n\n"
     "| | Process | Thread |\n|---|---|---|\n| Memory | separate | shared |\n| Start-up cost | high | low |\n"
     "| A crash takes down | itself | the whole process |\n\n"
     "A minimal example with one extra thread:\n\n"
     "```cpp\n#include <cstdio>\n#include <thread>\n\nint main() {\n  std::thread worker([] { std::puts(\"hello from a "
     "thread\"); });\n  worker.join();\n}\n```\n\n"
     "- Use **processes** when you need isolation.\n- Use **threads** for parallel work on shared data."},
    {"Summarise that in one sentence, in Chinese please.",
     "One sentence in Simplified Chinese: separate memory versus shared memory.", 1800,
     "进程拥有独立的地址空间，而同一进程中的线程共享内存，因此线程更轻量，但一个线程崩溃会影响整个进程。"},
};

constexpr SampleTurn kChinese[] = {
    {"用三句话解释什么是模型量化，并给出一个命令示例。",
     "用户想要简短的解释。第一句说明量化是降低权重精度；第二句说明好处：更小、更快；第三句说明代价：精度略有损失。"
     "最后给出 enclave-cli 的量化命令。",
     5200,
     "## 模型量化\n\n"
     "1. **量化**把模型权重从 16 位浮点数压缩为 8 位或 4 位整数。\n"
     "2. 模型因此**更小、更快**，可以放进更小的显卡。\n"
     "3. 代价是精度略有下降，Q4_K_M 通常是很好的折中。\n\n"
     "```sh\nenclave-cli quantize model-f16.gguf model-q4_k_m.gguf q4_k_m\n```\n\n"
     "| 类型 | 每个权重 | 7B 模型大小 |\n|---|---|---|\n| F16 | 16 位 | 14 GB |\n| Q8_0 | 8.5 位 | 7.5 GB |\n"
     "| Q4_K_M | 约 4.8 位 | 4.4 GB |"},
};

void AddConversation(store::ConversationStore& store, const QString& title, const SampleTurn* turns, size_t count,
                     bool with_earlier_version) {
  store::ConversationSettings settings;
  settings.system_prompt = "You are a concise technical assistant.";
  const int64_t id = *store.CreateConversation(title.toStdString(), settings);
  std::optional<int64_t> parent;
  for (size_t i = 0; i < count; ++i) {
    const int64_t user = *store.AddMessage(id, parent, MessageRole::kUser, turns[i].user);
    if (i == 0 && with_earlier_version) {  // a regenerated answer: version 1 of 2
      const int64_t old = *store.AddMessage(id, user, MessageRole::kAssistant, "", MessageState::kStreaming,
                                            "DeepSeek-R1-Distill-Qwen-7B Q4_K_M");
      store.UpdateMessage(old, "A process owns memory; a thread shares it.", "Short answer.", 900,
                          MessageState::kComplete, 14);
    }
    const int64_t answer = *store.AddMessage(id, user, MessageRole::kAssistant, "", MessageState::kStreaming,
                                             "DeepSeek-R1-Distill-Qwen-7B Q4_K_M");
    store.UpdateMessage(answer, turns[i].answer, turns[i].reasoning, turns[i].reasoning_ms, MessageState::kComplete,
                        static_cast<int64_t>(std::string(turns[i].answer).size() / 3));
    parent = answer;
  }
}

}  // namespace

void AddSampleConversations(const ui::AppServices& services, const QString& language) {
  store::ConversationStore& store = *services.store;
  const SampleTurn other[] = {{"Draft a short agenda for Monday's planning meeting.", "", 0,
                               "1. Review last sprint\n2. Priorities for this week\n3. Risks"}};
  const SampleTurn rust[] = {{"Why does the borrow checker reject this loop?", "", 0, "Because `v` is borrowed mutably twice."}};
  const SampleTurn translate[] = {{"把这段产品说明翻译成英文。", "", 0, "Here is the translation: …"}};
  AddConversation(store, QStringLiteral("Weekly planning agenda"), other, 1, false);
  AddConversation(store, QStringLiteral("Borrow checker question"), rust, 1, false);
  AddConversation(store, QStringLiteral("产品说明翻译"), translate, 1, false);
  if (language.startsWith(QLatin1String("zh")))
    AddConversation(store, QStringLiteral("模型量化简介"), kChinese, std::size(kChinese), false);
  else
    AddConversation(store, QStringLiteral("Processes and threads"), kEnglish, std::size(kEnglish), true);
}

int RunScreenshotTour(ui::MainWindow& window, const ui::AppServices& services, const QString& dir,
                      const QString& suffix, const QString& model_path) {
  QDir().mkpath(dir);
  auto save = [&](QWidget& widget, const QString& name) {
    const QString path = QDir(dir).filePath(name + suffix + QStringLiteral(".png"));
    if (!widget.grab().save(path)) {
      qWarning("could not write %s", qPrintable(path));
      return false;
    }
    qInfo("wrote %s", qPrintable(path));
    return true;
  };
  window.resize(1320, 840);
  window.show();
  Wait(300);
  ui::ModelLibraryPage* library = window.modelLibraryPage();
  WaitUntil([&] { return !library->scanning(); }, 20000);
  if (!model_path.isEmpty()) {
    library->selectModel(model_path);
    library->loadModel(model_path);
    WaitUntil([&] { return !services.engine->loading(); }, 120000);
  }
  bool ok = true;
  window.showPage(QStringLiteral("models"));
  Wait(300);
  ok &= save(window, QStringLiteral("model-library"));

  window.showPage(QStringLiteral("chat"));
  ui::ChatPage* chat = window.chatPage();
  chat->controller()->openConversation(chat->conversationModel()->idAt(0));
  Wait(400);
  ok &= save(window, QStringLiteral("chat"));
  // The same answer with its reasoning unfolded.
  for (ui::MessageWidget* w : chat->messageView()->messageWidgets())
    if (w->thinkingBlock()->isVisible()) w->thinkingBlock()->setExpanded(true);
  Wait(300);
  ok &= save(window, QStringLiteral("chat-thinking-open"));

  ui::SettingsDialog dialog(services, &window);
  dialog.show();
  Wait(300);
  ok &= save(dialog, QStringLiteral("settings"));
  dialog.close();

  window.showPage(QStringLiteral("hardware"));
  Wait(200);
  ok &= save(window, QStringLiteral("hardware"));
  return ok ? 0 : 1;
}

}  // namespace enclave::gui
