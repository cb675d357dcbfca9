#!/bin/sh
# Everything the preprocessor's real-tree tests (test/cpp/real-tree.test.ts) need on a fresh machine, where only the
# Linux tree and the toolchains are installed (scripts/get-linux.sh --toolchains) and no kernel was ever built:
#   1. the oracle O= directories (scripts/cpp-oracle-prepare.sh: `make … defconfig prepare`, nothing else built):
#        x86_64-defconfig, arm-multi_v7, arm-multi_v7-smp-n, arm64-defconfig, riscv-defconfig
#        under ${KVLINT_ORACLE_DIR:-~/.cache/kvlint/oracle} (the last two for the generated-files test, test/prepare)
#   2. kbuild's exact command line of each sampled unit: `make <obj>.i` (C) / `make <obj>.s` (assembler) single
#      targets there, which leave `.<obj>.i.cmd` / `.<obj>.s.cmd` (the .cmd files the tests and scripts/cpp-diff.ts
#      read). By default the CI subset — every 4th unit of test/data/cpp/{x86_64-defconfig,arm-multi_v7}.sample, 50
#      per arch — and the ARM probe's reference object drivers/bluetooth/btbcm.o; with --full all 200 per arch (for
#      scripts/cpp-diff.ts on the full samples); and the .s files of the ARM directories' own offsets headers.
# Idempotent: a prepared directory is kept, and make runs only for units whose .cmd file is missing. The source tree
# is only read. JOBS=2 by default. Exit status is non-zero if any step or unit failed.
# Usage: scripts/cpp-ci-prepare.sh [--full]
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
LINUX=${KVLINT_LINUX_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/kvlint/linux-source-6.1}
ORACLE=${KVLINT_ORACLE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/kvlint/oracle}
JOBS=${JOBS:-2}
export KVLINT_LINUX_DIR="$LINUX" KVLINT_ORACLE_DIR="$ORACLE" JOBS
full=0
[ "${1:-}" = "--full" ] && full=1
[ -f "$LINUX/Makefile" ] || { echo "cpp-ci-prepare: no Linux tree at $LINUX (run scripts/get-linux.sh --toolchains)" >&2; exit 2; }

for what in x86_64 arm arm-up arm64 riscv; do sh "$here/cpp-oracle-prepare.sh" "$what"; done

# the sampled objects of a list (comments and blank lines dropped; the CI subset is every 4th, as the test takes it)
objects() {
  if [ $full = 1 ]; then grep -v '^#' "$1" | grep -v '^$'; else grep -v '^#' "$1" | grep -v '^$' | awk 'NR % 4 == 1'; fi
}

# kbuild's saved command line of single target $2 in objtree $1 (an interrupted write leaves it empty)
has_cmd() { grep -q '^cmd_' "$1/$(dirname "$2")/.$(basename "$2").cmd" 2>/dev/null; }

# make the single targets of objects (stdin) in objtree $1 whose .cmd file is missing; $2 ARCH, $3 CROSS_COMPILE
units() {
  out=$1
  targets=
  n=0
  while read -r o; do
    src=${o%.o}
    if [ "${o%.s}" != "$o" ]; then t=$o; elif [ -f "$LINUX/$src.c" ]; then t=$src.i; else t=$src.s; fi
    n=$((n + 1))
    has_cmd "$out" "$t" || targets="$targets $t"
  done
  if [ -z "$targets" ]; then echo "$out: $n command lines already there"; return; fi
  echo "$out: make$(echo "$targets" | wc -w | sed 's/^/ /') single targets (of $n)"
  # make's own verdict is not the criterion: under -j kbuild may trip over one target's dependency file (fixdep) and
  # then calls every goal "not remade", although it wrote their command lines; what counts is the .cmd file
  log=$out/.kvlint-cpp-ci-prepare.log
  # shellcheck disable=SC2086
  make -s -k -j"$JOBS" -C "$LINUX" O="$out" ARCH="$2" ${3:+CROSS_COMPILE=$3} $targets >"$log" 2>&1 || true
  missing=
  for t in $targets; do
    has_cmd "$out" "$t" || missing="$missing $t"
  done
  if [ -n "$missing" ]; then
    grep -v 'not remade because of errors' "$log" | tail -20 >&2
    echo "cpp-ci-prepare: kbuild wrote no command line for:$missing (make's output: $log)" >&2
    return 1
  fi
}

status=0
objects "$root/test/data/cpp/x86_64-defconfig.sample" | units "$ORACLE/x86_64-defconfig" x86_64 "" || status=1
{ objects "$root/test/data/cpp/arm-multi_v7.sample"; echo drivers/bluetooth/btbcm.o; } | sort -u |
  units "$ORACLE/arm-multi_v7" arm arm-linux-gnueabihf- || status=1
# the .s files directories compile for their own offsets headers (filechk_offsets; test/prepare/real-tree.test.ts)
printf '%s\n' arch/arm/mach-at91/pm_data-offsets.s arch/arm/mach-omap2/pm-asm-offsets.s drivers/memory/emif-asm-offsets.s |
  units "$ORACLE/arm-multi_v7" arm arm-linux-gnueabihf- || status=1
exit $status
