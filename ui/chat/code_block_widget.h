// A fenced code block in a message: the language, a Copy button, and the code in a monospace,
// selectable view that scrolls sideways instead of wrapping.
#pragma once

#include <QFrame>

class QLabel;
class QPlainTextEdit;
class QToolButton;

namespace enclave::ui {

class CodeBlockWidget : public QFrame {
  Q_OBJECT

 public:
  explicit CodeBlockWidget(QWidget* parent = nullptr);

  void setCode(const QString& code, const QString& language);
  QString code() const;
  QToolButton* copyButton() const { return copy_button_; }

 private:
  void copyToClipboard();
  void updateHeight();

  QLabel* language_label_ = nullptr;
  QToolButton* copy_button_ = nullptr;
  QPlainTextEdit* editor_ = nullptr;
};

}  // namespace enclave::ui
