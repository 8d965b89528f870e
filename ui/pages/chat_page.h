// The Chat page: conversations on the left (new, search, rename, delete), the open
// conversation in the middle with the composer below it, and the conversation's settings on
// the right. Ctrl+Enter sends, Esc stops (Ctrl+N is the main window's).
#pragma once

#include <QWidget>

#include "app_services.h"

class QLabel;
class QLineEdit;
class QListView;
class QProgressBar;
class QPushButton;
class QSplitter;
class QToolButton;

namespace enclave::ui {

class ChatController;
class Composer;
class ConversationListModel;
class ConversationSettingsPanel;
class MessageView;

class ChatPage : public QWidget {
  Q_OBJECT

 public:
  ChatPage(const AppServices& services, QWidget* parent = nullptr);

  ChatController* controller() const { return controller_; }
  MessageView* messageView() const { return messages_; }
  Composer* composer() const { return composer_; }
  ConversationListModel* conversationModel() const { return list_model_; }
  QListView* conversationList() const { return list_; }
  QLineEdit* searchBox() const { return search_; }
  ConversationSettingsPanel* settingsPanel() const { return settings_panel_; }
  QProgressBar* contextBar() const { return context_bar_; }
  QLabel* banner() const { return banner_; }

  void newChat();
  void saveState();  // on close: splitter sizes, and an answer in progress saved as stopped

 signals:
  void openModelLibraryRequested();

 private:
  void send(const QString& text);
  void syncSelection();
  void updateBanner();
  void updateHeader();
  void setContextUsage(qint64 used, qint64 total);
  void showConversationMenu(const QPoint& pos);
  void renameConversation(qint64 id);
  void deleteConversation(qint64 id);
  void exportConversation(const QString& format);

  AppServices services_;
  ChatController* controller_ = nullptr;
  ConversationListModel* list_model_ = nullptr;
  QSplitter* splitter_ = nullptr;
  QLineEdit* search_ = nullptr;
  QListView* list_ = nullptr;
  QLabel* title_ = nullptr;
  QProgressBar* context_bar_ = nullptr;
  QLabel* context_label_ = nullptr;
  QToolButton* settings_toggle_ = nullptr;
  QLabel* banner_ = nullptr;
  QPushButton* banner_button_ = nullptr;
  QWidget* banner_box_ = nullptr;
  MessageView* messages_ = nullptr;
  Composer* composer_ = nullptr;
  ConversationSettingsPanel* settings_panel_ = nullptr;
};

}  // namespace enclave::ui
