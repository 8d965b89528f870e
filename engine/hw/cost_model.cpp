#include "hw/cost_model.h"

#include <string>

namespace enclave::hw {
namespace {

constexpr double kHoursPerYear = 24.0 * 365.0;
constexpr double kDaysPerYear = 365.0;

Status CheckNonNegative(double value, const char* what) {
  if (!(value >= 0.0)) return InvalidArgument(std::string(what) + " must be zero or positive");
  return Status::Ok();
}

}  // namespace

double EnergyUsdPerYear(const LocalCostInputs& l) {
  const double average_w = l.power_w * l.utilisation + l.idle_power_w * (1.0 - l.utilisation);
  return average_w * kHoursPerYear / 1000.0 * l.electricity_usd_per_kwh;
}

double CloudUsdPerYear(const CloudCostInputs& c) {
  const double per_day = c.input_tokens_per_day / 1e6 * c.usd_per_m_input +
                         c.output_tokens_per_day / 1e6 * c.usd_per_m_output;
  return per_day * kDaysPerYear;
}

Expected<TcoResult> ComputeTco(const LocalCostInputs& l, const CloudCostInputs& c, int years) {
  if (years <= 0 || years > 50) return InvalidArgument("years must be between 1 and 50");
  ENCLAVE_RETURN_IF_ERROR(CheckNonNegative(l.hardware_usd, "hardware price"));
  ENCLAVE_RETURN_IF_ERROR(CheckNonNegative(l.power_w, "power draw"));
  ENCLAVE_RETURN_IF_ERROR(CheckNonNegative(l.idle_power_w, "idle power draw"));
  ENCLAVE_RETURN_IF_ERROR(CheckNonNegative(l.electricity_usd_per_kwh, "electricity price"));
  ENCLAVE_RETURN_IF_ERROR(CheckNonNegative(l.maintenance_pct_per_year, "maintenance"));
  ENCLAVE_RETURN_IF_ERROR(CheckNonNegative(c.usd_per_m_input, "input token price"));
  ENCLAVE_RETURN_IF_ERROR(CheckNonNegative(c.usd_per_m_output, "output token price"));
  ENCLAVE_RETURN_IF_ERROR(CheckNonNegative(c.input_tokens_per_day, "input tokens per day"));
  ENCLAVE_RETURN_IF_ERROR(CheckNonNegative(c.output_tokens_per_day, "output tokens per day"));
  if (!(l.utilisation >= 0.0 && l.utilisation <= 1.0))
    return InvalidArgument("utilisation must be between 0 and 1");

  TcoResult r;
  r.energy_usd_per_year = EnergyUsdPerYear(l);
  r.local_usd_per_year = r.energy_usd_per_year + l.hardware_usd * l.maintenance_pct_per_year / 100.0;
  r.cloud_usd_per_year = CloudUsdPerYear(c);
  for (int y = 0; y <= years; ++y) {
    r.points.push_back({static_cast<double>(y), l.hardware_usd + y * r.local_usd_per_year,
                        y * r.cloud_usd_per_year});
  }
  r.local_total_usd = r.points.back().local_usd;
  r.cloud_total_usd = r.points.back().cloud_usd;
  const double saving_per_year = r.cloud_usd_per_year - r.local_usd_per_year;
  if (saving_per_year > 0.0) r.break_even_years = l.hardware_usd / saving_per_year;
  return r;
}

double RequiredUtilisation(double output_tokens_per_day, double tok_s) {
  if (tok_s <= 0.0) return output_tokens_per_day > 0.0 ? 1e9 : 0.0;
  return output_tokens_per_day / (tok_s * 86400.0);
}

}  // namespace enclave::hw
