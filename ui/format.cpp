#include "format.h"

namespace enclave::ui {

QString Format::bytes(qint64 bytes) {
  const double b = static_cast<double>(bytes);
  if (b >= 1024.0 * 1024 * 1024) return tr("%1 GiB").arg(b / (1024.0 * 1024 * 1024), 0, 'f', 1);
  if (b >= 1024.0 * 1024) return tr("%1 MiB").arg(b / (1024.0 * 1024), 0, 'f', 0);
  if (b >= 1024.0) return tr("%1 KiB").arg(b / 1024.0, 0, 'f', 0);
  return tr("%1 B").arg(bytes);
}

QString Format::parameters(qint64 count) {
  const double n = static_cast<double>(count);
  if (n >= 1e9) return tr("%1 B").arg(n / 1e9, 0, 'f', n >= 1e10 ? 0 : 1);
  if (n >= 1e6) return tr("%1 M").arg(n / 1e6, 0, 'f', 0);
  if (n >= 1e3) return tr("%1 K").arg(n / 1e3, 0, 'f', 0);
  return QString::number(count);
}

QString Format::seconds(qint64 ms) {
  if (ms < 10000) return tr("%1 s").arg(ms / 1000.0, 0, 'f', 1);
  const qint64 s = (ms + 500) / 1000;
  if (s < 120) return tr("%1 s").arg(s);
  return tr("%1 min %2 s").arg(s / 60).arg(s % 60);
}

QString Format::tokens(qint64 count) {
  if (count >= 10000) return tr("%1 k").arg(count / 1000.0, 0, 'f', 0);
  if (count >= 1000) return tr("%1 k").arg(count / 1000.0, 0, 'f', 1);
  return QString::number(count);
}

}  // namespace enclave::ui
