/**
 * Symbol facts and link resolution against the committed ground truth of the real ARM multi_v7 build
 * (test/data/arm-multi_v7: modules.tsv, nm-modules, nm-builtin, Module.symvers, flags.tsv).
 *
 *   bench/kconfig.sh bench/facts-arm [--cpp gcc|kvlint] [--modules N|all] [--skip K] [--builtin] [--exports]
 *                                     [--exports-ksymtab-only [--exports-source-prefilter]] [--objtree DIR] [--srctree DIR]
 *                                     [--data DIR] [--by-symbol] [-v]
 *
 * --cpp gcc     units preprocessed by the build's own gcc -E (flags from flags.tsv; needs the objtree's generated
 *               headers): an upper bound of facts accuracy independent of kvlint's preprocessor
 * --cpp kvlint  units preprocessed by kvlint (Kconfig → Kbuild → cpp stages on the real tree and .config)
 * Prints per-module undefined-symbol precision/recall against `nm -u` of every real .ko, global definitions per
 * object against nm, each module's exports against its Module.symvers entries, and (with --exports, which needs
 * every built-in object) all exports against Module.symvers. --exports-ksymtab-only analyses only the built-in units
 * and module members outside --modules whose gcc -E output mentions a ksymtab section (every EXPORT_SYMBOL* variant
 * of 6.1 places its entry in one; the others export nothing), which saves most of the time of the whole-tree exports
 * comparison (`--modules 0 --exports --exports-ksymtab-only`: exports only); --exports-source-prefilter skips gcc -E
 * too for units whose source file never says EXPORT or ksymtab. --by-symbol lists every module difference grouped by
 * symbol.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { extractFacts } from '../src/c/index.js';
import type { UnitFacts } from '../src/core/facts.js';
import type { TokenStream } from '../src/core/tokens.js';
import type { BuiltObject, ObjectGraph } from '../src/core/graph.js';
import { resolveLink } from '../src/link/index.js';
import { tokensFromPreprocessed } from '../test/support/gcc-e.js';
import { cacheRoot } from './facts-support.js';

const argv = process.argv.slice(2);
const opt = (name: string, dflt: string) => {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1]! : dflt;
};
const data = opt('--data', 'test/data/arm-multi_v7');
const objtree = fs.realpathSync(opt('--objtree', '/work/kbuild/arm'));
const srctree = fs.realpathSync(opt('--srctree', '/root/.cache/kvlint/linux-source-6.1'));
const cppMode = opt('--cpp', 'gcc');
const verbose = argv.includes('-v');
const wantExports = argv.includes('--exports');
const wantBuiltin = argv.includes('--builtin') || wantExports;
const gcc = 'arm-linux-gnueabihf-gcc';
const ksymtabOnly = argv.includes('--exports-ksymtab-only');
let skippedNoKsymtab = 0;
const stubbed = new Set<string>();
// --exports-source-prefilter (with --exports-ksymtab-only): not even gcc -E for a unit whose source file neither
// contains "EXPORT"/"ksymtab" nor includes another .c file (kernel/sched/build_utility.c, lzo1x_compress_safe.c); it
// could export only through a header macro that hides the word — a heuristic, unlike --exports-ksymtab-only
const sourcePrefilter = argv.includes('--exports-source-prefilter');
function sourceMentionsExport(obj: string): boolean {
  const f = flagsOf.get(obj);
  if (!f) return true;
  const src = f.source.startsWith('$(srctree)/') ? path.join(srctree, f.source.slice('$(srctree)/'.length)) : path.join(objtree, f.source);
  try {
    return /EXPORT|ksymtab|#\s*include\s*["<][^">]*\.c[">]/.test(fs.readFileSync(src, 'latin1'));
  } catch {
    return true;
  }
}

const gz = (f: string) => zlib.gunzipSync(fs.readFileSync(path.join(data, f))).toString('latin1');

// ---- ground truth ----
const modules = gz('modules.tsv.gz').split('\n').filter(Boolean).map((l) => {
  const [name, objs] = l.split('\t');
  return { name: name!, objects: objs!.split(' ').filter(Boolean) };
});
function nmBlocks(text: string): Map<string, { U: Set<string>; D: Set<string> }> {
  const out = new Map<string, { U: Set<string>; D: Set<string> }>();
  let cur: { U: Set<string>; D: Set<string> } | undefined;
  for (const line of text.split('\n')) {
    if (line.startsWith('@ ')) {
      cur = { U: new Set(), D: new Set() };
      out.set(line.slice(2), cur);
    } else if (cur && line) {
      const [t, s] = line.split(' ');
      if (t === 'U' || t === 'w' || t === 'v') cur.U.add(s!);
      else cur.D.add(s!);
    }
  }
  return out;
}
const nmMods = nmBlocks(gz('nm-modules.gz'));
const nmBuiltin = wantBuiltin ? nmBlocks(gz('nm-builtin.gz')) : new Map();
const builtinObjs = gz('vmlinux.a.gz').split('\n').filter(Boolean);
const modObjects = new Set(modules.flatMap((m) => m.objects));
// Module.symvers: symbol → "module<TAB>EXPORT_SYMBOL[_GPL]<TAB>namespace"
const symvers = new Map<string, string>();
for (const l of gz('Module.symvers.gz').split('\n')) {
  const [, sym, mod, kind, ns] = l.split('\t');
  if (sym) symvers.set(sym, `${mod}\t${kind}\t${ns ?? ''}`);
}
const symversByModule = new Map<string, Map<string, string>>();
for (const [sym, v] of symvers) {
  const mod = v.split('\t')[0]!;
  if (!symversByModule.has(mod)) symversByModule.set(mod, new Map());
  symversByModule.get(mod)!.set(sym, v);
}
const exportLine = (owner: string, x: { gpl: boolean; namespace: string | null }) => `${owner}\t${x.gpl ? 'EXPORT_SYMBOL_GPL' : 'EXPORT_SYMBOL'}\t${x.namespace ?? ''}`;
const flagsOf = new Map<string, { source: string; flags: string[] }>();
for (const l of gz('flags.tsv.gz').split('\n')) {
  if (!l) continue;
  const [o, src, ...flags] = l.split('\t');
  flagsOf.set(o!, { source: src!, flags });
}

const n = opt('--modules', 'all');
const skip = Number(opt('--skip', '0'));
let chosen = n === 'all' ? modules.slice(skip) : modules.slice(skip, skip + Number(n));
const listFile = opt('--list', '');
if (listFile) {
  const want = new Set(fs.readFileSync(listFile, 'latin1').split('\n').map((l) => l.trim().replace(/\.ko$/, '')).filter(Boolean));
  chosen = modules.filter((m) => want.has(m.name));
}
// --shard i/n: every n-th module starting at i (run n processes side by side, then add their SUMMARY lines)
const shard = opt('--shard', '');
if (shard) {
  const [i, k] = shard.split('/').map(Number);
  chosen = chosen.filter((_, j) => j % k! === i);
}

// members of the compared modules (--exports-ksymtab-only analyses every one of them)
const chosenObjects = new Set(chosen.flatMap((m) => m.objects));

// ---- preprocessing ----
const sub = (s: string) => s.split('$(srctree)').join(srctree);
function gccTokens(obj: string): { ts: TokenStream; text: string; language: 'c' | 'assembler-with-cpp'; source: string; flags: string[] } | undefined {
  const f = flagsOf.get(obj);
  if (!f) return undefined;
  const language = f.source.endsWith('.S') ? 'assembler-with-cpp' : 'c';
  const args = f.flags.flatMap((x) => (x.startsWith('-include ') || x.startsWith('-imacros ') ? [x.slice(0, x.indexOf(' ')), sub(x.slice(x.indexOf(' ') + 1))] : [sub(x)]));
  const out = path.join(cacheRoot(), 'facts-gcc-e', obj + (language === 'c' ? '.i' : '.s'));
  const srcAbs = sub(f.source).startsWith('/') ? sub(f.source) : path.join(objtree, f.source);
  if (!fs.existsSync(out)) {
    fs.mkdirSync(path.dirname(out), { recursive: true });
    execFileSync(gcc, ['-E', ...args, ...(language === 'c' ? [] : ['-x', 'assembler-with-cpp']), '-o', out + '.tmp', srcAbs], { cwd: objtree, stdio: ['ignore', 'ignore', 'pipe'] });
    fs.renameSync(out + '.tmp', out);
  }
  const root = srctree + '/';
  const text = fs.readFileSync(out, 'latin1');
  const ts = tokensFromPreprocessed(text, {
    asm: language !== 'c',
    mapFile: (p) => (p.startsWith(root) ? p.slice(root.length) : p.startsWith('./') ? p.slice(2) : p),
  });
  const source = f.source.replace('$(srctree)/', '');
  return { ts, text, language, source, flags: f.flags.filter((x) => /^-(f|m|O)/.test(x)) };
}

let kv: { graph: ObjectGraph; pre: (o: BuiltObject) => TokenStream } | undefined;
async function kvlintSetup(): Promise<void> {
  const { KernelTree } = await import('../src/tree/tree.js');
  const { defaultStages } = await import('../src/engine/default-stages.js');
  const tree = new KernelTree(srctree);
  const st = defaultStages(tree, { objtree });
  const t0 = performance.now();
  const model = st.loadKconfig(tree, 'arm');
  const { config } = st.resolveConfig(model, { kind: 'file', path: path.join(objtree, '.config') }, {});
  const autoconf = st.autoconf(model, config);
  const graph = st.evalKbuild(tree, config).graph;
  console.log(`kvlint: Kconfig + Kbuild ${(performance.now() - t0).toFixed(0)} ms, ${graph.objects.size} objects`);
  kv = {
    graph,
    pre: (o) => st.preprocess(tree, o.source!, { cmd: o.cmd, autoconf, compiler: st.compiler('arm', o.cmd) }).tokens,
  };
}

let ppMs = 0;
let factsMs = 0;
const factsCache = new Map<string, UnitFacts | null>();
function facts(obj: string): UnitFacts | null {
  if (factsCache.has(obj)) return factsCache.get(obj)!;
  let f: UnitFacts | null = null;
  try {
    const t0 = performance.now();
    if (cppMode === 'gcc' && sourcePrefilter && !chosenObjects.has(obj) && !sourceMentionsExport(obj)) {
      f = { object: obj, source: obj, defs: [], refs: [], exports: [], importNs: [] };
      skippedNoKsymtab++;
      stubbed.add(obj);
    } else if (cppMode === 'gcc') {
      const u = gccTokens(obj);
      const t1 = performance.now();
      ppMs += t1 - t0;
      if (u && ksymtabOnly && !chosenObjects.has(obj) && !u.text.includes('ksymtab')) {
        // --exports-ksymtab-only: a built-in unit whose preprocessed text never mentions a ksymtab section
        // exports nothing; its definitions and references are not needed for the exports comparison
        f = { object: obj, source: u.source, defs: [], refs: [], exports: [], importNs: [] };
        skippedNoKsymtab++;
        stubbed.add(obj);
      } else if (u) f = extractFacts(u.ts, { object: obj, source: u.source, language: u.language, arch: 'arm', flags: u.flags });
      const ms = performance.now() - t1;
      factsMs += ms;
      if (ms > 20_000) console.log(`slow unit: ${obj} ${(ms / 1000).toFixed(1)} s`);
    } else {
      const bo = kv!.graph.objects.get(obj);
      if (bo && bo.source) {
        const ts = kv!.pre(bo);
        const t1 = performance.now();
        ppMs += t1 - t0;
        f = extractFacts(ts, { object: obj, source: bo.source, language: bo.cmd.language, arch: 'arm', flags: bo.cmd.flags });
        factsMs += performance.now() - t1;
      }
    }
  } catch (e) {
    console.log(`! ${obj}: ${(e as Error).message.split('\n')[0]}`);
  }
  factsCache.set(obj, f);
  return f;
}

// ---- comparison ----
const pct = (a: number, b: number) => (b === 0 ? 'n/a' : ((100 * a) / b).toFixed(2) + '%');
const top = (m: Map<string, number>) => [...m].sort((a, b) => b[1] - a[1]).slice(0, 25).map(([k, v]) => `${k}:${v}`).join(' ');

async function run(): Promise<void> {
  const t0 = performance.now();
  if (cppMode === 'kvlint') await kvlintSetup();
  let tp = 0, fp = 0, fnn = 0;
  let dtp = 0, dfp = 0, dfn = 0;
  const fpN = new Map<string, number>();
  const fnN = new Map<string, number>();
  const fpM = new Map<string, string[]>();
  const fnM = new Map<string, string[]>();
  const perModule: string[] = [];
  const modFacts = new Map<string, UnitFacts>();
  let xSame = 0, xReal = 0, xMine = 0;
  const xDiffs: string[] = [];
  for (const m of chosen) {
    const refs = new Set<string>();
    const defs = new Set<string>();
    let missing = false;
    for (const o of m.objects) {
      const f = facts(o);
      if (!f) {
        missing = true;
        continue;
      }
      modFacts.set(o, f);
      for (const r of f.refs) refs.add(r.name);
      for (const d of f.defs) if (d.binding !== 'local') defs.add(d.name);
    }
    const real = nmMods.get(m.name + '.ko');
    if (!real || missing) {
      perModule.push(`${m.name}: no facts for some member (skipped)`);
      continue;
    }
    // the module's exports vs its Module.symvers entries (name, GPL flag, namespace)
    const realX = symversByModule.get(m.name) ?? new Map<string, string>();
    const myX = new Map<string, string>();
    for (const o of m.objects) for (const x of modFacts.get(o)!.exports) myX.set(x.name, exportLine(m.name, x));
    for (const [sym, v] of realX) {
      if (myX.get(sym) === v) xSame++;
      else xDiffs.push(`${sym}: real [${v.replace(/\t/g, ' ')}] kvlint [${myX.get(sym)?.replace(/\t/g, ' ') ?? 'none'}]`);
    }
    for (const [sym, v] of myX) if (!realX.has(sym)) xDiffs.push(`${sym}: real [none] kvlint [${v.replace(/\t/g, ' ')}]`);
    xReal += realX.size;
    xMine += myX.size;
    const mine = new Set([...refs].filter((r) => !defs.has(r) && r !== '__this_module'));
    const extra = [...mine].filter((s) => !real.U.has(s));
    const miss = [...real.U].filter((s) => !mine.has(s));
    tp += mine.size - extra.length;
    fp += extra.length;
    fnn += miss.length;
    for (const s of extra) fpN.set(s, (fpN.get(s) ?? 0) + 1), (fpM.get(s) ?? fpM.set(s, []).get(s)!).push(m.name);
    for (const s of miss) fnN.set(s, (fnN.get(s) ?? 0) + 1), (fnM.get(s) ?? fnM.set(s, []).get(s)!).push(m.name);
    // module global definitions vs the .ko (minus what .mod.o adds)
    const realD = new Set([...real.D].filter((s) => s !== '__this_module'));
    const dx = [...defs].filter((s) => !realD.has(s));
    const dm = [...realD].filter((s) => !defs.has(s));
    dtp += defs.size - dx.length;
    dfp += dx.length;
    dfn += dm.length;
    if (verbose || extra.length || miss.length) perModule.push(`${m.name}.ko: +[${extra.join(' ')}] -[${miss.join(' ')}]${dx.length || dm.length ? ` defs +[${dx.join(' ')}] -[${dm.join(' ')}]` : ''}`);
  }
  for (const l of perModule) console.log(l);
  console.log('---');
  console.log(`cpp: ${cppMode}; modules compared: ${chosen.length}`);
  console.log(`module undefined symbols vs nm -u of the .ko: precision ${pct(tp, tp + fp)} recall ${pct(tp, tp + fnn)} (tp ${tp}, fp ${fp}, fn ${fnn})`);
  console.log(`module global definitions vs nm of the .ko: precision ${pct(dtp, dtp + dfp)} recall ${pct(dtp, dtp + dfn)} (tp ${dtp}, fp ${dfp}, fn ${dfn})`);
  console.log(`top extra: ${top(fpN)}`);
  console.log(`top missing: ${top(fnN)}`);
  if (argv.includes('--by-symbol')) {
    // every difference, grouped by symbol (the form of test/data/arm-multi_v7/known-gaps.md)
    const bySym = (what: string, m: Map<string, string[]>) => {
      for (const [sym, mods] of [...m].sort((a, b) => b[1].length - a[1].length || (a[0] < b[0] ? -1 : 1))) {
        console.log(`${what} ${sym} (${mods.length}): ${mods.join(' ')}`);
      }
    };
    bySym('extra', fpM);
    bySym('missing', fnM);
  }
  console.log(`module exports vs Module.symvers (${chosen.length} modules): ${xReal} real, ${xMine} kvlint, identical (name, module, GPL flag, namespace) ${xSame}; differences ${xDiffs.length}`);
  for (const d of xDiffs) console.log(`  ${d}`);
  console.log(`SUMMARY ${tp} ${fp} ${fnn} ${dtp} ${dfp} ${dfn} ${JSON.stringify([...fpN])} ${JSON.stringify([...fnN])}`);

  if (wantBuiltin) {
    let btp = 0, bfp = 0, bfn = 0, gtp = 0, gfp = 0, gfn = 0;
    const bx = new Map<string, number>();
    const bm = new Map<string, number>();
    for (const o of builtinObjs) {
      const f = facts(o);
      const real = nmBuiltin.get(o);
      if (!f || !real || stubbed.has(o)) continue;
      const mine = new Set(f.refs.map((r) => r.name));
      for (const s of mine) {
        if (real.U.has(s)) btp++;
        else (bfp++, bx.set(s, (bx.get(s) ?? 0) + 1));
      }
      for (const s of real.U) if (!mine.has(s)) (bfn++, bm.set(s, (bm.get(s) ?? 0) + 1));
      const md = new Set(f.defs.filter((d) => d.binding !== 'local').map((d) => d.name));
      for (const s of md) if (real.D.has(s)) gtp++; else gfp++;
      for (const s of real.D) if (!md.has(s)) gfn++;
      if (verbose) console.log(`${o}: U +[${[...mine].filter((s) => !real.U.has(s)).join(' ')}] -[${[...real.U].filter((s) => !mine.has(s)).join(' ')}]`);
    }
    console.log(`built-in objects (${builtinObjs.length - stubbed.size}${stubbed.size ? ` analysed, ${stubbed.size} without ksymtab skipped` : ''}): undefined precision ${pct(btp, btp + bfp)} recall ${pct(btp, btp + bfn)} (fp ${bfp}, fn ${bfn}); global definitions precision ${pct(gtp, gtp + gfp)} recall ${pct(gtp, gtp + gfn)} (fp ${gfp}, fn ${gfn})`);
    console.log(`built-in top extra: ${top(bx)}`);
    console.log(`built-in top missing: ${top(bm)}`);
  }

  if (wantExports) {
    // exports through resolveLink on the real object lists, against Module.symvers
    const cmd = { includes: [], systemIncludes: [], defines: [], forcedIncludes: [], flags: [], language: 'c' as const };
    const objects = new Map<string, BuiltObject>();
    for (const o of builtinObjs) objects.set(o, { path: o, builtin: true, span: { file: '', line: 0, col: 0 }, cmd });
    for (const m of modules) for (const o of m.objects) objects.set(o, { path: o, builtin: false, module: m.name, span: { file: '', line: 0, col: 0 }, cmd });
    const graph: ObjectGraph = { arch: 'arm', objects, builtin: builtinObjs, modules: modules.map((m) => ({ name: m.name, objects: m.objects, span: { file: '', line: 0, col: 0 } })) };
    const all = new Map<string, UnitFacts>();
    for (const o of objects.keys()) {
      const f = facts(o);
      if (f) all.set(o, f);
    }
    const link = resolveLink(graph, all);
    const mine = new Map<string, string>();
    for (const x of link.vmlinux.exports) mine.set(x.name, `vmlinux\t${x.gpl ? 'EXPORT_SYMBOL_GPL' : 'EXPORT_SYMBOL'}\t${x.namespace ?? ''}`);
    for (const m of link.modules) for (const x of m.exports) mine.set(x.name, `${m.name}\t${x.gpl ? 'EXPORT_SYMBOL_GPL' : 'EXPORT_SYMBOL'}\t${x.namespace ?? ''}`);
    const real = symvers;
    let same = 0;
    const diffs: string[] = [];
    for (const [s, v] of real) {
      const m = mine.get(s);
      if (m === v) same++;
      else diffs.push(`${s}: real [${v.replace(/\t/g, ' ')}] kvlint [${m?.replace(/\t/g, ' ') ?? 'none'}]`);
    }
    for (const [s, v] of mine) if (!real.has(s)) diffs.push(`${s}: real [none] kvlint [${v.replace(/\t/g, ' ')}]`);
    console.log(`exports vs Module.symvers: ${real.size} real, ${mine.size} kvlint, identical (name, module, GPL flag, namespace) ${same}; differences ${diffs.length}${link.missingFacts ? ` (objects without facts: ${link.missingFacts.length})` : ''}`);
    for (const d of diffs) console.log(`  ${d}`);
    if (ksymtabOnly) console.log(`  (--exports-ksymtab-only: ${skippedNoKsymtab} units without 'ksymtab' in their gcc -E output${sourcePrefilter ? ' or without EXPORT/ksymtab in their source file' : ''} not analysed; the 'would reject' statuses below may say 'not defined' where the symbol is defined but not exported)`);
    // the zero-false-alarm check: on this configuration (which linked), no module reference may be unresolved
    // (meaningless when --exports-ksymtab-only left modules out of the comparison)
    let bad = 0;
    if (!ksymtabOnly || chosen.length === modules.length) {
      for (const m of link.modules) for (const r of m.refs) if (r.status !== 'exported' && !r.weak) {
        bad++;
        if (bad <= 20) console.log(`  would report: "${r.symbol}" [${m.name}.ko] ${r.status}`);
      }
      console.log(`module references modpost would reject (the real build linked, so 0 is right): ${bad}`);
    }
  }
  console.log(`time: ${(performance.now() - t0).toFixed(0)} ms; preprocessing ${ppMs.toFixed(0)} ms (${cppMode}), extractFacts ${factsMs.toFixed(0)} ms for ${factsCache.size} units`);
}

await run();
