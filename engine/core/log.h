// Minimal leveled logging to stderr; the GUI installs a sink to show messages in its log view.
#pragma once

#include <functional>
#include <string>

namespace enclave {

enum class LogLevel { kDebug = 0, kInfo = 1, kWarning = 2, kError = 3 };

void SetLogLevel(LogLevel level);   // default kWarning; ENCLAVE_LOG=debug|info|warning|error
void SetLogSink(std::function<void(LogLevel, const std::string&)> sink);  // nullptr: stderr
void Log(LogLevel level, const std::string& message);

inline void LogDebug(const std::string& m) { Log(LogLevel::kDebug, m); }
inline void LogInfo(const std::string& m) { Log(LogLevel::kInfo, m); }
inline void LogWarning(const std::string& m) { Log(LogLevel::kWarning, m); }
inline void LogError(const std::string& m) { Log(LogLevel::kError, m); }

}  // namespace enclave
