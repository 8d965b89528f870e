// The main window: a sidebar of pages on the left, the current page in the middle, and a status
// bar with the loaded model, its device, the memory it holds and the last tokens/s.
//
// Pages are registered by id (setPage), so the Documents, Hardware and Monitor pages can replace
// their placeholders without touching this class:
//   window.setPage("hardware", QIcon(":/icons/hardware.svg"), tr("Hardware"), new HardwarePage(...));
#pragma once

#include <QIcon>
#include <QMainWindow>

#include "app_services.h"

class QLabel;
class QListWidget;
class QStackedWidget;

namespace enclave::ui {

class ChatPage;
class ModelLibraryPage;

class MainWindow : public QMainWindow {
  Q_OBJECT

 public:
  explicit MainWindow(const AppServices& services, QWidget* parent = nullptr);
  ~MainWindow() override;

  // Adds a page, or replaces the page with the same id (keeping its place in the sidebar).
  void setPage(const QString& id, const QIcon& icon, const QString& title, QWidget* page);
  bool showPage(const QString& id);
  QString currentPageId() const;
  QStringList pageIds() const;
  QWidget* page(const QString& id) const;

  ChatPage* chatPage() const { return chat_page_; }
  ModelLibraryPage* modelLibraryPage() const { return library_page_; }

 public slots:
  void openSettings();

 protected:
  void closeEvent(QCloseEvent* event) override;

 private:
  void buildStatusBar();
  void updateStatusBar();
  void restoreState();

  AppServices services_;
  QListWidget* sidebar_ = nullptr;
  QStackedWidget* stack_ = nullptr;
  ChatPage* chat_page_ = nullptr;
  ModelLibraryPage* library_page_ = nullptr;
  QLabel* model_label_ = nullptr;
  QLabel* device_label_ = nullptr;
  QLabel* memory_label_ = nullptr;
  QLabel* speed_label_ = nullptr;
  double last_tokens_per_second_ = 0;
};

}  // namespace enclave::ui
