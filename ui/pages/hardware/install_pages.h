// Puts the Hardware and Monitor pages in the main window in place of their placeholders: one
// GPU monitor (NVML, sampling at 1 Hz) feeds the Monitor page, its detected GPUs join the
// Hardware page's catalog, and its threshold alerts go to the window's status bar.
#pragma once

namespace enclave::ui {

class MainWindow;

void InstallHardwareAndMonitorPages(MainWindow* window);

}  // namespace enclave::ui
