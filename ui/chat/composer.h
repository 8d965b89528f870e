// Where the user writes: a multi-line box (Enter makes a new line, Ctrl+Enter sends) and one
// button that is Send while idle and Stop while an answer streams.
#pragma once

#include <QFrame>

class QLabel;
class QPlainTextEdit;
class QPushButton;

namespace enclave::ui {

class Composer : public QFrame {
  Q_OBJECT

 public:
  explicit Composer(QWidget* parent = nullptr);

  void setBusy(bool busy);   // an answer is streaming: the button stops it
  void setCanSend(bool can, const QString& why_not = QString());
  QString text() const;
  void setText(const QString& text);
  void clear();
  void focusInput();
  QPlainTextEdit* input() const { return input_; }
  QPushButton* button() const { return button_; }

 signals:
  void sendRequested(const QString& text);
  void stopRequested();

 protected:
  bool eventFilter(QObject* watched, QEvent* event) override;

 private:
  void trigger();
  void updateButton();

  QPlainTextEdit* input_ = nullptr;
  QPushButton* button_ = nullptr;
  QLabel* hint_ = nullptr;
  bool busy_ = false;
  bool can_send_ = true;
};

}  // namespace enclave::ui
