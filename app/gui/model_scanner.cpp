#include "model_scanner.h"

#include <QDir>
#include <QFileInfo>
#include <QSet>

namespace enclave::gui {
namespace {

ScannedModel Inspect(const QString& path, const QString& format, const ModelInspector& inspect) {
  ScannedModel m;
  m.path = path;
  m.format = format;
  m.name = QFileInfo(path).fileName();
  Expected<ModelInfo> info = inspect(path.toStdString());
  if (!info.ok()) {
    m.error = QString::fromStdString(info.status().message());
    m.fileBytes = QFileInfo(path).isFile() ? QFileInfo(path).size() : 0;
    return m;
  }
  if (!info->name.empty()) m.name = QString::fromStdString(info->name);
  m.architecture = QString::fromStdString(info->architecture);
  m.parameterCount = info->parameter_count;
  m.quantization = QString::fromStdString(info->quantization);
  m.fileBytes = info->file_bytes;
  m.contextLength = info->context_length;
  m.layers = info->n_layers;
  m.dModel = info->d_model;
  Expected<hw::EstimateModel> shape = format == QLatin1String("gguf")
                                          ? hw::ModelFromGguf(m.path.toStdString())
                                          : hw::ModelFromHfConfig(m.path.toStdString(), m.quantization.toLower().toStdString());
  if (shape.ok()) m.estimateModel = std::make_shared<const hw::EstimateModel>(std::move(shape).value());
  return m;
}

bool IsHfFolder(const QDir& dir) {
  return dir.exists(QStringLiteral("config.json")) &&
         !dir.entryList({QStringLiteral("*.safetensors")}, QDir::Files).isEmpty();
}

void ScanFolder(const QString& folder, const ModelInspector& inspect, int depth_left, QSet<QString>& seen,
                QList<ScannedModel>& out) {
  const QDir dir(folder);
  const QString canonical = dir.canonicalPath();
  if (canonical.isEmpty() || seen.contains(canonical)) return;
  seen.insert(canonical);
  if (IsHfFolder(dir)) {
    out.push_back(Inspect(canonical, QStringLiteral("hf"), inspect));
    return;
  }
  const QFileInfoList files = dir.entryInfoList({QStringLiteral("*.gguf")}, QDir::Files | QDir::Readable, QDir::Name);
  for (const QFileInfo& f : files) {
    const QString path = f.canonicalFilePath();
    if (seen.contains(path)) continue;
    seen.insert(path);
    out.push_back(Inspect(path, QStringLiteral("gguf"), inspect));
  }
  if (depth_left <= 0) return;
  for (const QFileInfo& sub : dir.entryInfoList(QDir::Dirs | QDir::NoDotAndDotDot | QDir::Readable, QDir::Name))
    ScanFolder(sub.filePath(), inspect, depth_left - 1, seen, out);
}

}  // namespace

QList<ScannedModel> ScanModelFolders(const QStringList& folders, const ModelInspector& inspect, int max_depth) {
  QList<ScannedModel> models;
  QSet<QString> seen;
  for (const QString& folder : folders) ScanFolder(folder, inspect, max_depth, seen, models);
  return models;
}

}  // namespace enclave::gui
