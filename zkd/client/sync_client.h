// Blocking wrapper over Client for tools (zkctl, tests): each call submits the async
// request and waits for its callback, bounded by a timeout.
//
// Thread-safety: as Client; calls may be made from several threads at once. Never call
// from a Client callback (it would wait on the thread that must answer).
#pragma once

#include <cstdint>
#include <future>
#include <memory>
#include <string>
#include <vector>

#include "zkd/client/client.h"

namespace zkd::client {

// err == 0 on success; value is meaningful only then.
template <class T>
struct Result {
  int32_t err = 0;
  T value{};
  bool ok() const { return err == 0; }
};

class SyncClient {
 public:
  // `request_timeout_ms`: how long one call waits for its reply before returning
  // OPERATIONTIMEOUT (0 = the session timeout).
  explicit SyncClient(Options options, int32_t request_timeout_ms = 0);
  ~SyncClient();

  // Starts and waits for the session. False with *error (connect string problem, or
  // no server reachable within connect_timeout_ms).
  bool connect(int connect_timeout_ms, std::string* error);
  void close() { client_.close(); }
  Client& async() { return client_; }

  Result<CreateResult> create(const std::string& path, const std::string& data, ACLs acl,
                              int32_t mode = 0, int64_t ttl = -1, bool data_null = false);
  Result<Empty> remove(const std::string& path, int32_t version = -1);
  Result<Stat> exists(const std::string& path, bool watch = false);
  Result<DataResult> get_data(const std::string& path, bool watch = false);
  Result<Stat> set_data(const std::string& path, const std::string& data, int32_t version = -1);
  Result<AclResult> get_acl(const std::string& path);
  Result<Stat> set_acl(const std::string& path, ACLs acl, int32_t version = -1);
  Result<ChildrenResult> get_children(const std::string& path, bool watch = false);
  Result<ChildrenResult> get_children2(const std::string& path, bool watch = false);
  Result<std::string> sync(const std::string& path);
  Result<std::vector<OpResult>> multi(const std::vector<Op>& ops);
  Result<std::vector<OpResult>> multi_read(const std::vector<Op>& ops);
  Result<Empty> check_watches(const std::string& path, int32_t type);
  Result<Empty> remove_watches(const std::string& path, int32_t type);
  Result<Empty> add_watch(const std::string& path, int32_t mode);
  Result<std::vector<std::string>> get_ephemerals(const std::string& prefix);
  Result<int32_t> get_all_children_number(const std::string& path);
  Result<std::vector<ClientInfo>> who_am_i();
  Result<DataResult> get_config(bool watch = false);
  Result<Empty> add_auth(const std::string& scheme, const std::string& credentials);

 private:
  template <class T, class Start>
  Result<T> wait(Start start);

  Client client_;
  int32_t request_timeout_ms_;
};

// Default ACL for creates: world:anyone with all permissions (OPEN_ACL_UNSAFE).
ACLs open_acl_unsafe();

}  // namespace zkd::client
