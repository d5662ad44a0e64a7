#!/usr/bin/env bash
# Starts, restarts and stops the server a real-client test talks to: zkd or Apache
# ZooKeeper 3.8 (Debian package), chosen by ZK_TARGET=zkd|zookeeper (default zkd).
#
#   zk_target.sh start   STATE_DIR   picks a free loopback port, writes STATE_DIR/zoo.cfg,
#                                    starts the server, waits until `srvr` shows it serving;
#                                    STATE_DIR/port holds the client port.
#   zk_target.sh restart STATE_DIR   SIGKILLs the server and starts it again on the same
#                                    port and dataDir (sessions must survive: both servers
#                                    persist them).
#   zk_target.sh stop    STATE_DIR   SIGTERM, then SIGKILL after 5 s.
#
# zkd binary: env ZKD_BIN (default <repo>/build/bin/zkd). Server output goes to
# STATE_DIR/server.log. Only 127.0.0.1 is used.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../../.." && pwd)"
target="${ZK_TARGET:-zkd}"
zkd_bin="${ZKD_BIN:-$repo/build/bin/zkd}"

ZK_CP=/usr/share/java/zookeeper.jar:/usr/share/java/zookeeper-jute.jar:/usr/share/java/slf4j-api.jar:/usr/share/java/${ZK_SLF4J_BINDING:-slf4j-nop}.jar:/usr/share/java/netty-all.jar:/usr/share/java/metrics-core.jar:/usr/share/java/commons-cli.jar:/usr/share/java/snappy-java.jar

free_port() {
  /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

# Answers 0 when the server on port $1 serves: srvr shows a Mode: line. (ZooKeeper
# answers ruok with imok even before it has loaded its database.)
is_ready() {
  local reply
  reply="$(timeout 2 bash -c "exec 3<>/dev/tcp/127.0.0.1/$1 && printf srvr >&3 && cat <&3" 2>/dev/null || true)"
  [[ "$reply" == *"Mode: "* ]]
}

launch() {
  local dir="$1" port
  port="$(cat "$dir/port")"
  case "$target" in
    zkd)
      [[ -x "$zkd_bin" ]] || { echo "zk_target: zkd binary not found: $zkd_bin" >&2; exit 2; }
      "$zkd_bin" -Dzookeeper.extendedTypesEnabled=true -Dznode.container.checkIntervalMs=1000 "$dir/zoo.cfg" >>"$dir/server.log" 2>&1 &
      ;;
    zookeeper)
      java -Dzookeeper.extendedTypesEnabled=true -Dznode.container.checkIntervalMs=1000 \
        -Dzookeeper.admin.enableServer=false -cp "$ZK_CP" \
        org.apache.zookeeper.server.quorum.QuorumPeerMain "$dir/zoo.cfg" >>"$dir/server.log" 2>&1 &
      ;;
    *) echo "zk_target: unknown ZK_TARGET=$target (zkd|zookeeper)" >&2; exit 2 ;;
  esac
  echo $! >"$dir/pid"
  local i
  for i in $(seq 1 150); do
    if is_ready "$port"; then return 0; fi
    if ! kill -0 "$(cat "$dir/pid")" 2>/dev/null; then
      echo "zk_target: server exited during start; log:" >&2
      tail -n 30 "$dir/server.log" >&2
      exit 1
    fi
    sleep 0.1
  done
  echo "zk_target: server not ready on port $port after 15 s" >&2
  exit 1
}

kill_server() {
  local dir="$1" sig="$2" pid i
  [[ -f "$dir/pid" ]] || return 0
  pid="$(cat "$dir/pid")"
  kill "-$sig" "$pid" 2>/dev/null || true
  for i in $(seq 1 50); do
    kill -0 "$pid" 2>/dev/null || { rm -f "$dir/pid"; return 0; }
    sleep 0.1
  done
  kill -KILL "$pid" 2>/dev/null || true
  while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
  rm -f "$dir/pid"
}

cmd="${1:-}"
dir="${2:-}"
[[ -n "$cmd" && -n "$dir" ]] || { echo "usage: zk_target.sh start|restart|stop STATE_DIR" >&2; exit 2; }

case "$cmd" in
  start)
    mkdir -p "$dir/data"
    port="$(free_port)"
    echo "$port" >"$dir/port"
    {
      echo "tickTime=2000"
      echo "initLimit=5"
      echo "syncLimit=2"
      echo "dataDir=$dir/data"
      echo "clientPort=$port"
      echo "clientPortAddress=127.0.0.1"
      echo "admin.enableServer=false"
      echo "4lw.commands.whitelist=*"
      echo "maxClientCnxns=0"
      if [[ "$target" == zkd ]]; then
        mport="$(free_port)"
        while [[ "$mport" == "$port" ]]; do mport="$(free_port)"; done  # never the client port
        echo "metricsProvider.httpPort=$mport"
      fi
    } >"$dir/zoo.cfg"
    launch "$dir"
    ;;
  restart)
    kill_server "$dir" KILL
    launch "$dir"
    ;;
  stop)
    kill_server "$dir" TERM
    ;;
  *) echo "usage: zk_target.sh start|restart|stop STATE_DIR" >&2; exit 2 ;;
esac
