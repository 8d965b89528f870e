// The application's preferences (QSettings): model folders, default device and context, theme,
// language, and the window's geometry and last page.
#pragma once

#include <QByteArray>
#include <QSettings>
#include <QString>
#include <QStringList>

#include <memory>

namespace enclave::ui {

enum class Theme { kSystem, kLight, kDark };

class AppSettings {
 public:
  // Empty path: the platform's usual place (~/.config/Enclave/Enclave.conf). Tests give a file.
  explicit AppSettings(const QString& ini_path = QString());

  QStringList modelFolders() const;
  void setModelFolders(const QStringList& folders);
  QString defaultDevice() const;            // "cpu", "cuda:0"
  void setDefaultDevice(const QString& device);
  int defaultContext() const;               // 0 = the model's default
  void setDefaultContext(int context);
  Theme theme() const;
  void setTheme(Theme theme);
  QString language() const;                 // "en", "zh_CN"; empty = the system's
  void setLanguage(const QString& language);
  QString lastModelPath() const;
  void setLastModelPath(const QString& path);

  QByteArray windowGeometry() const;
  void setWindowGeometry(const QByteArray& geometry);
  QByteArray windowState() const;
  void setWindowState(const QByteArray& state);
  QString lastPage() const;
  void setLastPage(const QString& page);
  QByteArray splitterState(const QString& name) const;
  void setSplitterState(const QString& name, const QByteArray& state);

  void sync() { settings_->sync(); }

 private:
  std::unique_ptr<QSettings> settings_;
};

QString ThemeKey(Theme theme);
Theme ThemeFromKey(const QString& key);

}  // namespace enclave::ui
