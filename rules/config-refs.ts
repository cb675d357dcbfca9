import type { Span } from '../src/core/types.js';
import type { KernelTree, MemoCodec } from '../src/tree/tree.js';

/**
 * Where CONFIG_ symbols are referenced and defined, read from source text the way a developer reads it (not the way
 * a regex over lines does, which is what makes scripts/checkkconfigsymbols.py noisy): comments, string and
 * character literals are skipped, identifiers glued by `##` are partial names, `CONFIG_FOO_MODULE` refers to FOO,
 * and names the code itself defines (`#define CONFIG_X`, `-DCONFIG_X`, enumerators) are not Kconfig references.
 * Results are cached per tree object and file, so a run scans each file once however many configurations read it.
 */

export interface ConfigRefSite {
  /** the Kconfig symbol without CONFIG_ (for CONFIG_FOO_MODULE: FOO_MODULE; the caller decides) */
  name: string;
  span: Span;
}

export interface FileScan {
  refs: ConfigRefSite[];
  /** CONFIG_ names this file defines itself (#define, -D, enumerators) */
  localDefs: string[];
}

const EMPTY: FileScan = { refs: [], localDefs: [] };

const scans = new WeakMap<KernelTree, Map<string, FileScan>>();

function cacheOf(tree: KernelTree): Map<string, FileScan> {
  let m = scans.get(tree);
  if (!m) scans.set(tree, (m = new Map()));
  return m;
}

function isIdStart(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
}
function isIdChar(c: number): boolean {
  return isIdStart(c) || (c >= 48 && c <= 57);
}

/** Scan a C or assembler source/header. */
export function scanC(tree: KernelTree, file: string): FileScan {
  const cache = cacheOf(tree);
  const hit = cache.get(file);
  if (hit) return hit;
  const text = tree.tryReadText(file);
  const out = text === undefined || !text.includes('CONFIG_') ? EMPTY : scanCText(file, text);
  cache.set(file, out);
  return out;
}

export function scanCText(file: string, text: string): FileScan {
  const refs: ConfigRefSite[] = [];
  const localDefs: string[] = [];
  const n = text.length;
  let line = 1;
  let lineStart = 0;
  /** at the start of a line (only blanks so far): a '#' starts a directive */
  let bol = true;
  /** inside a preprocessor directive: the directive's name */
  let directive: string | undefined;
  let directiveWords = 0;
  // enum { … } nesting: braces opened since `enum`
  let enumPending = false;
  let enumDepth = 0;
  let braceDepth = 0;
  let prevSignificant = ''; // last punctuator/identifier outside comments (for ##)
  let i = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 10) {
      // a newline ends a directive unless escaped
      let j = i - 1;
      if (j >= 0 && text.charCodeAt(j) === 13) j--;
      if (!(j >= 0 && text.charCodeAt(j) === 92)) {
        directive = undefined;
        bol = true;
      }
      line++;
      lineStart = i + 1;
      i++;
      continue;
    }
    if (c === 32 || c === 9 || c === 13 || c === 12 || c === 11 || c === 92) {
      i++;
      continue;
    }
    if (c === 47 && text.charCodeAt(i + 1) === 42) {
      // /* … */
      const end = text.indexOf('*/', i + 2);
      const stop = end < 0 ? n : end + 2;
      for (let k = i; k < stop; k++) if (text.charCodeAt(k) === 10) { line++; lineStart = k + 1; }
      i = stop;
      continue;
    }
    if (c === 47 && text.charCodeAt(i + 1) === 47) {
      // // … (to the end of the line; a trailing backslash continues it, as in C)
      let k = i + 2;
      while (k < n) {
        const d = text.charCodeAt(k);
        if (d === 10) {
          let j = k - 1;
          if (j >= 0 && text.charCodeAt(j) === 13) j--;
          if (j >= 0 && text.charCodeAt(j) === 92) { line++; lineStart = k + 1; k++; continue; }
          break;
        }
        k++;
      }
      i = k;
      continue;
    }
    if (c === 34 || c === 39) {
      // "…" or '…' (never past the end of the line: an apostrophe in an asm comment is prose)
      let k = i + 1;
      while (k < n) {
        const d = text.charCodeAt(k);
        if (d === 92) { if (text.charCodeAt(k + 1) === 10) { line++; lineStart = k + 2; } k += 2; continue; }
        if (d === c || d === 10) break;
        k++;
      }
      i = k < n && text.charCodeAt(k) === c ? k + 1 : k;
      bol = false;
      prevSignificant = '"';
      continue;
    }
    if (c === 35) {
      // '#': a directive at the start of a line, else # or ##
      if (bol) {
        let k = i + 1;
        while (k < n && (text.charCodeAt(k) === 32 || text.charCodeAt(k) === 9)) k++;
        let e = k;
        while (e < n && isIdChar(text.charCodeAt(e))) e++;
        directive = text.slice(k, e);
        directiveWords = 0;
        bol = false;
        i = e;
        if (directive === 'error' || directive === 'warning') {
          // the rest is a message: skip it (with its continuation lines)
          let m = e;
          while (m < n) {
            const d = text.charCodeAt(m);
            if (d === 10) {
              let j = m - 1;
              if (j >= 0 && text.charCodeAt(j) === 13) j--;
              if (j >= 0 && text.charCodeAt(j) === 92) { line++; lineStart = m + 1; m++; continue; }
              break;
            }
            m++;
          }
          i = m;
        }
        prevSignificant = '#';
        continue;
      }
      if (text.charCodeAt(i + 1) === 35) {
        prevSignificant = '##';
        i += 2;
        continue;
      }
      prevSignificant = '#';
      i++;
      continue;
    }
    bol = false;
    if (isIdStart(c)) {
      let e = i + 1;
      while (e < n && isIdChar(text.charCodeAt(e))) e++;
      const id = text.slice(i, e);
      const col = i - lineStart + 1;
      i = e;
      if (directive !== undefined) directiveWords++;
      if (id === 'enum' && directive === undefined) enumPending = true;
      if (id.startsWith('CONFIG_') && id.length > 7) {
        // what follows (skipping blanks): ## glues, = after an enumerator defines
        let k = e;
        while (k < n && (text.charCodeAt(k) === 32 || text.charCodeAt(k) === 9)) k++;
        const glued = prevSignificant === '##' || (text.charCodeAt(k) === 35 && text.charCodeAt(k + 1) === 35);
        const name = id.slice(7);
        if (glued) {
          /* a partial name */
        } else if (directive === 'define' && directiveWords === 1) {
          localDefs.push(name);
        } else if (directive === 'undef') {
          /* #undef CONFIG_X: neither */
        } else if (enumDepth > 0 && directive === undefined) {
          localDefs.push(name);
        } else {
          refs.push({ name, span: { file, line, col } });
        }
      }
      prevSignificant = id;
      continue;
    }
    if (c === 123) {
      braceDepth++;
      if (enumPending) {
        enumPending = false;
        enumDepth = braceDepth;
      }
    } else if (c === 125) {
      if (enumDepth === braceDepth) enumDepth = 0;
      braceDepth = Math.max(0, braceDepth - 1);
    } else if (c === 59) {
      enumPending = false;
    }
    prevSignificant = String.fromCharCode(c);
    i++;
  }
  return { refs, localDefs };
}

/** Scan a Makefile/Kbuild file: `#` comments skipped; `-DCONFIG_X` defines X for the compiler, not a reference. */
export function scanMake(tree: KernelTree, file: string): FileScan {
  const cache = cacheOf(tree);
  const key = `make:${file}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const text = tree.tryReadText(file);
  const out = text === undefined || !text.includes('CONFIG_') ? EMPTY : scanMakeText(file, text);
  cache.set(key, out);
  return out;
}

export function scanMakeText(file: string, text: string): FileScan {
  const refs: ConfigRefSite[] = [];
  const localDefs: string[] = [];
  const lines = text.split('\n');
  const re = /(?:(-D)|\b)CONFIG_([A-Za-z0-9_]+)/g;
  for (let ln = 0; ln < lines.length; ln++) {
    let l = lines[ln]!;
    // a comment starts at an unescaped '#' (recipes are shell, but kbuild makefiles rarely mention CONFIG_ there)
    const hash = l.search(/(^|[^\\])#/);
    if (hash >= 0) l = l.slice(0, hash + (l[hash] === '#' ? 0 : 1));
    if (!l.includes('CONFIG_')) continue;
    // a make variable named CONFIG_… (the top Makefile's CONFIG_SHELL) is defined here, not in Kconfig
    const assign = /^\s*(?:export\s+|override\s+)?CONFIG_([A-Za-z0-9_]+)\s*(?::{1,3}|\?|\+|!)?=/.exec(l);
    if (assign) localDefs.push(assign[1]!);
    for (const m of l.matchAll(re)) {
      const at = m.index + (m[1] ? 2 : 0);
      if (m[1]) localDefs.push(m[2]!);
      else refs.push({ name: m[2]!, span: { file, line: ln + 1, col: at + 1 } });
    }
  }
  return { refs, localDefs };
}

/**
 * Every Kconfig symbol defined anywhere in the tree, for every architecture: the Kconfig files reachable through
 * `source` statements from the top Kconfig with each arch of the tree as $(SRCARCH) (plus arch/*\/Kconfig* files
 * that a given arch reaches only through other variables). Read with a line regex (definitions only), once per
 * tree object (KernelTree.remember: the change of a --staged run takes its base's unless a Kconfig file changed) and
 * kept on disk between runs while no Kconfig file it read changed.
 */
export function kconfigDefinedAnywhere(tree: KernelTree): ReadonlySet<string> {
  return tree.remember('kconfig-defined-anywhere', () => definedAnywhere(tree), DEFINED_CODEC);
}

/** Kept between runs (KernelTree.persistMemos): bump the version whenever definedAnywhere changes what it finds. */
const DEFINED_CODEC: MemoCodec<Set<string>> = {
  version: 'kconfig-defined-anywhere 1',
  encode: (v) => [...v],
  decode: (j) => new Set(j as string[]),
};

function definedAnywhere(tree: KernelTree): Set<string> {
  const defs = new Set<string>();
  const seen = new Set<string>();
  const queue: string[] = [];
  const push = (f: string) => {
    if (!seen.has(f)) {
      seen.add(f);
      queue.push(f);
    }
  };
  const arches = tree.arches();
  const srcRe = /^[ \t]*(o?r?source)[ \t]+"([^"]+)"/gm;
  const defRe = /^[ \t]*(?:menu)?config[ \t]+([A-Za-z0-9_]+)/gm;
  for (const arch of arches) {
    push('Kconfig');
    push(`arch/${arch}/Kconfig`);
  }
  if (arches.length === 0) push('Kconfig');
  while (queue.length) {
    const f = queue.shift()!;
    const text = tree.tryReadText(f);
    if (text === undefined) continue;
    for (const m of text.matchAll(defRe)) defs.add(m[1]!);
    for (const m of text.matchAll(srcRe)) {
      const rel = m[1] === 'rsource' || m[1] === 'orsource';
      const p = m[2]!;
      const dir = f.includes('/') ? f.slice(0, f.lastIndexOf('/')) : '';
      const targets = p.includes('$(SRCARCH)') || p.includes('$(ARCH)') ? arches.map((a) => p.replace(/\$\((?:SRC)?ARCH\)/g, a)) : [p];
      for (let t of targets) {
        // another variable (arch/um's $(HEADER_ARCH)): any directory at that place
        t = t.replace(/\$\([A-Za-z0-9_]+\)/g, '*');
        if (rel && dir) t = `${dir}/${t}`;
        for (const f of expandGlob(tree, t)) push(f);
      }
    }
  }
  return defs;
}

/** `a/*\/b/Kconfig`: every existing file the pattern names (a `*` stands for one whole directory name). */
function expandGlob(tree: KernelTree, t: string): string[] {
  const star = t.indexOf('*');
  if (star < 0) return [t];
  const slash = t.lastIndexOf('/', star);
  const base = slash < 0 ? '' : t.slice(0, slash);
  const next = t.indexOf('/', star);
  const rest = next < 0 ? '' : t.slice(next);
  if (base !== '' && !tree.isDir(base)) return [];
  const out: string[] = [];
  for (const e of tree.listDir(base)) out.push(...expandGlob(tree, `${base ? `${base}/` : ''}${e}${rest}`));
  return out;
}

/** Levenshtein distance with a cap (returns cap+1 when larger), for "did you mean" suggestions. */
export function editDistance(a: string, b: string, cap: number): number {
  if (Math.abs(a.length - b.length) > cap) return cap + 1;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    let best = i;
    for (let j = 1; j <= b.length; j++) {
      const v = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
      cur.push(v);
      if (v < best) best = v;
    }
    if (best > cap) return cap + 1;
    prev = cur;
  }
  return prev[b.length]!;
}
