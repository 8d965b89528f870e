// The model library: the folders Enclave looks in, the models found there, and loading one on
// a chosen device (CPU or a CUDA GPU) with a chosen context, with progress and Cancel. A failed
// load shows the engine's own message; the device a model runs on is always the one chosen.
#pragma once

#include <QFutureWatcher>
#include <QWidget>

#include "app_services.h"

class QComboBox;
class QLabel;
class QListWidget;
class QProgressBar;
class QPushButton;
class QSortFilterProxyModel;
class QSpinBox;
class QTableView;

namespace enclave::ui {

class ModelTableModel;

class ModelLibraryPage : public QWidget {
  Q_OBJECT

 public:
  ModelLibraryPage(const AppServices& services, QWidget* parent = nullptr);

  void rescan();
  bool scanning() const { return watcher_.isRunning(); }
  // Loads the model at `path` with the device and context chosen on the page.
  void loadModel(const QString& path);
  bool selectModel(const QString& path);

  ModelTableModel* tableModel() const { return table_model_; }
  QTableView* table() const { return table_; }
  QComboBox* deviceBox() const { return device_; }
  QSpinBox* contextBox() const { return context_; }
  QPushButton* loadButton() const { return load_; }
  QPushButton* cancelButton() const { return cancel_; }
  QProgressBar* progressBar() const { return progress_; }
  QLabel* statusLabel() const { return status_; }

 signals:
  void scanFinished();
  void modelReady();

 private:
  void addFolder();
  void removeFolder();
  void refreshFolders();
  void loadSelected();
  void openFile();
  void updateTarget();
  void updateButtons();
  void showStatus(const QString& text, bool error);
  QString selectedPath() const;

  AppServices services_;
  QListWidget* folders_ = nullptr;
  ModelTableModel* table_model_ = nullptr;
  QSortFilterProxyModel* proxy_ = nullptr;
  QTableView* table_ = nullptr;
  QLabel* empty_label_ = nullptr;
  QComboBox* device_ = nullptr;
  QSpinBox* context_ = nullptr;
  QPushButton* load_ = nullptr;
  QPushButton* unload_ = nullptr;
  QPushButton* cancel_ = nullptr;
  QPushButton* chat_ = nullptr;
  QProgressBar* progress_ = nullptr;
  QLabel* status_ = nullptr;
  QFutureWatcher<QList<gui::ScannedModel>> watcher_;
  bool rescan_again_ = false;
};

}  // namespace enclave::ui
