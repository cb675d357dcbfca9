/**
 * Preprocessor benchmark against gcc -E on a real kernel build (CPU time, so that other load on the machine does not
 * distort the ratio):
 *
 *   scripts/ground-truth/run-ts.sh bench/cpp-bench.ts --objtree /work/kbuild/arm --list test/data/cpp/arm-multi_v7.sample \
 *        [--second ~/.cache/kvlint/oracle/arm-multi_v7-smp-n] [--every N] [--limit N] [--verify K] [--no-unit-reuse]
 *   (the objtrees: a full build's, or the prepared ones of scripts/cpp-ci-prepare.sh [--full])
 *
 * 1. gcc -E of every unit (kbuild's saved command line): child CPU time.
 * 2. kvlint, cold: a fresh process state and an empty CppCache (every header read, lexed and recorded once), the
 *    units in list order: CPU time per unit, the ratio to gcc, and the first unit on its own.
 * 3. With --second OBJTREE (the same tree configured differently, e.g. SMP=n; its autoconf.h and generated headers):
 *    the same units again in that configuration, reusing unit results whose footprint agrees (the engine's unit
 *    cache) and header memos whose dependencies agree; prints its cost as a share of the first configuration's, and
 *    checks the first K units of it against gcc -E in that objtree. The memo store's policy decides whether the second
 *    configuration can record its own variants (src/cpp/memo.ts MemoStore: KVLINT_MEMO_POLICY=config|stop|lru).
 *    --no-unit-reuse re-preprocesses every unit in config B; with --second naming the first objtree again it
 *    measures the memo floor: what a configuration costs when every header and segment replays.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CppCache, preprocess, renderGccE } from '../src/cpp/index.js';
import { macroEnv, parseAutoconf } from '../src/engine/unit-cache.js';
import { predefinedFor } from '../src/toolchain/predefined.js';
import { bundledProfiles } from '../src/toolchain/profile.js';
import { KernelTree } from '../src/tree/tree.js';
import { selectUnits, srctreeOf } from '../scripts/cpp-diff.js';
import { cmdFileOf, type KbuildUnit, oracleArgv, parseCmdFile } from '../scripts/cpp-kbuild-cmd.js';
import { compareTokens, outputTokens } from '../scripts/cpp-oracle.js';

const args = process.argv.slice(2);
const get = (n: string) => {
  const i = args.indexOf(n);
  return i >= 0 ? args[i + 1] : undefined;
};
const objtree = get('--objtree');
const list = get('--list');
if (!objtree || !list) throw new Error('usage: cpp-bench --objtree DIR --list FILE [--second DIR] [--limit N] [--verify K]');
const srctree = srctreeOf(objtree);
let units = selectUnits(objtree, srctree, { list });
// --every 4: the CI subset of test/cpp/real-tree.test.ts (every 4th listed unit)
if (get('--every')) units = units.filter((_, i) => i % Number(get('--every')) === 0);
if (get('--limit')) units = units.slice(0, Number(get('--limit')));

/** CPU time of reaped children, ms (from /proc/self/stat: cutime + cstime, clock ticks of 10 ms) */
function childCpuMs(): number {
  const f = fs.readFileSync('/proc/self/stat', 'utf8');
  const rest = f.slice(f.lastIndexOf(')') + 2).split(' ');
  return (Number(rest[13]) + Number(rest[14])) * 10;
}
function selfCpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

import { PerformanceObserver } from 'node:perf_hooks';
let gcMs = 0;
new PerformanceObserver((l) => {
  for (const e of l.getEntries()) gcMs += e.duration;
}).observe({ entryTypes: ['gc'] });

// 1. gcc -E
const c0 = childCpuMs();
const w0 = performance.now();
for (const u of units) {
  const argv = oracleArgv(u);
  spawnSync(argv[0]!, argv.slice(1), { cwd: objtree, stdio: 'ignore', maxBuffer: 1 << 30 });
}
const gccCpu = childCpuMs() - c0;
const gccWall = performance.now() - w0;
console.log(`units: ${units.length} (${units.filter((u) => u.module).length} in modules)`);
console.log(`gcc -E:  CPU ${(gccCpu / 1000).toFixed(1)} s = ${(gccCpu / units.length).toFixed(1)} ms/unit (wall ${(gccWall / 1000).toFixed(1)} s)`);

// 2. kvlint cold, then the second configuration
const tree = new KernelTree(srctree);
const profiles = new Map(bundledProfiles().filter((p) => p.env.CC).map((p) => [p.env.CC!, p]));
const cache = new CppCache(tree, [objtree]);

interface Stored {
  footprint: Map<string, string | null>;
  tokens: number;
  hash: string;
}

let hashMs = 0;
/**
 * A hash of the token texts, to tell whether config B's output really differs from config A's. Its CPU time is left
 * out of the figures; it allocates nothing (a sha1 over `text + '\n'` made a string per token, 25 M per
 * configuration, and the collector's time for them was charged to the preprocessor).
 */
function streamHash(r: { tokens: { length: number; text(i: number): string; identId?(i: number): number } }): string {
  const t0 = selfCpuMs();
  let a = 0x811c9dc5;
  let b = 0x1b873593;
  const t = r.tokens;
  for (let i = 0; i < t.length; i++) {
    const id = t.identId ? t.identId(i) : 0;
    if (id !== 0) {
      a = Math.imul(a ^ id, 0x01000193);
      b = Math.imul(b ^ id, 0x5bd1e995);
    } else {
      const x = t.text(i);
      for (let k = 0; k < x.length; k++) {
        a = Math.imul(a ^ x.charCodeAt(k), 0x01000193);
        b = Math.imul(b ^ x.charCodeAt(k), 0x5bd1e995);
      }
    }
    a = Math.imul(a ^ 10, 0x01000193);
    b = Math.imul(b ^ 10, 0x5bd1e995);
  }
  const d = `${(a >>> 0).toString(16)}${(b >>> 0).toString(16)}`;
  hashMs += selfCpuMs() - t0;
  return d;
}
let differing = 0;

function runConfig(label: string, tree0: string, us: KbuildUnit[], reuse: Map<string, Stored> | null): { cpu: number; reused: number; first: number } {
  const autoconfText = fs.readFileSync(path.join(tree0, 'include/generated/autoconf.h'), 'latin1');
  const autoconf = parseAutoconf(autoconfText);
  let reused = 0;
  let first = 0;
  let outTokens = 0;
  hashMs = 0;
  const t0 = selfCpuMs();
  const w = performance.now();
  const m0 = { ...cache.memo.stats };
  us.forEach((u, i) => {
    const u0 = selfCpuMs();
    const pre = predefinedFor(profiles.get(u.argv[0]!)!, u.cmd);
    const prev = reuse?.get(u.object);
    if (prev && !noUnitReuse) {
      const env = macroEnv(pre.macros, u.cmd, autoconf);
      let agree = true;
      for (const [n, v] of prev.footprint) {
        if (env(n) !== v) {
          agree = false;
          break;
        }
      }
      if (agree) {
        reused++;
        return;
      }
    }
    const r = preprocess(tree, u.source, {
      cmd: u.cmd, autoconf: autoconfText, predefined: pre.macros, attributes: pre.attributes, builtins: pre.builtins, cache,
      extraRoots: [tree0], srcPrefix: srctree + '/',
    });
    outTokens += r.tokens.length;
    const hash = streamHash(r);
    if (!reuse) results.set(u.object, { footprint: r.footprint, tokens: r.tokens.length, hash });
    else if (prev && prev.hash !== hash) differing++;
    if (i === 0) first = selfCpuMs() - u0;
  });
  const cpu = selfCpuMs() - t0 - hashMs;
  const ms = cache.memo.stats;
  const mu = process.memoryUsage();
  console.log(`  heap ${(mu.heapUsed / 1e6).toFixed(0)} MB used, ${(mu.arrayBuffers / 1e6).toFixed(0)} MB array buffers; GC ${gcMs.toFixed(0)} ms so far`);
  console.log(`kvlint ${label}: CPU ${(cpu / 1000).toFixed(1)} s = ${(cpu / us.length).toFixed(1)} ms/unit (wall ${((performance.now() - w) / 1000).toFixed(1)} s); ` +
    `units reused by footprint: ${reused}; header memo: ${ms.hits - m0.hits} replayed, ${ms.misses - m0.misses} preprocessed; first unit ${first.toFixed(0)} ms`);
  console.log(`  output ${outTokens} tokens, ${((100 * (ms.replayedTokens - m0.replayedTokens)) / Math.max(1, outTokens)).toFixed(1)}% of them replayed from header/segment memos`);
  return { cpu, reused, first };
}

/** --no-unit-reuse: config B never reuses a whole unit (to measure what the header/segment memos alone cost) */
const noUnitReuse = args.includes('--no-unit-reuse');
const results = new Map<string, Stored>();
const a = runConfig('cold (config A)', objtree, units, null);
console.log(`ratio kvlint/gcc (cold, CPU): ${(a.cpu / gccCpu).toFixed(2)}; without the first unit: ${((a.cpu - a.first) / (units.length - 1) / (gccCpu / units.length)).toFixed(2)}`);
console.log(`memo store: ${cache.memo.maxTokens} tokens, policy ${cache.memo.policy} (keep ${cache.memo.keep}); KVLINT_MEMO_TOKENS / _POLICY / _KEEP change them`);
console.log(`lexed ${cache.stats.lexedFiles} files, ${(cache.stats.lexedBytes / 1e6).toFixed(1)} MB, ${cache.stats.lexMs.toFixed(0)} ms; memo holds ${cache.memo.tokens} tokens`);

const second = get('--second');
if (second) {
  // the same objects with the second objtree's generated headers (kbuild's relative -I paths resolve there)
  const us2 = units.map((u) => {
    const text = fs.readFileSync(cmdFileOf(objtree, u.object)!, 'latin1');
    return parseCmdFile(text, second, srctree) ?? u;
  });
  let session: import('node:inspector').Session | undefined;
  if (process.env.KVLINT_PROFILE_B) {
    const inspector = await import('node:inspector');
    session = new inspector.Session();
    session.connect();
    await new Promise<void>((r) => session!.post('Profiler.enable', () => session!.post('Profiler.start', () => r())));
  }
  const b = runConfig('second configuration (config B)', second, us2, results);
  if (session) {
    await new Promise<void>((r) => session!.post('Profiler.stop', (_e, res) => {
      fs.writeFileSync(process.env.KVLINT_PROFILE_B!, JSON.stringify((res as { profile: unknown }).profile));
      r();
    }));
  }
  console.log(`config B costs ${((100 * b.cpu) / a.cpu).toFixed(1)}% of config A (${b.reused} of ${units.length} units reused whole; ${differing} of ${units.length - b.reused} re-preprocessed units really produce other tokens in config B)`);
  const k = Number(get('--verify') ?? 10);
  const autoconfB = fs.readFileSync(path.join(second, 'include/generated/autoconf.h'), 'latin1');
  let same = 0;
  for (const u of us2.slice(0, k)) {
    const pre = predefinedFor(profiles.get(u.argv[0]!)!, u.cmd);
    const r = preprocess(tree, u.source, { cmd: u.cmd, autoconf: autoconfB, predefined: pre.macros, attributes: pre.attributes, builtins: pre.builtins, cache, extraRoots: [second], srcPrefix: srctree + '/' });
    const argv = oracleArgv(u);
    const g = spawnSync(argv[0]!, argv.slice(1), { cwd: second, encoding: 'latin1', maxBuffer: 1 << 30 });
    const asm = u.cmd.language === 'assembler-with-cpp';
    if (compareTokens(outputTokens(renderGccE(r.tokens), asm), outputTokens(g.stdout ?? '', asm)).identical) same++;
    else console.log(`  config B differs from gcc: ${u.source}`);
  }
  console.log(`config B check against gcc -E in ${second}: ${same}/${Math.min(k, us2.length)} identical`);
}
