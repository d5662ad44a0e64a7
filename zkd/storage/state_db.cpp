#include "zkd/storage/state_db.h"

namespace zkd::storage {

std::unique_ptr<StateDb> StateDb::open(const std::string& path, const std::string& vfs,
                                       Status* status, bool* corrupt) {
  int code = 0;
  auto db = Db::open(path, vfs, status, &code);
  if (!db) {
    *corrupt = is_corruption(code);
    return nullptr;
  }
  std::unique_ptr<StateDb> state(new StateDb(std::move(db)));
  Db* d = state->db();
  Status st = d->exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;");
  if (st.ok) st = create_meta_table(d);
  if (st.ok) st = load_meta(d, &state->meta_, corrupt);
  if (st.ok) st = init_or_check_format(d, &state->meta_, "zkd-state", new_database_id());
  if (!st.ok) {
    if (!*corrupt) *corrupt = is_corruption(d->last_code());
    d->close_without_checkpoint();  // write nothing more into a file we could not use
    *status = st;
    return nullptr;
  }
  return state;
}

Status StateDb::set_meta(const std::string& key, const std::string& value) {
  Status st = put_meta(db_.get(), key, value);
  if (st.ok) meta_[key] = value;
  return st;
}

}  // namespace zkd::storage
