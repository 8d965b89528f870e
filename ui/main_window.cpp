#include "main_window.h"

#include <QApplication>
#include <QCloseEvent>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QMessageBox>
#include <QScreen>
#include <QShortcut>
#include <QStackedWidget>
#include <QStatusBar>
#include <QToolButton>
#include <QVBoxLayout>

#include "dialogs/settings_dialog.h"
#include "format.h"
#include "pages/chat_page.h"
#include "pages/hardware/install_pages.h"
#include "pages/model_library_page.h"
#include "pages/placeholder_page.h"
#include "theme.h"

namespace enclave::ui {
namespace {
constexpr int kPageIdRole = Qt::UserRole + 1;
}

MainWindow::MainWindow(const AppServices& services, QWidget* parent) : QMainWindow(parent), services_(services) {
  setWindowTitle(tr("Enclave"));
  setWindowIcon(QIcon(QStringLiteral(":/icons/enclave.svg")));
  setObjectName(QStringLiteral("MainWindow"));

  auto* central = new QWidget(this);
  auto* row = new QHBoxLayout(central);
  row->setContentsMargins(0, 0, 0, 0);
  row->setSpacing(0);

  auto* side = new QWidget(central);
  side->setFixedWidth(188);
  auto* side_layout = new QVBoxLayout(side);
  side_layout->setContentsMargins(0, 0, 0, 0);
  side_layout->setSpacing(0);
  auto* brand = new QLabel(tr("Enclave"), side);
  brand->setObjectName(QStringLiteral("SidebarBrand"));
  sidebar_ = new QListWidget(side);
  sidebar_->setObjectName(QStringLiteral("Sidebar"));
  sidebar_->setIconSize(QSize(18, 18));
  sidebar_->setFocusPolicy(Qt::NoFocus);
  sidebar_->setFrameShape(QFrame::NoFrame);
  auto* footer = new QWidget(side);
  footer->setObjectName(QStringLiteral("SidebarFooter"));
  auto* footer_layout = new QHBoxLayout(footer);
  footer_layout->setContentsMargins(8, 6, 8, 8);
  auto* settings_button = new QToolButton(footer);
  settings_button->setObjectName(QStringLiteral("LinkButton"));
  settings_button->setIcon(QIcon(QStringLiteral(":/icons/settings.svg")));
  settings_button->setText(tr("Settings"));
  settings_button->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
  settings_button->setToolTip(tr("Model folders, default device, theme and language (Ctrl+,)"));
  connect(settings_button, &QToolButton::clicked, this, &MainWindow::openSettings);
  footer_layout->addWidget(settings_button);
  footer_layout->addStretch();
  side_layout->addWidget(brand);
  side_layout->addWidget(sidebar_, 1);
  side_layout->addWidget(footer);

  stack_ = new QStackedWidget(central);
  row->addWidget(side);
  row->addWidget(stack_, 1);
  setCentralWidget(central);

  chat_page_ = new ChatPage(services_, this);
  library_page_ = new ModelLibraryPage(services_, this);
  setPage(QStringLiteral("chat"), QIcon(QStringLiteral(":/icons/chat.svg")), tr("Chat"), chat_page_);
  setPage(QStringLiteral("models"), QIcon(QStringLiteral(":/icons/models.svg")), tr("Models"), library_page_);
  setPage(QStringLiteral("documents"), QIcon(QStringLiteral(":/icons/documents.svg")), tr("Documents"),
          new PlaceholderPage(QIcon(QStringLiteral(":/icons/documents.svg")), tr("Documents"),
                              tr("Index folders of PDF, Word, HTML and text files and ask questions "
                                 "answered with cited sources. Coming in a later version."), this));
  setPage(QStringLiteral("hardware"), QIcon(QStringLiteral(":/icons/hardware.svg")), tr("Hardware"),
          new PlaceholderPage(QIcon(QStringLiteral(":/icons/hardware.svg")), tr("Hardware"),
                              tr("Check whether a model fits a GPU, how fast it will run and what it "
                                 "costs, before anything is downloaded. Coming in a later version."), this));
  setPage(QStringLiteral("monitor"), QIcon(QStringLiteral(":/icons/monitor.svg")), tr("Monitor"),
          new PlaceholderPage(QIcon(QStringLiteral(":/icons/monitor.svg")), tr("Monitor"),
                              tr("Live charts of GPU utilisation, memory, temperature, power and the "
                                 "engine's tokens per second. Coming in a later version."), this));

  connect(sidebar_, &QListWidget::currentRowChanged, this, [this](int row) {
    if (row >= 0) stack_->setCurrentIndex(row);
  });
  connect(chat_page_, &ChatPage::openModelLibraryRequested, this, [this] { showPage(QStringLiteral("models")); });
  connect(library_page_, &ModelLibraryPage::modelReady, this, [this] { showPage(QStringLiteral("chat")); });

  auto* new_chat_shortcut = new QShortcut(QKeySequence(QStringLiteral("Ctrl+N")), this);
  connect(new_chat_shortcut, &QShortcut::activated, this, [this] {
    showPage(QStringLiteral("chat"));
    chat_page_->newChat();
  });
  auto* settings_shortcut = new QShortcut(QKeySequence(QStringLiteral("Ctrl+,")), this);
  connect(settings_shortcut, &QShortcut::activated, this, &MainWindow::openSettings);

  buildStatusBar();
  InstallHardwareAndMonitorPages(this);
  restoreState();
}

MainWindow::~MainWindow() = default;

void MainWindow::setPage(const QString& id, const QIcon& icon, const QString& title, QWidget* page) {
  for (int i = 0; i < sidebar_->count(); ++i) {
    QListWidgetItem* item = sidebar_->item(i);
    if (item->data(kPageIdRole).toString() != id) continue;
    item->setIcon(icon);
    item->setText(title);
    QWidget* old = stack_->widget(i);
    stack_->insertWidget(i, page);
    stack_->removeWidget(old);
    old->deleteLater();
    if (sidebar_->currentRow() == i) stack_->setCurrentIndex(i);
    return;
  }
  auto* item = new QListWidgetItem(icon, title, sidebar_);
  item->setData(kPageIdRole, id);
  stack_->addWidget(page);
}

bool MainWindow::showPage(const QString& id) {
  for (int i = 0; i < sidebar_->count(); ++i) {
    if (sidebar_->item(i)->data(kPageIdRole).toString() == id) {
      sidebar_->setCurrentRow(i);
      return true;
    }
  }
  return false;
}

QString MainWindow::currentPageId() const {
  QListWidgetItem* item = sidebar_->currentItem();
  return item ? item->data(kPageIdRole).toString() : QString();
}

QStringList MainWindow::pageIds() const {
  QStringList ids;
  for (int i = 0; i < sidebar_->count(); ++i) ids << sidebar_->item(i)->data(kPageIdRole).toString();
  return ids;
}

QWidget* MainWindow::page(const QString& id) const {
  for (int i = 0; i < sidebar_->count(); ++i)
    if (sidebar_->item(i)->data(kPageIdRole).toString() == id) return stack_->widget(i);
  return nullptr;
}

void MainWindow::buildStatusBar() {
  auto make = [this](const char* name) {
    auto* label = new QLabel(this);
    label->setObjectName(QLatin1String(name));
    statusBar()->addPermanentWidget(label);
    return label;
  };
  model_label_ = new QLabel(this);
  model_label_->setObjectName(QStringLiteral("StatusModel"));
  statusBar()->addWidget(model_label_, 1);
  device_label_ = make("StatusDevice");
  memory_label_ = make("StatusMemory");
  speed_label_ = make("StatusSpeed");
  gui::EngineController* engine = services_.engine;
  connect(engine, &gui::EngineController::modelLoaded, this, &MainWindow::updateStatusBar);
  connect(engine, &gui::EngineController::modelUnloaded, this, &MainWindow::updateStatusBar);
  connect(engine, &gui::EngineController::modelLoadFailed, this, &MainWindow::updateStatusBar);
  connect(engine, &gui::EngineController::busyChanged, this, &MainWindow::updateStatusBar);
  connect(engine, &gui::EngineController::loadStarted, this, [this](const QString& path) {
    model_label_->setText(tr("Loading %1…").arg(QFileInfo(path).fileName()));
  });
  connect(engine, &gui::EngineController::generationUpdated, this, [this](const gui::GenerationSnapshot& s) {
    if (s.tokensPerSecond > 0) speed_label_->setText(tr("%1 tok/s").arg(s.tokensPerSecond, 0, 'f', 1));
  });
  connect(engine, &gui::EngineController::generationFinished, this, [this](const gui::GenerationOutcome& o) {
    if (o.snapshot.tokensPerSecond > 0) last_tokens_per_second_ = o.snapshot.tokensPerSecond;
    updateStatusBar();
  });
  updateStatusBar();
}

void MainWindow::updateStatusBar() {
  gui::EngineController* engine = services_.engine;
  if (engine->loading()) return;  // "Loading …" stays until the load ends
  const auto& model = engine->model();
  if (!model) {
    model_label_->setText(tr("No model loaded"));
    device_label_->setText(QString());
    memory_label_->setText(QString());
    speed_label_->setText(QString());
    return;
  }
  model_label_->setText(tr("Model: %1").arg(model->name));
  model_label_->setToolTip(model->path);
  const bool gpu = model->device.startsWith(QLatin1String("cuda"));
  device_label_->setText(gpu ? tr("GPU %1").arg(model->device.toUpper()) : tr("CPU"));
  device_label_->setToolTip(model->deviceName);
  memory_label_->setText(gpu ? tr("VRAM in use: %1").arg(Format::bytes(model->deviceBytes))
                             : tr("Memory in use: %1").arg(Format::bytes(model->deviceBytes)));
  if (!engine->generating())
    speed_label_->setText(last_tokens_per_second_ > 0 ? tr("%1 tok/s").arg(last_tokens_per_second_, 0, 'f', 1)
                                                      : tr("– tok/s"));
}

void MainWindow::restoreState() {
  AppSettings& settings = *services_.settings;
  if (!restoreGeometry(settings.windowGeometry())) {
    const QRect screen = QApplication::primaryScreen() ? QApplication::primaryScreen()->availableGeometry()
                                                        : QRect(0, 0, 1440, 900);
    resize(qMin(1280, screen.width() - 80), qMin(820, screen.height() - 80));
  }
  QMainWindow::restoreState(settings.windowState());
  if (!showPage(settings.lastPage())) showPage(QStringLiteral("chat"));
}

void MainWindow::openSettings() {
  SettingsDialog dialog(services_, this);
  dialog.exec();
  if (dialog.result() == QDialog::Accepted) library_page_->rescan();
}

void MainWindow::closeEvent(QCloseEvent* event) {
  AppSettings& settings = *services_.settings;
  settings.setWindowGeometry(saveGeometry());
  settings.setWindowState(saveState());
  settings.setLastPage(currentPageId());
  chat_page_->saveState();
  settings.sync();
  QMainWindow::closeEvent(event);
}

}  // namespace enclave::ui
