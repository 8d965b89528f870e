// The Hardware page drives the estimator like a user: changing the form changes the estimate,
// a model too large for the GPU says so, the "what runs here" matrix is filled, the cost tab
// shows the break-even, and bad input is reported inline.
#include <QApplication>
#include <QBarSet>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QLabel>
#include <QSpinBox>
#include <QTabWidget>
#include <QTableWidget>
#include <QtTest>

#include "hw/presets.h"
#include "main_window.h"
#include "theme.h"
#include "pages/hardware/hardware_page.h"
#include "scripted_chat_engine.h"
#include "ui_test_support.h"
#include "pages/hardware/tco_panel.h"
#include "testdata.h"

using namespace enclave;
using enclave::testing::TestDataDir;
using enclave::ui::HardwarePage;

namespace {

void SelectPreset(HardwarePage& page, const std::string& name) {
  for (int i = 0; i < static_cast<int>(hw::Presets().size()); ++i)
    if (hw::Presets()[i].name == name) page.modelBox()->setCurrentIndex(page.modelBox()->findData(i));
  page.recompute();
}

void SelectGpu(HardwarePage& page, const QString& name) {
  const int at = page.gpuBox()->findText(name, Qt::MatchStartsWith);
  QVERIFY2(at >= 0, qPrintable(name));
  page.gpuBox()->setCurrentIndex(at);
  page.recompute();
}

}  // namespace

class TestHardwarePage : public QObject {
  Q_OBJECT

 private slots:
  void largerContextGivesLargerKvBar() {
    HardwarePage page({});
    SelectPreset(page, "deepseek-r1-distill-qwen-7b");
    SelectGpu(page, "RTX 4090");
    page.contextBox()->setValue(4096);
    page.recompute();
    QVERIFY2(page.estimate().has_value(), qPrintable(page.errorLabel()->text()));
    const double kv_small = page.kvBarSet()->at(0);
    const uint64_t kv_bytes_small = page.estimate()->kv_bytes;
    page.contextBox()->setValue(32768);
    page.recompute();
    QVERIFY(page.estimate().has_value());
    QVERIFY(page.kvBarSet()->at(0) > kv_small);
    // GQA KV grows linearly with the context: 8x the tokens, 8x the bytes.
    QCOMPARE(page.estimate()->kv_bytes, kv_bytes_small * 8);
    QVERIFY(page.verdictLabel()->text().startsWith("Fits"));
  }

  void debouncedUpdateFollowsInput() {
    HardwarePage page({});
    SelectPreset(page, "qwen2.5-7b");
    const uint64_t before = page.estimate()->kv_bytes;
    page.parallelBox()->setValue(4);  // no explicit recompute: the debounce timer runs it
    QVERIFY(QTest::qWaitFor([&] { return page.estimate() && page.estimate()->kv_bytes == before * 4; }, 5000));
  }

  void modelThatDoesNotFitSaysSo() {
    HardwarePage page({});
    SelectPreset(page, "deepseek-r1");
    SelectGpu(page, "RTX 4090");
    QVERIFY(page.estimate().has_value());
    QVERIFY(!page.estimate()->fits);
    QVERIFY2(page.verdictLabel()->text().contains("does not fit", Qt::CaseInsensitive), qPrintable(page.verdictLabel()->text()));
    // Enough H200s hold it.
    SelectGpu(page, "H200");
    page.gpuCountBox()->setValue(8);
    page.recompute();
    QVERIFY(page.estimate()->fits);
    QCOMPARE(static_cast<int>(page.estimate()->per_gpu.size()), 8);
  }

  void matrixIsPopulated() {
    HardwarePage page({});
    SelectGpu(page, "RTX 4090");
    QTableWidget* matrix = page.matrixTable();
    QCOMPARE(matrix->rowCount(), static_cast<int>(hw::Presets().size()));
    int fits = 0;
    int too_big = 0;
    for (int r = 0; r < matrix->rowCount(); ++r)
      for (int c = 0; c < matrix->columnCount(); ++c) {
        QTableWidgetItem* item = matrix->item(r, c);
        QVERIFY(item);
        if (item->text().contains("tok/s")) ++fits;
        if (item->text() == "does not fit") ++too_big;
      }
    QVERIFY(fits > 0);     // the 1.5B-8B models fit a 24 GiB card
    QVERIFY(too_big > 0);  // the 671B ones do not
  }

  void badInputIsShownInline() {
    HardwarePage page({});
    SelectPreset(page, "deepseek-r1-distill-qwen-7b");
    page.contextBox()->setValue(50'000'000);  // far beyond any rope scaling
    page.recompute();
    QVERIFY(!page.estimate().has_value());
    QVERIFY(!page.errorLabel()->isHidden());
    QVERIFY(page.errorLabel()->text().contains("context", Qt::CaseInsensitive));
    page.contextBox()->setValue(4096);
    page.recompute();
    QVERIFY(page.estimate().has_value());
    QVERIFY(page.errorLabel()->isHidden());

    page.setModelPath("/nonexistent/model.gguf");
    page.recompute();
    QVERIFY(!page.estimate().has_value());
    QVERIFY(!page.errorLabel()->isHidden());
  }

  void huggingFaceFolderIsASource() {
    const auto folder = TestDataDir() / "models" / "tiny-qwen2";
    if (!std::filesystem::exists(folder / "config.json")) QSKIP("tiny-qwen2 test model not in the test data");
    HardwarePage page({});
    page.setModelPath(QString::fromStdString(folder.string()));
    page.contextBox()->setValue(256);
    page.recompute();
    QVERIFY2(page.estimate().has_value(), qPrintable(page.errorLabel()->text()));
    QVERIFY(page.estimate()->weights_bytes > 0);
    QVERIFY(page.modelBox()->currentText().contains("tiny-qwen2"));
  }

  void tcoShowsBreakEven() {
    HardwarePage page({});
    SelectGpu(page, "RTX 4090");
    ui::TcoPanel* tco = page.tcoPanel();
    tco->cloudOutputPriceBox()->setValue(10.0);
    tco->dailyOutputTokensBox()->setValue(20.0);  // 20 M output tokens a day
    tco->recompute();
    QVERIFY(tco->result().has_value());
    QVERIFY(tco->result()->break_even_years.has_value());
    QVERIFY2(tco->breakEvenLabel()->text().startsWith("Break-even after"), qPrintable(tco->breakEvenLabel()->text()));
    // A free cloud never breaks even.
    tco->cloudOutputPriceBox()->setValue(0.0);
    tco->dailyOutputTokensBox()->setValue(0.0);
    tco->dailyInputTokensBox()->setValue(0.0);
    tco->recompute();
    QVERIFY(!tco->result()->break_even_years.has_value());
    QVERIFY(tco->breakEvenLabel()->text().startsWith("No break-even"));
  }

  // docs/screenshots/hardware*.png: the page inside the main window. Runs only when
  // ENCLAVE_SCREENSHOT_DIR names the output folder.
  void screenshot() {
    const QString dir = qEnvironmentVariable("ENCLAVE_SCREENSHOT_DIR");
    if (dir.isEmpty()) QSKIP("set ENCLAVE_SCREENSHOT_DIR to save the Hardware screenshots");
    QTemporaryDir data;
    testing::ScriptedChatEngine::Script script;
    testing::TestApp app(data.path(), std::make_unique<testing::ScriptedChatEngine>(script));
    ui::ApplyTheme(*qApp, ui::Theme::kLight);
    ui::MainWindow window(app.services);
    window.resize(1320, 900);
    window.show();
    window.showPage("hardware");
    auto* page = qobject_cast<HardwarePage*>(window.page("hardware"));
    QVERIFY(page);
    SelectPreset(*page, "deepseek-r1-distill-qwen-32b");
    SelectGpu(*page, "RTX 4090");
    page->contextBox()->setValue(16384);
    page->recompute();
    QTest::qWait(400);
    QVERIFY(window.grab().save(dir + "/hardware.png"));
    auto* tabs = page->findChild<QTabWidget*>();
    tabs->setCurrentIndex(1);
    QTest::qWait(300);
    QVERIFY(window.grab().save(dir + "/hardware-matrix.png"));
    page->tcoPanel()->cloudOutputPriceBox()->setValue(2.19);
    page->tcoPanel()->dailyOutputTokensBox()->setValue(10.0);
    page->tcoPanel()->recompute();
    tabs->setCurrentIndex(2);
    QTest::qWait(300);
    QVERIFY(window.grab().save(dir + "/hardware-cost.png"));
  }
};

QTEST_MAIN(TestHardwarePage)
#include "test_hardware_page.moc"
