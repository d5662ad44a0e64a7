#include "zkd/tree/path.h"

#include <cstdint>

namespace zkd::tree {
namespace {

// Decodes one UTF-8 sequence at s[i] and advances i. Malformed input decodes to U+FFFD,
// which is in a forbidden range, as Java's decoder does before PathUtils rejects it.
uint32_t next_code_point(std::string_view s, size_t& i) {
  auto b = static_cast<unsigned char>(s[i++]);
  if (b < 0x80) return b;
  int extra;
  uint32_t cp;
  if ((b & 0xE0) == 0xC0) {
    extra = 1;
    cp = b & 0x1F;
  } else if ((b & 0xF0) == 0xE0) {
    extra = 2;
    cp = b & 0x0F;
  } else if ((b & 0xF8) == 0xF0) {
    extra = 3;
    cp = b & 0x07;
  } else {
    return 0xFFFD;
  }
  for (int k = 0; k < extra; ++k, ++i) {
    if (i >= s.size()) return 0xFFFD;
    auto c = static_cast<unsigned char>(s[i]);
    if ((c & 0xC0) != 0x80) return 0xFFFD;
    cp = (cp << 6) | (c & 0x3F);
  }
  return cp;
}

// Java holds a code point above U+FFFF as a surrogate pair (U+D800-DFFF), which
// PathUtils rejects; so are they here.
bool forbidden(uint32_t cp) {
  return cp > 0xFFFF || cp == 0 || (cp >= 0x1 && cp <= 0x1F) || (cp >= 0x7F && cp <= 0x9F) ||
         (cp >= 0xD800 && cp <= 0xF8FF) || (cp >= 0xFFF0 && cp <= 0xFFFF);
}

}  // namespace

bool valid_path(std::string_view path) {
  if (path.empty() || path[0] != '/') return false;
  if (path.size() == 1) return true;
  if (path.back() == '/') return false;
  size_t seg_start = 1;
  for (size_t i = 1; i <= path.size(); ++i) {
    if (i == path.size() || path[i] == '/') {
      std::string_view seg = path.substr(seg_start, i - seg_start);
      if (seg.empty() || seg == "." || seg == "..") return false;
      seg_start = i + 1;
    }
  }
  for (size_t i = 0; i < path.size();) {
    if (forbidden(next_code_point(path, i))) return false;
  }
  return true;
}

std::string_view parent_of(std::string_view path) {
  size_t slash = path.rfind('/');
  return slash == 0 ? std::string_view("/") : path.substr(0, slash);
}

std::string_view basename_of(std::string_view path) { return path.substr(path.rfind('/') + 1); }

std::string child_path(std::string_view parent, std::string_view name) {
  std::string out(parent);
  if (out != "/") out.push_back('/');
  out.append(name);
  return out;
}

}  // namespace zkd::tree
