// enclave: the desktop application.
//   enclave [--database FILE] [--settings FILE.ini] [--lang en|zh_CN] [--theme system|light|dark]
//           [--model FILE] [--screenshot-dir DIR]
#include <QApplication>
#include <QCommandLineParser>
#include <QDir>
#include <QLibraryInfo>
#include <QLocale>
#include <QMessageBox>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTranslator>

#include <memory>

#include "app_services.h"
#include "app_settings.h"
#include "engine_controller.h"
#include "local_chat_engine.h"
#include "main_window.h"
#include "model/model.h"
#include "pages/model_library_page.h"
#include "screenshot_tour.h"
#include "store/conversation_store.h"
#include "theme.h"

namespace {

// Installs Enclave's and Qt's own translations for `language` ("" = the system's).
QString InstallTranslations(QApplication& app, const QString& language) {
  const QString name = language.isEmpty() ? QLocale::system().name() : language;
  if (!name.startsWith(QLatin1String("zh"))) return QStringLiteral("en");
  auto* enclave = new QTranslator(&app);
  if (enclave->load(QStringLiteral(":/i18n/enclave_zh_CN.qm"))) app.installTranslator(enclave);
  auto* qt = new QTranslator(&app);
  if (qt->load(QStringLiteral("qtbase_zh_CN"), QLibraryInfo::path(QLibraryInfo::TranslationsPath)))
    app.installTranslator(qt);
  QLocale::setDefault(QLocale(QLocale::Chinese, QLocale::China));
  return QStringLiteral("zh_CN");
}

}  // namespace

int main(int argc, char** argv) {
  QApplication app(argc, argv);
  QApplication::setOrganizationName(QStringLiteral("Enclave"));
  QApplication::setApplicationName(QStringLiteral("Enclave"));
  QApplication::setApplicationVersion(QStringLiteral(ENCLAVE_VERSION));
  QApplication::setDesktopFileName(QStringLiteral("io.github.enclave.Enclave"));

  QCommandLineParser parser;
  parser.setApplicationDescription(QStringLiteral("Enclave: a private LLM workstation"));
  parser.addHelpOption();
  parser.addVersionOption();
  QCommandLineOption database_option(QStringLiteral("database"), QStringLiteral("Conversation database."), QStringLiteral("FILE"));
  QCommandLineOption settings_option(QStringLiteral("settings"), QStringLiteral("Settings file (INI)."), QStringLiteral("FILE"));
  QCommandLineOption lang_option(QStringLiteral("lang"), QStringLiteral("Language: en or zh_CN."), QStringLiteral("LANG"));
  QCommandLineOption theme_option(QStringLiteral("theme"), QStringLiteral("Theme: system, light or dark."), QStringLiteral("THEME"));
  QCommandLineOption model_option(QStringLiteral("model"), QStringLiteral("Load this model at start."), QStringLiteral("FILE"));
  QCommandLineOption shots_option(QStringLiteral("screenshot-dir"),
                                  QStringLiteral("Save screenshots of every page into DIR (sample data) and exit."),
                                  QStringLiteral("DIR"));
  parser.addOptions({database_option, settings_option, lang_option, theme_option, model_option, shots_option});
  parser.process(app);

  const bool tour = parser.isSet(shots_option);
  QTemporaryDir scratch;  // the tour never touches the user's own database or settings
  const QString settings_path = tour ? scratch.filePath(QStringLiteral("settings.ini")) : parser.value(settings_option);
  enclave::ui::AppSettings settings(settings_path);
  if (tour) {
    QStringList folders{QDir::cleanPath(QStringLiteral(ENCLAVE_SOURCE_DIR "/../shared/testdata/models")),
                        QStringLiteral(ENCLAVE_SOURCE_DIR "/.models")};
    settings.setModelFolders(folders);
  }
  const QString language = InstallTranslations(app, parser.isSet(lang_option) ? parser.value(lang_option) : settings.language());
  const enclave::ui::Theme theme =
      parser.isSet(theme_option) ? enclave::ui::ThemeFromKey(parser.value(theme_option)) : settings.theme();
  enclave::ui::ApplyTheme(app, theme);

  QString db_path = parser.value(database_option);
  if (tour) db_path = scratch.filePath(QStringLiteral("enclave.db"));
  if (db_path.isEmpty()) {
    const QString dir = QStandardPaths::writableLocation(QStandardPaths::AppDataLocation);
    QDir().mkpath(dir);
    db_path = QDir(dir).filePath(QStringLiteral("enclave.db"));
  }
  auto store = enclave::store::ConversationStore::Open(db_path.toStdString());
  if (!store.ok()) {
    QMessageBox::critical(nullptr, QObject::tr("Enclave"),
                          QObject::tr("Enclave cannot open its conversation database:\n%1")
                              .arg(QString::fromStdString(store.status().message())));
    return 1;
  }

  enclave::gui::EngineController engine(std::make_unique<enclave::gui::LocalChatEngine>());
  enclave::ui::AppServices services;
  services.settings = &settings;
  services.engine = &engine;
  services.store = store->get();
  services.inspect_model = [](const std::string& path) { return enclave::InspectModel(path); };

  if (tour) enclave::gui::AddSampleConversations(services, language);
  enclave::ui::MainWindow window(services);
  if (tour) {
    QString suffix = language == QLatin1String("zh_CN") ? QStringLiteral("-zh_CN") : QString();
    if (theme == enclave::ui::Theme::kDark) suffix += QStringLiteral("-dark");
    return enclave::gui::RunScreenshotTour(window, services, parser.value(shots_option), suffix,
                                           parser.value(model_option));
  }
  window.show();
  if (parser.isSet(model_option)) window.modelLibraryPage()->loadModel(parser.value(model_option));
  return app.exec();
}
