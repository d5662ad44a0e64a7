// A small YAML subset reader, enough for keeper-bench style configs: block mappings (keys
// may repeat; order is kept), block sequences ("- item", including "- key: value" items),
// plain, single- and double-quoted scalars, and # comments. No flow style, anchors, tags or
// multi-line scalars: those are reported as errors rather than misread.
// Pure functions; no shared state.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace zkctl::bench {

struct YNode {
  enum Kind { kNull, kScalar, kMap, kSeq } kind = kNull;
  std::string scalar;
  std::vector<std::pair<std::string, YNode>> map;  // in file order, duplicates kept
  std::vector<YNode> seq;

  // First value under `key`, or nullptr.
  const YNode* get(std::string_view key) const;
  // Every value under `key` (repeated keys), in order.
  std::vector<const YNode*> all(std::string_view key) const;
};

bool parse_yaml(std::string_view text, YNode* out, std::string* error);

}  // namespace zkctl::bench
