// The main window: the sidebar's pages and their registry (a later page replaces its
// placeholder), the window geometry and last page kept across restarts, Ctrl+N, and the status
// bar following the engine (model, device, memory, tokens/s).
#include <QApplication>
#include <QLabel>
#include <QListWidget>
#include <QStatusBar>
#include <QtTest>

#include "chat/chat_controller.h"
#include "main_window.h"
#include "pages/chat_page.h"
#include "scripted_chat_engine.h"
#include "ui_test_support.h"

using namespace enclave;
using namespace enclave::testing;

namespace {

std::unique_ptr<gui::ChatEngine> Engine() {
  ScriptedChatEngine::Script script;
  script.chunks = {"Hello", " there", "."};
  return std::make_unique<ScriptedChatEngine>(script);
}

QString StatusText(ui::MainWindow& window, const char* name) {
  auto* label = window.statusBar()->findChild<QLabel*>(QLatin1String(name));
  return label ? label->text() : QStringLiteral("<missing>");
}

}  // namespace

class TestMainWindow : public QObject {
  Q_OBJECT

  QTemporaryDir dir_;

 private slots:
  void sidebarHasEveryPage() {
    TestApp app(dir_.path(), Engine());
    ui::MainWindow window(app.services);
    QCOMPARE(window.pageIds(), (QStringList{"chat", "models", "documents", "hardware", "monitor"}));
    QVERIFY(window.showPage(QStringLiteral("monitor")));
    QCOMPARE(window.currentPageId(), QStringLiteral("monitor"));
    QVERIFY(!window.showPage(QStringLiteral("nonexistent")));
  }

  void aPageReplacesItsPlaceholderInPlace() {
    TestApp app(dir_.path(), Engine());
    ui::MainWindow window(app.services);
    auto* hardware = new QLabel(QStringLiteral("real hardware page"));
    window.showPage(QStringLiteral("hardware"));
    window.setPage(QStringLiteral("hardware"), QIcon(), QStringLiteral("Hardware"), hardware);
    QCOMPARE(window.pageIds(), (QStringList{"chat", "models", "documents", "hardware", "monitor"}));
    QCOMPARE(window.page(QStringLiteral("hardware")), static_cast<QWidget*>(hardware));
    QCOMPARE(window.currentPageId(), QStringLiteral("hardware"));
    QVERIFY(hardware->isVisibleTo(&window));
  }

  void geometryAndLastPagePersist() {
    {
      TestApp app(dir_.path(), Engine());
      ui::MainWindow window(app.services);
      window.show();
      window.resize(1111, 733);
      window.showPage(QStringLiteral("models"));
      QVERIFY(QTest::qWaitForWindowExposed(&window));
      window.close();  // saves geometry and page
    }
    TestApp app(dir_.path(), Engine());
    ui::MainWindow window(app.services);
    QCOMPARE(window.currentPageId(), QStringLiteral("models"));
    QCOMPARE(window.size(), QSize(1111, 733));
  }

  void ctrlNStartsANewChatFromAnyPage() {
    TestApp app(dir_.path(), Engine());
    QVERIFY(app.Load(QStringLiteral("/scripted")).isEmpty());
    ui::MainWindow window(app.services);
    window.show();
    QApplication::setActiveWindow(&window);
    QVERIFY(QTest::qWaitForWindowActive(&window));
    ui::ChatController* chat = window.chatPage()->controller();
    QVERIFY(chat->send(QStringLiteral("hi")));
    QVERIFY(QTest::qWaitFor([&] { return !chat->busy(); }, 10000));
    QVERIFY(chat->conversationId() != 0);
    window.showPage(QStringLiteral("monitor"));
    QTest::keyClick(&window, Qt::Key_N, Qt::ControlModifier);
    QCOMPARE(window.currentPageId(), QStringLiteral("chat"));
    QCOMPARE(chat->conversationId(), qint64{0});
    QVERIFY(chat->items().isEmpty());
  }

  void statusBarFollowsTheEngine() {
    TestApp app(dir_.path(), Engine());
    ui::MainWindow window(app.services);
    QCOMPARE(StatusText(window, "StatusModel"), QStringLiteral("No model loaded"));
    QVERIFY(app.Load(QStringLiteral("/scripted")).isEmpty());
    QVERIFY(StatusText(window, "StatusModel").contains(QStringLiteral("Scripted test model")));
    QCOMPARE(StatusText(window, "StatusDevice"), QStringLiteral("CPU"));
    QVERIFY(StatusText(window, "StatusMemory").startsWith(QStringLiteral("Memory in use")));
    ui::ChatController* chat = window.chatPage()->controller();
    QVERIFY(chat->send(QStringLiteral("hi")));
    QVERIFY(QTest::qWaitFor([&] { return !chat->busy(); }, 10000));
    QVERIFY2(StatusText(window, "StatusSpeed").endsWith(QStringLiteral("tok/s")), qPrintable(StatusText(window, "StatusSpeed")));
    QSignalSpy unloaded(app.controller.get(), &gui::EngineController::modelUnloaded);
    app.controller->unloadModel();
    QVERIFY(unloaded.wait(5000));
    QCOMPARE(StatusText(window, "StatusModel"), QStringLiteral("No model loaded"));
  }
};

QTEST_MAIN(TestMainWindow)
#include "test_main_window.moc"
