#include "zkd/proto/ops.h"

namespace zkd::proto {

const char* error_name(int32_t code) {
  switch (code) {
    case err::kOk: return "OK";
    case err::kSystemError: return "SYSTEMERROR";
    case err::kRuntimeInconsistency: return "RUNTIMEINCONSISTENCY";
    case err::kDataInconsistency: return "DATAINCONSISTENCY";
    case err::kConnectionLoss: return "CONNECTIONLOSS";
    case err::kMarshallingError: return "MARSHALLINGERROR";
    case err::kUnimplemented: return "UNIMPLEMENTED";
    case err::kOperationTimeout: return "OPERATIONTIMEOUT";
    case err::kBadArguments: return "BADARGUMENTS";
    case err::kUnknownSession: return "UNKNOWNSESSION";
    case err::kNewConfigNoQuorum: return "NEWCONFIGNOQUORUM";
    case err::kReconfigInProgress: return "RECONFIGINPROGRESS";
    case err::kApiError: return "APIERROR";
    case err::kNoNode: return "NONODE";
    case err::kNoAuth: return "NOAUTH";
    case err::kBadVersion: return "BADVERSION";
    case err::kNoChildrenForEphemerals: return "NOCHILDRENFOREPHEMERALS";
    case err::kNodeExists: return "NODEEXISTS";
    case err::kNotEmpty: return "NOTEMPTY";
    case err::kSessionExpired: return "SESSIONEXPIRED";
    case err::kInvalidCallback: return "INVALIDCALLBACK";
    case err::kInvalidACL: return "INVALIDACL";
    case err::kAuthFailed: return "AUTHFAILED";
    case err::kSessionMoved: return "SESSIONMOVED";
    case err::kNotReadOnly: return "NOTREADONLY";
    case err::kEphemeralOnLocalSession: return "EPHEMERALONLOCALSESSION";
    case err::kNoWatcher: return "NOWATCHER";
    case err::kRequestTimeout: return "REQUESTTIMEOUT";
    case err::kReconfigDisabled: return "RECONFIGDISABLED";
    case err::kSessionClosedRequireSaslAuth: return "SESSIONCLOSEDREQUIRESASLAUTH";
    case err::kQuotaExceeded: return "QUOTAEXCEEDED";
    case err::kThrottledOp: return "THROTTLEDOP";
    default: return "UNKNOWN";
  }
}

const char* op_name(int32_t opcode) {
  switch (opcode) {
    case op::kCreate: return "create";
    case op::kDelete: return "delete";
    case op::kExists: return "exists";
    case op::kGetData: return "getData";
    case op::kSetData: return "setData";
    case op::kGetACL: return "getACL";
    case op::kSetACL: return "setACL";
    case op::kGetChildren: return "getChildren";
    case op::kSync: return "sync";
    case op::kPing: return "ping";
    case op::kGetChildren2: return "getChildren2";
    case op::kCheck: return "check";
    case op::kMulti: return "multi";
    case op::kCreate2: return "create2";
    case op::kReconfig: return "reconfig";
    case op::kCheckWatches: return "checkWatches";
    case op::kRemoveWatches: return "removeWatches";
    case op::kCreateContainer: return "createContainer";
    case op::kDeleteContainer: return "deleteContainer";
    case op::kCreateTTL: return "createTTL";
    case op::kMultiRead: return "multiRead";
    case op::kAuth: return "auth";
    case op::kSetWatches: return "setWatches";
    case op::kSasl: return "sasl";
    case op::kGetEphemerals: return "getEphemerals";
    case op::kGetAllChildrenNumber: return "getAllChildrenNumber";
    case op::kSetWatches2: return "setWatches2";
    case op::kAddWatch: return "addWatch";
    case op::kWhoAmI: return "whoAmI";
    case op::kCreateSession: return "createSession";
    case op::kCloseSession: return "closeSession";
    default: return "unknown";
  }
}

}  // namespace zkd::proto
