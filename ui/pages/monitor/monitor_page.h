// The Monitor page: live charts of the GPUs (utilisation, VRAM, temperature, power, clocks),
// the host (CPU, RAM) and the engine (tokens/s) on one timeline, from hw::GpuMonitor.
//
// The sampler runs on its own thread and writes the monitor's ring buffer; this page polls it
// on the GUI thread and REPLACES each series' points with the current window (never appends),
// so a series never holds more than kMaxPointsPerSeries points however long the app runs.
// Without an NVIDIA GPU the GPU charts give way to one "No NVIDIA GPU detected" banner while
// the CPU, RAM and engine charts keep working.
#pragma once

#include <QStringList>
#include <QWidget>

#include <memory>
#include <vector>

#include "core/status.h"
#include "hw/gpu_monitor.h"
#include "hw/monitor_alerts.h"

class QChart;
class QComboBox;
class QLabel;
class QLineSeries;
class QPushButton;
class QTableWidget;
class QTimer;

namespace enclave::ui {

class MonitorPage : public QWidget {
  Q_OBJECT

 public:
  static constexpr int kMaxPointsPerSeries = 600;

  // Takes the monitor; starts its sampler when `start_sampler` (tests sample by hand).
  explicit MonitorPage(std::unique_ptr<hw::GpuMonitor> monitor, bool start_sampler = true, QWidget* parent = nullptr);
  ~MonitorPage() override;

  hw::GpuMonitor* monitor() const { return monitor_.get(); }
  // Redraws from the ring buffer now (the poll timer calls it; tests too). No-op while paused.
  void refresh();
  // Re-reads the per-process memory table of the selected GPU.
  void refreshProcesses();
  // Writes the samples of the current time window as CSV.
  Status exportCsv(const QString& path) const;

  void setThresholds(const hw::AlertThresholds& thresholds) { thresholds_ = thresholds; }
  void setPaused(bool paused);
  bool paused() const { return paused_; }
  void setSelectedGpu(int index);
  int selectedGpu() const;
  void setWindowSeconds(int seconds);  // 60, 300 or 600
  int windowSeconds() const;
  // A banner over the charts (e.g. "Demo data from a simulated GPU").
  void setBanner(const QString& text);

  // Chart series by name ("gpu_util", "vram_used", "temperature", "power", "sm_clock",
  // "tokens_per_s", "cpu", "ram_used", ...) for tests; nullptr for an unknown name.
  QLineSeries* series(const QString& name) const;
  QStringList activeAlerts() const { return active_alerts_; }
  QLabel* gpuStateLabel() const { return gpu_state_; }
  QTableWidget* processTable() const { return processes_; }
  QComboBox* gpuSelector() const { return gpu_selector_; }

 signals:
  // The alerts changed (empty when all cleared). The main window shows them in its status bar.
  void alertsChanged(const QStringList& alerts);

 private:
  struct Chart {
    QChart* chart = nullptr;
    QWidget* view = nullptr;
    std::vector<QLineSeries*> series;
    bool gpu = false;  // hidden without a GPU
  };
  Chart addChart(const QString& title, const QString& unit, const std::vector<std::pair<QString, QString>>& series,
                 bool gpu);
  void exportCsvInteractive();
  void updateAlerts(const hw::MonitorSample& newest);
  void updateCurrentValues(const hw::MonitorSample& newest);

  std::unique_ptr<hw::GpuMonitor> monitor_;
  hw::AlertThresholds thresholds_;
  bool paused_ = false;
  double last_drawn_t_ = -1.0;
  int last_drawn_gpu_ = -1;
  int last_drawn_window_ = -1;
  QStringList active_alerts_;

  QComboBox* gpu_selector_ = nullptr;
  QComboBox* window_ = nullptr;
  QPushButton* pause_ = nullptr;
  QPushButton* export_ = nullptr;
  QLabel* banner_ = nullptr;
  QLabel* gpu_state_ = nullptr;
  QLabel* current_ = nullptr;
  QLabel* alerts_ = nullptr;
  QTableWidget* processes_ = nullptr;
  std::vector<Chart> charts_;
  std::vector<std::pair<QString, QLineSeries*>> named_series_;
  QTimer* poll_ = nullptr;
  QTimer* process_poll_ = nullptr;
};

}  // namespace enclave::ui
