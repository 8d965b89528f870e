// Total cost of ownership: energy, maintenance, cloud token bills, break-even.
#include <QtTest/QtTest>

#include "hw/cost_model.h"

using namespace enclave;
using namespace enclave::hw;

class TestCostModel : public QObject {
  Q_OBJECT

 private slots:
  void EnergyPerYear() {
    LocalCostInputs l;
    l.power_w = 1000;
    l.idle_power_w = 100;
    l.utilisation = 0.5;
    l.electricity_usd_per_kwh = 0.2;
    // (1000 * 0.5 + 100 * 0.5) W = 550 W average -> 4818 kWh/year -> 963.6 USD
    QVERIFY(std::abs(EnergyUsdPerYear(l) - 550.0 * 8760 / 1000 * 0.2) < 1e-9);
  }

  void CloudPerYear() {
    CloudCostInputs c;
    c.usd_per_m_input = 0.5;
    c.usd_per_m_output = 2.0;
    c.input_tokens_per_day = 10e6;
    c.output_tokens_per_day = 2e6;
    QVERIFY(std::abs(CloudUsdPerYear(c) - (5.0 + 4.0) * 365) < 1e-9);
  }

  void BreakEvenWhereCurvesCross() {
    LocalCostInputs l;
    l.hardware_usd = 10000;
    l.power_w = 500;
    l.idle_power_w = 0;
    l.utilisation = 1.0;
    l.electricity_usd_per_kwh = 0.1;      // 438 USD/year
    l.maintenance_pct_per_year = 10.0;    // 1000 USD/year
    CloudCostInputs c;
    c.usd_per_m_output = 10.0;
    c.output_tokens_per_day = 2e6;        // 7300 USD/year
    auto r = ComputeTco(l, c, 5);
    QVERIFY(r.ok());
    QCOMPARE(r->points.size(), size_t{6});
    QCOMPARE(r->points[0].local_usd, 10000.0);
    QCOMPARE(r->points[0].cloud_usd, 0.0);
    QVERIFY(std::abs(r->local_usd_per_year - 1438.0) < 1e-9);
    QVERIFY(r->break_even_years.has_value());
    const double t = *r->break_even_years;
    QVERIFY(std::abs(t - 10000.0 / (7300.0 - 1438.0)) < 1e-9);
    // At the break-even time both cumulative costs are equal.
    QVERIFY(std::abs((10000 + t * r->local_usd_per_year) - t * r->cloud_usd_per_year) < 1e-6);
    QVERIFY(std::abs(r->local_total_usd - (10000 + 5 * 1438.0)) < 1e-9);
    QVERIFY(std::abs(r->cloud_total_usd - 5 * 7300.0) < 1e-9);
  }

  void CloudCheaperForeverHasNoBreakEven() {
    LocalCostInputs l;
    l.hardware_usd = 30000;
    l.power_w = 700;
    l.utilisation = 0.3;
    CloudCostInputs c;
    c.output_tokens_per_day = 1000;
    auto r = ComputeTco(l, c, 3);
    QVERIFY(r.ok());
    QVERIFY(!r->break_even_years.has_value());
  }

  void RejectsBadInputs() {
    LocalCostInputs l;
    CloudCostInputs c;
    QVERIFY(!ComputeTco(l, c, 0).ok());
    QVERIFY(!ComputeTco(l, c, 51).ok());
    l.utilisation = 1.5;
    QCOMPARE(ComputeTco(l, c, 3).status().code(), ErrorCode::kInvalidArgument);
    l.utilisation = 0.5;
    l.hardware_usd = -1;
    QVERIFY(ComputeTco(l, c, 3).status().message().find("hardware price") != std::string::npos);
    l.hardware_usd = 1;
    c.usd_per_m_output = -2;
    QVERIFY(!ComputeTco(l, c, 3).ok());
  }

  void RequiredUtilisationOfOneMachine() {
    QVERIFY(std::abs(RequiredUtilisation(86400.0 * 10, 20.0) - 0.5) < 1e-12);
    QVERIFY(RequiredUtilisation(1e9, 1.0) > 1.0);  // cannot keep up
  }
};

QTEST_APPLESS_MAIN(TestCostModel)
#include "test_cost_model.moc"
