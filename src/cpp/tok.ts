import { K_CHAR, K_IDENT, K_NUMBER, K_OTHER, K_PUNCT, K_STRING, type Lexed } from './lexer.js';
import * as L from './lexer.js';

/**
 * A token inside the macro expander. Tokens read from a file are made from the lexer's typed arrays on demand; tokens
 * of macro bodies are shared by every expansion of that definition (their provenance is carried beside them, like
 * cpplib's virtual locations), so a Tok is never mutated once published — flag changes copy it, as cpplib does.
 */
export class Tok {
  constructor(
    /** K_* of the lexer, or K_PAD / K_EOF / K_ARG */
    public kind: number,
    /** identifier id, punctuator code, or parameter index (K_ARG) */
    public val: number,
    public text: string,
    public flags: number,
    /** where the spelling came from: file and token index (null for synthesised tokens) */
    public lf: Lexed | null,
    public idx: number,
    /** for K_PAD: the token whose spacing the padding stands for (null = "avoid paste") */
    public source: Tok | null,
  ) {}

  copy(flags: number): Tok {
    return new Tok(this.kind, this.val, this.text, flags, this.lf, this.idx, this.source);
  }
}

/** padding: a position where whitespace may matter when printing or stringifying (cpplib's CPP_PADDING) */
export const K_PAD = 10;
/** end of input: end of a directive line, end of a macro argument, or end of the unit */
export const K_EOF = 11;
/** a parameter reference inside a function-like macro body (val = 0-based parameter index) */
export const K_ARG = 12;

export const T_WHITE = 1; // = F_WHITE: whitespace before
export const T_BOL = 2; // = F_BOL
export const T_DIGRAPH = 4; // = F_DIGRAPH
export const T_NO_EXPAND = 8; // painted blue: never expand this identifier again
export const T_PASTE_LEFT = 16; // ## follows this token in a macro body
export const T_STRINGIFY = 32; // # precedes this parameter
export const T_VAOPT = 64; // (reserved)

export const EOF_TOK = new Tok(K_EOF, 0, '', 0, null, -1, null);
/** cpplib's pfile->avoid_paste: padding with no source */
export const AVOID_PASTE = new Tok(K_PAD, 0, '', 0, null, -1, null);

export function padding(source: Tok): Tok {
  return new Tok(K_PAD, 0, '', 0, null, -1, source);
}

/** token i of a lexed file as an expander token */
export function fromLexed(lf: Lexed, i: number): Tok {
  return new Tok(lf.kind[i]!, lf.val[i]!, lf.text(i), lf.flags[i]!, lf, i, null);
}

export function isPunct(t: Tok, p: number): boolean {
  return t.kind === K_PUNCT && t.val === p;
}

export function isStringLike(t: Tok): boolean {
  return t.kind === K_STRING || t.kind === K_CHAR;
}

/** kinds of output tokens that the public TokKind covers */
export function publicKind(k: number): number {
  return k === K_IDENT || k === K_NUMBER || k === K_STRING || k === K_CHAR || k === K_PUNCT ? k : K_OTHER;
}

/**
 * cpp_avoid_paste: would printing `b` right after `a` without a space lex differently? (lex.cc; used for gcc -E-like
 * output spacing).
 */
export function avoidPaste(a: Tok, b: Tok): boolean {
  const bc = b.kind === K_PUNCT ? b.text.charCodeAt(0) : -1; // first char of an operator spelling
  if (a.kind === K_PUNCT && a.val <= L.P_OREQ && bc === 61 /* = */) {
    // every operator that can take a trailing '=' (cpplib's CPP_LAST_EQ range)
    switch (a.val) {
      case L.P_ASSIGN: case L.P_NOT: case L.P_GT: case L.P_LT: case L.P_PLUS: case L.P_MINUS: case L.P_STAR:
      case L.P_SLASH: case L.P_PERCENT: case L.P_AMP: case L.P_PIPE: case L.P_CARET: case L.P_SHR: case L.P_SHL:
        return true;
    }
  }
  if (a.kind === K_PUNCT) {
    switch (a.val) {
      case L.P_GT: return bc === 62;
      case L.P_LT: return bc === 60 || bc === 37 || bc === 58;
      case L.P_PLUS: return bc === 43;
      case L.P_MINUS: return bc === 45 || bc === 62;
      case L.P_SLASH: return bc === 47 || bc === 42;
      case L.P_PERCENT: return bc === 58 || bc === 37;
      case L.P_AMP: return bc === 38;
      case L.P_PIPE: return bc === 124;
      case L.P_COLON: return bc === 58 || bc === 62;
      case L.P_ARROW: return bc === 42;
      case L.P_DOT: return bc === 46 || bc === 37 || b.kind === K_NUMBER;
      case L.P_HASH: return bc === 35 || bc === 37;
      default: return false;
    }
  }
  if (a.kind === K_IDENT) {
    return (b.kind === K_NUMBER && /^[A-Za-z_$\x80-\uffff][\w$\x80-\uffff]*$/.test(b.text)) || b.kind === K_IDENT ||
      b.kind === K_CHAR || b.kind === K_STRING;
  }
  if (a.kind === K_NUMBER) {
    return b.kind === K_NUMBER || b.kind === K_IDENT || b.kind === K_CHAR || bc === 46 || bc === 43 || bc === 45;
  }
  if (a.kind === K_OTHER) {
    return a.text.charCodeAt(0) === 92 /* \ */ && b.kind === K_IDENT;
  }
  return false;
}

/** spelling used when pasting: a '/' before anything but '=' gets a separating space (cpplib paste_tokens) */
export function pasteSpelling(lhs: Tok, rhs: Tok): string {
  if (lhs.kind === K_PUNCT && lhs.val === L.P_SLASH && !(rhs.kind === K_PUNCT && rhs.val === L.P_ASSIGN)) {
    return lhs.text + ' ' + rhs.text;
  }
  return lhs.text + rhs.text;
}

