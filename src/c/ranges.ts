import type { Expr, LocalVar } from './ast.js';
import type { Evaluator } from './consteval.js';
import { typeOf } from './sema.js';
import { type CType, type IntType, asInt, decay, sizeType } from './types.js';

/**
 * Value ranges of integer expressions (gcc's VRP, in small): when a value is not a constant its interval may still
 * decide a condition — `do_div` of `(1ULL << 34) + x / 2` never takes the 32-bit path, `len` clamped by
 * `if (len > 128) len = 128` is never above INT_MAX. Intervals are inclusive, in the expression's type.
 */
export type Range = [bigint, bigint];

export function typeRange(t: CType, ptrSize: number): Range | undefined {
  const d = decay(t);
  const it: IntType | undefined = d.k === 'ptr' ? { k: 'int', size: ptrSize, signed: false, rank: 5 } : asInt(d);
  if (!it || it.size > 8) return undefined;
  if (it.rank === 1) return [0n, 1n];
  const bits = BigInt(it.size * 8);
  return it.signed ? [-(1n << (bits - 1n)), (1n << (bits - 1n)) - 1n] : [0n, (1n << bits) - 1n];
}

function within(r: Range, t: Range): boolean {
  return r[0] >= t[0] && r[1] <= t[1];
}

/** the interval of an integer expression; undefined when nothing useful is known */
export function rangeOf(ev: Evaluator, e: Expr, depth = 0): Range | undefined {
  return ev.scoped(() => {
    const memo = ev.rangeMemo;
    const c = memo?.get(e);
    if (c !== undefined) return c === null ? undefined : c;
    const cuts = ev.truncated;
    const r = rangeOfUncached(ev, e, depth);
    // a result cut short by a depth limit is not the expression's interval
    if (memo && ev.truncated === cuts) memo.set(e, r ?? null);
    return r;
  });
}

function rangeOfUncached(ev: Evaluator, e: Expr, depth: number): Range | undefined {
  const v = ev.int(e);
  if (v !== undefined) return [v, v];
  if (depth > 40) {
    ev.truncated++;
    return undefined;
  }
  const p = ev.p;
  const t = typeOf(p, e);
  const full = typeRange(t, p.tg.ptrSize);
  const r = compute(ev, e, depth + 1);
  if (!r) return full;
  if (full && !within(r, full)) return full; // wraps: anything in the type
  return r;
}

function compute(ev: Evaluator, e: Expr, d: number): Range | undefined {
  switch (e.k) {
    case 'id':
      if (e.local) return ev.ranges?.get(e.local);
      return undefined;
    case 'cast':
      return rangeOf(ev, e.e, d);
    case 'builtin':
      if ((e.name === '__builtin_expect' || e.name === '__builtin_expect_with_probability') && e.args[0]) return rangeOf(ev, e.args[0], d);
      return undefined;
    case 'un': {
      if (e.op === '!') {
        const r = rangeOf(ev, e.e, d);
        if (r && (r[0] > 0n || r[1] < 0n)) return [0n, 0n];
        if (r && r[0] === 0n && r[1] === 0n) return [1n, 1n];
        return [0n, 1n];
      }
      if (e.op === '-') {
        const r = rangeOf(ev, e.e, d);
        return r ? [-r[1], -r[0]] : undefined;
      }
      return undefined;
    }
    case 'cond': {
      const c = ev.truth(e.c);
      if (c === true) return rangeOf(ev, e.a ?? e.c, d);
      if (c === false) return rangeOf(ev, e.b, d);
      const a = rangeOf(ev, e.a ?? e.c, d);
      const b = rangeOf(ev, e.b, d);
      return a && b ? [a[0] < b[0] ? a[0] : b[0], a[1] > b[1] ? a[1] : b[1]] : undefined;
    }
    case 'comma':
      return rangeOf(ev, e.r, d);
    case 'bin':
      return binary(ev, e, d);
    default:
      return undefined;
  }
}

function binary(ev: Evaluator, e: Expr & { k: 'bin' }, d: number): Range | undefined {
  const op = e.op;
  if (op === '&&' || op === '||' || op === '==' || op === '!=' || op === '<' || op === '>' || op === '<=' || op === '>=') {
    const c = compare(ev, e, d);
    return c === undefined ? [0n, 1n] : c ? [1n, 1n] : [0n, 0n];
  }
  const a = rangeOf(ev, e.l, d);
  const b = rangeOf(ev, e.r, d);
  if (!a || !b) {
    // x & mask is within [0, mask] whatever x is (mask non-negative)
    if (op === '&' && b && b[0] === b[1] && b[0] >= 0n) return [0n, b[0]];
    if (op === '&' && a && a[0] === a[1] && a[0] >= 0n) return [0n, a[0]];
    if (op === '%' && b && b[0] > 0n && (!a || a[0] >= 0n)) return [0n, b[1] - 1n];
    return undefined;
  }
  switch (op) {
    case '+':
      return [a[0] + b[0], a[1] + b[1]];
    case '-':
      return [a[0] - b[1], a[1] - b[0]];
    case '*': {
      const c = [a[0] * b[0], a[0] * b[1], a[1] * b[0], a[1] * b[1]];
      return [c.reduce((x, y) => (y < x ? y : x)), c.reduce((x, y) => (y > x ? y : x))];
    }
    case '/':
      if (b[0] > 0n && a[0] >= 0n) return [a[0] / b[1], a[1] / b[0]];
      return undefined;
    case '%':
      if (b[0] > 0n && a[0] >= 0n) return [0n, a[1] < b[1] - 1n ? a[1] : b[1] - 1n];
      return undefined;
    case '>>':
      if (b[0] === b[1] && b[0] >= 0n && a[0] >= 0n) return [a[0] >> b[0], a[1] >> b[0]];
      return undefined;
    case '<<':
      if (b[0] === b[1] && b[0] >= 0n && b[0] < 64n && a[0] >= 0n) return [a[0] << b[0], a[1] << b[0]];
      return undefined;
    case '&':
      if (a[0] >= 0n && b[0] >= 0n) return [0n, a[1] < b[1] ? a[1] : b[1]];
      return undefined;
    case '|':
    case '^':
      if (a[0] >= 0n && b[0] >= 0n) {
        let m = a[1] > b[1] ? a[1] : b[1];
        let bits = 0n;
        while (m > 0n) {
          m >>= 1n;
          bits++;
        }
        return [op === '|' ? (a[0] > b[0] ? a[0] : b[0]) : 0n, (1n << bits) - 1n];
      }
      return undefined;
    default:
      return undefined;
  }
}

/** decide a comparison (or && / ||) from intervals; undefined when the intervals overlap */
export function compare(ev: Evaluator, e: Expr & { k: 'bin' }, d = 0): boolean | undefined {
  const op = e.op;
  if (op === '&&' || op === '||') {
    const l = truthOf(ev, e.l, d);
    const r = truthOf(ev, e.r, d);
    if (op === '&&') return l === false || r === false ? false : l === true && r === true ? true : undefined;
    return l === true || r === true ? true : l === false && r === false ? false : undefined;
  }
  const a = rangeOf(ev, e.l, d);
  const b = rangeOf(ev, e.r, d);
  if (!a || !b) return undefined;
  // compare in the common type: an unsigned comparison with a negative interval is not decidable this way
  const lt = asInt(decay(typeOf(ev.p, e.l)));
  const rt = asInt(decay(typeOf(ev.p, e.r)));
  if (lt && rt && lt.signed !== rt.signed && (a[0] < 0n || b[0] < 0n)) return undefined;
  switch (op) {
    case '<':
      return a[1] < b[0] ? true : a[0] >= b[1] ? false : undefined;
    case '<=':
      return a[1] <= b[0] ? true : a[0] > b[1] ? false : undefined;
    case '>':
      return a[0] > b[1] ? true : a[1] <= b[0] ? false : undefined;
    case '>=':
      return a[0] >= b[1] ? true : a[1] < b[0] ? false : undefined;
    case '==':
      return a[1] < b[0] || b[1] < a[0] ? false : a[0] === a[1] && b[0] === b[1] && a[0] === b[0] ? true : undefined;
    case '!=':
      return a[1] < b[0] || b[1] < a[0] ? true : a[0] === a[1] && b[0] === b[1] && a[0] === b[0] ? false : undefined;
    default:
      return undefined;
  }
}

export function truthOf(ev: Evaluator, e: Expr, d = 0): boolean | undefined {
  const r = rangeOf(ev, e, d);
  if (!r) return undefined;
  if (r[0] > 0n || r[1] < 0n) return true;
  if (r[0] === 0n && r[1] === 0n) return false;
  return undefined;
}

/**
 * What a condition tells about a local in each branch: `x < c`, `x > c`, `x <= c`, … (and `c < x` …), `x == c`.
 * Returns the narrowed intervals for the true and false branches.
 */
export function narrow(ev: Evaluator, c: Expr): { v: LocalVar; yes?: Range; no?: Range }[] {
  while (c.k === 'builtin' && (c.name === '__builtin_expect' || c.name === '__builtin_expect_with_probability') && c.args[0]) c = c.args[0];
  while (c.k === 'un' && c.op === '!' && c.e.k === 'un' && c.e.op === '!') c = c.e.e;
  if (c.k !== 'bin') return [];
  let op = c.op;
  let x = c.l;
  let k = c.r;
  const flip: Record<string, string> = { '<': '>', '>': '<', '<=': '>=', '>=': '<=', '==': '==', '!=': '!=' };
  if (!(x.k === 'id' && x.local) && k.k === 'id' && k.local) {
    [x, k] = [k, x];
    op = flip[op] ?? op;
  }
  while (x.k === 'cast') x = x.e;
  if (x.k !== 'id' || !x.local || !flip[op]) return [];
  const v = x.local;
  // an address-taken local changes behind our back (`regmap_read(map, reg, &val); if (val != 0x0f) goto err;`
  // repeated: the second test must not see the first one's narrowing)
  if (v.addrTaken) return [];
  const cur = rangeOf(ev, x);
  const kr = rangeOf(ev, k);
  if (!cur || !kr || kr[0] !== kr[1]) return [];
  const n = kr[0];
  const lo = cur[0];
  const hi = cur[1];
  const clip = (r: Range): Range | undefined => {
    const a = r[0] > lo ? r[0] : lo;
    const b = r[1] < hi ? r[1] : hi;
    return a <= b ? [a, b] : undefined;
  };
  const out: { v: LocalVar; yes?: Range; no?: Range }[] = [];
  const push = (yes: Range, no: Range) => {
    const y = clip(yes);
    const nn = clip(no);
    const item: { v: LocalVar; yes?: Range; no?: Range } = { v };
    if (y) item.yes = y;
    if (nn) item.no = nn;
    out.push(item);
  };
  switch (op) {
    case '<': push([lo, n - 1n], [n, hi]); break;
    case '<=': push([lo, n], [n + 1n, hi]); break;
    case '>': push([n + 1n, hi], [lo, n]); break;
    case '>=': push([n, hi], [lo, n - 1n]); break;
    // x != n excludes n only at an end of the interval
    case '==': push([n, n], [n === lo ? lo + 1n : lo, n === hi ? hi - 1n : hi]); break;
    case '!=': push([n === lo ? lo + 1n : lo, n === hi ? hi - 1n : hi], [n, n]); break;
  }
  return out;
}

export { sizeType };
