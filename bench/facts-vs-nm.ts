/**
 * Symbol facts against nm on a real build: re-preprocess each unit with the build's own gcc -E command, extract
 * facts, and compare with `nm` of the real object (undefined and defined global symbols) and, per module, with
 * `nm -u` of the real .ko.
 *
 *   bench/kconfig.sh bench/facts-vs-nm [--objtree DIR] [--srctree DIR] [--modules N|all] [--objects a.o,b.o] [-v]
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { UnitFacts } from '../src/core/facts.js';
import { extractFacts } from '../src/c/index.js';
import { nm } from '../test/support/nm.js';
import { factFlags, preprocessWithGcc, readCmd } from './facts-support.js';

const argv = process.argv.slice(2);
const opt = (name: string, dflt?: string) => {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : dflt;
};
const objtree = opt('--objtree', '/work/kbuild/arm')!;
const srctree = fs.realpathSync(opt('--srctree', '/root/.cache/kvlint/linux-source-6.1')!);
const arch = opt('--arch', 'arm')!;
const nmTool = opt('--nm', 'arm-linux-gnueabihf-nm')!;
const verbose = argv.includes('-v');
const only = opt('--objects');
const modulesArg = opt('--modules', '20')!;
const skip = Number(opt('--skip', '0'));

const modules = fs
  .readFileSync(path.join(objtree, 'modules.order'), 'latin1')
  .split('\n')
  .filter(Boolean)
  .map((ko) => ko.replace(/\.ko$/, ''));
const chosen = modulesArg === 'all' ? modules.slice(skip) : modules.slice(skip, skip + Number(modulesArg));

const t0 = performance.now();
let extractMs = 0;
const factsOf = new Map<string, UnitFacts | null>();
function facts(obj: string): UnitFacts | null {
  if (factsOf.has(obj)) return factsOf.get(obj)!;
  const u = readCmd(objtree, srctree, obj);
  let f: UnitFacts | null = null;
  if (u) {
    const ts = preprocessWithGcc(objtree, srctree, u, 'facts-gcc-e');
    const t = performance.now();
    f = extractFacts(ts, { object: obj, source: u.source, language: u.language, arch, flags: factFlags(u.args) });
    extractMs += performance.now() - t;
  }
  factsOf.set(obj, f);
  return f;
}

let tp = 0, fp = 0, fn = 0;
let otp = 0, ofp = 0, ofn = 0;
let dtp = 0, dfp = 0, dfn = 0;
const fpNames = new Map<string, number>();
const fnNames = new Map<string, number>();
const objs = only ? only.split(',') : undefined;

if (objs) {
  for (const o of objs) compareObject(o);
} else {
  for (const m of chosen) {
    const members = fs.readFileSync(path.join(objtree, m + '.mod'), 'latin1').split(/\s+/).filter(Boolean);
    const refs = new Set<string>();
    const defs = new Set<string>();
    let ok = true;
    for (const o of members) {
      const f = facts(o);
      if (!f) {
        ok = false;
        console.log(`! ${m}: no facts for ${o}`);
        continue;
      }
      for (const r of f.refs) refs.add(r.name);
      for (const d of f.defs) if (d.binding !== 'local') defs.add(d.name);
      compareObject(o, f);
    }
    if (!ok) continue;
    const mine = new Set([...refs].filter((r) => !defs.has(r) && r !== '__this_module'));
    const real = new Set(nm(nmTool, path.join(objtree, m + '.ko')).undefined.keys());
    const extra = [...mine].filter((s) => !real.has(s));
    const missing = [...real].filter((s) => !mine.has(s));
    tp += mine.size - extra.length;
    fp += extra.length;
    fn += missing.length;
    for (const s of extra) fpNames.set(s, (fpNames.get(s) ?? 0) + 1);
    for (const s of missing) fnNames.set(s, (fnNames.get(s) ?? 0) + 1);
    if (verbose || extra.length || missing.length) {
      console.log(`${m}.ko: ${real.size} undefined; extra ${extra.length}: ${extra.join(' ')}; missing ${missing.length}: ${missing.join(' ')}`);
    }
  }
}

function compareObject(o: string, f = facts(o)): void {
  if (!f) return;
  const real = nm(nmTool, path.join(objtree, o));
  const mine = new Set(f.refs.map((r) => r.name));
  const extra = [...mine].filter((s) => !real.undefined.has(s));
  const missing = [...real.undefined.keys()].filter((s) => !mine.has(s));
  otp += mine.size - extra.length;
  ofp += extra.length;
  ofn += missing.length;
  const mdefs = new Set(f.defs.filter((d) => d.binding !== 'local').map((d) => d.name));
  const dextra = [...mdefs].filter((s) => !real.defined.has(s));
  const dmissing = [...real.defined.keys()].filter((s) => !mdefs.has(s));
  dtp += mdefs.size - dextra.length;
  dfp += dextra.length;
  dfn += dmissing.length;
  if (verbose || (objs && (extra.length || missing.length || dextra.length || dmissing.length))) {
    console.log(`  ${o}: U extra [${extra.join(' ')}] missing [${missing.join(' ')}]; defs extra [${dextra.join(' ')}] missing [${dmissing.join(' ')}]`);
    if (f.gaps) console.log(`    gaps: ${f.gaps.join(' | ')}`);
    for (const r of f.refs) {
      if (!extra.includes(r.name) && !argv.includes('-a')) continue;
      const notes = r.trace.filter((t) => t.kind === 'note').map((t) => `${t.label}${t.span ? ` @${t.span.file}:${t.span.line}` : ''}`);
      console.log(`    + ${r.name} at ${r.span.file}:${r.span.line} in ${r.from ?? '?'} ${notes.join(' <- ')}`);
    }
  }
}

const pct = (a: number, b: number) => (b === 0 ? 'n/a' : ((100 * a) / b).toFixed(2) + '%');
console.log('---');
if (!objs) console.log(`modules ${chosen.length}: undefined precision ${pct(tp, tp + fp)} recall ${pct(tp, tp + fn)} (tp ${tp} fp ${fp} fn ${fn})`);
console.log(`objects ${factsOf.size}: undefined precision ${pct(otp, otp + ofp)} recall ${pct(otp, otp + ofn)} (tp ${otp} fp ${ofp} fn ${ofn})`);
console.log(`objects: global definitions precision ${pct(dtp, dtp + dfp)} recall ${pct(dtp, dtp + dfn)} (tp ${dtp} fp ${dfp} fn ${dfn})`);
const top = (m: Map<string, number>) => [...m].sort((a, b) => b[1] - a[1]).slice(0, 30).map(([k, v]) => `${k}:${v}`).join(' ');
console.log(`top extra: ${top(fpNames)}`);
console.log(`top missing: ${top(fnNames)}`);
console.log(`time: ${(performance.now() - t0).toFixed(0)} ms total, ${extractMs.toFixed(0)} ms in extractFacts`);
