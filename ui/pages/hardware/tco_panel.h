// Total cost of ownership: local hardware against a cloud API over N years (hw/cost_model.h),
// every input editable, the cumulative costs charted year by year with the break-even marked.
#pragma once

#include <QWidget>

#include <optional>

#include "hw/cost_model.h"

class QChart;
class QDoubleSpinBox;
class QLabel;
class QLineSeries;
class QScatterSeries;
class QSpinBox;
class QTimer;

namespace enclave::ui {

class TcoPanel : public QWidget {
  Q_OBJECT

 public:
  explicit TcoPanel(QWidget* parent = nullptr);

  // Suggested hardware price and load power for the chosen GPUs (the user may override them;
  // a value the user typed is kept until the GPU changes).
  void suggestHardware(double price_usd, double power_w);
  // Sets the aggregate decode speed the hardware reaches, to tell whether it keeps up.
  void setDecodeSpeed(double tok_s);
  void recompute();

  const std::optional<hw::TcoResult>& result() const { return result_; }
  QLabel* breakEvenLabel() const { return break_even_; }
  QDoubleSpinBox* cloudOutputPriceBox() const { return cloud_output_; }
  QDoubleSpinBox* dailyOutputTokensBox() const { return daily_output_m_; }
  QDoubleSpinBox* dailyInputTokensBox() const { return daily_input_m_; }

 private:
  QDoubleSpinBox* money(double value, double max, const QString& suffix, int decimals = 2);

  std::optional<hw::TcoResult> result_;
  double decode_tok_s_ = 0.0;
  QDoubleSpinBox* hardware_usd_ = nullptr;
  QDoubleSpinBox* power_w_ = nullptr;
  QDoubleSpinBox* kwh_price_ = nullptr;
  QDoubleSpinBox* utilisation_ = nullptr;   // percent
  QDoubleSpinBox* maintenance_ = nullptr;   // percent of hardware per year
  QDoubleSpinBox* cloud_input_ = nullptr;   // USD per M input tokens
  QDoubleSpinBox* cloud_output_ = nullptr;  // USD per M output tokens
  QDoubleSpinBox* daily_input_m_ = nullptr; // M input tokens per day
  QDoubleSpinBox* daily_output_m_ = nullptr;
  QSpinBox* years_ = nullptr;
  QChart* chart_ = nullptr;
  QLineSeries* local_series_ = nullptr;
  QLineSeries* cloud_series_ = nullptr;
  QScatterSeries* break_even_point_ = nullptr;
  QLabel* break_even_ = nullptr;
  QLabel* error_ = nullptr;
  QTimer* debounce_ = nullptr;
};

}  // namespace enclave::ui
