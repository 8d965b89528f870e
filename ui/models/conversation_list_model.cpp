#include "models/conversation_list_model.h"

#include <QDateTime>
#include <QLocale>

namespace enclave::ui {

ConversationListModel::ConversationListModel(store::ConversationStore* store, QObject* parent)
    : QAbstractListModel(parent), store_(store) {
  refresh();
}

int ConversationListModel::rowCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : rows_.size(); }

QVariant ConversationListModel::data(const QModelIndex& index, int role) const {
  if (!index.isValid() || index.row() >= rows_.size()) return {};
  const Row& row = rows_[index.row()];
  switch (role) {
    case Qt::DisplayRole:
    case Qt::EditRole: return row.title;
    case Qt::ToolTipRole:
      return QStringLiteral("%1\n%2").arg(row.title, QLocale().toString(QDateTime::fromMSecsSinceEpoch(row.updated_ms),
                                                                         QLocale::ShortFormat));
    case kIdRole: return row.id;
    case kUpdatedRole: return row.updated_ms;
    default: return {};
  }
}

void ConversationListModel::setFilter(const QString& filter) {
  if (filter == filter_) return;
  filter_ = filter;
  refresh();
}

void ConversationListModel::refresh() {
  auto list = store_->ListConversations(filter_.trimmed().toStdString());
  beginResetModel();
  rows_.clear();
  if (list.ok())
    for (const store::Conversation& c : *list)
      rows_.push_back({c.id, QString::fromStdString(c.title), c.updated_at_ms});
  endResetModel();
}

int ConversationListModel::rowOf(qint64 id) const {
  for (int i = 0; i < rows_.size(); ++i)
    if (rows_[i].id == id) return i;
  return -1;
}

qint64 ConversationListModel::idAt(int row) const { return row >= 0 && row < rows_.size() ? rows_[row].id : 0; }

}  // namespace enclave::ui
