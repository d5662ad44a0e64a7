#!/usr/bin/env bash
# Runs the Go real-client scenarios (samuel/go-zookeeper) against a freshly started
# server: zkd, or Apache ZooKeeper 3.8 with ZK_TARGET=zookeeper.
#
#   run_go_it.sh BINARY [scenario ...]
#
# BINARY is the compiled scenario program (CMake target go_it_binary). The server is
# started and stopped by ../java/zk_target.sh on free loopback ports with a temp dataDir.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
target_sh="$here/../java/zk_target.sh"
bin="${1:?usage: run_go_it.sh BINARY [scenario ...]}"
shift
[[ -x "$bin" ]] || { echo "scenario binary not found: $bin (build target go_it_binary)" >&2; exit 2; }

state="$(mktemp -d "${TMPDIR:-/tmp}/zkd-go-it.XXXXXX")"
status=1
cleanup() {
  "$target_sh" stop "$state" || true
  if [[ $status -ne 0 && -f "$state/server.log" ]]; then
    echo "---- last lines of the server log ----"
    tail -n 40 "$state/server.log"
  fi
  rm -rf "$state"
}
trap cleanup EXIT

"$target_sh" start "$state"
export ZK_CONNECT="127.0.0.1:$(cat "$state/port")"
echo "target ${ZK_TARGET:-zkd} at $ZK_CONNECT"
set +e
"$bin" "$@"
status=$?
set -e
exit $status
