// `enclave --screenshot-dir DIR`: opens the window on a throw-away database with a sample
// conversation, visits each page and the settings dialog, and saves what they look like as
// PNG files (docs/screenshots/ is made this way). Returns the process exit status.
#pragma once

#include <QString>

namespace enclave::ui {
class MainWindow;
struct AppServices;
}

namespace enclave::gui {

// Writes the sample conversations into `services.store` (before the window is created).
void AddSampleConversations(const ui::AppServices& services, const QString& language);
// Runs the tour on `window`; file names end in `suffix` ("", "-zh_CN", "-dark").
int RunScreenshotTour(ui::MainWindow& window, const ui::AppServices& services, const QString& dir,
                      const QString& suffix, const QString& model_path);

}  // namespace enclave::gui
