#include "dialogs/settings_dialog.h"

#include <QApplication>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>

#include "format.h"
#include "theme.h"

namespace enclave::ui {

SettingsDialog::SettingsDialog(const AppServices& services, QWidget* parent) : QDialog(parent), services_(services) {
  setWindowTitle(tr("Settings"));
  setObjectName(QStringLiteral("SettingsDialog"));
  setMinimumWidth(560);
  AppSettings& settings = *services_.settings;
  auto* layout = new QVBoxLayout(this);

  auto* models = new QGroupBox(tr("Model folders"), this);
  auto* models_layout = new QHBoxLayout(models);
  folders_ = new QListWidget(models);
  folders_->setIconSize(QSize(16, 16));
  folders_->setObjectName(QStringLiteral("SettingsFolders"));
  for (const QString& f : settings.modelFolders())
    folders_->addItem(new QListWidgetItem(QIcon(QStringLiteral(":/icons/folder.svg")), f));
  auto* folder_buttons = new QVBoxLayout();
  auto* add = new QPushButton(tr("Add…"), models);
  auto* remove = new QPushButton(tr("Remove"), models);
  folder_buttons->addWidget(add);
  folder_buttons->addWidget(remove);
  folder_buttons->addStretch();
  models_layout->addWidget(folders_, 1);
  models_layout->addLayout(folder_buttons);
  layout->addWidget(models);
  connect(add, &QPushButton::clicked, this, [this] {
    const QString folder = QFileDialog::getExistingDirectory(this, tr("Add a model folder"));
    if (!folder.isEmpty() && folders_->findItems(folder, Qt::MatchExactly).isEmpty())
      folders_->addItem(new QListWidgetItem(QIcon(QStringLiteral(":/icons/folder.svg")), folder));
  });
  connect(remove, &QPushButton::clicked, this, [this] { delete folders_->currentItem(); });

  auto* general = new QGroupBox(tr("Defaults and appearance"), this);
  auto* form = new QFormLayout(general);
  device_ = new QComboBox(general);
  for (const gui::EngineDevice& d : services_.engine->devices()) {
    const QString id = QString::fromStdString(d.id);
    device_->addItem(id == QLatin1String("cpu") ? tr("CPU: %1").arg(QString::fromStdString(d.name))
                                                : tr("GPU %1: %2").arg(id, QString::fromStdString(d.name)),
                     id);
  }
  const int device_index = device_->findData(settings.defaultDevice());
  device_->setCurrentIndex(device_index >= 0 ? device_index : 0);
  context_ = new QSpinBox(general);
  context_->setRange(128, 262144);
  context_->setSingleStep(1024);
  context_->setSuffix(tr(" tokens"));
  context_->setValue(settings.defaultContext());
  theme_ = new QComboBox(general);
  theme_->addItem(tr("Same as the system"), ThemeKey(Theme::kSystem));
  theme_->addItem(tr("Light"), ThemeKey(Theme::kLight));
  theme_->addItem(tr("Dark"), ThemeKey(Theme::kDark));
  theme_->setCurrentIndex(theme_->findData(ThemeKey(settings.theme())));
  language_ = new QComboBox(general);
  language_->addItem(tr("Same as the system"), QString());
  language_->addItem(QStringLiteral("English"), QStringLiteral("en"));
  language_->addItem(QStringLiteral("简体中文"), QStringLiteral("zh_CN"));
  language_->setCurrentIndex(qMax(0, language_->findData(settings.language())));
  restart_note_ = new QLabel(tr("The new language is used the next time Enclave starts."), general);
  restart_note_->setObjectName(QStringLiteral("MutedLabel"));
  restart_note_->setVisible(false);
  connect(language_, &QComboBox::currentIndexChanged, this,
          [this] { restart_note_->setVisible(language_->currentData().toString() != services_.settings->language()); });
  form->addRow(tr("Default device"), device_);
  form->addRow(tr("Default context"), context_);
  form->addRow(tr("Theme"), theme_);
  form->addRow(tr("Language"), language_);
  form->addRow(QString(), restart_note_);
  layout->addWidget(general);

  auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
  connect(buttons, &QDialogButtonBox::accepted, this, &SettingsDialog::accept);
  connect(buttons, &QDialogButtonBox::rejected, this, &SettingsDialog::reject);
  layout->addWidget(buttons);
}

void SettingsDialog::accept() {
  AppSettings& settings = *services_.settings;
  QStringList folders;
  for (int i = 0; i < folders_->count(); ++i) folders << folders_->item(i)->text();
  settings.setModelFolders(folders);
  settings.setDefaultDevice(device_->currentData().toString());
  settings.setDefaultContext(context_->value());
  const Theme theme = ThemeFromKey(theme_->currentData().toString());
  if (theme != settings.theme()) {
    settings.setTheme(theme);
    if (auto* app = qobject_cast<QApplication*>(QApplication::instance())) ApplyTheme(*app, theme);
  }
  settings.setLanguage(language_->currentData().toString());
  settings.sync();
  QDialog::accept();
}

}  // namespace enclave::ui
