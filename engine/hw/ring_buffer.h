// A fixed-capacity ring buffer: push overwrites the oldest element once full. Index 0 is the
// oldest element still held. Slots are reused in place, so elements holding vectors keep their
// capacity and a steady sampler does not allocate.
#pragma once

#include <cstddef>
#include <vector>

namespace enclave::hw {

template <typename T>
class RingBuffer {
 public:
  explicit RingBuffer(size_t capacity) : slots_(capacity > 0 ? capacity : 1) {}

  size_t capacity() const { return slots_.size(); }
  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  void clear() { size_ = 0; head_ = 0; }

  // The slot the next push will fill (reuse its storage), then Commit() it.
  T& NextSlot() { return slots_[(head_ + size_) % slots_.size()]; }
  void Commit() {
    if (size_ < slots_.size()) {
      ++size_;
    } else {
      head_ = (head_ + 1) % slots_.size();
    }
  }
  void Push(const T& value) {
    NextSlot() = value;
    Commit();
  }

  // i = 0 is the oldest, size() - 1 the newest.
  const T& operator[](size_t i) const { return slots_[(head_ + i) % slots_.size()]; }
  const T& newest() const { return (*this)[size_ - 1]; }
  const T& oldest() const { return (*this)[0]; }

 private:
  std::vector<T> slots_;
  size_t head_ = 0;  // index of the oldest element
  size_t size_ = 0;
};

}  // namespace enclave::hw
