import { dialectOf } from './dialect.js';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as v8 from 'node:v8';
import type { Diagnostic, Span } from '../core/types.js';
import type { KernelTree } from '../tree/tree.js';
import type { LoadOptions, ModelParts } from './load.js';
import { kernelVersion, srcarchOf } from './load.js';
import { defaultProfile, emptyProfile } from '../toolchain/profile.js';
import { type Expr, type MenuNode, type Prop, type PropType, type Sym, SymbolTable, type SymType } from './model.js';

/**
 * The parsed-model cache: a finalized Kconfig model stored in the cache directory (never in the tree), keyed by
 * architecture, toolchain profile and environment, and valid only while every Kconfig file it was parsed from
 * still has the same content (checked by hash on each use). Restoring is several times cheaper than parsing
 * 1500 files, which is what a pre-commit run or a matrix over many configurations pays per architecture.
 */

const FORMAT = 4;

const TYPES: SymType[] = ['unknown', 'bool', 'tristate', 'int', 'hex', 'string'];
const PTYPES: PropType[] = ['prompt', 'menu', 'comment', 'default', 'choice', 'select', 'imply', 'range', 'symbol'];
const KINDS: MenuNode['kind'][] = ['root', 'config', 'menuconfig', 'choice', 'menu', 'comment', 'if'];
const OPS = ['=', '!=', '<', '<=', '>', '>='] as const;

interface Snapshot {
  format: number;
  files: string[];
  hashes: string[];
  spanFiles: string[];
  syms: {
    name: (string | null)[];
    type: Int32Array;
    flags: Int32Array;
    dirDep: Int32Array;
    revDep: Int32Array;
    implied: Int32Array;
    choice: Int32Array;
    /** per-symbol lists, flattened: entries of symbol i are data[off[i] … off[i+1]) */
    choiceValues: Flat;
    nodes: Flat;
    props: Flat;
    refs: Flat;
  };
  exprs: Int32Array;
  props: {
    type: Int32Array;
    expr: Int32Array;
    visible: Int32Array;
    text: (string | null)[];
    lo: Int32Array;
    hi: Int32Array;
    file: Int32Array;
    line: Int32Array;
    menu: Int32Array;
  };
  nodes: {
    sym: Int32Array;
    prompt: Int32Array;
    dep: Int32Array;
    visibility: Int32Array;
    parent: Int32Array;
    list: Int32Array;
    next: Int32Array;
    help: (string | null)[];
    file: Int32Array;
    line: Int32Array;
    kind: Int32Array;
  };
  modulesSym: number;
  diagnostics: Diagnostic[];
  fatal: boolean;
  envUsed: [string, string][];
  unanswered: { kind: string; key: string }[];
}

interface Flat {
  off: Int32Array;
  data: Int32Array;
}

function flat(lists: number[][]): Flat {
  const off = new Int32Array(lists.length + 1);
  let n = 0;
  lists.forEach((l, i) => {
    off[i] = n;
    n += l.length;
  });
  off[lists.length] = n;
  const data = new Int32Array(n);
  let k = 0;
  for (const l of lists) for (const v of l) data[k++] = v;
  return { off, data };
}

const I = (xs: number[]) => Int32Array.from(xs);

function cacheKey(tree: KernelTree, opts: LoadOptions): string {
  const srcarch = srcarchOf(opts.arch);
  const profile = opts.profile ?? defaultProfile(srcarch) ?? emptyProfile(srcarch);
  return createHash('sha1')
    .update(JSON.stringify([FORMAT, path.resolve(tree.root), opts.arch, opts.kconfig ?? 'Kconfig', profile, opts.env ?? {}, kernelVersion(tree), dialectOf(tree)]))
    .digest('hex');
}

/**
 * What a model is a function of, as one hash: the cache key (tree, arch, top Kconfig, toolchain profile, environment,
 * kernel version) and the content of every Kconfig file it was parsed from. Two models with the same identity give
 * every configuration the same values (the resolved-configuration cache in index.ts is keyed by it).
 */
export function modelIdentity(tree: KernelTree, opts: LoadOptions, files: readonly string[]): string {
  const h = createHash('sha1').update(cacheKey(tree, opts));
  for (const f of files) h.update('\0' + f + '\0' + tree.hash(f));
  return h.digest('hex');
}

function entryPath(tree: KernelTree, opts: LoadOptions): string {
  return path.join(opts.cacheDir!, `${cacheKey(tree, opts)}.bin`);
}

export function storeCached(tree: KernelTree, opts: LoadOptions, parts: ModelParts): void {
  try {
    const snap = snapshot(tree, parts);
    const file = entryPath(tree, opts);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, v8.serialize(snap));
    fs.renameSync(tmp, file);
  } catch {
    // a cache that cannot be written only costs time
  }
}

export function restoreCached(tree: KernelTree, opts: LoadOptions): ModelParts | undefined {
  const t0 = cpuMs();
  let snap: Snapshot;
  try {
    snap = v8.deserialize(fs.readFileSync(entryPath(tree, opts))) as Snapshot;
  } catch {
    return undefined;
  }
  if (snap.format !== FORMAT) return undefined;
  for (let i = 0; i < snap.files.length; i++) {
    if (tree.hash(snap.files[i]!) !== snap.hashes[i]) return undefined;
  }
  const srcarch = srcarchOf(opts.arch);
  const parts = restore(snap, opts.profile ?? defaultProfile(srcarch) ?? emptyProfile(srcarch));
  parts.timings.restore = cpuMs() - t0;
  return parts;
}

function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

function snapshot(tree: KernelTree, parts: ModelParts): Snapshot {
  const fileIdx = new Map<string, number>();
  const spanFiles: string[] = [];
  const fidx = (f: string) => {
    let i = fileIdx.get(f);
    if (i === undefined) {
      i = spanFiles.length;
      spanFiles.push(f);
      fileIdx.set(f, i);
    }
    return i;
  };
  const exprIds = new Map<Expr, number>();
  const exprs: number[] = [];
  const ex = (e: Expr | null): number => {
    if (!e) return -1;
    const known = exprIds.get(e);
    if (known !== undefined) return known;
    let rec: [number, number, number, number];
    switch (e.t) {
      case 'sym':
        rec = [0, e.s.id, 0, 0];
        break;
      case 'not':
        rec = [1, ex(e.e), 0, 0];
        break;
      case 'and':
        rec = [2, ex(e.l), ex(e.r), 0];
        break;
      case 'or':
        rec = [3, ex(e.l), ex(e.r), 0];
        break;
      case 'cmp':
        rec = [4, e.l.id, e.r.id, OPS.indexOf(e.op)];
        break;
    }
    const id = exprs.length / 4;
    exprs.push(...rec);
    exprIds.set(e, id);
    return id;
  };
  // menu nodes, numbered in tree order
  const nodeIds = new Map<MenuNode, number>();
  const nodeList: MenuNode[] = [];
  const visit = (m: MenuNode) => {
    nodeIds.set(m, nodeList.length);
    nodeList.push(m);
    for (let c = m.list; c; c = c.next) visit(c);
  };
  visit(parts.root);
  for (const s of parts.syms.all) for (const n of s.nodes) if (!nodeIds.has(n)) visit(n);
  for (const p of parts.props) if (!nodeIds.has(p.menu)) visit(p.menu);
  const nid = (m: MenuNode | null) => (m ? (nodeIds.get(m) ?? -1) : -1);
  const all = parts.syms.all;
  const snap: Snapshot = {
    format: FORMAT,
    files: parts.files,
    hashes: parts.files.map((f) => tree.hash(f)),
    spanFiles,
    syms: {
      name: all.map((s) => s.name),
      type: I(all.map((s) => TYPES.indexOf(s.type))),
      flags: I(all.map((s) => s.flags)),
      dirDep: I(all.map((s) => ex(s.dirDep))),
      revDep: I(all.map((s) => ex(s.revDep))),
      implied: I(all.map((s) => ex(s.implied))),
      choice: I(all.map((s) => s.choice?.id ?? -1)),
      choiceValues: flat(all.map((s) => s.choiceValues.map((v) => v.id))),
      nodes: flat(all.map((s) => s.nodes.map((n) => nid(n)))),
      props: flat(all.map((s) => s.props.map((p) => p.id))),
      refs: flat(all.map((s) => s.refs.flatMap((r) => [fidx(r.file), r.line]))),
    },
    exprs: new Int32Array(0),
    props: {
      type: I(parts.props.map((p) => PTYPES.indexOf(p.type))),
      expr: I(parts.props.map((p) => ex(p.expr))),
      visible: I(parts.props.map((p) => ex(p.visible))),
      text: parts.props.map((p) => p.text ?? null),
      lo: I(parts.props.map((p) => p.lo?.id ?? -1)),
      hi: I(parts.props.map((p) => p.hi?.id ?? -1)),
      file: I(parts.props.map((p) => fidx(p.span.file))),
      line: I(parts.props.map((p) => p.span.line)),
      menu: I(parts.props.map((p) => nid(p.menu))),
    },
    nodes: {
      sym: I(nodeList.map((m) => m.sym?.id ?? -1)),
      prompt: I(nodeList.map((m) => m.prompt?.id ?? -1)),
      dep: I(nodeList.map((m) => ex(m.dep))),
      visibility: I(nodeList.map((m) => ex(m.visibility))),
      parent: I(nodeList.map((m) => nid(m.parent))),
      list: I(nodeList.map((m) => nid(m.list))),
      next: I(nodeList.map((m) => nid(m.next))),
      help: nodeList.map((m) => m.help ?? null),
      file: I(nodeList.map((m) => fidx(m.span.file))),
      line: I(nodeList.map((m) => m.span.line)),
      kind: I(nodeList.map((m) => KINDS.indexOf(m.kind))),
    },
    modulesSym: parts.modulesSym?.id ?? -1,
    diagnostics: parts.diagnostics,
    fatal: parts.fatal,
    envUsed: [...parts.envUsed],
    unanswered: parts.unanswered,
  };
  snap.exprs = Int32Array.from(exprs);
  return snap;
}

function restore(snap: Snapshot, profile: ModelParts['profile']): ModelParts {
  const syms = SymbolTable.restore(snap.syms.name, snap.syms.flags);
  const each = (f: Flat, i: number, fn: (v: number) => void) => {
    for (let k = f.off[i]!; k < f.off[i + 1]!; k++) fn(f.data[k]!);
  };
  const all = syms.all;
  const sp = (f: number, line: number): Span => ({ file: snap.spanFiles[f]!, line, col: 1 });
  // expressions (children always precede parents)
  const E = snap.exprs;
  const ex: Expr[] = new Array(E.length / 4);
  for (let i = 0, k = 0; k < E.length; i++, k += 4) {
    const a = E[k + 1]!;
    const b = E[k + 2]!;
    switch (E[k]) {
      case 0:
        ex[i] = { t: 'sym', s: all[a]!, mark: 0 };
        break;
      case 1:
        ex[i] = { t: 'not', e: ex[a]!, mark: 0 };
        break;
      case 2:
        ex[i] = { t: 'and', l: ex[a]!, r: ex[b]!, mark: 0 };
        break;
      case 3:
        ex[i] = { t: 'or', l: ex[a]!, r: ex[b]!, mark: 0 };
        break;
      default:
        ex[i] = { t: 'cmp', op: OPS[E[k + 3]!]!, l: all[a]!, r: all[b]!, mark: 0 };
    }
  }
  const X = (i: number): Expr | null => (i < 0 ? null : ex[i]!);
  const N = snap.nodes;
  const nodes: MenuNode[] = Array.from(N.sym, (_, i) => ({
    sym: null,
    prompt: null,
    dep: X(N.dep[i]!),
    visibility: X(N.visibility[i]!),
    parent: null,
    list: null,
    next: null,
    help: N.help[i] ?? undefined,
    span: sp(N.file[i]!, N.line[i]!),
    kind: KINDS[N.kind[i]!]!,
  }));
  const P = snap.props;
  const props: Prop[] = Array.from(P.type, (t, i) => ({
    id: i,
    type: PTYPES[t]!,
    expr: X(P.expr[i]!),
    visible: X(P.visible[i]!),
    text: P.text[i] ?? undefined,
    lo: P.lo[i]! >= 0 ? all[P.lo[i]!] : undefined,
    hi: P.hi[i]! >= 0 ? all[P.hi[i]!] : undefined,
    span: sp(P.file[i]!, P.line[i]!),
    menu: nodes[P.menu[i]!]!,
  }));
  const nd = (i: number) => (i < 0 ? null : nodes[i]!);
  nodes.forEach((m, i) => {
    m.sym = N.sym[i]! >= 0 ? all[N.sym[i]!]! : null;
    m.prompt = N.prompt[i]! >= 0 ? props[N.prompt[i]!]! : null;
    m.parent = nd(N.parent[i]!);
    m.list = nd(N.list[i]!);
    m.next = nd(N.next[i]!);
  });
  const S = snap.syms;
  for (let i = 3; i < all.length; i++) {
    const s = all[i]!;
    s.type = TYPES[S.type[i]!]!;
    s.dirDep = X(S.dirDep[i]!);
    s.revDep = X(S.revDep[i]!);
    s.implied = X(S.implied[i]!);
    s.choice = S.choice[i]! >= 0 ? all[S.choice[i]!]! : null;
    each(S.choiceValues, i, (v) => s.choiceValues.push(all[v]!));
    each(S.nodes, i, (n) => s.nodes.push(nodes[n]!));
    each(S.props, i, (p) => s.props.push(props[p]!));
    const r = S.refs;
    for (let k = r.off[i]!; k < r.off[i + 1]!; k += 2) s.refs.push(sp(r.data[k]!, r.data[k + 1]!));
  }
  return {
    syms,
    root: nodes[0]!,
    props,
    modulesSym: snap.modulesSym >= 0 ? all[snap.modulesSym]! : null,
    files: snap.files,
    diagnostics: snap.diagnostics,
    fatal: snap.fatal,
    profile,
    envUsed: new Map(snap.envUsed),
    unanswered: snap.unanswered,
    timings: {},
  };
}

export type { Sym };
