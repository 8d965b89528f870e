#include "models/model_table_model.h"

#include <QColor>
#include <QIcon>

#include "format.h"

namespace enclave::ui {

int ModelTableModel::rowCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : models_.size(); }

int ModelTableModel::columnCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : kColumnCount; }

QVariant ModelTableModel::headerData(int section, Qt::Orientation orientation, int role) const {
  if (orientation != Qt::Horizontal || role != Qt::DisplayRole) return {};
  switch (section) {
    case kName: return tr("Model");
    case kArchitecture: return tr("Architecture");
    case kParameters: return tr("Parameters");
    case kQuantization: return tr("Quantisation");
    case kSize: return tr("Size");
    case kFits: return tr("Fits this machine");
  }
  return {};
}

QVariant ModelTableModel::data(const QModelIndex& index, int role) const {
  if (!index.isValid() || index.row() >= models_.size()) return {};
  const gui::ScannedModel& m = models_[index.row()];
  const gui::FitEstimate fit = fitAt(index.row());
  if (role == kPathRole) return m.path;
  if (role == Qt::ToolTipRole) {
    if (!m.error.isEmpty()) return tr("This model cannot be read: %1").arg(m.error);
    if (index.column() == kFits && fit.known) {
      QString tip = tr("Needs about %1 with a %2-token context; %3 has %4 usable. Estimate: weights, KV cache, "
                       "compute buffers and overhead.")
                        .arg(Format::bytes(fit.neededBytes)).arg(context_).arg(device_name_, Format::bytes(fit.availableBytes));
      if (!fit.limiting.isEmpty()) tip += QLatin1Char('\n') + fit.limiting;
      return tip;
    }
    if (index.column() == kFits && !fit.limiting.isEmpty()) return fit.limiting;
    return m.path;
  }
  if (role == Qt::DecorationRole && index.column() == kName)
    return QIcon(m.format == QLatin1String("hf") ? QStringLiteral(":/icons/folder.svg") : QStringLiteral(":/icons/models.svg"));
  if (role == Qt::ForegroundRole) {
    if (!m.error.isEmpty()) return QColor(0xdc, 0x26, 0x26);
    if (index.column() == kFits && fit.known) return fit.fits ? QColor(0x16, 0xa3, 0x4a) : QColor(0xdc, 0x26, 0x26);
    return {};
  }
  if (role == Qt::TextAlignmentRole && (index.column() == kParameters || index.column() == kSize))
    return int(Qt::AlignRight | Qt::AlignVCenter);
  if (role == kSortRole) {
    switch (index.column()) {
      case kParameters: return m.parameterCount;
      case kSize: return m.fileBytes;
      case kFits: return fit.known ? double(fit.neededBytes) / double(qMax<qint64>(1, fit.availableBytes)) : 1e9;
      default: return data(index, Qt::DisplayRole);
    }
  }
  if (role != Qt::DisplayRole) return {};
  switch (index.column()) {
    case kName: return m.name;
    case kArchitecture: return m.error.isEmpty() ? m.architecture : tr("unreadable");
    case kParameters: return m.parameterCount > 0 ? Format::parameters(m.parameterCount) : QStringLiteral("–");
    case kQuantization: return m.quantization.isEmpty() ? QStringLiteral("–") : m.quantization;
    case kSize: return m.fileBytes > 0 ? Format::bytes(m.fileBytes) : QStringLiteral("–");
    case kFits:
      if (!fit.known) return tr("Unknown");
      return fit.fits ? tr("Yes (%1)").arg(Format::bytes(fit.neededBytes))
                        : tr("No: needs %1").arg(Format::bytes(fit.neededBytes));
  }
  return {};
}

void ModelTableModel::setModels(const QList<gui::ScannedModel>& models) {
  beginResetModel();
  models_ = models;
  recomputeFits();
  endResetModel();
}

void ModelTableModel::setTarget(const QString& device_id, const QString& device_name, qint64 device_memory_bytes,
                                qint64 context) {
  device_id_ = device_id;
  device_name_ = device_name;
  device_bytes_ = device_memory_bytes;
  context_ = context;
  recomputeFits();
  if (!models_.isEmpty()) emit dataChanged(index(0, kFits), index(models_.size() - 1, kFits));
}

void ModelTableModel::recomputeFits() {
  fits_.clear();
  for (const gui::ScannedModel& m : models_)
    fits_.push_back(gui::EstimateFit(m, device_id_, device_name_, device_bytes_, context_));
}

const gui::ScannedModel* ModelTableModel::modelAt(int row) const {
  return row >= 0 && row < models_.size() ? &models_[row] : nullptr;
}

int ModelTableModel::rowOfPath(const QString& path) const {
  for (int i = 0; i < models_.size(); ++i)
    if (models_[i].path == path) return i;
  return -1;
}

}  // namespace enclave::ui
