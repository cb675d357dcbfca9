import type { TokenStream } from '../core/tokens.js';
import type { Span, TraceStep } from '../core/types.js';
import { idents, K_NEWLINE, K_PUNCT, type Lexed, P_HASH } from './lexer.js';
import type { PrinterState, Run } from './memo.js';
import type { ProvTable } from './provenance.js';
import { avoidPaste, K_PAD, publicKind, T_WHITE, Tok } from './tok.js';

export const O_SPACE = 1; // gcc -E prints a space before the token
export const O_LINE = 2; // the token starts a new output line
export const O_SYNTH = 4; // the spelling is not the one at (file, idx): kept in `synth`

const PRAGMA_ID = idents.intern('pragma');

/**
 * Collects the output token stream with gcc -E's spacing decisions (c-ppoutput.cc scan_translation_unit: padding,
 * avoid_paste, line changes), so that renderGccE prints what `gcc -E` prints up to line breaks.
 */
/** scratch for appendRun: run-local file numbers to the builder's (index 0 stays 0: no file) */
let fileMap = new Int32Array(64);

/** the size of the last unit's output: the next builder starts there instead of growing by doubling */
let sizeHint = 1 << 16;

export class OutBuilder {
  /** columnar storage: tokens are not kept as objects (they die young; retaining them made GC dominate) */
  kinds = new Uint8Array(sizeHint);
  vals = new Int32Array(sizeHint);
  /** spelling file: index into fileTable (0 = none) */
  files = new Int32Array(sizeHint);
  idxs = new Int32Array(sizeHint);
  provs = new Int32Array(sizeHint);
  flags = new Uint8Array(sizeHint);
  /** spellings of tokens made by the preprocessor (pastes, #, builtins): position -> text */
  synth = new Map<number, string>();
  fileTable: (Lexed | null)[] = [null];
  private fileIndex = new Map<Lexed, number>();
  private lastLf: Lexed | null = null;
  private lastNo = 0;
  length = 0;
  private source: Tok | null = null;
  private prev: Tok | null = null;
  private avoid = false;
  private line = false;

  constructor(private readonly asm: boolean) {}

  padding(t: Tok): void {
    this.avoid = true;
    if (this.source === null || (!(this.source.flags & T_WHITE) && t.source === null)) this.source = t.source;
  }

  /** cb_line_change: the next token starts a new line */
  lineChange(): void {
    this.line = true;
    this.source = null;
    this.prev = null;
  }

  token(t: Tok, prov: number): void {
    let space = false;
    if (this.avoid) {
      const src = this.source ?? t;
      if (src.flags & T_WHITE || (this.prev !== null && avoidPaste(this.prev, t)) || (this.prev === null && t.kind === K_PUNCT && t.val === P_HASH)) space = true;
    } else if (t.flags & T_WHITE) space = true;
    this.avoid = false;
    this.source = null;
    this.prev = t;
    let f = space ? O_SPACE : 0;
    if (this.line) {
      this.line = false;
      if (this.asm && this.length > 0) this.push(NEWLINE_TOK, 0, O_LINE);
      f |= O_LINE;
    }
    this.push(t, prov, f);
  }

  /** a #pragma line (from #pragma or _Pragma) printed on a line of its own */
  pragma(toks: Tok[], at: Tok, prov: number): void {
    this.directiveLine('pragma', toks, at, prov);
  }

  /** `#<word> tokens…` on a line of its own (#pragma, #ident) */
  directiveLine(word: string, toks: Tok[], at: Tok, prov: number): void {
    if (this.asm && this.length > 0) this.push(NEWLINE_TOK, 0, O_LINE);
    this.push(new Tok(K_PUNCT, P_HASH, '#', 0, at.lf, at.idx, null), prov, O_LINE);
    this.push(new Tok(1, word === 'pragma' ? PRAGMA_ID : idents.intern(word), word, 0, at.lf, at.idx, null), prov, 0);
    let first = true;
    let src: Tok | null = null;
    let avoid = false;
    let prev: Tok | null = null;
    for (const t of toks) {
      if (t.kind === K_PAD) {
        avoid = true;
        if (src === null || (!(src.flags & T_WHITE) && t.source === null)) src = t.source;
        continue;
      }
      let space = first;
      if (!first) {
        if (avoid) {
          const s0 = src ?? t;
          space = (s0.flags & T_WHITE) !== 0 || (prev !== null && avoidPaste(prev, t));
        } else space = (t.flags & T_WHITE) !== 0;
      }
      this.push(t, prov, space ? O_SPACE : 0);
      first = false;
      avoid = false;
      src = null;
      prev = t;
    }
    this.line = true;
    this.source = null;
    this.prev = null;
  }

  fileNo(lf: Lexed | null): number {
    if (lf === null) return 0;
    if (lf === this.lastLf) return this.lastNo;
    let no = this.fileIndex.get(lf);
    if (no === undefined) {
      no = this.fileTable.length;
      this.fileTable.push(lf);
      this.fileIndex.set(lf, no);
    }
    this.lastLf = lf;
    this.lastNo = no;
    return no;
  }

  private push(t: Tok, prov: number, f: number): void {
    const n = this.length;
    if (n === this.provs.length) this.grow();
    this.kinds[n] = t.kind;
    this.vals[n] = t.val;
    const lf = t.lf;
    this.files[n] = this.fileNo(lf);
    this.idxs[n] = t.idx;
    this.provs[n] = prov;
    if (lf === null || t.idx < 0 || lf.text(t.idx) !== t.text) {
      this.synth.set(n, t.text);
      f |= O_SYNTH;
    }
    this.flags[n] = f;
    this.length = n + 1;
  }

  text(i: number): string {
    if (this.flags[i]! & O_SYNTH) return this.synth.get(i)!;
    return this.fileTable[this.files[i]!]!.text(this.idxs[i]!);
  }

  private grow(): void {
    const n = this.provs.length * 2;
    const g32 = (a: Int32Array) => {
      const b = new Int32Array(n);
      b.set(a);
      return b;
    };
    const g8 = (a: Uint8Array) => {
      const b = new Uint8Array(n);
      b.set(a);
      return b;
    };
    this.kinds = g8(this.kinds);
    this.flags = g8(this.flags);
    this.vals = g32(this.vals);
    this.files = g32(this.files);
    this.idxs = g32(this.idxs);
    this.provs = g32(this.provs);
  }

  /** append a memoized run; its provenance ids are entry-local (1..k), placed at `base` */
  appendRun(r: Run, base: number): void {
    const m = r.n;
    // assembler lines end in Newline tokens, which token() puts before a line's first token only when something was
    // output already: a run recorded at the very start of a unit lacks the one it needs after earlier output
    if (this.asm && m > 0 && r.bytes[0] !== K_NEWLINE && r.bytes[m]! & O_LINE && this.length > 0 && this.kinds[this.length - 1] !== K_NEWLINE) {
      this.push(NEWLINE_TOK, 0, O_LINE);
    }
    while (this.length + m > this.provs.length) this.grow();
    const n = this.length;
    const bytes = r.bytes;
    const words = r.words;
    const nf = r.fileTable.length;
    if (fileMap.length < nf) fileMap = new Int32Array(nf * 2);
    const map = fileMap;
    for (let k = 1; k < nf; k++) map[k] = this.fileNo(r.fileTable[k]!);
    const { kinds, flags, vals, idxs, files, provs } = this;
    const off = base - 1;
    // one pass over the packed columns (no subarray views: runs are short and replayed by the hundred thousand)
    for (let i = 0; i < m; i++) {
      const o = n + i;
      kinds[o] = bytes[i]!;
      flags[o] = bytes[m + i]!;
      vals[o] = words[i]!;
      idxs[o] = words[m + i]!;
      files[o] = map[words[2 * m + i]!]!;
      const q = words[3 * m + i]!;
      provs[o] = q === 0 ? 0 : q + off;
    }
    for (let k = 0; k < r.synth.length; k += 2) this.synth.set(n + (r.synth[k] as number), r.synth[k + 1] as string);
    this.length = n + m;
  }

  printerState(): PrinterState {
    return { avoid: this.avoid, source: this.source, prev: this.prev, line: this.line };
  }

  restorePrinter(s: PrinterState): void {
    this.avoid = s.avoid;
    this.source = s.source;
    this.prev = s.prev;
    this.line = s.line;
  }

  finish(): void {
    if (this.asm && this.length > 0) this.push(NEWLINE_TOK, 0, O_LINE);
    sizeHint = Math.min(1 << 24, Math.max(1 << 16, Math.ceil(this.length * 1.1)));
  }
}

const NEWLINE_TOK = new Tok(K_NEWLINE, 0, '\n', 0, null, -1, null);

/** The preprocessed unit: TokenStream over the builder's arrays. */
export class CppTokens implements TokenStream {
  constructor(
    private readonly b: OutBuilder,
    private readonly prov: ProvTable,
    private readonly display: (lf: Lexed) => string,
  ) {}

  get length(): number {
    return this.b.length;
  }

  kind(i: number) {
    return publicKind(this.b.kinds[i]!) as never;
  }

  text(i: number): string {
    return this.b.text(i);
  }

  /** identifier id (interned, src/cpp/lexer.ts idents) of token i, or 0 — a fast path for consumers comparing names */
  identId(i: number): number {
    return this.b.kinds[i] === 1 ? this.b.vals[i]! : 0;
  }

  span(i: number): Span {
    const lf = this.b.fileTable[this.b.files[i]!];
    const idx = this.b.idxs[i]!;
    if (!lf || idx < 0) return { file: '<built-in>', line: 0, col: 0 };
    const line = lf.line[idx]!;
    const col = lf.col[idx]!;
    return { file: this.display(lf), line, col, endLine: line, endCol: col + this.b.text(i).length };
  }

  site(i: number): Span {
    const p = this.b.provs[i]!;
    if (p === 0) return this.span(i);
    const r = this.prov.root(p);
    return this.prov.useSpan(r, this.display) ?? this.span(i);
  }

  spaceBefore(i: number): boolean {
    return (this.b.flags[i]! & 1) !== 0;
  }

  /** the token starts a new line in gcc -E output */
  lineStart(i: number): boolean {
    return (this.b.flags[i]! & 2) !== 0;
  }

  provenance(i: number): number {
    return this.b.provs[i]!;
  }

  trace(i: number): TraceStep[] {
    return this.prov.trace(this.b.provs[i]!, this.display);
  }
}

/** gcc -E -P-like text: one output line per source line that produced tokens, spacing as gcc prints it */
export function renderGccE(tokens: TokenStream): string {
  const parts: string[] = [];
  const ls = (tokens as Partial<CppTokens>).lineStart?.bind(tokens);
  let atStart = true;
  for (let i = 0; i < tokens.length; i++) {
    if (tokens.kind(i) === (K_NEWLINE as number)) {
      if (!atStart) parts.push('\n');
      atStart = true;
      continue;
    }
    if (ls && ls(i) && !atStart) {
      parts.push('\n');
      atStart = true;
    }
    if (!atStart && tokens.spaceBefore(i)) parts.push(' ');
    parts.push(tokens.text(i));
    atStart = false;
  }
  if (!atStart) parts.push('\n');
  return parts.join('');
}

export { K_PAD };
