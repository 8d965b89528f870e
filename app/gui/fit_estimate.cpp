#include "fit_estimate.h"

#include "hw/estimator.h"

namespace enclave::gui {

FitEstimate EstimateFit(const ScannedModel& model, const QString& device_id, const QString& device_name,
                        qint64 device_bytes, qint64 context) {
  FitEstimate fit;
  if (!model.estimateModel || device_bytes <= 0) return fit;
  hw::EstimateOptions options;
  // The engine never runs a model past its trained context, so neither does the estimate.
  options.ctx = model.contextLength > 0 ? qMin(context, model.contextLength) : context;
  options.kv_type = hw::KvType::kF32;
  if (device_id.startsWith(QLatin1String("cuda"))) {
    Expected<hw::GpuSpec> spec = hw::GpuCatalog::BuiltIn().Find(device_name.toStdString());
    hw::GpuSpec gpu = spec.ok() ? *spec : hw::GpuSpec{};
    if (!spec.ok()) gpu.name = device_name.toStdString();
    gpu.vram_bytes = static_cast<uint64_t>(device_bytes);  // this card, as the driver reports it
    options.gpu = gpu;
  } else {
    options.host_ram_bytes = static_cast<uint64_t>(device_bytes);
  }
  Expected<hw::Estimate> estimate = hw::EstimateMemory(*model.estimateModel, options);
  if (!estimate.ok()) {
    fit.limiting = QString::fromStdString(estimate.status().message());
    return fit;
  }
  fit.known = true;
  fit.fits = estimate->fits;
  fit.limiting = QString::fromStdString(estimate->limiting);
  if (options.gpu) {
    fit.neededBytes = static_cast<qint64>(estimate->max_gpu_bytes());
    fit.availableBytes = static_cast<qint64>(estimate->gpu_usable_bytes);
  } else {
    fit.neededBytes = static_cast<qint64>(estimate->host.total());
    fit.availableBytes = static_cast<qint64>(estimate->host_capacity_bytes);
  }
  return fit;
}

}  // namespace enclave::gui
