// Preferences: model folders, default device and context, theme (system, light, dark) and
// language (English, 简体中文; applied at the next start).
#pragma once

#include <QDialog>

#include "app_services.h"

class QComboBox;
class QLabel;
class QListWidget;
class QSpinBox;

namespace enclave::ui {

class SettingsDialog : public QDialog {
  Q_OBJECT

 public:
  SettingsDialog(const AppServices& services, QWidget* parent = nullptr);

  QListWidget* folderList() const { return folders_; }
  QComboBox* deviceBox() const { return device_; }
  QComboBox* themeBox() const { return theme_; }
  QComboBox* languageBox() const { return language_; }

  void accept() override;  // saves and applies the theme

 private:
  AppServices services_;
  QListWidget* folders_ = nullptr;
  QComboBox* device_ = nullptr;
  QSpinBox* context_ = nullptr;
  QComboBox* theme_ = nullptr;
  QComboBox* language_ = nullptr;
  QLabel* restart_note_ = nullptr;
};

}  // namespace enclave::ui
