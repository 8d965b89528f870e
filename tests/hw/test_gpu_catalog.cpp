// The GPU catalog: every row the Hardware page promises, name matching as users and drivers
// spell GPUs, user overrides (edited prices), detected GPUs.
#include <QtTest/QtTest>

#include "hw/gpu_catalog.h"

using namespace enclave;
using namespace enclave::hw;

class TestGpuCatalog : public QObject {
  Q_OBJECT

 private slots:
  void HasEveryPromisedRow() {
    const char* names[] = {"RTX 3060 12GB", "RTX 3090", "RTX 4060 Ti 16GB", "RTX 4090", "RTX 5090", "A10", "L4",
                           "L40S", "A100 40GB", "A100 80GB", "H100 80GB", "H200", "H20", "Ascend 910B", "MI250",
                           "MI300X"};
    for (const char* n : names) {
      auto g = GpuCatalog::BuiltIn().Find(n);
      QVERIFY2(g.ok(), n);
      QVERIFY2(g->vram_bytes > 0 && g->bandwidth_gbs > 0 && g->bf16_tflops > 0 && g->tdp_w > 0 && g->price_usd > 0, n);
    }
    QVERIFY(!GpuCatalog::BuiltIn().Find("MI300X")->supported);  // reference row
    QVERIFY(GpuCatalog::BuiltIn().Find("H100 80GB")->supported);
  }

  void MatchesSpellings_data() {
    QTest::addColumn<QString>("query");
    QTest::addColumn<QString>("name");
    QTest::newRow("lower") << "rtx 4090" << "RTX 4090";
    QTest::newRow("no space") << "rtx4090" << "RTX 4090";
    QTest::newRow("driver name") << "NVIDIA GeForce RTX 4090" << "RTX 4090";
    QTest::newRow("nvml h100") << "NVIDIA H100 80GB HBM3" << "H100 80GB";
    QTest::newRow("nvml a100") << "NVIDIA A100-SXM4-80GB" << "A100 80GB";
    QTest::newRow("h200") << "h200" << "H200";
    QTest::newRow("nvml h200") << "NVIDIA H200" << "H200";
    QTest::newRow("a100 40") << "A100 40GB" << "A100 40GB";
  }
  void MatchesSpellings() {
    QFETCH(QString, query);
    QFETCH(QString, name);
    auto g = GpuCatalog::BuiltIn().Find(query.toStdString());
    QVERIFY2(g.ok(), g.status().message().c_str());
    QCOMPARE(QString::fromStdString(g->name), name);
  }

  void UnknownGpuListsKnownOnes() {
    auto g = GpuCatalog::BuiltIn().Find("Voodoo 3");
    QVERIFY(!g.ok());
    QCOMPARE(g.status().code(), ErrorCode::kNotFound);
    QVERIFY(g.status().message().find("RTX 4090") != std::string::npos);
  }

  void OverridesChangeOnlyGivenFields() {
    GpuCatalog c = GpuCatalog::BuiltIn();
    const GpuSpec before = *c.Find("RTX 4090");
    QVERIFY(c.MergeOverrides(R"({"gpus":[{"name":"rtx 4090","price_usd":1234},
        {"name":"Custom 48GB","vram_gib":48,"bandwidth_gbs":900,"bf16_tflops":100,"tdp_w":300}]})").ok());
    const GpuSpec after = *c.Find("RTX 4090");
    QCOMPARE(after.price_usd, 1234.0);
    QCOMPARE(after.vram_bytes, before.vram_bytes);
    QCOMPARE(after.name, before.name);
    QCOMPARE(c.Find("custom 48gb")->vram_bytes, uint64_t{48} << 30);
    // Round trip through ToJson keeps the edit.
    auto again = GpuCatalog::Parse(c.ToJson());
    QVERIFY(again.ok());
    QCOMPARE(again->Find("RTX 4090")->price_usd, 1234.0);
  }

  void RejectsBadCatalogs() {
    QCOMPARE(GpuCatalog::Parse("[").status().code(), ErrorCode::kBadInput);
    QCOMPARE(GpuCatalog::Parse(R"({"gpus":[{"name":"x"}]})").status().code(), ErrorCode::kBadInput);  // no VRAM
    GpuCatalog c = GpuCatalog::BuiltIn();
    QVERIFY(!c.MergeOverrides(R"({"gpus":[{"name":"RTX 4090","price_usd":-5}]})").ok());
    QVERIFY(!c.MergeOverrides(R"({"gpus":[{"price_usd":5}]})").ok());
  }

  void AddsDetectedGpus() {
    GpuCatalog c = GpuCatalog::BuiltIn();
    GpuInfo h100;
    h100.index = 0;
    h100.name = "NVIDIA H100 80GB HBM3";
    h100.memory_total_bytes = 85520809984ull;
    GpuInfo unknown;
    unknown.index = 1;
    unknown.name = "NVIDIA Future GPU";
    unknown.memory_total_bytes = 8ull << 30;
    c.AddDetected({h100, unknown});
    QVERIFY(c.gpus()[0].detected || c.gpus()[1].detected);
    bool saw_h100 = false;
    for (const GpuSpec& g : c.gpus()) {
      if (!g.detected) continue;
      if (g.name.find("H100") != std::string::npos) {
        saw_h100 = true;
        QCOMPARE(g.vram_bytes, h100.memory_total_bytes);
        QCOMPARE(g.bandwidth_gbs, 3350.0);  // from the catalog row
      } else {
        QCOMPARE(g.bandwidth_gbs, 0.0);  // unknown speed
      }
    }
    QVERIFY(saw_h100);
  }
};

QTEST_APPLESS_MAIN(TestGpuCatalog)
#include "test_gpu_catalog.moc"
