// Record packing and CRC-32C.
#include "zkd/storage/chunk.h"

#include <gtest/gtest.h>

#include "zkd/storage/crc32c.h"

namespace zkd::storage {
namespace {

TEST(Crc32c, KnownVectors) {
  EXPECT_EQ(crc32c("123456789"), 0xE3069283u);  // the standard check value
  EXPECT_EQ(crc32c(""), 0u);
  std::string long_text(1000, 'x');
  uint32_t whole = crc32c(long_text);
  uint32_t parts = crc32c_extend(crc32c_extend(0, long_text.data(), 333), long_text.data() + 333,
                                 long_text.size() - 333);
  EXPECT_EQ(whole, parts);
}

TEST(Chunk, RecordsRoundTripIncludingEmptyAndLong) {
  std::vector<std::string> recs = {"", "a", std::string(200, 'b'), std::string(70000, 'c')};
  std::string chunk;
  for (auto& r : recs) append_record(&chunk, r);
  std::vector<std::string> got;
  EXPECT_EQ(for_each_record(chunk, [&](std::string_view r) { got.emplace_back(r); }), 4);
  EXPECT_EQ(got, recs);
}

TEST(Chunk, TruncatedChunkDoesNotParse) {
  std::string chunk;
  append_record(&chunk, std::string(300, 'x'));
  chunk.pop_back();
  EXPECT_EQ(for_each_record(chunk, [](std::string_view) {}), -1);
}

TEST(CheckpointRecords, PacksIntoBoundedChunksInOrder) {
  CheckpointRecords recs;
  std::vector<std::string> expect;
  for (int i = 0; i < 20000; ++i) {
    expect.push_back(std::string(100 + i % 7, static_cast<char>('a' + i % 26)));
    recs.add(expect.back());
  }
  expect.push_back(std::string(2 * kChunkTargetBytes, 'z'));
  recs.add(expect.back());
  expect.push_back("");
  recs.add(expect.back());
  EXPECT_EQ(recs.record_count(), static_cast<int64_t>(expect.size()));
  EXPECT_GE(recs.chunks().size(), 3u);
  std::vector<std::string> got;
  int64_t counted = 0;
  for (const auto& c : recs.chunks()) {
    // A chunk only grows past the target by its last record.
    EXPECT_EQ(for_each_record(c.data, [&](std::string_view r) { got.emplace_back(r); }),
              c.record_count);
    counted += c.record_count;
  }
  EXPECT_EQ(counted, recs.record_count());
  EXPECT_EQ(got, expect);
}

}  // namespace
}  // namespace zkd::storage
