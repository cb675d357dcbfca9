/**
 * C library number parsing as conf uses it (strtoll / strtoull with base 0, 10 or 16), on 64-bit values.
 * conf's comparisons and range checks depend on the exact C behaviour: leading blanks and a sign are accepted,
 * parsing stops at the first invalid digit, overflow saturates and sets errno.
 */

export interface CNum {
  value: bigint;
  /** index just after the last digit consumed (0 when nothing was parsed) */
  end: number;
  /** ERANGE */
  overflow: boolean;
}

const LLONG_MAX = (1n << 63n) - 1n;
const LLONG_MIN = -(1n << 63n);
const ULLONG_MAX = (1n << 64n) - 1n;

function digitVal(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x61 && c <= 0x7a) return c - 0x61 + 10;
  if (c >= 0x41 && c <= 0x5a) return c - 0x41 + 10;
  return 99;
}

function isSpace(c: number): boolean {
  return c === 0x20 || (c >= 0x09 && c <= 0x0d);
}

/** shared scanner: magnitude (unbounded), sign, end */
function scan(s: string, base: number): { neg: boolean; mag: bigint; end: number; any: boolean } {
  let i = 0;
  while (i < s.length && isSpace(s.charCodeAt(i))) i++;
  let neg = false;
  if (s[i] === '+' || s[i] === '-') {
    neg = s[i] === '-';
    i++;
  }
  if ((base === 0 || base === 16) && s[i] === '0' && (s[i + 1] === 'x' || s[i + 1] === 'X') && digitVal(s.charCodeAt(i + 2)) < 16) {
    i += 2;
    base = 16;
  } else if (base === 0) base = s[i] === '0' ? 8 : 10;
  const start = i;
  let mag = 0n;
  const b = BigInt(base);
  while (i < s.length) {
    const d = digitVal(s.charCodeAt(i));
    if (d >= base) break;
    mag = mag * b + BigInt(d);
    i++;
  }
  if (i === start) {
    // "0x" with no hex digit parses the "0"; otherwise nothing was parsed
    return { neg: false, mag: 0n, end: 0, any: false };
  }
  return { neg, mag, end: i, any: true };
}

/** plain decimal without sign, blanks or leading zero, short enough for a double: no BigInt work needed */
const SIMPLE_DEC = /^[1-9][0-9]{0,14}$/;

export function strtoll(s: string, base: number): CNum {
  if (base !== 16 && (SIMPLE_DEC.test(s) || s === '0')) return { value: BigInt(Number(s)), end: s.length, overflow: false };
  const c = s.charCodeAt(0);
  // not a number at all (the common case for string comparisons): nothing parsed
  if (!(c >= 0x30 && c <= 0x39) && c !== 0x2b && c !== 0x2d && c !== 0x20 && !(c >= 0x09 && c <= 0x0d) && !(base === 16 && digitVal(c) < 16)) {
    return { value: 0n, end: 0, overflow: false };
  }
  const r = scan(s, base);
  if (!r.any) return { value: 0n, end: 0, overflow: false };
  let v = r.neg ? -r.mag : r.mag;
  let overflow = false;
  if (v > LLONG_MAX) {
    v = LLONG_MAX;
    overflow = true;
  } else if (v < LLONG_MIN) {
    v = LLONG_MIN;
    overflow = true;
  }
  return { value: v, end: r.end, overflow };
}

export function strtoull(s: string, base: number): CNum {
  const r = scan(s, base);
  if (!r.any) return { value: 0n, end: 0, overflow: false };
  if (r.mag > ULLONG_MAX) return { value: ULLONG_MAX, end: r.end, overflow: true };
  const v = r.neg ? BigInt.asUintN(64, -r.mag) : r.mag;
  return { value: v, end: r.end, overflow: false };
}
