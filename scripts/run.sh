#!/usr/bin/env bash
# The main job: installs what is missing, builds, and starts zkd standalone on
# 127.0.0.1:2181 with a default config and data dir (./run/), in the foreground.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/deps.sh
bash scripts/build.sh
mkdir -p run/data
if [ ! -f run/zoo.cfg ]; then
  cat > run/zoo.cfg <<CFG
tickTime=2000
dataDir=$PWD/run/data
clientPortAddress=127.0.0.1
clientPort=2181
admin.serverAddress=127.0.0.1
admin.serverPort=8080
metricsProvider.className=org.apache.zookeeper.metrics.prometheus.PrometheusMetricsProvider
metricsProvider.httpHost=127.0.0.1
metricsProvider.httpPort=7000
4lw.commands.whitelist=srvr,ruok,mntr,conf,isro
CFG
fi
cat <<MSG
zkd starting on 127.0.0.1:2181 (config run/zoo.cfg, data run/data). Connect with:
  /usr/share/zookeeper/bin/zkCli.sh -server 127.0.0.1:2181
  /usr/bin/python3 -c "from kazoo.client import KazooClient; z=KazooClient('127.0.0.1:2181'); z.start(); print(z.get_children('/'))"
  build/bin/zkctl -s 127.0.0.1:2181 ls /
Ctrl-C stops it.
MSG
exec build/bin/zkd run/zoo.cfg
