import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { KernelTree } from '../tree/tree.js';
import { normalizeRel } from '../tree/tree.js';
import { lex, type Lexed, type LexMode } from './lexer.js';
import { MemoStore } from './memo.js';

/**
 * A file the preprocessor can read: in the tree (tree-relative path) or in an extra root outside it (absolute path,
 * e.g. an objtree with generated headers), or virtual (autoconf.h synthesised from the configuration).
 */
export interface SourceFile {
  /** identity: "t:<rel>" | "a:<abs>" | "v:<name>#<hash>" */
  key: string;
  /** the name used in spans and diagnostics: tree-relative for tree files, absolute otherwise */
  display: string;
  text: string;
  /** content hash (sha1), for caches */
  hash: string;
}

/**
 * Files kbuild would have generated before compiling (src/prepare): served where the tree (or the objtree) lacks
 * them, at their objtree-relative paths, which in an in-tree build are tree-relative paths too. One set per
 * configuration; its `id` is a content hash, so two configurations with the same generated files share every cached
 * resolution and header memo, and ones that differ never mix.
 */
export interface GeneratedSet {
  /** content identity of `files` ('' for an empty set) */
  id: string;
  /** objtree-relative path -> text */
  files: Readonly<Record<string, string>>;
  /**
   * files (or '%' patterns) kbuild generates that kvlint does not synthesise -> why (the rule that makes them):
   * a unit that includes one is analysed without it, under a named gap, and the miss is a warning, not an error
   */
  missing?: Readonly<Record<string, string>>;
}

/** A GeneratedSet as the preprocessor reads it: virtual source files and the directories they make. */
export class GeneratedLayer {
  private readonly sources = new Map<string, SourceFile | null>();
  readonly dirs = new Set<string>();

  constructor(
    readonly set: GeneratedSet,
    /** the objtree's absolute path when there is one: its generated files answer first, this layer after them */
    readonly objtree?: string,
  ) {
    for (const p of Object.keys(set.files)) for (let d = parentOf(p); d !== ''; d = parentOf(d)) this.dirs.add(d);
  }

  /** the objtree-relative form of a directory or file of a search: tree-relative, or absolute under the objtree */
  relOf(isTree: boolean, p: string): string | undefined {
    if (isTree) return p;
    if (this.objtree === undefined) return undefined;
    if (p === this.objtree) return '';
    return p.startsWith(this.objtree + '/') ? p.slice(this.objtree.length + 1) : undefined;
  }

  /** why `rel` is generated but not available (GeneratedSet.missing, exact paths and '%' patterns), or undefined */
  missingReason(rel: string): string | undefined {
    const m = this.set.missing;
    if (!m) return undefined;
    if (Object.hasOwn(m, rel)) return m[rel];
    for (const [pat, why] of Object.entries(m)) {
      const i = pat.indexOf('%');
      if (i >= 0 && rel.length >= pat.length - 1 && rel.startsWith(pat.slice(0, i)) && rel.endsWith(pat.slice(i + 1))) return why;
    }
    return undefined;
  }

  file(cache: CppCache, rel: string): SourceFile | null {
    let f = this.sources.get(rel);
    if (f === undefined) {
      const text = Object.hasOwn(this.set.files, rel) ? this.set.files[rel] : undefined;
      f = text === undefined ? null : cache.virtualFile(rel, text);
      this.sources.set(rel, f);
    }
    return f;
  }
}

function parentOf(p: string): string {
  const i = p.lastIndexOf('/');
  return i < 0 ? '' : p.slice(0, i);
}

/** how a generated file is named in a unit's `includes`: content-addressed, so a cached unit sees it change */
export function generatedIncludeName(display: string, hash: string): string {
  return `//generated/${display}#${hash}`;
}

/** the content hash in a name made by generatedIncludeName, else undefined */
export function generatedIncludeHash(name: string): string | undefined {
  return name.startsWith('//generated/') ? name.slice(name.lastIndexOf('#') + 1) : undefined;
}

export interface SearchDir {
  /** tree-relative (tree === true) or absolute directory */
  dir: string;
  tree: boolean;
  /** how gcc spells the directory (for __FILE__): "<srcprefix>include" or the absolute path */
  gcc: string;
}

/**
 * Per-run cache shared by every unit: file texts and their lexed tokens (each file lexed once per run and mode),
 * existence checks, and include resolutions. Also carries macro definitions parsed from each #define (keyed by file
 * and directive position), so re-running a header's #defines in the next unit costs a table store.
 */
export class CppCache {
  private readonly lexed = new Map<string, Lexed>();
  private readonly files = new Map<string, SourceFile | null>();
  private readonly isDirCache = new Map<string, boolean>();
  readonly resolutions = new Map<string, ResolvedInclude | null>();
  readonly searchIds = new Map<string, number>();
  /** parsed #define results per lexed file: directive token index -> Macro */
  readonly defines = new WeakMap<Lexed, Map<number, unknown>>();
  /** include-guard analysis per lexed file: guard macro identifier id, or 0 */
  readonly guards = new WeakMap<Lexed, number>();
  /** canonical definitions of configuration / command-line / predefined macros, by their #define text */
  readonly canonical = new Map<string, unknown>();
  stats = { lexedFiles: 0, lexedBytes: 0, lexMs: 0 };
  /** the generated layers of this run, by GeneratedSet id (one per configuration that has its own) */
  private readonly layers = new Map<string, GeneratedLayer>();

  constructor(
    readonly tree: KernelTree,
    readonly extraRoots: string[] = [],
    /** header memo (src/cpp/memo.ts) */
    readonly memo: MemoStore = new MemoStore(),
  ) {}

  /** a tree file (rel) or an absolute file under an extra root; null if missing */
  file(ref: { tree: boolean; path: string }): SourceFile | null {
    const key = (ref.tree ? 't:' : 'a:') + ref.path;
    let f = this.files.get(key);
    if (f !== undefined) return f;
    let text: string | undefined;
    if (ref.tree) text = this.tree.tryReadText(ref.path);
    else if (this.underExtraRoot(ref.path)) {
      try {
        const st = fs.statSync(ref.path);
        if (st.isFile()) text = fs.readFileSync(ref.path, 'latin1');
      } catch {
        text = undefined;
      }
    }
    f = text === undefined ? null : { key, display: ref.path, text, hash: '' };
    this.files.set(key, f);
    return f;
  }

  /** the layer of a generated set (one object per set id and run, so that its virtual files keep their identity) */
  layer(set: GeneratedSet): GeneratedLayer {
    let l = this.layers.get(set.id);
    if (!l) {
      const objtree = this.extraRoots[0];
      l = new GeneratedLayer(set, objtree === undefined ? undefined : objtree.replace(/\/+$/, ''));
      this.layers.set(set.id, l);
    }
    return l;
  }

  hashOf(f: SourceFile): string {
    if (f.hash === '') f.hash = createHash('sha1').update(f.text, 'latin1').digest('hex');
    return f.hash;
  }

  virtualFile(name: string, text: string): SourceFile {
    const hash = createHash('sha1').update(text, 'latin1').digest('hex');
    const key = `v:${name}#${hash}`;
    let f = this.files.get(key);
    if (!f) {
      f = { key, display: name, text, hash };
      this.files.set(key, f);
    }
    return f;
  }

  lex(f: SourceFile, mode: LexMode): Lexed {
    const key = mode + '|' + f.key;
    let l = this.lexed.get(key);
    if (!l) {
      const t0 = performance.now();
      l = lex(f.text, f.display, mode);
      this.stats.lexMs += performance.now() - t0;
      this.stats.lexedFiles++;
      this.stats.lexedBytes += f.text.length;
      this.lexed.set(key, l);
    }
    return l;
  }

  isDir(d: SearchDir): boolean {
    const key = (d.tree ? 't:' : 'a:') + d.dir;
    let r = this.isDirCache.get(key);
    if (r === undefined) {
      if (d.tree) r = this.tree.isDir(d.dir);
      else if (!this.underExtraRoot(d.dir)) r = false;
      else {
        try {
          r = fs.statSync(d.dir).isDirectory();
        } catch {
          r = false;
        }
      }
      this.isDirCache.set(key, r);
    }
    return r;
  }

  exists(ref: { tree: boolean; path: string }): boolean {
    return this.file(ref) !== null;
  }

  underExtraRoot(abs: string): boolean {
    for (const r of this.extraRoots) {
      const root = r.endsWith('/') ? r : r + '/';
      if (abs === r || abs.startsWith(root)) return true;
    }
    return false;
  }
}

export interface ResolvedInclude {
  tree: boolean;
  path: string;
  /** index in the search chain where it was found (-1: the includer's directory) */
  dirIdx: number;
  /** gcc's spelling of the path (dir + '/' + name), for __FILE__ */
  gcc: string;
  /** the file is a generated one (src/prepare), served by the layer: not on disk */
  gen?: SourceFile;
}

/** the directory part of a gcc path, as cpplib's dir_name_of_file: up to the last '/', '' if none */
export function gccDirName(p: string): string {
  const i = p.lastIndexOf('/');
  return i < 0 ? '' : p.slice(0, i);
}

function joinGcc(dir: string, name: string): string {
  if (dir === '') return name;
  return dir.endsWith('/') ? dir + name : dir + '/' + name;
}

/**
 * The include search chain of one compile command (gcc: quote chain = -iquote dirs then the bracket chain of -I,
 * -isystem, -idirafter), with nonexistent and duplicate directories removed as gcc does.
 */
export class SearchPath {
  readonly dirs: SearchDir[] = [];
  /** index of the first bracket (-I) directory; quote includes start at 0 */
  readonly bracketStart: number;
  readonly key: string;
  /** a short number standing for `key` (equal chains, equal ids) */
  readonly id: number;

  /** the chain before nonexistent directories are dropped (a generated file kvlint lacks lives in one of those) */
  private readonly allDirs: SearchDir[];
  private readonly allBracketStart: number;

  constructor(cache: CppCache, quote: SearchDir[], bracket: SearchDir[], readonly gen: GeneratedLayer | null = null) {
    this.allDirs = [...quote, ...bracket];
    this.allBracketStart = quote.length;
    const seen = new Set<string>();
    const keep = (d: SearchDir) => {
      const k = (d.tree ? 't:' : 'a:') + d.dir;
      if (seen.has(k) || !(cache.isDir(d) || this.genDir(d))) return;
      seen.add(k);
      this.dirs.push(d);
    };
    for (const d of quote) keep(d);
    this.bracketStart = this.dirs.length;
    for (const d of bracket) keep(d);
    this.key = this.dirs.map((d) => (d.tree ? 't:' : 'a:') + d.dir).join('|') + '#' + this.bracketStart + (gen && gen.set.id !== '' ? '#g' + gen.set.id : '');
    let id = cache.searchIds.get(this.key);
    if (id === undefined) {
      id = cache.searchIds.size + 1;
      cache.searchIds.set(this.key, id);
    }
    this.id = id;
  }

  /**
   * Find `name`: for quoted includes first in `fromDir` (the includer's directory, tree-relative or absolute), then
   * along the chain from `start`.
   */
  resolve(
    cache: CppCache,
    name: string,
    start: number,
    from: { tree: boolean; dir: string; gccDir: string } | null,
  ): ResolvedInclude | null {
    const ck = `${this.id}|${start}|${from ? (from.tree ? 't:' : 'a:') + from.dir + '|' + from.gccDir : '-'}|${name}`;
    const hit = cache.resolutions.get(ck);
    if (hit !== undefined) return hit;
    let r: ResolvedInclude | null = null;
    if (name.startsWith('/')) {
      // absolute include: only inside the tree or an extra root
      const root = cache.tree.root + '/';
      if (name.startsWith(root)) {
        const rel = normalizeRel(name.slice(root.length));
        if (!rel.startsWith('../') && cache.exists({ tree: true, path: rel })) r = { tree: true, path: rel, dirIdx: -1, gcc: name };
      } else if (cache.exists({ tree: false, path: path.normalize(name) })) {
        r = { tree: false, path: path.normalize(name), dirIdx: -1, gcc: name };
      }
    } else {
      if (from) r = this.probe(cache, from.tree, from.dir, name, -1, from.gccDir);
      for (let i = start; !r && i < this.dirs.length; i++) {
        const d = this.dirs[i]!;
        r = this.probe(cache, d.tree, d.dir, name, i, d.gcc);
      }
    }
    cache.resolutions.set(ck, r);
    return r;
  }

  /**
   * After `resolve` found nothing: the reason a build would have had the file (the generated layer knows a rule that
   * makes it there, which kvlint does not synthesise), or undefined when it is simply missing.
   */
  generatedMissing(name: string, angle: boolean, from: { tree: boolean; dir: string } | null): string | undefined {
    if (!this.gen || name.startsWith('/')) return undefined;
    const places: { tree: boolean; dir: string }[] = [];
    if (from) places.push(from);
    for (let i = angle ? this.allBracketStart : 0; i < this.allDirs.length; i++) places.push(this.allDirs[i]!);
    for (const d of places) {
      const rel = this.gen.relOf(d.tree, d.tree ? normalizeRel(d.dir === '' ? name : d.dir + '/' + name) : path.normalize(path.join(d.dir, name)));
      const why = rel === undefined ? undefined : this.gen.missingReason(rel);
      if (why !== undefined) return why;
    }
    return undefined;
  }

  /** a directory only the generated layer has (e.g. arch/arm/include/generated of a pristine tree) */
  private genDir(d: SearchDir): boolean {
    if (!this.gen) return false;
    const rel = this.gen.relOf(d.tree, d.dir);
    return rel !== undefined && this.gen.dirs.has(rel);
  }

  private probe(cache: CppCache, tree: boolean, dir: string, name: string, dirIdx: number, gccDir: string): ResolvedInclude | null {
    if (tree) {
      const rel = normalizeRel(dir === '' ? name : dir + '/' + name);
      if (rel === '..' || rel.startsWith('../')) return null; // would escape the tree
      if (!cache.exists({ tree: true, path: rel })) return this.probeGenerated(cache, true, rel, dirIdx, gccDir, name);
      return { tree: true, path: rel, dirIdx, gcc: joinGcc(gccDir, name) };
    }
    const abs = path.normalize(path.join(dir, name));
    if (!cache.exists({ tree: false, path: abs })) return this.probeGenerated(cache, false, abs, dirIdx, gccDir, name);
    return { tree: false, path: abs, dirIdx, gcc: joinGcc(gccDir, name) };
  }

  /** the file the tree (or objtree) lacks, from the generated layer */
  private probeGenerated(cache: CppCache, tree: boolean, p: string, dirIdx: number, gccDir: string, name: string): ResolvedInclude | null {
    if (!this.gen) return null;
    const rel = this.gen.relOf(tree, p);
    const gen = rel === undefined ? null : this.gen.file(cache, rel);
    return gen ? { tree, path: p, dirIdx, gcc: joinGcc(gccDir, name), gen } : null;
  }
}
