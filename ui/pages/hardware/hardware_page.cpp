#include "pages/hardware/hardware_page.h"

#include <QBarCategoryAxis>
#include <QBarSet>
#include <QChart>
#include <QChartView>
#include <QComboBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLegendMarker>
#include <QLineSeries>
#include <QPushButton>
#include <QScrollArea>
#include <QSlider>
#include <QSpinBox>
#include <QSplitter>
#include <QStackedBarSeries>
#include <QTabWidget>
#include <QTableWidget>
#include <QTimer>
#include <QVBoxLayout>
#include <QValueAxis>

#include <algorithm>
#include <cmath>

#include "format.h"
#include "hw/fit_matrix.h"
#include "hw/quant_mix.h"
#include "pages/hardware/tco_panel.h"

namespace enclave::ui {
namespace {

constexpr int kFileEntry = -1;        // model_ item data of the "From a file..." entry
constexpr int kCpuOnly = -1;          // gpu_ item data of "CPU only"
constexpr int kMinContextLog2 = 9;    // 512 tokens
constexpr int kDebounceMs = 200;

double Gib(uint64_t bytes) { return static_cast<double>(bytes) / static_cast<double>(hw::kGiB); }

QString TokS(double tok_s) {
  if (tok_s <= 0) return QStringLiteral("n/a");
  return QString::number(tok_s, 'f', tok_s < 10 ? 1 : 0);
}

QChartView* MakeChartView(QChart* chart, QWidget* parent) {
  chart->setMargins(QMargins(4, 4, 4, 4));
  chart->setBackgroundRoundness(0);
  chart->legend()->setAlignment(Qt::AlignBottom);
  auto* view = new QChartView(chart, parent);
  view->setRenderHint(QPainter::Antialiasing);
  view->setMinimumHeight(240);
  return view;
}

}  // namespace

HardwarePage::HardwarePage(const std::vector<hw::GpuInfo>& detected, QWidget* parent)
    : QWidget(parent), catalog_(hw::GpuCatalog::BuiltIn()) {
  setObjectName(QStringLiteral("HardwarePage"));
  catalog_.AddDetected(detected);

  auto* title = new QLabel(tr("Hardware"), this);
  title->setObjectName(QStringLiteral("PageTitle"));
  auto* subtitle = new QLabel(tr("Will a model fit, how fast will it run, and what does it cost? "
                                 "Estimated from the model's shape before anything is downloaded."), this);
  subtitle->setObjectName(QStringLiteral("MutedLabel"));
  subtitle->setWordWrap(true);

  auto* tabs = new QTabWidget(this);
  // Estimate tab: form on the left, verdict and memory chart on the right.
  auto* estimate_tab = new QWidget(tabs);
  auto* estimate_row = new QHBoxLayout(estimate_tab);
  auto* form_scroll = new QScrollArea(estimate_tab);
  form_scroll->setWidgetResizable(true);
  form_scroll->setFrameShape(QFrame::NoFrame);
  form_scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
  form_scroll->setWidget(buildForm());
  form_scroll->setMinimumWidth(360);
  form_scroll->setMaximumWidth(440);
  auto* result_column = new QVBoxLayout;
  verdict_ = new QLabel(estimate_tab);
  verdict_->setObjectName(QStringLiteral("FitVerdict"));
  verdict_->setWordWrap(true);
  details_ = new QLabel(estimate_tab);
  details_->setWordWrap(true);
  details_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  error_ = new QLabel(estimate_tab);
  error_->setObjectName(QStringLiteral("ErrorBox"));
  error_->setWordWrap(true);
  error_->hide();
  result_column->addWidget(verdict_);
  result_column->addWidget(error_);
  result_column->addWidget(details_);
  result_column->addWidget(buildMemoryChart(), 1);
  estimate_row->addWidget(form_scroll);
  estimate_row->addLayout(result_column, 1);
  tabs->addTab(estimate_tab, tr("Estimate"));

  // Matrix tab: every preset at every quantisation on the selected hardware.
  auto* matrix_tab = new QWidget(tabs);
  auto* matrix_layout = new QVBoxLayout(matrix_tab);
  auto* matrix_note = new QLabel(tr("What runs on this hardware: every preset at every quantisation, at the "
                                    "context, parallel sequences, KV type and GPUs chosen on the Estimate tab. "
                                    "Cells show the decode speed per sequence."), matrix_tab);
  matrix_note->setObjectName(QStringLiteral("MutedLabel"));
  matrix_note->setWordWrap(true);
  const auto& quants = hw::DefaultMatrixQuants();
  matrix_ = new QTableWidget(static_cast<int>(hw::Presets().size()), static_cast<int>(quants.size()), matrix_tab);
  matrix_->setObjectName(QStringLiteral("FitMatrix"));
  matrix_->setEditTriggers(QAbstractItemView::NoEditTriggers);
  matrix_->setSelectionMode(QAbstractItemView::NoSelection);
  QStringList columns;
  for (hw::FileType q : quants) columns << QString::fromUtf8(hw::FileTypeName(q)).toUpper();
  matrix_->setHorizontalHeaderLabels(columns);
  QStringList rows;
  for (const auto& preset : hw::Presets()) rows << QString::fromStdString(preset.display_name);
  matrix_->setVerticalHeaderLabels(rows);
  matrix_->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
  matrix_layout->addWidget(matrix_note);
  matrix_layout->addWidget(matrix_, 1);
  tabs->addTab(matrix_tab, tr("What runs here"));

  tco_ = new TcoPanel(tabs);
  tabs->addTab(tco_, tr("Cost"));

  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(20, 16, 20, 12);
  layout->addWidget(title);
  layout->addWidget(subtitle);
  layout->addWidget(tabs, 1);

  debounce_ = new QTimer(this);
  debounce_->setSingleShot(true);
  debounce_->setInterval(kDebounceMs);
  connect(debounce_, &QTimer::timeout, this, &HardwarePage::recompute);

  updateContextRange();
  recompute();
}

QWidget* HardwarePage::buildForm() {
  auto* form_widget = new QWidget(this);
  auto* form = new QFormLayout(form_widget);
  form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);

  model_ = new QComboBox(form_widget);
  model_->setObjectName(QStringLiteral("ModelPreset"));
  for (int i = 0; i < static_cast<int>(hw::Presets().size()); ++i) {
    const auto& preset = hw::Presets()[i];
    model_->addItem(QString::fromStdString(preset.display_name), i);
  }
  model_->insertSeparator(model_->count());
  model_->addItem(tr("From a file..."), kFileEntry);
  browse_ = new QPushButton(tr("Browse..."), form_widget);
  browse_->setToolTip(tr("A GGUF file, a Hugging Face model folder or its config.json"));
  auto* model_row = new QHBoxLayout;
  model_row->addWidget(model_, 1);
  model_row->addWidget(browse_);
  form->addRow(tr("Model"), model_row);
  const int default_model = model_->findText(QStringLiteral("DeepSeek-R1-Distill-Qwen-7B"), Qt::MatchStartsWith);
  model_->setCurrentIndex(std::max(0, default_model));

  quant_ = new QComboBox(form_widget);
  quant_->setObjectName(QStringLiteral("Quantisation"));
  for (hw::FileType q : hw::AllFileTypes()) quant_->addItem(QString::fromUtf8(hw::FileTypeName(q)).toUpper(), static_cast<int>(q));
  quant_->setCurrentIndex(quant_->findData(static_cast<int>(hw::FileType::kQ4_K_M)));
  form->addRow(tr("Quantisation"), quant_);

  context_slider_ = new QSlider(Qt::Horizontal, form_widget);
  context_ = new QSpinBox(form_widget);
  context_->setObjectName(QStringLiteral("ContextLength"));
  context_->setRange(1, 100'000'000);
  context_->setValue(8192);
  context_->setSingleStep(1024);
  context_->setSuffix(tr(" tokens"));
  auto* context_row = new QHBoxLayout;
  context_row->addWidget(context_slider_, 1);
  context_row->addWidget(context_);
  form->addRow(tr("Context length"), context_row);

  parallel_ = new QSpinBox(form_widget);
  parallel_->setRange(1, 256);
  parallel_->setToolTip(tr("Sequences decoded together, each with its own context"));
  form->addRow(tr("Parallel sequences"), parallel_);

  kv_type_ = new QComboBox(form_widget);
  kv_type_->addItem(QStringLiteral("F16"), static_cast<int>(hw::KvType::kF16));
  kv_type_->addItem(QStringLiteral("Q8_0"), static_cast<int>(hw::KvType::kQ8_0));
  kv_type_->addItem(QStringLiteral("F32"), static_cast<int>(hw::KvType::kF32));
  form->addRow(tr("KV cache type"), kv_type_);

  gpu_ = new QComboBox(form_widget);
  gpu_->setObjectName(QStringLiteral("GpuModel"));
  gpu_->addItem(tr("CPU only (host RAM)"), kCpuOnly);
  int first_detected = -1;
  for (int i = 0; i < static_cast<int>(catalog_.gpus().size()); ++i) {
    const hw::GpuSpec& gpu = catalog_.gpus()[i];
    QString label = tr("%1 (%2)").arg(QString::fromStdString(gpu.name), Format::bytes(static_cast<qint64>(gpu.vram_bytes)));
    if (gpu.detected) label = tr("%1, this machine").arg(label);
    if (!gpu.supported) label = tr("%1, reference only").arg(label);
    gpu_->addItem(label, i);
    if (gpu.detected && first_detected < 0) first_detected = gpu_->count() - 1;
  }
  int initial_gpu = first_detected;
  if (initial_gpu < 0) initial_gpu = gpu_->findText(QStringLiteral("RTX 4090"), Qt::MatchStartsWith);
  gpu_->setCurrentIndex(std::max(0, initial_gpu));
  form->addRow(tr("GPU"), gpu_);

  n_gpus_ = new QSpinBox(form_widget);
  n_gpus_->setObjectName(QStringLiteral("GpuCount"));
  n_gpus_->setRange(1, 16);
  form->addRow(tr("Number of GPUs"), n_gpus_);

  gpu_layers_ = new QSpinBox(form_widget);
  gpu_layers_->setRange(-1, 1000);
  gpu_layers_->setValue(-1);
  gpu_layers_->setSpecialValueText(tr("All"));
  gpu_layers_->setToolTip(tr("Repeating layers offloaded to the GPU(s); the rest run on the CPU"));
  form->addRow(tr("GPU layers"), gpu_layers_);

  connect(model_, &QComboBox::currentIndexChanged, this, [this] {
    if (model_->currentData().toInt() == kFileEntry && model_path_.isEmpty()) {
      browseModel();
      return;
    }
    updateContextRange();
    scheduleUpdate();
  });
  connect(browse_, &QPushButton::clicked, this, &HardwarePage::browseModel);
  connect(quant_, &QComboBox::currentIndexChanged, this, &HardwarePage::scheduleUpdate);
  connect(context_slider_, &QSlider::valueChanged, this, [this](int log2) {
    const int value = 1 << log2;
    if (static_cast<int>(std::round(std::log2(std::max(1, context_->value())))) != log2) context_->setValue(value);
  });
  connect(context_, &QSpinBox::valueChanged, this, [this](int value) {
    const QSignalBlocker block(context_slider_);
    context_slider_->setValue(static_cast<int>(std::round(std::log2(std::max(1, value)))));
    scheduleUpdate();
  });
  connect(parallel_, &QSpinBox::valueChanged, this, &HardwarePage::scheduleUpdate);
  connect(kv_type_, &QComboBox::currentIndexChanged, this, &HardwarePage::scheduleUpdate);
  connect(gpu_, &QComboBox::currentIndexChanged, this, [this] {
    n_gpus_->setEnabled(gpu_->currentData().toInt() != kCpuOnly);
    gpu_layers_->setEnabled(gpu_->currentData().toInt() != kCpuOnly);
    scheduleUpdate();
  });
  connect(n_gpus_, &QSpinBox::valueChanged, this, &HardwarePage::scheduleUpdate);
  connect(gpu_layers_, &QSpinBox::valueChanged, this, &HardwarePage::scheduleUpdate);
  return form_widget;
}

QWidget* HardwarePage::buildMemoryChart() {
  weights_set_ = new QBarSet(tr("Weights"));
  kv_set_ = new QBarSet(tr("KV cache"));
  compute_set_ = new QBarSet(tr("Compute"));
  overhead_set_ = new QBarSet(tr("Overhead"));
  auto* bars = new QStackedBarSeries;
  bars->append({weights_set_, kv_set_, compute_set_, overhead_set_});
  bars->setBarWidth(0.5);
  capacity_line_ = new QLineSeries;
  capacity_line_->setName(tr("Memory"));
  capacity_line_->setPen(QPen(QColor(220, 38, 38), 2));
  usable_line_ = new QLineSeries;
  usable_line_->setName(tr("Usable"));
  usable_line_->setPen(QPen(QColor(220, 38, 38), 1.5, Qt::DashLine));

  memory_chart_ = new QChart;
  memory_chart_->setTitle(tr("Memory per device"));
  memory_chart_->addSeries(bars);
  memory_chart_->addSeries(capacity_line_);
  memory_chart_->addSeries(usable_line_);
  auto* x = new QBarCategoryAxis;
  auto* y = new QValueAxis;
  y->setTitleText(tr("GiB"));
  y->setLabelFormat(QStringLiteral("%.0f"));
  memory_chart_->addAxis(x, Qt::AlignBottom);
  memory_chart_->addAxis(y, Qt::AlignLeft);
  // The VRAM lines span the bars on their own x axis (category i sits at x = i).
  auto* line_x = new QValueAxis;
  line_x->setVisible(false);
  memory_chart_->addAxis(line_x, Qt::AlignTop);
  bars->attachAxis(x);
  bars->attachAxis(y);
  for (QLineSeries* line : {capacity_line_, usable_line_}) {
    line->attachAxis(line_x);
    line->attachAxis(y);
  }
  return MakeChartView(memory_chart_, this);
}

void HardwarePage::browseModel() {
  const QString path = QFileDialog::getOpenFileName(this, tr("Choose a model"), QString(),
                                                    tr("GGUF or config.json (*.gguf config.json);;All files (*)"));
  if (path.isEmpty()) {
    if (model_path_.isEmpty() && model_->currentData().toInt() == kFileEntry) model_->setCurrentIndex(0);
    return;
  }
  setModelPath(path);
}

void HardwarePage::setModelPath(const QString& path) {
  model_path_ = path;
  const int file_index = model_->findData(kFileEntry);
  model_->setItemText(file_index, tr("File: %1").arg(QFileInfo(path).fileName()));
  model_->setItemData(file_index, path, Qt::ToolTipRole);
  const QSignalBlocker block(model_);
  model_->setCurrentIndex(file_index);
  updateContextRange();
  scheduleUpdate();
}

void HardwarePage::scheduleUpdate() { debounce_->start(); }

Expected<hw::EstimateModel> HardwarePage::selectedModel() const {
  const std::string quant(hw::FileTypeName(static_cast<hw::FileType>(quant_->currentData().toInt())));
  const int entry = model_->currentData().toInt();
  if (entry != kFileEntry) return hw::ModelFromPreset(hw::Presets()[entry].name, quant);
  if (model_path_.isEmpty()) return InvalidArgument(tr("Choose a GGUF file or a Hugging Face model folder.").toStdString());
  const QFileInfo info(model_path_);
  if (info.isFile() && info.suffix().compare(QStringLiteral("gguf"), Qt::CaseInsensitive) == 0)
    return hw::ModelFromGguf(model_path_.toStdString());
  return hw::ModelFromHfConfig(model_path_.toStdString(), quant);
}

std::optional<hw::GpuSpec> HardwarePage::selectedGpu() const {
  const int index = gpu_->currentData().toInt();
  if (index == kCpuOnly) return std::nullopt;
  return catalog_.gpus()[index];
}

hw::EstimateOptions HardwarePage::currentOptions() const {
  hw::EstimateOptions options;
  options.ctx = context_->value();
  options.parallel = parallel_->value();
  options.kv_type = static_cast<hw::KvType>(kv_type_->currentData().toInt());
  options.gpu = selectedGpu();
  options.n_gpus = options.gpu ? n_gpus_->value() : 1;
  options.gpu_layers = options.gpu ? gpu_layers_->value() : 0;
  return options;
}

void HardwarePage::updateContextRange() {
  auto model = selectedModel();
  const bool from_file = model_->currentData().toInt() == kFileEntry;
  // A GGUF file carries its own tensor types.
  quant_->setEnabled(!(from_file && QFileInfo(model_path_).suffix().compare(QStringLiteral("gguf"), Qt::CaseInsensitive) == 0));
  int max_log2 = 20;
  if (model.ok()) {
    const int64_t longest = std::max<int64_t>(model->shape.extendable_context, model->shape.max_context);
    max_log2 = std::max(kMinContextLog2, static_cast<int>(std::floor(std::log2(static_cast<double>(std::max<int64_t>(longest, 512))))));
    context_slider_->setToolTip(tr("Trained maximum: %1 tokens").arg(model->shape.max_context));
  }
  const QSignalBlocker block(context_slider_);
  context_slider_->setRange(kMinContextLog2, max_log2);
  context_slider_->setValue(static_cast<int>(std::round(std::log2(std::max(1, context_->value())))));
}

void HardwarePage::recompute() {
  debounce_->stop();
  auto model = selectedModel();
  if (!model.ok()) {
    showError(QString::fromStdString(model.status().message()));
    return;
  }
  const hw::EstimateOptions options = currentOptions();
  auto estimate = hw::EstimateMemory(*model, options);
  if (!estimate.ok()) {
    showError(QString::fromStdString(estimate.status().message()));
    return;
  }
  estimate_ = *estimate;
  error_->hide();
  showEstimate(*estimate_);
  showMatrix();
  const auto gpu = options.gpu;
  if (gpu) {
    // The GPUs plus a workstation around them; power adds 150 W for the rest of the system.
    tco_->suggestHardware(gpu->price_usd * static_cast<double>(options.n_gpus) + 2500.0,
                          gpu->tdp_w * static_cast<double>(options.n_gpus) + 150.0);
  } else {
    tco_->suggestHardware(2500.0, 250.0);
  }
  tco_->setDecodeSpeed(estimate_->decode_tok_s * static_cast<double>(options.parallel));
}

void HardwarePage::showError(const QString& message) {
  estimate_.reset();
  error_->setText(message);
  error_->show();
  verdict_->setText(tr("No estimate"));
  verdict_->setStyleSheet(QString());
  details_->clear();
  for (QBarSet* set : {weights_set_, kv_set_, compute_set_, overhead_set_}) set->remove(0, set->count());
  capacity_line_->clear();
  usable_line_->clear();
}

void HardwarePage::showEstimate(const hw::Estimate& e) {
  if (e.fits) {
    verdict_->setText(tr("Fits. Largest context that fits: %1 tokens.").arg(e.max_ctx));
    verdict_->setStyleSheet(QStringLiteral("font-size: 15px; font-weight: 600; color: #15803d;"));
  } else {
    verdict_->setText(tr("Does not fit: %1").arg(QString::fromStdString(e.limiting)));
    verdict_->setStyleSheet(QStringLiteral("font-size: 15px; font-weight: 600; color: #dc2626;"));
  }
  QStringList lines;
  lines << tr("Weights %1 (%2 parameters, %3 bits per weight), KV cache %4.")
               .arg(Format::bytes(static_cast<qint64>(e.weights_bytes)), Format::parameters(e.params))
               .arg(e.bits_per_weight, 0, 'f', 2)
               .arg(Format::bytes(static_cast<qint64>(e.kv_bytes)));
  lines << tr("Decode: %1 tok/s per sequence (%2 tok/s with the context full). Prefill: %3 tok/s.")
               .arg(TokS(e.decode_tok_s), TokS(e.decode_tok_s_full_ctx), TokS(e.prefill_tok_s));
  if (!e.per_gpu.empty())
    lines << tr("Per GPU: %1 of %2 usable. Host RAM: %3 of %4.")
                 .arg(Format::bytes(static_cast<qint64>(e.max_gpu_bytes())), Format::bytes(static_cast<qint64>(e.gpu_usable_bytes)),
                      Format::bytes(static_cast<qint64>(e.host.total())), Format::bytes(static_cast<qint64>(e.host_capacity_bytes)));
  else
    lines << tr("Host RAM: %1 of %2.").arg(Format::bytes(static_cast<qint64>(e.host.total())),
                                           Format::bytes(static_cast<qint64>(e.host_capacity_bytes)));
  for (const std::string& warning : e.warnings) lines << tr("Warning: %1").arg(QString::fromStdString(warning));
  details_->setText(lines.join(QLatin1Char('\n')));

  // One bar per GPU, or the host when nothing is on a GPU.
  std::vector<hw::MemoryBreakdown> devices = e.per_gpu;
  QStringList categories;
  for (size_t i = 0; i < devices.size(); ++i) categories << tr("GPU %1").arg(i);
  uint64_t capacity = e.gpu_capacity_bytes;
  uint64_t usable = e.gpu_usable_bytes;
  if (devices.empty()) {
    devices.push_back(e.host);
    categories << tr("Host RAM");
    capacity = e.host_capacity_bytes;
    usable = static_cast<uint64_t>(static_cast<double>(capacity) * (1.0 - hw::DefaultMemoryModel().host_headroom_fraction));
  }
  for (QBarSet* set : {weights_set_, kv_set_, compute_set_, overhead_set_}) set->remove(0, set->count());
  double top = Gib(capacity);
  for (const hw::MemoryBreakdown& d : devices) {
    weights_set_->append(Gib(d.weights_bytes));
    kv_set_->append(Gib(d.kv_bytes));
    compute_set_->append(Gib(d.compute_bytes));
    overhead_set_->append(Gib(d.overhead_bytes));
    top = std::max(top, Gib(d.total()));
  }
  const auto axes_x = memory_chart_->axes(Qt::Horizontal);
  for (QAbstractAxis* axis : axes_x) {
    if (auto* categories_axis = qobject_cast<QBarCategoryAxis*>(axis)) {
      categories_axis->clear();
      categories_axis->append(categories);
    } else {
      axis->setRange(-0.5, static_cast<double>(devices.size()) - 0.5);
    }
  }
  auto* y_axis = static_cast<QValueAxis*>(memory_chart_->axes(Qt::Vertical).front());
  y_axis->setRange(0.0, top * 1.1);
  y_axis->applyNiceNumbers();
  const double right = static_cast<double>(devices.size()) - 0.5;
  capacity_line_->replace(QList<QPointF>{{-0.5, Gib(capacity)}, {right, Gib(capacity)}});
  capacity_line_->setName(devices.size() == e.per_gpu.size() && !e.per_gpu.empty()
                              ? tr("VRAM %1").arg(Format::bytes(static_cast<qint64>(capacity)))
                              : tr("RAM %1").arg(Format::bytes(static_cast<qint64>(capacity))));
  usable_line_->replace(QList<QPointF>{{-0.5, Gib(usable)}, {right, Gib(usable)}});
}

void HardwarePage::showMatrix() {
  std::vector<std::string> names;
  for (const auto& preset : hw::Presets()) names.push_back(preset.name);
  const auto& quants = hw::DefaultMatrixQuants();
  const std::vector<hw::FitCell> cells = hw::FitMatrix(currentOptions(), names, quants);
  for (const hw::FitCell& cell : cells) {
    const int row = static_cast<int>(std::find(names.begin(), names.end(), cell.preset) - names.begin());
    const int column = static_cast<int>(std::find(quants.begin(), quants.end(), cell.quant) - quants.begin());
    auto* item = new QTableWidgetItem;
    item->setTextAlignment(Qt::AlignCenter);
    if (!cell.error.empty()) {
      item->setText(tr("n/a"));
      item->setToolTip(QString::fromStdString(cell.error));
      item->setForeground(QColor(120, 120, 120));
    } else if (cell.fits) {
      item->setText(tr("%1 tok/s").arg(TokS(cell.decode_tok_s)));
      item->setToolTip(tr("Fits: %1, up to %2 tokens of context")
                           .arg(Format::bytes(static_cast<qint64>(cell.total_bytes))).arg(cell.max_ctx));
      item->setBackground(QColor(34, 197, 94, 60));
    } else {
      item->setText(tr("does not fit"));
      item->setToolTip(tr("Needs %1").arg(Format::bytes(static_cast<qint64>(cell.total_bytes))));
      item->setBackground(QColor(220, 38, 38, 45));
    }
    matrix_->setItem(row, column, item);
  }
}

}  // namespace enclave::ui
