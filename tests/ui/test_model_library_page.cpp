// The model library on the real engine: models found in a folder with what the table shows,
// loading with progress, a model that fails to load (a truncated GGUF, a GGUF without weights)
// showing the engine's own message while the application stays usable, and unloading.
#include <QApplication>
#include <QComboBox>
#include <QFile>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>
#include <QSpinBox>
#include <QTableView>
#include <QtTest>

#include "local_chat_engine.h"
#include "main_window.h"
#include "models/model_table_model.h"
#include "pages/chat_page.h"
#include "pages/model_library_page.h"
#include "ui_test_support.h"

using namespace enclave;
using namespace enclave::testing;

class TestModelLibraryPage : public QObject {
  Q_OBJECT

  QTemporaryDir dir_;
  QString models_;  // a folder of test models: tiny HF folders and broken GGUF files
  std::unique_ptr<TestApp> app_;
  std::unique_ptr<ui::ModelLibraryPage> page_;

  QString WaitForLoadResult() {
    QSignalSpy loaded(app_->controller.get(), &gui::EngineController::modelLoaded);
    QSignalSpy failed(app_->controller.get(), &gui::EngineController::modelLoadFailed);
    if (!QTest::qWaitFor([&] { return loaded.count() + failed.count() > 0; }, 60000)) return QStringLiteral("timeout");
    return failed.isEmpty() ? QString() : failed.front().front().toString();
  }

 private slots:
  void initTestCase() {
    const QString tiny = TinyQwen2Dir();
    if (!QFile::exists(tiny + QStringLiteral("/model.safetensors"))) QSKIP("tiny-qwen2 test model not found");
    const QString vocab = QString::fromStdString((TestDataDir() / "gguf-vocab" / "ggml-vocab-qwen2.gguf").string());
    QVERIFY(QFile::exists(vocab));
    models_ = dir_.filePath(QStringLiteral("models"));
    QVERIFY(QDir().mkpath(models_ + QStringLiteral("/tiny-qwen2")));
    for (const char* name : {"config.json", "model.safetensors"})
      QVERIFY(QFile::copy(tiny + QLatin1Char('/') + QLatin1String(name),
                          models_ + QStringLiteral("/tiny-qwen2/") + QLatin1String(name)));
    // A GGUF cut off in the middle, as after an interrupted download.
    QFile source(vocab);
    QVERIFY(source.open(QIODevice::ReadOnly));
    const QByteArray bytes = source.readAll();
    QFile truncated(models_ + QStringLiteral("/truncated.gguf"));
    QVERIFY(truncated.open(QIODevice::WriteOnly));
    truncated.write(bytes.left(bytes.size() / 3));
    truncated.close();
    // A well-formed GGUF that holds a vocabulary and no weights.
    QVERIFY(QFile::copy(vocab, models_ + QStringLiteral("/vocab-only.gguf")));

    app_ = std::make_unique<TestApp>(dir_.path(), std::make_unique<gui::LocalChatEngine>());
    app_->settings.setModelFolders({models_});
    app_->services.inspect_model = [](const std::string& path) { return InspectModel(path); };
    page_ = std::make_unique<ui::ModelLibraryPage>(app_->services);
    page_->resize(1100, 700);
    page_->show();
    QVERIFY(QTest::qWaitFor([&] { return !page_->scanning(); }, 30000));
  }

  void tableListsTheModelsFound() {
    ui::ModelTableModel* table = page_->tableModel();
    QCOMPARE(table->rowCount(), 3);
    const int tiny = table->rowOfPath(QDir(models_ + QStringLiteral("/tiny-qwen2")).canonicalPath());
    QVERIFY(tiny >= 0);
    QCOMPARE(table->data(table->index(tiny, ui::ModelTableModel::kArchitecture)).toString(), QStringLiteral("qwen2"));
    const gui::ScannedModel* m = table->modelAt(tiny);
    QVERIFY(m->parameterCount > 0);
    QCOMPARE(m->format, QStringLiteral("hf"));
    QVERIFY(m->fileBytes > 0);
    // It fits this machine's RAM by the Hardware estimator, and not a device of 1 MiB.
    QVERIFY(table->fitAt(tiny).known);
    QVERIFY(table->fitAt(tiny).fits);
    QVERIFY(table->data(table->index(tiny, ui::ModelTableModel::kFits)).toString().startsWith(QStringLiteral("Yes")));
    table->setTarget(QStringLiteral("cpu"), QStringLiteral("tiny"), 1 << 20, 256);
    QVERIFY(!table->fitAt(tiny).fits);
    QVERIFY(table->data(table->index(tiny, ui::ModelTableModel::kFits)).toString().startsWith(QStringLiteral("No")));
    page_->contextBox()->setValue(page_->contextBox()->value() + 1);  // back to the page's own target
    QVERIFY(table->fitAt(tiny).fits);
    // The truncated file is listed with the reason it cannot be read.
    const int broken = table->rowOfPath(QFileInfo(models_ + QStringLiteral("/truncated.gguf")).canonicalFilePath());
    QVERIFY(broken >= 0);
    QVERIFY(!table->modelAt(broken)->error.isEmpty());
    QVERIFY(!table->data(table->index(broken, 0), Qt::ToolTipRole).toString().isEmpty());
    // The CPU is a device choice; CUDA GPUs appear only where they exist.
    QCOMPARE(page_->deviceBox()->itemData(0).toString(), QStringLiteral("cpu"));
  }

  void truncatedGgufShowsTheEnginesMessage() {
    page_->loadModel(models_ + QStringLiteral("/truncated.gguf"));
    QVERIFY(page_->progressBar()->isVisible());
    const QString error = WaitForLoadResult();
    QVERIFY2(!error.isEmpty() && error != QStringLiteral("timeout"), qPrintable(error));
    QVERIFY(!page_->progressBar()->isVisible());
    QVERIFY2(page_->statusLabel()->text().contains(error), qPrintable(page_->statusLabel()->text()));
    QCOMPARE(page_->statusLabel()->objectName(), QStringLiteral("ErrorBox"));
    QVERIFY(!app_->controller->model().has_value());
    QVERIFY(!app_->controller->loading());
  }

  void ggufWithoutWeightsShowsTheEnginesMessage() {
    page_->loadModel(models_ + QStringLiteral("/vocab-only.gguf"));
    const QString error = WaitForLoadResult();
    QVERIFY2(!error.isEmpty() && error != QStringLiteral("timeout"), qPrintable(error));
    QVERIFY(page_->statusLabel()->text().contains(error));
  }

  void aGoodModelLoadsAfterwardsOnTheChosenDevice() {
    QVERIFY(page_->selectModel(QDir(models_ + QStringLiteral("/tiny-qwen2")).canonicalPath()));
    QVERIFY(page_->loadButton()->isEnabled());
    page_->contextBox()->setValue(256);
    page_->loadButton()->click();
    const QString error = WaitForLoadResult();
    QVERIFY2(error.isEmpty(), qPrintable(error));
    const auto& model = app_->controller->model();
    QVERIFY(model.has_value());
    QCOMPARE(model->device, QStringLiteral("cpu"));
    QCOMPARE(model->context, qint64{256});
    QVERIFY(!model->hasTokenizer);
    QCOMPARE(page_->statusLabel()->objectName(), QStringLiteral("MutedLabel"));
    QVERIFY(page_->statusLabel()->text().contains(QStringLiteral("cpu")));
  }

  void unloadLeavesNoModel() {
    QSignalSpy unloaded(app_->controller.get(), &gui::EngineController::modelUnloaded);
    app_->controller->unloadModel();
    QVERIFY(unloaded.wait(10000));
    QVERIFY(!app_->controller->model().has_value());
  }

  void cancelLeavesNoModel() {
    // Cancel before the worker even starts: the load must not happen.
    page_->loadModel(QDir(models_ + QStringLiteral("/tiny-qwen2")).canonicalPath());
    page_->cancelButton()->click();
    const QString error = WaitForLoadResult();
    QVERIFY2(!error.isEmpty(), "the load went ahead after Cancel");
    QVERIFY(!app_->controller->model().has_value());
    QVERIFY(!page_->progressBar()->isVisible());
    QVERIFY(page_->statusLabel()->text().contains(QStringLiteral("cancelled")));
  }

  void cleanupTestCase() {
    page_.reset();
    app_.reset();
  }
};

QTEST_MAIN(TestModelLibraryPage)
#include "test_model_library_page.moc"
