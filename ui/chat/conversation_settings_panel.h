// Per-conversation settings beside the chat: system prompt, sampling (temperature, top-p,
// top-k, max tokens, seed), whether to show the model's reasoning, and export.
#pragma once

#include <QFrame>

#include "store/conversation_types.h"

class QCheckBox;
class QDoubleSpinBox;
class QPlainTextEdit;
class QSpinBox;
class QTimer;

namespace enclave::ui {

class ConversationSettingsPanel : public QFrame {
  Q_OBJECT

 public:
  explicit ConversationSettingsPanel(QWidget* parent = nullptr);

  void setSettings(const store::ConversationSettings& settings);  // does not emit
  store::ConversationSettings settings() const;
  QCheckBox* hideReasoningBox() const { return hide_reasoning_; }
  QPlainTextEdit* systemPromptEdit() const { return system_prompt_; }

 signals:
  void settingsChanged(const enclave::store::ConversationSettings& settings);
  void exportRequested(const QString& format);  // "md" or "json"

 private:
  void changed();

  QPlainTextEdit* system_prompt_ = nullptr;
  QDoubleSpinBox* temperature_ = nullptr;
  QDoubleSpinBox* top_p_ = nullptr;
  QSpinBox* top_k_ = nullptr;
  QSpinBox* max_tokens_ = nullptr;
  QSpinBox* seed_ = nullptr;
  QCheckBox* hide_reasoning_ = nullptr;
  QTimer* debounce_ = nullptr;  // typing a system prompt writes once, after a pause
  bool loading_ = false;
};

}  // namespace enclave::ui
