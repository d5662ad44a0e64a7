// Jute binary encoding (ZooKeeper's wire format): big-endian ints, length-prefixed
// strings/buffers/vectors where length -1 means null.
//
// Writer appends to a std::string. Reader is a cursor over a byte span with a sticky
// failure flag: once a read runs past the end or sees a bad length, every later read
// returns a default and ok() stays false. Callers decode a whole record, then check ok().
// Neither class is thread-safe; neither allocates beyond the output/decoded values.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

namespace zkd::proto {

class Writer {
 public:
  Writer() = default;
  explicit Writer(std::string* out) : out_(out) {}

  void i32(int32_t v) {
    uint32_t u = static_cast<uint32_t>(v);
    char b[4] = {char(u >> 24), char(u >> 16), char(u >> 8), char(u)};
    out_->append(b, 4);
  }
  void i64(int64_t v) {
    i32(static_cast<int32_t>(static_cast<uint64_t>(v) >> 32));
    i32(static_cast<int32_t>(v));
  }
  void boolean(bool v) { out_->push_back(v ? 1 : 0); }
  // A string or buffer: int32 length + bytes.
  void bytes(std::string_view s) {
    i32(static_cast<int32_t>(s.size()));
    out_->append(s.data(), s.size());
  }
  void null() { i32(-1); }
  void raw(std::string_view s) { out_->append(s.data(), s.size()); }

  std::string* out() { return out_; }
  size_t size() const { return out_->size(); }

  // Overwrites 4 bytes at `pos` (used to patch a frame length after the body is known).
  void patch_i32(size_t pos, int32_t v) {
    uint32_t u = static_cast<uint32_t>(v);
    (*out_)[pos] = char(u >> 24);
    (*out_)[pos + 1] = char(u >> 16);
    (*out_)[pos + 2] = char(u >> 8);
    (*out_)[pos + 3] = char(u);
  }

 private:
  std::string own_;
  std::string* out_ = &own_;
};

class Reader {
 public:
  Reader(const char* p, size_t n) : p_(p), end_(p + n) {}
  explicit Reader(std::string_view s) : Reader(s.data(), s.size()) {}

  int32_t i32() {
    if (!need(4)) return 0;
    const auto* u = reinterpret_cast<const unsigned char*>(p_);
    p_ += 4;
    return static_cast<int32_t>((uint32_t(u[0]) << 24) | (uint32_t(u[1]) << 16) |
                                (uint32_t(u[2]) << 8) | uint32_t(u[3]));
  }
  int64_t i64() {
    uint64_t hi = static_cast<uint32_t>(i32());
    uint64_t lo = static_cast<uint32_t>(i32());
    return static_cast<int64_t>((hi << 32) | lo);
  }
  bool boolean() {
    if (!need(1)) return false;
    return *p_++ != 0;
  }
  // Reads a string/buffer. A null (-1) yields "" and sets *is_null when given.
  std::string bytes(bool* is_null = nullptr) { return std::string(bytes_view(is_null)); }
  // bytes() without the copy: a view into the input (valid as long as the input is).
  std::string_view bytes_view(bool* is_null = nullptr) {
    int32_t n = i32();
    if (is_null) *is_null = (n == -1);
    if (n == -1) return {};
    if (n < 0) {
      ok_ = false;
      return {};
    }
    if (!need(static_cast<size_t>(n))) return {};
    std::string_view s(p_, static_cast<size_t>(n));
    p_ += n;
    return s;
  }
  // A vector count: -1 (null) reads as 0. Rejects counts that cannot fit in what is left,
  // assuming each element takes at least `min_elem_bytes`.
  int32_t count(size_t min_elem_bytes = 1) {
    int32_t n = i32();
    if (n == -1) return 0;
    if (n < 0 || static_cast<size_t>(n) * min_elem_bytes > remaining()) {
      ok_ = false;
      return 0;
    }
    return n;
  }

  bool ok() const { return ok_; }
  void fail() { ok_ = false; }
  size_t remaining() const { return ok_ ? static_cast<size_t>(end_ - p_) : 0; }
  bool at_end() const { return ok_ && p_ == end_; }
  const char* pos() const { return p_; }

 private:
  bool need(size_t n) {
    if (!ok_ || static_cast<size_t>(end_ - p_) < n) {
      ok_ = false;
      return false;
    }
    return true;
  }
  const char* p_;
  const char* end_;
  bool ok_ = true;
};

}  // namespace zkd::proto
