#!/usr/bin/env bash
# A Kbuild oracle without compiling: run the tree's own make for a configuration with a stand-in compiler
# (fakecc.sh), so that modules.order, the .mod files, vmlinux.a and every object's .cmd file are what a real build of
# that configuration writes, in minutes instead of a full build. Symbols (nm, Module.symvers) need a real build.
#
#   scripts/ground-truth/dryrun-build.sh ARCH CROSS_COMPILE DEFCONFIG NAME [SYM=VAL …]
#   e.g. scripts/ground-truth/dryrun-build.sh arm arm-linux-gnueabihf- multi_v7_defconfig arm-multi_v7-smp_n SMP=n
#
# Output directory: ${XDG_CACHE_HOME:-~/.cache}/kvlint/oracle/NAME (an O= directory; the source tree is not written).
set -euo pipefail
arch=$1; cross=$2; defconfig=$3; name=$4; shift 4
src=${KVLINT_LINUX_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/kvlint/linux-source-6.1}
base=${XDG_CACHE_HOME:-$HOME/.cache}/kvlint/oracle/$name
out=$base/build
bin=$base/bin
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$out" "$bin"
real=$(command -v "${cross}gcc")
# an empty object with the kernel's ABI (ARM kernels are soft-float; vdsomunge checks the ELF flags)
case "$arch" in arm) abi=-mfloat-abi=soft ;; *) abi= ;; esac
"$real" $abi -c -x c /dev/null -o "$bin/empty.o"
ln -sf "$here/fakecc.sh" "$bin/${cross}gcc"
export FAKECC_REAL=$real FAKECC_EMPTY=$bin/empty.o

make -s -C "$src" O="$out" ARCH="$arch" CROSS_COMPILE="$cross" "$defconfig" >/dev/null
if [ $# -gt 0 ]; then
  for kv in "$@"; do
    k=${kv%%=*}; v=${kv#*=}
    case "$v" in
      y) "$src/scripts/config" --file "$out/.config" -e "$k" ;;
      m) "$src/scripts/config" --file "$out/.config" -m "$k" ;;
      n) "$src/scripts/config" --file "$out/.config" -d "$k" ;;
      *) "$src/scripts/config" --file "$out/.config" --set-val "$k" "$v" ;;
    esac
  done
  make -s -C "$src" O="$out" ARCH="$arch" CROSS_COMPILE="$cross" olddefconfig >/dev/null
fi
start=$(date +%s)
# -k: the final links fail on empty objects; everything Kbuild decides is written before them. vmlinux and modules
# only (no dtbs, no boot images).
PATH="$bin:$PATH" make -k -j"${JOBS:-2}" -C "$src" O="$out" ARCH="$arch" CROSS_COMPILE="$cross" vmlinux modules >"$base/build.log" 2>&1 || true
echo "dry run: $(( $(date +%s) - start )) s; $(wc -l < "$out/modules.order") modules; $(ar t "$out/vmlinux.a" | wc -l) vmlinux.a members" | tee "$base/summary.txt"
