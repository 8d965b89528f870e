// Whether a model fits a device at a context, from the Hardware estimator (engine/hw): weights,
// KV cache (F32, the engine's default), compute buffers and overhead against the device's
// memory. Cheap enough to recompute for the whole library when the device or context changes.
#pragma once

#include <QString>

#include "model_scanner.h"

namespace enclave::gui {

struct FitEstimate {
  bool known = false;       // false when the model's shape could not be read
  bool fits = false;
  qint64 neededBytes = 0;   // on the device that decides (the GPU, or host RAM for the CPU)
  qint64 availableBytes = 0;
  QString limiting;         // the estimator's reason when it does not fit, or why unknown
};

FitEstimate EstimateFit(const ScannedModel& model, const QString& device_id, const QString& device_name,
                        qint64 device_bytes, qint64 context);

}  // namespace enclave::gui
