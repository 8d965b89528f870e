// When to write a streaming answer to the database: often enough that a crash or power loss
// loses at most about a second of text, rarely enough that a fast model does not turn every
// token into a disk transaction.
#pragma once

#include <cstdint>

namespace enclave::store {

class StreamFlushPolicy {
 public:
  explicit StreamFlushPolicy(int64_t interval_ms = 1000, int64_t max_tokens = 64)
      : interval_ms_(interval_ms), max_tokens_(max_tokens) {}

  // Call on every streamed update; true when the caller should write now (then it is reset).
  bool ShouldFlush(int64_t now_ms, int64_t tokens_so_far) {
    if (now_ms - last_flush_ms_ >= interval_ms_ || tokens_so_far - last_flush_tokens_ >= max_tokens_) {
      last_flush_ms_ = now_ms;
      last_flush_tokens_ = tokens_so_far;
      return true;
    }
    return false;
  }
  void Reset(int64_t now_ms) {
    last_flush_ms_ = now_ms;
    last_flush_tokens_ = 0;
  }

 private:
  int64_t interval_ms_;
  int64_t max_tokens_;
  int64_t last_flush_ms_ = 0;
  int64_t last_flush_tokens_ = 0;
};

}  // namespace enclave::store
