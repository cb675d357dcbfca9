import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ExportFact, SymbolDef, SymbolRef, UnitFacts } from '../core/facts.js';
import type { Diagnostic, Span, TraceStep } from '../core/types.js';
import { linkSigHash } from './link-findings.js';
import { I, Lazy, type LazySource, U } from '../core/lazy.js';
import { PackReader, PackWriter } from './packed.js';
import type { CachedUnit } from './unit-cache.js';

/**
 * Unit packs: every unit of one configuration in one file, written after a whole-tree run and read by the next one
 * (a pre-commit hook's base run above all) instead of thousands of per-unit cache files.
 *
 * A pack is valid for one macro environment (`env`: the hash of the configuration's autoconf.h; the unit key
 * already holds the command and the compiler) and, unit by unit, while the files the unit read keep their content
 * hashes. What the link stage and the rules need of every unit (symbol names, bindings, exports, license,
 * namespaces, spans, files read) is decoded when the pack is read; macro traces and any other detail — needed only
 * for the few symbols a finding shows — are decoded from the pack when first asked for, unit by unit.
 *
 * File layout: "KVPK", u32 header length, header JSON, then (4-byte aligned) the eager Int32Array, the detail
 * Int32Array, and the detail string table as JSON.
 */

const MAGIC = 0x4b50564b; // "KVPK" little-endian
/** version of the pack layout (beside the analysis code's hash, which tags every stored unit) */
const PACK_FORMAT = 4;

interface Header {
  format: number;
  code: string;
  env: string;
  /** random, new with every write: names this pack's content (a pack is never modified, only replaced) */
  id: string;
  /** strings of the eager part (names, files) */
  strings: string[];
  shapes: number[][];
  /** files read by the units (indices into strings), with their content hashes when the pack was written */
  files: number[];
  hashes: string[];
  units: number;
  eagerInts: number;
  detailInts: number;
  detailShapes: number[][];
}

const BINDINGS: SymbolDef['binding'][] = ['global', 'weak', 'local'];
const KINDS: SymbolDef['kind'][] = ['func', 'data', 'unknown'];

/** The spans, traces and any other field beyond the eager ones, of one unit, in fact order. */
interface Detail {
  defs: Record<string, unknown>[];
  refs: Record<string, unknown>[];
  exports: Record<string, unknown>[];
  license: Record<string, unknown> | null;
  importNs: Record<string, unknown>[];
}

const EAGER_DEF = new Set(['name', 'binding', 'kind', 'how', 'span']);
const EAGER_REF = new Set(['name', 'weak', 'from', 'span']);
const EAGER_EXPORT = new Set(['name', 'gpl', 'namespace', 'span']);
const EAGER_NS = new Set(['ns', 'span']);
const EAGER_LICENSE = new Set(['value', 'span']);

function rest(o: object, eager: Set<string>): Record<string, unknown> {
  const r: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) if (!eager.has(k) && v !== undefined) r[k] = v;
  return r;
}

// ------------------------------------------------------------------------------------------------ lazy facts

/** One unit's place in a pack: decodes its detail on first use. */
class UnitDetail implements LazySource<Detail> {
  private d: Detail | undefined;
  constructor(
    private readonly pack: LoadedPack,
    private readonly at: number,
  ) {}
  get(): Detail {
    return (this.d ??= this.pack.detailAt(this.at));
  }
  span(at: number): Span {
    return this.pack.spanAt(at);
  }
}

const S = Symbol('span');

/** A packed facts object with a span: the span is kept with the eager fields (cheap to read, no detail decoded). */
abstract class Spanned extends Lazy {
  declare readonly [S]: number;
  get span(): Span {
    return (this[U] as UnitDetail).span(this[S]);
  }
  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), span: this.span };
  }
}

/** `x`'s span is the five integers at the reader's position (see writePack): remember where, and step over them */
function spanned<T extends Spanned>(x: T, r: PackReader): T {
  (x as { [S]: number })[S] = r.pos;
  r.pos += 5;
  return x;
}

class PackedDef extends Spanned {
  declare name: string;
  declare binding: SymbolDef['binding'];
  declare kind: SymbolDef['kind'];
  declare how?: string;
  protected rest() {
    return (this[U].get() as Detail).defs[this[I]]!;
  }
}

/** references and exports: their macro trace is in the detail */
abstract class Traced extends Spanned {
  get trace(): TraceStep[] {
    return (this.rest().trace as TraceStep[] | undefined) ?? [];
  }
}

class PackedRef extends Traced {
  declare name: string;
  declare from?: string;
  declare weak?: boolean;
  protected rest() {
    return (this[U].get() as Detail).refs[this[I]]!;
  }
}

class PackedExport extends Traced {
  declare name: string;
  declare gpl: boolean;
  declare namespace: string | null;
  protected rest() {
    return (this[U].get() as Detail).exports[this[I]]!;
  }
}

class PackedNs extends Spanned {
  declare ns: string;
  protected rest() {
    return (this[U].get() as Detail).importNs[this[I]]!;
  }
}

class PackedLicense extends Spanned {
  declare value: string;
  protected rest() {
    return (this[U].get() as Detail).license!;
  }
}

// ------------------------------------------------------------------------------------------------ reading

export interface PackedUnit extends CachedUnit {
  /** ids (into the pack's file table) of the files the unit read */
  fileIds: Int32Array;
  pack: LoadedPack;
  /** linkSigHash of the unit, computed when the pack was written */
  linkSig: string;
}

/** The unit as read from a pack, or undefined for one analysed in this run or read from its own cache file. */
export function packedOf(u: CachedUnit): PackedUnit | undefined {
  const p = u as Partial<PackedUnit>;
  return p.pack && p.fileIds ? (u as PackedUnit) : undefined;
}

export class LoadedPack {
  readonly units = new Map<string, PackedUnit>();
  /** identifies the content (the header's random id): equal ids, equal units */
  readonly id: string;
  readonly files: string[];
  readonly hashes: string[];
  private detailReader: PackReader | undefined;

  constructor(
    private readonly header: Header,
    private readonly detail: Int32Array,
    private readonly detailStrings: () => string[],
  ) {
    this.eagerStrings = header.strings;
    this.id = header.id;
    this.files = header.files.map((i) => header.strings[i]!);
    this.hashes = header.hashes;
  }

  private changedIds?: { files: Set<string>; mask: Uint8Array | undefined };

  /**
   * Whether every file the unit read still has the content it had, in the tree `hashOf` reads. `verdict` memoises
   * per file of this pack and per tree (0 not checked yet, 1 unchanged, 2 changed): one array per tree.
   */
  unitValid(u: PackedUnit, hashOf: (f: string) => string, verdict: Int8Array): boolean {
    const v = verdict;
    for (const id of u.fileIds) {
      let x = v[id]!;
      if (x === 0) v[id] = x = hashOf(this.files[id]!) === this.hashes[id] ? 1 : 2;
      if (x === 2) return false;
    }
    return true;
  }

  /** Whether the files `ids` include any of `files`. */
  readsAny(ids: Int32Array, files: Set<string>): boolean {
    if (this.changedIds?.files !== files) {
      // one byte per file of the pack: the test per unit is a pass over its file ids with no hashing
      let mask: Uint8Array | undefined;
      this.files.forEach((f, i) => {
        if (files.has(f)) (mask ??= new Uint8Array(this.files.length))[i] = 1;
      });
      this.changedIds = { files, mask };
    }
    const mask = this.changedIds.mask;
    if (!mask) return false;
    for (let i = 0; i < ids.length; i++) if (mask[ids[i]!] === 1) return true;
    return false;
  }

  /** Add the tree-relative files read by these units of this pack to `into` (one pass over file ids). */
  addFiles(units: Iterable<PackedUnit>, into: Set<string>): void {
    const seen = new Uint8Array(this.files.length);
    for (const u of units) for (const id of u.fileIds) seen[id] = 1;
    seen.forEach((x, i) => {
      if (x && !this.files[i]!.startsWith('/')) into.add(this.files[i]!);
    });
  }

  /** set by readPack: the eager part (spans are read from it) */
  eager!: Int32Array;
  private readonly eagerStrings: string[];

  /** The span written at `at` of the eager part: file (string index), line, col, end line, end col (-1: none). */
  spanAt(at: number): Span {
    const e = this.eager;
    const span: Span = { file: this.eagerStrings[e[at]!]!, line: e[at + 1]!, col: e[at + 2]! };
    if (e[at + 3]! >= 0) span.endLine = e[at + 3]!;
    if (e[at + 4]! >= 0) span.endCol = e[at + 4]!;
    return span;
  }

  /** units whose detail was decoded so far */
  decoded = 0;

  detailAt(at: number): Detail {
    this.decoded++;
    this.detailReader ??= new PackReader({ strings: this.detailStrings(), shapes: this.header.detailShapes, data: this.detail });
    this.detailReader.pos = at;
    return this.detailReader.value() as Detail;
  }
}

/** Read a pack; undefined when it is missing, damaged, or written by other analysis code or for another env. */
export function readPack(file: string, code: string, env: string): LoadedPack | undefined {
  let buf: Buffer;
  try {
    buf = fs.readFileSync(file);
  } catch {
    return undefined;
  }
  try {
    if (buf.length < 8 || buf.readUInt32LE(0) !== MAGIC) return undefined;
    const hlen = buf.readUInt32LE(4);
    const header = JSON.parse(buf.toString('utf8', 8, 8 + hlen)) as Header;
    if (header.format !== PACK_FORMAT || header.code !== code || header.env !== env) return undefined;
    let off = (8 + hlen + 3) & ~3;
    // an aligned copy-free view needs the Buffer's own offset aligned too
    const ints = (n: number): Int32Array => {
      const start = buf.byteOffset + off;
      const view = start % 4 === 0 ? new Int32Array(buf.buffer, start, n) : new Int32Array(buf.buffer.slice(start, start + n * 4));
      off += n * 4;
      return view;
    };
    const eager = ints(header.eagerInts);
    const detail = ints(header.detailInts);
    const dsOff = off;
    let ds: string[] | undefined;
    const pack = new LoadedPack(header, detail, () => (ds ??= JSON.parse(buf.toString('utf8', dsOff)) as string[]));
    pack.eager = eager;
    decodeUnits(pack, header, eager);
    return pack;
  } catch {
    return undefined;
  }
}

/** The facts of one unit, from `at` in the eager data. */
function decodeFacts(r: PackReader, at: number, u: UnitDetail, s: string[]): UnitFacts {
  r.pos = at;
  const str = (i: number) => (i < 0 ? undefined : s[i]!);
  const facts = { object: s[r.int()]!, source: s[r.int()]! } as UnitFacts;
  const defs: SymbolDef[] = (facts.defs = new Array(r.int()));
  for (let i = 0; i < defs.length; i++) {
    const d = new PackedDef(u, i);
    d.name = s[r.int()]!;
    d.binding = BINDINGS[r.int()]!;
    d.kind = KINDS[r.int()]!;
    const how = str(r.int());
    if (how !== undefined) d.how = how;
    spanned(d, r);
    defs[i] = d as unknown as SymbolDef;
  }
  const refs: SymbolRef[] = (facts.refs = new Array(r.int()));
  for (let i = 0; i < refs.length; i++) {
    const x = new PackedRef(u, i);
    x.name = s[r.int()]!;
    const from = str(r.int());
    if (from !== undefined) x.from = from;
    const weak = r.int();
    if (weak >= 0) x.weak = weak === 1;
    spanned(x, r);
    refs[i] = x as unknown as SymbolRef;
  }
  const exports: ExportFact[] = (facts.exports = new Array(r.int()));
  for (let i = 0; i < exports.length; i++) {
    const x = new PackedExport(u, i);
    x.name = s[r.int()]!;
    x.gpl = r.int() === 1;
    x.namespace = str(r.int()) ?? null;
    spanned(x, r);
    exports[i] = x as unknown as ExportFact;
  }
  const license = str(r.int());
  if (license !== undefined) {
    const l = new PackedLicense(u, 0);
    l.value = license;
    spanned(l, r);
    facts.license = l as unknown as UnitFacts['license'] & object;
  }
  const ns: UnitFacts['importNs'] = (facts.importNs = new Array(r.int()));
  for (let i = 0; i < ns.length; i++) {
    const x = new PackedNs(u, i);
    x.ns = s[r.int()]!;
    spanned(x, r);
    ns[i] = x as unknown as UnitFacts['importNs'][number];
  }
  const factGaps = r.value() as string[] | null;
  if (factGaps !== null) facts.gaps = factGaps;
  return facts;
}

function decodeUnits(pack: LoadedPack, header: Header, eager: Int32Array): void {
  const r = new PackReader({ strings: header.strings, shapes: header.shapes, data: eager });
  // one reader for every unit's facts, decoded when first read (a pre-commit run whose link is not resolved reads
  // the facts of none but its changed units)
  const fr = new PackReader({ strings: header.strings, shapes: header.shapes, data: eager });
  const s = header.strings;
  for (let n = 0; n < header.units; n++) {
    const key = s[r.int()]!;
    const linkSig = s[r.int()]!;
    const detailAt = r.int();
    const factsLen = r.int();
    const factsAt = r.pos;
    r.pos += factsLen;
    const diagnostics = r.value() as Diagnostic[];
    const gaps = r.value() as string[];
    const nInc = r.int();
    const fileIds = eager.subarray(r.pos, r.pos + nInc);
    r.pos += nInc;
    let includes: string[] | undefined;
    let facts: UnitFacts | undefined;
    const unit: PackedUnit = {
      footprint: new Map(),
      env: header.env,
      get facts() {
        return (facts ??= decodeFacts(fr, factsAt, new UnitDetail(pack, detailAt), s));
      },
      diagnostics,
      gaps,
      get includes() {
        return (includes ??= Array.from(fileIds, (i) => pack.files[i]!));
      },
      hashes: [],
      fileIds,
      pack,
      linkSig,
    };
    pack.units.set(key, unit);
  }
}

// ------------------------------------------------------------------------------------------------ writing

/** Write every unit of a configuration (key -> unit) as one pack; `hashOf` gives each read file's content hash. */
export function writePack(file: string, code: string, env: string, units: Map<string, CachedUnit>, hashOf: (f: string) => string): void {
  const w = new PackWriter();
  const dw = new PackWriter();
  const fileIdx = new Map<string, number>();
  const files: number[] = [];
  const hashes: string[] = [];
  const fid = (f: string): number => {
    let i = fileIdx.get(f);
    if (i === undefined) {
      i = files.length;
      fileIdx.set(f, i);
      files.push(w.str(f));
      hashes.push(hashOf(f));
    }
    return i;
  };
  const opt = (v: string | undefined | null) => (v === undefined || v === null ? -1 : w.str(v));
  const span = (sp: Span) => {
    w.int(w.str(sp.file));
    w.int(sp.line);
    w.int(sp.col);
    w.int(sp.endLine ?? -1);
    w.int(sp.endCol ?? -1);
  };
  const json = (o: object): Record<string, unknown> => (o instanceof Lazy ? o.toJSON() : (o as Record<string, unknown>));
  for (const [key, unit] of units) {
    const f = unit.facts;
    w.int(w.str(key));
    w.int(w.str(linkSigHash(f, unit.diagnostics.some((d) => d.code === 'E001'))));
    const detail: Detail = {
      defs: f.defs.map((d) => rest(json(d), EAGER_DEF)),
      refs: f.refs.map((x) => rest(json(x), EAGER_REF)),
      exports: f.exports.map((x) => rest(json(x), EAGER_EXPORT)),
      license: f.license ? rest(json(f.license), EAGER_LICENSE) : null,
      importNs: f.importNs.map((x) => rest(json(x), EAGER_NS)),
    };
    w.int(dw.length);
    dw.value(detail);
    // the facts' length, so that a reader can leave them undecoded until they are read
    const factsAt = w.length;
    w.int(0);
    w.int(w.str(f.object));
    w.int(w.str(f.source));
    w.int(f.defs.length);
    for (const d of f.defs) {
      w.int(w.str(d.name));
      w.int(BINDINGS.indexOf(d.binding));
      w.int(KINDS.indexOf(d.kind));
      w.int(opt(d.how));
      span(d.span);
    }
    w.int(f.refs.length);
    for (const x of f.refs) {
      w.int(w.str(x.name));
      w.int(opt(x.from));
      w.int(x.weak === undefined ? -1 : x.weak ? 1 : 0);
      span(x.span);
    }
    w.int(f.exports.length);
    for (const x of f.exports) {
      w.int(w.str(x.name));
      w.int(x.gpl ? 1 : 0);
      w.int(opt(x.namespace));
      span(x.span);
    }
    w.int(opt(f.license?.value));
    if (f.license) span(f.license.span);
    w.int(f.importNs.length);
    for (const x of f.importNs) {
      w.int(w.str(x.ns));
      span(x.span);
    }
    w.value(f.gaps ?? null);
    w.set(factsAt, w.length - factsAt - 1);
    w.value(unit.diagnostics);
    w.value(unit.gaps);
    const inc = unit.includes;
    w.int(inc.length);
    for (const p of inc) w.int(fid(p));
  }
  const eager = w.finish();
  const det = dw.finish();
  const header: Header = {
    format: PACK_FORMAT,
    code,
    env,
    id: randomBytes(12).toString('hex'),
    strings: eager.strings,
    shapes: eager.shapes,
    files,
    hashes,
    units: units.size,
    eagerInts: eager.data.length,
    detailInts: det.data.length,
    detailShapes: det.shapes,
  };
  const head = Buffer.from(JSON.stringify(header), 'utf8');
  const pre = Buffer.alloc(8);
  pre.writeUInt32LE(MAGIC, 0);
  pre.writeUInt32LE(head.length, 4);
  const pad = Buffer.alloc(((8 + head.length + 3) & ~3) - (8 + head.length));
  const ints = (a: Int32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, Buffer.concat([pre, head, pad, ints(eager.data), ints(det.data), Buffer.from(JSON.stringify(det.strings), 'utf8')]));
    fs.renameSync(tmp, file);
  } catch {
    /* a pack that cannot be written is only slower */
  }
}
