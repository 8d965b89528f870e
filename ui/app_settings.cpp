#include "app_settings.h"

#include <QDir>
#include <QStandardPaths>

namespace enclave::ui {

AppSettings::AppSettings(const QString& ini_path)
    : settings_(ini_path.isEmpty() ? std::make_unique<QSettings>(QStringLiteral("Enclave"), QStringLiteral("Enclave"))
                                   : std::make_unique<QSettings>(ini_path, QSettings::IniFormat)) {}

QStringList AppSettings::modelFolders() const {
  if (!settings_->contains(QStringLiteral("models/folders"))) {
    // First run: the usual places models are kept.
    QStringList defaults;
    const QString home = QDir::homePath();
    for (const QString& candidate : {home + QStringLiteral("/models"), home + QStringLiteral("/.cache/enclave/models")})
      if (QDir(candidate).exists()) defaults << candidate;
    return defaults;
  }
  return settings_->value(QStringLiteral("models/folders")).toStringList();
}

void AppSettings::setModelFolders(const QStringList& folders) {
  settings_->setValue(QStringLiteral("models/folders"), folders);
}

QString AppSettings::defaultDevice() const {
  return settings_->value(QStringLiteral("models/device"), QStringLiteral("cpu")).toString();
}

void AppSettings::setDefaultDevice(const QString& device) { settings_->setValue(QStringLiteral("models/device"), device); }

int AppSettings::defaultContext() const { return settings_->value(QStringLiteral("models/context"), 4096).toInt(); }

void AppSettings::setDefaultContext(int context) { settings_->setValue(QStringLiteral("models/context"), context); }

Theme AppSettings::theme() const {
  return ThemeFromKey(settings_->value(QStringLiteral("ui/theme"), QStringLiteral("system")).toString());
}

void AppSettings::setTheme(Theme theme) { settings_->setValue(QStringLiteral("ui/theme"), ThemeKey(theme)); }

QString AppSettings::language() const { return settings_->value(QStringLiteral("ui/language")).toString(); }

void AppSettings::setLanguage(const QString& language) { settings_->setValue(QStringLiteral("ui/language"), language); }

QString AppSettings::lastModelPath() const { return settings_->value(QStringLiteral("models/last")).toString(); }

void AppSettings::setLastModelPath(const QString& path) { settings_->setValue(QStringLiteral("models/last"), path); }

QByteArray AppSettings::windowGeometry() const {
  return settings_->value(QStringLiteral("window/geometry")).toByteArray();
}

void AppSettings::setWindowGeometry(const QByteArray& geometry) {
  settings_->setValue(QStringLiteral("window/geometry"), geometry);
}

QByteArray AppSettings::windowState() const { return settings_->value(QStringLiteral("window/state")).toByteArray(); }

void AppSettings::setWindowState(const QByteArray& state) { settings_->setValue(QStringLiteral("window/state"), state); }

QString AppSettings::lastPage() const {
  return settings_->value(QStringLiteral("window/page"), QStringLiteral("chat")).toString();
}

void AppSettings::setLastPage(const QString& page) { settings_->setValue(QStringLiteral("window/page"), page); }

QByteArray AppSettings::splitterState(const QString& name) const {
  return settings_->value(QStringLiteral("window/splitter_") + name).toByteArray();
}

void AppSettings::setSplitterState(const QString& name, const QByteArray& state) {
  settings_->setValue(QStringLiteral("window/splitter_") + name, state);
}

QString ThemeKey(Theme theme) {
  switch (theme) {
    case Theme::kLight: return QStringLiteral("light");
    case Theme::kDark: return QStringLiteral("dark");
    case Theme::kSystem: break;
  }
  return QStringLiteral("system");
}

Theme ThemeFromKey(const QString& key) {
  if (key == QLatin1String("light")) return Theme::kLight;
  if (key == QLatin1String("dark")) return Theme::kDark;
  return Theme::kSystem;
}

}  // namespace enclave::ui
