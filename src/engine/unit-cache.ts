import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sourceFilesUnder } from '../core/code-hash.js';
import { InputError } from '../core/errors.js';
import type { UnitFacts } from '../core/facts.js';
import type { CompileCommand } from '../core/graph.js';
import type { Footprint } from '../core/tokens.js';
import { generatedIncludeHash } from '../cpp/include.js';
import type { Diagnostic } from '../core/types.js';
import type { KernelTree } from '../tree/tree.js';
import { type LoadedPack, packedOf, readPack, writePack } from './unit-pack.js';

/**
 * Results of one translation unit, reusable for any configuration that compiles the object with the same command
 * and agrees with `footprint` (every externally supplied macro the preprocessing consulted, with the value seen),
 * as long as none of the files it read changed (`hashes`).
 */
export interface CachedUnit {
  footprint: Footprint;
  facts: UnitFacts;
  diagnostics: Diagnostic[];
  gaps: string[];
  /** files read, in first-entry order (tree-relative, or absolute outside the tree) */
  includes: string[];
  /** content hash of each file in `includes` when the unit was analysed */
  hashes: string[];
  /**
   * set for a unit read from a pack (src/engine/unit-pack.ts): valid only in this macro environment (the hash of
   * the configuration's autoconf.h), whatever its footprint, which the pack does not keep
   */
  env?: string;
}

/**
 * compile commands by a hash of their text (the same command objects come back for each configuration sharing a
 * Kbuild graph, and for every object built with the same command): a key holds 24 hex digits instead of the whole
 * command (on Linux ARM the commands were 8 MB of a pack's 16 MB header)
 */
const cmdIds = new WeakMap<CompileCommand, string>();

/** Values of the externally supplied macros in one configuration: name -> replacement text, null when undefined. */
export type MacroEnv = (name: string) => string | null;

/** Content hash of a file the preprocessor read: through the tree (overlay-aware) or, outside it, from disk. */
export function fileHash(tree: KernelTree, file: string): string {
  const gen = generatedIncludeHash(file);
  if (gen !== undefined) return gen;
  if (!path.isAbsolute(file)) return tree.hash(file);
  try {
    return createHash('sha1').update(fs.readFileSync(file)).digest('hex');
  } catch {
    return '-';
  }
}

/**
 * Two levels: an in-memory map for this run, and (optionally) an on-disk store outside the tree so that the next
 * run — a pre-commit hook, a CI re-run — only re-analyses units whose sources or footprint changed.
 */
export class UnitCache {
  private readonly byKey = new Map<string, CachedUnit[]>();
  private readonly loaded = new Set<string>();
  private readonly hashMemo = new Map<string, string>();
  hits = 0;
  diskHits = 0;
  /** units taken from a pack */
  packHits = 0;
  misses = 0;
  private packs = new Map<string, LoadedPack | undefined>();
  /** per pack, which of its files still have their content in this cache's tree (LoadedPack.unitValid) */
  private readonly verdicts = new Map<LoadedPack, Int8Array>();

  /** The pack of a macro environment (read once per run), if the disk cache has a valid one. */
  private packFor(envId: string): LoadedPack | undefined {
    if (!this.packs.has(envId)) this.packs.set(envId, this.disk!.readPack(envId));
    return this.packs.get(envId);
  }

  /**
   * After a configuration's units are all known (key -> unit): write them as that environment's pack unless its
   * pack already provided all or nearly all (99 %) of them: a pre-commit run's few changed units on a real tree are
   * not worth rewriting 50 MB.
   */
  writePack(envId: string, units: Map<string, CachedUnit>): boolean {
    // a change run (derive) leaves the pack to its base: the pack holds the tree as it is, not a change being staged
    if (!this.disk || !this.tree || units.size === 0 || this.parent) return false;
    let fromPack = 0;
    const pack = this.packs.get(envId);
    for (const [k, u] of units) if (pack?.units.get(k) === u) fromPack++;
    const stale = units.size - fromPack;
    if (stale === 0 || (pack && stale <= units.size / 100)) return false;
    this.disk.writePack(envId, units, (f) => this.hashOf(f));
    return true;
  }

  constructor(
    private readonly disk?: DiskCache,
    private readonly tree?: KernelTree,
  ) {}

  static key(object: string, cmd: CompileCommand): string {
    let c = cmdIds.get(cmd);
    if (c === undefined) cmdIds.set(cmd, (c = createHash('sha1').update(JSON.stringify(cmd)).digest('hex').slice(0, 24)));
    return object + '\0' + c;
  }

  private hashOf(file: string): string {
    let h = this.hashMemo.get(file);
    if (h === undefined) {
      h = this.tree ? fileHash(this.tree, file) : '-';
      this.hashMemo.set(file, h);
    }
    return h;
  }

  private valid(c: CachedUnit, env: MacroEnv, checkFiles: boolean, envId?: string): boolean {
    if (c.env !== undefined) return c.env === envId;
    for (const [name, seen] of c.footprint) if (env(name) !== seen) return false;
    if (checkFiles) {
      for (let i = 0; i < c.includes.length; i++) if (this.hashOf(c.includes[i]!) !== c.hashes[i]) return false;
    }
    return true;
  }

  /**
   * This cache seen from another state of the same tree that differs from this one only in `changed` files (the
   * change of a --staged/--since run after its base): units already in memory that read none of those files are
   * reused without touching the disk; the rest go through the disk cache, validated against `tree`.
   */
  derive(tree: KernelTree, changed: Iterable<string>): UnitCache {
    const d = new UnitCache(this.disk, tree);
    d.parent = { cache: this, changed: new Set(changed) };
    d.packs = this.packs;
    return d;
  }

  private parent?: { cache: UnitCache; changed: Set<string> };

  /**
   * The unit of `key` valid in the macro environment `env` (`envId`: its identity, the hash of autoconf.h), from
   * memory, the base run (derive), this environment's pack, or the unit's own file on disk.
   */
  lookup(key: string, env: MacroEnv, envId?: string): CachedUnit | undefined {
    for (const c of this.byKey.get(key) ?? []) {
      if (this.valid(c, env, false, envId)) {
        this.hits++;
        return c;
      }
    }
    if (this.parent) {
      const { cache, changed } = this.parent;
      for (const c of cache.byKey.get(key) ?? []) {
        if (this.valid(c, env, false, envId) && !readsAny(c, changed)) {
          this.hits++;
          return c;
        }
      }
    }
    if (this.disk && this.tree && envId !== undefined) {
      const pack = this.packFor(envId);
      const c = pack?.units.get(key);
      let verdict = c && this.verdicts.get(pack!);
      if (c && !verdict) this.verdicts.set(pack!, (verdict = new Int8Array(pack!.files.length)));
      if (c && pack!.unitValid(c, (f) => this.hashOf(f), verdict!)) {
        this.packHits++;
        const list = this.byKey.get(key);
        if (list) list.push(c);
        else this.byKey.set(key, [c]);
        return c;
      }
    }
    if (this.disk && this.tree && !this.loaded.has(key)) {
      this.loaded.add(key);
      const variants = this.disk.read(key);
      for (const [i, c] of variants.entries()) {
        if (this.valid(c, env, true)) {
          this.diskHits++;
          // the variant in use stays: a pre-commit run's base (HEAD) is not pushed out by the contents staged since
          if (i > 0) this.disk.touch(key, i);
          // read back whole from disk: interning would cost a warm whole-tree run more time than anything else
          // (1.7 s of 10 s on Linux ARM), and such a run holds no analysis state beside it
          return this.remember(key, c, false);
        }
      }
    }
    this.misses++;
    return undefined;
  }

  /** hashes for a freshly analysed unit's includes (as the tree is now) */
  hashesFor(includes: string[]): string[] {
    return includes.map((f) => this.hashOf(f));
  }

  /**
   * In memory a unit is only validated against the macro environment (the files cannot change during a run), so
   * its file hashes are dropped. A freshly analysed unit (`intern`) also stores the file and macro names it shares
   * with thousands of other units once — most of the memory of a cold whole-tree run, where the worker pool runs
   * beside it; a unit read back from disk is kept as parsed (interning it cost more time than anything else warm).
   */
  private remember(key: string, unit: CachedUnit, intern = true): CachedUnit {
    const slim: CachedUnit = !intern
      ? { ...unit, hashes: [] }
      : {
          ...unit,
          facts: this.internAll(unit.facts),
          footprint: new Map([...unit.footprint].map(([n, v]) => [this.intern(n), v === null ? null : this.intern(v)])),
          includes: unit.includes.map((f) => this.intern(f)),
          hashes: [],
        };
    const list = this.byKey.get(key);
    if (list) list.push(slim);
    else this.byKey.set(key, [slim]);
    return slim;
  }

  private readonly strings = new Map<string, string>();
  private intern(s: string): string {
    const t = this.strings.get(s);
    if (t !== undefined) return t;
    this.strings.set(s, s);
    return s;
  }

  /** `v` with every string in it interned (file names of spans and traces repeat across units). */
  private internAll<T>(v: T): T {
    if (typeof v === 'string') return this.intern(v) as T;
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) v[i] = this.internAll(v[i]);
      return v;
    }
    if (v !== null && typeof v === 'object') {
      const o = v as Record<string, unknown>;
      for (const k of Object.keys(o)) o[k] = this.internAll(o[k]);
    }
    return v;
  }

  /** Keep a freshly analysed unit (and write it to disk, hashes included); returns the copy kept in memory. */
  store(key: string, unit: CachedUnit): CachedUnit {
    this.disk?.write(key, unit);
    return this.remember(key, unit);
  }
}

/** Whether a unit read any of `files` (the change of a --staged run). */
export function readsAny(c: CachedUnit, files: Set<string>): boolean {
  const packed = packedOf(c);
  if (packed) return packed.pack.readsAny(packed.fileIds, files);
  return c.includes.some((f) => files.has(f));
}

/** Parse autoconf.h text into name -> value (the text after the name, whitespace runs collapsed). */
export function parseAutoconf(text: string): Map<string, string> {
  const m = new Map<string, string>();
  for (const line of text.split('\n')) {
    const r = /^#define\s+([A-Za-z_][A-Za-z0-9_]*)\s*(.*)$/.exec(line);
    if (r) m.set(r[1]!, r[2]!.trim().replace(/\s+/g, ' '));
  }
  return m;
}

/**
 * The macro environment a unit sees before its first line: the compiler's predefined macros, then the command
 * line's -D/-U in order, then autoconf.h (forced through kconfig.h).
 */
export function macroEnv(predefined: Map<string, string>, cmd: CompileCommand, autoconf: Map<string, string>): MacroEnv {
  // built on first use: a unit from a pack is looked up without consulting its environment
  let cmdline: Map<string, string | null> | undefined;
  return (name) => {
    if (!cmdline) {
      cmdline = new Map();
      for (const [n, value] of cmd.defines) cmdline.set(n, value);
    }
    const a = autoconf.get(name);
    if (a !== undefined) return a;
    if (cmdline.has(name)) return cmdline.get(name)!;
    return predefined.get(name) ?? null;
  };
}

// ------------------------------------------------------------------------------------------------ on disk

interface StoredUnit {
  footprint: [string, string | null][];
  facts: UnitFacts;
  diagnostics: Diagnostic[];
  gaps: string[];
  includes: string[];
  hashes: string[];
}

interface StoredFile {
  code: string;
  variants: StoredUnit[];
}

/** Variants kept per object and command (configurations that differ in the unit's footprint, contents staged over time); the least recently used is dropped first. */
const MAX_VARIANTS = 8;

/**
 * Unit results on disk: one JSON file per (object, command) under
 * `<cacheDir>/units/<hash of the tree root>/`, each holding the footprint variants seen. Entries are tagged with
 * the hash of kvlint's own analysis code, so a changed preprocessor or facts extractor never reuses old results.
 * Never inside the checked tree.
 */
export class DiskCache {
  readonly dir: string;
  private readonly code: string;

  constructor(cacheDir: string, treeRoot: string) {
    this.dir = treeCacheDir(cacheDir, 'units', treeRoot);
    this.code = analysisCodeHash();
  }

  private file(key: string): string {
    const h = createHash('sha1').update(key).digest('hex');
    return path.join(this.dir, h.slice(0, 2), h.slice(2) + '.json');
  }

  /** Move variant `i` of `key` to the front: variants are dropped least recently used first. */
  touch(key: string, i: number): void {
    const file = this.file(key);
    try {
      const data = JSON.parse(fs.readFileSync(file, 'utf8')) as StoredFile;
      if (data.code !== this.code || i <= 0 || i >= data.variants.length) return;
      data.variants.unshift(...data.variants.splice(i, 1));
      const tmp = `${file}.${process.pid}.tmp`;
      fs.writeFileSync(tmp, JSON.stringify(data));
      fs.renameSync(tmp, file);
    } catch {
      /* only slower next time */
    }
  }

  read(key: string): CachedUnit[] {
    let data: StoredFile;
    try {
      data = JSON.parse(fs.readFileSync(this.file(key), 'utf8')) as StoredFile;
    } catch {
      return [];
    }
    if (data.code !== this.code) return [];
    return data.variants.map((v) => ({ ...v, footprint: new Map(v.footprint) }));
  }

  private packFile(envId: string): string {
    return path.join(this.dir, 'packs', envId + '.pack');
  }

  readPack(envId: string): LoadedPack | undefined {
    return readPack(this.packFile(envId), this.code, envId);
  }

  writePack(envId: string, units: Map<string, CachedUnit>, hashOf: (f: string) => string): void {
    writePack(this.packFile(envId), this.code, envId, units, hashOf);
  }

  write(key: string, unit: CachedUnit): void {
    const file = this.file(key);
    let variants: StoredUnit[] = [];
    try {
      const old = JSON.parse(fs.readFileSync(file, 'utf8')) as StoredFile;
      if (old.code === this.code) variants = old.variants;
    } catch {
      /* first variant */
    }
    variants.unshift({ ...unit, footprint: [...unit.footprint] });
    if (variants.length > MAX_VARIANTS) variants.length = MAX_VARIANTS;
    try {
      fs.mkdirSync(path.dirname(file), { recursive: true });
      const tmp = `${file}.${process.pid}.tmp`;
      fs.writeFileSync(tmp, JSON.stringify({ code: this.code, variants } satisfies StoredFile));
      fs.renameSync(tmp, file);
    } catch {
      /* a cache that cannot be written is only slower */
    }
  }
}

/** `<cacheDir>/<kind>/<hash of the tree's path>`: where each kind of cache keeps what it knows of one tree. */
export function treeCacheDir(cacheDir: string, kind: string, treeRoot: string): string {
  return path.join(cacheDir, kind, createHash('sha1').update(path.resolve(treeRoot)).digest('hex').slice(0, 16));
}


/**
 * `dir` as the cache directory of a run on `tree`: an InputError when it lies inside the tree, which kvlint never
 * writes into (unit files, packs, Kbuild graphs, Kconfig models and transpiled user rules all go there).
 */
export function cacheDirFor(dir: string, tree: KernelTree): string {
  if (tree.contains(dir)) {
    throw new InputError(
      `the cache directory ${dir} is inside the checked tree ${tree.root}, and kvlint never writes into the tree: ` +
        'put it elsewhere (--cache-dir, KVLINT_CACHE_DIR or XDG_CACHE_HOME) or run with --no-cache',
    );
  }
  return dir;
}

/** The default cache directory: $KVLINT_CACHE_DIR, else $XDG_CACHE_HOME/kvlint (or ~/.cache/kvlint). */
export function defaultCacheDir(env: Record<string, string | undefined> = process.env): string {
  if (env.KVLINT_CACHE_DIR) return env.KVLINT_CACHE_DIR;
  return path.join(env.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache'), 'kvlint');
}

let codeHash: string | undefined;

/**
 * Version of the stored unit format (StoredFile): bump it when it changes shape (packs carry their own PACK_FORMAT).
 * This file itself is not hashed, so that engine work around the cache does not throw every stored unit away.
 */
export const STORED_FORMAT = 2;

/**
 * Hash of the code that produces unit results (src/cpp, src/c, src/toolchain, src/core/facts.ts) and of the stored
 * format, wherever it runs from.
 */
export function analysisCodeHash(): string {
  if (codeHash) return codeHash;
  const here = path.dirname(fileURLToPath(import.meta.url));
  const h = createHash('sha1');
  h.update(`format ${STORED_FORMAT}\n`);
  const self = fileURLToPath(import.meta.url);
  const files = [path.join(here, '../core/facts' + path.extname(self))];
  for (const d of ['../cpp', '../c', '../toolchain']) files.push(...sourceFilesUnder(path.join(here, d)));
  for (const f of files) {
    h.update(f.slice(here.length));
    h.update(fs.readFileSync(f));
  }
  codeHash = h.digest('hex').slice(0, 16);
  return codeHash;
}
