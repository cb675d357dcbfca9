import { K_CHAR, K_IDENT, K_NUMBER, K_PUNCT, K_STRING } from './lexer.js';
import * as L from './lexer.js';
import { K_EOF, K_PAD, type Tok } from './tok.js';

/**
 * #if / #elif expression evaluation in intmax_t / uintmax_t (64-bit), with cpplib's rules: identifiers left after
 * macro expansion are 0, `defined X` / `defined(X)`, unsignedness spreads through the usual arithmetic conversions,
 * division by zero is an error only where evaluated, and shifts by out-of-range amounts follow cpplib's num_lshift /
 * num_rshift.
 */

export interface ExprSource {
  /** next macro-expanded token of the directive line (K_EOF at its end) */
  next(): Tok;
  /** `defined` seen: read its operand without expansion and answer; null when malformed */
  defined(): boolean | null;
  /** whether plain `char` is unsigned on the target (for character constants) */
  unsignedChar: boolean;
}

export class ExprError extends Error {
  constructor(message: string, readonly tok: Tok | null) {
    super(message);
  }
}

const MASK = (1n << 64n) - 1n;
const SIGN = 1n << 63n;

interface Val {
  /** the value as an unsigned 64-bit pattern */
  v: bigint;
  u: boolean;
}

function toSigned(v: bigint): bigint {
  return v & SIGN ? v - (1n << 64n) : v;
}

function norm(v: bigint): bigint {
  return v & MASK;
}

function isZero(a: Val): boolean {
  return a.v === 0n;
}

function cmpLess(a: Val, b: Val, u: boolean): boolean {
  return u ? a.v < b.v : toSigned(a.v) < toSigned(b.v);
}

const DEFINED = L.idents.intern('defined');

/** binary operator precedence (higher binds tighter); 0 = not a binary operator */
function prec(t: Tok): number {
  if (t.kind !== K_PUNCT) return 0;
  switch (t.val) {
    case L.P_STAR: case L.P_SLASH: case L.P_PERCENT: return 10;
    case L.P_PLUS: case L.P_MINUS: return 9;
    case L.P_SHL: case L.P_SHR: return 8;
    case L.P_LT: case L.P_GT: case L.P_LE: case L.P_GE: return 7;
    case L.P_EQEQ: case L.P_NE: return 6;
    case L.P_AMP: return 5;
    case L.P_CARET: return 4;
    case L.P_PIPE: return 3;
    case L.P_ANDAND: return 2;
    case L.P_OROR: return 1;
    default: return 0;
  }
}

export function evaluate(src: ExprSource): boolean {
  const p = new Parser(src);
  const v = p.comma(false);
  const t = p.peek();
  if (t.kind !== K_EOF) {
    if (t.kind === K_PUNCT && t.val === L.P_RPAREN) throw new ExprError("missing '(' in expression", t);
    throw new ExprError(`missing binary operator before token "${t.text}"`, t);
  }
  return !isZero(v);
}

class Parser {
  private la: Tok | null = null;
  constructor(private readonly src: ExprSource) {}

  peek(): Tok {
    if (!this.la) {
      let t = this.src.next();
      while (t.kind === K_PAD) t = this.src.next();
      this.la = t;
    }
    return this.la;
  }

  take(): Tok {
    const t = this.peek();
    this.la = null;
    return t;
  }

  /** expr (, expr)* — the comma operator is accepted in #if (gcc pedwarns only when pedantic) */
  comma(skip: boolean): Val {
    let v = this.cond(skip);
    for (;;) {
      const t = this.peek();
      if (t.kind === K_PUNCT && t.val === L.P_COMMA) {
        this.take();
        v = this.cond(skip);
      } else return v;
    }
  }

  cond(skip: boolean): Val {
    const c = this.binary(1, skip);
    const t = this.peek();
    if (!(t.kind === K_PUNCT && t.val === L.P_QUESTION)) return c;
    this.take();
    const takeFirst = !isZero(c);
    const a = this.comma(skip || !takeFirst);
    const colon = this.take();
    if (!(colon.kind === K_PUNCT && colon.val === L.P_COLON)) throw new ExprError("'?' without following ':'", colon);
    const b = this.cond(skip || takeFirst);
    const u = a.u || b.u;
    return { v: takeFirst ? a.v : b.v, u };
  }

  binary(minPrec: number, skip: boolean): Val {
    let lhs = this.unary(skip);
    for (;;) {
      const op = this.peek();
      const pr = prec(op);
      if (pr === 0 || pr < minPrec) return lhs;
      this.take();
      if (op.val === L.P_ANDAND) {
        const rhs = this.binary(pr + 1, skip || isZero(lhs));
        lhs = { v: !isZero(lhs) && !isZero(rhs) ? 1n : 0n, u: false };
        continue;
      }
      if (op.val === L.P_OROR) {
        const rhs = this.binary(pr + 1, skip || !isZero(lhs));
        lhs = { v: !isZero(lhs) || !isZero(rhs) ? 1n : 0n, u: false };
        continue;
      }
      const rhs = this.binary(pr + 1, skip);
      lhs = this.apply(op, lhs, rhs, skip);
    }
  }

  apply(op: Tok, a: Val, b: Val, skip: boolean): Val {
    const u = a.u || b.u;
    switch (op.val) {
      case L.P_STAR: return { v: norm(a.v * b.v), u };
      case L.P_SLASH:
      case L.P_PERCENT: {
        if (b.v === 0n) {
          if (skip) return { v: 0n, u };
          throw new ExprError('division by zero in #if', op);
        }
        if (u) return { v: op.val === L.P_SLASH ? a.v / b.v : a.v % b.v, u };
        const x = toSigned(a.v);
        const y = toSigned(b.v);
        return { v: norm(op.val === L.P_SLASH ? x / y : x % y), u };
      }
      case L.P_PLUS: return { v: norm(a.v + b.v), u };
      case L.P_MINUS: return { v: norm(a.v - b.v), u };
      case L.P_SHL:
      case L.P_SHR: {
        // the result has the type of the left operand; a negative count shifts the other way
        let n = b.u ? b.v : toSigned(b.v);
        let left = op.val === L.P_SHL;
        if (n < 0n) {
          left = !left;
          n = -n;
        }
        if (left) return { v: n >= 64n ? 0n : norm(a.v << n), u: a.u };
        if (n >= 64n) return { v: a.u || !(a.v & SIGN) ? 0n : MASK, u: a.u };
        return { v: a.u ? a.v >> n : norm(toSigned(a.v) >> n), u: a.u };
      }
      case L.P_LT: return bool(cmpLess(a, b, u));
      case L.P_GT: return bool(cmpLess(b, a, u));
      case L.P_LE: return bool(!cmpLess(b, a, u));
      case L.P_GE: return bool(!cmpLess(a, b, u));
      case L.P_EQEQ: return bool(a.v === b.v);
      case L.P_NE: return bool(a.v !== b.v);
      case L.P_AMP: return { v: a.v & b.v, u };
      case L.P_CARET: return { v: a.v ^ b.v, u };
      case L.P_PIPE: return { v: a.v | b.v, u };
    }
    throw new ExprError(`token "${op.text}" is not valid in preprocessor expressions`, op);
  }

  unary(skip: boolean): Val {
    const t = this.take();
    if (t.kind === K_PUNCT) {
      switch (t.val) {
        case L.P_PLUS: return this.unary(skip);
        case L.P_MINUS: {
          const v = this.unary(skip);
          return { v: norm(-v.v), u: v.u };
        }
        case L.P_TILDE: {
          const v = this.unary(skip);
          return { v: norm(~v.v), u: v.u };
        }
        case L.P_NOT: {
          const v = this.unary(skip);
          return bool(isZero(v));
        }
        case L.P_LPAREN: {
          const v = this.comma(skip);
          const c = this.take();
          if (!(c.kind === K_PUNCT && c.val === L.P_RPAREN)) throw new ExprError("missing ')' in expression", c);
          return v;
        }
      }
      if (t.val === L.P_RPAREN) throw new ExprError("missing expression between '(' and ')'", t);
      throw new ExprError(`token "${t.text}" is not valid in preprocessor expressions`, t);
    }
    if (t.kind === K_NUMBER) return parseNumber(t);
    if (t.kind === K_CHAR) return parseChar(t, this.src.unsignedChar);
    if (t.kind === K_IDENT) {
      if (t.val === DEFINED) {
        const d = this.src.defined();
        if (d === null) throw new ExprError('operator "defined" requires an identifier', t);
        return bool(d);
      }
      // identifiers left after expansion are 0 (gnu11 has no true/false in #if)
      return { v: 0n, u: false };
    }
    if (t.kind === K_EOF) throw new ExprError('#if with no expression', null);
    if (t.kind === K_STRING) throw new ExprError(`token "${t.text}" is not valid in preprocessor expressions`, t);
    throw new ExprError(`token "${t.text}" is not valid in preprocessor expressions`, t);
  }
}

function bool(b: boolean): Val {
  return { v: b ? 1n : 0n, u: false };
}

/** an integer constant of #if (cpp_classify_number + cpp_interpret_integer) */
export function parseNumber(t: Tok): Val {
  const m = /^(.*?)([uUlL]*)$/.exec(t.text)!;
  const body = m[1]!;
  const suffix = m[2]!;
  const sl = suffix.toLowerCase();
  const okSuffix = ['', 'u', 'l', 'ul', 'lu', 'll', 'ull', 'llu'].includes(sl) && !/lL|Ll/.test(suffix);
  let v: bigint;
  if (/^0[xX][0-9a-fA-F]+$/.test(body)) v = BigInt(body);
  else if (/^0[bB][01]+$/.test(body)) v = BigInt(body);
  else if (/^0[0-7]*$/.test(body)) v = body.length > 1 ? BigInt('0o' + body.slice(1)) : 0n;
  else if (/^[1-9][0-9]*$/.test(body)) v = BigInt(body);
  else {
    if (/^[0-9.]/.test(body) && (/[.]/.test(body) || /^[0-9]+[eE]/.test(body) || /^0[xX].*[pP]/.test(body))) {
      throw new ExprError(`floating constant in preprocessor expression`, t);
    }
    throw new ExprError(`invalid integer constant "${t.text}" in #if`, t);
  }
  if (!okSuffix) throw new ExprError(`invalid suffix "${suffix}" on integer constant`, t);
  const truncated = v & MASK;
  let u = sl.includes('u');
  // too large for intmax_t: unsigned (cpplib: "integer constant is so large that it is unsigned")
  if (!u && truncated > SIGN - 1n) u = true;
  return { v: truncated, u };
}

/** a character constant of #if (cpp_interpret_charconst): int, multi-char packs bytes big-endian */
export function parseChar(t: Tok, unsignedChar: boolean): Val {
  const text = t.text;
  const q = text.indexOf("'");
  const prefix = text.slice(0, q);
  const body = text.slice(q + 1, -1);
  const chars: number[] = [];
  for (let i = 0; i < body.length; i++) {
    let c = body.charCodeAt(i);
    if (c === 92 /* \ */ && i + 1 < body.length) {
      const e = body[++i]!;
      switch (e) {
        case 'n': c = 10; break;
        case 't': c = 9; break;
        case 'r': c = 13; break;
        case 'a': c = 7; break;
        case 'b': c = 8; break;
        case 'f': c = 12; break;
        case 'v': c = 11; break;
        case 'e': case 'E': c = 27; break;
        case 'x': {
          let j = i + 1;
          let h = 0;
          while (j < body.length && /[0-9a-fA-F]/.test(body[j]!)) h = h * 16 + parseInt(body[j++]!, 16);
          i = j - 1;
          c = h;
          break;
        }
        default:
          if (e >= '0' && e <= '7') {
            let j = i;
            let o = 0;
            while (j < body.length && j < i + 3 && body[j]! >= '0' && body[j]! <= '7') o = o * 8 + (body.charCodeAt(j++) - 48);
            i = j - 1;
            c = o;
          } else c = e.charCodeAt(0);
      }
    }
    chars.push(c);
  }
  if (prefix !== '') {
    // wide: the last character, as wchar_t (signed 32-bit on Linux targets) / char16_t / char32_t
    const c = chars.length ? chars[chars.length - 1]! : 0;
    return { v: BigInt(c >>> 0), u: prefix !== 'L' };
  }
  let v = 0;
  for (const c of chars) v = ((v << 8) | (c & 0xff)) >>> 0;
  let r: bigint;
  if (chars.length <= 1) {
    const c = v & 0xff;
    r = !unsignedChar && c & 0x80 ? BigInt(c - 256) : BigInt(c);
  } else r = BigInt(v | 0);
  return { v: norm(r), u: false };
}
