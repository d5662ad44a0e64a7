#!/usr/bin/env bash
# Runs the Java real-client scenarios (plain ZooKeeper client + Curator recipes) against a
# freshly started server: zkd, or Apache ZooKeeper 3.8 with ZK_TARGET=zookeeper.
#
#   run_java_it.sh CLASSES_DIR [scenario ...]
#
# CLASSES_DIR holds the compiled zkdit.* classes (CMake target java_it_classes). The server
# gets free loopback ports and a temporary dataDir, and is stopped afterwards. Exit status
# is the scenario program's: 0 when every scenario passed.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
classes="${1:?usage: run_java_it.sh CLASSES_DIR [scenario ...]}"
shift
[[ -f "$classes/zkdit/Main.class" ]] || { echo "no compiled scenarios in $classes (build target java_it_classes)" >&2; exit 2; }

J=/usr/share/java
CP="$classes:$J/curator-recipes.jar:$J/curator-framework.jar:$J/curator-client.jar:$J/guava.jar"
CP="$CP:$J/zookeeper.jar:$J/zookeeper-jute.jar:$J/slf4j-api.jar:$J/slf4j-nop.jar"

state="$(mktemp -d "${TMPDIR:-/tmp}/zkd-java-it.XXXXXX")"
status=1
cleanup() {
  "$here/zk_target.sh" stop "$state" || true
  if [[ $status -ne 0 && -f "$state/server.log" ]]; then
    echo "---- last lines of the server log ($state/server.log) ----"
    tail -n 40 "$state/server.log"
  fi
  rm -rf "$state"
}
trap cleanup EXIT

"$here/zk_target.sh" start "$state"
export ZK_CONNECT="127.0.0.1:$(cat "$state/port")"
export ZK_RESTART_CMD="'$here/zk_target.sh' restart '$state'"
echo "target ${ZK_TARGET:-zkd} at $ZK_CONNECT"
set +e
java -Xss512k -cp "$CP" zkdit.Main "$@"
status=$?
set -e
exit $status
