// The Simplified Chinese UI: the compiled translation is embedded and used by the pages, and the
// .ts source has a real translation for every user-visible string (none left unfinished).
#include <QApplication>
#include <QFile>
#include <QListWidget>
#include <QPushButton>
#include <QTranslator>
#include <QXmlStreamReader>
#include <QtTest>

#include "main_window.h"
#include "scripted_chat_engine.h"
#include "ui_test_support.h"

using namespace enclave;
using namespace enclave::testing;

class TestTranslations : public QObject {
  Q_OBJECT

  QTemporaryDir dir_;

 private slots:
  void everyStringIsTranslated() {
    for (const char* name : {"enclave_zh_CN.ts", "enclave_en.ts"}) {
      QFile ts(QString::fromStdString((SourceDir() / "ui" / "translations" / name).string()));
      QVERIFY2(ts.open(QIODevice::ReadOnly), qPrintable(ts.fileName()));
      QXmlStreamReader xml(&ts);
      int messages = 0;
      QStringList unfinished;
      QString source;
      while (!xml.atEnd()) {
        xml.readNext();
        if (!xml.isStartElement()) continue;
        if (xml.name() == QLatin1String("source")) source = xml.readElementText();
        if (xml.name() == QLatin1String("translation")) {
          ++messages;
          const bool is_unfinished = xml.attributes().value(QLatin1String("type")) == QLatin1String("unfinished");
          const QString text = xml.readElementText(QXmlStreamReader::IncludeChildElements);
          if (is_unfinished || text.trimmed().isEmpty()) unfinished << source;
        }
      }
      QVERIFY(!xml.hasError());
      QVERIFY(messages > 100);
      QVERIFY2(unfinished.isEmpty(), qPrintable(QStringLiteral("%1: not translated: %2").arg(name, unfinished.join(" | "))));
    }
  }

  void chineseUiIsUsed() {
    QTranslator translator;
    QVERIFY(translator.load(QStringLiteral(":/i18n/enclave_zh_CN.qm")));
    QVERIFY(QApplication::installTranslator(&translator));
    ScriptedChatEngine::Script script;
    script.chunks = {"ok"};
    TestApp app(dir_.path(), std::make_unique<ScriptedChatEngine>(script));
    ui::MainWindow window(app.services);
    auto* sidebar = window.findChild<QListWidget*>(QStringLiteral("Sidebar"));
    QVERIFY(sidebar);
    QStringList titles;
    for (int i = 0; i < sidebar->count(); ++i) titles << sidebar->item(i)->text();
    QCOMPARE(titles, (QStringList{"聊天", "模型", "文档", "硬件", "监控"}));
    auto* new_chat = window.findChild<QPushButton*>(QStringLiteral("NewChatButton"));
    QVERIFY(new_chat);
    QCOMPARE(new_chat->text(), QStringLiteral("新建对话"));
    QApplication::removeTranslator(&translator);
  }
};

QTEST_MAIN(TestTranslations)
#include "test_translations.moc"
