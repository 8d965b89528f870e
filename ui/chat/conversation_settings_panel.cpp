#include "chat/conversation_settings_panel.h"

#include <QCheckBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QTimer>
#include <QVBoxLayout>

#include <algorithm>

namespace enclave::ui {

ConversationSettingsPanel::ConversationSettingsPanel(QWidget* parent) : QFrame(parent) {
  setObjectName(QStringLiteral("ConversationSettings"));
  setMinimumWidth(260);
  setMaximumWidth(340);
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(14, 14, 14, 14);
  auto* title = new QLabel(tr("Conversation settings"), this);
  title->setObjectName(QStringLiteral("MessageRoleLabel"));
  layout->addWidget(title);

  layout->addWidget(new QLabel(tr("System prompt"), this));
  system_prompt_ = new QPlainTextEdit(this);
  system_prompt_->setObjectName(QStringLiteral("SystemPrompt"));
  system_prompt_->setPlaceholderText(tr("Instructions the model follows in this conversation"));
  system_prompt_->setMaximumHeight(120);
  layout->addWidget(system_prompt_);

  auto* form = new QFormLayout();
  form->setLabelAlignment(Qt::AlignLeft);
  temperature_ = new QDoubleSpinBox(this);
  temperature_->setRange(0.0, 2.0);
  temperature_->setSingleStep(0.05);
  temperature_->setDecimals(2);
  temperature_->setToolTip(tr("0 always picks the most likely token; DeepSeek-R1 recommends 0.5 to 0.7"));
  top_p_ = new QDoubleSpinBox(this);
  top_p_->setRange(0.01, 1.0);
  top_p_->setSingleStep(0.05);
  top_p_->setDecimals(2);
  top_k_ = new QSpinBox(this);
  top_k_->setRange(0, 1000);
  top_k_->setSpecialValueText(tr("Off"));
  max_tokens_ = new QSpinBox(this);
  max_tokens_->setRange(1, 131072);
  max_tokens_->setSingleStep(256);
  seed_ = new QSpinBox(this);
  seed_->setRange(-1, 2147483647);
  seed_->setSpecialValueText(tr("Random"));
  seed_->setToolTip(tr("The same seed and settings give the same answer"));
  form->addRow(tr("Temperature"), temperature_);
  form->addRow(tr("Top-p"), top_p_);
  form->addRow(tr("Top-k"), top_k_);
  form->addRow(tr("Max tokens"), max_tokens_);
  form->addRow(tr("Seed"), seed_);
  layout->addLayout(form);

  hide_reasoning_ = new QCheckBox(tr("Hide the model's reasoning"), this);
  hide_reasoning_->setObjectName(QStringLiteral("HideReasoning"));
  layout->addWidget(hide_reasoning_);
  layout->addStretch();

  auto* export_label = new QLabel(tr("Export conversation"), this);
  auto* export_row = new QHBoxLayout();
  auto* markdown = new QPushButton(QIcon(QStringLiteral(":/icons/export.svg")), tr("Markdown"), this);
  auto* json = new QPushButton(QIcon(QStringLiteral(":/icons/export.svg")), tr("JSON"), this);
  export_row->addWidget(markdown);
  export_row->addWidget(json);
  layout->addWidget(export_label);
  layout->addLayout(export_row);
  connect(markdown, &QPushButton::clicked, this, [this] { emit exportRequested(QStringLiteral("md")); });
  connect(json, &QPushButton::clicked, this, [this] { emit exportRequested(QStringLiteral("json")); });

  debounce_ = new QTimer(this);
  debounce_->setSingleShot(true);
  debounce_->setInterval(400);
  connect(debounce_, &QTimer::timeout, this, [this] { emit settingsChanged(settings()); });
  connect(system_prompt_, &QPlainTextEdit::textChanged, this, &ConversationSettingsPanel::changed);
  for (QDoubleSpinBox* box : {temperature_, top_p_})
    connect(box, &QDoubleSpinBox::valueChanged, this, &ConversationSettingsPanel::changed);
  for (QSpinBox* box : {top_k_, max_tokens_, seed_})
    connect(box, &QSpinBox::valueChanged, this, &ConversationSettingsPanel::changed);
  connect(hide_reasoning_, &QCheckBox::toggled, this, [this] {
    if (loading_) return;
    debounce_->stop();
    emit settingsChanged(settings());  // at once: the view follows the switch
  });
}

void ConversationSettingsPanel::changed() {
  if (!loading_) debounce_->start();
}

void ConversationSettingsPanel::setSettings(const store::ConversationSettings& s) {
  loading_ = true;
  debounce_->stop();
  system_prompt_->setPlainText(QString::fromStdString(s.system_prompt));
  temperature_->setValue(s.sampling.temperature);
  top_p_->setValue(s.sampling.top_p);
  top_k_->setValue(s.sampling.top_k);
  max_tokens_->setValue(s.sampling.max_tokens);
  seed_->setValue(static_cast<int>(std::clamp<int64_t>(s.sampling.seed, -1, 2147483647)));
  hide_reasoning_->setChecked(s.hide_reasoning);
  loading_ = false;
}

store::ConversationSettings ConversationSettingsPanel::settings() const {
  store::ConversationSettings s;
  s.system_prompt = system_prompt_->toPlainText().toStdString();
  s.sampling.temperature = temperature_->value();
  s.sampling.top_p = top_p_->value();
  s.sampling.top_k = top_k_->value();
  s.sampling.max_tokens = max_tokens_->value();
  s.sampling.seed = seed_->value();
  s.hide_reasoning = hide_reasoning_->isChecked();
  return s;
}

}  // namespace enclave::ui
