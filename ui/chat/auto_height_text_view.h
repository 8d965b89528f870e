// A read-only, selectable rich-text view as tall as its text at the current width (no scroll
// bar of its own), for stacking inside the message list's single scroll area.
#pragma once

#include <QTextBrowser>

namespace enclave::ui {

class AutoHeightTextView : public QTextBrowser {
  Q_OBJECT

 public:
  explicit AutoHeightTextView(QWidget* parent = nullptr);

  void setMarkdownText(const QString& markdown);  // no-op when unchanged
  void setPlainTextIfChanged(const QString& text);
  QSize sizeHint() const override;
  QSize minimumSizeHint() const override;

 protected:
  void resizeEvent(QResizeEvent* event) override;

 private:
  void updateHeight();
  void StyleTables();
  QString source_;
};

}  // namespace enclave::ui
