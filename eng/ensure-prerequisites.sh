#!/usr/bin/env bash
# Checks (and on Debian 12 as root, installs) the native prerequisite of TorchSharp 0.107:
# a libstdc++ that exports GLIBCXX_3.4.32 (GCC 13 or newer). Debian 12 ships GCC 12's libstdc++,
# so libLibTorchSharp.so fails to load there. The fix is Debian 13's libstdc++6, taken from a
# 'trixie' apt source pinned at low priority so nothing else is upgraded by accident.
#
# Usage: eng/ensure-prerequisites.sh [--check]
#   --check   only report; exit 1 when the prerequisite is missing.
set -euo pipefail

required_symbol="GLIBCXX_3.4.32"
check_only=0
[ "${1:-}" = "--check" ] && check_only=1

find_libstdcxx() {
  ldconfig -p 2>/dev/null | awk '/libstdc\+\+\.so\.6 /{print $NF; exit}'
}

has_symbol() {
  local lib
  lib=$(find_libstdcxx)
  [ -n "$lib" ] && [ -r "$lib" ] || return 1
  # grep -a scans the binary for the version string; no binutils needed.
  grep -aq "$required_symbol" "$lib"
}

if [ "$(uname -s)" != "Linux" ]; then
  exit 0  # macOS and Windows builds of libtorch bring their own C++ runtime.
fi

if has_symbol; then
  echo "prerequisites: libstdc++ provides $required_symbol (ok)"
  exit 0
fi

. /etc/os-release 2>/dev/null || true

if [ "$check_only" = 1 ]; then
  echo "prerequisites: libstdc++ lacks $required_symbol, which TorchSharp 0.107 needs." >&2
  exit 1
fi

if [ "${ID:-}" = "debian" ] && [ "${VERSION_ID:-}" = "12" ]; then
  if [ "$(id -u)" != "0" ]; then
    echo "prerequisites: libstdc++ lacks $required_symbol, which TorchSharp 0.107's native library needs." >&2
    echo "Run this script as root to install Debian 13's libstdc++6 (about 10 s; it also upgrades libc6):" >&2
    echo "  sudo $0" >&2
    echo "or do the same by hand:" >&2
    echo "  echo 'deb http://deb.debian.org/debian trixie main' | sudo tee /etc/apt/sources.list.d/multitasklearning-trixie.list" >&2
    echo "  printf 'Package: *\\nPin: release n=trixie\\nPin-Priority: 100\\n' | sudo tee /etc/apt/preferences.d/multitasklearning-trixie-pin" >&2
    echo "  sudo apt-get update && sudo apt-get install -y -t trixie libstdc++6" >&2
    exit 1
  fi
  echo "prerequisites: installing Debian 13's libstdc++6 (provides $required_symbol) ..."
  echo 'deb http://deb.debian.org/debian trixie main' > /etc/apt/sources.list.d/multitasklearning-trixie.list
  printf 'Package: *\nPin: release n=trixie\nPin-Priority: 100\n' > /etc/apt/preferences.d/multitasklearning-trixie-pin
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq -t trixie libstdc++6 >/dev/null
  if has_symbol; then
    echo "prerequisites: libstdc++ now provides $required_symbol (ok)"
    exit 0
  fi
  echo "prerequisites: installed libstdc++6 from trixie, but $required_symbol is still missing." >&2
  exit 1
fi

echo "prerequisites: libstdc++ lacks $required_symbol, which TorchSharp 0.107's native library needs." >&2
echo "Install libstdc++ from GCC 13 or newer (Debian 13, Ubuntu 24.04 and Fedora 39+ ship it)." >&2
exit 1
