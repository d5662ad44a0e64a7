#include "zkd/client/sync_client.h"

#include <chrono>

namespace zkd::client {

ACLs open_acl_unsafe() {
  return {ACL{proto::perm::kAll, Id{"world", "anyone"}}};
}

SyncClient::SyncClient(Options options, int32_t request_timeout_ms)
    : client_(std::move(options)), request_timeout_ms_(request_timeout_ms) {}

SyncClient::~SyncClient() = default;

bool SyncClient::connect(int connect_timeout_ms, std::string* error) {
  if (!client_.start(error)) return false;
  if (client_.wait_connected(connect_timeout_ms)) {
    if (request_timeout_ms_ <= 0) request_timeout_ms_ = client_.negotiated_timeout_ms();
    return true;
  }
  std::string why = client_.last_error();
  State st = client_.state();
  if (st == State::kExpired) {
    *error = "session expired";
  } else if (why.empty()) {
    *error = "timed out connecting";
  } else {
    *error = why;
  }
  return false;
}

template <class T, class Start>
Result<T> SyncClient::wait(Start start) {
  auto prom = std::make_shared<std::promise<Result<T>>>();
  auto fut = prom->get_future();
  start([prom](int32_t err, T v) { prom->set_value(Result<T>{err, std::move(v)}); });
  int32_t t = request_timeout_ms_ > 0 ? request_timeout_ms_ : 30000;
  if (fut.wait_for(std::chrono::milliseconds(t)) != std::future_status::ready) {
    return Result<T>{proto::err::kOperationTimeout, T{}};
  }
  return fut.get();
}

Result<CreateResult> SyncClient::create(const std::string& path, const std::string& data, ACLs acl,
                                        int32_t mode, int64_t ttl, bool data_null) {
  return wait<CreateResult>([&](Callback<CreateResult> cb) {
    client_.create2(path, data, data_null, std::move(acl), mode, ttl, std::move(cb));
  });
}
Result<Empty> SyncClient::remove(const std::string& path, int32_t version) {
  return wait<Empty>([&](Callback<Empty> cb) { client_.remove(path, version, std::move(cb)); });
}
Result<Stat> SyncClient::exists(const std::string& path, bool watch) {
  return wait<Stat>([&](Callback<Stat> cb) { client_.exists(path, watch, std::move(cb)); });
}
Result<DataResult> SyncClient::get_data(const std::string& path, bool watch) {
  return wait<DataResult>(
      [&](Callback<DataResult> cb) { client_.get_data(path, watch, std::move(cb)); });
}
Result<Stat> SyncClient::set_data(const std::string& path, const std::string& data,
                                  int32_t version) {
  return wait<Stat>(
      [&](Callback<Stat> cb) { client_.set_data(path, data, version, std::move(cb)); });
}
Result<AclResult> SyncClient::get_acl(const std::string& path) {
  return wait<AclResult>([&](Callback<AclResult> cb) { client_.get_acl(path, std::move(cb)); });
}
Result<Stat> SyncClient::set_acl(const std::string& path, ACLs acl, int32_t version) {
  return wait<Stat>(
      [&](Callback<Stat> cb) { client_.set_acl(path, std::move(acl), version, std::move(cb)); });
}
Result<ChildrenResult> SyncClient::get_children(const std::string& path, bool watch) {
  return wait<ChildrenResult>(
      [&](Callback<ChildrenResult> cb) { client_.get_children(path, watch, std::move(cb)); });
}
Result<ChildrenResult> SyncClient::get_children2(const std::string& path, bool watch) {
  return wait<ChildrenResult>(
      [&](Callback<ChildrenResult> cb) { client_.get_children2(path, watch, std::move(cb)); });
}
Result<std::string> SyncClient::sync(const std::string& path) {
  return wait<std::string>([&](Callback<std::string> cb) { client_.sync(path, std::move(cb)); });
}
Result<std::vector<OpResult>> SyncClient::multi(const std::vector<Op>& ops) {
  return wait<std::vector<OpResult>>(
      [&](Callback<std::vector<OpResult>> cb) { client_.multi(ops, std::move(cb)); });
}
Result<std::vector<OpResult>> SyncClient::multi_read(const std::vector<Op>& ops) {
  return wait<std::vector<OpResult>>(
      [&](Callback<std::vector<OpResult>> cb) { client_.multi_read(ops, std::move(cb)); });
}
Result<Empty> SyncClient::check_watches(const std::string& path, int32_t type) {
  return wait<Empty>([&](Callback<Empty> cb) { client_.check_watches(path, type, std::move(cb)); });
}
Result<Empty> SyncClient::remove_watches(const std::string& path, int32_t type) {
  return wait<Empty>(
      [&](Callback<Empty> cb) { client_.remove_watches(path, type, std::move(cb)); });
}
Result<Empty> SyncClient::add_watch(const std::string& path, int32_t mode) {
  return wait<Empty>([&](Callback<Empty> cb) { client_.add_watch(path, mode, std::move(cb)); });
}
Result<std::vector<std::string>> SyncClient::get_ephemerals(const std::string& prefix) {
  return wait<std::vector<std::string>>([&](Callback<std::vector<std::string>> cb) {
    client_.get_ephemerals(prefix, std::move(cb));
  });
}
Result<int32_t> SyncClient::get_all_children_number(const std::string& path) {
  return wait<int32_t>(
      [&](Callback<int32_t> cb) { client_.get_all_children_number(path, std::move(cb)); });
}
Result<std::vector<ClientInfo>> SyncClient::who_am_i() {
  return wait<std::vector<ClientInfo>>(
      [&](Callback<std::vector<ClientInfo>> cb) { client_.who_am_i(std::move(cb)); });
}
Result<DataResult> SyncClient::get_config(bool watch) {
  return wait<DataResult>(
      [&](Callback<DataResult> cb) { client_.get_config(watch, std::move(cb)); });
}
Result<Empty> SyncClient::add_auth(const std::string& scheme, const std::string& credentials) {
  return wait<Empty>(
      [&](Callback<Empty> cb) { client_.add_auth(scheme, credentials, std::move(cb)); });
}

}  // namespace zkd::client
