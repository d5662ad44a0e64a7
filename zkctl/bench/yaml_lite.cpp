#include "zkctl/bench/yaml_lite.h"

namespace zkctl::bench {
namespace {

struct Line {
  int indent;
  std::string text;  // without indentation and comment, right-trimmed
  int number;        // 1-based, for errors
};

std::string rtrim(std::string s) {
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.pop_back();
  return s;
}

// Drops a "# comment" that is outside quotes and starts a word.
std::string strip_comment(const std::string& s) {
  char quote = 0;
  for (size_t i = 0; i < s.size(); i++) {
    char c = s[i];
    if (quote) {
      if (c == quote) quote = 0;
    } else if (c == '"' || c == '\'') {
      quote = c;
    } else if (c == '#' && (i == 0 || s[i - 1] == ' ' || s[i - 1] == '\t')) {
      return s.substr(0, i);
    }
  }
  return s;
}

bool scalar_value(const std::string& raw, std::string* out, std::string* error, int line) {
  std::string v = rtrim(raw);
  size_t b = v.find_first_not_of(' ');
  v = b == std::string::npos ? "" : v.substr(b);
  if (!v.empty() && (v[0] == '[' || v[0] == '{' || v[0] == '&' || v[0] == '*' || v[0] == '!' ||
                     v[0] == '|' || v[0] == '>')) {
    *error = "line " + std::to_string(line) +
             ": unsupported YAML (flow style, anchor, tag or block scalar)";
    return false;
  }
  if (v.size() >= 2 && (v[0] == '"' || v[0] == '\'') && v.back() == v[0]) {
    std::string s;
    for (size_t i = 1; i + 1 < v.size(); i++) {
      if (v[0] == '"' && v[i] == '\\' && i + 2 < v.size()) {
        char n = v[++i];
        s += n == 'n' ? '\n' : n == 't' ? '\t' : n;
      } else {
        s += v[i];
      }
    }
    *out = s;
    return true;
  }
  *out = v;
  return true;
}

// Splits "key: value" / "key:" at the first ": " or trailing ':' outside quotes.
bool split_key(const std::string& t, std::string* key, std::string* rest) {
  char quote = 0;
  for (size_t i = 0; i < t.size(); i++) {
    char c = t[i];
    if (quote) {
      if (c == quote) quote = 0;
      continue;
    }
    if (c == '"' || c == '\'') quote = c;
    if (c == ':' && (i + 1 == t.size() || t[i + 1] == ' ')) {
      *key = rtrim(t.substr(0, i));
      if (key->size() >= 2 && ((*key)[0] == '"' || (*key)[0] == '\''))
        *key = key->substr(1, key->size() - 2);
      *rest = i + 1 < t.size() ? t.substr(i + 1) : "";
      return true;
    }
  }
  return false;
}

class Parser {
 public:
  explicit Parser(std::vector<Line> lines) : lines_(std::move(lines)) {}

  bool parse(YNode* out, std::string* error) {
    error_ = error;
    if (lines_.empty()) return true;
    if (!block(lines_[0].indent, out)) return false;
    if (i_ < lines_.size()) return fail("unexpected indentation");
    return true;
  }

 private:
  bool fail(const std::string& why) {
    *error_ = "line " + std::to_string(i_ < lines_.size() ? lines_[i_].number : 0) + ": " + why;
    return false;
  }
  static bool is_item(const std::string& t) { return t == "-" || t.rfind("- ", 0) == 0; }

  // Value after "key:" with nothing on the line: a nested block, a sequence at the same
  // indent (YAML allows "key:\n- a"), or null.
  bool nested(int indent, YNode* out) {
    if (i_ < lines_.size() && lines_[i_].indent > indent) return block(lines_[i_].indent, out);
    if (i_ < lines_.size() && lines_[i_].indent == indent && is_item(lines_[i_].text))
      return block(indent, out);
    out->kind = YNode::kNull;
    return true;
  }

  bool block(int indent, YNode* out) {
    if (is_item(lines_[i_].text)) return sequence(indent, out);
    out->kind = YNode::kMap;
    while (i_ < lines_.size() && lines_[i_].indent == indent && !is_item(lines_[i_].text)) {
      std::string key, rest;
      if (!split_key(lines_[i_].text, &key, &rest)) return fail("expected 'key: value'");
      int line = lines_[i_].number;
      i_++;
      YNode v;
      if (rtrim(rest).find_first_not_of(' ') != std::string::npos) {
        v.kind = YNode::kScalar;
        if (!scalar_value(rest, &v.scalar, error_, line)) return false;
      } else if (!nested(indent, &v)) {
        return false;
      }
      out->map.emplace_back(std::move(key), std::move(v));
    }
    if (i_ < lines_.size() && lines_[i_].indent > indent) return fail("unexpected indentation");
    return true;
  }

  bool sequence(int indent, YNode* out) {
    out->kind = YNode::kSeq;
    while (i_ < lines_.size() && lines_[i_].indent == indent && is_item(lines_[i_].text)) {
      Line& l = lines_[i_];
      std::string body = l.text.size() > 1 ? l.text.substr(2) : "";
      size_t b = body.find_first_not_of(' ');
      YNode item;
      if (b == std::string::npos) {
        i_++;
        if (!nested(indent, &item)) return false;
      } else {
        std::string key, rest;
        if (split_key(body.substr(b), &key, &rest)) {
          // "- key: value": the item is a mapping whose keys sit at the text's column.
          l.indent = indent + 2 + int(b);
          l.text = body.substr(b);
          if (!block(l.indent, &item)) return false;
        } else {
          item.kind = YNode::kScalar;
          if (!scalar_value(body, &item.scalar, error_, l.number)) return false;
          i_++;
        }
      }
      out->seq.push_back(std::move(item));
    }
    return true;
  }

  std::vector<Line> lines_;
  size_t i_ = 0;
  std::string* error_ = nullptr;
};

}  // namespace

const YNode* YNode::get(std::string_view key) const {
  for (const auto& [k, v] : map)
    if (k == key) return &v;
  return nullptr;
}

std::vector<const YNode*> YNode::all(std::string_view key) const {
  std::vector<const YNode*> out;
  for (const auto& [k, v] : map)
    if (k == key) out.push_back(&v);
  return out;
}

bool parse_yaml(std::string_view text, YNode* out, std::string* error) {
  std::vector<Line> lines;
  int number = 0;
  size_t pos = 0;
  while (pos <= text.size()) {
    size_t nl = text.find('\n', pos);
    if (nl == std::string_view::npos) nl = text.size();
    std::string raw(text.substr(pos, nl - pos));
    pos = nl + 1;
    number++;
    size_t lead = raw.find_first_not_of(" \t");
    if (lead != std::string::npos && raw.substr(0, lead).find('\t') != std::string::npos) {
      *error = "line " + std::to_string(number) + ": tab in indentation";
      return false;
    }
    std::string t = rtrim(strip_comment(raw));
    size_t b = t.find_first_not_of(' ');
    if (b == std::string::npos) continue;
    if (t == "---" || t == "...") continue;
    lines.push_back({int(b), t.substr(b), number});
  }
  *out = YNode{};
  return Parser(std::move(lines)).parse(out, error);
}

}  // namespace zkctl::bench
