/**
 * K004 (kconfig-undefined-symbol) against the tree's own scripts/checkkconfigsymbols.py, on a real build.
 *
 *   # 1. the oracle (it lists files with `git ls-files`: a tarball tree needs a GIT_DIR that tracks it; read-only)
 *   (cd $TREE && GIT_DIR=… GIT_WORK_TREE=$TREE python3 scripts/checkkconfigsymbols.py --no-color > /tmp/cks.txt)
 *   # 2. kvlint on the same tree and build
 *   kvlint check --format json --arch arm --defconfig multi_v7_defconfig --objtree $OBJ $TREE > /tmp/kvlint.json
 *   # 3. the comparison
 *   scripts/ground-truth/run-ts.sh bench/k004-vs-checkkconfigsymbols.ts --oracle /tmp/cks.txt --kvlint /tmp/kvlint.json --objtree $OBJ \
 *        --srctree $TREE [-v]
 *
 * The script greps every tracked file of the tree; K004 looks at the files the run read. The files the build read are
 * taken from the build's own .o.cmd files (each object's source and its deps_ list), independently of kvlint. Prints:
 * - K004 findings the oracle confirms (same symbol, one of the same files);
 * - K004 findings the oracle does not list (e.g. its Kconfig regex misses a `default SYMBOL` with a single symbol);
 * - symbols the oracle reports in files the build read that K004 does not, each with its first referencing line
 *   (-v: every file), for review: the script counts comments, strings, `#define CONFIG_X`, enumerators and
 *   identifiers such as FOO_CONFIG_BAR, which K004 deliberately does not.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

const argv = process.argv.slice(2);
const opt = (name: string, dflt?: string) => {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : dflt;
};
const oracleFile = opt('--oracle');
const kvlintFile = opt('--kvlint');
const objtree = opt('--objtree', '/work/kbuild/arm')!;
const srctree = fs.realpathSync(opt('--srctree', '/root/.cache/kvlint/linux-source-6.1')!);
const verbose = argv.includes('-v');
if (!oracleFile || !kvlintFile) throw new Error('usage: k004-vs-checkkconfigsymbols --oracle CKS.txt --kvlint KVLINT.json [--objtree DIR] [--srctree DIR] [-v]');

/** symbol → referencing files, from the script's "SYMBOL\nReferencing files: a, b\n…" blocks */
const oracle = new Map<string, Set<string>>();
const lines = fs.readFileSync(oracleFile, 'utf8').split('\n');
for (let i = 0; i + 1 < lines.length; i++) {
  if (lines[i + 1]!.startsWith('Referencing files: ')) oracle.set(lines[i]!.trim(), new Set(lines[i + 1]!.slice(19).split(', ')));
}

interface Span { file: string; line: number }
interface Diag { code: string; data?: { symbol?: string }; subject?: string[]; message: string; primary: Span | null; trace?: { span: Span | null }[] }
const diags = (JSON.parse(fs.readFileSync(kvlintFile, 'utf8')) as { diagnostics: Diag[] }).diagnostics.filter((d) => d.code === 'K004');

/** the files the build read: each object's source and deps_ entries of its .o.cmd (paths under srctree, relative) */
const read = new Set<string>();
const rel = (f: string) => (f.startsWith(srctree + '/') ? f.slice(srctree.length + 1) : f);
(function walk(d: string): void {
  for (const e of fs.readdirSync(d, { withFileTypes: true })) {
    const p = path.join(d, e.name);
    if (e.isDirectory()) walk(p);
    else if (e.name.endsWith('.o.cmd')) {
      const t = fs.readFileSync(p, 'latin1');
      const src = /^source_\S+ := (\S+)/m.exec(t);
      if (src) read.add(rel(src[1]!));
      for (const m of t.matchAll(/^\s+(\S+)\s*\\?$/gm)) {
        const f = rel(m[1]!);
        if (!f.startsWith('$(') && !f.startsWith('/')) read.add(f);
      }
    }
  }
})(objtree);

const reported = new Set<string>();
let confirmed = 0;
const unconfirmed: string[] = [];
for (const d of diags) {
  const sym = /symbol (\S+) is referenced/.exec(d.message)?.[1];
  if (!sym) continue;
  reported.add(sym);
  const files = [d.primary, ...(d.trace ?? []).map((t) => t.span)].filter((s): s is Span => !!s).map((s) => s.file);
  const o = oracle.get(sym);
  if (o && files.some((f) => o.has(f))) confirmed++;
  else unconfirmed.push(`${sym} at ${d.primary?.file}:${d.primary?.line}${o ? ` (the script lists it for ${[...o].slice(0, 3).join(', ')})` : ' (the script does not list it)'}`);
}

const onlyOracle: string[] = [];
for (const [sym, files] of oracle) {
  if (reported.has(sym)) continue;
  const inRead = [...files].filter((f) => read.has(f)).sort();
  if (!inRead.length) continue;
  const show = verbose ? inRead : inRead.slice(0, 1);
  const where = show.map((f) => {
    const text = fs.readFileSync(path.join(srctree, f), 'latin1').split('\n');
    const re = new RegExp(`CONFIG_${sym}\\b`);
    const n = text.findIndex((l) => re.test(l));
    return n < 0 ? f : `${f}:${n + 1}: ${text[n]!.trim().slice(0, 100)}`;
  });
  onlyOracle.push(`${sym}\n    ${where.join('\n    ')}`);
}

console.log(`oracle: ${oracle.size} undefined symbols over the whole tree; the build read ${read.size} files`);
console.log(`K004: ${diags.length} findings; confirmed by the script: ${confirmed}; not listed by it: ${unconfirmed.length}`);
for (const u of unconfirmed) console.log(`  K004 only: ${u}`);
console.log(`symbols the script reports in files the build read that K004 does not: ${onlyOracle.length} (review each)`);
for (const o of onlyOracle) console.log(`  ${o}`);
