// ACL checks and ACL normalisation (ZooKeeper's PrepRequestProcessor.checkACL/fixupACL and
// the world, auth, digest, ip and super schemes).
#pragma once

#include <string>
#include <vector>

#include "zkd/proto/records.h"

namespace zkd::tree {

// The ids a connection has authenticated as (ip:<addr> from the start, digest:user:hash
// after addauth, super when the super digest matched).
using AuthIds = std::vector<proto::Id>;

// digest scheme: "user:password" -> "user:base64(sha1(user:password))".
std::string digest_of(const std::string& user_password);

// True when `ids` hold `perm` on `acl` (or a super id).
bool acl_allows(const proto::ACLs& acl, const AuthIds& ids, int32_t perm);

// Validates and expands a client-supplied ACL list for create/setACL: empty list, an
// unknown scheme, a malformed id, or `auth` without authenticated ids -> false
// (INVALIDACL). `auth` entries become the caller's digest ids; duplicates are dropped.
bool fixup_acl(const proto::ACLs& in, const AuthIds& ids, proto::ACLs* out);

// getACL without ADMIN (or READ-only callers) sees digest ids masked as "user:x".
proto::ACLs mask_digests(const proto::ACLs& acl);

}  // namespace zkd::tree
