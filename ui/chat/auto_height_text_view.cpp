#include "chat/auto_height_text_view.h"

#include <QAbstractTextDocumentLayout>
#include <QScrollBar>
#include <QTextFrame>
#include <QTextTable>
#include <QtMath>

namespace enclave::ui {

AutoHeightTextView::AutoHeightTextView(QWidget* parent) : QTextBrowser(parent) {
  setFrameShape(QFrame::NoFrame);
  setVerticalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
  setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
  setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
  setOpenExternalLinks(true);
  setTextInteractionFlags(Qt::TextBrowserInteraction | Qt::TextSelectableByKeyboard);
  setContextMenuPolicy(Qt::DefaultContextMenu);
  viewport()->setAutoFillBackground(false);
  setStyleSheet(QStringLiteral("QTextBrowser { background: transparent; }"));
  document()->setDocumentMargin(2);
  connect(document()->documentLayout(), &QAbstractTextDocumentLayout::documentSizeChanged, this,
          &AutoHeightTextView::updateHeight);
}

void AutoHeightTextView::setMarkdownText(const QString& markdown) {
  if (markdown == source_) return;
  source_ = markdown;
  setMarkdown(markdown);
  StyleTables();
  updateHeight();
}

void AutoHeightTextView::setPlainTextIfChanged(const QString& text) {
  if (text == source_) return;
  source_ = text;
  setPlainText(text);
  updateHeight();
}

// Markdown tables come out with heavy double borders: draw them as light, collapsed grids
// with some padding and a shaded header row instead.
void AutoHeightTextView::StyleTables() {
  QTextFrame* root = document()->rootFrame();
  for (QTextFrame* frame : root->childFrames()) {
    auto* table = qobject_cast<QTextTable*>(frame);
    if (!table) continue;
    QTextTableFormat format = table->format();
    format.setBorderCollapse(true);
    format.setBorder(1);
    format.setBorderBrush(palette().color(QPalette::Mid));
    format.setBorderStyle(QTextFrameFormat::BorderStyle_Solid);
    format.setCellPadding(5);
    format.setCellSpacing(0);
    format.setTopMargin(4);
    format.setBottomMargin(4);
    table->setFormat(format);
    for (int column = 0; column < table->columns(); ++column) {
      QTextTableCell cell = table->cellAt(0, column);
      QTextTableCellFormat cell_format = cell.format().toTableCellFormat();
      cell_format.setBackground(palette().color(QPalette::AlternateBase));
      cell.setFormat(cell_format);
    }
  }
}

QSize AutoHeightTextView::sizeHint() const {
  return QSize(QTextBrowser::sizeHint().width(), qCeil(document()->size().height()) + 2);
}

QSize AutoHeightTextView::minimumSizeHint() const { return QSize(60, sizeHint().height()); }

void AutoHeightTextView::resizeEvent(QResizeEvent* event) {
  QTextBrowser::resizeEvent(event);
  document()->setTextWidth(viewport()->width());
  updateHeight();
}

void AutoHeightTextView::updateHeight() {
  const int height = qCeil(document()->size().height()) + 2;
  if (height != this->height()) setFixedHeight(height);
}

}  // namespace enclave::ui
