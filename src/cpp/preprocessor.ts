import type { Diagnostic, Span } from '../core/types.js';
import type { KernelTree } from '../tree/tree.js';
import { evaluate, ExprError } from './expr.js';
import { type CppCache, gccDirName, type ResolvedInclude, type SearchPath, type SourceFile } from './include.js';
import {
  F_BOL, idents, K_IDENT, K_NEWLINE, K_NUMBER, K_OTHER, K_PUNCT, K_STRING, lex, type Lexed, type LexMode, P_COMMA,
  P_GT, P_HASH, P_LPAREN, P_LT, P_RPAREN,
} from './lexer.js';
import { BUILTINS, B_BASE_FILE, B_COUNTER, B_DATE, B_FILE, B_FILE_NAME, B_HAS_ATTRIBUTE, B_HAS_BUILTIN,
  B_HAS_C_ATTRIBUTE, B_HAS_CPP_ATTRIBUTE, B_HAS_INCLUDE, B_HAS_INCLUDE_NEXT, B_INCLUDE_LEVEL, B_LINE, B_PRAGMA,
  B_TIME, B_TIMESTAMP, Macro, O_BUILTIN, O_CMDLINE, O_CONFIG, O_PREDEFINED, O_SOURCE, VA_OPT } from './macro.js';
import { handleDirective, pragmaTokens } from './directives.js';
import { OutBuilder } from './output.js';
import { ProvTable } from './provenance.js';
import { DEFINED, type MemoHost, MemoRecorder, type MemoStore, resDep, type SegEffect, WRITE } from './memo.js';
import {
  AVOID_PASTE, EOF_TOK, fromLexed, isPunct, K_ARG, K_EOF, K_PAD, padding, pasteSpelling, T_BOL, T_NO_EXPAND,
  T_PASTE_LEFT, T_STRINGIFY, T_WHITE, Tok,
} from './tok.js';

/** end of a macro argument during its pre-expansion (cpplib's pfile->endarg) — distinct from a lexer EOF */
export const ENDARG = new Tok(K_EOF, 1, '', 0, null, -1, null);

export interface CppLimits {
  /** #include nesting (gcc's default maximum is 200) */
  maxIncludeDepth: number;
  /** output tokens of one unit */
  maxTokens: number;
  /** nested macro calls inside macro arguments (each one pre-expands its arguments recursively) */
  maxArgNesting: number;
  /** nested macro contexts */
  maxContextDepth: number;
}

export const DEFAULT_LIMITS: CppLimits = { maxIncludeDepth: 200, maxTokens: 50_000_000, maxArgNesting: 1000, maxContextDepth: 20_000 };

export interface PpSettings {
  tree: KernelTree;
  cache: CppCache;
  mode: LexMode;
  search: SearchPath;
  /** -std=c* (strict ISO) rather than gnu*: keeps the comma of `, ## __VA_ARGS__` for a lone variadic parameter */
  std: boolean;
  /** gcc's spelling of the tree root, with a trailing '/' (for __FILE__) */
  srcPrefix: string;
  /** -fmacro-prefix-map / -ffile-prefix-map pairs, in command-line order */
  prefixMaps: [string, string][];
  hasAttribute: (name: string) => number;
  hasBuiltin: (name: string) => number;
  unsignedChar: boolean;
  limits: CppLimits;
  /** text served at generated/autoconf.h */
  autoconf: SourceFile | null;
  /** header memo store (shared per run) and the key of everything besides macros that a header's effect depends on */
  memo: MemoStore | null;
  memoKey: string;
}

interface Context {
  toks: Tok[];
  /** provenance per token, or null: every token has `prov` */
  provs: number[] | null;
  prov: number;
  pos: number;
  macro: Macro | null;
  prev: Context | null;
  depth: number;
  /**
   * where its tokens are, as cpplib's virtual locations see it: the expansion node whose map they belong to (body
   * and substituted arguments alike), 0 for tokens at their own place; per token (`locs`) in an argument's
   * pre-expansion, whose tokens keep the locations they were collected with
   */
  loc: number;
  locs: number[] | null;
}

export interface Frame {
  lf: Lexed;
  file: SourceFile;
  pos: number;
  /** tree file (path tree-relative) or extra-root file (absolute) */
  tree: boolean;
  path: string;
  /** gcc's spelling of the path (before -fmacro-prefix-map) */
  gccPath: string;
  /** index of the search directory it was found in; -1 includer's directory; -2 not searched (main, -include) */
  dirIdx: number;
  condBase: number;
  /** #line adjustments */
  lineDelta: number;
  presumedName: string | null;
  returnAtEof: boolean;
  /** the next line at which a segment may start (segment memoization) */
  nextSeg: number;
  /** the start of this file's segment keys, and the #line state it was made for (segKey) */
  segPrefix: string | null;
  segDelta: number;
  segName: string | null;
  /** where this file was included from */
  from: Span | null;
}

export interface Cond {
  wasSkipping: boolean;
  skipElses: boolean;
  sawElse: boolean;
  lf: Lexed;
  idx: number;
  directive: string;
}

interface MacroArg {
  first: Tok[];
  provs: number[];
  /** Context.loc of each token when it was collected */
  locs: number[];
  expanded: Tok[] | null;
  expProvs: number[] | null;
  stringified: Tok | null;
  /** omitted entirely (GNU comma elision applies) */
  omitted: boolean;
}

/** per-ident classification: 1 = watched by the footprint (CONFIG_*), 2 = not */
let watchClass = new Uint8Array(1024);

function isWatchedName(id: number): boolean {
  if (id >= watchClass.length) {
    const n = new Uint8Array(Math.max(id + 1, watchClass.length * 2));
    n.set(watchClass);
    watchClass = n;
  }
  let c = watchClass[id]!;
  if (c === 0) {
    c = idents.name(id).startsWith('CONFIG_') ? 1 : 2;
    watchClass[id] = c;
  }
  return c === 1;
}

/** lines per memoized segment of a file */
const SEG_LINES = 24;
const INCLUDE_IDS = new Set(['include', 'include_next', 'import'].map((n) => idents.intern(n)));

/** builtin macros are the same objects in every unit (memo dependencies compare definitions by identity) */
const BUILTIN_MACROS: [number, Macro][] = BUILTINS.map(([name, kind]) => {
  const id = idents.intern(name);
  return [id, new Macro(id, false, [], false, [], O_BUILTIN, null, -1, kind)];
});

export class Preprocessor implements MemoHost {
  readonly prov = new ProvTable();
  readonly out: OutBuilder;
  readonly diagnostics: Diagnostic[] = [];
  readonly gaps: string[] = [];
  /** every file entered, in first-entry order (keys of SourceFile) */
  readonly includes: string[] = [];
  readonly includeSet = new Set<string>();
  readonly footprint = new Map<string, string | null>();
  /** identifiers whose definition the unit's own sources changed: their later state is not the configuration's */
  private readonly touched = new Set<number>();
  macros: (Macro | undefined)[] = [];
  ctx: Context | null = null;
  readonly frames: Frame[] = [];
  frame!: Frame;
  readonly conds: Cond[] = [];
  inDirective = false;
  /** reading the operands of a pragma gcc -E expands (message, redefine_extname): line-bound, but not a directive */
  inDeferredPragma = false;
  parsingArgs = 0;
  preventExpansion = 0;
  skipping = false;
  ignorePragma = false;
  directiveWantsPadding = false;
  /** provenance of the token getToken returned last */
  curProv = 0;
  /** Context.loc of the token getToken returned last */
  curLoc = 0;
  counter = 0;
  readonly once = new Set<string>();
  readonly pushed = new Map<number, (Macro | undefined)[]>();
  readonly mainFile: Frame | null = null;
  readonly memo: MemoRecorder | null;
  /** the settings part of memo keys (PpSettings.memoKey), numbered by the memo store */
  private readonly memoKeyId: number;

  get autoconfKey(): string {
    return this.s.autoconf ? this.s.autoconf.key : '';
  }
  mainGccPath = '';
  private readonly asm: boolean;

  constructor(readonly s: PpSettings) {
    this.asm = s.mode === 'asm';
    this.out = new OutBuilder(this.asm);
    this.memo = s.memo ? new MemoRecorder(this, s.memo) : null;
    s.memo?.enterConfig(this.autoconfKey);
    this.memoKeyId = s.memo ? s.memo.keyId(s.memoKey) : 0;
    for (const [id, m] of BUILTIN_MACROS) this.setMacro(id, m);
  }

  // ---------------------------------------------------------------- macro table and footprint

  setMacro(id: number, m: Macro | undefined): void {
    if (id >= this.macros.length) this.macros.length = Math.max(id + 1, idents.size);
    this.macros[id] = m;
    if (this.memo !== null && this.memo.recording) this.memo.write(id);
  }

  /** read the macro table (logged for header memoization) */
  readMacro(id: number): Macro | undefined {
    const m = this.macros[id];
    if (this.memo !== null && this.memo.recording) this.memo.read(id, m);
    return m;
  }

  /** is the name defined? (logged for header memoization as a definedness-only dependency) */
  readDefined(id: number): Macro | undefined {
    const m = this.macros[id];
    if (this.memo !== null && this.memo.recording) this.memo.read(id, m === undefined ? undefined : DEFINED);
    return m;
  }

  /** the unit's sources (re)defined or undefined this name: later lookups do not depend on the configuration */
  touch(id: number): void {
    if (!isWatchedName(id)) return;
    this.touched.add(id);
    if (this.memo !== null && this.memo.recording) this.memo.event(id, WRITE);
  }

  /** record that the unit consulted name `id` (its definedness or value) */
  consult(id: number, m: Macro | undefined): void {
    if (m !== undefined) {
      if (m.origin === O_SOURCE || m.origin === O_BUILTIN) return;
      if (this.memo !== null && this.memo.recording) this.memo.event(id, m);
      const name = m.footprintName;
      if (!this.footprint.has(name)) this.footprint.set(name, m.valueText());
      return;
    }
    if (!isWatchedName(id)) return;
    if (this.memo !== null && this.memo.recording) this.memo.event(id, m);
    if (this.touched.has(id)) return;
    const name = idents.name(id);
    if (!this.footprint.has(name)) this.footprint.set(name, null);
  }

  // ---------------------------------------------------------------- diagnostics

  spanOf(lf: Lexed | null, idx: number): Span {
    if (!lf || idx < 0) return { file: this.frame ? this.frame.file.display : '<unknown>', line: 0, col: 0 };
    return { file: lf.file, line: lf.line[idx]!, col: lf.col[idx]! };
  }

  diag(code: string, rule: string, severity: 'error' | 'warning', message: string, at: Span, notes?: string[]): void {
    const d: Diagnostic = {
      code,
      rule,
      severity,
      message,
      primary: at,
      trace: [],
      configs: [],
      fingerprint: `${code}:${at.file}:${message}`,
    };
    if (notes) d.notes = notes;
    if (this.diagnostics.length < 1000) this.diagnostics.push(d);
  }

  // ---------------------------------------------------------------- files

  pushFile(file: SourceFile, r: { tree: boolean; path: string; gcc: string; dirIdx: number }, from: Span | null, returnAtEof: boolean): void {
    const lf = this.s.cache.lex(file, this.s.mode);
    for (const p of lf.problems) {
      if (p.message === 'unterminated comment') this.diag('P008', 'cpp-lexical', 'error', 'unterminated comment', { file: lf.file, line: p.line, col: p.col });
    }
    const f: Frame = {
      lf, file, pos: 0, tree: r.tree, path: r.path, gccPath: r.gcc, dirIdx: r.dirIdx, condBase: this.conds.length,
      lineDelta: 0, presumedName: null, returnAtEof, from, nextSeg: 0, segPrefix: null, segDelta: 0, segName: null,
    };
    this.frames.push(f);
    this.frame = f;
    if (!this.includeSet.has(file.key)) {
      this.includeSet.add(file.key);
      this.includes.push(file.key);
    }
  }

  /** enter an included file — or replay its memoized effect when the macros it depends on are unchanged */
  enterInclude(file: SourceFile, r: { tree: boolean; path: string; gcc: string; dirIdx: number }, from: Span | null, returnAtEof = false): boolean {
    const memo = this.memo;
    if (memo === null || this.parsingArgs !== 0 || this.inDeferredPragma) {
      this.pushFile(file, r, from, returnAtEof);
      return true;
    }
    const key = `${file.key}|${r.gcc}|${r.dirIdx}|${this.memoKeyId}`;
    const e = memo.store.find(key, (x) => memo.valid(x));
    if (e) {
      memo.replay(e);
      return false;
    }
    memo.store.stats.misses++;
    const mark = memo.mark();
    this.pushFile(file, r, from, returnAtEof);
    if (!memo.store.full) memo.begin(key, this.frame, mark);
    return true;
  }

  /**
   * Line boundaries of segment memoization: files are cut into segments of SEG_LINES lines (and at every include
   * directive); a segment whose dependencies are unchanged is replayed, jumping the file position past it. Returns
   * true when it replayed one.
   */
  private segmentPoint(f: Frame, i: number): boolean {
    const memo = this.memo!;
    const lf = f.lf;
    const line = lf.line[i]!;
    const isInclude = lf.kind[i] === K_PUNCT && lf.val[i] === P_HASH && i + 1 < lf.count && lf.kind[i + 1] === K_IDENT && INCLUDE_IDS.has(lf.val[i + 1]!);
    const active = memo.segmentOf(f);
    if (active) {
      if (!isInclude && line < active.segUntil) return false;
      memo.endSegment(f, () => this.segEffect(f));
    } else if (!isInclude && line < f.nextSeg) return false;
    f.nextSeg = (Math.floor(line / SEG_LINES) + 1) * SEG_LINES;
    if (isInclude || this.skipping) return false;
    const key = this.segKey(f, i);
    const e = memo.store.find(key, (x) => memo.valid(x));
    if (e && e.seg) {
      memo.replay(e);
      this.applySeg(f, e.seg);
      return true;
    }
    memo.store.stats.misses++;
    if (!memo.store.full) memo.beginSegment(key, f, f.nextSeg);
    return false;
  }

  /**
   * The memo key of a segment starting at token i of f. Keys are looked up at every segment boundary of every unit, so
   * the parts that stay fixed while the file is read (its spelling, search position, #line state, settings) are
   * numbered once per run (MemoStore.keyId) instead of being spelt out in each key.
   */
  private segKey(f: Frame, i: number): string {
    if (f.segPrefix === null || f.segDelta !== f.lineDelta || f.segName !== f.presumedName) {
      const fixed = `${f.gccPath}|${f.dirIdx}|${f.lineDelta}|${f.presumedName ?? ''}|${this.memoKeyId}`;
      f.segPrefix = `${f.file.key}|${this.memo!.store.keyId(fixed)}`;
      f.segDelta = f.lineDelta;
      f.segName = f.presumedName;
    }
    let c = '';
    for (let k = f.condBase; k < this.conds.length; k++) {
      const x = this.conds[k]!;
      c += `${x.wasSkipping ? 1 : 0}${x.skipElses ? 1 : 0}${x.sawElse ? 1 : 0}${x.idx},`;
    }
    return `${f.segPrefix}|@${i}|${c}`;
  }

  private segEffect(f: Frame): SegEffect {
    return {
      endPos: f.pos,
      conds: this.conds.slice(f.condBase).map((c) => ({ ...c })),
      skipping: this.skipping,
      lineDelta: f.lineDelta,
      presumedName: f.presumedName,
    };
  }

  private applySeg(f: Frame, s: SegEffect): void {
    f.pos = s.endPos;
    this.conds.length = f.condBase;
    for (const c of s.conds) this.conds.push({ ...(c as Cond) });
    this.skipping = s.skipping;
    f.lineDelta = s.lineDelta;
    f.presumedName = s.presumedName;
  }

  /** the current header's effect cannot be replayed (it used __COUNTER__, hit a limit, …) */
  spoilMemo(): void {
    if (this.memo !== null) this.memo.spoil();
  }

  /** leave the current file (end of file). Returns false when it was the last, or returnAtEof was asked. */
  popFile(): boolean {
    const f = this.frame;
    while (this.conds.length > f.condBase) {
      const c = this.conds.pop()!;
      this.diag('P004', 'cpp-unbalanced-conditional', 'error', `unterminated #${c.directive}`, this.spanOf(c.lf, c.idx));
    }
    this.skipping = this.conds.length > 0 ? this.skipping : false;
    this.frames.pop();
    if (this.memo !== null) this.memo.ended(f);
    if (this.frames.length === 0) return false;
    this.frame = this.frames[this.frames.length - 1]!;
    return !f.returnAtEof;
  }

  /** the presumed file name of the current file, as __FILE__ spells it */
  presumedName(remap: boolean): string {
    const f = this.frame;
    const name = f.presumedName ?? f.gccPath;
    return remap ? this.remap(name) : name;
  }

  remap(name: string): string {
    for (const [from, to] of this.s.prefixMaps) {
      if (name.startsWith(from)) return to + name.slice(from.length);
    }
    return name;
  }

  /** the includer directory for quoted includes of the current file */
  currentDir(): { tree: boolean; dir: string; gccDir: string } {
    const f = this.frame;
    const i = f.path.lastIndexOf('/');
    return { tree: f.tree, dir: i < 0 ? '' : f.path.slice(0, i), gccDir: gccDirName(f.gccPath) };
  }

  // ---------------------------------------------------------------- the lexer side (cpplib's _cpp_lex_token)

  lexToken(): Tok {
    for (;;) {
      const f = this.frame;
      const lf = f.lf;
      const i = f.pos;
      if (i >= lf.count) {
        if (this.inDirective || this.inDeferredPragma || this.parsingArgs) return EOF_TOK;
        if (this.memo !== null) this.memo.endSegment(f, () => this.segEffect(f));
        if (!this.popFile()) return EOF_TOK;
        continue;
      }
      const fl = lf.flags[i]!;
      if (this.inDirective || this.inDeferredPragma) {
        if (fl & F_BOL) return EOF_TOK;
        f.pos = i + 1;
        return fromLexed(lf, i);
      }
      if (fl & F_BOL && this.memo !== null && this.parsingArgs === 0 && this.segmentPoint(f, i)) continue;
      if (fl & F_BOL) {
        if (lf.kind[i] === K_PUNCT && lf.val[i] === P_HASH && this.parsingArgs !== 1) {
          f.pos = i + 1;
          if (handleDirective(this, i)) continue;
          // an assembler '#' that is no directive: the '#' is an ordinary token
          f.pos = i;
        }
        if (this.skipping) {
          this.skipToDirective();
          continue;
        }
        if (!this.parsingArgs) this.out.lineChange();
      } else if (this.skipping) {
        this.skipToDirective();
        continue;
      }
      f.pos = i + 1;
      const t = fromLexed(lf, i);
      if (fl & F_BOL && this.parsingArgs === 2) t.flags |= T_WHITE;
      return t;
    }
  }

  /** in a skipped group: jump to the next '#' at the start of a line */
  skipToDirective(): void {
    const f = this.frame;
    const lf = f.lf;
    const n = lf.count;
    const flags = lf.flags;
    const kind = lf.kind;
    const val = lf.val;
    let p = f.pos;
    if (p < n && flags[p]! & F_BOL && kind[p] === K_PUNCT && val[p] === P_HASH) p++;
    while (p < n && !(flags[p]! & F_BOL && kind[p] === K_PUNCT && val[p] === P_HASH)) p++;
    f.pos = p;
  }

  /** rest of the current directive line as raw tokens (no expansion) */
  restOfLine(): Tok[] {
    const r: Tok[] = [];
    for (;;) {
      const t = this.lexToken();
      if (t.kind === K_EOF) return r;
      r.push(t);
    }
  }

  /** move past the end of the current directive line */
  skipRestOfLine(): void {
    while (this.ctx) this.popContext();
    const f = this.frame;
    const lf = f.lf;
    let p = f.pos;
    while (p < lf.count && !(lf.flags[p]! & F_BOL)) p++;
    f.pos = p;
  }

  // ---------------------------------------------------------------- contexts

  pushContext(toks: Tok[], provs: number[] | null, prov: number, macro: Macro | null): void {
    const depth = this.ctx ? this.ctx.depth + 1 : 1;
    if (depth > this.s.limits.maxContextDepth) {
      throw new CppLimit('maxContextDepth', `macro expansion nested more than ${this.s.limits.maxContextDepth} levels deep`);
    }
    this.ctx = { toks, provs, prov, pos: 0, macro, prev: this.ctx, depth, loc: prov, locs: null };
  }

  /** push a context that continues the current macro's expansion (cpplib: _cpp_push_token_context with NULL) */
  pushInherit(toks: Tok[], provs: number[] | null, prov: number): void {
    const c = this.ctx;
    this.pushContext(toks, provs, prov, c ? c.macro : null);
    this.ctx!.loc = c ? c.loc : 0;
  }

  popContext(): void {
    const c = this.ctx!;
    const m = c.macro;
    if (m !== null && (c.prev === null || c.prev.macro !== m)) m.disabled = false;
    this.ctx = c.prev;
  }

  /** step back one token (only ever the last one read) */
  backup(): void {
    if (this.ctx) this.ctx.pos--;
    else this.frame.pos--;
  }

  private inMacroExpansion(): boolean {
    return this.ctx !== null && this.ctx.macro !== null;
  }

  // ---------------------------------------------------------------- cpp_get_token

  getToken(): Tok {
    for (;;) {
      let result: Tok;
      let prov: number;
      const c = this.ctx;
      if (c === null) {
        result = this.lexToken();
        prov = 0;
        this.curLoc = 0;
      } else if (c.pos < c.toks.length) {
        const i = c.pos++;
        result = c.toks[i]!;
        prov = c.provs !== null ? c.provs[i]! : c.prov;
        this.curLoc = c.locs !== null ? c.locs[i]! : c.loc;
        if (result.flags & T_PASTE_LEFT) {
          this.pasteAll(result, prov);
          if (this.inDirective) continue;
          this.curProv = 0;
          return padding(result);
        }
      } else {
        this.popContext();
        if (this.inDirective) continue;
        this.curProv = 0;
        return AVOID_PASTE;
      }
      this.curProv = prov;
      if (result.kind !== K_IDENT || result.flags & T_NO_EXPAND) return result;
      const m = this.macros[result.val];
      if (this.memo !== null && this.memo.recording) this.memo.read(result.val, m);
      if (this.preventExpansion === 0) this.consult(result.val, m);
      if (m === undefined) return result;
      if (!m.disabled) {
        if (this.preventExpansion) return result;
        const ret = this.enterMacroContext(m, result, prov);
        if (ret) {
          if (this.inDirective || ret === 2) continue;
          this.curProv = 0;
          return padding(result);
        }
        this.curProv = prov;
        return result;
      }
      this.curProv = prov;
      return result.copy(result.flags | T_NO_EXPAND);
    }
  }

  /** next token that is not padding */
  getNonPad(): Tok {
    let t = this.getToken();
    while (t.kind === K_PAD) t = this.getToken();
    return t;
  }

  // ---------------------------------------------------------------- macro expansion

  /** returns 0 if not expanded, 1 if a context was pushed, 2 (pragma) */
  private enterMacroContext(m: Macro, name: Tok, nameProv: number): number {
    if (m.builtin) return this.builtinMacro(m, name, nameProv);
    const nameLoc = this.curLoc;
    let node: number;
    if (m.funLike) {
      this.preventExpansion++;
      this.parsingArgs = 1;
      const args = this.funlikeInvocation(m, name);
      this.parsingArgs = 0;
      this.preventExpansion--;
      if (args === null) return 0;
      node = this.prov.expand(m, nameProv, name.lf, name.idx, nameLoc);
      if (m.params.length > 0) this.replaceArgs(m, args, node);
    } else {
      node = this.prov.expand(m, nameProv, name.lf, name.idx, nameLoc);
    }
    m.disabled = true;
    if (m.params.length === 0) this.pushContext(m.body, null, node, m);
    return 1;
  }

  private funlikeInvocation(m: Macro, name: Tok): MacroArg[] | null {
    let token: Tok;
    let pad: Tok | null = null;
    for (;;) {
      token = this.getToken();
      if (token.kind !== K_PAD) break;
      if (pad === null || pad.source === null || (!(pad.source.flags & T_WHITE) && token.source === null)) pad = token;
    }
    if (token.kind === K_PUNCT && token.val === P_LPAREN) {
      this.parsingArgs = 2;
      return this.collectArgs(m, name);
    }
    if (token.kind !== K_EOF || token === ENDARG) {
      this.backup();
      if (pad) this.pushInherit([pad], null, 0);
    }
    return null;
  }

  private collectArgs(m: Macro, name: Tok): MacroArg[] | null {
    const paramc = m.params.length;
    const args: MacroArg[] = [];
    let argc = 0;
    let token: Tok;
    do {
      argc++;
      let depth = 0;
      const toks: Tok[] = [];
      const provs: number[] = [];
      const locs: number[] = [];
      for (;;) {
        token = this.getToken();
        const p = this.curProv;
        const l = this.curLoc;
        if (token.kind === K_PAD) {
          if (toks.length === 0) continue;
        } else if (token.kind === K_PUNCT) {
          const v = token.val;
          if (v === P_LPAREN) depth++;
          else if (v === P_RPAREN) {
            if (depth-- === 0) break;
          } else if (v === P_COMMA) {
            if (depth === 0 && !(m.variadic && argc === paramc)) break;
          } else if (v === P_HASH && token.flags & T_BOL) break;
        } else if (token.kind === K_EOF) break;
        toks.push(token);
        provs.push(p);
        locs.push(l);
      }
      while (toks.length > 0 && toks[toks.length - 1]!.kind === K_PAD) {
        toks.pop();
        provs.pop();
        locs.pop();
      }
      const arg: MacroArg = { first: toks, provs, locs, expanded: null, expProvs: null, stringified: null, omitted: false };
      if (argc <= Math.max(paramc, 1)) args.push(arg);
      else args[args.length - 1] = arg;
    } while (!(token.kind === K_PUNCT && token.val === P_RPAREN) && token.kind !== K_EOF);

    if (token.kind === K_EOF) {
      if (token === ENDARG) this.backup();
      this.diag('P005', 'cpp-macro-call', 'error', `unterminated argument list invoking macro "${m.nameText}"`, this.spanOf(name.lf, name.idx));
      return null;
    }
    if (argc === 1 && paramc === 0 && args[0]!.first.length === 0) argc = 0;
    if (argc !== paramc) {
      if (!(argc + 1 === paramc && m.variadic)) {
        const msg = argc < paramc
          ? `macro "${m.nameText}" requires ${paramc} arguments, but only ${argc} given`
          : `macro "${m.nameText}" passed ${argc} arguments, but takes just ${paramc}`;
        this.diag('P005', 'cpp-macro-call', 'error', msg, this.spanOf(name.lf, name.idx));
        return null;
      }
    }
    if (m.variadic && (argc < paramc || (argc === 1 && args[0]!.first.length === 0 && !this.s.std))) {
      while (args.length < paramc) args.push({ first: [], provs: [], locs: [], expanded: null, expProvs: null, stringified: null, omitted: false });
      args[paramc - 1]!.omitted = true;
    }
    return args;
  }

  private argNesting = 0;

  private expandArg(arg: MacroArg): void {
    if (arg.expanded !== null) return;
    arg.expanded = [];
    arg.expProvs = [];
    if (arg.first.length === 0) return;
    if (++this.argNesting > this.s.limits.maxArgNesting) {
      this.argNesting = 0;
      throw new CppLimit('maxArgNesting', `macro calls nested more than ${this.s.limits.maxArgNesting} deep inside macro arguments`);
    }
    const toks = arg.first.slice();
    toks.push(ENDARG);
    const provs = arg.provs.slice();
    provs.push(0);
    this.pushInherit(toks, provs, 0);
    const locs = arg.locs.slice();
    locs.push(0);
    this.ctx!.locs = locs;
    const saved = this.ignorePragma;
    this.ignorePragma = true;
    for (;;) {
      const t = this.getToken();
      if (t.kind === K_EOF) break;
      arg.expanded.push(t);
      arg.expProvs.push(this.curProv);
    }
    this.popContext();
    this.ignorePragma = saved;
    this.argNesting--;
  }

  private replaceArgs(m: Macro, args: MacroArg[], node: number): void {
    const body = m.body;
    const n = body.length;
    for (let i = 0; i < n; i++) {
      const src = body[i]!;
      if (src.kind !== K_ARG) continue;
      const arg = args[src.val]!;
      if (src.flags & T_STRINGIFY) {
        if (!arg.stringified) arg.stringified = this.stringify(arg.first, src);
      } else if (src.flags & T_PASTE_LEFT || (i > 0 && body[i - 1]!.flags & T_PASTE_LEFT)) {
        // pasted operands are not expanded
      } else this.expandArg(arg);
    }
    const toks: Tok[] = [];
    const provs: number[] = [];
    const vaopt = m.variadic ? new VaOpt(this, m, args[m.params.length - 1]!) : null;
    let vaoptStart = -2; // index in toks of the token before __VA_OPT__'s contents (-1: none)
    const inDir = this.inDirective;
    for (let i = 0; i < n; i++) {
      const src = body[i]!;
      if (vaopt !== null) {
        const st = vaopt.update(src);
        if (st !== VO_INCLUDE) {
          if (st === VO_BEGIN) {
            if (i > 0 && !(body[i - 1]!.flags & T_PASTE_LEFT)) {
              toks.push(m.padAt(i));
              provs.push(0);
            }
            vaoptStart = toks.length - 1;
          } else if (st === VO_END) {
            const start = vaoptStart;
            vaoptStart = -2;
            let last = toks.length - 1;
            if (vaopt.stringify) {
              // #__VA_OPT__(...): paste what needs pasting, then stringify the contents
              const seg = toks.slice(start + 1);
              const segP = provs.slice(start + 1);
              toks.length = start + 1;
              provs.length = start + 1;
              const pasted: Tok[] = [];
              for (let j = 0; j < seg.length; j++) {
                let t = seg[j]!;
                while (t.flags & T_PASTE_LEFT && j + 1 < seg.length) {
                  const r = this.pasteTokens(t, seg[++j]!);
                  if (!r) {
                    j--;
                    t = t.copy(t.flags & ~T_PASTE_LEFT);
                    break;
                  }
                  t = r;
                }
                pasted.push(t);
              }
              void segP;
              let str = this.stringify(pasted, src);
              if (src.flags & T_PASTE_LEFT) str = str.copy(str.flags | T_PASTE_LEFT);
              toks.push(str);
              provs.push(node);
              continue;
            }
            if (start >= 0 && last === start && toks[start]!.flags & T_PASTE_LEFT) {
              toks[start] = toks[start]!.copy(toks[start]!.flags & ~T_PASTE_LEFT);
            }
            if (src.flags & T_PASTE_LEFT) {
              while (last >= 0 && last !== start && toks[last] === AVOID_PASTE) {
                toks.pop();
                provs.pop();
                last--;
              }
              if (last >= 0 && toks[last]!.kind !== K_PAD) toks[last] = toks[last]!.copy(toks[last]!.flags | T_PASTE_LEFT);
            } else {
              toks.push(AVOID_PASTE);
              provs.push(0);
            }
          }
          continue;
        }
      }
      if (src.kind !== K_ARG) {
        toks.push(src);
        provs.push(node);
        continue;
      }
      let pasteFlag = -1;
      const arg = args[src.val]!;
      let from: Tok[];
      let fromProvs: number[] | null;
      let count: number;
      let fromStart = 0;
      if (src.flags & T_STRINGIFY) {
        from = [arg.stringified!];
        fromProvs = null;
        count = 1;
      } else if (src.flags & T_PASTE_LEFT) {
        from = arg.first;
        fromProvs = arg.provs;
        count = from.length;
      } else if (i > 0 && body[i - 1]!.flags & T_PASTE_LEFT) {
        from = arg.first;
        fromProvs = arg.provs;
        count = from.length;
        if (toks.length !== 0) {
          const last = toks.length - 1;
          const lt = toks[last]!;
          if (lt.kind === K_PUNCT && lt.val === P_COMMA && m.variadic && src.val === m.params.length - 1) {
            // GNU , ## __VA_ARGS__: swallow the comma when the variable arguments were omitted
            if (arg.omitted) {
              toks.pop();
              provs.pop();
            } else pasteFlag = last;
          } else if (count === 0) pasteFlag = last;
        }
      } else {
        from = arg.expanded!;
        fromProvs = arg.expProvs!;
        count = from.length;
        if (vaoptStart >= 0 && toks.length - 1 === vaoptStart) {
          while (fromStart < count && from[fromStart]!.kind === K_PAD) fromStart++;
        }
      }
      // padding on the left of an argument (unless it is the right operand of ##)
      if ((!inDir || this.directiveWantsPadding) && i > 0 && !(body[i - 1]!.flags & T_PASTE_LEFT) &&
        !(vaoptStart >= 0 && toks.length - 1 === vaoptStart)) {
        toks.push(m.padAt(i));
        provs.push(0);
      }
      if (count - fromStart > 0) {
        for (let j = fromStart; j < count; j++) {
          toks.push(from[j]!);
          provs.push(fromProvs ? fromProvs[j]! : node);
        }
        if (src.flags & T_PASTE_LEFT) pasteFlag = toks.length - 1;
      }
      // avoid paste on the right (even when the argument was empty)
      if (!inDir && !(src.flags & T_PASTE_LEFT)) {
        toks.push(AVOID_PASTE);
        provs.push(0);
      }
      if (pasteFlag >= 0) {
        const t = toks[pasteFlag]!;
        const want = src.flags & T_PASTE_LEFT ? t.flags | T_PASTE_LEFT : t.flags & ~T_PASTE_LEFT;
        if (want !== t.flags) toks[pasteFlag] = t.copy(want);
      }
    }
    this.pushContext(toks, provs, node, m);
  }

  /** the # operator (cpplib stringify_arg) */
  stringify(toks: Tok[], at: Tok): Tok {
    let s = '"';
    let source: Tok | null = null;
    let backslashes = 0;
    for (let i = 0; i < toks.length; i++) {
      const t = toks[i]!;
      if (t.kind === K_PAD) {
        if (source === null || (!(source.flags & T_WHITE) && t.source === null)) source = t.source;
        continue;
      }
      if (s.length > 1) {
        if (source === null) source = t;
        if (source.flags & T_WHITE) s += ' ';
      }
      source = null;
      if (t.kind === K_STRING || t.kind === 4 /* K_CHAR */) s += quoteString(t.text);
      else s += t.text;
      if (t.kind === K_OTHER && t.text.charCodeAt(0) === 92) backslashes++;
      else backslashes = 0;
    }
    if (backslashes & 1) {
      this.diag('P006', 'cpp-syntax', 'warning', "invalid string literal, ignoring final '\\'", this.spanOf(at.lf, at.idx));
      s = s.slice(0, -1);
    }
    s += '"';
    return new Tok(K_STRING, 0, s, 0, at.lf, at.idx, null);
  }

  /** cpplib paste_all_tokens: the left operand came from the current context, the right ones follow it there */
  private pasteAll(lhs: Tok, lhsProv: number): void {
    const c = this.ctx!;
    const node = c.prov;
    let rhs: Tok;
    let cur = lhs;
    let curProv = lhsProv;
    let label = lhs.text;
    do {
      const i = c.pos++;
      rhs = c.toks[i]!;
      const rhsProv = c.provs !== null ? c.provs[i]! : c.prov;
      const r = this.pasteTokens(cur, rhs);
      if (r === null) {
        c.pos--;
        if (!this.asm) {
          this.diag('P006', 'cpp-syntax', 'error', `pasting "${cur.text}" and "${rhs.text}" does not give a valid preprocessing token`, this.spanOf(lhs.lf, lhs.idx));
        }
        cur = cur.copy(cur.flags & ~T_PASTE_LEFT);
        break;
      }
      label += ' ## ' + rhs.text;
      curProv = this.prov.paste(node, curProv, rhsProv, `${label} → ${r.text}`, lhs.lf, lhs.idx);
      cur = r;
    } while (rhs.flags & T_PASTE_LEFT);
    this.pushInherit([cur], null, curProv);
  }

  /** paste two tokens into one, or null if the result is not a single preprocessing token */
  pasteTokens(lhs: Tok, rhs: Tok): Tok | null {
    const flags = lhs.flags & T_WHITE;
    if (rhs.kind === K_PAD) return lhs.copy(flags);
    // fast path: identifier or number continued by identifier characters
    if ((lhs.kind === K_IDENT || lhs.kind === K_NUMBER) && (rhs.kind === K_IDENT || rhs.kind === K_NUMBER)) {
      const text = lhs.text + rhs.text;
      if (lhs.kind === K_IDENT && /^[\w$\x80-\uffff]+$/.test(rhs.text) && !(this.asm && rhs.text.includes('$'))) {
        const id = idents.intern(text);
        return new Tok(K_IDENT, id, text, flags | (rhs.flags & T_PASTE_LEFT), lhs.lf, lhs.idx, null);
      }
      if (lhs.kind === K_NUMBER) {
        return new Tok(K_NUMBER, 0, text, flags | (rhs.flags & T_PASTE_LEFT), lhs.lf, lhs.idx, null);
      }
    }
    const text = pasteSpelling(lhs, rhs);
    const l = lex(text, '<paste>', this.s.mode);
    if (l.count !== 1 || l.start[0] !== 0 || l.end[0] !== text.length) return null;
    return new Tok(l.kind[0]!, l.val[0]!, text, flags | (rhs.flags & T_PASTE_LEFT), lhs.lf, lhs.idx, null);
  }

  // ---------------------------------------------------------------- builtins

  private builtinMacro(m: Macro, name: Tok, nameProv: number): number {
    const b = m.builtin;
    if (b === B_PRAGMA) {
      if (this.inDirective || this.ignorePragma) return 0;
      return this.doPragmaOperator(name);
    }
    let text: string;
    let kind = K_NUMBER;
    switch (b) {
      case B_FILE:
        text = JSON_quote(this.presumedName(!this.inDirective));
        kind = K_STRING;
        break;
      case B_FILE_NAME: {
        const p = this.presumedName(!this.inDirective);
        text = JSON_quote(p.slice(p.lastIndexOf('/') + 1));
        kind = K_STRING;
        break;
      }
      case B_BASE_FILE:
        this.spoilMemo();
        text = JSON_quote(this.inDirective ? this.mainGccPath : this.remap(this.mainGccPath));
        kind = K_STRING;
        break;
      case B_LINE:
        text = String(this.lineOf(name));
        break;
      case B_COUNTER:
        this.memo?.usedCounter();
        text = String(this.counter++);
        break;
      case B_INCLUDE_LEVEL:
        this.spoilMemo();
        text = String(Math.max(0, this.frames.length - 1));
        break;
      case B_DATE:
      case B_TIME:
      case B_TIMESTAMP:
        this.spoilMemo();
        text = dateText(b);
        kind = K_STRING;
        break;
      case B_HAS_INCLUDE:
      case B_HAS_INCLUDE_NEXT:
        text = String(this.hasInclude(name, b === B_HAS_INCLUDE_NEXT));
        break;
      case B_HAS_ATTRIBUTE:
      case B_HAS_CPP_ATTRIBUTE:
      case B_HAS_C_ATTRIBUTE:
      case B_HAS_BUILTIN:
        text = String(this.hasFeature(name, b));
        break;
      default:
        return 0;
    }
    const node = this.prov.expand(m, nameProv, name.lf, name.idx);
    const t = new Tok(kind, 0, text, 0, name.lf, name.idx, null);
    this.pushContext([t], null, node, m);
    return 1;
  }

  /**
   * __LINE__: the line of the token itself when it is at its own place (written literally, or an argument being
   * pre-expanded straight from the file), else of the expansion point its location resolves to — cpplib's
   * LRK_MACRO_EXPANSION_POINT: a token of a macro's expansion (its body, or an argument substituted unexpanded, as
   * through ##) is where that macro was invoked, and so on outwards.
   */
  private lineOf(name: Tok): number {
    let lf = name.lf;
    let idx = name.idx;
    const r = this.prov.expansionPoint(this.curLoc);
    if (r !== 0) {
      lf = this.prov.useLf[r] ?? lf;
      idx = this.prov.useIdx[r] ?? idx;
    }
    const line = lf && idx >= 0 ? lf.line[idx]! : 0;
    const f = this.frame;
    return lf === f.lf ? line + f.lineDelta : line;
  }

  private hasFeature(name: Tok, b: number): number {
    const open = this.getNonPad();
    if (!isPunct(open, P_LPAREN)) {
      this.diag('P006', 'cpp-syntax', 'error', `missing '(' after "${name.text}"`, this.spanOf(name.lf, name.idx));
      if (open.kind !== K_EOF) this.backup();
      return 0;
    }
    this.preventExpansion++;
    let t = this.getNonPad();
    let attr = '';
    while (t.kind !== K_EOF && !isPunct(t, P_RPAREN)) {
      attr += t.text;
      t = this.getNonPad();
    }
    this.preventExpansion--;
    if (b === B_HAS_BUILTIN) return this.s.hasBuiltin(attr);
    // gnu::x and __x__ name the same attribute
    let a = attr.replace(/^(gnu|__gnu__)::/, '');
    if (/^__.*__$/.test(a) && a.length > 4) a = a.slice(2, -2);
    if (b === B_HAS_C_ATTRIBUTE || b === B_HAS_CPP_ATTRIBUTE) {
      // standard attributes only (deprecated, fallthrough, maybe_unused, nodiscard) or gnu:: scoped ones
      if (!attr.includes('::')) {
        const std: Record<string, number> = { deprecated: 201904, fallthrough: 201904, maybe_unused: 201904, nodiscard: 202003 };
        return std[a] ?? 0;
      }
    }
    return this.s.hasAttribute(a);
  }

  /** __has_include(<x>) / ("x"), only inside #if */
  private hasInclude(name: Tok, next: boolean): number {
    if (!this.inDirective) {
      this.diag('P006', 'cpp-syntax', 'error', `"${name.text}" used outside of preprocessing directive`, this.spanOf(name.lf, name.idx));
      return 0;
    }
    const savedPad = this.directiveWantsPadding;
    this.directiveWantsPadding = true;
    let t = this.getNonPad();
    const paren = isPunct(t, P_LPAREN);
    if (paren) t = this.getNonPad();
    else this.diag('P006', 'cpp-syntax', 'error', `missing '(' before "${name.text}" operand`, this.spanOf(name.lf, name.idx));
    const h = this.headerName(t);
    this.directiveWantsPadding = savedPad;
    let found = 0;
    if (h) {
      const r = this.findInclude(h.name, h.angle, next);
      found = r.file ? 1 : 0;
    } else {
      this.diag('P006', 'cpp-syntax', 'error', `operator "${name.text}" requires a header-name`, this.spanOf(name.lf, name.idx));
    }
    if (paren && !isPunct(this.getNonPad(), P_RPAREN)) {
      this.diag('P006', 'cpp-syntax', 'error', `missing ')' after "${name.text}" operand`, this.spanOf(name.lf, name.idx));
    }
    return found;
  }

  /**
   * A header name starting at token t: "x", or <x> — spelt raw from the source line when the '<' was read straight
   * from the file, else glued from the spellings of the tokens up to '>' (cpplib glue_header_name).
   */
  headerName(t: Tok): { name: string; angle: boolean } | null {
    if (t.kind === K_STRING && t.text.startsWith('"')) return { name: t.text.slice(1, -1), angle: false };
    if (!isPunct(t, P_LT)) return null;
    const f = this.frame;
    if (this.ctx === null && t.lf === f.lf && t.idx === f.pos - 1) {
      const lf = f.lf;
      const src = lf.src;
      const a = lf.start[t.idx]! + 1;
      const nl = src.indexOf('\n', a);
      const gt = src.indexOf('>', a);
      if (gt >= 0 && (nl < 0 || gt < nl)) {
        let p = f.pos;
        while (p < lf.count && !(lf.flags[p]! & F_BOL) && lf.start[p]! <= gt) p++;
        f.pos = p;
        return { name: src.slice(a, gt), angle: true };
      }
    }
    let name = '';
    for (;;) {
      const u = this.getNonPad();
      if (isPunct(u, P_GT)) break;
      if (u.kind === K_EOF) {
        this.diag('P006', 'cpp-syntax', 'error', 'missing terminating > character', this.spanOf(t.lf, t.idx));
        break;
      }
      if (u.flags & T_WHITE) name += ' ';
      name += u.text;
    }
    return { name, angle: true };
  }

  /** resolve an include from the current file (gcc search order); `next` for #include_next */
  findInclude(name: string, angle: boolean, next: boolean): { file: SourceFile | null; r: ResolvedInclude | null } {
    if (name === 'generated/autoconf.h' && this.s.autoconf) {
      this.memo?.usedAutoconf(this.s.autoconf.key);
      return { file: this.s.autoconf, r: { tree: true, path: 'include/generated/autoconf.h', dirIdx: this.s.search.bracketStart, gcc: this.s.srcPrefix + 'include/generated/autoconf.h' } };
    }
    const sp = this.s.search;
    let start = angle ? sp.bracketStart : 0;
    let from: { tree: boolean; dir: string; gccDir: string } | null = angle ? null : this.currentDir();
    if (next && this.frames.length > 1) {
      const d = this.frame.dirIdx;
      if (d !== -2) {
        start = d + 1;
        from = null;
      }
    }
    const r = sp.resolve(this.s.cache, name, start, from);
    if (this.memo !== null && this.memo.recording) this.memo.resolution(resDep(name, start, from, resultKey(r), sp.id));
    if (!r) return { file: null, r: null };
    return { file: r.gen ?? this.s.cache.file(r), r };
  }

  get searchId(): number {
    return this.s.search.id;
  }

  resolveKey(name: string, start: number, from: { tree: boolean; dir: string; gccDir: string } | null): string {
    return resultKey(this.s.search.resolve(this.s.cache, name, start, from));
  }

  // ---------------------------------------------------------------- _Pragma and #pragma output

  private doPragmaOperator(name: Tok): number {
    const open = this.getNonPad();
    let str: Tok | null = null;
    if (isPunct(open, P_LPAREN)) {
      const s = this.getNonPad();
      if (s.kind === K_STRING) {
        const close = this.getNonPad();
        if (isPunct(close, P_RPAREN)) str = s;
      }
    }
    if (!str) {
      this.diag('P006', 'cpp-syntax', 'error', '_Pragma takes a parenthesized string literal', this.spanOf(name.lf, name.idx));
      return 0;
    }
    // destringize: drop the prefix and quotes, undo \\ and \"
    let body = str.text.slice(str.text.indexOf('"') + 1, -1);
    body = body.replace(/\\(["\\])/g, '$1');
    const l = lex(body, '<_Pragma>', this.s.mode);
    const toks: Tok[] = [];
    for (let i = 0; i < l.count; i++) toks.push(fromLexed(l, i));
    pragmaTokens(this, toks, name);
    this.pushInherit([padding(name)], null, 0);
    return 1;
  }

  /** print a pragma line (#pragma + tokens) into the output on a line of its own */
  emitPragma(toks: Tok[], at: Tok): void {
    this.out.pragma(toks, at, this.curProv);
  }

  // ---------------------------------------------------------------- directive helpers used by directives.ts

  /** token i of the current file */
  hashTok(i: number): Tok {
    return fromLexed(this.frame.lf, i);
  }

  /** evaluate the #if/#elif expression of the current line */
  evalCondition(at: number): boolean {
    const src = {
      next: () => this.getToken(),
      defined: (): boolean | null => {
        this.preventExpansion++;
        try {
          let t = this.getNonPad();
          const paren = isPunct(t, P_LPAREN);
          if (paren) t = this.getNonPad();
          if (t.kind !== K_IDENT) return null;
          if (paren) {
            const c = this.getNonPad();
            if (!isPunct(c, P_RPAREN)) {
              this.diag('P006', 'cpp-syntax', 'error', 'missing \')\' after "defined"', this.spanOf(c.lf ?? t.lf, c.lf ? c.idx : t.idx));
            }
          }
          const m = this.readDefined(t.val);
          this.consult(t.val, m);
          return m !== undefined;
        } finally {
          this.preventExpansion--;
        }
      },
      unsignedChar: this.s.unsignedChar,
    };
    try {
      return evaluate(src);
    } catch (e) {
      if (e instanceof ExprError) {
        const where = e.tok && e.tok.lf ? this.spanOf(e.tok.lf, e.tok.idx) : this.spanOf(this.frame.lf, at);
        this.diag('P006', 'cpp-syntax', 'error', e.message, where);
        return false;
      }
      throw e;
    }
  }

  /** define from the command line / predefined list: runs `#define`/`#undef` lines through the directive code */
  runDirectiveText(text: string, file: string, origin: number): void {
    const f = this.s.cache.virtualFile(file, text);
    const lf = this.s.cache.lex(f, this.s.mode);
    this.originOverride = origin;
    const frame: Frame = {
      lf, file: f, pos: 0, tree: false, path: file, gccPath: file, dirIdx: -2, condBase: this.conds.length,
      lineDelta: 0, presumedName: null, returnAtEof: true, from: null, nextSeg: Number.MAX_SAFE_INTEGER, segPrefix: null, segDelta: 0,
      segName: null,
    };
    this.frames.push(frame);
    this.frame = frame;
    for (;;) {
      const t = this.getToken();
      if (t.kind === K_EOF) break;
    }
    this.originOverride = -1;
  }

  /** origin given to #defines of the file being read (config for autoconf.h) */
  originOverride = -1;

  originOf(lf: Lexed): number {
    if (this.originOverride >= 0) return this.originOverride;
    if (this.s.autoconf && this.frame.file === this.s.autoconf) return O_CONFIG;
    void lf;
    return O_SOURCE;
  }

  // ---------------------------------------------------------------- the output loop (scan_translation_unit)

  /** preprocess until the end of the current file stack (or the file pushed with returnAtEof) */
  scan(): void {
    const out = this.out;
    const maxTokens = this.s.limits.maxTokens;
    for (;;) {
      const t = this.getToken();
      if (t.kind === K_PAD) {
        out.padding(t);
        continue;
      }
      if (t.kind === K_EOF) break;
      out.token(t, this.curProv);
      if (out.length > maxTokens) throw new CppLimit('maxTokens', `more than ${maxTokens} output tokens`);
    }
  }

  /** clear what an aborted run may leave behind on shared macro objects */
  cleanup(): void {
    for (let c = this.ctx; c; c = c.prev) if (c.macro) c.macro.disabled = false;
    this.ctx = null;
  }

  get unitAsm(): boolean {
    return this.asm;
  }

  static readonly K_NEWLINE = K_NEWLINE;
  static readonly VA_OPT = VA_OPT;
  static readonly origins = { O_SOURCE, O_CONFIG, O_CMDLINE, O_PREDEFINED };
}

export class CppLimit extends Error {
  constructor(readonly limit: string, message: string) {
    super(message);
  }
}

function resultKey(r: ResolvedInclude | null): string {
  return r ? `${r.tree ? 't' : 'a'}:${r.path}|${r.dirIdx}|${r.gcc}${r.gen ? '|' + r.gen.key : ''}` : '-';
}

function quoteString(s: string): string {
  let r = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c === '\\' || c === '"') r += '\\' + c;
    else if (c === '\n') r += '\\n';
    else r += c;
  }
  return r;
}

function JSON_quote(s: string): string {
  return '"' + quoteString(s) + '"';
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

function dateText(b: number): string {
  const epoch = process.env.SOURCE_DATE_EPOCH;
  const d = epoch ? new Date(Number(epoch) * 1000) : new Date();
  const utc = Boolean(epoch);
  const get = (f: 'FullYear' | 'Month' | 'Date' | 'Hours' | 'Minutes' | 'Seconds') =>
    (utc ? d[`getUTC${f}`]() : d[`get${f}`]());
  const p2 = (n: number) => String(n).padStart(2, '0');
  if (b === B_DATE) return `"${MONTHS[get('Month')]} ${String(get('Date')).padStart(2, ' ')} ${get('FullYear')}"`;
  if (b === B_TIME) return `"${p2(get('Hours'))}:${p2(get('Minutes'))}:${p2(get('Seconds'))}"`;
  return '"??? ??? ?? ??:??:?? ????"';
}

// ---------------------------------------------------------------- __VA_OPT__ (cpplib's vaopt_state)

const VO_ERROR = 0;
const VO_DROP = 1;
const VO_INCLUDE = 2;
const VO_BEGIN = 3;
const VO_END = 4;

class VaOpt {
  private state = 0;
  private lastWasPaste = false;
  private upd = VO_ERROR;
  stringify = false;
  constructor(private readonly pp: Preprocessor, private readonly m: Macro, private readonly arg: MacroArg) {}

  update(t: Tok): number {
    if (t.kind === K_IDENT && t.val === VA_OPT) {
      if (this.state > 0) return VO_ERROR;
      this.state = 1;
      this.stringify = (t.flags & T_STRINGIFY) !== 0;
      return VO_BEGIN;
    }
    if (this.state === 1) {
      if (!isPunct(t, P_LPAREN)) return VO_ERROR;
      this.state = 2;
      if (this.upd === VO_ERROR) {
        this.upd = VO_DROP;
        if (this.arg.omitted && this.arg.first.length === 0) this.upd = VO_DROP;
        else {
          (this.pp as unknown as { expandArgPublic(a: MacroArg): void }).expandArgPublic(this.arg);
          for (const x of this.arg.expanded ?? []) {
            if (x.kind !== K_PAD) {
              this.upd = VO_INCLUDE;
              break;
            }
          }
        }
      }
      return VO_DROP;
    }
    if (this.state >= 2) {
      if (this.state === 2) this.state = 3;
      const wasPaste = this.lastWasPaste;
      this.lastWasPaste = (t.flags & T_PASTE_LEFT) !== 0;
      if (isPunct(t, P_LPAREN)) this.state++;
      else if (isPunct(t, P_RPAREN)) {
        this.state--;
        if (this.state === 2) {
          this.state = 0;
          void wasPaste;
          return VO_END;
        }
      }
      return this.upd;
    }
    return VO_INCLUDE;
  }
}

// expose expandArg to VaOpt without widening the class's public surface elsewhere
(Preprocessor.prototype as unknown as { expandArgPublic(a: MacroArg): void }).expandArgPublic = function (this: Preprocessor, a: MacroArg) {
  (this as unknown as { expandArg(a: MacroArg): void }).expandArg(a);
};
