#!/usr/bin/env bash
# Install Debian's linux-source-6.1 (and, with --toolchains, the cross compilers the conformance tests use) and
# unpack it once into the kvlint cache. Prints the tree's path. The tree is only ever read by kvlint and its tests;
# oracle builds (conf, `make prepare`) go to separate O= directories under the same cache.
set -euo pipefail

cache="${XDG_CACHE_HOME:-$HOME/.cache}/kvlint"
dest="${KVLINT_LINUX_DIR:-$cache/linux-source-6.1}"
want_toolchains=0
[ "${1:-}" = "--toolchains" ] && want_toolchains=1

need=()
[ -f /usr/src/linux-source-6.1.tar.xz ] || need+=(linux-source-6.1)
if [ "$want_toolchains" = 1 ]; then
  for p in gcc make xz-utils gcc-arm-linux-gnueabihf gcc-aarch64-linux-gnu gcc-riscv64-linux-gnu binutils-arm-linux-gnueabihf flex bison bc libssl-dev libelf-dev; do
    dpkg -s "$p" >/dev/null 2>&1 || need+=("$p")
  done
fi
if [ "${#need[@]}" -gt 0 ]; then
  sudo_cmd=""
  [ "$(id -u)" = 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "${need[@]}" >&2
fi

if [ ! -f "$dest/Makefile" ]; then
  mkdir -p "$(dirname "$dest")"
  tmp="$(mktemp -d "$(dirname "$dest")/unpack.XXXXXX")"
  tar -xf /usr/src/linux-source-6.1.tar.xz -C "$tmp"
  mv "$tmp/linux-source-6.1" "$dest"
  rmdir "$tmp"
fi
echo "$dest"
