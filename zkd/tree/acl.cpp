#include "zkd/tree/acl.h"

#include <Poco/Base64Encoder.h>
#include <Poco/DigestEngine.h>
#include <Poco/SHA1Engine.h>

#include <algorithm>
#include <sstream>

#include "zkd/proto/ops.h"

namespace zkd::tree {
namespace {

// Parses a dotted IPv4 address into 32 bits.
bool parse_ipv4(const std::string& s, uint32_t* out) {
  uint32_t v = 0;
  int parts = 0;
  size_t i = 0;
  while (i <= s.size()) {
    size_t j = s.find('.', i);
    if (j == std::string::npos) j = s.size();
    if (j == i || j - i > 3) return false;
    int n = 0;
    for (size_t k = i; k < j; ++k) {
      if (s[k] < '0' || s[k] > '9') return false;
      n = n * 10 + (s[k] - '0');
    }
    if (n > 255) return false;
    v = (v << 8) | static_cast<uint32_t>(n);
    ++parts;
    i = j + 1;
    if (j == s.size()) break;
  }
  if (parts != 4) return false;
  *out = v;
  return true;
}

// ip ACL id: "a.b.c.d" or "a.b.c.d/bits".
bool ip_matches(const std::string& acl_id, const std::string& client) {
  std::string addr = acl_id;
  int bits = 32;
  if (auto slash = acl_id.find('/'); slash != std::string::npos) {
    addr = acl_id.substr(0, slash);
    try {
      bits = std::stoi(acl_id.substr(slash + 1));
    } catch (...) {
      return false;
    }
    if (bits < 0 || bits > 32) return false;
  }
  uint32_t a, c;
  if (!parse_ipv4(addr, &a) || !parse_ipv4(client, &c)) return addr == client;
  uint32_t mask = bits == 0 ? 0 : ~uint32_t(0) << (32 - bits);
  return (a & mask) == (c & mask);
}

bool valid_ip_id(const std::string& id) {
  std::string addr = id.substr(0, id.find('/'));
  uint32_t a;
  return parse_ipv4(addr, &a) || addr.find(':') != std::string::npos;
}

}  // namespace

std::string digest_of(const std::string& user_password) {
  Poco::SHA1Engine sha1;
  sha1.update(user_password);
  const auto& d = sha1.digest();
  std::ostringstream b64;
  {
    Poco::Base64Encoder enc(b64);
    enc.write(reinterpret_cast<const char*>(d.data()), static_cast<std::streamsize>(d.size()));
    enc.close();
  }
  std::string user = user_password.substr(0, user_password.find(':'));
  return user + ":" + b64.str();
}

bool acl_allows(const proto::ACLs& acl, const AuthIds& ids, int32_t perm) {
  for (const auto& id : ids) {
    if (id.scheme == "super") return true;
  }
  for (const auto& a : acl) {
    if (!(a.perms & perm)) continue;
    if (a.id.scheme == "world" && a.id.id == "anyone") return true;
    for (const auto& id : ids) {
      if (id.scheme != a.id.scheme) continue;
      if (a.id.scheme == "ip" ? ip_matches(a.id.id, id.id) : id.id == a.id.id) return true;
    }
  }
  return false;
}

bool fixup_acl(const proto::ACLs& in, const AuthIds& ids, proto::ACLs* out) {
  out->clear();
  if (in.empty()) return false;
  auto add = [&](const proto::ACL& a) {
    if (std::find(out->begin(), out->end(), a) == out->end()) out->push_back(a);
  };
  for (const auto& a : in) {
    const auto& scheme = a.id.scheme;
    if (scheme == "world") {
      if (a.id.id != "anyone") return false;
      add(a);
    } else if (scheme == "auth") {
      bool any = false;
      for (const auto& id : ids) {
        if (id.scheme == "digest") {  // ip is not an "authenticated" provider
          add({a.perms, id});
          any = true;
        }
      }
      if (!any) return false;
    } else if (scheme == "digest") {
      if (a.id.id.find(':') == std::string::npos) return false;
      add(a);
    } else if (scheme == "ip") {
      if (!valid_ip_id(a.id.id)) return false;
      add(a);
    } else if (scheme == "super") {
      add(a);
    } else {
      return false;
    }
  }
  return true;
}

proto::ACLs mask_digests(const proto::ACLs& acl) {
  proto::ACLs out = acl;
  for (auto& a : out) {
    if (a.id.scheme == "digest") a.id.id = a.id.id.substr(0, a.id.id.find(':')) + ":x";
  }
  return out;
}

}  // namespace zkd::tree
