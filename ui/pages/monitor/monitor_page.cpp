#include "pages/monitor/monitor_page.h"

#include <QChart>
#include <QChartView>
#include <QComboBox>
#include <QFile>
#include <QFileDialog>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineSeries>
#include <QMessageBox>
#include <QPushButton>
#include <QScrollArea>
#include <QTableWidget>
#include <QTimer>
#include <QVBoxLayout>
#include <QValueAxis>

#include <algorithm>
#include <cmath>
#include <functional>
#include <optional>

#include "format.h"
#include "hw/memory_model.h"
#include "hw/monitor_export.h"

namespace enclave::ui {
namespace {

using Extract = std::function<std::optional<double>(const hw::MonitorSample&, const hw::GpuReading*)>;

double Gib(uint64_t bytes) { return static_cast<double>(bytes) / static_cast<double>(hw::kGiB); }

// What each series plots, by name; `gpu` is the selected GPU's reading (nullptr without one).
Extract ExtractorFor(const QString& name) {
  using S = const hw::MonitorSample&;
  using G = const hw::GpuReading*;
  using R = std::optional<double>;
  if (name == QLatin1String("gpu_util")) return [](S, G g) -> R { return g ? g->util_gpu_pct : R(); };
  if (name == QLatin1String("mem_util")) return [](S, G g) -> R { return g ? g->util_mem_pct : R(); };
  if (name == QLatin1String("vram_used")) return [](S, G g) -> R { return g ? R(Gib(g->memory_used_bytes)) : R(); };
  if (name == QLatin1String("engine_vram")) return [](S s, G) -> R { return Gib(s.engine.vram_bytes); };
  if (name == QLatin1String("temperature")) return [](S, G g) -> R { return g ? g->temperature_c : R(); };
  if (name == QLatin1String("power")) return [](S, G g) -> R { return g ? g->power_w : R(); };
  if (name == QLatin1String("power_limit")) return [](S, G g) -> R { return g ? g->power_limit_w : R(); };
  if (name == QLatin1String("sm_clock"))
    return [](S, G g) -> R { return g && g->sm_clock_mhz ? R(*g->sm_clock_mhz) : R(); };
  if (name == QLatin1String("mem_clock"))
    return [](S, G g) -> R { return g && g->mem_clock_mhz ? R(*g->mem_clock_mhz) : R(); };
  if (name == QLatin1String("tokens_per_s")) return [](S s, G) -> R { return s.engine.tokens_per_s; };
  if (name == QLatin1String("cpu")) return [](S s, G) -> R { return s.host.cpu_util_pct; };
  if (name == QLatin1String("process_cpu"))
    return [](S s, G) -> R {
      if (!s.host.process_cpu_pct || s.host.cpu_count == 0) return R();
      return *s.host.process_cpu_pct / static_cast<double>(s.host.cpu_count);  // share of the machine
    };
  if (name == QLatin1String("ram_used"))
    return [](S s, G) -> R { return Gib(s.host.ram_total_bytes - std::min(s.host.ram_available_bytes, s.host.ram_total_bytes)); };
  if (name == QLatin1String("process_rss")) return [](S s, G) -> R { return Gib(s.host.process_rss_bytes); };
  return {};
}

const hw::GpuReading* ReadingOf(const hw::MonitorSample& sample, int gpu) {
  for (const hw::GpuReading& r : sample.gpus)
    if (static_cast<int>(r.index) == gpu) return &r;
  return nullptr;
}

QString OrNa(const std::optional<double>& value, int decimals, const QString& unit) {
  return value ? QString::number(*value, 'f', decimals) + unit : QStringLiteral("n/a");
}

}  // namespace

MonitorPage::MonitorPage(std::unique_ptr<hw::GpuMonitor> monitor, bool start_sampler, QWidget* parent)
    : QWidget(parent), monitor_(std::move(monitor)) {
  setObjectName(QStringLiteral("MonitorPage"));
  auto* title = new QLabel(tr("Monitor"), this);
  title->setObjectName(QStringLiteral("PageTitle"));

  gpu_selector_ = new QComboBox(this);
  gpu_selector_->setObjectName(QStringLiteral("GpuSelector"));
  for (const hw::GpuInfo& info : monitor_->devices())
    gpu_selector_->addItem(tr("GPU %1: %2").arg(info.index).arg(QString::fromStdString(info.name)), info.index);
  gpu_selector_->setEnabled(gpu_selector_->count() > 1);
  gpu_selector_->setVisible(gpu_selector_->count() > 0);
  window_ = new QComboBox(this);
  window_->setObjectName(QStringLiteral("TimeWindow"));
  window_->addItem(tr("Last minute"), 60);
  window_->addItem(tr("Last 5 minutes"), 300);
  window_->addItem(tr("Last 10 minutes"), 600);
  pause_ = new QPushButton(tr("Pause"), this);
  pause_->setCheckable(true);
  export_ = new QPushButton(tr("Export CSV..."), this);
  auto* header = new QHBoxLayout;
  header->addWidget(title);
  header->addStretch();
  header->addWidget(gpu_selector_);
  header->addWidget(window_);
  header->addWidget(pause_);
  header->addWidget(export_);

  banner_ = new QLabel(this);
  banner_->setObjectName(QStringLiteral("Notice"));
  banner_->hide();
  const hw::GpuState state = monitor_->gpu_state();
  const hw::DriverInfo driver = monitor_->driver();
  gpu_state_ = new QLabel(this);
  gpu_state_->setObjectName(state.available ? QStringLiteral("MutedLabel") : QStringLiteral("Notice"));
  gpu_state_->setWordWrap(true);
  if (state.available) {
    gpu_state_->setText(tr("%1. Driver %2, CUDA %3.")
                            .arg(QString::fromStdString(state.message), QString::fromStdString(driver.driver_version),
                                 QString::fromStdString(driver.cuda_version)));
  } else {
    gpu_state_->setText(tr("No NVIDIA GPU detected. CPU, memory and engine charts keep working. (%1)")
                            .arg(QString::fromStdString(state.message)));
  }
  current_ = new QLabel(this);
  current_->setObjectName(QStringLiteral("MutedLabel"));
  current_->setWordWrap(true);
  current_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  alerts_ = new QLabel(this);
  alerts_->setObjectName(QStringLiteral("ErrorBox"));
  alerts_->setWordWrap(true);
  alerts_->hide();

  // Charts: GPU first (hidden without one), then host and engine.
  charts_.push_back(addChart(tr("GPU utilisation"), tr("%"), {{QStringLiteral("gpu_util"), tr("GPU")}, {QStringLiteral("mem_util"), tr("Memory controller")}}, true));
  charts_.push_back(addChart(tr("VRAM"), tr("GiB"), {{QStringLiteral("vram_used"), tr("Used")}, {QStringLiteral("engine_vram"), tr("Held by the engine")}}, true));
  charts_.push_back(addChart(tr("Temperature"), tr("°C"), {{QStringLiteral("temperature"), tr("GPU")}}, true));
  charts_.push_back(addChart(tr("Power"), tr("W"), {{QStringLiteral("power"), tr("Draw")}, {QStringLiteral("power_limit"), tr("Limit")}}, true));
  charts_.push_back(addChart(tr("Clocks"), tr("MHz"), {{QStringLiteral("sm_clock"), tr("SM")}, {QStringLiteral("mem_clock"), tr("Memory")}}, true));
  charts_.push_back(addChart(tr("Engine"), tr("tok/s"), {{QStringLiteral("tokens_per_s"), tr("Tokens per second")}}, false));
  charts_.push_back(addChart(tr("CPU"), tr("%"), {{QStringLiteral("cpu"), tr("All cores")}, {QStringLiteral("process_cpu"), tr("Enclave")}}, false));
  charts_.push_back(addChart(tr("RAM"), tr("GiB"), {{QStringLiteral("ram_used"), tr("Used")}, {QStringLiteral("process_rss"), tr("Enclave")}}, false));

  auto* grid_widget = new QWidget(this);
  auto* grid = new QGridLayout(grid_widget);
  grid->setContentsMargins(0, 0, 0, 0);
  int slot = 0;
  for (const Chart& chart : charts_) {
    if (chart.gpu && !state.available) {
      chart.view->hide();
      continue;
    }
    grid->addWidget(chart.view, slot / 3, slot % 3);
    ++slot;
  }

  processes_ = new QTableWidget(0, 3, this);
  processes_->setObjectName(QStringLiteral("ProcessTable"));
  processes_->setHorizontalHeaderLabels({tr("PID"), tr("Process"), tr("Memory")});
  processes_->horizontalHeader()->setSectionResizeMode(1, QHeaderView::Stretch);
  processes_->verticalHeader()->hide();
  processes_->setEditTriggers(QAbstractItemView::NoEditTriggers);
  processes_->setSelectionMode(QAbstractItemView::NoSelection);
  processes_->setMaximumHeight(150);
  auto* processes_title = new QLabel(state.available ? tr("Processes on the selected GPU")
                                                     : tr("This process (host memory)"), this);

  auto* content = new QWidget(this);
  auto* content_layout = new QVBoxLayout(content);
  content_layout->setContentsMargins(0, 0, 0, 0);
  content_layout->addWidget(grid_widget, 1);
  content_layout->addWidget(processes_title);
  content_layout->addWidget(processes_);
  auto* scroll = new QScrollArea(this);
  scroll->setWidgetResizable(true);
  scroll->setFrameShape(QFrame::NoFrame);
  scroll->setWidget(content);

  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(20, 16, 20, 12);
  layout->addLayout(header);
  layout->addWidget(banner_);
  layout->addWidget(gpu_state_);
  layout->addWidget(alerts_);
  layout->addWidget(current_);
  layout->addWidget(scroll, 1);

  connect(gpu_selector_, &QComboBox::currentIndexChanged, this, [this] {
    refresh();
    refreshProcesses();
  });
  connect(window_, &QComboBox::currentIndexChanged, this, &MonitorPage::refresh);
  connect(pause_, &QPushButton::toggled, this, &MonitorPage::setPaused);
  connect(export_, &QPushButton::clicked, this, &MonitorPage::exportCsvInteractive);

  // The GUI thread polls the ring buffer; the sampler thread never touches a widget.
  poll_ = new QTimer(this);
  poll_->setInterval(static_cast<int>(std::clamp(500.0 / monitor_->rate_hz(), 100.0, 2000.0)));
  connect(poll_, &QTimer::timeout, this, &MonitorPage::refresh);
  process_poll_ = new QTimer(this);
  process_poll_->setInterval(3000);
  connect(process_poll_, &QTimer::timeout, this, &MonitorPage::refreshProcesses);
  if (start_sampler) {
    const Status started = monitor_->Start();
    if (!started.ok()) gpu_state_->setText(QString::fromStdString(started.message()));
    poll_->start();
    process_poll_->start();
  }
  refreshProcesses();
}

MonitorPage::~MonitorPage() { monitor_->Stop(); }

MonitorPage::Chart MonitorPage::addChart(const QString& title, const QString& unit,
                                         const std::vector<std::pair<QString, QString>>& series, bool gpu) {
  Chart chart;
  chart.gpu = gpu;
  chart.chart = new QChart;
  chart.chart->setTitle(title);
  chart.chart->setMargins(QMargins(2, 2, 2, 2));
  chart.chart->setBackgroundRoundness(0);
  chart.chart->legend()->setAlignment(Qt::AlignBottom);
  chart.chart->legend()->setVisible(series.size() > 1);
  auto* x = new QValueAxis;
  x->setLabelFormat(QStringLiteral("%.0f s"));
  x->setTickCount(5);
  auto* y = new QValueAxis;
  y->setTitleText(unit);
  y->setLabelFormat(QStringLiteral("%.0f"));
  y->setRange(0, 1);
  chart.chart->addAxis(x, Qt::AlignBottom);
  chart.chart->addAxis(y, Qt::AlignLeft);
  for (const auto& [name, label] : series) {
    auto* line = new QLineSeries;
    line->setName(label);
    line->setObjectName(name);
    chart.chart->addSeries(line);
    line->attachAxis(x);
    line->attachAxis(y);
    if (name == QLatin1String("power_limit") || name == QLatin1String("process_rss") ||
        name == QLatin1String("process_cpu") || name == QLatin1String("engine_vram") || name == QLatin1String("mem_util") ||
        name == QLatin1String("mem_clock")) {
      QPen pen = line->pen();
      pen.setStyle(Qt::DashLine);
      line->setPen(pen);
    }
    chart.series.push_back(line);
    named_series_.emplace_back(name, line);
  }
  auto* view = new QChartView(chart.chart, this);
  view->setRenderHint(QPainter::Antialiasing);
  view->setMinimumSize(260, 200);
  chart.view = view;
  return chart;
}

QLineSeries* MonitorPage::series(const QString& name) const {
  for (const auto& [series_name, series] : named_series_)
    if (series_name == name) return series;
  return nullptr;
}

int MonitorPage::selectedGpu() const { return gpu_selector_->count() ? gpu_selector_->currentData().toInt() : -1; }

void MonitorPage::setSelectedGpu(int index) {
  const int at = gpu_selector_->findData(index);
  if (at >= 0) gpu_selector_->setCurrentIndex(at);
}

int MonitorPage::windowSeconds() const { return window_->currentData().toInt(); }

void MonitorPage::setWindowSeconds(int seconds) {
  const int at = window_->findData(seconds);
  if (at >= 0) window_->setCurrentIndex(at);
}

void MonitorPage::setPaused(bool paused) {
  paused_ = paused;
  if (pause_->isChecked() != paused) pause_->setChecked(paused);
  pause_->setText(paused ? tr("Resume") : tr("Pause"));
  if (!paused) refresh();
}

void MonitorPage::setBanner(const QString& text) {
  banner_->setText(text);
  banner_->setVisible(!text.isEmpty());
}

void MonitorPage::refresh() {
  const std::optional<hw::MonitorSample> newest = monitor_->Latest();
  if (!newest) return;
  updateAlerts(*newest);  // alerts keep working while the charts are paused
  if (paused_) return;
  const int gpu = selectedGpu();
  const int window_s = windowSeconds();
  if (newest->t_s == last_drawn_t_ && gpu == last_drawn_gpu_ && window_s == last_drawn_window_) return;
  last_drawn_t_ = newest->t_s;
  last_drawn_gpu_ = gpu;
  last_drawn_window_ = window_s;

  const std::vector<hw::MonitorSample> samples = monitor_->Window(window_s);
  // Every k-th sample so a series holds at most kMaxPointsPerSeries points (the newest kept).
  const size_t stride = std::max<size_t>(1, (samples.size() + kMaxPointsPerSeries - 1) / kMaxPointsPerSeries);
  for (const Chart& chart : charts_) {
    if (!chart.view->isVisibleTo(this) && chart.gpu) continue;
    double top = 0.0;
    for (QLineSeries* line : chart.series) {
      const Extract extract = ExtractorFor(line->objectName());
      QList<QPointF> points;
      points.reserve(static_cast<qsizetype>(samples.size() / stride + 1));
      for (size_t i = (samples.size() - 1) % stride; i < samples.size(); i += stride) {
        const hw::MonitorSample& s = samples[i];
        const std::optional<double> value = extract(s, ReadingOf(s, gpu));
        if (!value) continue;
        points.append(QPointF(s.t_s - newest->t_s, *value));
        top = std::max(top, *value);
      }
      line->replace(points);
    }
    auto* x = chart.chart->axes(Qt::Horizontal).front();
    auto* y = chart.chart->axes(Qt::Vertical).front();
    x->setRange(-window_s, 0);
    const QString unit = static_cast<QValueAxis*>(y)->titleText();
    if (unit == tr("%")) {
      y->setRange(0, 100);
    } else if (chart.series.front()->objectName() == QLatin1String("vram_used") && ReadingOf(*newest, gpu)) {
      y->setRange(0, std::ceil(Gib(ReadingOf(*newest, gpu)->memory_total_bytes)));
    } else if (chart.series.front()->objectName() == QLatin1String("ram_used")) {
      y->setRange(0, std::ceil(Gib(newest->host.ram_total_bytes)));
    } else {
      y->setRange(0, top > 0 ? top * 1.1 : 10.0);
      static_cast<QValueAxis*>(y)->applyNiceNumbers();
    }
  }
  updateCurrentValues(*newest);
}

void MonitorPage::updateCurrentValues(const hw::MonitorSample& s) {
  QStringList parts;
  if (const hw::GpuReading* g = ReadingOf(s, selectedGpu())) {
    QString throttle = g->throttle_reasons ? QString::fromStdString(hw::ThrottleReasonsText(*g->throttle_reasons)) : QString();
    if (throttle.isEmpty()) throttle = tr("none");
    parts << tr("GPU %1%, VRAM %2 of %3, %4, %5 of %6, SM %7, fan %8, PCIe rx %9/s tx %10/s, clock limits: %11")
                 .arg(OrNa(g->util_gpu_pct, 0, QString()))
                 .arg(Format::bytes(static_cast<qint64>(g->memory_used_bytes)), Format::bytes(static_cast<qint64>(g->memory_total_bytes)))
                 .arg(OrNa(g->temperature_c, 0, QStringLiteral(" °C")), OrNa(g->power_w, 0, QStringLiteral(" W")),
                      OrNa(g->power_limit_w, 0, QStringLiteral(" W")),
                      g->sm_clock_mhz ? QStringLiteral("%1 MHz").arg(*g->sm_clock_mhz) : QStringLiteral("n/a"),
                      OrNa(g->fan_pct, 0, QStringLiteral("%")))
                 .arg(g->pcie_rx_bytes_s ? Format::bytes(static_cast<qint64>(*g->pcie_rx_bytes_s)) : QStringLiteral("n/a"),
                      g->pcie_tx_bytes_s ? Format::bytes(static_cast<qint64>(*g->pcie_tx_bytes_s)) : QStringLiteral("n/a"), throttle);
  }
  parts << tr("CPU %1, RAM %2 of %3, engine %4 at %5 tok/s")
               .arg(OrNa(s.host.cpu_util_pct, 0, QStringLiteral("%")),
                    Format::bytes(static_cast<qint64>(s.host.ram_total_bytes - std::min(s.host.ram_available_bytes, s.host.ram_total_bytes))),
                    Format::bytes(static_cast<qint64>(s.host.ram_total_bytes)), QString::fromUtf8(hw::EnginePhaseName(s.engine.phase)))
               .arg(s.engine.tokens_per_s, 0, 'f', 1);
  current_->setText(parts.join(QLatin1Char('\n')));
}

void MonitorPage::updateAlerts(const hw::MonitorSample& newest) {
  QStringList alerts;
  for (const hw::MonitorAlert& alert : hw::CheckAlerts(newest, thresholds_)) alerts << QString::fromStdString(alert.message);
  if (alerts == active_alerts_) return;
  active_alerts_ = alerts;
  alerts_->setText(tr("Alert: %1").arg(alerts.join(QStringLiteral("; "))));
  alerts_->setVisible(!alerts.isEmpty());
  emit alertsChanged(alerts);
}

void MonitorPage::refreshProcesses() {
  struct Row {
    qint64 pid;
    QString name;
    qint64 bytes;
    bool self;
  };
  std::vector<Row> rows;
  if (selectedGpu() >= 0) {
    auto processes = monitor_->Processes(static_cast<uint32_t>(selectedGpu()));
    if (processes.ok())
      for (const hw::GpuProcess& p : *processes)
        rows.push_back({p.pid, QString::fromStdString(p.name), static_cast<qint64>(p.used_bytes), p.is_self});
  } else if (const auto newest = monitor_->Latest()) {
    rows.push_back({QCoreApplication::applicationPid(), QCoreApplication::applicationName(),
                    static_cast<qint64>(newest->host.process_rss_bytes), true});
  }
  processes_->setRowCount(static_cast<int>(rows.size()));
  for (int i = 0; i < static_cast<int>(rows.size()); ++i) {
    const Row& row = rows[i];
    const QString name = row.self ? tr("%1 (this process)").arg(row.name) : row.name;
    const QStringList cells = {QString::number(row.pid), name, Format::bytes(row.bytes)};
    for (int c = 0; c < cells.size(); ++c) {
      auto* item = new QTableWidgetItem(cells[c]);
      if (row.self) {
        QFont font = item->font();
        font.setBold(true);
        item->setFont(font);
        item->setBackground(palette().color(QPalette::Highlight).lighter(170));
      }
      processes_->setItem(i, c, item);
    }
  }
}

Status MonitorPage::exportCsv(const QString& path) const {
  const std::string csv = hw::SamplesToCsv(monitor_->Window(windowSeconds()));
  QFile file(path);
  if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate))
    return IoError("cannot write " + path.toStdString() + ": " + file.errorString().toStdString());
  if (file.write(csv.data(), static_cast<qint64>(csv.size())) != static_cast<qint64>(csv.size()))
    return IoError("cannot write " + path.toStdString() + ": " + file.errorString().toStdString());
  return Status();
}

void MonitorPage::exportCsvInteractive() {
  const QString path = QFileDialog::getSaveFileName(this, tr("Export samples"), QStringLiteral("enclave-monitor.csv"),
                                                    tr("CSV files (*.csv)"));
  if (path.isEmpty()) return;
  const Status written = exportCsv(path);
  if (!written.ok()) QMessageBox::warning(this, tr("Export failed"), QString::fromStdString(written.message()));
}

}  // namespace enclave::ui
