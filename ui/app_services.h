// What the pages share: settings, the engine, the database and the model inspector. Owned by
// the application (main.cpp or a test); pages keep plain pointers.
#pragma once

#include "app_settings.h"
#include "engine_controller.h"
#include "model_scanner.h"
#include "store/conversation_store.h"

namespace enclave::ui {

struct AppServices {
  AppSettings* settings = nullptr;
  gui::EngineController* engine = nullptr;
  store::ConversationStore* store = nullptr;
  gui::ModelInspector inspect_model;  // reads a model's header for the library table
};

}  // namespace enclave::ui
