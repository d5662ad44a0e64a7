// Four-letter-word helper: connect to host:port, send the word, read until the server
// closes, all within one deadline. Thread-safe (no shared state).
#pragma once

#include <cstdint>
#include <string>

namespace zkd::client {

struct FourLetterReply {
  bool ok = false;    // connected and read to EOF within the timeout
  std::string text;   // the reply (possibly partial when !ok)
  std::string error;  // why !ok ("connection refused", "timed out"...)
  // The server knows the word but it is not in 4lw.commands.whitelist.
  bool not_whitelisted() const;
};

FourLetterReply four_letter_word(const std::string& host, uint16_t port, const std::string& word,
                                 int timeout_ms = 5000);

}  // namespace zkd::client
