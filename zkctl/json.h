// Minimal JSON emitter for zkctl's -o json output: fields appear in the order they are
// written, so the output shape is stable. Also base64 and hex helpers. Not thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace zkctl {

// Quotes and escapes `s` as a JSON string. Invalid UTF-8 bytes become U+FFFD.
std::string json_quote(std::string_view s);
// True when `s` is valid UTF-8 (so it can be shown as text).
bool valid_utf8(std::string_view s);

std::string base64_encode(std::string_view in);
// False on malformed input.
bool base64_decode(std::string_view in, std::string* out);
std::string hex_encode(std::string_view in);

// Builds one JSON value. Usage: Json j; j.begin_object(); j.key("a").num(1); j.end_object();
class Json {
 public:
  Json& begin_object();
  Json& end_object();
  Json& begin_array();
  Json& end_array();
  Json& key(std::string_view k);
  Json& str(std::string_view s);
  Json& num(int64_t v);
  Json& boolean(bool v);
  Json& null();
  Json& raw(std::string_view already_json);  // a pre-built JSON value
  const std::string& text() const { return out_; }

 private:
  void comma();
  std::string out_;
  std::vector<bool> first_;  // per open container: no element written yet
  bool after_key_ = false;
};

}  // namespace zkctl
