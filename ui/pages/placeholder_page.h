// A page whose feature has not landed yet: says what it will do, instead of an empty area.
#pragma once

#include <QWidget>

namespace enclave::ui {

class PlaceholderPage : public QWidget {
  Q_OBJECT

 public:
  PlaceholderPage(const QIcon& icon, const QString& title, const QString& description, QWidget* parent = nullptr);
};

}  // namespace enclave::ui
