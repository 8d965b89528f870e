// Human-readable numbers for the UI: sizes, parameter counts, durations, token counts.
#pragma once

#include <QCoreApplication>
#include <QString>

namespace enclave::ui {

class Format {
  Q_DECLARE_TR_FUNCTIONS(Format)

 public:
  static QString bytes(qint64 bytes);            // "512 MiB", "4.7 GiB"
  static QString parameters(qint64 count);       // "1.5 B", "270 M"
  static QString seconds(qint64 milliseconds);   // "0.8 s", "12 s", "2 min 5 s"
  static QString tokens(qint64 count);           // "950", "4.1 k"
};

}  // namespace enclave::ui
