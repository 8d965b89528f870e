#include "pages/hardware/tco_panel.h"

#include <QChart>
#include <QChartView>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineSeries>
#include <QScatterSeries>
#include <QSpinBox>
#include <QTimer>
#include <QVBoxLayout>
#include <QValueAxis>

#include <algorithm>
#include <cmath>

namespace enclave::ui {
namespace {

QString Usd(double value) {
  return QLocale().toString(std::round(value), 'f', 0).prepend(QLatin1Char('$'));
}

}  // namespace

TcoPanel::TcoPanel(QWidget* parent) : QWidget(parent) {
  setObjectName(QStringLiteral("TcoPanel"));
  const hw::LocalCostInputs local_defaults;
  const hw::CloudCostInputs cloud_defaults;

  auto* local_box = new QGroupBox(tr("Local hardware"), this);
  auto* local_form = new QFormLayout(local_box);
  hardware_usd_ = money(4500, 10'000'000, QString(), 0);
  hardware_usd_->setPrefix(QStringLiteral("$"));
  power_w_ = money(600, 100'000, tr(" W"), 0);
  kwh_price_ = money(local_defaults.electricity_usd_per_kwh, 10, QString(), 3);
  kwh_price_->setPrefix(QStringLiteral("$"));
  utilisation_ = money(local_defaults.utilisation * 100.0, 100, tr(" %"), 0);
  maintenance_ = money(local_defaults.maintenance_pct_per_year, 100, tr(" % per year"), 1);
  local_form->addRow(tr("Purchase price"), hardware_usd_);
  local_form->addRow(tr("Power under load"), power_w_);
  local_form->addRow(tr("Electricity per kWh"), kwh_price_);
  local_form->addRow(tr("Utilisation"), utilisation_);
  local_form->addRow(tr("Maintenance"), maintenance_);

  auto* cloud_box = new QGroupBox(tr("Cloud API"), this);
  auto* cloud_form = new QFormLayout(cloud_box);
  cloud_input_ = money(cloud_defaults.usd_per_m_input, 1000, QString(), 2);
  cloud_input_->setPrefix(QStringLiteral("$"));
  cloud_output_ = money(cloud_defaults.usd_per_m_output, 1000, QString(), 2);
  cloud_output_->setPrefix(QStringLiteral("$"));
  daily_input_m_ = money(20, 1'000'000, tr(" M"), 1);
  daily_output_m_ = money(5, 1'000'000, tr(" M"), 1);
  years_ = new QSpinBox(this);
  years_->setRange(1, 50);
  years_->setValue(5);
  years_->setSuffix(tr(" years"));
  cloud_form->addRow(tr("Per million input tokens"), cloud_input_);
  cloud_form->addRow(tr("Per million output tokens"), cloud_output_);
  cloud_form->addRow(tr("Input tokens per day"), daily_input_m_);
  cloud_form->addRow(tr("Output tokens per day"), daily_output_m_);
  cloud_form->addRow(tr("Period"), years_);

  break_even_ = new QLabel(this);
  break_even_->setObjectName(QStringLiteral("BreakEven"));
  break_even_->setWordWrap(true);
  break_even_->setStyleSheet(QStringLiteral("font-size: 14px; font-weight: 600;"));
  error_ = new QLabel(this);
  error_->setObjectName(QStringLiteral("ErrorBox"));
  error_->setWordWrap(true);
  error_->hide();

  local_series_ = new QLineSeries;
  local_series_->setName(tr("Local (cumulative)"));
  cloud_series_ = new QLineSeries;
  cloud_series_->setName(tr("Cloud API (cumulative)"));
  break_even_point_ = new QScatterSeries;
  break_even_point_->setName(tr("Break-even"));
  break_even_point_->setMarkerSize(12);
  break_even_point_->setColor(QColor(220, 38, 38));
  chart_ = new QChart;
  chart_->setTitle(tr("Total cost of ownership"));
  chart_->addSeries(local_series_);
  chart_->addSeries(cloud_series_);
  chart_->addSeries(break_even_point_);
  auto* x = new QValueAxis;
  x->setTitleText(tr("Years"));
  x->setLabelFormat(QStringLiteral("%.0f"));
  auto* y = new QValueAxis;
  y->setTitleText(tr("USD"));
  y->setLabelFormat(QStringLiteral("%.0f"));
  chart_->addAxis(x, Qt::AlignBottom);
  chart_->addAxis(y, Qt::AlignLeft);
  for (QXYSeries* series : std::initializer_list<QXYSeries*>{local_series_, cloud_series_, break_even_point_}) {
    series->attachAxis(x);
    series->attachAxis(y);
  }
  chart_->setMargins(QMargins(4, 4, 4, 4));
  chart_->legend()->setAlignment(Qt::AlignBottom);
  auto* view = new QChartView(chart_, this);
  view->setRenderHint(QPainter::Antialiasing);
  view->setMinimumHeight(260);

  auto* inputs = new QVBoxLayout;
  inputs->addWidget(local_box);
  inputs->addWidget(cloud_box);
  inputs->addStretch();
  auto* results = new QVBoxLayout;
  results->addWidget(break_even_);
  results->addWidget(error_);
  results->addWidget(view, 1);
  auto* row = new QHBoxLayout(this);
  row->addLayout(inputs);
  row->addLayout(results, 1);

  debounce_ = new QTimer(this);
  debounce_->setSingleShot(true);
  debounce_->setInterval(200);
  connect(debounce_, &QTimer::timeout, this, &TcoPanel::recompute);
  for (QDoubleSpinBox* box : {hardware_usd_, power_w_, kwh_price_, utilisation_, maintenance_, cloud_input_, cloud_output_,
                              daily_input_m_, daily_output_m_})
    connect(box, &QDoubleSpinBox::valueChanged, debounce_, qOverload<>(&QTimer::start));
  connect(years_, &QSpinBox::valueChanged, debounce_, qOverload<>(&QTimer::start));
  recompute();
}

QDoubleSpinBox* TcoPanel::money(double value, double max, const QString& suffix, int decimals) {
  auto* box = new QDoubleSpinBox(this);
  box->setDecimals(decimals);
  box->setRange(0.0, max);
  box->setValue(value);
  box->setSuffix(suffix);
  box->setGroupSeparatorShown(true);
  return box;
}

void TcoPanel::suggestHardware(double price_usd, double power_w) {
  const QSignalBlocker block_price(hardware_usd_);
  const QSignalBlocker block_power(power_w_);
  hardware_usd_->setValue(price_usd);
  power_w_->setValue(power_w);
  debounce_->start();
}

void TcoPanel::setDecodeSpeed(double tok_s) {
  decode_tok_s_ = tok_s;
  debounce_->start();
}

void TcoPanel::recompute() {
  debounce_->stop();
  hw::LocalCostInputs local;
  local.hardware_usd = hardware_usd_->value();
  local.power_w = power_w_->value();
  local.idle_power_w = power_w_->value() * 0.2;  // GPUs idle at a fifth of their load draw
  local.utilisation = utilisation_->value() / 100.0;
  local.electricity_usd_per_kwh = kwh_price_->value();
  local.maintenance_pct_per_year = maintenance_->value();
  hw::CloudCostInputs cloud;
  cloud.usd_per_m_input = cloud_input_->value();
  cloud.usd_per_m_output = cloud_output_->value();
  cloud.input_tokens_per_day = daily_input_m_->value() * 1e6;
  cloud.output_tokens_per_day = daily_output_m_->value() * 1e6;
  auto tco = hw::ComputeTco(local, cloud, years_->value());
  if (!tco.ok()) {
    result_.reset();
    error_->setText(QString::fromStdString(tco.status().message()));
    error_->show();
    break_even_->clear();
    return;
  }
  error_->hide();
  result_ = *tco;
  QList<QPointF> local_points;
  QList<QPointF> cloud_points;
  double top = 1.0;
  for (const hw::TcoPoint& p : result_->points) {
    local_points << QPointF(p.years, p.local_usd);
    cloud_points << QPointF(p.years, p.cloud_usd);
    top = std::max({top, p.local_usd, p.cloud_usd});
  }
  local_series_->replace(local_points);
  cloud_series_->replace(cloud_points);
  auto* x_axis = static_cast<QValueAxis*>(chart_->axes(Qt::Horizontal).front());
  x_axis->setRange(0.0, years_->value());
  x_axis->setTickCount(years_->value() <= 10 ? years_->value() + 1 : 6);
  auto* y_axis = static_cast<QValueAxis*>(chart_->axes(Qt::Vertical).front());
  y_axis->setRange(0.0, top * 1.05);
  y_axis->applyNiceNumbers();

  QString text;
  const auto& be = result_->break_even_years;
  if (be && *be <= years_->value()) {
    const double cost = local.hardware_usd + result_->local_usd_per_year * *be;
    break_even_point_->replace(QList<QPointF>{{*be, cost}});
    text = tr("Break-even after %1 years (%2 months): local %3 vs cloud %4 over %5 years.")
               .arg(*be, 0, 'f', 1).arg(static_cast<int>(std::ceil(*be * 12.0)))
               .arg(Usd(result_->local_total_usd), Usd(result_->cloud_total_usd)).arg(years_->value());
  } else {
    break_even_point_->clear();
    text = be ? tr("Break-even after %1 years, beyond the %2 shown: the cloud is cheaper over this period.")
                    .arg(*be, 0, 'f', 1).arg(years_->value())
              : tr("No break-even: the cloud API stays cheaper than running this hardware.");
  }
  text += QLatin1Char('\n') + tr("Running cost %1 per year (energy %2), cloud %3 per year.")
                                  .arg(Usd(result_->local_usd_per_year), Usd(result_->energy_usd_per_year),
                                       Usd(result_->cloud_usd_per_year));
  if (decode_tok_s_ > 0) {
    const double needed = hw::RequiredUtilisation(cloud.output_tokens_per_day, decode_tok_s_);
    text += QLatin1Char('\n') + (needed > 1.0 ? tr("One machine cannot produce that many output tokens a day at %1 tok/s "
                                                   "(it would need %2% of the day).")
                                              : tr("At %1 tok/s the hardware needs %2% of the day for the output tokens."))
                                     .arg(decode_tok_s_, 0, 'f', 0).arg(needed * 100.0, 0, 'f', 0);
  }
  break_even_->setText(text);
}

}  // namespace enclave::ui
