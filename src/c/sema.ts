import type { Expr } from './ast.js';
import { evalConstExpr } from './consteval.js';
import type { Parser } from './parser.js';
import {
  BOOL, type CType, INT, type IntType, UINT, ULLONG, UNKNOWN, USHORT, VOID, asInt, charType, commonInt, compatible,
  decay, findMember, longType, promote, ptrdiffType, sizeType,
} from './types.js';

/** The type of an expression (cached on the node). Unknown pieces give 'unknown', never an exception. */
export function typeOf(p: Parser, e: Expr): CType {
  if (e.t) return e.t;
  const t = compute(p, e);
  e.t = t;
  return t;
}

function compute(p: Parser, e: Expr): CType {
  const tg = p.tg;
  switch (e.k) {
    case 'id':
      if (e.local) return e.local.type;
      if (e.sym) return e.sym.type;
      if (e.ec) return INT;
      return UNKNOWN;
    case 'num':
      return numType(p, e.text);
    case 'chr':
      return INT;
    case 'str': {
      let n = 0;
      for (const t of e.toks) n += (p.toks.str(t) ?? '').length;
      return { k: 'array', of: charType(tg), len: n + 1 };
    }
    case 'bin': {
      const op = e.op;
      if (op === '&&' || op === '||' || op === '==' || op === '!=' || op === '<' || op === '>' || op === '<=' || op === '>=') return INT;
      const l = decay(typeOf(p, e.l));
      const r = decay(typeOf(p, e.r));
      if (op === '<<' || op === '>>') {
        const li = asInt(l);
        return li ? promote(li) : l;
      }
      if (op === '-' && l.k === 'ptr' && r.k === 'ptr') return ptrdiffType(tg);
      if (l.k === 'ptr') return l;
      if (r.k === 'ptr' && op === '+') return r;
      return arith(l, r);
    }
    case 'assign':
      return typeOf(p, e.l);
    case 'un': {
      const t = typeOf(p, e.e);
      switch (e.op) {
        case '&':
          return { k: 'ptr', to: t };
        case '*': {
          const d = decay(t);
          return d.k === 'ptr' ? d.to : UNKNOWN;
        }
        case '!':
          return INT;
        case '++':
        case '--':
          return t;
        case '__real__':
        case '__imag__':
        case '__real':
        case '__imag':
          return t;
        default: {
          const i = asInt(t);
          return i ? promote(i) : t;
        }
      }
    }
    case 'post':
      return typeOf(p, e.e);
    case 'cond': {
      const a = decay(typeOf(p, e.a ?? e.c));
      const b = decay(typeOf(p, e.b));
      if (a.k === 'void' || b.k === 'void') return VOID;
      if (a.k === 'ptr') return a.to.k === 'void' && b.k === 'ptr' ? b : a;
      if (b.k === 'ptr') return b;
      if ((a.k === 'int' || a.k === 'enum') && (b.k === 'int' || b.k === 'enum')) return arith(a, b);
      return a;
    }
    case 'call': {
      const ft = decay(typeOf(p, e.fn));
      if (ft.k === 'ptr' && ft.to.k === 'func') return ft.to.ret;
      if (e.fn.k === 'id' && !e.fn.sym && !e.fn.local) return INT; // implicit declaration
      return UNKNOWN;
    }
    case 'member': {
      let t = typeOf(p, e.e);
      if (e.arrow) {
        t = decay(t);
        t = t.k === 'ptr' ? t.to : UNKNOWN;
      }
      if (t.k !== 'record') return UNKNOWN;
      return findMember(t.rec, e.name, tg)?.type ?? UNKNOWN;
    }
    case 'index': {
      const a = decay(typeOf(p, e.e));
      if (a.k === 'ptr') return a.to;
      const b = decay(typeOf(p, e.i));
      if (b.k === 'ptr') return b.to;
      return UNKNOWN;
    }
    case 'cast':
      return e.type;
    case 'sizeof':
    case 'offsetof':
      return sizeType(tg);
    case 'complit':
      return e.type;
    case 'stmtexpr': {
      const last = e.body.items[e.body.items.length - 1];
      if (last && last.k === 'expr') return typeOf(p, last.e);
      return VOID;
    }
    case 'comma':
      return typeOf(p, e.r);
    case 'typescompat':
      return INT;
    case 'choose': {
      const c = evalConstExpr(p, e.c);
      if (c === undefined) return typeOf(p, e.a);
      return typeOf(p, c !== 0n ? e.a : e.b);
    }
    case 'generic': {
      const sel = genericSelect(p, e);
      return sel ? typeOf(p, sel) : UNKNOWN;
    }
    case 'vaarg':
      return e.type;
    case 'labeladdr':
      return { k: 'ptr', to: VOID };
    case 'builtin':
      return builtinType(p, e.name, e.args);
    case 'bad':
      return UNKNOWN;
  }
}

/** the association _Generic selects, by the controlling expression's type after lvalue conversion */
export function genericSelect(p: Parser, e: Expr & { k: 'generic' }): Expr | undefined {
  const t = decay(typeOf(p, e.ctl));
  let dflt: Expr | undefined;
  for (const a of e.assoc) {
    if (!a.type) {
      dflt = a.e;
      continue;
    }
    if (compatible(t, a.type)) return a.e;
  }
  return dflt;
}

function arith(a: CType, b: CType): CType {
  if (a.k === 'float' || b.k === 'float') {
    const sa = a.k === 'float' ? a.size : 0;
    const sb = b.k === 'float' ? b.size : 0;
    return { k: 'float', size: Math.max(sa, sb) };
  }
  const ia = asInt(a);
  const ib = asInt(b);
  if (ia && ib) return commonInt(ia, ib);
  return ia ? promote(ia) : ib ? promote(ib) : UNKNOWN;
}

/** the type of an integer (or floating) literal by its spelling (C11 6.4.4.1) */
export function numType(p: Parser, text: string): CType {
  const lower = text.toLowerCase();
  const isHex = lower.startsWith('0x');
  if (!isHex && /[.e]/.test(lower)) return { k: 'float', size: lower.endsWith('f') ? 4 : 8 };
  if (isHex && lower.includes('p')) return { k: 'float', size: 8 };
  const m = /(u?l{0,2}u?)$/.exec(lower);
  const suf = m ? m[1]! : '';
  const unsigned = suf.includes('u');
  const longs = (suf.match(/l/g) ?? []).length;
  const v = parseIntLiteral(text);
  const tg = p.tg;
  const decimal = !isHex && !(lower.startsWith('0') && lower.length > 1 && !lower.startsWith('0b'));
  const cands: IntType[] = [];
  const L = longType(tg, true);
  const UL = longType(tg, false);
  const LL: IntType = { k: 'int', size: 8, signed: true, rank: 6 };
  if (longs === 0) cands.push(...(unsigned ? [UINT, UL, ULLONG] : decimal ? [INT, L, LL] : [INT, UINT, L, UL, LL, ULLONG]));
  else if (longs === 1) cands.push(...(unsigned ? [UL, ULLONG] : decimal ? [L, LL] : [L, UL, LL, ULLONG]));
  else cands.push(...(unsigned ? [ULLONG] : decimal ? [LL] : [LL, ULLONG]));
  if (v === undefined) return cands[0]!;
  for (const c of cands) {
    const bits = BigInt(c.size * 8 - (c.signed ? 1 : 0));
    if (v < 1n << bits) return c;
  }
  return ULLONG;
}

export function parseIntLiteral(text: string): bigint | undefined {
  const s = text.replace(/[uUlL]+$/, '').replace(/'/g, '');
  try {
    if (/^0[xX][0-9a-fA-F]+$/.test(s)) return BigInt(s);
    if (/^0[bB][01]+$/.test(s)) return BigInt(s);
    if (/^0[0-7]+$/.test(s)) return BigInt('0o' + s.slice(1));
    if (/^[0-9]+$/.test(s)) return BigInt(s);
  } catch {
    return undefined;
  }
  return undefined;
}

function builtinType(p: Parser, name: string, args: Expr[]): CType {
  const n = name.replace(/^__builtin_/, '');
  switch (n) {
    case 'constant_p':
    case 'clz': case 'ctz': case 'ffs': case 'popcount': case 'parity': case 'clrsb':
    case 'clzl': case 'ctzl': case 'ffsl': case 'popcountl': case 'parityl':
    case 'clzll': case 'ctzll': case 'ffsll': case 'popcountll': case 'parityll':
    case 'memcmp': case 'strcmp': case 'strncmp': case 'classify_type':
      return INT;
    case 'expect':
    case 'expect_with_probability':
      return longType(p.tg, true);
    case 'bswap16':
      return USHORT;
    case 'bswap32':
      return UINT;
    case 'bswap64':
      return ULLONG;
    case 'object_size':
    case 'dynamic_object_size':
    case 'strlen':
      return sizeType(p.tg);
    case 'add_overflow': case 'sub_overflow': case 'mul_overflow':
    case 'add_overflow_p': case 'sub_overflow_p': case 'mul_overflow_p':
      return BOOL;
    case 'unreachable': case 'trap': case 'prefetch': case 'va_start': case 'va_end': case 'va_copy':
      return VOID;
    case 'memcpy': case 'memset': case 'memmove': case 'return_address': case 'frame_address':
    case 'alloca': case 'assume_aligned': case 'extract_return_addr': case 'strcpy': case 'strncpy':
    case 'strcat': case 'strchr': case 'strrchr': case 'strstr':
      return { k: 'ptr', to: VOID };
    default:
      if (name.startsWith('__sync_') || name.startsWith('__atomic_')) {
        if (/compare_exchange|test_and_set|always_lock_free|is_lock_free|bool_compare/.test(name)) return BOOL;
        const a0 = args[0] ? decay(typeOf(p, args[0])) : UNKNOWN;
        if (/^__atomic_(load|store|exchange|clear|thread_fence|signal_fence)$/.test(name) || name.endsWith('synchronize')) return VOID;
        return a0.k === 'ptr' ? a0.to : INT;
      }
      return INT;
  }
}
