import * as path from 'node:path';
import { InputError } from '../core/errors.js';
import type { CompileCommand } from '../core/graph.js';
import type { Footprint, TokenStream } from '../core/tokens.js';
import type { Diagnostic } from '../core/types.js';
import type { KernelTree } from '../tree/tree.js';
import { normalizeRel } from '../tree/tree.js';
import { CppCache, type GeneratedSet, type SearchDir, SearchPath, type SourceFile, generatedIncludeName } from './include.js';
import type { LexMode } from './lexer.js';
import { O_CMDLINE, O_PREDEFINED } from './macro.js';
import { CppTokens } from './output.js';
import { type CppLimits, CppLimit, DEFAULT_LIMITS, Preprocessor } from './preprocessor.js';
import { profileForPredefined, section } from '../toolchain/predefined.js';

export { CppCache, GeneratedLayer, generatedIncludeHash, type GeneratedSet } from './include.js';
export { renderGccE, CppTokens } from './output.js';
export { lex, idents, Lexed } from './lexer.js';
export type { CppLimits } from './preprocessor.js';

export interface CppOptions {
  cmd: CompileCommand;
  /** text of include/generated/autoconf.h for the configuration; served at <generated/autoconf.h> */
  autoconf: string;
  /** the target compiler's predefined macros (name or name(params) -> replacement text) */
  predefined: Map<string, string>;
  /** absolute directories outside the tree that may be read (an objtree with generated headers) */
  extraRoots?: string[];
  /**
   * the files kbuild generates before compiling (src/prepare), served where the tree and the objtree (the first
   * of extraRoots) lack them
   */
  generated?: GeneratedSet;
  /** per-run cache: file texts, lexed tokens, include resolutions, parsed #defines */
  cache?: CppCache;
  limits?: Partial<CppLimits>;
  /** __has_attribute answers (attribute name without __…__ -> value); missing names answer 0 */
  attributes?: Map<string, number>;
  /** __has_builtin answers; missing names answer 0 (and are named in gaps) */
  builtins?: Map<string, number>;
  /** how the compiler spells the tree root for __FILE__ (default: the tree's absolute root + '/') */
  srcPrefix?: string;
  /** replay headers whose effect is memoized in the cache (default true) */
  memo?: boolean;
}

export interface CppResult {
  tokens: TokenStream & CppTokens;
  /** CONFIG_* (and -D / predefined) names whose definedness or value the unit consulted, with what it saw */
  footprint: Footprint;
  /** files read, in first-entry order (tree-relative, absolute for extra roots) */
  includes: string[];
  diagnostics: Diagnostic[];
  /** named gaps: generated headers that were not available, unanswered __has_attribute, … */
  gaps: string[];
  stats: { ms: number; tokens: number; expansions: number };
}

/** the language mode of a unit: assembler-with-cpp for .S files */
export function modeOf(cmd: CompileCommand, file: string): LexMode {
  return cmd.language === 'assembler-with-cpp' || file.endsWith('.S') ? 'asm' : 'c';
}

/** -iquote dirs, -std, prefix maps from the flags that influence preprocessing */
function parseFlags(flags: string[]): { iquote: string[]; idirafter: string[]; std: boolean; prefixMaps: [string, string][] } {
  const iquote: string[] = [];
  const idirafter: string[] = [];
  let std = false;
  const prefixMaps: [string, string][] = [];
  for (let i = 0; i < flags.length; i++) {
    const f = flags[i]!;
    if (f === '-iquote' || f === '-idirafter') {
      const v = flags[++i];
      if (v !== undefined) (f === '-iquote' ? iquote : idirafter).push(v);
    } else if (f.startsWith('-iquote')) iquote.push(f.slice(7));
    else if (f.startsWith('-idirafter')) idirafter.push(f.slice(10));
    else if (f.startsWith('-std=')) std = !f.slice(5).startsWith('gnu');
    else if (f === '-ansi') std = true;
    else if (f.startsWith('-fmacro-prefix-map=') || f.startsWith('-ffile-prefix-map=')) {
      const v = f.slice(f.indexOf('=') + 1);
      const eq = v.lastIndexOf('=');
      if (eq >= 0) prefixMaps.unshift([v.slice(0, eq), v.slice(eq + 1)]);
    }
  }
  return { iquote, idirafter, std, prefixMaps };
}

/** turn a -I directory into a search directory: tree-relative when inside the tree */
function searchDir(tree: KernelTree, srcPrefix: string, d: string): SearchDir {
  if (path.isAbsolute(d)) {
    const root = tree.root.endsWith('/') ? tree.root : tree.root + '/';
    if (d === tree.root || d.startsWith(root)) {
      const rel = normalizeRel(d.slice(root.length));
      return { dir: rel, tree: true, gcc: d.replace(/\/+$/, '') };
    }
    return { dir: path.normalize(d).replace(/\/+$/, ''), tree: false, gcc: d.replace(/\/+$/, '') };
  }
  const rel = normalizeRel(d);
  return { dir: rel, tree: true, gcc: (srcPrefix + d).replace(/\/+$/, '') };
}

function fileRef(tree: KernelTree, p: string): { tree: boolean; path: string } {
  if (path.isAbsolute(p)) {
    const root = tree.root.endsWith('/') ? tree.root : tree.root + '/';
    if (p.startsWith(root)) return { tree: true, path: normalizeRel(p.slice(root.length)) };
    return { tree: false, path: path.normalize(p) };
  }
  return { tree: true, path: normalizeRel(p) };
}

/**
 * Preprocess one translation unit of the tree as kbuild's compiler would (gcc -E semantics): predefined macros,
 * -D/-U in order, forced -include files, then the unit; headers from the tree (and extraRoots), autoconf.h from the
 * configuration. Never throws for problems in the tree: they are diagnostics; a missing unit is an InputError.
 */
export function preprocess(tree: KernelTree, file: string, opts: CppOptions): CppResult {
  const t0 = performance.now();
  const cache = opts.cache ?? new CppCache(tree, opts.extraRoots ?? []);
  if (opts.extraRoots) for (const r of opts.extraRoots) if (!cache.extraRoots.includes(r)) cache.extraRoots.push(r);
  const cmd = opts.cmd;
  const mode = modeOf(cmd, file);
  const fl = parseFlags(cmd.flags);
  const srcPrefix = opts.srcPrefix ?? (tree.root.endsWith('/') ? tree.root : tree.root + '/');
  const quote = fl.iquote.map((d) => searchDir(tree, srcPrefix, d));
  const bracket = [...cmd.includes, ...cmd.systemIncludes, ...fl.idirafter].map((d) => searchDir(tree, srcPrefix, d));
  const search = new SearchPath(cache, quote, bracket, opts.generated ? cache.layer(opts.generated) : null);
  const autoconf = cache.virtualFile('include/generated/autoconf.h', opts.autoconf);
  // __has_attribute / __has_builtin: given, or the answers of the compiler these predefined macros belong to
  let attrs = opts.attributes;
  let bis = opts.builtins;
  const featureGaps: string[] = [];
  if (!attrs || !bis) {
    const prof = profileForPredefined(opts.predefined);
    const sec = prof ? section(prof) : undefined;
    attrs ??= new Map(Object.entries(sec?.attributes ?? {}));
    bis ??= new Map(Object.entries(sec?.builtins ?? {}));
    if (!sec && opts.predefined.size > 0) featureGaps.push('no toolchain profile matches the predefined macros: __has_attribute/__has_builtin answer 0');
  }
  const attrMap = attrs;
  const builtinMap = bis;
  const asked = new Set<string>();
  const pp: Preprocessor = new Preprocessor({
    tree,
    cache,
    mode,
    search,
    std: fl.std,
    srcPrefix,
    prefixMaps: fl.prefixMaps,
    hasAttribute: (n) => {
      const v = attrMap.get(n);
      if (v === undefined && !asked.has('a:' + n)) {
        asked.add('a:' + n);
        pp.gaps.push(`__has_attribute(${n}) not answered by the toolchain profile: taken as 0`);
      }
      return v ?? 0;
    },
    hasBuiltin: (n) => {
      const v = builtinMap.get(n);
      if (v === undefined && !asked.has('b:' + n)) {
        asked.add('b:' + n);
        pp.gaps.push(`__has_builtin(${n}) not answered by the toolchain profile: taken as 0`);
      }
      return v ?? 0;
    },
    unsignedChar: opts.predefined.has('__CHAR_UNSIGNED__'),
    limits: { ...DEFAULT_LIMITS, ...opts.limits },
    autoconf,
    memo: opts.memo === false ? null : cache.memo,
    memoKey: [mode, JSON.stringify(fl.prefixMaps), fl.std, srcPrefix, opts.predefined.has('__CHAR_UNSIGNED__'), contentKey(attrMap), contentKey(builtinMap), JSON.stringify(opts.limits ?? {})].join('|'),
  });
  pp.gaps.push(...featureGaps);
  const main = fileRef(tree, file);
  // a source the build generates (crypto/rsapubkey.asn1.c) comes from the generated layer
  const mainGen = search.gen?.relOf(main.tree, main.path);
  const mainFile = cache.file(main) ?? (mainGen !== undefined ? search.gen!.file(cache, mainGen) : null);
  if (!mainFile) throw new InputError(`cannot preprocess ${file}: no such file`);
  const mainGcc = main.tree ? srcPrefix + main.path : main.path;
  pp.mainGccPath = mainGcc;
  try {
    // predefined macros, then -D/-U in command-line order
    const pre: string[] = [];
    for (const [k, v] of opts.predefined) pre.push(`#define ${k} ${v}`);
    pp.runDirectiveText(pre.join('\n') + '\n', '<built-in>', O_PREDEFINED);
    if (cmd.defines.length > 0) {
      const lines = cmd.defines.map(([k, v]) => (v === null ? `#undef ${k}` : `#define ${k} ${v}`));
      pp.runDirectiveText(lines.join('\n') + '\n', '<command-line>', O_CMDLINE);
    }
    for (const inc of cmd.forcedIncludes) {
      const ref = fileRef(tree, inc);
      // a forced include may be generated too (init/version.o: -include init/utsversion-tmp.h)
      const genRel = search.gen?.relOf(ref.tree, ref.path);
      const f = cache.file(ref) ?? (genRel !== undefined ? search.gen!.file(cache, genRel) : null);
      if (!f) {
        const made = genRel !== undefined ? search.gen!.missingReason(genRel) : undefined;
        if (made !== undefined) {
          pp.gaps.push(`generated file ${inc} not synthesised (${made}): ${file} is analysed without it (forced -include)`);
          pp.diag('P003', 'cpp-missing-include', 'warning', `${inc}: generated file not available (${made}) (forced -include)`, { file: '<command-line>', line: 0, col: 0 });
        } else pp.diag('P003', 'cpp-missing-include', 'error', `${inc}: No such file or directory (forced -include)`, { file: '<command-line>', line: 0, col: 0 });
        continue;
      }
      // forced includes (kconfig.h, compiler_types.h) are memoized like any header
      if (pp.enterInclude(f, { tree: ref.tree, path: ref.path, gcc: ref.tree ? srcPrefix + ref.path : inc, dirIdx: -2 }, null, true)) pp.scan();
    }
    pp.pushFile(mainFile, { tree: main.tree, path: main.path, gcc: mainGcc, dirIdx: -2 }, null, false);
    pp.scan();
  } catch (e) {
    // a named limit, or the JavaScript stack running out on absurd nesting: a diagnostic, never a crash
    const limit = e instanceof CppLimit ? e : e instanceof RangeError ? new CppLimit('stack', 'nesting too deep for the preprocessor\'s stack') : null;
    pp.cleanup();
    if (!limit) throw e;
    pp.diag('P007', 'cpp-limit', 'error', `${limit.message} (limit: ${limit.limit})`, pp.frame ? pp.spanOf(pp.frame.lf, Math.max(0, pp.frame.pos - 1)) : { file, line: 0, col: 0 });
  }
  pp.out.finish();
  const autoconfKey = autoconf.key;
  // generated files are content-addressed in `includes` (autoconf.h is not: the footprint says what of it was read)
  const display = (k: string) => (k.startsWith('v:') && k !== autoconfKey && !k.startsWith('v:<') ? generatedIncludeName(displayOfKey(k, cache), k.slice(k.lastIndexOf('#') + 1)) : displayOfKey(k, cache));
  const tokens = new CppTokens(pp.out, pp.prov, (lf) => lf.file);
  return {
    tokens,
    footprint: pp.footprint,
    includes: pp.includes.filter((k) => !k.startsWith('v:<')).map(display),
    diagnostics: pp.diagnostics,
    gaps: pp.gaps,
    stats: { ms: performance.now() - t0, tokens: pp.out.length, expansions: pp.prov.size - 1 },
  };
}

const contentKeys = new WeakMap<Map<string, number>, string>();
let nextContentKey = 1;
const byContent = new Map<string, string>();

/** a short key for the content of an answer map (equal contents, equal keys) */
function contentKey(m: Map<string, number>): string {
  let k = contentKeys.get(m);
  if (k === undefined) {
    const text = [...m].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([a, v]) => `${a}=${v}`).join(',');
    k = byContent.get(text);
    if (k === undefined) {
      k = `f${nextContentKey++}`;
      byContent.set(text, k);
    }
    contentKeys.set(m, k);
  }
  return k;
}

function displayOfKey(k: string, _cache: CppCache): string {
  if (k.startsWith('t:') || k.startsWith('a:')) return k.slice(2);
  if (k.startsWith('v:')) return k.slice(2, k.lastIndexOf('#'));
  return k;
}

export type { SourceFile };
