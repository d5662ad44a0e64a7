#include "zkd/client/connect_string.h"

#include <charconv>

namespace zkd::client {

namespace {

bool parse_host_port(std::string_view hp, HostPort* out, std::string* error) {
  std::string_view host = hp;
  std::string_view port;
  if (!hp.empty() && hp.front() == '[') {  // [v6]:port
    size_t close = hp.find(']');
    if (close == std::string_view::npos) {
      *error = "unterminated '[' in server address '" + std::string(hp) + "'";
      return false;
    }
    host = hp.substr(1, close - 1);
    std::string_view rest = hp.substr(close + 1);
    if (!rest.empty()) {
      if (rest.front() != ':') {
        *error = "bad server address '" + std::string(hp) + "'";
        return false;
      }
      port = rest.substr(1);
    }
  } else {
    size_t colon = hp.rfind(':');
    if (colon != std::string_view::npos) {
      host = hp.substr(0, colon);
      port = hp.substr(colon + 1);
    }
  }
  if (host.empty()) {
    *error = "empty host in server address '" + std::string(hp) + "'";
    return false;
  }
  out->host = std::string(host);
  out->port = 2181;
  if (!port.empty() || hp.find(':') != std::string_view::npos) {
    unsigned v = 0;
    auto [p, ec] = std::from_chars(port.data(), port.data() + port.size(), v);
    if (ec != std::errc() || p != port.data() + port.size() || v == 0 || v > 65535) {
      *error = "bad port in server address '" + std::string(hp) + "'";
      return false;
    }
    out->port = static_cast<uint16_t>(v);
  }
  return true;
}

}  // namespace

bool parse_connect_string(std::string_view s, ConnectString* out, std::string* error) {
  out->hosts.clear();
  out->chroot.clear();
  size_t slash = s.find('/');
  std::string_view hosts = s.substr(0, slash);
  if (slash != std::string_view::npos) {
    std::string_view chroot = s.substr(slash);
    if (chroot != "/") {
      std::string why = validate_path(chroot);
      if (!why.empty()) {
        *error = "bad chroot '" + std::string(chroot) + "': " + why;
        return false;
      }
      out->chroot = std::string(chroot);
    }
  }
  size_t start = 0;
  while (start <= hosts.size()) {
    size_t comma = hosts.find(',', start);
    std::string_view part = hosts.substr(
        start, comma == std::string_view::npos ? std::string_view::npos : comma - start);
    if (!part.empty()) {
      HostPort hp;
      if (!parse_host_port(part, &hp, error)) return false;
      out->hosts.push_back(std::move(hp));
    }
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  if (out->hosts.empty()) {
    *error = "no server address in '" + std::string(s) + "'";
    return false;
  }
  return true;
}

std::string validate_path(std::string_view path, bool sequential) {
  if (path.empty()) return "path must not be empty";
  if (path.front() != '/') return "path must start with / character";
  if (path.size() == 1) return sequential ? "" : "";
  if (path.back() == '/' && !sequential) return "path must not end with / character";
  size_t i = 1;
  while (i <= path.size()) {
    size_t j = path.find('/', i);
    if (j == std::string_view::npos) j = path.size();
    std::string_view seg = path.substr(i, j - i);
    bool last = (j == path.size());
    if (seg.empty() && !(last && sequential)) return "empty node name specified";
    if (seg == "." || seg == "..") return "relative paths not allowed";
    i = j + 1;
  }
  for (unsigned char c : path) {
    if (c == 0) return "null character not allowed";
    if (c < 0x20 || c == 0x7f) return "invalid character in path";
  }
  return "";
}

std::string prepend_chroot(std::string_view chroot, std::string_view path) {
  if (chroot.empty()) return std::string(path);
  if (path == "/") return std::string(chroot);
  return std::string(chroot) + std::string(path);
}

std::string strip_chroot(std::string_view chroot, std::string_view path) {
  if (chroot.empty()) return std::string(path);
  if (path == chroot) return "/";
  if (path.size() > chroot.size() && path.substr(0, chroot.size()) == chroot &&
      path[chroot.size()] == '/') {
    return std::string(path.substr(chroot.size()));
  }
  return std::string(path);
}

}  // namespace zkd::client
