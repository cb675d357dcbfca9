import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as v8 from 'node:v8';
import { fileURLToPath } from 'node:url';
import type { BuiltObject, CompileCommand, GenerateRule, ModuleInfo, ObjectGraph } from '../core/graph.js';
import type { Diagnostic, Span } from '../core/types.js';
import type { KernelTree, ProbeStamps } from '../tree/tree.js';
import { treeCacheDir } from './unit-cache.js';

/**
 * Kbuild graphs kept between runs (outside the tree): evaluating Linux's ~2000 makefiles costs most of a second,
 * which a pre-commit run of a one-file change should not pay. An entry is keyed by everything the evaluation is a
 * function of besides the tree (architecture, the configuration's auto.conf, objtree, toolchain answers, kvlint's
 * Kbuild code) and is valid while every file it read has the same content hash and every existence question it
 * asked ($(wildcard), sources of objects, directories) has the same answer.
 */

interface Stored<T> {
  code: string;
  format: number;
  /** the key again: a file whose name collides (or was swapped) is not taken for another key's entry */
  key: string;
  value: T;
  read: [string, string][];
  probes: [string, string][];
  /** directory stamps that vouch for most of `probes` (KernelTree.stampProbes) */
  stamps: ProbeStamps;
}

export interface KbuildResultLike {
  graph: ObjectGraph;
  diagnostics: Diagnostic[];
}

/** version of what is stored (Stored, PackedGraph): bump when it changes shape */
const FORMAT = 5;

/**
 * An object graph as stored: every distinct string once, every distinct string list and -D pair once, objects as
 * rows of integers. Linux's multi_v7 graph has 6269 objects and 5829 distinct commands (the KBUILD_MODNAME-style
 * defines differ per object) whose include lists, flags and other defines are shared: stored as objects it took
 * 190 ms of a pre-commit run to deserialize (60 ms alone; the rest collecting the garbage of ~40 MB of small
 * objects), as tables ~10 ms. Read back, commands share their lists (nothing mutates a command once built).
 */
interface PackedGraph {
  arch: string;
  strings: string[];
  /** string lists as ids into `strings` */
  lists: number[][];
  /** -D/-U pairs: name id, value id (-1: -U) */
  pairs: number[];
  /** pair lists as pair numbers */
  pairLists: number[][];
  /** per command: includes, systemIncludes, defines (pair list), forcedIncludes, flags, language (0 c, 1 asm) */
  cmds: number[];
  /** per object, OBJECT_FIELDS integers (-1: absent): path, source, module, builtin, lib, derivedFrom, cmd, generatedSource */
  objects: Int32Array;
  spans: Span[];
  modules: ModuleInfo[];
  builtin: string[];
  /** what `make prepare` generates (tens of rules: stored as they are) */
  prepare?: GenerateRule[];
  generated?: GenerateRule[];
  top?: Record<string, string>;
}
const OBJECT_FIELDS = 8;

/** Distinct values in first-seen order, and each value's index among them (values equal when their keys are). */
function table<T>(key: (x: T) => string): { rows: T[]; id(x: T): number } {
  const rows: T[] = [];
  const ids = new Map<string, number>();
  return {
    rows,
    id(x: T): number {
      const k = key(x);
      let i = ids.get(k);
      if (i === undefined) ids.set(k, (i = rows.push(x) - 1));
      return i;
    },
  };
}

function packGraph(g: ObjectGraph): PackedGraph {
  const strings = table<string>((x) => x);
  const str = (x: string | undefined): number => (x === undefined ? -1 : strings.id(x));
  const lists = table<number[]>((ids) => ids.join(','));
  const list = (xs: string[]): number => lists.id(xs.map(str));
  const pairs = table<[number, number]>((pr) => pr.join(','));
  const pairLists = table<number[]>((ids) => ids.join(','));
  const pairList = (ds: [string, string | null][]): number => pairLists.id(ds.map(([n, v]) => pairs.id([str(n), v === null ? -1 : str(v)])));
  const cmds: number[] = [];
  const cid = new Map<CompileCommand, number>();
  const cmd = (c: CompileCommand): number => {
    let i = cid.get(c);
    if (i === undefined) {
      i = cmds.length / 6;
      cmds.push(list(c.includes), list(c.systemIncludes), pairList(c.defines), list(c.forcedIncludes), list(c.flags), c.language === 'c' ? 0 : 1);
      cid.set(c, i);
    }
    return i;
  };
  const objs = [...g.objects.values()];
  const objects = new Int32Array(objs.length * OBJECT_FIELDS);
  objs.forEach((o, k) => {
    const at = k * OBJECT_FIELDS;
    objects[at] = str(o.path);
    objects[at + 1] = str(o.source);
    objects[at + 2] = str(o.module);
    objects[at + 3] = o.builtin ? 1 : 0;
    objects[at + 4] = o.lib === undefined ? -1 : o.lib ? 1 : 0;
    objects[at + 5] = str(o.derivedFrom);
    objects[at + 6] = cmd(o.cmd);
    objects[at + 7] = str(o.generatedSource);
  });
  return {
    arch: g.arch,
    strings: strings.rows,
    lists: lists.rows,
    pairs: pairs.rows.flat(),
    pairLists: pairLists.rows,
    cmds,
    objects,
    spans: objs.map((o) => o.span),
    modules: g.modules,
    builtin: g.builtin,
    ...(g.prepare ? { prepare: g.prepare } : {}),
    ...(g.generated ? { generated: g.generated } : {}),
    ...(g.top ? { top: g.top } : {}),
  };
}

function unpackGraph(p: PackedGraph): ObjectGraph {
  const S = p.strings;
  const lists = p.lists.map((ids) => ids.map((i) => S[i]!));
  const pairs: [string, string | null][] = [];
  for (let i = 0; i < p.pairs.length; i += 2) pairs.push([S[p.pairs[i]!]!, p.pairs[i + 1]! < 0 ? null : S[p.pairs[i + 1]!]!]);
  const pairLists = p.pairLists.map((ids) => ids.map((i) => pairs[i]!));
  const cmds: CompileCommand[] = [];
  const c = p.cmds;
  for (let i = 0; i < c.length; i += 6) {
    // commands with equal lists share them (nothing changes a command once built)
    cmds.push({
      includes: lists[c[i]!]!,
      systemIncludes: lists[c[i + 1]!]!,
      defines: pairLists[c[i + 2]!]!,
      forcedIncludes: lists[c[i + 3]!]!,
      flags: lists[c[i + 4]!]!,
      language: c[i + 5] === 0 ? 'c' : 'assembler-with-cpp',
    });
  }
  const objects = new Map<string, BuiltObject>();
  const o = p.objects;
  for (let k = 0, at = 0; at < o.length; k++, at += OBJECT_FIELDS) {
    const obj: BuiltObject = { path: S[o[at]!]!, builtin: o[at + 3] === 1, span: p.spans[k]!, cmd: cmds[o[at + 6]!]! };
    if (o[at + 1]! >= 0) obj.source = S[o[at + 1]!]!;
    if (o[at + 2]! >= 0) obj.module = S[o[at + 2]!]!;
    if (o[at + 4]! >= 0) obj.lib = o[at + 4] === 1;
    if (o[at + 5]! >= 0) obj.derivedFrom = S[o[at + 5]!]!;
    if (o[at + 7]! >= 0) obj.generatedSource = S[o[at + 7]!]!;
    objects.set(obj.path, obj);
  }
  const g: ObjectGraph = { arch: p.arch, objects, modules: p.modules, builtin: p.builtin };
  if (p.prepare) g.prepare = p.prepare;
  if (p.generated) g.generated = p.generated;
  if (p.top) g.top = p.top;
  return g;
}

const codeHashes = new Map<string, string>();

/**
 * Hash of the code a stored result comes from (the folders of src/ named, and the tree access), wherever kvlint runs
 * from: a changed stage never reuses what its older self stored.
 */
export function stageCodeHash(folders: readonly string[]): string {
  const k = folders.join(',');
  const hit = codeHashes.get(k);
  if (hit) return hit;
  const here = path.dirname(fileURLToPath(import.meta.url));
  const ext = path.extname(fileURLToPath(import.meta.url));
  const h = createHash('sha1');
  const files: string[] = [path.join(here, '../tree/tree' + ext)];
  const walk = (p: string): void => {
    for (const e of fs.readdirSync(p, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const f = path.join(p, e.name);
      if (e.isDirectory()) walk(f);
      else if (/\.(js|ts)$/.test(e.name)) files.push(f);
    }
  };
  for (const d of folders) walk(path.join(here, '..', d));
  for (const f of files) h.update(f.slice(here.length)).update(fs.readFileSync(f));
  const v = h.digest('hex').slice(0, 16);
  codeHashes.set(k, v);
  return v;
}

/**
 * The graph with one command object per distinct command (most objects of a directory share theirs): the serializer
 * keeps shared references, so a graph read back has them shared too, and what is memoised per command object
 * (compiler views, unit keys) is computed once per command instead of once per object.
 */
function internCommands(graph: ObjectGraph): ObjectGraph {
  const byText = new Map<string, CompileCommand>();
  const objects = new Map<string, BuiltObject>();
  for (const [p, o] of graph.objects) {
    const text = JSON.stringify(o.cmd);
    let cmd = byText.get(text);
    if (!cmd) byText.set(text, (cmd = o.cmd));
    objects.set(p, cmd === o.cmd ? o : { ...o, cmd });
  }
  return { ...graph, objects };
}

/**
 * Results kept between runs (outside the tree), each valid while every file it read has the same content hash and
 * every existence question it asked has the same answer — the Kbuild graph of a configuration, its generated files.
 * Entries are keyed by everything else the result is a function of, and tagged with the code that made them.
 */
export class RecordedStore<T> {
  private readonly dir: string;

  constructor(cacheDir: string, kind: string, treeRoot: string, private readonly code: () => string, private readonly format: number) {
    this.dir = treeCacheDir(cacheDir, kind, treeRoot);
  }

  private file(key: string): string {
    return path.join(this.dir, createHash('sha1').update(key).digest('hex') + '.v8');
  }

  /** The value stored under `key`, if it is still what `tree` would give; reads and probes go through `tree`. */
  get(key: string, tree: KernelTree): T | undefined {
    let s: Stored<T>;
    try {
      s = v8.deserialize(fs.readFileSync(this.file(key))) as Stored<T>;
    } catch {
      return undefined;
    }
    if (!s || s.code !== this.code() || s.format !== this.format || s.key !== key) return undefined;
    for (const [f, h] of s.read) if (tree.hash(f) !== h) return undefined;
    if (!tree.probesHold(s.probes, s.stamps)) return undefined;
    return s.value;
  }

  /** `askedSince`: when the computation started (ms since the epoch; its existence answers are no older) */
  put(key: string, tree: KernelTree, value: T, read: Set<string>, probes: Map<string, string>, askedSince: number): void {
    const s: Stored<T> = {
      code: this.code(),
      format: this.format,
      key,
      value,
      read: [...read].map((f) => [f, tree.hash(f)]),
      probes: [...probes],
      stamps: tree.stampProbes(probes, askedSince),
    };
    try {
      fs.mkdirSync(this.dir, { recursive: true });
      const file = this.file(key);
      const tmp = `${file}.${process.pid}.tmp`;
      fs.writeFileSync(tmp, v8.serialize(s));
      fs.renameSync(tmp, file);
    } catch {
      /* a cache that cannot be written is only slower */
    }
  }
}

/** Kbuild graphs kept between runs: a RecordedStore of packed graphs (see PackedGraph). */
export class KbuildCache {
  private readonly store: RecordedStore<{ graph: PackedGraph; diagnostics: Diagnostic[] }>;

  constructor(cacheDir: string, treeRoot: string) {
    this.store = new RecordedStore(cacheDir, 'kbuild', treeRoot, () => stageCodeHash(['kbuild']), FORMAT);
  }

  get(key: string, tree: KernelTree): KbuildResultLike | undefined {
    const v = this.store.get(key, tree);
    return v && { graph: unpackGraph(v.graph), diagnostics: v.diagnostics };
  }

  put(key: string, tree: KernelTree, r: KbuildResultLike, read: Set<string>, probes: Map<string, string>, askedSince: number): void {
    this.store.put(key, tree, { graph: packGraph(internCommands(r.graph)), diagnostics: r.diagnostics }, read, probes, askedSince);
  }
}
