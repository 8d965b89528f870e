#include "fit_estimate.h"

#include "hw/estimator.h"

namespace enclave::gui {

namespace {

// For architectures the Hardware estimator does not model yet: weights as on disk, an F32 KV
// cache as wide as the model (no grouped-query saving) and 256 MiB of working memory. It
// over-estimates, so a "fits" from it can be trusted.
FitEstimate RoughFit(const ScannedModel& model, qint64 device_bytes, qint64 context) {
  FitEstimate fit;
  if (model.fileBytes <= 0 || model.layers <= 0 || model.dModel <= 0) return fit;
  fit.known = true;
  fit.neededBytes = model.fileBytes + 2 * model.layers * context * model.dModel * 4 + (256ll << 20);
  fit.availableBytes = device_bytes;
  fit.fits = fit.neededBytes <= fit.availableBytes;
  fit.limiting = QStringLiteral("rough estimate: the Hardware estimator does not model %1 yet").arg(model.architecture);
  return fit;
}

}  // namespace

FitEstimate EstimateFit(const ScannedModel& model, const QString& device_id, const QString& device_name,
                        qint64 device_bytes, qint64 context) {
  FitEstimate fit;
  if (device_bytes <= 0) return fit;
  if (!model.estimateModel) {
    const qint64 ctx = model.contextLength > 0 ? qMin(context, model.contextLength) : context;
    return model.error.isEmpty() ? RoughFit(model, device_bytes, ctx) : fit;
  }
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
