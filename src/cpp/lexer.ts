import type { Span } from '../core/types.js';

/**
 * The C preprocessor's lexer (translation phases 1–3: line splicing, comments, preprocessing tokens), storing tokens
 * columnar in typed arrays (DEPENDENCIES.md: ~5x faster than one object per token). A file is lexed once per run and
 * shared by every unit that includes it.
 *
 * Token kinds match TokKind of src/core/tokens.ts. Identifiers are interned into one process-wide table (`idents`),
 * punctuators carry a numeric code (P_*), so the preprocessor compares numbers, not strings.
 *
 * Modes follow gcc: 'c' is gnu11 (raw strings R"x(...)x", '$' in identifiers); 'asm' is `-x assembler-with-cpp`
 * ('$' is not an identifier character, no raw strings). In both, an unterminated ' or " makes an Other token running
 * to the end of the line, as cpplib does (so `@ don't` in an ARM comment does not swallow the file).
 */

export const K_IDENT = 1;
export const K_NUMBER = 2;
export const K_STRING = 3;
export const K_CHAR = 4;
export const K_PUNCT = 5;
export const K_OTHER = 6;
export const K_NEWLINE = 7;

/** token flags */
export const F_WHITE = 1; // whitespace or a comment precedes the token on its line
export const F_BOL = 2; // first token of a logical line
export const F_DIGRAPH = 4; // spelt as a digraph (<: :> <% %> %: %:%:)

// Punctuator codes (val of K_PUNCT tokens). Keep the numbering dense: tables index by it.
export const P_LBRACKET = 1;
export const P_RBRACKET = 2;
export const P_LPAREN = 3;
export const P_RPAREN = 4;
export const P_LBRACE = 5;
export const P_RBRACE = 6;
export const P_DOT = 7;
export const P_ARROW = 8;
export const P_INC = 9;
export const P_DEC = 10;
export const P_AMP = 11;
export const P_STAR = 12;
export const P_PLUS = 13;
export const P_MINUS = 14;
export const P_TILDE = 15;
export const P_NOT = 16;
export const P_SLASH = 17;
export const P_PERCENT = 18;
export const P_SHL = 19;
export const P_SHR = 20;
export const P_LT = 21;
export const P_GT = 22;
export const P_LE = 23;
export const P_GE = 24;
export const P_EQEQ = 25;
export const P_NE = 26;
export const P_CARET = 27;
export const P_PIPE = 28;
export const P_ANDAND = 29;
export const P_OROR = 30;
export const P_QUESTION = 31;
export const P_COLON = 32;
export const P_SEMI = 33;
export const P_ELLIPSIS = 34;
export const P_ASSIGN = 35;
export const P_MULEQ = 36;
export const P_DIVEQ = 37;
export const P_MODEQ = 38;
export const P_ADDEQ = 39;
export const P_SUBEQ = 40;
export const P_SHLEQ = 41;
export const P_SHREQ = 42;
export const P_ANDEQ = 43;
export const P_XOREQ = 44;
export const P_OREQ = 45;
export const P_COMMA = 46;
export const P_HASH = 47;
export const P_PASTE = 48;

/** canonical spelling of each punctuator code */
export const PUNCT_TEXT: readonly string[] = [
  '', '[', ']', '(', ')', '{', '}', '.', '->', '++', '--', '&', '*', '+', '-', '~', '!', '/', '%', '<<', '>>', '<',
  '>', '<=', '>=', '==', '!=', '^', '|', '&&', '||', '?', ':', ';', '...', '=', '*=', '/=', '%=', '+=', '-=', '<<=',
  '>>=', '&=', '^=', '|=', ',', '#', '##',
];

const PUNCT_BY_TEXT = new Map<string, number>();
PUNCT_TEXT.forEach((t, i) => {
  if (i > 0) PUNCT_BY_TEXT.set(t, i);
});
PUNCT_BY_TEXT.set('<:', P_LBRACKET);
PUNCT_BY_TEXT.set(':>', P_RBRACKET);
PUNCT_BY_TEXT.set('<%', P_LBRACE);
PUNCT_BY_TEXT.set('%>', P_RBRACE);
PUNCT_BY_TEXT.set('%:', P_HASH);
PUNCT_BY_TEXT.set('%:%:', P_PASTE);

/** punctuator code of a spelling, or 0 */
export function punctCode(text: string): number {
  return PUNCT_BY_TEXT.get(text) ?? 0;
}

/**
 * Process-wide identifier interning: id <-> name. Ids are dense small integers (array indices). The lexer looks names
 * up by (text, start, end, hash) without slicing, through an open-addressing table: slicing and hashing a fresh string
 * per identifier cost more than the rest of lexing.
 */
export class IdentTable {
  readonly names: string[] = [''];
  private readonly map = new Map<string, number>();
  private table = new Int32Array(1 << 16);
  private hashes: number[] = [0];

  intern(name: string): number {
    let id = this.map.get(name);
    if (id === undefined) id = this.add(name, hashOf(name, 0, name.length));
    return id;
  }

  /** intern text.slice(a, b) whose hash (hashOf) is h */
  internRange(text: string, a: number, b: number, h: number): number {
    const table = this.table;
    const mask = table.length - 1;
    const len = b - a;
    for (let slot = h & mask; ; slot = (slot + 1) & mask) {
      const id = table[slot]!;
      if (id === 0) break;
      if (this.hashes[id] !== h) continue;
      const name = this.names[id]!;
      if (name.length !== len) continue;
      let k = 0;
      while (k < len && name.charCodeAt(k) === text.charCodeAt(a + k)) k++;
      if (k === len) return id;
    }
    return this.add(text.slice(a, b), h);
  }

  private add(name: string, h: number): number {
    const existing = this.map.get(name);
    if (existing !== undefined) return existing;
    const id = this.names.length;
    this.names.push(name);
    this.hashes.push(h);
    this.map.set(name, id);
    if (id * 2 > this.table.length) this.rehash();
    else this.place(id, h);
    return id;
  }

  private place(id: number, h: number): void {
    const mask = this.table.length - 1;
    let slot = h & mask;
    while (this.table[slot] !== 0) slot = (slot + 1) & mask;
    this.table[slot] = id;
  }

  private rehash(): void {
    this.table = new Int32Array(this.table.length * 2);
    for (let id = 1; id < this.names.length; id++) this.place(id, this.hashes[id]!);
  }

  lookup(name: string): number | undefined {
    return this.map.get(name);
  }

  name(id: number): string {
    return this.names[id]!;
  }

  get size(): number {
    return this.names.length;
  }
}

/** the identifier hash used by IdentTable.internRange (FNV-1a style, 32-bit) */
export function hashOf(text: string, a: number, b: number): number {
  let h = 0x811c9dc5 | 0;
  for (let k = a; k < b; k++) h = Math.imul(h ^ text.charCodeAt(k), 0x01000193);
  return h >>> 0;
}

export const idents = new IdentTable();

export type LexMode = 'c' | 'asm';

export interface LexProblem {
  line: number;
  col: number;
  message: string;
}

let nextFileNo = 1;

/**
 * One lexed file. Offsets (start/end) index `src`, the text after line splicing (and CRLF folding); `line`/`col` are
 * physical positions in the original file, 1-based.
 */
export class Lexed {
  /** process-unique number of this lexed file (stable for the run; used to encode locations) */
  readonly no = nextFileNo++;
  count = 0;
  kind: Uint8Array;
  val: Int32Array;
  start: Int32Array;
  end: Int32Array;
  line: Int32Array;
  col: Int32Array;
  flags: Uint8Array;
  /** physical line count of the original text */
  lines = 0;
  problems: LexProblem[] = [];
  private texts: (string | undefined)[] = [];

  constructor(
    readonly file: string,
    readonly mode: LexMode,
    /** the spliced text the offsets refer to */
    readonly src: string,
    capacity: number,
  ) {
    this.kind = new Uint8Array(capacity);
    this.val = new Int32Array(capacity);
    this.start = new Int32Array(capacity);
    this.end = new Int32Array(capacity);
    this.line = new Int32Array(capacity);
    this.col = new Int32Array(capacity);
    this.flags = new Uint8Array(capacity);
  }

  get length(): number {
    return this.count;
  }

  /** spelling of token i */
  text(i: number): string {
    if (this.texts.length !== this.count) this.texts = new Array<string | undefined>(this.count).fill(undefined);
    let t = this.texts[i];
    if (t === undefined) {
      const k = this.kind[i]!;
      t = k === K_IDENT ? idents.name(this.val[i]!) : this.src.slice(this.start[i]!, this.end[i]!);
      this.texts[i] = t;
    }
    return t;
  }

  spaceBefore(i: number): boolean {
    return (this.flags[i]! & F_WHITE) !== 0;
  }

  atLineStart(i: number): boolean {
    return (this.flags[i]! & F_BOL) !== 0;
  }

  span(i: number): Span {
    const line = this.line[i]!;
    const col = this.col[i]!;
    return { file: this.file, line, col, endLine: line, endCol: col + (this.end[i]! - this.start[i]!) };
  }

  /** grow the arrays (amortised doubling) */
  grow(): void {
    const cap = Math.max(16, this.kind.length * 2);
    const g8 = (a: Uint8Array) => {
      const b = new Uint8Array(cap);
      b.set(a);
      return b;
    };
    const g32 = (a: Int32Array) => {
      const b = new Int32Array(cap);
      b.set(a);
      return b;
    };
    this.kind = g8(this.kind);
    this.flags = g8(this.flags);
    this.val = g32(this.val);
    this.start = g32(this.start);
    this.end = g32(this.end);
    this.line = g32(this.line);
    this.col = g32(this.col);
  }
}

const CC_NL = 10;
const CC_CR = 13;
const CC_BSLASH = 92;

/** Phase 1–2: remove backslash-newline splices (gcc also accepts blanks between the backslash and the newline). */
function splice(text: string): { src: string; lineStarts: number[] } {
  const lineStarts: number[] = [0];
  if (text.indexOf('\r') >= 0) return spliceSlow(text);
  // removed ranges [from, to) of the original text, found by jumping between backslashes
  const cuts: number[] = [];
  const n = text.length;
  for (let i = text.indexOf('\\'); i >= 0; i = text.indexOf('\\', i + 1)) {
    let j = i + 1;
    while (j < n) {
      const d = text.charCodeAt(j);
      if (d === 32 || d === 9 || d === 12 || d === 11) j++;
      else break;
    }
    if (j < n && text.charCodeAt(j) === CC_NL) {
      cuts.push(i, j + 1);
      i = j;
    }
  }
  if (cuts.length === 0) {
    for (let p = text.indexOf('\n'); p >= 0; p = text.indexOf('\n', p + 1)) lineStarts.push(p + 1);
    return { src: text, lineStarts };
  }
  const parts: string[] = [];
  let prev = 0;
  for (let k = 0; k < cuts.length; k += 2) {
    parts.push(text.slice(prev, cuts[k]!));
    prev = cuts[k + 1]!;
  }
  parts.push(text.slice(prev));
  // physical line starts in spliced coordinates: a newline inside a cut starts a line where the cut ends
  let removed = 0;
  let k = 0;
  for (let p = text.indexOf('\n'); p >= 0; p = text.indexOf('\n', p + 1)) {
    while (k < cuts.length && cuts[k + 1]! <= p) {
      removed += cuts[k + 1]! - cuts[k]!;
      k += 2;
    }
    if (k < cuts.length && cuts[k]! <= p) {
      // this newline ends a splice
      removed += cuts[k + 1]! - cuts[k]!;
      lineStarts.push(cuts[k + 1]! - removed);
      k += 2;
    } else lineStarts.push(p + 1 - removed);
  }
  return { src: parts.join(''), lineStarts };
}

/** the same with CR LF line ends (folded to LF) */
function spliceSlow(text: string): { src: string; lineStarts: number[] } {
  const lineStarts: number[] = [0];
  const parts: string[] = [];
  let out = 0; // length of the output so far
  let segStart = 0;
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === CC_NL) {
      lineStarts.push(out + (i - segStart) + 1);
      continue;
    }
    if (c === CC_CR && i + 1 < n && text.charCodeAt(i + 1) === CC_NL) {
      parts.push(text.slice(segStart, i));
      out += i - segStart;
      segStart = i + 1;
      continue;
    }
    if (c !== CC_BSLASH) continue;
    let j = i + 1;
    while (j < n) {
      const d = text.charCodeAt(j);
      if (d === 32 || d === 9 || d === 12 || d === 11) j++;
      else break;
    }
    let nl = -1;
    if (j < n && text.charCodeAt(j) === CC_NL) nl = j + 1;
    else if (j + 1 < n && text.charCodeAt(j) === CC_CR && text.charCodeAt(j + 1) === CC_NL) nl = j + 2;
    if (nl < 0) continue;
    parts.push(text.slice(segStart, i));
    out += i - segStart;
    segStart = nl;
    lineStarts.push(out);
    i = nl - 1;
  }
  parts.push(text.slice(segStart));
  return { src: parts.join(''), lineStarts };
}

// character classes
const ID_START = new Uint8Array(256);
const ID_CHAR = new Uint8Array(256);
for (let c = 0; c < 256; c++) {
  const letter = (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c >= 128;
  ID_START[c] = letter ? 1 : 0;
  ID_CHAR[c] = letter || (c >= 48 && c <= 57) ? 1 : 0;
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/**
 * Lex a whole file. `text` is the file as read (latin1, so bytes map 1:1 to chars). Never throws: malformed input
 * (unterminated comments) is recorded in `problems` and lexing goes on.
 */
export function lex(text: string, file: string, mode: LexMode = 'c'): Lexed {
  const { src: s, lineStarts } = splice(text);
  const n = s.length;
  const out = new Lexed(file, mode, s, (n >> 3) + 16);
  out.lines = lineStarts.length;
  const asm = mode === 'asm';
  const dollar = !asm;
  let li = 0; // index into lineStarts of the line holding the current position
  const nLines = lineStarts.length;
  let bol = true;
  let white = false;
  let i = 0;
  let kind = out.kind;
  let val = out.val;
  let start = out.start;
  let end = out.end;
  let lineA = out.line;
  let colA = out.col;
  let flagsA = out.flags;
  let cnt = 0;

  const emit = (k: number, v: number, a: number, b: number, extraFlags: number) => {
    if (cnt === kind.length) {
      out.count = cnt;
      out.grow();
      kind = out.kind;
      val = out.val;
      start = out.start;
      end = out.end;
      lineA = out.line;
      colA = out.col;
      flagsA = out.flags;
    }
    while (li + 1 < nLines && lineStarts[li + 1]! <= a) li++;
    kind[cnt] = k;
    val[cnt] = v;
    start[cnt] = a;
    end[cnt] = b;
    lineA[cnt] = li + 1;
    colA[cnt] = a - lineStarts[li]! + 1;
    flagsA[cnt] = (white ? F_WHITE : 0) | (bol ? F_BOL : 0) | extraFlags;
    cnt++;
    white = false;
    bol = false;
  };

  const problem = (at: number, message: string) => {
    let l = li;
    while (l + 1 < nLines && lineStarts[l + 1]! <= at) l++;
    out.problems.push({ line: l + 1, col: at - lineStarts[l]! + 1, message });
  };

  /** lex a quoted literal starting at q (the quote); returns the end offset, or -1 if unterminated on its line */
  const quoted = (q: number, term: number): number => {
    let j = q + 1;
    while (j < n) {
      const c = s.charCodeAt(j);
      if (c === term) return j + 1;
      if (c === CC_NL) return -1;
      if (c === CC_BSLASH && j + 1 < n && s.charCodeAt(j + 1) !== CC_NL) j += 2;
      else j++;
    }
    return -1;
  };

  const literal = (tokStart: number, q: number, term: number, k: number) => {
    const e = quoted(q, term);
    if (e >= 0) {
      emit(k, 0, tokStart, e, 0);
      i = e;
    } else {
      // unterminated: an Other token running to the end of the line (cpplib)
      let e2 = s.indexOf('\n', q);
      if (e2 < 0) e2 = n;
      emit(K_OTHER, 0, tokStart, e2, 0);
      i = e2;
    }
  };

  /** raw string R"delim( ... )delim" starting with the quote at q; returns false if malformed */
  const rawString = (tokStart: number, q: number): boolean => {
    const open = s.indexOf('(', q + 1);
    if (open < 0 || open - q - 1 > 16) return false;
    const delim = s.slice(q + 1, open);
    if (/[\s()\\]/.test(delim)) return false;
    const close = s.indexOf(')' + delim + '"', open + 1);
    if (close < 0) return false;
    const e = close + delim.length + 2;
    emit(K_STRING, 0, tokStart, e, 0);
    i = e;
    return true;
  };

  while (i < n) {
    const c = s.charCodeAt(i);
    // whitespace and newlines
    if (c === CC_NL) {
      bol = true;
      white = false;
      i++;
      continue;
    }
    if (c === 32 || c === 9 || c === 12 || c === 11 || c === CC_CR || c === 0) {
      white = true;
      i++;
      continue;
    }
    const c1 = i + 1 < n ? s.charCodeAt(i + 1) : -1;
    // comments
    if (c === 47 /* / */) {
      if (c1 === 42 /* * */) {
        const e = s.indexOf('*/', i + 2);
        if (e < 0) {
          problem(i, 'unterminated comment');
          i = n;
        } else i = e + 2;
        white = true;
        continue;
      }
      if (c1 === 47) {
        const e = s.indexOf('\n', i + 2);
        i = e < 0 ? n : e;
        white = true;
        continue;
      }
    }
    const tokStart = i;
    // identifiers (and literal prefixes)
    if (c < 256 ? ID_START[c] === 1 || (c === 36 && dollar) : true) {
      let j = i + 1;
      let h = Math.imul(0x811c9dc5 ^ c, 0x01000193);
      while (j < n) {
        const d = s.charCodeAt(j);
        if (d < 256 ? ID_CHAR[d] === 1 || (d === 36 && dollar) : true) {
          h = Math.imul(h ^ d, 0x01000193);
          j++;
        } else break;
      }
      if (j < n) {
        const d = s.charCodeAt(j);
        if (d === 34 /* " */ || d === 39 /* ' */) {
          const len = j - i;
          const p0 = c;
          const p1 = len > 1 ? s.charCodeAt(i + 1) : 0;
          // L u U u8 prefixes for strings; L u U for character constants (u8'' is C2x, not gnu11)
          const strPrefix =
            (len === 1 && (p0 === 76 || p0 === 117 || p0 === 85)) || (len === 2 && p0 === 117 && p1 === 56);
          const charPrefix = len === 1 && (p0 === 76 || p0 === 117 || p0 === 85);
          if (d === 34 && strPrefix) {
            literal(tokStart, j, 34, K_STRING);
            continue;
          }
          if (d === 39 && charPrefix) {
            literal(tokStart, j, 39, K_CHAR);
            continue;
          }
          if (d === 34 && !asm) {
            const last = s.charCodeAt(j - 1);
            const pre = s.slice(i, j - 1);
            if (last === 82 /* R */ && (pre === '' || pre === 'L' || pre === 'u' || pre === 'U' || pre === 'u8')) {
              if (rawString(tokStart, j)) continue;
            }
          }
        }
      }
      const id = idents.internRange(s, i, j, h >>> 0);
      emit(K_IDENT, id, i, j, 0);
      i = j;
      continue;
    }
    // pp-numbers
    if (isDigit(c) || (c === 46 && isDigit(c1))) {
      let j = i + 1;
      while (j < n) {
        const d = s.charCodeAt(j);
        if (d < 256 ? ID_CHAR[d] === 1 || d === 46 || (d === 36 && dollar) : true) {
          j++;
        } else if ((d === 43 || d === 45) /* + - */) {
          const p = s.charCodeAt(j - 1) | 0x20;
          if (p === 101 /* e */ || p === 112 /* p */) j++;
          else break;
        } else break;
      }
      emit(K_NUMBER, 0, i, j, 0);
      i = j;
      continue;
    }
    if (c === 34) {
      literal(tokStart, i, 34, K_STRING);
      continue;
    }
    if (c === 39) {
      literal(tokStart, i, 39, K_CHAR);
      continue;
    }
    // punctuators: longest match
    const c2 = i + 2 < n ? s.charCodeAt(i + 2) : -1;
    let p = 0;
    let len = 1;
    let dg = 0;
    switch (c) {
      case 91: p = P_LBRACKET; break;
      case 93: p = P_RBRACKET; break;
      case 40: p = P_LPAREN; break;
      case 41: p = P_RPAREN; break;
      case 123: p = P_LBRACE; break;
      case 125: p = P_RBRACE; break;
      case 126: p = P_TILDE; break;
      case 63: p = P_QUESTION; break;
      case 59: p = P_SEMI; break;
      case 44: p = P_COMMA; break;
      case 46:
        if (c1 === 46 && c2 === 46) { p = P_ELLIPSIS; len = 3; } else p = P_DOT;
        break;
      case 45:
        if (c1 === 62) { p = P_ARROW; len = 2; } else if (c1 === 45) { p = P_DEC; len = 2; } else if (c1 === 61) { p = P_SUBEQ; len = 2; } else p = P_MINUS;
        break;
      case 43:
        if (c1 === 43) { p = P_INC; len = 2; } else if (c1 === 61) { p = P_ADDEQ; len = 2; } else p = P_PLUS;
        break;
      case 38:
        if (c1 === 38) { p = P_ANDAND; len = 2; } else if (c1 === 61) { p = P_ANDEQ; len = 2; } else p = P_AMP;
        break;
      case 42:
        if (c1 === 61) { p = P_MULEQ; len = 2; } else p = P_STAR;
        break;
      case 33:
        if (c1 === 61) { p = P_NE; len = 2; } else p = P_NOT;
        break;
      case 47:
        if (c1 === 61) { p = P_DIVEQ; len = 2; } else p = P_SLASH;
        break;
      case 37:
        if (c1 === 61) { p = P_MODEQ; len = 2; }
        else if (c1 === 62) { p = P_RBRACE; len = 2; dg = F_DIGRAPH; }
        else if (c1 === 58) {
          if (c2 === 37 && i + 3 < n && s.charCodeAt(i + 3) === 58) { p = P_PASTE; len = 4; } else { p = P_HASH; len = 2; }
          dg = F_DIGRAPH;
        } else p = P_PERCENT;
        break;
      case 60:
        if (c1 === 60) { if (c2 === 61) { p = P_SHLEQ; len = 3; } else { p = P_SHL; len = 2; } }
        else if (c1 === 61) { p = P_LE; len = 2; }
        else if (c1 === 58) { p = P_LBRACKET; len = 2; dg = F_DIGRAPH; }
        else if (c1 === 37) { p = P_LBRACE; len = 2; dg = F_DIGRAPH; }
        else p = P_LT;
        break;
      case 62:
        if (c1 === 62) { if (c2 === 61) { p = P_SHREQ; len = 3; } else { p = P_SHR; len = 2; } }
        else if (c1 === 61) { p = P_GE; len = 2; }
        else p = P_GT;
        break;
      case 61:
        if (c1 === 61) { p = P_EQEQ; len = 2; } else p = P_ASSIGN;
        break;
      case 94:
        if (c1 === 61) { p = P_XOREQ; len = 2; } else p = P_CARET;
        break;
      case 124:
        if (c1 === 124) { p = P_OROR; len = 2; } else if (c1 === 61) { p = P_OREQ; len = 2; } else p = P_PIPE;
        break;
      case 58:
        if (c1 === 62) { p = P_RBRACKET; len = 2; dg = F_DIGRAPH; } else p = P_COLON;
        break;
      case 35:
        if (c1 === 35) { p = P_PASTE; len = 2; } else p = P_HASH;
        break;
      default:
        p = 0;
    }
    if (p !== 0) {
      emit(K_PUNCT, p, i, i + len, dg);
      i += len;
      continue;
    }
    // anything else (\, @, `, $ in asm, control characters): a single-character Other token
    emit(K_OTHER, 0, i, i + 1, 0);
    i++;
  }
  out.count = cnt;
  return out;
}

/** Lex a short string (a pasted spelling, a -D value, a _Pragma operand) in the given mode. */
export function lexString(text: string, file: string, mode: LexMode = 'c'): Lexed {
  return lex(text, file, mode);
}
