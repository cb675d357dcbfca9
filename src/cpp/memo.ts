import type { Diagnostic } from '../core/types.js';
import { idents, type Lexed } from './lexer.js';
import type { Macro } from './macro.js';
import type { Tok } from './tok.js';

/**
 * Header memoization. Including a header has an effect — output tokens, macro definitions, footprint entries,
 * diagnostics — that depends only on the macro state it consulted. While a header is preprocessed, every macro-table
 * read and write is logged; at its end, the reads not preceded by its own writes are its dependencies. The next
 * time the same header is included (same path, search chain and spelling) with every dependency unchanged (same
 * Macro objects: definitions are shared per run, and configuration/command-line ones are canonical by their text,
 * so unchanged CONFIG_* macros of another configuration count as unchanged), its effect is replayed instead of
 * preprocessing it again. This is what makes the thousandth unit — and the second configuration — cheap.
 *
 * Entries store their own output runs and refer to the entries of nested headers, so memory stays proportional to
 * the distinct output, not to the include depth.
 */

export const WRITE = Symbol('write');
/** a read that only asked whether the name is defined (#ifdef, defined X, include guards) */
export const DEFINED = Symbol('defined');
export type LogVal = Macro | undefined | typeof WRITE | typeof DEFINED;

/**
 * A run of n output tokens produced by the header itself: OutBuilder's columns packed into two arrays (two allocations
 * per run instead of six: the memo records tens of thousands of runs per configuration).
 */
export interface Run {
  n: number;
  /** kinds[0..n) then flags[n..2n) */
  bytes: Uint8Array;
  /** vals[0..n), idxs[n..2n), run-local file numbers into fileTable [2n..3n) (0 = none), entry-local provs [3n..4n) */
  words: Int32Array;
  fileTable: (Lexed | null)[];
  /** synthesized spellings: offset, text, offset, text, … */
  synth: (number | string)[];
}

/**
 * An entry's own provenance nodes (entry-local ids 1..k): ProvTable's columns packed (few allocations per entry: most
 * entries have a handful of nodes, many none).
 */
export interface Nodes {
  k: number;
  kind: Uint8Array;
  /** parent[0..k), lhs[k..2k), rhs[2k..3k), useIdx[3k..4k) (local ids, 0 = none) */
  words: Int32Array;
  macro: (Macro | null)[];
  useLf: (Lexed | null)[];
  /** paste labels by local id, or null when there are none */
  labels: [number, string][] | null;
}

/** the nodes of an entry that made none */
const NO_NODES: Nodes = { k: 0, kind: new Uint8Array(0), words: new Int32Array(0), macro: [], useLf: [], labels: null };

export interface PrinterState {
  avoid: boolean;
  source: Tok | null;
  prev: Tok | null;
  line: boolean;
}

/** what a segment leaves behind besides its output and macros (restored by replaying it) */
export interface SegEffect {
  endPos: number;
  /** the file's conditional stack after the segment (snapshots) */
  conds: unknown[];
  skipping: boolean;
  lineDelta: number;
  presumedName: string | null;
}

export interface ResDep {
  name: string;
  start: number;
  from: { tree: boolean; dir: string; gccDir: string } | null;
  result: string;
  /** name, start and from as one string (what makes two searches the same search) */
  key: string;
  /** the search chain (SearchPath id) it was last checked against, and whether it found `result` there */
  checkedOn: number;
  checkedOk: boolean;
}

/** a dependency on an include search made under the current search chain, found `result` */
export function resDep(name: string, start: number, from: ResDep['from'], result: string, searchId: number): ResDep {
  const key = `${name}|${start}|${from ? `${from.tree}:${from.dir}:${from.gccDir}` : '-'}`;
  return { name, start, from, result, key, checkedOn: searchId, checkedOk: true };
}

export class MemoEntry {
  constructor(
    readonly key: string,
    /** (plain arrays, not typed ones: one is made per recorded header and segment, and small typed arrays cost more to make) */
    readonly deps: number[],
    /** the definition seen, or DEFINED when only definedness was asked */
    readonly depVals: (Macro | undefined | typeof DEFINED)[],
    readonly onceDeps: [string, boolean][],
    readonly writes: number[],
    readonly writeVals: (Macro | undefined)[],
    /** consult()/touch() calls in order: [id, macro] for consult, [id, WRITE] for touch */
    readonly events: [number, LogVal][],
    readonly includes: string[],
    readonly onceAdds: string[],
    readonly diags: Diagnostic[],
    readonly gaps: string[],
    readonly pieces: (Run | MemoEntry)[],
    readonly nodes: Nodes,
    readonly end: PrinterState,
    readonly tokens: number,
    /** __COUNTER__ at entry when the header used it (-1: not used) and how far the header advanced it */
    readonly counterIn: number,
    readonly counterAdd: number,
    /** the configuration's autoconf.h (virtual file key) when the header included it, else null */
    readonly autoconf: string | null,
    /** include searches made inside (and __has_include): inputs and what they found */
    readonly resDeps: ResDep[],
    /** for a segment of a file (not a whole file): where it ends and the conditional state it leaves */
    readonly seg: SegEffect | null = null,
  ) {}
  hits = 0;
  /** the store's clock when it was last recorded or replayed (MemoRecorder.replayOutput; eviction drops the oldest) */
  lastUse = 0;
  /** output tokens of its own runs (what the store counts for it) */
  own = 0;
}

function memoPolicy(v: string | undefined): 'config' | 'stop' | 'lru' {
  return v === 'stop' || v === 'lru' ? v : 'config';
}

/** the memo store of a run (inside CppCache) */
export class MemoStore {
  readonly entries = new Map<string, MemoEntry[]>();
  /** output tokens held by all entries' own runs */
  tokens = 0;
  /**
   * tokens of variants dropped for the 8-per-key limit since the last makeRoom: still counted against the budget, as
   * the store always did (its budget was measured that way; counting only what is held made the whole ARM check
   * 3–6% slower and 7% bigger)
   */
  private dropped = 0;
  stats = { hits: 0, misses: 0, recorded: 0, unmemoizable: 0, replayedTokens: 0, badProvenance: 0, evicted: 0 };
  /**
   * Budgets measured on 200 units of multi_v7 (bench/cpp-bench.ts): a bigger store costs more in GC than it saves.
   *
   * What a full store does (KVLINT_MEMO_POLICY; measured 2026-11-26, src/cpp/README.md):
   * - 'config' (the default): it stops recording, until a unit of another configuration starts (another autoconf.h:
   *   a run checks its configurations one after the other); then the least recently used entries are dropped down to
   *   `keep` of the budget (KVLINT_MEMO_KEEP, 0.25), so that the new configuration records its own variants. One
   *   configuration alone runs as with 'stop'.
   * - 'stop': it stops recording for good (before 2026-11-26): a second configuration finds only the first one's
   *   variants, and each of its units preprocesses again what the previous one did (SMP=n after SMP=y, 200 units:
   *   175% of the first configuration's time; 'config': 94%).
   * - 'lru': every entry that does not fit drops the least recently used ones (down to 3/4 of the budget). As good
   *   as 'config' for a second configuration, but recording never stops: the cold ARM multi_v7 check took 14% longer.
   */
  constructor(
    readonly maxTokens = Number(process.env.KVLINT_MEMO_TOKENS ?? 3_000_000),
    readonly maxVariants = Number(process.env.KVLINT_MEMO_VARIANTS ?? 8),
    readonly policy: 'config' | 'stop' | 'lru' = memoPolicy(process.env.KVLINT_MEMO_POLICY),
    readonly keep = Number(process.env.KVLINT_MEMO_KEEP ?? 0.25),
  ) {}

  private configKey: string | undefined;

  /** a unit of configuration `key` (its autoconf.h) starts */
  enterConfig(key: string): void {
    if (this.configKey === key) return;
    const first = this.configKey === undefined;
    this.configKey = key;
    if (!first && this.policy === 'config' && this.tokens + this.dropped > this.maxTokens * this.keep) this.makeRoom(this.keep);
  }

  private readonly keyIds = new Map<string, number>();

  /** a short number standing for a long part of memo keys (equal strings, equal numbers, for the whole run) */
  keyId(s: string): number {
    let id = this.keyIds.get(s);
    if (id === undefined) {
      id = this.keyIds.size + 1;
      this.keyIds.set(s, id);
    }
    return id;
  }

  private clock = 0;

  /** the next instant of the store's clock (an entry replayed inside another one is used too) */
  tick(): number {
    return ++this.clock;
  }

  /** no room for more entries: stop recording (replaying goes on) */
  get full(): boolean {
    return this.policy === 'lru' ? this.maxTokens <= 0 : this.tokens + this.dropped >= this.maxTokens;
  }

  find(key: string, valid: (e: MemoEntry) => boolean): MemoEntry | undefined {
    const list = this.entries.get(key);
    if (!list) return undefined;
    for (let i = list.length - 1; i >= 0; i--) {
      const e = list[i]!;
      if (valid(e)) {
        e.hits++;
        return e;
      }
    }
    return undefined;
  }

  /**
   * Drop the least recently used entries until the store holds `keep` of its budget. (An entry dropped here may live
   * on inside a kept entry that includes it, and is replayed with it: it is no longer found by its own key.)
   */
  private makeRoom(keep: number): void {
    this.dropped = 0;
    const all: MemoEntry[] = [];
    for (const list of this.entries.values()) for (const e of list) all.push(e);
    all.sort((a, b) => a.lastUse - b.lastUse);
    const goal = this.maxTokens * keep;
    const drop = new Set<MemoEntry>();
    for (const e of all) {
      if (this.tokens <= goal) break;
      drop.add(e);
      this.tokens -= e.own;
    }
    for (const [k, list] of this.entries) {
      const keep = list.filter((e) => !drop.has(e));
      if (keep.length === 0) this.entries.delete(k);
      else if (keep.length !== list.length) this.entries.set(k, keep);
    }
    this.stats.evicted += drop.size;
  }

  add(e: MemoEntry, ownTokens: number): boolean {
    if (this.tokens + this.dropped + ownTokens > this.maxTokens) {
      // (an entry bigger than what makeRoom frees is not kept: it would empty the store for itself)
      if (this.policy !== 'lru' || ownTokens > this.maxTokens / 4) return false;
      this.makeRoom(0.75);
    }
    e.own = ownTokens;
    e.lastUse = this.tick();
    let list = this.entries.get(e.key);
    if (!list) this.entries.set(e.key, (list = []));
    if (list.length >= this.maxVariants) {
      // drop the least used variant
      let worst = 0;
      for (let i = 1; i < list.length; i++) if (list[i]!.hits < list[worst]!.hits) worst = i;
      this.tokens -= list[worst]!.own;
      this.dropped += list[worst]!.own;
      list.splice(worst, 1);
    }
    list.push(e);
    this.tokens += ownTokens;
    this.stats.recorded++;
    return true;
  }
}

/** what the recorder needs from the preprocessor (kept narrow: src/cpp/preprocessor.ts implements it) */
export interface MemoHost {
  macros: (Macro | undefined)[];
  readonly once: Set<string>;
  readonly includes: string[];
  readonly includeSet: Set<string>;
  readonly diagnostics: Diagnostic[];
  readonly gaps: string[];
  setMacro(id: number, m: Macro | undefined): void;
  counter: number;
  readonly autoconfKey: string;
  /** the result of an include search under the current search chain, as a comparable string */
  resolveKey(name: string, start: number, from: { tree: boolean; dir: string; gccDir: string } | null): string;
  /** the id of the current search chain (SearchPath.id: equal chains, equal ids) */
  readonly searchId: number;
  consult(id: number, m: Macro | undefined): void;
  touch(id: number): void;
  out: {
    length: number;
    kinds: Uint8Array;
    vals: Int32Array;
    files: Int32Array;
    fileTable: (Lexed | null)[];
    synth: Map<number, string>;
    idxs: Int32Array;
    provs: Int32Array;
    flags: Uint8Array;
    appendRun(r: Run, base: number): void;
    printerState(): PrinterState;
    restorePrinter(s: PrinterState): void;
  };
  prov: {
    size: number;
    kind: Uint8Array;
    parent: Int32Array;
    macro: (Macro | null)[];
    useLf: (Lexed | null)[];
    useIdx: Int32Array;
    lhsProv: Int32Array;
    rhsProv: Int32Array;
    label: Map<number, string>;
    appendNodes(n: Nodes): number;
  };
}

interface Child {
  entry: MemoEntry;
  outStart: number;
  outEnd: number;
  provStart: number;
  provEnd: number;
}

interface Scope {
  key: string;
  frame: unknown;
  logStart: number;
  outStart: number;
  provStart: number;
  diagStart: number;
  gapStart: number;
  includeStart: number;
  eventStart: number;
  onceStart: number;
  onceAddStart: number;
  children: Child[];
  bad: boolean;
  counterStart: number;
  usedCounter: boolean;
  autoconf: string | null;
  resStart: number;
  serial: number;
  /** a segment scope: the line at or after which it ends */
  segUntil: number;
}

/** positions taken just before the header's file is entered (its own include record and lexer diagnostics count) */
export interface Mark {
  diagStart: number;
  includeStart: number;
}

/** debugging hook: why a memo entry did not apply (KVLINT_MEMO_DEBUG) */
export let missWhy: ((e: MemoEntry, id: number, was: Macro | undefined | typeof DEFINED, now: Macro | undefined) => void) | null = null;
export function setMissWhy(f: typeof missWhy): void {
  missWhy = f;
}

let stamp = 0;
/** a recorded run's local file numbers, by the builder's file number (valid where localStamp is the run's stamp) */
let runStamp = 0;
let localStamp = new Int32Array(256);
let localNo = new Int32Array(256);
/**
 * Recorded runs and nodes are views into shared slabs: one backing store per SLAB elements instead of one per array
 * (tens of thousands of small typed arrays per configuration cost more to allocate and to sweep than to fill). A slab
 * lives while any entry using it does; memory stays bounded by the store's token budget.
 */
const SLAB = 1 << 18;
let words32 = new Int32Array(SLAB);
let wordsAt = 0;
let bytes8 = new Uint8Array(SLAB);
let bytesAt = 0;

function slabWords(n: number): Int32Array {
  if (n > SLAB >> 4) return new Int32Array(n);
  if (wordsAt + n > SLAB) {
    words32 = new Int32Array(SLAB);
    wordsAt = 0;
  }
  const a = words32.subarray(wordsAt, wordsAt + n);
  wordsAt += n;
  return a;
}

function slabBytes(n: number): Uint8Array {
  if (n > SLAB >> 4) return new Uint8Array(n);
  if (bytesAt + n > SLAB) {
    bytes8 = new Uint8Array(SLAB);
    bytesAt = 0;
  }
  const a = bytes8.subarray(bytesAt, bytesAt + n);
  bytesAt += n;
  return a;
}

/** build's scratch: first reads (ids, values, ranks) and writes of the scope being built */
let scratchIds = new Int32Array(1 << 12);
const scratchVals: (LogVal | undefined)[] = [];
let scratchRank = new Uint8Array(1 << 12);
let scratchWrites = new Int32Array(1 << 12);
let seen = new Int32Array(1 << 16);
let seenW = new Int32Array(1 << 16);
let depAt = new Int32Array(1 << 16);

/** Records the effect of headers while they are preprocessed, and replays recorded effects. One per unit. */
export class MemoRecorder {
  recording = false;
  private logIds = new Int32Array(1 << 16);
  private logVals: LogVal[] = [];
  private logLen = 0;
  private onceLog: [string, boolean][] = [];
  private onceAddLog: string[] = [];
  private resLog: ResDep[] = [];
  private events: [number, LogVal][] = [];
  private readonly scopes: Scope[] = [];

  constructor(private readonly host: MemoHost, readonly store: MemoStore) {}

  /** serial of the innermost scope that logged a value read (resp. a definedness read) of each id */
  private loggedV = new Int32Array(1 << 16);
  private loggedD = new Int32Array(1 << 16);
  private serial = 0;
  private innermost = 0;

  read(id: number, m: Macro | undefined | typeof DEFINED): void {
    // within one scope, only the first read of a name (per kind) matters: later ones see the same definition
    if (id >= this.loggedV.length) {
      const n = Math.max(id + 1, this.loggedV.length * 2);
      const a = new Int32Array(n);
      a.set(this.loggedV);
      this.loggedV = a;
      const b = new Int32Array(n);
      b.set(this.loggedD);
      this.loggedD = b;
    }
    if (m === DEFINED) {
      if (this.loggedD[id] === this.innermost || this.loggedV[id] === this.innermost) return;
      this.loggedD[id] = this.innermost;
    } else {
      if (this.loggedV[id] === this.innermost) return;
      this.loggedV[id] = this.innermost;
    }
    this.append(id, m);
  }

  private append(id: number, m: LogVal): void {
    const n = this.logLen;
    if (n === this.logIds.length) {
      const b = new Int32Array(n * 2);
      b.set(this.logIds);
      this.logIds = b;
    }
    this.logIds[n] = id;
    this.logVals[n] = m;
    this.logLen = n + 1;
  }

  write(id: number): void {
    if (id < this.loggedV.length) {
      this.loggedV[id] = 0;
      this.loggedD[id] = 0;
    }
    this.append(id, WRITE);
  }

  event(id: number, v: LogVal): void {
    this.events.push([id, v]);
  }

  onceRead(key: string, had: boolean): void {
    this.onceLog.push([key, had]);
  }

  onceAdd(key: string): void {
    this.onceAddLog.push(key);
  }

  /** __COUNTER__ was expanded: the headers being recorded depend on its value at their entry */
  usedCounter(): void {
    for (const s of this.scopes) s.usedCounter = true;
  }

  /** the current header cannot be replayed (it used __COUNTER__, hit a limit, …), nor can the ones including it */
  spoil(): void {
    for (const s of this.scopes) s.bad = true;
  }

  valid(e: MemoEntry): boolean {
    const macros = this.host.macros;
    const deps = e.deps;
    const vals = e.depVals;
    for (let i = 0; i < deps.length; i++) {
      const v = vals[i];
      const m = macros[deps[i]!];
      if (v === DEFINED ? m === undefined : m !== v) {
        if (missWhy) missWhy(e, deps[i]!, v, m);
        return false;
      }
    }
    for (const [k, had] of e.onceDeps) if (this.host.once.has(k) !== had) return false;
    if (e.autoconf !== null && e.autoconf !== this.host.autoconfKey) return false;
    // the same search under the same chain finds the same file for the whole run (CppCache): check each once per chain
    const chain = this.host.searchId;
    for (const d of e.resDeps) {
      if (d.checkedOn !== chain) {
        d.checkedOk = this.host.resolveKey(d.name, d.start, d.from) === d.result;
        d.checkedOn = chain;
      }
      if (!d.checkedOk) return false;
    }
    return e.counterIn < 0 || e.counterIn === this.host.counter;
  }

  mark(): Mark {
    return { diagStart: this.host.diagnostics.length, includeStart: this.host.includes.length };
  }

  begin(key: string, frame: unknown, mark: Mark): void {
    const h = this.host;
    this.scopes.push({
      key, frame, logStart: this.logLen, outStart: h.out.length, provStart: h.prov.size, diagStart: mark.diagStart,
      gapStart: h.gaps.length, includeStart: mark.includeStart, eventStart: this.events.length, onceStart: this.onceLog.length,
      onceAddStart: this.onceAddLog.length, children: [], bad: false, counterStart: h.counter, usedCounter: false, autoconf: null,
      resStart: this.resLog.length, segUntil: -1, serial: ++this.serial,
    });
    this.innermost = this.serial;
    this.recording = true;
  }

  /** begin recording a segment of `frame` (a run of lines between include directives) ending at line `until` */
  beginSegment(key: string, frame: unknown, until: number): void {
    this.begin(key, frame, this.mark());
    this.scopes[this.scopes.length - 1]!.segUntil = until;
  }

  /** the segment being recorded in `frame`, if any (it is always the innermost scope) */
  segmentOf(frame: unknown): { segUntil: number } | undefined {
    const top = this.scopes[this.scopes.length - 1];
    return top && top.frame === frame && top.segUntil >= 0 ? top : undefined;
  }

  /** end the segment of `frame` here, recording what it leaves behind */
  endSegment(frame: unknown, effect: () => SegEffect): void {
    const top = this.scopes[this.scopes.length - 1];
    if (!top || top.frame !== frame || top.segUntil < 0) return;
    this.finish(top, effect());
  }

  /** an include search was made (its result is a dependency of the headers being recorded) */
  resolution(d: ResDep): void {
    this.resLog.push(d);
  }

  /** the configuration's autoconf.h was included: the headers being recorded depend on which one */
  usedAutoconf(key: string): void {
    for (const s of this.scopes) s.autoconf = key;
  }

  /** called when a file's frame is popped */
  ended(frame: unknown): void {
    const top = this.scopes[this.scopes.length - 1];
    if (!top || top.frame !== frame || top.segUntil >= 0) return;
    this.finish(top, null);
  }

  private finish(top: Scope, seg: SegEffect | null): void {
    this.scopes.pop();
    this.innermost = this.scopes.length ? this.scopes[this.scopes.length - 1]!.serial : 0;
    const entry = top.bad ? null : this.build(top, seg);
    const parent = this.scopes[this.scopes.length - 1];
    if (!entry) this.store.stats.unmemoizable++;
    else if (parent) parent.children.push({ entry, outStart: top.outStart, outEnd: this.host.out.length, provStart: top.provStart, provEnd: this.host.prov.size });
    if (this.scopes.length === 0) {
      this.recording = false;
      this.logLen = 0;
      this.logVals.length = 0;
      this.onceLog.length = 0;
      this.onceAddLog.length = 0;
      this.events.length = 0;
      this.resLog.length = 0;
    }
  }

  replay(e: MemoEntry): void {
    const h = this.host;
    if (this.recording) {
      for (let i = 0; i < e.deps.length; i++) this.read(e.deps[i]!, e.depVals[i]);
      for (const d of e.onceDeps) this.onceLog.push(d);
      for (const d of e.resDeps) this.resLog.push(d);
    }
    const outStart = h.out.length;
    const provStart = h.prov.size;
    this.replayOutput(e);
    // footprint events first, against the current definitions: a configuration macro that was only tested for
    // definedness may have another value in this configuration, and the footprint must say what this one has
    for (const [id, v] of e.events) {
      if (v === WRITE) h.touch(id);
      else if (v !== DEFINED) h.consult(id, v === undefined ? undefined : h.macros[id] !== undefined && h.macros[id]!.origin !== 0 ? h.macros[id] : v);
    }
    for (let i = 0; i < e.writes.length; i++) h.setMacro(e.writes[i]!, e.writeVals[i]);
    for (const k of e.includes) {
      if (!h.includeSet.has(k)) {
        h.includeSet.add(k);
        h.includes.push(k);
      }
    }
    for (const k of e.onceAdds) {
      h.once.add(k);
      if (this.recording) this.onceAddLog.push(k);
    }
    if (e.counterIn >= 0) {
      h.counter += e.counterAdd;
      for (const s of this.scopes) s.usedCounter = true;
    }
    if (e.autoconf !== null) this.usedAutoconf(e.autoconf);
    for (const d of e.diags) h.diagnostics.push(d);
    for (const g of e.gaps) h.gaps.push(g);
    h.out.restorePrinter(e.end);
    const parent = this.scopes[this.scopes.length - 1];
    if (parent) parent.children.push({ entry: e, outStart, outEnd: h.out.length, provStart, provEnd: h.prov.size });
    this.store.stats.hits++;
    this.store.stats.replayedTokens += e.tokens;
  }

  private replayOutput(e: MemoEntry): void {
    const h = this.host;
    // nested entries are used with their parent: eviction keeps them while it is kept (what the store counts stays
    // what it holds)
    e.lastUse = this.store.tick();
    const base = h.prov.appendNodes(e.nodes);
    for (const p of e.pieces) {
      if (p instanceof MemoEntry) this.replayOutput(p);
      else h.out.appendRun(p, base);
    }
  }

  private build(sc: Scope, seg: SegEffect | null): MemoEntry | null {
    const h = this.host;
    const outEnd = h.out.length;
    const provEnd = h.prov.size;
    // dependencies: first reads not preceded by the header's own writes; writes: their final values
    if (++stamp === 0x7fffffff) stamp = 1;
    const size = Math.max(h.macros.length, this.maxLoggedId(sc.logStart) + 1);
    if (seen.length < size) {
      seen = new Int32Array(size * 2);
      seenW = new Int32Array(size * 2);
      depAt = new Int32Array(size * 2);
    }
    // first reads and writes are gathered in scratch arrays (this runs at the end of every recorded header and
    // segment; the entry keeps exact-size copies)
    const logLen = this.logLen;
    if (scratchIds.length < logLen - sc.logStart) {
      scratchIds = new Int32Array((logLen - sc.logStart) * 2);
      scratchRank = new Uint8Array(scratchIds.length);
      scratchWrites = new Int32Array(scratchIds.length);
    }
    const ids = scratchIds;
    const vals = scratchVals;
    let nd = 0;
    let nw = 0;
    for (let i = sc.logStart; i < logLen; i++) {
      const id = this.logIds[i]!;
      const v = this.logVals[i];
      if (v === WRITE) {
        if (seenW[id] !== stamp) {
          seenW[id] = stamp;
          scratchWrites[nw++] = id;
        }
        continue;
      }
      if (seenW[id] === stamp) continue; // after the header's own (re)definition
      if (seen[id] !== stamp) {
        seen[id] = stamp;
        depAt[id] = nd;
        ids[nd] = id;
        vals[nd++] = v;
      } else if (vals[depAt[id]!] === DEFINED && v !== DEFINED) {
        // asked for definedness first, used the definition later: depend on the definition
        vals[depAt[id]!] = v;
      }
    }
    const writes = new Array<number>(nw);
    for (let i = 0; i < nw; i++) writes[i] = scratchWrites[i]!;
    const writeVals = new Array<Macro | undefined>(nw);
    for (let i = 0; i < nw; i++) writeVals[i] = h.macros[writes[i]!];
    // the enclosing scopes need only this net effect (first reads, then writes), not every read and write of it:
    // replacing the scope's log by it keeps each log entry from being walked again by every enclosing header's build
    this.logLen = sc.logStart;
    for (let i = 0; i < nd; i++) this.append(ids[i]!, vals[i] as LogVal);
    for (let i = 0; i < nw; i++) this.append(writes[i]!, WRITE);
    // configuration / command-line definitions first: they are what differs between configurations, so a variant
    // of another configuration is rejected after a few comparisons
    // (a stable partition into the four ranks, in first-read order within each: the order a sort by (rank, index)
    // gives, in linear time)
    const deps = new Array<number>(nd);
    const depVals = new Array<Macro | undefined | typeof DEFINED>(nd);
    {
      const at = [0, 0, 0, 0];
      for (let i = 0; i < nd; i++) {
        const v = vals[i];
        const r = v === undefined || v === DEFINED ? (isConfigName(ids[i]!) ? 0 : 2) : (v as Macro).origin !== 0 ? 1 : 3;
        scratchRank[i] = r;
        at[r]!++;
      }
      at[3] = at[0]! + at[1]! + at[2]!;
      at[2] = at[0]! + at[1]!;
      at[1] = at[0]!;
      at[0] = 0;
      for (let i = 0; i < nd; i++) {
        const o = at[scratchRank[i]!]!++;
        deps[o] = ids[i]!;
        depVals[o] = vals[i] as Macro | undefined | typeof DEFINED;
        vals[i] = undefined;
      }
    }
    // own nodes: the provenance range minus the nested entries' ranges (gaps between them), renumbered 1..k
    const gapStart: number[] = [];
    const gapEnd: number[] = [];
    const gapBase: number[] = [];
    let k = 0;
    let at0 = sc.provStart;
    for (const c of sc.children) {
      if (c.provStart > at0) {
        gapStart.push(at0);
        gapEnd.push(c.provStart);
        gapBase.push(k);
        k += c.provStart - at0;
      }
      at0 = Math.max(at0, c.provEnd);
    }
    if (provEnd > at0) {
      gapStart.push(at0);
      gapEnd.push(provEnd);
      gapBase.push(k);
      k += provEnd - at0;
    }
    // own nodes map to 1..k; nested entries' nodes and nodes before the scope cannot be referenced (-1)
    const map = (p: number): number => {
      if (p === 0) return 0;
      let lo = 0;
      let hi = gapStart.length - 1;
      while (lo <= hi) {
        const mid = (lo + hi) >> 1;
        if (p < gapStart[mid]!) hi = mid - 1;
        else if (p >= gapEnd[mid]!) lo = mid + 1;
        else return gapBase[mid]! + (p - gapStart[mid]!) + 1;
      }
      return -1;
    };
    const pr = h.prov;
    const nodes: Nodes = k === 0 ? NO_NODES : { k, kind: slabBytes(k), words: slabWords(4 * k), macro: new Array(k), useLf: new Array(k), labels: null };
    const words = nodes.words;
    for (let g = 0; g < gapStart.length; g++) {
      for (let p = gapStart[g]!; p < gapEnd[g]!; p++) {
        const j = gapBase[g]! + (p - gapStart[g]!);
        nodes.kind[j] = pr.kind[p]!;
        const par = pr.parent[p]!;
        const lhs = pr.lhsProv[p]!;
        const rhs = pr.rhsProv[p]!;
        const mp = par === 0 ? 0 : par >= gapStart[g]! && par < p ? gapBase[g]! + (par - gapStart[g]!) + 1 : map(par);
        const ml = lhs === 0 ? 0 : map(lhs);
        const mr = rhs === 0 ? 0 : map(rhs);
        if (mp < 0 || ml < 0 || mr < 0) {
          this.store.stats.badProvenance++;
          return null;
        }
        words[j] = mp;
        words[k + j] = ml;
        words[2 * k + j] = mr;
        words[3 * k + j] = pr.useIdx[p]!;
        nodes.macro[j] = pr.macro[p]!;
        nodes.useLf[j] = pr.useLf[p]!;
        if (pr.kind[p] !== 1) {
          const lab = pr.label.get(p);
          if (lab !== undefined) (nodes.labels ??= []).push([j + 1, lab]);
        }
      }
    }
    // pieces: own output runs between the nested entries
    const pieces: (Run | MemoEntry)[] = [];
    const o = h.out;
    let own = 0;
    const run = (a: number, b: number): boolean => {
      if (b <= a) return true;
      const n = b - a;
      const words = slabWords(4 * n);
      const bytes = slabBytes(2 * n);
      const { vals, idxs, kinds, flags } = o;
      for (let i = 0; i < n; i++) {
        words[i] = vals[a + i]!;
        words[n + i] = idxs[a + i]!;
        bytes[i] = kinds[a + i]!;
        bytes[n + i] = flags[a + i]!;
      }
      const provAt = 3 * n - a;
      let lastP = -1;
      let lastM = 0;
      for (let i = a; i < b; i++) {
        const p = o.provs[i]!;
        let m: number;
        if (p === 0) m = 0;
        else if (p === lastP) m = lastM;
        else {
          m = map(p);
          lastP = p;
          lastM = m;
        }
        if (m < 0) {
          this.store.stats.badProvenance++;
          return false;
        }
        words[provAt + i] = m;
      }
      // re-number the spelling files locally
      const fileAt = 2 * n - a;
      const fileTable: (Lexed | null)[] = [null];
      if (++runStamp === 0x7fffffff) runStamp = 1;
      if (localStamp.length < o.fileTable.length) {
        localStamp = new Int32Array(o.fileTable.length * 2);
        localNo = new Int32Array(o.fileTable.length * 2);
      }
      const synth: (number | string)[] = [];
      for (let i = a; i < b; i++) {
        const g = o.files[i]!;
        if (g !== 0) {
          if (localStamp[g] !== runStamp) {
            localStamp[g] = runStamp;
            localNo[g] = fileTable.length;
            fileTable.push(o.fileTable[g]!);
          }
          words[fileAt + i] = localNo[g]!;
        }
        if (o.flags[i]! & 4 /* O_SYNTH */) synth.push(i - a, o.synth.get(i)!);
      }
      pieces.push({ n, bytes, words, fileTable, synth });
      own += n;
      return true;
    };
    let at = sc.outStart;
    for (const c of sc.children) {
      if (!run(at, c.outStart)) return null;
      pieces.push(c.entry);
      at = c.outEnd;
    }
    if (!run(at, outEnd)) return null;
    // the same for the include-search and #pragma once dependencies: the enclosing scopes see them deduplicated
    const onceDeps = dedupe(this.onceLog.slice(sc.onceStart));
    this.onceLog.length = sc.onceStart;
    for (const d of onceDeps) this.onceLog.push(d);
    const resDeps = dedupeRes(this.resLog.slice(sc.resStart));
    this.resLog.length = sc.resStart;
    for (const d of resDeps) this.resLog.push(d);
    const e = new MemoEntry(
      sc.key, deps, depVals, onceDeps,
      writes, writeVals, this.events.slice(sc.eventStart), h.includes.slice(sc.includeStart),
      this.onceAddLog.slice(sc.onceAddStart), h.diagnostics.slice(sc.diagStart), h.gaps.slice(sc.gapStart), pieces, nodes,
      h.out.printerState(), outEnd - sc.outStart, sc.usedCounter ? sc.counterStart : -1, h.counter - sc.counterStart,
      sc.autoconf, resDeps, seg,
    );
    this.store.add(e, own);
    return e;
  }

  private maxLoggedId(from: number): number {
    let m = 0;
    for (let i = from; i < this.logLen; i++) if (this.logIds[i]! > m) m = this.logIds[i]!;
    return m;
  }
}

/** per-identifier classification: 1 = a CONFIG_* name, 2 = not, 0 = not yet asked (a typed array: this runs per dependency) */
let configClass = new Uint8Array(1 << 16);
function isConfigName(id: number): boolean {
  if (id >= configClass.length) {
    const n = new Uint8Array(Math.max(id + 1, configClass.length * 2));
    n.set(configClass);
    configClass = n;
  }
  let c = configClass[id]!;
  if (c === 0) {
    c = idents.name(id).startsWith('CONFIG_') ? 1 : 2;
    configClass[id] = c;
  }
  return c === 1;
}

function dedupeRes(ds: ResDep[]): ResDep[] {
  const keys = new Set<string>();
  const r: ResDep[] = [];
  for (const d of ds) {
    if (keys.has(d.key)) continue;
    keys.add(d.key);
    r.push(d);
  }
  return r;
}

function dedupe(reads: [string, boolean][]): [string, boolean][] {
  const seenKeys = new Set<string>();
  const r: [string, boolean][] = [];
  for (const x of reads) {
    if (seenKeys.has(x[0])) continue;
    seenKeys.add(x[0]);
    r.push(x);
  }
  return r;
}
