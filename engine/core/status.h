// Errors cross the engine boundary as values. A Status carries a code (which maps to the CLI's
// exit status) and a message written for the user: what went wrong and what to do about it.
#pragma once

#include <cassert>
#include <string>
#include <utility>
#include <variant>

namespace enclave {

enum class ErrorCode {
  kOk = 0,
  kInvalidArgument,   // bad arguments or options (CLI exit 2)
  kBadInput,          // malformed or unsupported input file (CLI exit 2)
  kNotFound,          // file or named thing missing (CLI exit 2)
  kUnsupported,       // valid input this build cannot handle (CLI exit 2)
  kInsufficientMemory,// the hardware cannot hold it (CLI exit 3)
  kIo,                // read/write failure, disk full
  kCancelled,         // the caller asked to stop
  kDevice,            // a GPU/driver failure
  kInternal,          // a bug: should never happen
};

class Status {
 public:
  Status() = default;
  Status(ErrorCode code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status Ok() { return {}; }
  bool ok() const { return code_ == ErrorCode::kOk; }
  explicit operator bool() const { return ok(); }
  ErrorCode code() const { return code_; }
  const std::string& message() const { return message_; }

  // Prefix context, e.g. WithContext("model.gguf") -> "model.gguf: <message>".
  Status WithContext(const std::string& context) const {
    if (ok()) return *this;
    return Status(code_, context + ": " + message_);
  }

 private:
  ErrorCode code_ = ErrorCode::kOk;
  std::string message_;
};

inline Status InvalidArgument(std::string m) { return {ErrorCode::kInvalidArgument, std::move(m)}; }
inline Status BadInput(std::string m) { return {ErrorCode::kBadInput, std::move(m)}; }
inline Status NotFound(std::string m) { return {ErrorCode::kNotFound, std::move(m)}; }
inline Status Unsupported(std::string m) { return {ErrorCode::kUnsupported, std::move(m)}; }
inline Status InsufficientMemory(std::string m) { return {ErrorCode::kInsufficientMemory, std::move(m)}; }
inline Status IoError(std::string m) { return {ErrorCode::kIo, std::move(m)}; }
inline Status Cancelled(std::string m = "cancelled") { return {ErrorCode::kCancelled, std::move(m)}; }
inline Status DeviceError(std::string m) { return {ErrorCode::kDevice, std::move(m)}; }
inline Status InternalError(std::string m) { return {ErrorCode::kInternal, std::move(m)}; }

// Exit status of enclave-cli for a failed Status (DESIGN.md: 2 bad input, 3 hardware too small).
inline int ExitCodeFor(const Status& s) {
  switch (s.code()) {
    case ErrorCode::kOk: return 0;
    case ErrorCode::kInsufficientMemory: return 3;
    case ErrorCode::kInvalidArgument:
    case ErrorCode::kBadInput:
    case ErrorCode::kNotFound:
    case ErrorCode::kUnsupported: return 2;
    default: return 1;
  }
}

// A value or the Status explaining why there is none (std::expected is C++23).
template <typename T>
class Expected {
 public:
  Expected(T value) : v_(std::move(value)) {}                 // NOLINT: implicit by design
  Expected(Status error) : v_(std::move(error)) { assert(!std::get<Status>(v_).ok()); }  // NOLINT

  bool ok() const { return std::holds_alternative<T>(v_); }
  explicit operator bool() const { return ok(); }
  T& value() & { return std::get<T>(v_); }
  const T& value() const& { return std::get<T>(v_); }
  T&& value() && { return std::get<T>(std::move(v_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  const Status& status() const {
    static const Status kOk;
    return ok() ? kOk : std::get<Status>(v_);
  }

 private:
  std::variant<T, Status> v_;
};

}  // namespace enclave

// Propagate a failed Status from an expression returning Status.
#define ENCLAVE_RETURN_IF_ERROR(expr)              \
  do {                                             \
    ::enclave::Status _st = (expr);                \
    if (!_st.ok()) return _st;                     \
  } while (0)

#define ENCLAVE_CONCAT_INNER(a, b) a##b
#define ENCLAVE_CONCAT(a, b) ENCLAVE_CONCAT_INNER(a, b)
// ENCLAVE_ASSIGN_OR_RETURN(auto x, Fn()) : assigns the value or returns the Status.
#define ENCLAVE_ASSIGN_OR_RETURN(decl, expr)                              \
  auto ENCLAVE_CONCAT(_exp_, __LINE__) = (expr);                          \
  if (!ENCLAVE_CONCAT(_exp_, __LINE__).ok())                              \
    return ENCLAVE_CONCAT(_exp_, __LINE__).status();                      \
  decl = std::move(ENCLAVE_CONCAT(_exp_, __LINE__)).value()
