#include "zkd/storage/chunk.h"

#include <algorithm>

#include "zkd/storage/crc32c.h"

#include <zstd.h>

namespace zkd::storage {

bool compress_chunk(std::string_view raw, std::string* out) {
  out->resize(ZSTD_compressBound(raw.size()));
  size_t n = ZSTD_compress(out->data(), out->size(), raw.data(), raw.size(), 1);
  if (ZSTD_isError(n)) return false;
  out->resize(n);
  return true;
}

bool decompress_chunk(std::string_view packed, std::string* out) {
  unsigned long long size = ZSTD_getFrameContentSize(packed.data(), packed.size());
  // A chunk holds about kChunkTargetBytes, or one record up to jute.maxbuffer-ish; 1 GiB
  // bounds what a corrupt header can make us allocate.
  if (size == ZSTD_CONTENTSIZE_ERROR || size == ZSTD_CONTENTSIZE_UNKNOWN || size > (1ull << 30)) {
    return false;
  }
  out->resize(size);
  size_t n = ZSTD_decompress(out->data(), out->size(), packed.data(), packed.size());
  return !ZSTD_isError(n) && n == size;
}


void append_record(std::string* chunk, std::string_view record) {
  uint64_t n = record.size();
  while (n >= 0x80) {
    chunk->push_back(static_cast<char>((n & 0x7F) | 0x80));
    n >>= 7;
  }
  chunk->push_back(static_cast<char>(n));
  chunk->append(record);
}

CheckpointRecords::CheckpointRecords(const std::vector<std::string>& records) {
  for (const std::string& r : records) add(r);
}

void CheckpointRecords::add(std::string_view record) {
  if (chunks_.empty() || chunks_.back().data.size() >= kChunkTargetBytes) {
    chunks_.emplace_back();
    // One allocation per chunk: growing by doubling would copy and page-fault each
    // chunk several times over.
    chunks_.back().data.reserve(kChunkTargetBytes + std::min<size_t>(record.size() + 10, 1 << 16));
  }
  append_record(&chunks_.back().data, record);
  ++chunks_.back().record_count;
  ++record_count_;
}

int64_t for_each_record(std::string_view chunk, const std::function<void(std::string_view)>& fn) {
  const auto* p = reinterpret_cast<const unsigned char*>(chunk.data());
  const auto* end = p + chunk.size();
  int64_t count = 0;
  while (p < end) {
    uint64_t n = 0;
    int shift = 0;
    while (true) {
      if (p == end || shift > 63) return -1;
      unsigned char b = *p++;
      n |= static_cast<uint64_t>(b & 0x7F) << shift;
      if (!(b & 0x80)) break;
      shift += 7;
    }
    if (n > static_cast<uint64_t>(end - p)) return -1;
    fn(std::string_view(reinterpret_cast<const char*>(p), n));
    p += n;
    ++count;
  }
  return count;
}

uint32_t chunk_crc(int64_t checkpoint_zxid, int64_t seq, int64_t record_count,
                   std::string_view data) {
  return crc32c_fields({checkpoint_zxid, seq, record_count}, data);
}

}  // namespace zkd::storage
