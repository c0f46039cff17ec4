#!/usr/bin/env bash
# Installs the Debian 12 packages the build needs, if any is missing.
# Usage: tools/install-deps.sh [extra packages...]
set -euo pipefail
# python3: a bannerc and a server test parse inspect --json with Python's json module.
# pkg-config + libsystemd-dev: bannerd's sd_notify; help2man: the man pages.
packages=(cmake ninja-build g++ libboost1.81-dev libfccp-dev libxxhash-dev libcli11-dev doctest-dev python3
          pkg-config libsystemd-dev help2man "$@")
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "installing: ${missing[*]}" >&2
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
$sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq
$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
