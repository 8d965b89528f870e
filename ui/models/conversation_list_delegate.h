// Draws a conversation as its title over a muted "when" line (today: the time; older: the date).
#pragma once

#include <QStyledItemDelegate>

namespace enclave::ui {

class ConversationListDelegate : public QStyledItemDelegate {
  Q_OBJECT

 public:
  using QStyledItemDelegate::QStyledItemDelegate;
  void paint(QPainter* painter, const QStyleOptionViewItem& option, const QModelIndex& index) const override;
  QSize sizeHint(const QStyleOptionViewItem& option, const QModelIndex& index) const override;
};

}  // namespace enclave::ui
