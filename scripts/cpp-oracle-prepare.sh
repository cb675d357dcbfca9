#!/bin/sh
# Prepare the O= build directories the preprocessor's differential tests use as gcc -E oracles:
#   x86_64: make ARCH=x86_64 defconfig prepare (host gcc)
#   arm:    make ARCH=arm CROSS_COMPILE=arm-linux-gnueabihf- multi_v7_defconfig prepare
#   arm-up: the same with CONFIG_SMP disabled (scripts/config -d SMP; olddefconfig) — the founding case's configuration
#   arm64:  make ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu- defconfig prepare
#   riscv:  make ARCH=riscv CROSS_COMPILE=riscv64-linux-gnu- defconfig prepare
# into ${KVLINT_ORACLE_DIR:-~/.cache/kvlint/oracle}/{x86_64-defconfig,arm-multi_v7,arm-multi_v7-smp-n,arm64-defconfig,
# riscv-defconfig}. The source tree
# is only read. Afterwards, `make <obj>.i` single targets there give kbuild's exact command lines (.<obj>.i.cmd).
# Usage: scripts/cpp-oracle-prepare.sh [x86_64|arm|arm-up|arm64|riscv|all]   (default all); JOBS=2 by default.
set -eu
LINUX=${KVLINT_LINUX_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/kvlint/linux-source-6.1}
ORACLE=${KVLINT_ORACLE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/kvlint/oracle}
JOBS=${JOBS:-2}
what=${1:-all}
[ -f "$LINUX/Makefile" ] || { echo "no Linux tree at $LINUX (scripts/get-linux.sh)" >&2; exit 2; }
prep() { # name arch defconfig cross [config-disable]
  out="$ORACLE/$1"
  mkdir -p "$out"
  if [ -f "$out/include/generated/autoconf.h" ] && [ -f "$out/.kvlint-prepared" ]; then echo "$out: already prepared"; return; fi
  make -s -C "$LINUX" O="$out" ARCH="$2" ${4:+CROSS_COMPILE=$4} "$3"
  if [ -n "${5:-}" ]; then
    "$LINUX/scripts/config" --file "$out/.config" -d "$5"
    make -s -C "$LINUX" O="$out" ARCH="$2" ${4:+CROSS_COMPILE=$4} olddefconfig
  fi
  make -s -C "$LINUX" O="$out" ARCH="$2" ${4:+CROSS_COMPILE=$4} -j"$JOBS" prepare
  touch "$out/.kvlint-prepared"
  echo "$out: prepared"
}
case $what in
  x86_64|all) prep x86_64-defconfig x86_64 defconfig "" ;;
esac
case $what in
  arm|all) prep arm-multi_v7 arm multi_v7_defconfig arm-linux-gnueabihf- ;;
esac
case $what in
  arm-up|all) prep arm-multi_v7-smp-n arm multi_v7_defconfig arm-linux-gnueabihf- SMP ;;
esac
case $what in
  arm64|all) prep arm64-defconfig arm64 defconfig aarch64-linux-gnu- ;;
esac
case $what in
  riscv|all) prep riscv-defconfig riscv defconfig riscv64-linux-gnu- ;;
esac
