// Host CPU/RAM from /proc: parsers on fixed text, and sane values read on this machine.
#include <QtTest/QtTest>

#include <thread>

#include "hw/host_stats.h"

using namespace enclave;
using namespace enclave::hw;

class TestHostStats : public QObject {
  Q_OBJECT

 private slots:
  void ParsesProcStat() {
    auto t = ParseProcStat("cpu  100 5 50 800 20 3 2 1 0 0\ncpu0 1 2 3 4\n");
    QVERIFY(t.has_value());
    QCOMPARE(t->busy, uint64_t{100 + 5 + 50 + 3 + 2 + 1});
    QCOMPARE(t->total, t->busy + 800 + 20);
    QVERIFY(!ParseProcStat("intr 1 2 3").has_value());
  }

  void ParsesMeminfo() {
    auto m = ParseMeminfo("MemTotal:       16318480 kB\nMemFree:  1000 kB\nMemAvailable:   9000000 kB\n");
    QVERIFY(m.has_value());
    QCOMPARE(m->first, uint64_t{16318480} * 1024);
    QCOMPARE(m->second, uint64_t{9000000} * 1024);
    QVERIFY(!ParseMeminfo("MemTotal: 5 kB\n").has_value());
  }

  void ParsesProcessStatWithOddNames() {
    // The command name may hold spaces and parentheses; utime/stime are fields 14 and 15.
    const char* line = "1234 (my (odd) prog) S 1 1234 1234 0 -1 4194304 100 0 0 0 250 75 0 0 20 0 3 0 100 1000 50";
    auto ticks = ParseProcessCpuTicks(line);
    QVERIFY(ticks.has_value());
    QCOMPARE(*ticks, uint64_t{325});
    QVERIFY(!ParseProcessCpuTicks("garbage").has_value());
  }

  void ReadsThisMachine() {
    HostStatsReader reader;
    HostReading first;
    const Status st = reader.Read(&first);
    if (!st.ok()) QSKIP("no /proc on this system");
    QVERIFY(first.ram_total_bytes > (uint64_t{256} << 20));
    QVERIFY(first.ram_available_bytes <= first.ram_total_bytes);
    QVERIFY(first.process_rss_bytes > 0 && first.process_rss_bytes < first.ram_total_bytes);
    QVERIFY(first.cpu_count >= 1);
    QVERIFY(!first.cpu_util_pct.has_value());  // needs two reads
    // Burn a little CPU so the second read has something to measure.
    volatile double x = 0;
    const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(150);
    while (std::chrono::steady_clock::now() < until) x = x + 1.0;
    HostReading second;
    QVERIFY(reader.Read(&second).ok());
    QVERIFY(second.cpu_util_pct.has_value());
    QVERIFY(*second.cpu_util_pct >= 0.0 && *second.cpu_util_pct <= 100.0);
    QVERIFY(second.process_cpu_pct.has_value());
    QVERIFY(*second.process_cpu_pct > 0.0);
    QVERIFY(ProcessCpuSeconds() > 0.0);
  }
};

QTEST_APPLESS_MAIN(TestHostStats)
#include "test_host_stats.moc"
