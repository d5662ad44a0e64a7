// The built-in workloads on the bench layout: ROOT/k... keys, ROOT/c for creates, ROOT/d for
// nodes to delete. Teardown deletes the whole bench root.
#include <climits>

#include "zkctl/bench/modes.h"
#include "zkctl/bench/runner.h"
#include "zkctl/bench/session.h"
#include "zkd/proto/ops.h"

namespace zkctl::bench {
namespace {

namespace err = zkd::proto::err;

bool ensure(int fd, const std::string& path, std::string* error) {
  int32_t rc = sync_create(fd, path, "", error);
  if (rc == err::kOk || rc == err::kNodeExists) return true;
  if (rc != INT32_MIN) *error = "create " + path + ": " + zkd::proto::error_name(rc);
  return false;
}

class StandardMode : public Mode {
 public:
  explicit StandardMode(const Options& o) : o_(o), layout_(make_layout(o)) {
    value_.push_back(layout_.value);
  }

  bool prepare(int admin, std::string* error) override {
    bool ok = ensure(admin, o_.root, error);
    if (ok && (o_.workload == Workload::kCreate || o_.workload == Workload::kMulti))
      ok = ensure(admin, layout_.create_dir, error);
    if (ok && o_.workload == Workload::kDelete) ok = ensure(admin, layout_.delete_dir, error);
    return ok;
  }

  // The keys the workload reads/writes/deletes (already existing ones are fine).
  std::string setup(std::vector<int>* fds) override {
    return bulk_create(fds, o_, layout_.keys.empty() ? layout_.doomed : layout_.keys, value_);
  }

  std::unique_ptr<Generator> generator(int t, int n) override {
    return make_workload(o_, layout_, t, n);
  }

  // Deletes the bench root: leaves of ROOT/c and ROOT/d, then ROOT's children, then ROOT.
  int teardown(std::vector<int>* fds, std::string* error) override {
    if (o_.keep) return 0;
    int admin = open_session(o_.host, o_.port, o_.session_timeout_ms, error);
    if (admin < 0) return 1;
    std::vector<std::string> top, names, leaves, mids;
    int bad = 0;
    int32_t rc = sync_children(admin, o_.root, &top, error);
    if (rc != 0) {
      close_session(admin);
      return rc == err::kNoNode ? 0 : 1;
    }
    for (const auto& name : top) {
      std::string p = o_.root + "/" + name;
      mids.push_back(p);
      if (name != "c" && name != "d") continue;
      rc = sync_children(admin, p, &names, error);
      if (rc != 0 && rc != err::kNoNode) bad++;
      for (const auto& leaf : names) leaves.push_back(p + "/" + leaf);
    }
    for (const auto* level : {&leaves, &mids}) {
      std::string u = bulk_delete(fds, o_, *level);
      if (!u.empty()) {
        *error = u;
        bad++;
      }
    }
    std::string frame, body;
    encode_delete(&frame, 3, o_.root);
    int32_t e = 0;
    if (!call(admin, frame, 3, &e, &body, error) || (e != 0 && e != err::kNoNode)) bad++;
    close_session(admin);
    return bad;
  }

 private:
  const Options& o_;
  Layout layout_;
  std::vector<std::string> value_;
};

}  // namespace

std::unique_ptr<Mode> make_standard_mode(const Options& o) {
  return std::make_unique<StandardMode>(o);
}

}  // namespace zkctl::bench
