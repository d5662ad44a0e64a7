#!/usr/bin/env bash
# Runs every test: installs what is missing, builds, then ctest (unit, integration with
# real clients, differential against Apache ZooKeeper, fault, monitoring, bench smoke).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/deps.sh
bash scripts/build.sh
cd build
ctest --output-on-failure -j"${TEST_JOBS:-2}" --timeout 900 "$@"
