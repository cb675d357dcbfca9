import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { InputError } from '../core/errors.js';

/**
 * Read-only access to a kernel tree. Every path is relative to the root, '/'-separated, and never escapes it
 * (neither by '..' nor through a symlink). Nothing here writes to the tree.
 *
 * An overlay (path -> content, or null for "deleted") can replace what is on disk: `check --staged` reads the
 * index this way, and unit tests build whole trees in memory with `KernelTree.fromFiles`.
 */
/** How a `remember`ed value is kept on disk (KernelTree.persistMemos); `version` names the code that computes it. */
export interface MemoCodec<T> {
  version: string;
  encode(v: T): unknown;
  decode(j: unknown): T;
}

export class KernelTree {
  /** absolute path of the root; for a tree on disk its real path (a tree opened through a symlink is the same tree) */
  readonly root: string;
  private readonly overlay: Map<string, string | null>;
  private readonly memoryOnly: boolean;
  private readonly textCache = new Map<string, string | null>();
  private readonly hashCache = new Map<string, string>();
  private realRoot: string | undefined;

  /** content hashes known without reading the file (from git's index for a --staged run), by tree-relative path */
  private readonly knownHashes: ReadonlyMap<string, string>;

  constructor(
    root: string,
    opts: { overlay?: Map<string, string | null>; memoryOnly?: boolean; knownHashes?: ReadonlyMap<string, string> } = {},
  ) {
    this.root = path.resolve(root);
    this.overlay = opts.overlay ?? new Map();
    this.memoryOnly = opts.memoryOnly ?? false;
    this.knownHashes = opts.knownHashes ?? new Map();
    if (!this.memoryOnly) {
      let st: fs.Stats;
      try {
        st = fs.statSync(this.root);
      } catch {
        throw new InputError(`kernel tree not found: ${this.root}`);
      }
      if (!st.isDirectory()) throw new InputError(`kernel tree is not a directory: ${this.root}`);
      // one spelling of the root for every stage: kbuild's $(abspath) and realpath-based checks agree with it
      this.root = fs.realpathSync.native(this.root);
    }
  }

  /** A tree that exists only in memory (for tests). Directories are implied by file paths. */
  static fromFiles(files: Record<string, string>, root = '/memory-tree'): KernelTree {
    const overlay = new Map<string, string | null>();
    for (const [p, c] of Object.entries(files)) overlay.set(normalizeRel(p), c);
    return new KernelTree(root, { overlay, memoryOnly: true });
  }

  /** The overlay laid over the files on disk (path -> content, null for removed), e.g. to rebuild the tree in a worker. */
  overlayEntries(): [string, string | null][] {
    return [...this.overlay];
  }

  /** true when the tree exists only in memory (KernelTree.fromFiles) */
  get inMemory(): boolean {
    return this.memoryOnly;
  }

  /**
   * The same tree with some files replaced (content) or removed (null). `knownHashes`: content hashes of files of
   * the new tree, known without reading them (they must be `hash()`'s own format: git blob ids).
   */
  withOverlay(changes: Map<string, string | null>, knownHashes?: ReadonlyMap<string, string>): KernelTree {
    const merged = new Map(this.overlay);
    for (const [p, c] of changes) merged.set(normalizeRel(p), c);
    return new KernelTree(this.root, { overlay: merged, memoryOnly: this.memoryOnly, ...(knownHashes ? { knownHashes } : {}) });
  }

  /**
   * Normalise a tree-relative path, rejecting any that escape the root. `from` is the file that referred to it
   * (for the error message).
   */
  rel(p: string): string {
    const n = normalizeRel(p);
    if (n === '..' || n.startsWith('../') || path.isAbsolute(n)) {
      throw new InputError(`path escapes the tree root: ${p}`);
    }
    return n;
  }

  /** Whether an absolute path (existing or not) lies inside this tree on disk, symlinks resolved. */
  contains(p: string): boolean {
    if (this.memoryOnly) return false;
    // the nearest existing ancestor, resolved, and the part below it that does not exist yet
    let probe = path.resolve(p);
    const below: string[] = [];
    for (;;) {
      try {
        probe = fs.realpathSync.native(probe);
        break;
      } catch {
        const parent = path.dirname(probe);
        if (parent === probe) break;
        below.unshift(path.basename(probe));
        probe = parent;
      }
    }
    const rel = path.relative(this.root, path.join(probe, ...below));
    return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
  }

  /** Absolute path on disk of a tree-relative path (checked to stay inside the root, symlinks included). */
  abs(rel: string): string {
    const r = this.rel(rel);
    const a = path.join(this.root, r);
    if (!this.memoryOnly && this.onDisk(r, a) === false) {
      throw new InputError(`path escapes the tree root through a symlink: ${r}`);
    }
    return a;
  }

  /** whether each directory (tree-relative) that exists lies inside the root once symlinks are resolved */
  private readonly dirInside = new Map<string, boolean>();

  /**
   * What is at tree path `r` (absolute `a`) on disk: its stat (symlinks followed), `undefined` when nothing is there
   * (or a dangling link), `false` when it resolves outside the root. One lstat for a plain file in a known directory
   * (each directory is resolved once): kbuild's cached graph asks thousands of existence questions per run.
   */
  private onDisk(r: string, a: string): fs.Stats | undefined | false {
    const l = lstatQuiet(a);
    if (!l) return undefined;
    if (l.isSymbolicLink()) {
      let real: string;
      try {
        real = fs.realpathSync.native(a);
      } catch {
        return undefined;
      }
      if (!this.isInsideReal(real)) return false;
      try {
        return fs.statSync(a, { throwIfNoEntry: false });
      } catch {
        return undefined;
      }
    }
    const slash = r.lastIndexOf('/');
    if (slash < 0) return l;
    const dir = r.slice(0, slash);
    let inside = this.dirInside.get(dir);
    if (inside === undefined) {
      try {
        inside = this.isInsideReal(fs.realpathSync.native(path.join(this.root, dir)));
      } catch {
        inside = true;
      }
      this.dirInside.set(dir, inside);
    }
    return inside ? l : false;
  }

  private isInsideReal(real: string): boolean {
    this.realRoot ??= fs.realpathSync.native(this.root);
    return real === this.realRoot || real.startsWith(this.realRoot + path.sep);
  }

  exists(rel: string): boolean {
    return this.isFile(rel) || this.isDir(rel);
  }

  isFile(rel: string): boolean {
    const r = safeRel(this, rel);
    if (r === undefined) return false;
    const yes = this.isFileRel(r);
    if (this.probeRecorders.length) this.probed('f:' + r, yes ? '1' : '0');
    return yes;
  }

  private isFileRel(r: string): boolean {
    const o = this.overlay.get(r);
    if (o !== undefined) return o !== null;
    if (this.memoryOnly) return false;
    const st = this.onDisk(r, path.join(this.root, r));
    return st ? st.isFile() : false;
  }

  isDir(rel: string): boolean {
    const r = safeRel(this, rel);
    if (r === undefined) return false;
    const yes = this.isDirRel(r);
    if (this.probeRecorders.length) this.probed('d:' + r, yes ? '1' : '0');
    return yes;
  }

  private isDirRel(r: string): boolean {
    if (r === '') return true;
    const prefix = r + '/';
    for (const [k, v] of this.overlay) if (v !== null && k.startsWith(prefix)) return true;
    if (this.memoryOnly) return false;
    const st = this.onDisk(r, path.join(this.root, r));
    return st ? st.isDirectory() : false;
  }

  /** Entries (names, not paths) of a directory, sorted. */
  listDir(rel: string): string[] {
    const r = this.rel(rel);
    const names = new Set<string>();
    if (!this.memoryOnly) {
      try {
        for (const e of fs.readdirSync(this.abs(r))) names.add(e);
      } catch {
        /* missing dir: overlay may still add entries */
      }
    }
    const prefix = r === '' ? '' : r + '/';
    for (const [k, v] of this.overlay) {
      if (!k.startsWith(prefix)) continue;
      const name = k.slice(prefix.length).split('/')[0]!;
      if (v === null && !k.slice(prefix.length).includes('/')) names.delete(name);
      else if (v !== null) names.add(name);
    }
    const list = [...names].sort();
    if (this.probeRecorders.length) this.probed('l:' + r, list.join('/'));
    return list;
  }

  private readonly recorders: Set<string>[] = [];
  private readonly probeRecorders: Map<string, string>[] = [];

  /**
   * Run `fn` and return, beside its value, every file whose text (or hash) it asked for, existing or not: what a
   * stage's result depends on besides which files exist (a --staged run reuses the base's result when the change
   * touches none of them). `probes` (when asked for): every existence question asked and its answer, as
   * `probeKey` → `probeAnswer` (a cached result stays valid while every answer is the same).
   */
  recordReads<T>(fn: () => T, withProbes = false): { value: T; read: Set<string>; probes: Map<string, string> } {
    const read = new Set<string>();
    const probes = new Map<string, string>();
    this.recorders.push(read);
    if (withProbes) this.probeRecorders.push(probes);
    try {
      return { value: fn(), read, probes };
    } finally {
      this.recorders.splice(this.recorders.indexOf(read), 1);
      if (withProbes) this.probeRecorders.splice(this.probeRecorders.indexOf(probes), 1);
    }
  }

  private memoBase: { tree: KernelTree; changed: ReadonlySet<string> } | undefined;

  /**
   * This tree differs from `base` only in the content of the `changed` files, none added or removed (the change of a
   * --staged/--since run): `remember` takes what `base` remembered when it read none of them.
   */
  inheritMemos(base: KernelTree, changed: ReadonlySet<string>): void {
    this.memoBase = { tree: base, changed };
  }

  private readonly remembered = new Map<string, { value: unknown; read: Set<string>; probes: Map<string, string> }>();

  /**
   * `fn()` computed once per tree object under `key` (a derived table such as the linker script's symbols). Later
   * calls return the same value and count as reading what the first call read, for every recordReads around them:
   * a memo must not hide a dependency.
   */
  remember<T>(key: string, fn: () => T, persist?: MemoCodec<T>): T {
    let m = this.remembered.get(key);
    if (!m && this.memoBase) {
      // the base's value, if it read none of the files this tree changes
      const b = this.memoBase.tree.remembered.get(key);
      if (b && ![...this.memoBase.changed].some((f) => b.read.has(f))) this.remembered.set(key, (m = b));
    }
    if (!m && persist && this.memoDir) {
      m = this.loadMemo(key, persist);
      if (m) this.remembered.set(key, m);
    }
    if (!m) {
      m = this.recordReads(fn, true);
      this.remembered.set(key, m);
      if (persist && this.memoDir) this.storeMemo(key, persist, m as { value: T; read: Set<string>; probes: Map<string, string> });
    } else {
      for (const rec of this.recorders) for (const f of m.read) rec.add(f);
    }
    for (const rec of this.probeRecorders) for (const [k, a] of m.probes) rec.set(k, a);
    return m.value as T;
  }

  private memoDir: string | undefined;

  /**
   * Keep `remember`ed values that have a codec in `dir` (outside the tree): valid in a later run while every file
   * they read has the same content and every existence question the same answer.
   */
  persistMemos(dir: string): void {
    this.memoDir = dir;
  }

  private memoFile(key: string, codec: MemoCodec<unknown>): string {
    return path.join(this.memoDir!, createHash('sha1').update(key + '\0' + codec.version).digest('hex') + '.json');
  }

  private loadMemo<T>(key: string, codec: MemoCodec<T>): { value: unknown; read: Set<string>; probes: Map<string, string> } | undefined {
    let e: { read: [string, string][]; probes: [string, string][]; value: unknown };
    try {
      e = JSON.parse(fs.readFileSync(this.memoFile(key, codec as MemoCodec<unknown>), 'utf8')) as typeof e;
    } catch {
      return undefined;
    }
    // checked without recording: the value counts as reading them (below, by the caller)
    const saved = this.recorders.splice(0);
    const savedProbes = this.probeRecorders.splice(0);
    try {
      for (const [f, h] of e.read) if (this.hash(f) !== h) return undefined;
      for (const [k, a] of e.probes) if (this.probeAnswer(k) !== a) return undefined;
    } finally {
      this.recorders.push(...saved);
      this.probeRecorders.push(...savedProbes);
    }
    return { value: codec.decode(e.value), read: new Set(e.read.map(([f]) => f)), probes: new Map(e.probes) };
  }

  private storeMemo<T>(key: string, codec: MemoCodec<T>, m: { value: T; read: Set<string>; probes: Map<string, string> }): void {
    const saved = this.recorders.splice(0);
    const savedProbes = this.probeRecorders.splice(0);
    try {
      const e = { read: [...m.read].sort().map((f) => [f, this.hash(f)]), probes: [...m.probes].sort(), value: codec.encode(m.value) };
      fs.mkdirSync(this.memoDir!, { recursive: true });
      const file = this.memoFile(key, codec as MemoCodec<unknown>);
      const tmp = `${file}.${process.pid}.tmp`;
      fs.writeFileSync(tmp, JSON.stringify(e));
      fs.renameSync(tmp, file);
    } catch {
      /* only slower next time */
    } finally {
      this.recorders.push(...saved);
      this.probeRecorders.push(...savedProbes);
    }
  }

  private probed(key: string, answer: string): void {
    for (const p of this.probeRecorders) p.set(key, answer);
  }

  /**
   * Stamps of the directories that existence answers depend on, to check them later with one stat per directory
   * instead of one question each (`probesHold`): a file appears, disappears or changes kind only through its
   * directory, which changes its mtime. Not stamped, so always asked again: answers given by a symlink (its target
   * may change alone), directories changed in the last two seconds (an mtime can stay equal across a change made
   * within its granularity: git's "racy" case), and everything of a tree in memory. `askedSince`: when the answers
   * were first asked (ms since the epoch); a directory changed after that, or shortly before, is not stamped.
   */
  stampProbes(probes: ReadonlyMap<string, string>, askedSince: number): ProbeStamps {
    const dirs = new Map<string, string>();
    const racy = new Set<string>();
    const always: string[] = [];
    if (this.memoryOnly) return { dirs: [], always: [...probes.keys()] };
    const recent = BigInt(Math.floor(askedSince) - 2000) * 1000000n;
    for (const k of probes.keys()) {
      const rel = k.slice(2);
      if (k[0] !== 'l' && lstatQuiet(path.join(this.root, rel))?.isSymbolicLink()) {
        always.push(k);
        continue;
      }
      const dir = k[0] === 'l' ? rel : parentRel(rel);
      if (dirs.has(dir)) continue;
      if (!racy.has(dir)) {
        const st = this.dirStamp(dir);
        if (st !== undefined && (st === '-' || BigInt(st.slice(st.indexOf(':') + 1)) < recent)) {
          dirs.set(dir, st);
          continue;
        }
        racy.add(dir);
      }
      always.push(k);
    }
    return { dirs: [...dirs], always };
  }

  /** "ino:mtime in ns" of a directory on disk, '-' when it does not exist, undefined when it cannot be told */
  private dirStamp(dir: string): string | undefined {
    try {
      const st = fs.statSync(path.join(this.root, dir), { bigint: true, throwIfNoEntry: false });
      if (!st) return '-';
      return st.isDirectory() ? `${st.ino}:${st.mtimeNs}` : undefined;
    } catch {
      return '-';
    }
  }

  /**
   * Whether every recorded existence answer still holds: those under a directory whose stamp is unchanged (and that
   * no overlay entry touches) are taken as they are, the others asked again.
   */
  probesHold(probes: Iterable<[string, string]>, stamps: ProbeStamps | undefined): boolean {
    const same = new Set<string>();
    if (stamps && !this.memoryOnly) for (const [d, st] of stamps.dirs) if (this.dirStamp(d) === st) same.add(d);
    const always = new Set(stamps?.always ?? []);
    // an overlay (a staged change, a test's files) answers for its paths and their directories, not the disk
    let overlayDirs: Set<string> | undefined;
    if (this.overlay.size) {
      overlayDirs = new Set();
      for (const k of this.overlay.keys()) for (let d = k; d !== ''; ) overlayDirs.add((d = parentRel(d)));
    }
    for (const [k, a] of probes) {
      const rel = k.slice(2);
      const dir = k[0] === 'l' ? rel : parentRel(rel);
      const trusted = same.has(dir) && !always.has(k) && !this.overlay.has(rel) && !overlayDirs?.has(rel);
      if (!trusted && this.probeAnswer(k) !== a) return false;
    }
    return true;
  }

  /** The answer this tree gives now to a recorded existence question (see recordReads). */
  probeAnswer(key: string): string {
    const rel = key.slice(2);
    switch (key[0]) {
      case 'f':
        return this.isFile(rel) ? '1' : '0';
      case 'd':
        return this.isDir(rel) ? '1' : '0';
      default:
        return this.listDir(rel).join('/');
    }
  }

  /** Text of a file, or undefined if it does not exist. Cached for the life of the tree object. */
  tryReadText(rel: string): string | undefined {
    const r = safeRel(this, rel);
    if (r === undefined) return undefined;
    for (const rec of this.recorders) rec.add(r);
    const cached = this.textCache.get(r);
    if (cached !== undefined) return cached ?? undefined;
    let text: string | null;
    const o = this.overlay.get(r);
    if (o !== undefined) text = o;
    else if (this.memoryOnly) text = null;
    else {
      try {
        text = fs.readFileSync(this.abs(r), 'latin1');
      } catch {
        text = null;
      }
    }
    this.textCache.set(r, text);
    return text ?? undefined;
  }

  /** Text of a file; throws InputError naming the file when it is missing. */
  readText(rel: string): string {
    const t = this.tryReadText(rel);
    if (t === undefined) throw new InputError(`cannot read ${rel}: no such file in the tree`);
    return t;
  }

  /**
   * Content hash of a file, or '-' when missing: its git blob id (sha1 of "blob <size>\0" and the bytes), so that a
   * run inside a git repository can take the hashes of unchanged files from the index instead of reading them.
   */
  hash(rel: string): string {
    const r = this.rel(rel);
    for (const rec of this.recorders) rec.add(r);
    let h = this.hashCache.get(r);
    if (h === undefined) {
      h = this.overlay.has(r) ? undefined : this.knownHashes.get(r);
      if (h === undefined) {
        const t = this.tryReadText(r);
        h = t === undefined ? '-' : blobId(t);
      }
      this.hashCache.set(r, h);
    }
    return h;
  }

  /** Architectures of the tree (directories under arch/ holding a Kconfig). */
  arches(): string[] {
    return this.listDir('arch').filter((a) => this.isFile(`arch/${a}/Kconfig`));
  }
}

/** git's object id of a blob with this content (bytes as latin1 characters) */
export function blobId(text: string): string {
  return createHash('sha1').update(`blob ${text.length}\0`, 'latin1').update(text, 'latin1').digest('hex');
}

function safeRel(tree: KernelTree, rel: string): string | undefined {
  try {
    return tree.rel(rel);
  } catch {
    return undefined;
  }
}

/** lstat, or undefined when nothing readable is there (missing, ENOTDIR for a path through a file, EACCES, …) */
function lstatQuiet(a: string): fs.Stats | undefined {
  try {
    return fs.lstatSync(a, { throwIfNoEntry: false });
  } catch {
    return undefined;
  }
}

/** The directory of a tree-relative path ('' for the root's entries). */
function parentRel(rel: string): string {
  const i = rel.lastIndexOf('/');
  return i < 0 ? '' : rel.slice(0, i);
}

/** See KernelTree.stampProbes. */
export interface ProbeStamps {
  /** directory (tree-relative) and its stamp then */
  dirs: [string, string][];
  /** probe keys that are always asked again */
  always: string[];
}

/** Normalise a relative path: '/' separators, no '.', resolved '..', no leading './' or trailing '/'. */
export function normalizeRel(p: string): string {
  const parts: string[] = [];
  for (const seg of p.replace(/\\/g, '/').split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..' && parts.length > 0 && parts[parts.length - 1] !== '..') parts.pop();
    else parts.push(seg);
  }
  return parts.join('/');
}

/** Directory of the kvlint package (works from src/ under vitest and from dist/src/ when built). */
export function packageRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!fs.existsSync(path.join(dir, 'package.json'))) {
    const up = path.dirname(dir);
    if (up === dir) throw new Error('kvlint package root not found');
    dir = up;
  }
  return dir;
}

/** The bundled fixture tree, the embedded default of every command that can run without a tree. */
export function bundledTreePath(): string {
  return path.join(packageRoot(), 'fixtures', 'trees', 'zsmalloc-arm');
}
