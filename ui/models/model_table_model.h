// The model library table: one row per model found in the user's folders, with what it is and
// whether it fits the chosen device at the chosen context.
#pragma once

#include <QAbstractTableModel>
#include <QList>

#include "fit_estimate.h"
#include "model_scanner.h"

namespace enclave::ui {

class ModelTableModel : public QAbstractTableModel {
  Q_OBJECT

 public:
  enum Column { kName, kArchitecture, kParameters, kQuantization, kSize, kFits, kColumnCount };
  enum Role { kPathRole = Qt::UserRole + 1, kSortRole };

  using QAbstractTableModel::QAbstractTableModel;

  int rowCount(const QModelIndex& parent = QModelIndex()) const override;
  int columnCount(const QModelIndex& parent = QModelIndex()) const override;
  QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
  QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

  void setModels(const QList<gui::ScannedModel>& models);
  // The device and context "fits" is judged against.
  void setTarget(const QString& device_id, const QString& device_name, qint64 device_memory_bytes, qint64 context);
  gui::FitEstimate fitAt(int row) const { return row >= 0 && row < fits_.size() ? fits_[row] : gui::FitEstimate{}; }
  const gui::ScannedModel* modelAt(int row) const;
  int rowOfPath(const QString& path) const;

 private:
  void recomputeFits();

  QList<gui::ScannedModel> models_;
  QList<gui::FitEstimate> fits_;  // per row, for the current target
  QString device_id_ = QStringLiteral("cpu");
  QString device_name_;
  qint64 device_bytes_ = 0;
  qint64 context_ = 4096;
};

}  // namespace enclave::ui
