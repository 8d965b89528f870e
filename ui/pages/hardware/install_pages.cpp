#include "pages/hardware/install_pages.h"

#include <QStatusBar>

#include <memory>

#include "hw/gpu_monitor.h"
#include "main_window.h"
#include "pages/hardware/hardware_page.h"
#include "pages/monitor/monitor_page.h"

namespace enclave::ui {

void InstallHardwareAndMonitorPages(MainWindow* window) {
  auto* monitor = new MonitorPage(std::make_unique<hw::GpuMonitor>(hw::OpenNvmlProvider()), true, window);
  auto* hardware = new HardwarePage(monitor->monitor()->devices(), window);
  window->setPage(QStringLiteral("hardware"), QIcon(QStringLiteral(":/icons/hardware.svg")), MainWindow::tr("Hardware"), hardware);
  window->setPage(QStringLiteral("monitor"), QIcon(QStringLiteral(":/icons/monitor.svg")), MainWindow::tr("Monitor"), monitor);
  QStatusBar* status = window->statusBar();
  QObject::connect(monitor, &MonitorPage::alertsChanged, status, [status](const QStringList& alerts) {
    if (alerts.isEmpty()) {
      status->clearMessage();
    } else {
      status->showMessage(MonitorPage::tr("Alert: %1").arg(alerts.join(QStringLiteral("; "))));
    }
  });
}

}  // namespace enclave::ui
