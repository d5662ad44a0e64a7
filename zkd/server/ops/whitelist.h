// Four-letter-word recognition and the 4lw.commands.whitelist (ZooKeeper 3.8 semantics).
// Pure; a FourLetterConfig is immutable after parsing and safe to share across threads.
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>

namespace zkd::ops {

// zkd's default whitelist. ZooKeeper's default is "srvr" only; zkd also enables the
// read-only health/monitoring words (see docs/operability.md, "Whitelist default").
inline constexpr std::string_view kDefaultFourLetterWhitelist = "srvr, ruok, mntr, conf, isro";

// Words ZooKeeper 3.8.0 knows (FourLetterCommands.cmd2String), without "telnet close".
const std::set<std::string, std::less<>>& known_four_letter_words();

struct FourLetterConfig {
  std::set<std::string, std::less<>> enabled;  // srvr is always present
  bool is_enabled(std::string_view word) const { return enabled.count(word) > 0; }
};

// Parses a 4lw.commands.whitelist value as ZooKeeper does: split on ',', trim each entry,
// skip empty ones; an entry "*" enables every known word and stops parsing; unknown words
// are kept but can never match a known word. "srvr" is always added; "isro" is added when
// read_only_mode_enabled (readonlymode.enabled=true).
FourLetterConfig parse_four_letter_whitelist(std::string_view value,
                                             bool read_only_mode_enabled = false);

// The config zkd uses when zoo.cfg has no 4lw.commands.whitelist.
FourLetterConfig default_four_letter_config();

// The command word of a connection's first 4 bytes (big-endian, as they arrive), or nullopt
// when they are not a known word and must be treated as a frame length. 0xfff4fffd
// (telnet's close sequence) maps to "telnet close": the server just closes.
std::optional<std::string_view> four_letter_word(uint32_t first4bytes);
bool is_four_letter_word(uint32_t first4bytes);

// True for "stmk": the server must read an 8-byte big-endian trace mask after the word and
// pass it to run_four_letter.
bool four_letter_needs_argument(std::string_view word);

}  // namespace zkd::ops
