// Light, dark or the system's palette on the Fusion style, plus the application's style sheet
// (sidebar, message cards, code blocks), written against palette roles so both themes share it.
#pragma once

#include <QColor>
#include <QPalette>

#include "app_settings.h"

class QApplication;

namespace enclave::ui {

void ApplyTheme(QApplication& app, Theme theme);
bool IsDark(const QPalette& palette);
// A colour for secondary text (timestamps, hints) that reads on the palette's window colour.
QColor MutedTextColor(const QPalette& palette);
// Background of code blocks and the Thinking block.
QColor SubtleBackground(const QPalette& palette);

}  // namespace enclave::ui
