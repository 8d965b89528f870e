#include "core/log.h"

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>

namespace enclave {
namespace {

std::mutex g_mu;
std::function<void(LogLevel, const std::string&)> g_sink;

LogLevel InitialLevel() {
  const char* env = std::getenv("ENCLAVE_LOG");
  if (env == nullptr) return LogLevel::kWarning;
  if (std::strcmp(env, "debug") == 0) return LogLevel::kDebug;
  if (std::strcmp(env, "info") == 0) return LogLevel::kInfo;
  if (std::strcmp(env, "error") == 0) return LogLevel::kError;
  return LogLevel::kWarning;
}

LogLevel g_level = InitialLevel();

}  // namespace

void SetLogLevel(LogLevel level) {
  std::lock_guard<std::mutex> lock(g_mu);
  g_level = level;
}

void SetLogSink(std::function<void(LogLevel, const std::string&)> sink) {
  std::lock_guard<std::mutex> lock(g_mu);
  g_sink = std::move(sink);
}

void Log(LogLevel level, const std::string& message) {
  std::lock_guard<std::mutex> lock(g_mu);
  if (level < g_level) return;
  if (g_sink) {
    g_sink(level, message);
    return;
  }
  static const char* const kNames[] = {"debug", "info", "warning", "error"};
  std::fprintf(stderr, "enclave %s: %s\n", kNames[static_cast<int>(level)], message.c_str());
}

}  // namespace enclave
