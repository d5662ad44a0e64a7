#include "zkd/server/ops/whitelist.h"

namespace zkd::ops {

namespace {

constexpr uint32_t kTelnetClose = 0xfff4fffdu;
constexpr std::string_view kTelnetCloseWord = "telnet close";

uint32_t word_code(std::string_view w) {
  return (static_cast<uint32_t>(static_cast<unsigned char>(w[0])) << 24) |
         (static_cast<uint32_t>(static_cast<unsigned char>(w[1])) << 16) |
         (static_cast<uint32_t>(static_cast<unsigned char>(w[2])) << 8) |
         static_cast<uint32_t>(static_cast<unsigned char>(w[3]));
}

std::string_view trim(std::string_view s) {
  const char* ws = " \t\r\n\f\v";
  auto b = s.find_first_not_of(ws);
  if (b == std::string_view::npos) return {};
  auto e = s.find_last_not_of(ws);
  return s.substr(b, e - b + 1);
}

}  // namespace

const std::set<std::string, std::less<>>& known_four_letter_words() {
  static const std::set<std::string, std::less<>> words = {
      "conf", "cons", "crst", "dirs", "dump", "envi", "gtmk", "ruok", "stmk",
      "srst", "srvr", "stat", "wchc", "wchp", "wchs", "mntr", "isro", "hash"};
  return words;
}

FourLetterConfig parse_four_letter_whitelist(std::string_view value, bool read_only_mode_enabled) {
  FourLetterConfig cfg;
  size_t pos = 0;
  while (pos <= value.size()) {
    size_t comma = value.find(',', pos);
    if (comma == std::string_view::npos) comma = value.size();
    std::string_view entry = trim(value.substr(pos, comma - pos));
    if (entry == "*") {
      for (const auto& w : known_four_letter_words()) cfg.enabled.insert(w);
      cfg.enabled.insert(std::string(kTelnetCloseWord));
      break;
    }
    if (!entry.empty()) cfg.enabled.insert(std::string(entry));
    pos = comma + 1;
  }
  if (read_only_mode_enabled) cfg.enabled.insert("isro");
  cfg.enabled.insert("srvr");  // zkServer.sh status depends on it
  return cfg;
}

FourLetterConfig default_four_letter_config() {
  return parse_four_letter_whitelist(kDefaultFourLetterWhitelist);
}

std::optional<std::string_view> four_letter_word(uint32_t first4bytes) {
  if (first4bytes == kTelnetClose) return kTelnetCloseWord;
  for (const auto& w : known_four_letter_words()) {
    if (word_code(w) == first4bytes) return std::string_view(w);
  }
  return std::nullopt;
}

bool is_four_letter_word(uint32_t first4bytes) {
  return four_letter_word(first4bytes).has_value();
}

bool four_letter_needs_argument(std::string_view word) {
  return word == "stmk";
}

}  // namespace zkd::ops
