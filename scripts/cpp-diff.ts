/**
 * Differential test of kvlint's preprocessor against gcc -E on a real kernel build directory.
 *
 *   node dist/scripts/cpp-diff.js --objtree /work/kbuild/arm [--sample 200 --seed 1 | --list FILE] [--write-list FILE]
 *                                 [--show 5] [--json FILE] [--pristine]
 *
 * --pristine: kvlint as a user without an objtree runs it — its own Kconfig resolution of the objtree's .config, its
 * own Kbuild command of each object (in-tree), the generated files of src/prepare; only gcc -E uses the objtree.
 *
 * Units come from kbuild's .cmd files (exact flags); kvlint preprocesses each with those flags (autoconf.h and the
 * generated headers read from the objtree, predefined macros from `gcc -dM` with the same flags), gcc -E runs the
 * saved command with -c/-o replaced. Token streams are compared ignoring whitespace and line markers. Prints the
 * identical/differing counts and timings.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { CompileCommand } from '../src/core/graph.js';
import { CppCache, type GeneratedSet, preprocess, renderGccE } from '../src/cpp/index.js';
import { defaultStages } from '../src/engine/default-stages.js';
import { evalKbuild } from '../src/kbuild/index.js';
import { autoconfHeader, loadKconfig, resolveConfig } from '../src/kconfig/index.js';
import { KernelTree } from '../src/tree/tree.js';
import { listUnits, oracleArgv, sample, type KbuildUnit } from './cpp-kbuild-cmd.js';
import { compareTokens, outputTokens } from './cpp-oracle.js';
import { bundledProfiles, type ToolchainProfile } from '../src/toolchain/profile.js';
import { predefinedFor } from '../src/toolchain/predefined.js';

export interface DiffOptions {
  objtree: string;
  srctree?: string;
  units: KbuildUnit[];
  show?: number;
  log?: (s: string) => void;
  /** skip running gcc (kvlint only, for timing) */
  noGcc?: boolean;
  /**
   * kvlint as on a pristine tree: its own configuration (from the objtree's .config), Kbuild commands and generated
   * files (src/prepare), nothing read from the objtree; gcc -E still runs the objtree's saved command
   */
  pristine?: boolean;
}

export interface UnitOutcome {
  object: string;
  source: string;
  identical: boolean;
  diff?: string;
  kvlintMs: number;
  gccMs: number;
  tokens: number;
  errors: string[];
  gaps: string[];
  gccFailed?: string;
}

export function srctreeOf(objtree: string): string {
  const link = path.join(objtree, 'source');
  if (fs.existsSync(link)) return fs.realpathSync(link);
  const mk = fs.readFileSync(path.join(objtree, 'Makefile'), 'utf8');
  const m = /include\s+(\S+)\/Makefile/.exec(mk);
  if (m) return fs.realpathSync(m[1]!);
  throw new Error(`cannot find the source tree of ${objtree}`);
}

export function selectUnits(objtree: string, srctree: string, opts: { list?: string; objects?: string[]; sample?: number; seed?: number; modules?: number }): KbuildUnit[] {
  const all = listUnits(objtree, srctree, /gcc$/);
  if (opts.list || opts.objects) {
    const want = opts.objects ?? fs.readFileSync(opts.list!, 'utf8').split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
    const by = new Map(all.map((u) => [u.object, u]));
    const missing = want.filter((w) => !by.has(w));
    if (missing.length) throw new Error(`${missing.length} listed objects have no .cmd in ${objtree}: ${missing.slice(0, 5).join(', ')}`);
    return want.map((w) => by.get(w)!);
  }
  // a fixed random sample, with at least `modules` module objects when the build has them
  const n = opts.sample ?? 200;
  const seed = opts.seed ?? 1;
  const mods = sample(all.filter((u) => u.module), Math.min(opts.modules ?? 10, n), seed);
  const rest = sample(all.filter((u) => !mods.includes(u)), n - mods.length, seed);
  return [...mods, ...rest].sort((a, b) => (a.object < b.object ? -1 : 1));
}

/** kvlint's own view of a pristine tree for the configuration of an objtree: commands by object, generated files */
export function pristineView(tree: KernelTree, objtree: string): { autoconf: string; generated: GeneratedSet; cmdOf: Map<string, CompileCommand>; gaps: string[] } {
  const dotConfig = fs.readFileSync(path.join(objtree, '.config'), 'latin1');
  const arch = /^# Linux\/(\S+) /m.exec(dotConfig)?.[1] ?? 'x86';
  const model = loadKconfig(tree, { arch: arch === 'x86' && /^CONFIG_64BIT=y$/m.test(dotConfig) ? 'x86_64' : arch === 'x86' ? 'i386' : arch });
  const { config } = resolveConfig(model, { kind: 'file', path: path.join(objtree, '.config') }, {});
  const autoconf = autoconfHeader(model, config);
  const { graph } = evalKbuild(tree, config);
  const prepared = defaultStages(tree).prepare!(tree, config, graph, autoconf);
  const cmdOf = new Map([...graph.objects.values()].map((b) => [b.path, b.cmd]));
  return { autoconf, generated: prepared.generated, cmdOf, gaps: prepared.gaps };
}

export function runDiff(o: DiffOptions): UnitOutcome[] {
  const srctree = o.srctree ?? srctreeOf(o.objtree);
  const tree = new KernelTree(srctree);
  const cache = new CppCache(tree, o.pristine ? [] : [o.objtree]);
  const view = o.pristine ? pristineView(tree, o.objtree) : undefined;
  const autoconf = view ? view.autoconf : fs.readFileSync(path.join(o.objtree, 'include/generated/autoconf.h'), 'latin1');
  const outcomes: UnitOutcome[] = [];
  const outsideGraph: string[] = [];
  const log = o.log ?? (() => {});
  let shown = 0;
  const profiles = new Map<string, ToolchainProfile>();
  for (const p of bundledProfiles()) if (p.env.CC) profiles.set(p.env.CC, p);
  for (const u of o.units) {
    const asm = u.cmd.language === 'assembler-with-cpp';
    // predefined macros and __has_attribute answers from the bundled toolchain profile, as the engine takes them
    const profile = profiles.get(u.argv[0]!);
    if (!profile) throw new Error(`no bundled toolchain profile for ${u.argv[0]}`);
    // an object kvlint's Kbuild graph lacks (built only as a prerequisite of another product, e.g. x86 realmode):
    // its saved command, with the objtree's paths read as the tree's (where the generated layer serves them)
    const cmd = view ? (view.cmdOf.get(u.object) ?? inTree(u.cmd, srctree, o.objtree)) : u.cmd;
    if (view && !view.cmdOf.has(u.object)) outsideGraph.push(u.object);
    const pre = predefinedFor(profile, cmd);
    const t0 = performance.now();
    const r = view
      ? preprocess(tree, u.source, { cmd, autoconf, generated: view.generated, predefined: pre.macros, attributes: pre.attributes, builtins: pre.builtins, cache, srcPrefix: './' })
      : preprocess(tree, u.source, {
          cmd, autoconf, predefined: pre.macros, attributes: pre.attributes, builtins: pre.builtins, cache,
          extraRoots: [o.objtree], srcPrefix: srctree + '/',
        });
    const mineText = renderGccE(r.tokens);
    const kvlintMs = performance.now() - t0;
    const errors = r.diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.primary.file}:${d.primary.line}: ${d.message}`);
    const outcome: UnitOutcome = { object: u.object, source: u.source, identical: true, kvlintMs, gccMs: 0, tokens: r.tokens.length, errors, gaps: [...pre.gaps, ...r.gaps] };
    if (!o.noGcc) {
      const argv = oracleArgv(u);
      const g0 = performance.now();
      const g = spawnSync(argv[0]!, argv.slice(1), { cwd: o.objtree, encoding: 'latin1', maxBuffer: 1 << 30 });
      outcome.gccMs = performance.now() - g0;
      if (g.status !== 0) outcome.gccFailed = (g.stderr ?? '').split('\n').slice(0, 3).join(' | ');
      const d = compareTokens(outputTokens(mineText, asm), outputTokens(g.stdout ?? '', asm));
      if (!d.identical) {
        outcome.identical = false;
        outcome.diff = `at token ${d.at}\n    kvlint: ${d.mine}\n    gcc:    ${d.theirs}`;
        if (shown++ < (o.show ?? 0)) log(`DIFF ${u.source}: ${outcome.diff}`);
      }
    }
    outcomes.push(outcome);
  }
  if (outsideGraph.length) log(`${outsideGraph.length} units are not in kvlint's Kbuild graph (their saved command was used, read in-tree): ${outsideGraph.join(' ')}`);
  return outcomes;
}

/** a saved O= command as kbuild in the source tree would spell it: source and objtree paths tree-relative */
function inTree(cmd: CompileCommand, srctree: string, objtree: string): CompileCommand {
  const roots = [fs.realpathSync(srctree), path.resolve(srctree), fs.realpathSync(objtree), path.resolve(objtree)];
  const rel = (p: string) => {
    for (const r of roots) if (p === r) return '.';
    for (const r of roots) if (p.startsWith(r + '/')) return p.slice(r.length + 1);
    return p;
  };
  return { ...cmd, includes: cmd.includes.map(rel), systemIncludes: cmd.systemIncludes.map(rel), forcedIncludes: cmd.forcedIncludes.map(rel) };
}

export function summarize(outcomes: UnitOutcome[]): string {
  const same = outcomes.filter((x) => x.identical).length;
  const k = outcomes.reduce((a, x) => a + x.kvlintMs, 0);
  const g = outcomes.reduce((a, x) => a + x.gccMs, 0);
  const withErr = outcomes.filter((x) => x.errors.length > 0).length;
  const gccFail = outcomes.filter((x) => x.gccFailed).length;
  return [
    `units: ${outcomes.length}  identical: ${same}  differing: ${outcomes.length - same}`,
    `kvlint diagnostics with errors: ${withErr} units; gcc failures: ${gccFail}`,
    `time: kvlint ${(k / 1000).toFixed(1)} s (${(k / outcomes.length).toFixed(1)} ms/unit), gcc -E ${(g / 1000).toFixed(1)} s (${(g / outcomes.length).toFixed(1)} ms/unit), ratio ${(k / Math.max(g, 1)).toFixed(2)}`,
  ].join('\n');
}

function main(args: string[]): number {
  const get = (name: string) => {
    const i = args.indexOf(name);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const objtree = get('--objtree');
  if (!objtree) {
    process.stderr.write('usage: cpp-diff --objtree DIR [--sample N] [--seed S] [--list FILE] [--write-list FILE] [--show N] [--json FILE]\n');
    return 2;
  }
  const srctree = get('--srctree') ?? srctreeOf(objtree);
  const units = selectUnits(objtree, srctree, { list: get('--list'), sample: Number(get('--sample') ?? 200), seed: Number(get('--seed') ?? 1), modules: Number(get('--modules') ?? 10) });
  const wl = get('--write-list');
  if (wl) fs.writeFileSync(wl, `# ${units.length} units sampled from ${objtree} (${units.filter((u) => u.module).length} in modules; scripts/cpp-diff.ts --sample ${get('--sample') ?? 200} --seed ${get('--seed') ?? 1})\n` + units.map((u) => u.object).join('\n') + '\n');
  const outcomes = runDiff({ objtree, srctree, units, show: Number(get('--show') ?? 5), log: (s) => process.stdout.write(s + '\n'), noGcc: args.includes('--no-gcc'), pristine: args.includes('--pristine') });
  for (const x of outcomes) if (!x.identical) process.stdout.write(`differs: ${x.source}\n`);
  for (const x of outcomes) if (x.errors.length) process.stdout.write(`errors: ${x.source}: ${x.errors.slice(0, 3).join(' | ')}\n`);
  for (const x of outcomes) if (x.gaps.length) process.stdout.write(`gaps: ${x.source}: ${x.gaps.slice(0, 3).join(' | ')}\n`);
  process.stdout.write(summarize(outcomes) + '\n');
  const j = get('--json');
  if (j) fs.writeFileSync(j, JSON.stringify(outcomes, null, 1));
  return outcomes.every((x) => x.identical) ? 0 : 1;
}

if (process.argv[1] && import.meta.url === `file://${process.argv[1]}`) process.exitCode = main(process.argv.slice(2));
