// The conversation list of the Chat page: titles and last activity from the database, newest
// first, optionally filtered by a search over titles and message text.
#pragma once

#include <QAbstractListModel>
#include <QList>

#include "store/conversation_store.h"

namespace enclave::ui {

class ConversationListModel : public QAbstractListModel {
  Q_OBJECT

 public:
  enum Role { kIdRole = Qt::UserRole + 1, kUpdatedRole };

  explicit ConversationListModel(store::ConversationStore* store, QObject* parent = nullptr);

  int rowCount(const QModelIndex& parent = QModelIndex()) const override;
  QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;

  void setFilter(const QString& filter);
  QString filter() const { return filter_; }
  void refresh();
  int rowOf(qint64 id) const;  // -1 when not listed
  qint64 idAt(int row) const;

 private:
  struct Row {
    qint64 id;
    QString title;
    qint64 updated_ms;
  };
  store::ConversationStore* store_;
  QString filter_;
  QList<Row> rows_;
};

}  // namespace enclave::ui
