#!/usr/bin/env bash
# deps.sh - installs what v8a builds and tests with, from Debian's packages.
# Runs apt-get as root (directly, or through sudo when not root).
set -euo pipefail
pkgs=(build-essential cmake pkg-config libyajl-dev libsqlite3-dev libpcre2-dev libcairo2-dev
      libcunit1-dev zlib1g-dev yajl-tools clang-format sqlite3 nodejs time)
missing=()
for p in "${pkgs[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# node may come from elsewhere (nvm, the machine image): do not ask apt for it then
if command -v node >/dev/null 2>&1; then
    missing=("${missing[@]/nodejs/}")
fi
want=()
for p in "${missing[@]}"; do [ -n "$p" ] && want+=("$p"); done
[ ${#want[@]} -eq 0 ] && exit 0
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
echo "deps.sh: installing ${want[*]}" >&2
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${want[@]}" >/dev/null
