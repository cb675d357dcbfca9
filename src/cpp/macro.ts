import type { Span } from '../core/types.js';
import { idents, K_IDENT, K_PUNCT, type Lexed, P_COMMA, P_ELLIPSIS, P_HASH, P_LPAREN, P_PASTE, P_RPAREN } from './lexer.js';
import { K_ARG, padding, T_PASTE_LEFT, T_STRINGIFY, T_WHITE, Tok } from './tok.js';

/** where a definition came from: the footprint records config/command-line/predefined ones */
export const O_SOURCE = 0;
export const O_CONFIG = 1; // include/generated/autoconf.h
export const O_CMDLINE = 2; // -D
export const O_PREDEFINED = 3; // the target compiler's predefined macros
export const O_BUILTIN = 4; // __FILE__, __LINE__, _Pragma, __has_include, …

export const B_FILE = 1;
export const B_LINE = 2;
export const B_COUNTER = 3;
export const B_INCLUDE_LEVEL = 4;
export const B_BASE_FILE = 5;
export const B_DATE = 6;
export const B_TIME = 7;
export const B_TIMESTAMP = 8;
export const B_PRAGMA = 9;
export const B_HAS_INCLUDE = 10;
export const B_HAS_INCLUDE_NEXT = 11;
export const B_HAS_ATTRIBUTE = 12;
export const B_HAS_CPP_ATTRIBUTE = 13;
export const B_HAS_BUILTIN = 14;
export const B_HAS_C_ATTRIBUTE = 15;
export const B_FILE_NAME = 16;

export const BUILTINS: [string, number][] = [
  ['__FILE__', B_FILE],
  ['__LINE__', B_LINE],
  ['__COUNTER__', B_COUNTER],
  ['__INCLUDE_LEVEL__', B_INCLUDE_LEVEL],
  ['__BASE_FILE__', B_BASE_FILE],
  ['__FILE_NAME__', B_FILE_NAME],
  ['__DATE__', B_DATE],
  ['__TIME__', B_TIME],
  ['__TIMESTAMP__', B_TIMESTAMP],
  ['_Pragma', B_PRAGMA],
  ['__has_include', B_HAS_INCLUDE],
  ['__has_include_next', B_HAS_INCLUDE_NEXT],
  ['__has_attribute', B_HAS_ATTRIBUTE],
  ['__has_cpp_attribute', B_HAS_CPP_ATTRIBUTE],
  ['__has_c_attribute', B_HAS_C_ATTRIBUTE],
  ['__has_builtin', B_HAS_BUILTIN],
];

let nextMacroId = 1;

/**
 * A macro definition. Immutable once made (shared by every unit of a run that executes the same #define), except
 * `disabled`, cpplib's NODE_DISABLED, which is set while the macro's own expansion is being rescanned.
 */
export class Macro {
  readonly id = nextMacroId++;
  disabled = false;
  constructor(
    readonly name: number,
    readonly funLike: boolean,
    /** parameter names (identifier ids); a C99 `...` is __VA_ARGS__ */
    readonly params: number[],
    readonly variadic: boolean,
    /** replacement list; parameters are K_ARG tokens */
    readonly body: Tok[],
    readonly origin: number,
    /** where the macro name was spelt in its #define (null for builtins) */
    readonly lf: Lexed | null,
    readonly idx: number,
    readonly builtin = 0,
  ) {}

  /** padding tokens sourced at the body's parameters, made on first use */
  private pads: (Tok | undefined)[] | null = null;

  /** the padding token whose source is body token i (tokens are immutable: every expansion shares it) */
  padAt(i: number): Tok {
    const ps = (this.pads ??= new Array<Tok | undefined>(this.body.length));
    return (ps[i] ??= padding(this.body[i]!));
  }

  get nameText(): string {
    return idents.name(this.name);
  }

  defSpan(displayName: (lf: Lexed) => string): Span | undefined {
    if (!this.lf) return undefined;
    return { file: displayName(this.lf), line: this.lf.line[this.idx]!, col: this.lf.col[this.idx]! };
  }

  /** the name as gcc -dM and the command line spell it: NAME, or NAME(params) for function-like macros */
  get footprintName(): string {
    if (!this.funLike) return this.nameText;
    const ps = this.params.map((p, i) =>
      i === this.params.length - 1 && this.variadic ? (idents.name(p) === '__VA_ARGS__' ? '...' : idents.name(p) + '...') : idents.name(p));
    return `${this.nameText}(${ps.join(',')})`;
  }

  /** the replacement text as gcc -dM prints it ("1", "\"str\"", "c ## L"): what the footprint records */
  valueText(): string {
    let s = '';
    for (let i = 0; i < this.body.length; i++) {
      const t = this.body[i]!;
      if (i > 0 && (t.flags & T_WHITE || this.body[i - 1]!.flags & T_PASTE_LEFT)) s += ' ';
      if (t.flags & T_STRINGIFY) s += '#';
      s += t.kind === K_ARG ? idents.name(this.params[t.val]!) : t.text;
      if (t.flags & T_PASTE_LEFT) s += ' ##';
    }
    return s;
  }

  /** `#define` line as gcc -dM would print it (for `kvlint cpp --defines` and tests) */
  toString(): string {
    return `#define ${this.footprintName} ${this.valueText()}`;
  }
}

export interface DefineError {
  message: string;
  /** token index in the lexed file where the problem is */
  at: number;
}

const VA_ARGS = idents.intern('__VA_ARGS__');
export const VA_OPT = idents.intern('__VA_OPT__');

/**
 * Parse the rest of a #define line (create_iso_definition of cpplib): `toks` are the raw tokens after the macro name
 * (from `lf`), `nameIdx` the name token. Returns the macro or an error.
 */
export function parseDefine(
  lf: Lexed,
  nameIdx: number,
  toks: Tok[],
  origin: number,
  asm: boolean,
): Macro | DefineError {
  const name = lf.val[nameIdx]!;
  let k = 0;
  const params: number[] = [];
  let variadic = false;
  let funLike = false;
  const first = toks[0];
  if (first && !(first.flags & T_WHITE) && first.kind === K_PUNCT && first.val === P_LPAREN) {
    funLike = true;
    k = 1;
    let prevIdent = false;
    for (;;) {
      const t = toks[k++];
      if (!t) {
        return { message: prevIdent || params.length === 0 ? "expected ')' before end of line" : 'expected parameter name before end of line', at: nameIdx };
      }
      if (t.kind === K_IDENT) {
        if (prevIdent || variadic) return { message: `expected ',' or ')', found "${t.text}"`, at: t.idx };
        if (t.val === VA_ARGS) return { message: '__VA_ARGS__ can not be used as a parameter name', at: t.idx };
        if (params.includes(t.val)) return { message: `duplicate macro parameter "${t.text}"`, at: t.idx };
        params.push(t.val);
        prevIdent = true;
        continue;
      }
      if (t.kind === K_PUNCT && t.val === P_RPAREN) {
        if (prevIdent || params.length === 0 || variadic) break;
        return { message: "expected parameter name, found \")\"", at: t.idx };
      }
      if (t.kind === K_PUNCT && t.val === P_COMMA) {
        if (!prevIdent || variadic) return { message: 'expected parameter name, found ","', at: t.idx };
        prevIdent = false;
        continue;
      }
      if (t.kind === K_PUNCT && t.val === P_ELLIPSIS) {
        if (variadic) return { message: "expected ')' after \"...\"", at: t.idx };
        variadic = true;
        if (!prevIdent) params.push(VA_ARGS);
        continue;
      }
      return { message: `expected parameter name, found "${t.text}"`, at: t.idx };
    }
  }
  const body: Tok[] = [];
  let followingPaste = false;
  for (; k < toks.length; k++) {
    let t = toks[k]!;
    if (t.kind === K_IDENT) {
      const pi = funLike ? params.indexOf(t.val) : -1;
      if (pi >= 0) t = new Tok(K_ARG, pi, t.text, t.flags, t.lf, t.idx, null);
    }
    // # param → stringify (function-like macros only)
    const prev = body[body.length - 1];
    if (funLike && prev && prev.kind === K_PUNCT && prev.val === P_HASH) {
      if (t.kind === K_ARG || (variadic && t.kind === K_IDENT && t.val === VA_OPT)) {
        const merged = t.copy((t.flags & ~T_WHITE) | T_STRINGIFY | (prev.flags & T_WHITE));
        body[body.length - 1] = merged;
        followingPaste = false;
        continue;
      } else if (!asm) {
        return { message: "'#' is not followed by a macro parameter", at: prev.idx };
      }
    }
    if (t.kind === K_PUNCT && t.val === P_PASTE) {
      if (body.length === 0) return { message: "'##' cannot appear at either end of a macro expansion", at: t.idx };
      if (!followingPaste) {
        const last = body[body.length - 1]!;
        body[body.length - 1] = last.copy(last.flags | T_PASTE_LEFT);
      }
      // a second ## in a row is not an operator of its own (cpplib moves it out of the way)
      followingPaste = true;
      continue;
    }
    followingPaste = false;
    body.push(t);
  }
  // a trailing '#' in a function-like macro: checked when the next token arrives, so check the end too
  const last = body[body.length - 1];
  if (funLike && !asm && last && last.kind === K_PUNCT && last.val === P_HASH && !(last.flags & T_STRINGIFY)) {
    return { message: "'#' is not followed by a macro parameter", at: last.idx };
  }
  if (followingPaste) return { message: "'##' cannot appear at either end of a macro expansion", at: nameIdx };
  if (body.length > 0 && body[0]!.flags & T_WHITE) body[0] = body[0]!.copy(body[0]!.flags & ~T_WHITE);
  return new Macro(name, funLike, params, variadic, body, origin, lf, nameIdx);
}
