// Total cost of ownership: local hardware (purchase, power, maintenance) against a cloud API
// billed per token, year by year, and the break-even point. Pure functions; every input is
// the caller's (the Hardware page's form).
#pragma once

#include <optional>
#include <vector>

#include "core/status.h"

namespace enclave::hw {

struct LocalCostInputs {
  double hardware_usd = 0.0;          // GPUs + the machine around them
  double power_w = 0.0;               // draw under load (GPUs + system)
  double idle_power_w = 0.0;          // draw when idle
  double utilisation = 0.5;           // share of hours under load, 0..1
  double electricity_usd_per_kwh = 0.15;
  double maintenance_pct_per_year = 5.0;  // % of hardware_usd per year (support, repairs)
};

struct CloudCostInputs {
  double usd_per_m_input = 0.55;      // price per million input tokens
  double usd_per_m_output = 2.19;     // price per million output tokens
  double input_tokens_per_day = 0.0;
  double output_tokens_per_day = 0.0;
};

struct TcoPoint {
  double years = 0.0;
  double local_usd = 0.0;             // cumulative
  double cloud_usd = 0.0;             // cumulative
};

struct TcoResult {
  double local_usd_per_year = 0.0;    // running cost: energy + maintenance
  double energy_usd_per_year = 0.0;
  double cloud_usd_per_year = 0.0;
  std::vector<TcoPoint> points;       // years 0, 1, ..., N
  double local_total_usd = 0.0;       // at N years
  double cloud_total_usd = 0.0;       // at N years
  // When cumulative local cost drops to the cloud's: hardware_usd / (cloud - local running)
  // per year; nullopt when the cloud stays cheaper forever.
  std::optional<double> break_even_years;
};

// Energy per year: (power_w * u + idle_power_w * (1 - u)) * 8760 h / 1000 * price per kWh.
double EnergyUsdPerYear(const LocalCostInputs& local);
double CloudUsdPerYear(const CloudCostInputs& cloud);  // 365 days of the daily tokens

// InvalidArgument for negative prices/powers, utilisation outside [0, 1], years outside (0, 50].
Expected<TcoResult> ComputeTco(const LocalCostInputs& local, const CloudCostInputs& cloud, int years);

// Share of the day a machine decoding at `tok_s` (aggregate) needs to produce the daily
// output tokens: > 1 means one machine cannot keep up.
double RequiredUtilisation(double output_tokens_per_day, double tok_s);

}  // namespace enclave::hw
