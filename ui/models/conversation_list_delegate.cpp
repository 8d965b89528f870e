#include "models/conversation_list_delegate.h"

#include <QApplication>
#include <QDateTime>
#include <QLocale>
#include <QPainter>
#include <QPainterPath>

#include "models/conversation_list_model.h"
#include "theme.h"

namespace enclave::ui {

void ConversationListDelegate::paint(QPainter* painter, const QStyleOptionViewItem& option,
                                     const QModelIndex& index) const {
  painter->save();
  painter->setRenderHint(QPainter::Antialiasing);
  const QPalette& palette = option.palette;
  const QRect card = option.rect.adjusted(6, 2, -6, -2);
  const bool selected = option.state & QStyle::State_Selected;
  if (selected || (option.state & QStyle::State_MouseOver)) {
    QPainterPath path;
    path.addRoundedRect(card, 6, 6);
    painter->fillPath(path, selected ? palette.color(QPalette::Highlight) : palette.color(QPalette::AlternateBase));
  }
  const QRect text_rect = card.adjusted(10, 6, -10, -6);
  QFont title_font = option.font;
  title_font.setWeight(QFont::DemiBold);
  painter->setFont(title_font);
  painter->setPen(selected ? palette.color(QPalette::HighlightedText) : palette.color(QPalette::Text));
  const QFontMetrics title_metrics(title_font);
  const QString title = title_metrics.elidedText(index.data(Qt::DisplayRole).toString(), Qt::ElideRight, text_rect.width());
  painter->drawText(text_rect.topLeft() + QPoint(0, title_metrics.ascent()), title);

  const QDateTime when = QDateTime::fromMSecsSinceEpoch(index.data(ConversationListModel::kUpdatedRole).toLongLong());
  const QString when_text = when.date() == QDate::currentDate() ? QLocale().toString(when.time(), QLocale::ShortFormat)
                                                                : QLocale().toString(when.date(), QLocale::ShortFormat);
  QFont small = option.font;
  small.setPointSizeF(option.font.pointSizeF() * 0.88);
  painter->setFont(small);
  QColor muted = selected ? palette.color(QPalette::HighlightedText) : MutedTextColor(palette);
  if (selected) muted.setAlpha(200);
  painter->setPen(muted);
  painter->drawText(text_rect.topLeft() + QPoint(0, title_metrics.height() + QFontMetrics(small).ascent() + 2), when_text);
  painter->restore();
}

QSize ConversationListDelegate::sizeHint(const QStyleOptionViewItem& option, const QModelIndex&) const {
  const QFontMetrics metrics(option.font);
  return QSize(200, metrics.height() * 2 + 20);
}

}  // namespace enclave::ui
