// The Hardware page: will a model fit, how fast will it run, and what does it cost. A form
// (model from a preset, a GGUF file or a Hugging Face config; quantisation, context, parallel
// sequences, KV type, GPU layers, GPU and count) drives the engine's estimator (engine/hw) and
// shows a stacked memory bar per device against its VRAM, a "what runs on this machine" matrix
// and the total cost of ownership (TcoPanel). Inputs are debounced; estimator errors are shown
// inline, never as dialogs.
#pragma once

#include <QWidget>

#include <optional>
#include <vector>

#include "hw/estimator.h"
#include "hw/gpu_catalog.h"
#include "hw/monitor_sample.h"

class QBarSet;
class QChart;
class QComboBox;
class QLabel;
class QLineSeries;
class QPushButton;
class QSlider;
class QSpinBox;
class QTableWidget;
class QTimer;

namespace enclave::ui {

class TcoPanel;

class HardwarePage : public QWidget {
  Q_OBJECT

 public:
  // `detected` are the GPUs of this machine (from the monitor); they are added to the catalog
  // and preselected.
  explicit HardwarePage(const std::vector<hw::GpuInfo>& detected, QWidget* parent = nullptr);

  // The last successful estimate (nullopt while the inputs are invalid).
  const std::optional<hw::Estimate>& estimate() const { return estimate_; }
  // Runs the pending (debounced) update now.
  void recompute();

  // Form inputs (tests and the screenshot tour drive them like a user).
  QComboBox* modelBox() const { return model_; }
  QComboBox* quantBox() const { return quant_; }
  QSpinBox* contextBox() const { return context_; }
  QSpinBox* parallelBox() const { return parallel_; }
  QComboBox* gpuBox() const { return gpu_; }
  QSpinBox* gpuCountBox() const { return n_gpus_; }
  QLabel* verdictLabel() const { return verdict_; }
  QLabel* errorLabel() const { return error_; }
  QTableWidget* matrixTable() const { return matrix_; }
  QBarSet* kvBarSet() const { return kv_set_; }
  TcoPanel* tcoPanel() const { return tco_; }
  // Picks a model file or folder (GGUF file, HF folder or config.json) as the model source.
  void setModelPath(const QString& path);

 private:
  QWidget* buildForm();
  QWidget* buildMemoryChart();
  void scheduleUpdate();
  void updateContextRange();
  std::optional<hw::GpuSpec> selectedGpu() const;
  Expected<hw::EstimateModel> selectedModel() const;
  hw::EstimateOptions currentOptions() const;
  void showEstimate(const hw::Estimate& estimate);
  void showMatrix();
  void showError(const QString& message);
  void browseModel();

  hw::GpuCatalog catalog_;
  std::optional<hw::Estimate> estimate_;
  QString model_path_;                 // set when the model comes from a file

  QComboBox* model_ = nullptr;         // presets, then "File..." entry
  QPushButton* browse_ = nullptr;
  QComboBox* quant_ = nullptr;
  QSlider* context_slider_ = nullptr;  // log2 steps of the context
  QSpinBox* context_ = nullptr;
  QSpinBox* parallel_ = nullptr;
  QComboBox* kv_type_ = nullptr;
  QSpinBox* gpu_layers_ = nullptr;     // -1 = all
  QComboBox* gpu_ = nullptr;           // "CPU only" then catalog rows (detected first)
  QSpinBox* n_gpus_ = nullptr;
  QLabel* verdict_ = nullptr;
  QLabel* details_ = nullptr;
  QLabel* error_ = nullptr;
  QChart* memory_chart_ = nullptr;
  QBarSet* weights_set_ = nullptr;
  QBarSet* kv_set_ = nullptr;
  QBarSet* compute_set_ = nullptr;
  QBarSet* overhead_set_ = nullptr;
  QLineSeries* capacity_line_ = nullptr;
  QLineSeries* usable_line_ = nullptr;
  QTableWidget* matrix_ = nullptr;
  TcoPanel* tco_ = nullptr;
  QTimer* debounce_ = nullptr;
};

}  // namespace enclave::ui
