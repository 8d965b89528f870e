// Finds models in the user's folders: GGUF files and Hugging Face folders (config.json next to
// *.safetensors), and reads what the library table shows from their headers, never the weights.
// Blocking: run it on a pool thread (QtConcurrent), not on the GUI thread.
#pragma once

#include <QList>
#include <QMetaType>
#include <QString>
#include <QStringList>

#include <functional>
#include <memory>
#include <string>

#include "core/status.h"
#include "hw/estimator.h"
#include "model/model.h"

namespace enclave::gui {

struct ScannedModel {
  QString path;
  QString name;
  QString format;        // "gguf" or "hf"
  QString architecture;
  qint64 parameterCount = 0;
  QString quantization;
  qint64 fileBytes = 0;
  qint64 contextLength = 0;
  qint64 layers = 0;
  qint64 dModel = 0;
  QString error;         // set when the header could not be read: the row says why
  std::shared_ptr<const hw::EstimateModel> estimateModel;  // for "fits this machine"; null if unknown
};

using ModelInspector = std::function<Expected<ModelInfo>(const std::string& path)>;

// Looks `max_depth` folder levels deep; a folder that is a model is not searched further.
QList<ScannedModel> ScanModelFolders(const QStringList& folders, const ModelInspector& inspect, int max_depth = 3);

}  // namespace enclave::gui

Q_DECLARE_METATYPE(enclave::gui::ScannedModel)
