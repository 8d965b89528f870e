#include "pages/model_library_page.h"

#include <QComboBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QListWidget>
#include <QProgressBar>
#include <QPushButton>
#include <QSortFilterProxyModel>
#include <QSpinBox>
#include <QTableView>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

#include "format.h"
#include "models/model_table_model.h"

namespace enclave::ui {

ModelLibraryPage::ModelLibraryPage(const AppServices& services, QWidget* parent) : QWidget(parent), services_(services) {
  setObjectName(QStringLiteral("ModelLibraryPage"));
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(24, 16, 24, 16);
  layout->setSpacing(12);

  auto* title = new QLabel(tr("Model library"), this);
  title->setObjectName(QStringLiteral("PageTitle"));
  auto* subtitle = new QLabel(tr("GGUF files and Hugging Face folders found in your model folders. Models are read "
                                 "from disk only; nothing is downloaded."), this);
  subtitle->setObjectName(QStringLiteral("MutedLabel"));
  subtitle->setWordWrap(true);
  layout->addWidget(title);
  layout->addWidget(subtitle);

  // Folders.
  auto* folder_row = new QHBoxLayout();
  folders_ = new QListWidget(this);
  folders_->setIconSize(QSize(16, 16));
  folders_->setObjectName(QStringLiteral("ModelFolders"));
  folders_->setMaximumHeight(72);
  auto* folder_buttons = new QVBoxLayout();
  auto* add = new QPushButton(QIcon(QStringLiteral(":/icons/folder.svg")), tr("Add folder…"), this);
  auto* remove = new QPushButton(tr("Remove"), this);
  auto* rescan_button = new QPushButton(QIcon(QStringLiteral(":/icons/regenerate.svg")), tr("Rescan"), this);
  folder_buttons->addWidget(add);
  folder_buttons->addWidget(remove);
  folder_buttons->addWidget(rescan_button);
  folder_buttons->addStretch();
  folder_row->addWidget(folders_, 1);
  folder_row->addLayout(folder_buttons);
  layout->addLayout(folder_row);

  // Models.
  table_model_ = new ModelTableModel(this);
  proxy_ = new QSortFilterProxyModel(this);
  proxy_->setSourceModel(table_model_);
  proxy_->setSortRole(ModelTableModel::kSortRole);
  table_ = new QTableView(this);
  table_->setObjectName(QStringLiteral("ModelTable"));
  table_->setModel(proxy_);
  table_->setSortingEnabled(true);
  table_->setSelectionBehavior(QAbstractItemView::SelectRows);
  table_->setSelectionMode(QAbstractItemView::SingleSelection);
  table_->setAlternatingRowColors(true);
  table_->setShowGrid(false);
  table_->verticalHeader()->setVisible(false);
  table_->horizontalHeader()->setStretchLastSection(false);
  table_->horizontalHeader()->setSectionResizeMode(ModelTableModel::kName, QHeaderView::Stretch);
  for (int c = ModelTableModel::kArchitecture; c < ModelTableModel::kColumnCount; ++c)
    table_->horizontalHeader()->setSectionResizeMode(c, QHeaderView::ResizeToContents);
  table_->sortByColumn(ModelTableModel::kName, Qt::AscendingOrder);
  empty_label_ = new QLabel(tr("No models found. Add a folder that holds .gguf files or Hugging Face model folders."), this);
  empty_label_->setObjectName(QStringLiteral("MutedLabel"));
  empty_label_->setAlignment(Qt::AlignCenter);
  layout->addWidget(table_, 1);
  layout->addWidget(empty_label_);

  // Load.
  auto* load_box = new QGroupBox(tr("Load"), this);
  auto* load_layout = new QVBoxLayout(load_box);
  auto* load_row = new QHBoxLayout();
  device_ = new QComboBox(load_box);
  device_->setObjectName(QStringLiteral("DeviceBox"));
  for (const gui::EngineDevice& d : services_.engine->devices()) {
    const QString id = QString::fromStdString(d.id);
    const QString label = id == QLatin1String("cpu")
                              ? tr("CPU: %1 (%2)").arg(QString::fromStdString(d.name), Format::bytes(d.memory_bytes))
                              : tr("GPU %1: %2 (%3)").arg(id, QString::fromStdString(d.name), Format::bytes(d.memory_bytes));
    device_->addItem(label, id);
    device_->setItemData(device_->count() - 1, QVariant::fromValue<qint64>(d.memory_bytes), Qt::UserRole + 1);
    device_->setItemData(device_->count() - 1, QString::fromStdString(d.name), Qt::UserRole + 2);
  }
  const int preferred = device_->findData(services_.settings->defaultDevice());
  device_->setCurrentIndex(preferred >= 0 ? preferred : 0);
  context_ = new QSpinBox(load_box);
  context_->setObjectName(QStringLiteral("ContextBox"));
  context_->setRange(128, 262144);
  context_->setSingleStep(1024);
  context_->setValue(services_.settings->defaultContext() > 0 ? services_.settings->defaultContext() : 4096);
  context_->setSuffix(tr(" tokens"));
  load_ = new QPushButton(tr("Load"), load_box);
  load_->setObjectName(QStringLiteral("PrimaryButton"));
  unload_ = new QPushButton(tr("Unload"), load_box);
  auto* open_file = new QPushButton(tr("Open file…"), load_box);
  open_file->setToolTip(tr("Load a model file that is not in your folders"));
  load_row->addWidget(new QLabel(tr("Device"), load_box));
  load_row->addWidget(device_, 2);
  load_row->addSpacing(12);
  load_row->addWidget(new QLabel(tr("Context"), load_box));
  load_row->addWidget(context_);
  load_row->addStretch(1);
  load_row->addWidget(open_file);
  load_row->addWidget(unload_);
  load_row->addWidget(load_);
  auto* progress_row = new QHBoxLayout();
  progress_ = new QProgressBar(load_box);
  progress_->setRange(0, 1000);
  progress_->setTextVisible(true);
  progress_->setFormat(tr("Loading… %p%"));
  cancel_ = new QPushButton(tr("Cancel"), load_box);
  progress_row->addWidget(progress_, 1);
  progress_row->addWidget(cancel_);
  progress_->setVisible(false);
  cancel_->setVisible(false);
  auto* status_row = new QHBoxLayout();
  status_ = new QLabel(load_box);
  status_->setObjectName(QStringLiteral("MutedLabel"));
  status_->setWordWrap(true);
  status_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  chat_ = new QPushButton(QIcon(QStringLiteral(":/icons/chat.svg")), tr("Start chatting"), load_box);
  chat_->setVisible(false);
  status_row->addWidget(status_, 1);
  status_row->addWidget(chat_, 0, Qt::AlignTop);
  load_layout->addLayout(load_row);
  load_layout->addLayout(progress_row);
  load_layout->addLayout(status_row);
  layout->addWidget(load_box);

  connect(add, &QPushButton::clicked, this, &ModelLibraryPage::addFolder);
  connect(remove, &QPushButton::clicked, this, &ModelLibraryPage::removeFolder);
  connect(rescan_button, &QPushButton::clicked, this, &ModelLibraryPage::rescan);
  connect(load_, &QPushButton::clicked, this, &ModelLibraryPage::loadSelected);
  connect(open_file, &QPushButton::clicked, this, &ModelLibraryPage::openFile);
  connect(table_, &QTableView::doubleClicked, this, &ModelLibraryPage::loadSelected);
  connect(unload_, &QPushButton::clicked, services_.engine, &gui::EngineController::unloadModel);
  connect(cancel_, &QPushButton::clicked, this, [this] {
    services_.engine->cancelLoad();
    cancel_->setEnabled(false);
    progress_->setFormat(tr("Cancelling…"));
  });
  connect(chat_, &QPushButton::clicked, this, &ModelLibraryPage::modelReady);
  connect(device_, &QComboBox::currentIndexChanged, this, &ModelLibraryPage::updateTarget);
  connect(context_, &QSpinBox::valueChanged, this, &ModelLibraryPage::updateTarget);
  connect(table_->selectionModel(), &QItemSelectionModel::selectionChanged, this, &ModelLibraryPage::updateButtons);
  connect(&watcher_, &QFutureWatcher<QList<gui::ScannedModel>>::finished, this, [this] {
    const QString selected = selectedPath();
    table_model_->setModels(watcher_.result());
    empty_label_->setVisible(table_model_->rowCount() == 0);
    if (!selected.isEmpty()) selectModel(selected);
    else if (!services_.settings->lastModelPath().isEmpty()) selectModel(services_.settings->lastModelPath());
    updateButtons();
    emit scanFinished();
    if (rescan_again_) {
      rescan_again_ = false;
      rescan();
    }
  });

  gui::EngineController* engine = services_.engine;
  connect(engine, &gui::EngineController::loadStarted, this, [this](const QString& path) {
    progress_->setValue(0);
    progress_->setFormat(tr("Loading %1… %p%").arg(QFileInfo(path).fileName()));
    progress_->setVisible(true);
    cancel_->setVisible(true);
    cancel_->setEnabled(true);
    chat_->setVisible(false);
    showStatus(QString(), false);
    updateButtons();
  });
  connect(engine, &gui::EngineController::loadProgress, this,
          [this](double fraction) { progress_->setValue(static_cast<int>(fraction * 1000)); });
  connect(engine, &gui::EngineController::modelLoaded, this, [this](const gui::ModelStatus& m) {
    progress_->setVisible(false);
    cancel_->setVisible(false);
    services_.settings->setLastModelPath(m.path);
    QString text = tr("%1 is loaded on %2 (%3) with a %4-token context, using %5.")
                       .arg(m.name, m.device, m.deviceName)
                       .arg(m.context)
                       .arg(Format::bytes(m.deviceBytes));
    if (!m.templateWarning.isEmpty()) text += QLatin1Char('\n') + tr("Note: %1").arg(m.templateWarning);
    showStatus(text, false);
    chat_->setVisible(true);
    updateButtons();
  });
  connect(engine, &gui::EngineController::modelLoadFailed, this, [this](const QString& message, bool cancelled) {
    progress_->setVisible(false);
    cancel_->setVisible(false);
    showStatus(cancelled ? tr("Loading was cancelled. No model is loaded.")
                         : tr("The model could not be loaded: %1").arg(message),
               !cancelled);
    updateButtons();
  });
  connect(engine, &gui::EngineController::modelUnloaded, this, [this] {
    showStatus(tr("No model is loaded."), false);
    chat_->setVisible(false);
    updateButtons();
  });

  refreshFolders();
  updateTarget();
  showStatus(tr("No model is loaded."), false);
  rescan();
}

void ModelLibraryPage::refreshFolders() {
  folders_->clear();
  for (const QString& folder : services_.settings->modelFolders())
    folders_->addItem(new QListWidgetItem(QIcon(QStringLiteral(":/icons/folder.svg")), folder));
}

void ModelLibraryPage::addFolder() {
  const QString folder = QFileDialog::getExistingDirectory(this, tr("Add a model folder"));
  if (folder.isEmpty()) return;
  QStringList folders = services_.settings->modelFolders();
  if (!folders.contains(folder)) folders << folder;
  services_.settings->setModelFolders(folders);
  refreshFolders();
  rescan();
}

void ModelLibraryPage::removeFolder() {
  QListWidgetItem* item = folders_->currentItem();
  if (!item) return;
  QStringList folders = services_.settings->modelFolders();
  folders.removeAll(item->text());
  services_.settings->setModelFolders(folders);
  refreshFolders();
  rescan();
}

void ModelLibraryPage::rescan() {
  refreshFolders();
  if (watcher_.isRunning()) {
    rescan_again_ = true;
    return;
  }
  const QStringList folders = services_.settings->modelFolders();
  const gui::ModelInspector inspect = services_.inspect_model;
  watcher_.setFuture(QtConcurrent::run([folders, inspect] { return gui::ScanModelFolders(folders, inspect); }));
}

QString ModelLibraryPage::selectedPath() const {
  const QModelIndexList rows = table_->selectionModel() ? table_->selectionModel()->selectedRows() : QModelIndexList();
  if (rows.isEmpty()) return {};
  return proxy_->data(rows.front(), ModelTableModel::kPathRole).toString();
}

bool ModelLibraryPage::selectModel(const QString& path) {
  const int row = table_model_->rowOfPath(path);
  if (row < 0) return false;
  table_->selectRow(proxy_->mapFromSource(table_model_->index(row, 0)).row());
  return true;
}

void ModelLibraryPage::loadSelected() {
  const QString path = selectedPath();
  if (!path.isEmpty()) loadModel(path);
}

void ModelLibraryPage::openFile() {
  const QString path = QFileDialog::getOpenFileName(this, tr("Open a model"), QString(), tr("GGUF models (*.gguf)"));
  if (!path.isEmpty()) loadModel(path);
}

void ModelLibraryPage::loadModel(const QString& path) {
  gui::ModelLoadRequest request;
  request.path = path;
  request.device = device_->currentData().toString();
  request.context = context_->value();
  services_.engine->loadModel(request);
}

void ModelLibraryPage::updateTarget() {
  table_model_->setTarget(device_->currentData().toString(), device_->currentData(Qt::UserRole + 2).toString(),
                          device_->currentData(Qt::UserRole + 1).toLongLong(), context_->value());
}

void ModelLibraryPage::updateButtons() {
  const bool loading = services_.engine->loading();
  load_->setEnabled(!loading && !selectedPath().isEmpty());
  unload_->setEnabled(!loading && services_.engine->model().has_value());
  device_->setEnabled(!loading);
  context_->setEnabled(!loading);
}

void ModelLibraryPage::showStatus(const QString& text, bool error) {
  status_->setText(text);
  status_->setObjectName(error ? QStringLiteral("ErrorBox") : QStringLiteral("MutedLabel"));
  status_->style()->unpolish(status_);
  status_->style()->polish(status_);
}

}  // namespace enclave::ui
