import * as fs from 'node:fs';
import * as path from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { CompileCommand, ObjectGraph } from '../../src/core/graph.js';
import { packageRoot } from '../../src/tree/tree.js';

/** Ground truth extracted from a real build by scripts/ground-truth/extract.sh (format: test/data/<name>/README.md). */
export interface GroundTruth {
  dir: string;
  /** ARCH of the build (SOURCE.txt) */
  arch: string;
  /** a dry run (stand-in compiler): Kbuild facts only */
  kbuildOnly: boolean;
  config: string;
  /** modules.order without .ko */
  modules: string[];
  /** module → member objects (from the .mod files) */
  members: Map<string, string[]>;
  /** vmlinux.a members in order */
  vmlinux: string[];
  /** object → { source, flags } from its .cmd file */
  flags: Map<string, { source: string; flags: string[] }>;
}

export function dataDir(name: string): string {
  return path.join(packageRoot(), 'test', 'data', name);
}

/** data sets under test/data that carry Kbuild ground truth (config, modules, vmlinux.a, flags) */
export function groundTruthSets(): string[] {
  const root = path.join(packageRoot(), 'test', 'data');
  return fs
    .readdirSync(root)
    .filter((n) => ['config.gz', 'modules.tsv.gz', 'vmlinux.a.gz', 'flags.tsv.gz', 'SOURCE.txt'].every((f) => fs.existsSync(path.join(root, n, f))))
    .sort();
}

export function readGz(dir: string, file: string): string {
  return gunzipSync(fs.readFileSync(path.join(dir, file))).toString('latin1');
}

const lines = (t: string): string[] => t.split('\n').filter((l) => l !== '');

export function loadGroundTruth(name: string): GroundTruth {
  const dir = dataDir(name);
  const members = new Map<string, string[]>();
  for (const l of lines(readGz(dir, 'modules.tsv.gz'))) {
    const [m, objs] = l.split('\t');
    members.set(m!, (objs ?? '').split(' ').filter((x) => x !== ''));
  }
  const flags = new Map<string, { source: string; flags: string[] }>();
  for (const l of lines(readGz(dir, 'flags.tsv.gz'))) {
    const [o, source, ...f] = l.split('\t');
    flags.set(o!, { source: source!, flags: f });
  }
  const source = fs.readFileSync(path.join(dir, 'SOURCE.txt'), 'utf8');
  return {
    dir,
    arch: /^arch: (\S+)/m.exec(source)?.[1] ?? 'arm',
    kbuildOnly: /^kbuild-only:/m.test(source),
    config: readGz(dir, 'config.gz'),
    modules: lines(readGz(dir, 'modules.order.gz')).map((l) => l.replace(/\.ko$/, '')),
    members,
    vmlinux: lines(readGz(dir, 'vmlinux.a.gz')),
    flags,
  };
}

/**
 * Project flags to a canonical form both sides can be written in: S:path for the source tree, O:path for the
 * objtree; -D values as the compiler sees them.
 */
export function canonTruthFlags(flags: string[]): string[] {
  const p = (x: string): string =>
    x.startsWith('$(srctree)/') ? 'S:' + norm(x.slice(11)) : x === '$(srctree)' ? 'S:' : x.startsWith('/') ? x : 'O:' + norm(x);
  return flags.map((f) => {
    const inc = /^-(I|isystem|idirafter|iquote)(.*)$/.exec(f);
    if (inc) return `-${inc[1] === 'I' || inc[1] === 'iquote' ? 'I' : 'isystem'}${p(inc[2]!)}`.replace(/\/$/, '');
    if (f.startsWith('-include ') || f.startsWith('-imacros ')) return `-include ${p(f.slice(9))}`;
    if (f.startsWith('-D')) return f.includes('=') ? f : `${f}=1`;
    return f;
  });
}

function norm(p: string): string {
  const out: string[] = [];
  for (const seg of p.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..' && out.length > 0 && out[out.length - 1] !== '..') out.pop();
    else out.push(seg);
  }
  return out.join('/');
}

export function canonCommand(cmd: CompileCommand, objtree: string, srctreeAbs: string[]): string[] {
  const p = (x: string): string => {
    if (x.startsWith(objtree + '/')) return 'O:' + x.slice(objtree.length + 1);
    if (x === objtree) return 'O:';
    if (x.startsWith('/')) return x;
    return 'S:' + x;
  };
  const out: string[] = [];
  for (const i of cmd.includes) out.push(`-I${p(i)}`.replace(/\/$/, ''));
  for (const i of cmd.systemIncludes) out.push(`-isystem${p(i)}`);
  for (const f of cmd.forcedIncludes) out.push(`-include ${p(f)}`);
  for (const [n, v] of cmd.defines) out.push(v === null ? `-U${n}` : `-D${n}=${v}`);
  for (let f of cmd.flags) {
    for (const s of srctreeAbs) f = f.split(s + '/').join('$(srctree)/');
    out.push(f);
  }
  return out;
}

/** Split canonical flags into comparable groups; order matters within each group. */
export function groups(flags: string[]): Record<'I' | 'include' | 'D' | 'other', string[]> {
  const g = { I: [] as string[], include: [] as string[], D: [] as string[], other: [] as string[] };
  const sys: string[] = [];
  for (const f of flags) {
    // -I and -isystem are separate search lists for gcc: only the order within each matters
    if (f.startsWith('-isystem')) sys.push(f);
    else if (f.startsWith('-I')) g.I.push(f);
    else if (f.startsWith('-include ')) g.include.push(f);
    else if (f.startsWith('-D') || f.startsWith('-U')) g.D.push(f);
    else g.other.push(f);
  }
  g.I.push(...sys);
  return g;
}

export interface Comparison {
  modules: { truth: number; ours: number; missing: string[]; extra: string[]; orderEqual: boolean; memberMismatch: string[] };
  builtin: { truth: number; ours: number; missing: string[]; extra: string[]; orderEqual: boolean };
  flags: {
    compared: number;
    equal: number;
    /** per group: objects whose group differs */
    byGroup: Record<string, number>;
    /** objects in the graph without a .cmd file, and .cmd objects of the graph's directories that the graph lacks */
    noTruth: string[];
    examples: { object: string; group: string; ours: string[]; truth: string[] }[];
  };
}

export function compare(graph: ObjectGraph, truth: GroundTruth, objtree: string, srctreeAbs: string[]): Comparison {
  const ourMods = graph.modules.map((m) => m.name);
  const truthSet = new Set(truth.modules);
  const ourSet = new Set(ourMods);
  const memberMismatch: string[] = [];
  for (const m of graph.modules) {
    // .mod files keep make's spelling (arch/riscv/kvm/../../../virt/kvm/kvm_main.o); the graph normalises paths
    const want = truth.members.get(m.name)?.map(norm);
    if (want && want.join(' ') !== m.objects.join(' ')) memberMismatch.push(`${m.name}: ours [${m.objects.join(' ')}] real [${want.join(' ')}]`);
  }
  const vm = truth.vmlinux;
  const vmSet = new Set(vm);
  const ourB = graph.builtin;
  const ourBSet = new Set(ourB);
  const inBoth = (a: string[], s: Set<string>) => a.filter((x) => s.has(x));

  const byGroup: Record<string, number> = { I: 0, include: 0, D: 0, other: 0 };
  const examples: Comparison['flags']['examples'] = [];
  let compared = 0;
  let equal = 0;
  const noTruth: string[] = [];
  for (const [p, o] of graph.objects) {
    // linked objects that are compiled (not made from another object by objcopy/ld, which has no compile command)
    if ((!o.builtin && !o.module) || o.derivedFrom !== undefined) continue;
    const t = truth.flags.get(p);
    if (!t) {
      noTruth.push(p);
      continue;
    }
    compared++;
    const ours = groups(canonCommand(o.cmd, objtree, srctreeAbs));
    const real = groups(canonTruthFlags(t.flags));
    let same = true;
    for (const k of ['I', 'include', 'D', 'other'] as const) {
      if (ours[k].join(' ') !== real[k].join(' ')) {
        same = false;
        byGroup[k]!++;
        if (examples.filter((e) => e.group === k).length < 8) examples.push({ object: p, group: k, ours: ours[k], truth: real[k] });
      }
    }
    if (same) equal++;
  }
  return {
    modules: {
      truth: truth.modules.length,
      ours: ourMods.length,
      missing: truth.modules.filter((m) => !ourSet.has(m)),
      extra: ourMods.filter((m) => !truthSet.has(m)),
      orderEqual: inBoth(ourMods, truthSet).join(' ') === inBoth(truth.modules, ourSet).join(' '),
      memberMismatch,
    },
    builtin: {
      truth: vm.length,
      ours: ourB.length,
      missing: vm.filter((x) => !ourBSet.has(x)),
      extra: ourB.filter((x) => !vmSet.has(x)),
      orderEqual: inBoth(ourB, vmSet).join(' ') === inBoth(vm, ourBSet).join(' '),
    },
    flags: { compared, equal, byGroup, noTruth, examples },
  };
}
