#!/bin/sh
# The real-tool oracle for test/rules/real-tree.test.ts: builds ARM allnoconfig + MODULES=y with the injected breaks of
# test/rules/inject.ts for real (make, gcc, ld, modpost) and prints what modpost and ld report, to compare with
# kvlint's X findings. The Linux tree is never written: the injected tree is a symlink farm (cp -as) of it under
# $ORACLE/arm-allno-inject-src whose injected files are regular files written there (each symlink is removed first);
# the build goes to the O= directory $ORACLE/arm-allno-inject.
# Usage: scripts/rules-inject-oracle.sh   (JOBS=2 by default)
set -eu
LINUX=$(realpath "${KVLINT_LINUX_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/kvlint/linux-source-6.1}")
ORACLE=${KVLINT_ORACLE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/kvlint/oracle}
JOBS=${JOBS:-2}
SRC="$ORACLE/arm-allno-inject-src"
OUT="$ORACLE/arm-allno-inject"
HERE=$(cd "$(dirname "$0")/.." && pwd)
[ -f "$LINUX/Makefile" ] || { echo "no Linux tree at $LINUX" >&2; exit 2; }
mkdir -p "$ORACLE"
[ -d "$SRC" ] || cp -as "$LINUX" "$SRC"
# write the injected files (transpiling test/rules/inject.ts with esbuild); refuses to write through a symlink
node --input-type=module -e "
import * as fs from 'node:fs'; import * as path from 'node:path';
import { transformSync } from 'esbuild';
const src = transformSync(fs.readFileSync('$HERE/test/rules/inject.ts', 'utf8'), { loader: 'ts', format: 'esm' }).code;
const { injection } = await import('data:text/javascript,' + encodeURIComponent(src));
const root = '$SRC';
const inj = injection({ readText: (p) => fs.readFileSync(path.join('$LINUX', p), 'latin1') });
for (const [rel, text] of Object.entries(inj.files)) {
  const p = path.join(root, rel);
  fs.mkdirSync(path.dirname(p), { recursive: true });
  try { if (fs.lstatSync(p).isSymbolicLink()) fs.rmSync(p); } catch {}
  fs.writeFileSync(p, text);
}
console.log(Object.keys(inj.files).length + ' files injected; overrides ' + JSON.stringify(inj.overrides));
"
mk() { make -s -C "$SRC" O="$OUT" ARCH=arm CROSS_COMPILE=arm-linux-gnueabihf- "$@"; }
mk allnoconfig
"$SRC/scripts/config" --file "$OUT/.config" -e MODULES
mk olddefconfig
"$SRC/scripts/config" --file "$OUT/.config" -m KVLINT_TEST -e KVLINT_BUILTIN
mk olddefconfig
grep -E "^CONFIG_(MODULES|KVLINT_TEST|KVLINT_BUILTIN)=" "$OUT/.config"
start=$(date +%s)
mk -k -j"$JOBS" vmlinux modules > "$OUT/build.log" 2>&1 || true
echo "build: $(( $(date +%s) - start )) s (log: $OUT/build.log)"
grep -E "ERROR: modpost|WARNING: modpost|undefined reference|error:" "$OUT/build.log" | sort -u || true
# modpost stops the build before the final vmlinux link: link again with modpost's errors as warnings to see ld's
mk KBUILD_MODPOST_WARN=1 -k -j"$JOBS" vmlinux > "$OUT/build-vmlinux.log" 2>&1 || true
grep -E "undefined reference|multiple definition" "$OUT/build-vmlinux.log" | sort -u || true
