#include "pages/chat_page.h"

#include <QFile>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QInputDialog>
#include <QLabel>
#include <QLineEdit>
#include <QListView>
#include <QMenu>
#include <QMessageBox>
#include <QProgressBar>
#include <QPushButton>
#include <QRegularExpression>
#include <QShortcut>
#include <QSplitter>
#include <QStandardPaths>
#include <QToolButton>
#include <QVBoxLayout>

#include "chat/chat_controller.h"
#include "chat/composer.h"
#include "chat/conversation_settings_panel.h"
#include "chat/message_view.h"
#include "format.h"
#include "models/conversation_list_delegate.h"
#include "models/conversation_list_model.h"

namespace enclave::ui {

ChatPage::ChatPage(const AppServices& services, QWidget* parent) : QWidget(parent), services_(services) {
  setObjectName(QStringLiteral("ChatPage"));
  controller_ = new ChatController(services.store, services.engine, this);
  list_model_ = new ConversationListModel(services.store, this);

  auto* layout = new QHBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  splitter_ = new QSplitter(Qt::Horizontal, this);
  splitter_->setChildrenCollapsible(false);
  layout->addWidget(splitter_);

  // Left: conversations.
  auto* left = new QWidget(splitter_);
  left->setMinimumWidth(200);
  auto* left_layout = new QVBoxLayout(left);
  left_layout->setContentsMargins(10, 12, 6, 10);
  auto* new_chat = new QPushButton(QIcon(QStringLiteral(":/icons/new-chat.svg")), tr("New chat"), left);
  new_chat->setObjectName(QStringLiteral("NewChatButton"));
  new_chat->setToolTip(tr("Start a new conversation (Ctrl+N)"));
  search_ = new QLineEdit(left);
  search_->setObjectName(QStringLiteral("ConversationSearch"));
  search_->setPlaceholderText(tr("Search conversations"));
  search_->setClearButtonEnabled(true);
  search_->addAction(QIcon(QStringLiteral(":/icons/search.svg")), QLineEdit::LeadingPosition);
  list_ = new QListView(left);
  list_->setObjectName(QStringLiteral("ConversationList"));
  list_->setModel(list_model_);
  list_->setItemDelegate(new ConversationListDelegate(list_));
  list_->setFrameShape(QFrame::NoFrame);
  list_->setMouseTracking(true);
  list_->setContextMenuPolicy(Qt::CustomContextMenu);
  list_->setEditTriggers(QAbstractItemView::NoEditTriggers);
  list_->setStyleSheet(QStringLiteral("QListView { background: transparent; }"));
  left_layout->addWidget(new_chat);
  left_layout->addWidget(search_);
  left_layout->addWidget(list_, 1);

  // Middle: header, banner, messages, composer.
  auto* middle = new QWidget(splitter_);
  auto* middle_layout = new QVBoxLayout(middle);
  middle_layout->setContentsMargins(0, 0, 0, 0);
  middle_layout->setSpacing(0);
  auto* header = new QWidget(middle);
  header->setObjectName(QStringLiteral("ChatHeader"));
  auto* header_layout = new QHBoxLayout(header);
  header_layout->setContentsMargins(20, 10, 12, 10);
  title_ = new QLabel(header);
  title_->setObjectName(QStringLiteral("PageTitle"));
  title_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  context_label_ = new QLabel(header);
  context_label_->setObjectName(QStringLiteral("MutedLabel"));
  context_bar_ = new QProgressBar(header);
  context_bar_->setObjectName(QStringLiteral("ContextBar"));
  context_bar_->setTextVisible(false);
  context_bar_->setFixedWidth(120);
  context_bar_->setRange(0, 1);
  context_bar_->setValue(0);
  settings_toggle_ = new QToolButton(header);
  settings_toggle_->setObjectName(QStringLiteral("LinkButton"));
  settings_toggle_->setIcon(QIcon(QStringLiteral(":/icons/sliders.svg")));
  settings_toggle_->setCheckable(true);
  settings_toggle_->setToolTip(tr("System prompt, sampling and export for this conversation"));
  header_layout->addWidget(title_, 1);
  header_layout->addWidget(context_label_);
  header_layout->addWidget(context_bar_);
  header_layout->addSpacing(8);
  header_layout->addWidget(settings_toggle_);

  banner_box_ = new QWidget(middle);
  auto* banner_layout = new QHBoxLayout(banner_box_);
  banner_layout->setContentsMargins(20, 8, 20, 0);
  banner_ = new QLabel(banner_box_);
  banner_->setObjectName(QStringLiteral("Notice"));
  banner_->setWordWrap(true);
  banner_button_ = new QPushButton(tr("Open model library"), banner_box_);
  banner_layout->addWidget(banner_, 1);
  banner_layout->addWidget(banner_button_);

  messages_ = new MessageView(middle);
  messages_->setEmptyText(tr("Start a conversation"),
                          tr("Everything stays on this computer: the model runs here and the conversation "
                             "is saved in your local database."));
  auto* composer_box = new QWidget(middle);
  auto* composer_layout = new QVBoxLayout(composer_box);
  composer_layout->setContentsMargins(20, 6, 20, 12);
  composer_ = new Composer(composer_box);
  composer_layout->addWidget(composer_);
  middle_layout->addWidget(header);
  middle_layout->addWidget(banner_box_);
  middle_layout->addWidget(messages_, 1);
  middle_layout->addWidget(composer_box);

  // Right: conversation settings.
  settings_panel_ = new ConversationSettingsPanel(splitter_);
  settings_panel_->setVisible(false);

  splitter_->addWidget(left);
  splitter_->addWidget(middle);
  splitter_->addWidget(settings_panel_);
  splitter_->setStretchFactor(0, 0);
  splitter_->setStretchFactor(1, 1);
  splitter_->setStretchFactor(2, 0);
  splitter_->setSizes({250, 800, 280});
  splitter_->restoreState(services_.settings->splitterState(QStringLiteral("chat")));

  // Wiring.
  connect(new_chat, &QPushButton::clicked, this, &ChatPage::newChat);
  connect(search_, &QLineEdit::textChanged, this, [this](const QString& text) {
    list_model_->setFilter(text);
    syncSelection();
  });
  connect(list_, &QListView::clicked, this, [this](const QModelIndex& index) {
    controller_->openConversation(list_model_->idAt(index.row()));
  });
  connect(list_, &QListView::customContextMenuRequested, this, &ChatPage::showConversationMenu);
  connect(settings_toggle_, &QToolButton::toggled, settings_panel_, &QWidget::setVisible);
  connect(banner_button_, &QPushButton::clicked, this, &ChatPage::openModelLibraryRequested);

  connect(composer_, &Composer::sendRequested, this, &ChatPage::send);
  connect(composer_, &Composer::stopRequested, controller_, &ChatController::stop);
  auto* esc = new QShortcut(QKeySequence(Qt::Key_Escape), this);
  esc->setContext(Qt::WidgetWithChildrenShortcut);
  connect(esc, &QShortcut::activated, controller_, &ChatController::stop);

  connect(messages_, &MessageView::regenerateRequested, controller_, &ChatController::regenerate);
  connect(messages_, &MessageView::editSubmitted, controller_, &ChatController::editAndResend);
  connect(messages_, &MessageView::versionRequested, controller_, &ChatController::selectVersion);

  connect(controller_, &ChatController::messagesChanged, this, [this] {
    messages_->setMessages(controller_->items(), controller_->settings().hide_reasoning);
  });
  connect(controller_, &ChatController::messageUpdated, messages_, &MessageView::updateMessage);
  connect(controller_, &ChatController::conversationsChanged, this, [this] {
    list_model_->refresh();
    syncSelection();
  });
  connect(controller_, &ChatController::conversationOpened, this, [this] {
    settings_panel_->setSettings(controller_->settings());
    updateHeader();
    syncSelection();
  });
  connect(controller_, &ChatController::busyChanged, this, [this](bool busy) {
    composer_->setBusy(busy);
    messages_->setBusy(busy);
  });
  connect(controller_, &ChatController::contextUsageChanged, this, &ChatPage::setContextUsage);
  connect(controller_, &ChatController::errorOccurred, this, [this](const QString& message) {
    QMessageBox::warning(this, tr("Enclave"), tr("The conversation could not be saved: %1").arg(message));
  });
  connect(settings_panel_, &ConversationSettingsPanel::settingsChanged, this,
          [this](const store::ConversationSettings& settings) {
            const bool hide_changed = settings.hide_reasoning != controller_->settings().hide_reasoning;
            controller_->updateSettings(settings);
            if (hide_changed) messages_->setHideReasoning(settings.hide_reasoning);
          });
  connect(settings_panel_, &ConversationSettingsPanel::exportRequested, this, &ChatPage::exportConversation);

  gui::EngineController* engine = services_.engine;
  connect(engine, &gui::EngineController::modelLoaded, this, &ChatPage::updateBanner);
  connect(engine, &gui::EngineController::modelUnloaded, this, &ChatPage::updateBanner);
  connect(engine, &gui::EngineController::modelLoadFailed, this, &ChatPage::updateBanner);
  connect(engine, &gui::EngineController::loadStarted, this, &ChatPage::updateBanner);

  // Open the most recent conversation, as the user left it.
  if (list_model_->rowCount() > 0) controller_->openConversation(list_model_->idAt(0));
  else controller_->newConversation();
  updateBanner();
}

void ChatPage::newChat() {
  controller_->newConversation();
  composer_->focusInput();
}

void ChatPage::send(const QString& text) {
  if (controller_->send(text)) composer_->clear();
}

void ChatPage::syncSelection() {
  const int row = list_model_->rowOf(controller_->conversationId());
  if (row < 0) list_->clearSelection();
  else list_->setCurrentIndex(list_model_->index(row));
}

void ChatPage::updateHeader() {
  title_->setText(controller_->conversationId() == 0 ? tr("New chat") : controller_->title());
}

void ChatPage::updateBanner() {
  gui::EngineController* engine = services_.engine;
  const auto& model = engine->model();
  if (engine->loading()) {
    banner_->setText(tr("Loading the model… You can read your conversations meanwhile."));
    banner_button_->setVisible(false);
    banner_box_->setVisible(true);
    composer_->setCanSend(false, tr("The model is still loading"));
  } else if (!model) {
    banner_->setText(tr("No model is loaded. Load one in the model library to start chatting."));
    banner_button_->setVisible(true);
    banner_box_->setVisible(true);
    composer_->setCanSend(false, tr("Load a model first"));
  } else if (!model->hasTokenizer) {
    banner_->setText(tr("%1 has no tokenizer: type token ids (for example 1, 17, 200). Each message is a prompt on "
                        "its own, and the answer shows the generated ids.").arg(model->name));
    banner_button_->setVisible(false);
    banner_box_->setVisible(true);
    composer_->setCanSend(true);
  } else {
    banner_box_->setVisible(false);
    composer_->setCanSend(true);
  }
  if (model) setContextUsage(context_bar_->value(), model->context);
}

void ChatPage::setContextUsage(qint64 used, qint64 total) {
  if (total <= 0 && services_.engine->model()) total = services_.engine->model()->context;
  context_bar_->setRange(0, static_cast<int>(qMax<qint64>(1, total)));
  context_bar_->setValue(static_cast<int>(qBound<qint64>(0, used, qMax<qint64>(1, total))));
  context_label_->setText(total > 0 ? tr("%1 / %2 tokens").arg(Format::tokens(used), Format::tokens(total)) : QString());
  context_bar_->setToolTip(tr("Context in use: the prompt and the answer so far. When it is full, the oldest "
                              "messages are left out."));
  context_bar_->setVisible(total > 0);
}

void ChatPage::showConversationMenu(const QPoint& pos) {
  const QModelIndex index = list_->indexAt(pos);
  if (!index.isValid()) return;
  const qint64 id = list_model_->idAt(index.row());
  QMenu menu(this);
  menu.addAction(QIcon(QStringLiteral(":/icons/edit.svg")), tr("Rename…"), this, [this, id] { renameConversation(id); });
  menu.addAction(QIcon(QStringLiteral(":/icons/trash.svg")), tr("Delete…"), this, [this, id] { deleteConversation(id); });
  menu.exec(list_->viewport()->mapToGlobal(pos));
}

void ChatPage::renameConversation(qint64 id) {
  const int row = list_model_->rowOf(id);
  const QString current = row >= 0 ? list_model_->data(list_model_->index(row)).toString() : QString();
  bool ok = false;
  const QString title = QInputDialog::getText(this, tr("Rename conversation"), tr("Title:"), QLineEdit::Normal, current, &ok);
  if (ok) controller_->renameConversation(id, title);
}

void ChatPage::deleteConversation(qint64 id) {
  const int row = list_model_->rowOf(id);
  const QString title = row >= 0 ? list_model_->data(list_model_->index(row)).toString() : QString();
  const auto answer = QMessageBox::question(this, tr("Delete conversation"),
                                            tr("Delete \"%1\" and all its messages? This cannot be undone.").arg(title),
                                            QMessageBox::Yes | QMessageBox::Cancel, QMessageBox::Cancel);
  if (answer == QMessageBox::Yes) controller_->deleteConversation(id);
}

void ChatPage::exportConversation(const QString& format) {
  if (controller_->conversationId() == 0) return;
  const QString text = controller_->exportConversation(format);
  QString name = controller_->title();
  name.replace(QRegularExpression(QStringLiteral("[\\\\/:*?\"<>|]")), QStringLiteral("_"));
  const QString suggested = QStandardPaths::writableLocation(QStandardPaths::DocumentsLocation) + QLatin1Char('/') +
                            name + QLatin1Char('.') + format;
  const QString filter = format == QLatin1String("json") ? tr("JSON (*.json)") : tr("Markdown (*.md)");
  const QString path = QFileDialog::getSaveFileName(this, tr("Export conversation"), suggested, filter);
  if (path.isEmpty()) return;
  QFile file(path);
  if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate) || file.write(text.toUtf8()) < 0) {
    QMessageBox::warning(this, tr("Export conversation"), tr("Could not write %1: %2").arg(path, file.errorString()));
  }
}

void ChatPage::saveState() {
  services_.settings->setSplitterState(QStringLiteral("chat"), splitter_->saveState());
  controller_->shutdown();
}

}  // namespace enclave::ui
