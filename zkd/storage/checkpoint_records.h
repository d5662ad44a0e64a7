// CheckpointRecords: the records of one checkpoint, packed into ~1 MiB chunks as they are
// added (each record prefixed by its LEB128 length, the on-disk chunk format). Building a
// checkpoint of millions of znodes this way costs one allocation per chunk instead of one
// std::string per record, which matters on the state thread that snapshots the tree.
// Not thread-safe; hand it over by move (e.g. to GroupCommitter::request_checkpoint).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace zkd::storage {

// A chunk closes once it reaches this many bytes (a larger record gets a chunk of its own).
constexpr size_t kChunkTargetBytes = 1 << 20;

class CheckpointRecords {
 public:
  struct Chunk {
    std::string data;  // records, each prefixed by its length (unsigned LEB128)
    int64_t record_count = 0;
  };

  CheckpointRecords() = default;
  explicit CheckpointRecords(const std::vector<std::string>& records);

  void add(std::string_view record);
  int64_t record_count() const { return record_count_; }
  const std::vector<Chunk>& chunks() const { return chunks_; }

 private:
  std::vector<Chunk> chunks_;
  int64_t record_count_ = 0;
};

}  // namespace zkd::storage
