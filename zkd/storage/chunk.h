// Checkpoint chunks: many opaque records packed into one blob, each prefixed by its
// length as an unsigned LEB128 varint. A chunk is one row of a checkpoint file; its CRC
// (stored in the row) covers the checkpoint zxid, the chunk's seq, its record count and
// the blob. Pure functions, thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "zkd/storage/checkpoint_records.h"

namespace zkd::storage {

void append_record(std::string* chunk, std::string_view record);

// Calls fn for each record of `chunk`. Returns the number of records, or -1 when the
// blob does not parse exactly (a length runs past the end).
int64_t for_each_record(std::string_view chunk, const std::function<void(std::string_view)>& fn);

// Chunks are stored compressed with zstd (level 1: fast enough to write a 1M-node
// checkpoint in the background and to load it in a fraction of a second).
constexpr const char* kChunkCodec = "zstd";
bool compress_chunk(std::string_view raw, std::string* out);
// False when `packed` is not one complete zstd frame of a sane size.
bool decompress_chunk(std::string_view packed, std::string* out);

uint32_t chunk_crc(int64_t checkpoint_zxid, int64_t seq, int64_t record_count,
                   std::string_view data);

}  // namespace zkd::storage
