#!/usr/bin/env bash
# Installs (apt-get, only when missing) the Debian packages zkd builds and tests with.
set -euo pipefail

PACKAGES=(
  build-essential cmake pkg-config ccache
  libpoco-dev libsqlite3-dev libzstd-dev prometheus-cpp-dev libgtest-dev libgmock-dev libreadline-dev libabsl-dev
  python3-kazoo python3-pytest
  libzookeeper-mt-dev zookeeper zookeeper-bin
  prometheus sqlite3 procps
  libcurator-framework-java libcurator-recipes-java
  golang-go golang-github-samuel-go-zookeeper-dev
)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "deps: installing ${missing[*]}" >&2
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
fi
