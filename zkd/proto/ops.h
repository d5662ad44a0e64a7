// ZooKeeper protocol constants: opcodes, error codes, create modes, watch enums, perms.
// Values are ZooKeeper 3.9's (ZooDefs.java, KeeperException.Code, Watcher.java).
#pragma once

#include <cstdint>

namespace zkd::proto {

namespace op {
constexpr int32_t kNotification = 0;
constexpr int32_t kCreate = 1;
constexpr int32_t kDelete = 2;
constexpr int32_t kExists = 3;
constexpr int32_t kGetData = 4;
constexpr int32_t kSetData = 5;
constexpr int32_t kGetACL = 6;
constexpr int32_t kSetACL = 7;
constexpr int32_t kGetChildren = 8;
constexpr int32_t kSync = 9;
constexpr int32_t kPing = 11;
constexpr int32_t kGetChildren2 = 12;
constexpr int32_t kCheck = 13;
constexpr int32_t kMulti = 14;
constexpr int32_t kCreate2 = 15;
constexpr int32_t kReconfig = 16;
constexpr int32_t kCheckWatches = 17;
constexpr int32_t kRemoveWatches = 18;
constexpr int32_t kCreateContainer = 19;
constexpr int32_t kDeleteContainer = 20;
constexpr int32_t kCreateTTL = 21;
constexpr int32_t kMultiRead = 22;
constexpr int32_t kAuth = 100;
constexpr int32_t kSetWatches = 101;
constexpr int32_t kSasl = 102;
constexpr int32_t kGetEphemerals = 103;
constexpr int32_t kGetAllChildrenNumber = 104;
constexpr int32_t kSetWatches2 = 105;
constexpr int32_t kAddWatch = 106;
constexpr int32_t kWhoAmI = 107;
constexpr int32_t kCreateSession = -10;
constexpr int32_t kCloseSession = -11;
constexpr int32_t kError = -1;
}  // namespace op

namespace xid {
constexpr int32_t kNotification = -1;
constexpr int32_t kPing = -2;
constexpr int32_t kAuth = -4;
constexpr int32_t kSetWatches = -8;
}  // namespace xid

namespace err {
constexpr int32_t kOk = 0;
constexpr int32_t kSystemError = -1;
constexpr int32_t kRuntimeInconsistency = -2;
constexpr int32_t kDataInconsistency = -3;
constexpr int32_t kConnectionLoss = -4;
constexpr int32_t kMarshallingError = -5;
constexpr int32_t kUnimplemented = -6;
constexpr int32_t kOperationTimeout = -7;
constexpr int32_t kBadArguments = -8;
constexpr int32_t kUnknownSession = -12;
constexpr int32_t kNewConfigNoQuorum = -13;
constexpr int32_t kReconfigInProgress = -14;
constexpr int32_t kApiError = -100;
constexpr int32_t kNoNode = -101;
constexpr int32_t kNoAuth = -102;
constexpr int32_t kBadVersion = -103;
constexpr int32_t kNoChildrenForEphemerals = -108;
constexpr int32_t kNodeExists = -110;
constexpr int32_t kNotEmpty = -111;
constexpr int32_t kSessionExpired = -112;
constexpr int32_t kInvalidCallback = -113;
constexpr int32_t kInvalidACL = -114;
constexpr int32_t kAuthFailed = -115;
constexpr int32_t kSessionMoved = -118;
constexpr int32_t kNotReadOnly = -119;
constexpr int32_t kEphemeralOnLocalSession = -120;
constexpr int32_t kNoWatcher = -121;
constexpr int32_t kRequestTimeout = -122;
constexpr int32_t kReconfigDisabled = -123;
constexpr int32_t kSessionClosedRequireSaslAuth = -124;
constexpr int32_t kQuotaExceeded = -125;
constexpr int32_t kThrottledOp = -127;
}  // namespace err

// Name of an error code as ZooKeeper's KeeperException.Code spells it ("NONODE"...).
const char* error_name(int32_t code);
// Short op name for logs and metrics ("create", "getData"...); "unknown" otherwise.
const char* op_name(int32_t opcode);

namespace create_mode {
constexpr int32_t kPersistent = 0;
constexpr int32_t kEphemeral = 1;
constexpr int32_t kPersistentSequential = 2;
constexpr int32_t kEphemeralSequential = 3;
constexpr int32_t kContainer = 4;
constexpr int32_t kPersistentWithTTL = 5;
constexpr int32_t kPersistentSequentialWithTTL = 6;
}  // namespace create_mode

// ephemeralOwner encodings for non-session owners (EphemeralType.java).
constexpr int64_t kContainerOwner = INT64_MIN;
constexpr uint64_t kTtlOwnerMask = 0xFF00000000000000ULL;
constexpr int64_t kMaxTtlMs = 0xFFFFFFFFFFLL;

namespace event {
constexpr int32_t kNone = -1;
constexpr int32_t kNodeCreated = 1;
constexpr int32_t kNodeDeleted = 2;
constexpr int32_t kNodeDataChanged = 3;
constexpr int32_t kNodeChildrenChanged = 4;
}  // namespace event

namespace state {
constexpr int32_t kDisconnected = 0;
constexpr int32_t kSyncConnected = 3;
constexpr int32_t kAuthFailed = 4;
constexpr int32_t kConnectedReadOnly = 5;
constexpr int32_t kExpired = -112;
}  // namespace state

// checkWatches/removeWatches `type`.
namespace watcher_type {
constexpr int32_t kChildren = 1;
constexpr int32_t kData = 2;
constexpr int32_t kAny = 3;
constexpr int32_t kPersistent = 4;
constexpr int32_t kPersistentRecursive = 5;
}  // namespace watcher_type

namespace add_watch_mode {
constexpr int32_t kPersistent = 0;
constexpr int32_t kPersistentRecursive = 1;
}  // namespace add_watch_mode

namespace perm {
constexpr int32_t kRead = 1;
constexpr int32_t kWrite = 2;
constexpr int32_t kCreate = 4;
constexpr int32_t kDelete = 8;
constexpr int32_t kAdmin = 16;
constexpr int32_t kAll = 31;
}  // namespace perm

// Default jute.maxbuffer (0xfffff).
constexpr int32_t kDefaultMaxBuffer = 0xfffff;

}  // namespace zkd::proto
