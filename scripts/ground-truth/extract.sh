#!/usr/bin/env bash
# Extract ground truth from a finished Linux build (an O= directory) into compressed text under test/data/<name>/.
#
#   scripts/ground-truth/extract.sh [--kbuild-only] OBJTREE SRCTREE OUTDIR [CROSS_COMPILE]
#   e.g. scripts/ground-truth/extract.sh /work/kbuild/arm ~/.cache/kvlint/linux-source-6.1 test/data/arm-multi_v7 arm-linux-gnueabihf-
#
# --kbuild-only: for a dry run (dryrun-build.sh), whose objects are empty: only the Kbuild facts (.config,
# modules.order, .mod members, vmlinux.a, compile flags), no nm and no Module.symvers.
#
# Reads only (never writes into the build or the source tree). The format is described in OUTDIR/README.md.
set -euo pipefail
kbuild_only=0
if [ "${1:-}" = --kbuild-only ]; then kbuild_only=1; shift; fi
obj=$(cd "$1" && pwd -P)
src=$(cd "$2" && pwd -P)
out=$3
cross=${4:-arm-linux-gnueabihf-}
nm="${cross}nm"
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$out"
out=$(cd "$out" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

need=".config modules.order vmlinux.a"
[ $kbuild_only = 1 ] || need="$need Module.symvers"
for f in $need; do
  [ -e "$obj/$f" ] || { echo "extract.sh: $obj/$f missing: is the build finished?" >&2; exit 2; }
done

cd "$obj"
gzip -9n < .config > "$out/config.gz"
gzip -9n < modules.order > "$out/modules.order.gz"
[ $kbuild_only = 1 ] || gzip -9n < Module.symvers > "$out/Module.symvers.gz"

# vmlinux.a is a thin archive: its member list is the set (and link order) of built-in objects
ar t vmlinux.a > "$tmp/vmlinux.a.txt"
gzip -9n < "$tmp/vmlinux.a.txt" > "$out/vmlinux.a.gz"

# members of every module, from its .mod file, in modules.order order: "module<TAB>obj1 obj2 ..."
while read -r ko; do
  m=${ko%.ko}
  printf '%s\t%s\n' "$m" "$(tr '\n' ' ' < "$m.mod" | sed 's/ $//')"
done < modules.order > "$tmp/modules.tsv"
gzip -9n < "$tmp/modules.tsv" > "$out/modules.tsv.gz"

# nm of every module and every built-in object: "@ path" then "TYPE name" lines; local symbols are dropped except
# weak ones (only global, weak and undefined symbols matter for linking)
nmblock() {
  while read -r f; do
    echo "@ $f"
    "$nm" "$f" | awk 'NF==2 && $1=="U" {print "U " $2; next}
                       NF>=3 && ($2 ~ /^[A-Z]$/ || $2=="w" || $2=="v") {print $2 " " $3}
                       NF==2 && ($1=="w" || $1=="v") {print $1 " " $2}'
  done
}
if [ $kbuild_only = 0 ]; then
  nmblock < modules.order | gzip -9n > "$out/nm-modules.gz"
  nmblock < "$tmp/vmlinux.a.txt" | gzip -9n > "$out/nm-builtin.gz"
fi

# the compile command of every kernel object built with the cross compiler (not host tools, not *.mod.o):
# "object<TAB>source<TAB>flag<TAB>flag…" (the preprocessor-relevant flags), paths under the source tree written as $(srctree)/…
find . -name '.*.o.cmd' ! -name '.*.mod.o.cmd' ! -path './scripts/*' ! -path './tools/*' -print0 | sort -z \
  | node "$here/cmd-flags.mjs" "$src" "$cross" | gzip -9n > "$out/flags.tsv.gz"

{
  echo "arch: $(sed -n 's/^# Linux\/\([a-z0-9_]*\) .*/\1/p' .config | head -1)"
  echo "source: Linux $(make -s -C "$src" kernelversion 2>/dev/null || echo '?') at $src"
  echo "objtree: $obj"
  echo "compiler: $(${cross}gcc --version | head -1)"
  echo "extracted: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  if [ -f "$obj/../$(basename "$obj").build.log" ]; then
    echo "build wall time: $(grep -E '^real' "$obj/../$(basename "$obj").build.log" | tail -1 | awk '{print $2}')"
  fi
  [ $kbuild_only = 0 ] || echo "kbuild-only: a dry run with a stand-in compiler (scripts/ground-truth/dryrun-build.sh); no symbols"
  echo "modules: $(wc -l < modules.order)  vmlinux.a members: $(wc -l < "$tmp/vmlinux.a.txt")  Module.symvers: $([ -f Module.symvers ] && [ $kbuild_only = 0 ] && wc -l < Module.symvers || echo -)"
} > "$out/SOURCE.txt"
ls -la "$out"
