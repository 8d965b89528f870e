// Shared set-up of the UI tests: a throw-away database and settings file, the services the
// pages need, and waiting for the engine's queued signals.
#pragma once

#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

#include <memory>

#include "app_services.h"
#include "engine_controller.h"
#include "store/conversation_store.h"
#include "testdata.h"

namespace enclave::testing {

// One application "instance": settings, database, engine. Destroy and re-create it on the same
// folder to simulate a restart.
struct TestApp {
  explicit TestApp(const QString& dir, std::unique_ptr<gui::ChatEngine> engine)
      : settings(dir + QStringLiteral("/settings.ini")) {
    auto opened = store::ConversationStore::Open((dir + QStringLiteral("/enclave.db")).toStdString());
    if (!opened.ok()) qFatal("cannot open the test database: %s", opened.status().message().c_str());
    db = std::move(opened).value();
    settings.setModelFolders({});
    controller = std::make_unique<gui::EngineController>(std::move(engine));
    services.settings = &settings;
    services.engine = controller.get();
    services.store = db.get();
    services.inspect_model = [](const std::string& path) -> Expected<ModelInfo> {
      return NotFound("not inspected in this test: " + path);
    };
  }

  // Loads a model and waits; returns the engine's error message, or "" when it loaded.
  QString Load(const QString& path, qint64 context = 0) {
    QSignalSpy loaded(controller.get(), &gui::EngineController::modelLoaded);
    QSignalSpy failed(controller.get(), &gui::EngineController::modelLoadFailed);
    controller->loadModel({path, QStringLiteral("cpu"), context});
    if (!QTest::qWaitFor([&] { return loaded.count() + failed.count() > 0; }, 120000)) return QStringLiteral("timeout");
    return failed.isEmpty() ? QString() : failed.front().front().toString();
  }

  ui::AppSettings settings;
  std::unique_ptr<store::ConversationStore> db;
  std::unique_ptr<gui::EngineController> controller;
  ui::AppServices services;
};

inline QString TinyQwen2Dir() {
  return QString::fromStdString((TestDataDir() / "models" / "tiny-qwen2").string());
}

inline QString GemmaGguf() {
  return QString::fromStdString((ModelCacheDir() / "gemma-3-270m-q4_k_m.gguf").string());
}

}  // namespace enclave::testing
