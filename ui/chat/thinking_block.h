// The model's reasoning, apart from its answer: a header ("Thinking… 4.2 s" while it streams,
// "Thought for 12 s" after) that folds and unfolds it, and the reasoning as selectable text
// with its own Copy button. Folded by default, also while it streams; the user's choice to
// unfold is kept while more text arrives.
#pragma once

#include <QFrame>

class QToolButton;

namespace enclave::ui {

class AutoHeightTextView;

class ThinkingBlock : public QFrame {
  Q_OBJECT

 public:
  explicit ThinkingBlock(QWidget* parent = nullptr);

  void setReasoning(const QString& text, bool thinking, qint64 milliseconds);
  bool isExpanded() const;
  void setExpanded(bool expanded);
  QString reasoning() const { return text_; }
  QString headerText() const;
  QToolButton* toggleButton() const { return toggle_; }
  AutoHeightTextView* textView() const { return body_; }

 private:
  void updateHeader();

  QToolButton* toggle_ = nullptr;
  QToolButton* copy_ = nullptr;
  AutoHeightTextView* body_ = nullptr;
  QString text_;
  bool thinking_ = false;
  qint64 ms_ = 0;
};

}  // namespace enclave::ui
