// CRC-32C (Castagnoli), the checksum on every stored record. Uses the SSE4.2 crc32
// instruction when the CPU has it, a table otherwise; both give identical results.
// Thread-safe (pure).
#pragma once

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <string_view>

namespace zkd::storage {

// Extends `crc` (the value returned by a previous call, 0 to start) with `data`.
uint32_t crc32c_extend(uint32_t crc, const void* data, size_t size);

inline uint32_t crc32c(std::string_view data) {
  return crc32c_extend(0, data.data(), data.size());
}

// CRC of some int64 fields (each big-endian) followed by bytes: how a row binds its key
// columns to its payload, so a value moved to another row fails its check.
inline uint32_t crc32c_fields(std::initializer_list<int64_t> fields, std::string_view data) {
  uint32_t crc = 0;
  for (int64_t f : fields) {
    unsigned char k[8];
    for (int i = 0; i < 8; ++i)
      k[i] = static_cast<unsigned char>(static_cast<uint64_t>(f) >> (56 - 8 * i));
    crc = crc32c_extend(crc, k, 8);
  }
  return crc32c_extend(crc, data.data(), data.size());
}

}  // namespace zkd::storage
