// The Monitor page against a scripted GPU provider (two fake GPUs) and against the real NVML
// provider of this machine (the no-driver path where there is no GPU). Samples are taken by
// hand (GpuMonitor::SampleNow) so every check is deterministic; one test runs the sampler
// thread to check the live path.
#include <QApplication>
#include <QComboBox>
#include <QFile>
#include <QLabel>
#include <QLineSeries>
#include <QSignalSpy>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QtTest>

#include <memory>

#include "hw/fake_gpu_provider.h"
#include "hw/gpu_monitor.h"
#include "main_window.h"
#include "theme.h"
#include "pages/monitor/monitor_page.h"
#include "scripted_chat_engine.h"
#include "ui_test_support.h"

using namespace enclave;
using enclave::ui::MonitorPage;

namespace {

struct FakePage {
  explicit FakePage(uint32_t gpus, hw::MonitorOptions options = {}) {
    auto fake_provider = std::make_unique<hw::FakeGpuProvider>(gpus);
    provider = fake_provider.get();
    page = std::make_unique<MonitorPage>(std::make_unique<hw::GpuMonitor>(std::move(fake_provider), options), false);
    page->resize(1200, 900);
  }
  void Sample(int n) {
    for (int i = 0; i < n; ++i) page->monitor()->SampleNow();
    page->refresh();
  }
  hw::FakeGpuProvider* provider = nullptr;  // owned by the page's monitor
  std::unique_ptr<MonitorPage> page;
};

}  // namespace

class TestMonitorPage : public QObject {
  Q_OBJECT

 private slots:
  void chartsGetPoints() {
    FakePage f(1);
    f.Sample(5);
    for (const char* name : {"gpu_util", "vram_used", "temperature", "power", "sm_clock", "tokens_per_s", "ram_used"}) {
      QLineSeries* series = f.page->series(QString::fromLatin1(name));
      QVERIFY2(series, name);
      QCOMPARE(series->count(), 5);
    }
    // The points are the readings: the newest VRAM point is the newest sample's memory in GiB.
    const hw::MonitorSample newest = *f.page->monitor()->Latest();
    QCOMPARE(f.page->series("vram_used")->at(4).y(),
             static_cast<double>(newest.gpus[0].memory_used_bytes) / (1024.0 * 1024.0 * 1024.0));
    QCOMPARE(f.page->series("temperature")->at(4).y(), *newest.gpus[0].temperature_c);
    QCOMPARE(f.page->series("temperature")->at(4).x(), 0.0);  // x = seconds before the newest
    QVERIFY(f.page->gpuStateLabel()->text().contains("Fake GPU"));
  }

  void seriesLengthIsBounded() {
    // A 5 s history at the maximum rate holds 50 samples; 400 samples must not grow a series.
    hw::MonitorOptions options;
    options.history_s = 5.0;
    FakePage f(1, options);
    const size_t capacity = f.page->monitor()->capacity();
    QCOMPARE(capacity, size_t{50});
    for (int round = 0; round < 8; ++round) f.Sample(50);
    QCOMPARE(f.page->monitor()->sample_count(), capacity);
    QCOMPARE(f.page->series("gpu_util")->count(), static_cast<int>(capacity));

    // A long history is decimated to the page's cap.
    FakePage big(1);
    big.Sample(MonitorPage::kMaxPointsPerSeries * 2 + 7);
    QVERIFY(big.page->series("temperature")->count() <= MonitorPage::kMaxPointsPerSeries);
    QVERIFY(big.page->series("temperature")->count() >= MonitorPage::kMaxPointsPerSeries / 2);
    QCOMPARE(big.page->series("temperature")->points().back().x(), 0.0);  // the newest is kept
  }

  void gpuSelectorSwitchesDevice() {
    FakePage f(2);
    hw::GpuReading hot;
    hot.temperature_c = 33.0;
    hot.memory_total_bytes = 24ull << 30;
    hot.memory_used_bytes = 1ull << 30;
    f.provider->SetReading(0, hot);
    hot.temperature_c = 71.0;
    hot.memory_used_bytes = 20ull << 30;
    f.provider->SetReading(1, hot);
    f.Sample(3);
    QCOMPARE(f.page->gpuSelector()->count(), 2);
    QCOMPARE(f.page->selectedGpu(), 0);
    QCOMPARE(f.page->series("temperature")->points().back().y(), 33.0);
    f.page->setSelectedGpu(1);
    QCOMPARE(f.page->selectedGpu(), 1);
    QCOMPARE(f.page->series("temperature")->points().back().y(), 71.0);
    QCOMPARE(f.page->series("vram_used")->points().back().y(), 20.0);
  }

  void pauseStopsUpdates() {
    FakePage f(1);
    f.Sample(3);
    f.page->setPaused(true);
    f.Sample(4);
    QCOMPARE(f.page->series("gpu_util")->count(), 3);
    f.page->setPaused(false);
    QCOMPARE(f.page->series("gpu_util")->count(), 7);
  }

  void timeWindowSelectsSamples() {
    FakePage f(1);
    f.Sample(2);
    f.page->setWindowSeconds(600);
    QCOMPARE(f.page->windowSeconds(), 600);
    QCOMPARE(f.page->series("gpu_util")->count(), 2);
  }

  void exportWritesRows() {
    FakePage f(2);
    f.Sample(4);
    QTemporaryDir dir;
    const QString path = dir.filePath("samples.csv");
    const Status written = f.page->exportCsv(path);
    QVERIFY2(written.ok(), written.message().c_str());
    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QStringList lines = QString::fromUtf8(file.readAll()).split('\n', Qt::SkipEmptyParts);
    QCOMPARE(lines.size(), 1 + 4 * 2);  // header, then one line per sample per GPU
    QVERIFY(lines.front().contains("temperature", Qt::CaseInsensitive));
    QVERIFY(!f.page->exportCsv(dir.filePath("no/such/dir/x.csv")).ok());
  }

  void alertWhenTemperatureCrossesThreshold() {
    FakePage f(1);
    hw::AlertThresholds thresholds;
    thresholds.gpu_temperature_c = 80.0;
    thresholds.ram_used_fraction = 1.01;  // this machine's RAM must not decide the test
    f.page->setThresholds(thresholds);
    QSignalSpy spy(f.page.get(), &MonitorPage::alertsChanged);
    hw::GpuReading reading;
    reading.memory_total_bytes = 24ull << 30;
    reading.memory_used_bytes = 4ull << 30;
    reading.temperature_c = 70.0;
    f.provider->SetReading(0, reading);
    f.Sample(1);
    QCOMPARE(spy.count(), 0);
    QVERIFY(f.page->activeAlerts().isEmpty());
    reading.temperature_c = 91.0;
    f.provider->SetReading(0, reading);
    f.Sample(1);
    QCOMPARE(spy.count(), 1);
    const QStringList alerts = spy.takeFirst().front().toStringList();
    QCOMPARE(alerts.size(), 1);
    QVERIFY2(alerts.front().contains("91"), qPrintable(alerts.front()));
    f.Sample(1);  // still hot: no repeated signal
    QCOMPARE(spy.count(), 0);
    reading.temperature_c = 60.0;
    reading.memory_used_bytes = 23ull << 30;  // 96% of VRAM
    f.provider->SetReading(0, reading);
    f.Sample(1);
    QCOMPARE(spy.count(), 1);
    QVERIFY(spy.takeFirst().front().toStringList().front().contains("VRAM"));
  }

  void processTableHighlightsThisProcess() {
    FakePage f(1);
    hw::GpuProcess self{static_cast<uint32_t>(QCoreApplication::applicationPid()), "enclave", 3ull << 30, true};
    hw::GpuProcess other{4242, "python3", 10ull << 30, false};
    f.provider->SetProcesses(0, {other, self});
    f.page->refreshProcesses();
    QTableWidget* table = f.page->processTable();
    QCOMPARE(table->rowCount(), 2);
    QVERIFY(!table->item(0, 1)->font().bold());
    QVERIFY(table->item(1, 1)->font().bold());
    QVERIFY(table->item(1, 1)->text().contains("enclave"));
  }

  void samplerThreadFeedsCharts() {
    hw::MonitorOptions options;
    options.rate_hz = 10.0;
    auto page = std::make_unique<MonitorPage>(
        std::make_unique<hw::GpuMonitor>(std::make_unique<hw::FakeGpuProvider>(1), options), true);
    QVERIFY(page->monitor()->running());
    QVERIFY(QTest::qWaitFor([&] { return page->series("gpu_util")->count() >= 3; }, 10000));
  }

  void noDriverPathOnThisMachine() {
    auto monitor = std::make_unique<hw::GpuMonitor>(hw::OpenNvmlProvider());
    if (monitor->gpu_state().available) QSKIP("an NVIDIA GPU is present: the no-driver path cannot be exercised here");
    MonitorPage page(std::move(monitor), false);
    page.resize(1200, 900);
    page.show();
    QVERIFY(page.gpuStateLabel()->text().contains("No NVIDIA GPU detected"));
    QVERIFY(!page.gpuSelector()->isVisible());
    page.monitor()->SampleNow();
    QTest::qWait(50);  // /proc CPU utilisation is a difference of two reads
    page.monitor()->SampleNow();
    page.refresh();
    QCOMPARE(page.series("gpu_util")->count(), 0);
    QCOMPARE(page.series("ram_used")->count(), 2);
    QVERIFY(page.series("ram_used")->points().back().y() > 0.0);
    QVERIFY(page.series("cpu")->count() >= 1);
    page.refreshProcesses();
    QCOMPARE(page.processTable()->rowCount(), 1);  // this process's host memory
  }

  // docs/screenshots/monitor.png: the page inside the main window, fed by two simulated GPUs
  // (labelled as demo data). Runs only when ENCLAVE_SCREENSHOT_DIR names the output folder.
  void screenshot() {
    const QString dir = qEnvironmentVariable("ENCLAVE_SCREENSHOT_DIR");
    if (dir.isEmpty()) QSKIP("set ENCLAVE_SCREENSHOT_DIR to save the Monitor screenshot");
    QTemporaryDir data;
    testing::ScriptedChatEngine::Script script;
    testing::TestApp app(data.path(), std::make_unique<testing::ScriptedChatEngine>(script));
    ui::ApplyTheme(*qApp, ui::Theme::kLight);
    ui::MainWindow window(app.services);
    window.setWindowTitle("Enclave (demo data: simulated GPUs)");
    hw::MonitorOptions options;
    options.rate_hz = 5.0;
    auto provider = std::make_unique<hw::FakeGpuProvider>(2);
    provider->SetProcesses(0, {{static_cast<uint32_t>(QCoreApplication::applicationPid()), "enclave", 9ull << 30, true},
                               {31337, "python3", 4ull << 30, false}});
    auto* page = new MonitorPage(std::make_unique<hw::GpuMonitor>(std::move(provider), options), true);
    page->setBanner("Demo data: two simulated GPUs (FakeGpuProvider), not this machine's hardware.");
    window.setPage("monitor", QIcon(":/icons/monitor.svg"), "Monitor", page);
    window.resize(1320, 900);
    window.show();
    window.showPage("monitor");
    QTest::qWait(24000);
    page->refresh();
    QVERIFY(window.grab().save(dir + "/monitor.png"));
  }
};

QTEST_MAIN(TestMonitorPage)
#include "test_monitor_page.moc"
