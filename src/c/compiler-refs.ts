import type { Expr, Init, LocalVar, Stmt } from './ast.js';
import type { Evaluator } from './consteval.js';
import type { Parser } from './parser.js';
import { typeOf } from './sema.js';
import { type IntType, type Target, asInt, commonInt, decay, promote, sizeOf, targetFor } from './types.js';

/**
 * References the compiler introduces that the source does not show, and the thresholds that decide them. The ARM
 * numbers were measured with arm-linux-gnueabihf-gcc 12.2 at -O2 -march=armv7-a -marm (the multi_v7 flags):
 * see test/c/compiler-model.test.ts, which re-measures them when the cross compiler is installed.
 */
export interface CompilerModel {
  target: Target;
  stackProtector: 'none' | 'normal' | 'strong' | 'all';
  /** where the canary lives: 'global' makes protected functions reference __stack_chk_guard */
  stackGuard: 'tls' | 'global' | 'sysreg';
  autoVarInit: 'zero' | 'pattern' | undefined;
  /** smallest uninitialised local aggregate that -ftrivial-auto-var-init clears with a memset call */
  autoInitMemsetMin: number;
  /** largest constant-size memcpy / aggregate copy expanded inline */
  memcpyInlineMax: number;
  /** largest constant-size memmove expanded inline */
  memmoveInlineMax: number;
  /** largest constant-size memset with a constant value expanded inline */
  memsetInlineMax: number;
  /** largest word-aligned aggregate an all-zero initialiser list clears without a memset call */
  zeroInitMemsetMin: number;
  /** ARM EHABI unwind tables (-funwind-tables): every object with code references __aeabi_unwind_cpp_pr0 */
  armUnwind: boolean;
  /** -pg / -mrecord-mcount etc.: the profiling call */
  mcount: string | undefined;
}

let lastAutoconf: string | undefined;
let lastPerTask = false;

/**
 * CONFIG_STACKPROTECTOR_PER_TASK=y in this autoconf.h: the configuration's answer to where the canary lives when the
 * compile command does not say (remembered for the last text: every unit of a run asks).
 */
export function perTaskStackProtector(autoconf: string): boolean {
  if (autoconf !== lastAutoconf) {
    lastAutoconf = autoconf;
    lastPerTask = /^#define CONFIG_STACKPROTECTOR_PER_TASK 1$/m.test(autoconf);
  }
  return lastPerTask;
}

export function compilerModel(arch: string, flags: readonly string[], perTaskStackProtector = false): CompilerModel {
  const target = targetFor(arch, flags);
  let stackProtector: CompilerModel['stackProtector'] = 'none';
  // a per-task canary (CONFIG_STACKPROTECTOR_PER_TASK) is what the arch's prepare recipe sets up when the compile
  // command does not say (its flags come from a recipe kvlint does not run)
  let stackGuard: CompilerModel['stackGuard'] = arch === 'x86' ? 'tls' : !perTaskStackProtector ? 'global' : arch === 'arm64' ? 'sysreg' : 'tls';
  let autoVarInit: CompilerModel['autoVarInit'];
  let armUnwind = false;
  let mcount: string | undefined;
  let fentry = false;
  let pg = false;
  for (const f of flags) {
    if (f === '-fstack-protector') stackProtector = 'normal';
    else if (f === '-fstack-protector-strong') stackProtector = 'strong';
    else if (f === '-fstack-protector-all') stackProtector = 'all';
    else if (f === '-fno-stack-protector') stackProtector = 'none';
    else if (f.startsWith('-mstack-protector-guard=')) {
      const v = f.slice('-mstack-protector-guard='.length);
      stackGuard = v === 'tls' ? 'tls' : v === 'sysreg' ? 'sysreg' : 'global';
    } else if (f === '-ftrivial-auto-var-init=zero') autoVarInit = 'zero';
    else if (f === '-ftrivial-auto-var-init=pattern') autoVarInit = 'pattern';
    else if (f === '-funwind-tables') armUnwind = arch === 'arm';
    else if (f === '-fno-unwind-tables') armUnwind = false;
    else if (f === '-pg') pg = true;
    else if (f === '-mfentry') fentry = true;
  }
  if (pg) mcount = arch === 'arm' ? '__gnu_mcount_nc' : arch === 'x86' ? (fentry ? '__fentry__' : 'mcount') : '_mcount';
  const arm = arch === 'arm';
  return {
    target,
    stackProtector,
    stackGuard,
    autoVarInit,
    autoInitMemsetMin: arm ? 29 : 64,
    memcpyInlineMax: arm ? 64 : 64,
    memmoveInlineMax: arm ? 4 : 8,
    memsetInlineMax: arm ? 28 : 64,
    zeroInitMemsetMin: arm ? 28 : 64,
    armUnwind,
    mcount,
  };
}

/** the library call a division compiles to, if any (32-bit targets without a divide instruction, 64-bit on 32-bit) */
export function divisionCall(p: Parser, m: CompilerModel, e: Expr & { k: 'bin' | 'assign' }, op: string, ev: Evaluator): string | undefined {
  const tg = m.target;
  let t;
  if (e.k === 'bin') t = asInt(typeOf(p, e));
  else {
    const l = asInt(decay(typeOf(p, e.l)));
    const r = asInt(decay(typeOf(p, e.r)));
    t = l && r ? commonInt(l, r) : l ? promote(l) : undefined;
  }
  if (!t) return undefined;
  if (e.k === 'bin' && t.size === 8) t = shortenedDivision(p, e, t, ev) ?? t;
  if (t.size <= 4 && !tg.softDiv32) return undefined;
  if (t.size === 8 && !tg.softDiv64) return undefined;
  if (t.size > 8) return undefined;
  const divisor = ev.int(e.r);
  if (divisor !== undefined) {
    if (divisor === 0n) return undefined;
    if (e.k === 'bin' && ev.int(e.l) !== undefined) return undefined; // folds
    if (t.size <= 4) return undefined; // multiplication by the inverse
    if (!doublewordDivCall(divisor, t.signed)) return undefined;
  }
  const n = tg.divNames;
  if (t.size === 8) return t.signed ? (op === '/' ? n.sdiv64 : n.smod64) : op === '/' ? n.udiv64 : n.umod64;
  return t.signed ? (op === '/' ? n.sdiv : n.smod) : op === '/' ? n.udiv : n.umod;
}

/**
 * The operand under the conversions that widen it, as gcc's get_narrower sees it (c-family, tree.cc): its type, and
 * whether it is zero-extended (the signedness of the type inside the outermost widening; an inner widening of the
 * other signedness stops the walk). Without a conversion, the operand's own type.
 */
function narrowed(p: Parser, e: Expr): { t: IntType; unsigned: boolean } | undefined {
  const own = asInt(typeOf(p, e));
  if (!own) return undefined;
  let cur = e;
  let uns = !own.signed;
  let first = true;
  while (cur.k === 'cast') {
    const outer = asInt(typeOf(p, cur));
    const inner = asInt(decay(typeOf(p, cur.e)));
    if (!outer || !inner || inner.size > outer.size) break;
    if (inner.size < outer.size) {
      if (first) uns = !inner.signed;
      else if (uns !== !inner.signed) break;
    } else if (first) uns = !inner.signed;
    first = false;
    cur = cur.e;
  }
  return { t: asInt(decay(typeOf(p, cur)))!, unsigned: uns };
}

function fitsInt(v: bigint, size: number, unsigned: boolean): boolean {
  const bits = BigInt(size * 8);
  return unsigned ? v >= 0n && v < 1n << bits : v >= -(1n << (bits - 1n)) && v < 1n << (bits - 1n);
}

/**
 * The narrower type gcc's C front end does a 64-bit division or remainder in (c-typeck.cc build_binary_op and
 * c-common.cc shorten_binary_op), or undefined: `(u64)a / 1000` with a 32-bit unsigned `a` is a 32-bit division by a
 * constant (inline), `2000000000ULL / b` a 32-bit __aeabi_uidiv — no __aeabi_uldivmod. It shortens only when the
 * dividend's type is unsigned or the divisor a constant other than -1, and when both operands are extensions of
 * the same narrower width the same way (or one is a constant that fits the other's narrower type).
 */
function shortenedDivision(p: Parser, e: Expr & { k: 'bin' }, result: IntType, ev: Evaluator): IntType | undefined {
  const l = asInt(decay(typeOf(p, e.l)));
  const divisor = ev.int(e.r);
  if (!l || !(!l.signed || (divisor !== undefined && divisor !== -1n))) return undefined;
  const a = narrowed(p, e.l);
  const b = narrowed(p, e.r);
  if (!a || !b) return undefined;
  const uns = !result.signed;
  const typed = (size: number, unsigned: boolean): IntType => ({ k: 'int', size, signed: !unsigned, rank: size >= 4 ? 4 : size === 2 ? 3 : 2 });
  if (a.t.size < result.size && b.t.size === a.t.size && a.unsigned === b.unsigned && (a.unsigned || !uns)) return typed(a.t.size, a.unsigned);
  const dividend = ev.int(e.l);
  if (dividend !== undefined && (b.unsigned || !uns) && b.t.size < result.size && fitsInt(dividend, b.t.size, b.unsigned)) return typed(b.t.size, b.unsigned);
  if (divisor !== undefined && (a.unsigned || !uns) && a.t.size < result.size && fitsInt(divisor, a.t.size, a.unsigned)) return typed(a.t.size, a.unsigned);
  return undefined;
}

/**
 * gcc (11+) expands a 64-bit division or modulo by a constant on a 32-bit target inline when the divisor is a
 * power of two, or when its odd part d satisfies 2^k ≡ 1 (mod d) for some word-sized chunk k (the multiplicative
 * order of 2 modulo d is at most 32; 31 for signed operands) — otherwise it calls the libgcc/AEABI helper.
 */
export function doublewordDivCall(divisor: bigint, signed: boolean): boolean {
  let d = divisor < 0n ? -divisor : divisor;
  if ((d & (d - 1n)) === 0n) return false;
  while ((d & 1n) === 0n) d >>= 1n;
  if (d === 1n) return false;
  const limit = signed ? 31 : 32;
  let x = 2n % d;
  for (let k = 1; k <= limit; k++) {
    if (x === 1n) return false;
    x = (x * 2n) % d;
  }
  return true;
}

export function memcpyCallNeeded(m: CompilerModel, size: number, name = 'memcpy'): boolean {
  return size > (name === 'memmove' ? m.memmoveInlineMax : m.memcpyInlineMax);
}

export function memsetCallNeeded(m: CompilerModel, size: number, valueKnown: boolean): boolean {
  return valueKnown ? size > m.memsetInlineMax : size > 1;
}

/**
 * The library call gcc emits to initialise a local aggregate of `size` bytes from an initialiser list (ARM gcc 12
 * measurements): word-aligned objects are cleared with memset above 28 bytes when the list is all zeros, above 32
 * when it sets some members; byte-aligned ones cleared by a partial list use memset from 30 bytes, and an all-zero
 * list is copied from a constant with memcpy above 64 bytes.
 */
export function initCall(m: CompilerModel, size: number, align: number, init: Init): 'memset' | 'memcpy' | undefined {
  if (init.k !== 'list') return undefined;
  const allZero = init.items.every((it) => it.init.k === 'expr' && it.init.e.k === 'num' && /^0+[uUlL]*$/.test(it.init.e.text));
  if (align >= 4 || m.target.arch !== 'arm') {
    if (allZero) return size > m.zeroInitMemsetMin ? 'memset' : undefined;
    return size > m.zeroInitMemsetMin + 4 ? 'memset' : undefined;
  }
  if (allZero) return size > m.memcpyInlineMax ? 'memcpy' : undefined;
  return size >= 30 ? 'memset' : undefined;
}

/** how a call's value is used: discarded, only tested against zero, or used as a value */
export type Use = 'void' | 'eqz' | 'value';

/**
 * The symbol a call to a C library function really references after gcc's builtin folding at -O2 (null: none,
 * expanded inline), for the calls gcc treats as builtins by name. Measured with arm-linux-gnueabihf-gcc 12.2:
 * strcmp/strncmp against a literal inline when at most 3 bytes are compared; strlen tested against zero becomes a
 * load; sprintf(d, "%s", s) with the result unused becomes strcpy; strcat(d, "lit") becomes strlen + stores;
 * strchr(s, 0) becomes strlen. Undefined when `name` is not one of these.
 */
export function libCallSymbol(
  m: CompilerModel,
  name: string,
  args: Expr[],
  use: Use,
  ev: Evaluator,
  lit: (e: Expr) => string | undefined,
): string | null | undefined {
  const n = (i: number) => (args[i] ? ev.int(args[i]!) : undefined);
  switch (name) {
    case 'memcpy':
    case 'memmove': {
      const size = n(2);
      return size !== undefined && !memcpyCallNeeded(m, Number(size), name) ? null : name;
    }
    case 'memset': {
      const size = n(2);
      return size !== undefined && !memsetCallNeeded(m, Number(size), n(1) !== undefined) ? null : name;
    }
    case 'memcmp':
    case 'bcmp': {
      const size = n(2);
      if (size !== undefined && size <= (use === 'eqz' ? 4n : 1n)) return null;
      return name;
    }
    case 'strlen':
      if (args[0] && lit(args[0]) !== undefined) return null;
      return use === 'eqz' ? null : name;
    case 'strcmp': {
      const l = lit(args[0]!) ?? lit(args[1]!);
      return l !== undefined && l.length + 1 <= 3 ? null : name;
    }
    case 'strncmp': {
      const size = n(2);
      const l = (args[0] && lit(args[0])) ?? (args[1] && lit(args[1]));
      if (size !== undefined) {
        const len = l !== undefined ? Math.min(Number(size), l.length + 1) : Number(size);
        if (l !== undefined ? len <= 3 : len <= 1) return null;
      }
      return name;
    }
    case 'strcpy': {
      const l = args[1] ? lit(args[1]) : undefined;
      if (l !== undefined) return memcpyCallNeeded(m, l.length + 1) ? 'memcpy' : null;
      return name;
    }
    case 'sprintf': {
      const f = args[1] ? lit(args[1]) : undefined;
      if (f !== undefined && use === 'void') {
        if (!f.includes('%')) return memcpyCallNeeded(m, f.length + 1) ? 'memcpy' : null;
        if (f === '%s' && args.length === 3) return 'strcpy';
      }
      return name;
    }
    case 'snprintf': {
      const f = args[2] ? lit(args[2]) : undefined;
      if (f !== undefined && use === 'void' && !f.includes('%') && args.length === 3) return null;
      return name;
    }
    case 'strcat': {
      const l = args[1] ? lit(args[1]) : undefined;
      return l !== undefined ? 'strlen' : name;
    }
    case 'strchr':
    case 'strrchr':
      return n(1) === 0n ? 'strlen' : name;
    default:
      return undefined;
  }
}

/**
 * Loops gcc -O2 turns into library calls (-ftree-loop-distribute-patterns), then expands inline when the size is
 * a small constant (the builtin thresholds): `for (i = a; i < n; i++) p[i] = 0;` → memset, and
 * `for (…) local[i] = q[i];` (one side a stack array that cannot overlap the other) → memcpy; also
 * `while (n--) *p++ = 0;`. Copies between two unknown pointers are left as loops (gcc 12 does not version them).
 */
export function loopLibCall(p: Parser, m: CompilerModel, s: Stmt, ev: Evaluator, escaping: Set<LocalVar>): string | undefined {
  let body: Stmt | undefined;
  let iv: LocalVar | undefined;
  let count: bigint | undefined;
  if (s.k === 'for') {
    iv = inductionVar(s);
    // a single exit test on the induction variable (`i < n && …` is not a distributable loop)
    const c = s.c;
    const isIv = (e: Expr) => e.k === 'id' && e.local === iv;
    if (!iv || !c || c.k !== 'bin' || !['<', '<=', '!=', '>', '>='].includes(c.op) || !(isIv(c.l) || isIv(c.r))) return undefined;
    body = s.body;
    count = tripCount(s, iv, ev);
  } else if (s.k === 'while') {
    // while (n--) *d++ = c;
    body = s.body;
    const c = s.c;
    if (!(c.k === 'post' && c.op === '--' && c.e.k === 'id' && c.e.local)) return undefined;
  } else return undefined;
  while (body && body.k === 'block' && body.items.length === 1) body = body.items[0];
  if (!body || body.k !== 'expr' || body.e.k !== 'assign' || body.e.op !== '=') return undefined;
  const { l, r } = body.e;
  const dst = iv ? indexedBy(l, iv) : postIncDeref(l);
  if (!dst) return undefined;
  const elem = sizeOf(typeOf(p, l), p.tg);
  if (elem === undefined) return undefined;
  let name: string | undefined;
  const rv = ev.int(r);
  if (rv !== undefined) {
    if (rv === 0n || elem === 1 || (rv === -1n)) name = 'memset';
  } else if (iv) {
    const src = indexedBy(r, iv);
    if (src && sizeOf(typeOf(p, r), p.tg) === elem && (isStackArray(dst, escaping) || isStackArray(src, escaping))) name = 'memcpy';
  }
  if (!name) return undefined;
  if (count !== undefined) {
    const bytes = Number(count) * elem;
    if (name === 'memset' ? !memsetCallNeeded(m, bytes, true) : !memcpyCallNeeded(m, bytes)) return undefined;
  }
  return name;
}

function inductionVar(s: Stmt & { k: 'for' }): LocalVar | undefined {
  const st = s.step;
  if (!st) return undefined;
  let v: LocalVar | undefined;
  if ((st.k === 'post' || st.k === 'un') && st.op === '++' && st.e.k === 'id') v = st.e.local;
  else if (st.k === 'assign' && st.op === '+=' && st.l.k === 'id' && st.r.k === 'num' && /^1[uUlL]*$/.test(st.r.text)) v = st.l.local;
  return v;
}

/** iterations of `for (i = a; i < n; i++)` when a and n fold */
function tripCount(s: Stmt & { k: 'for' }, iv: LocalVar, ev: Evaluator): bigint | undefined {
  let start: bigint | undefined;
  const init = s.init;
  if (init && init.k === 'expr' && init.e.k === 'assign' && init.e.l.k === 'id' && init.e.l.local === iv) start = ev.int(init.e.r);
  else if (init && init.k === 'decl' && init.vars[0] === iv && iv.init && iv.init.k === 'expr') start = ev.int(iv.init.e);
  const c = s.c;
  if (start === undefined || !c || c.k !== 'bin') return undefined;
  const isIv = (e: Expr) => e.k === 'id' && e.local === iv;
  let end: bigint | undefined;
  if (isIv(c.l) && (c.op === '<' || c.op === '!=')) end = ev.int(c.r);
  else if (isIv(c.l) && c.op === '<=') end = ev.int(c.r) !== undefined ? ev.int(c.r)! + 1n : undefined;
  else if (isIv(c.r) && c.op === '>') end = ev.int(c.l);
  return end === undefined ? undefined : end > start ? end - start : 0n;
}

/** the base of `base[iv]` */
function indexedBy(e: Expr, iv: LocalVar): Expr | undefined {
  if (e.k === 'index' && e.i.k === 'id' && e.i.local === iv) return e.e;
  return undefined;
}

/** `*p++` */
function postIncDeref(e: Expr): Expr | undefined {
  if (e.k === 'un' && e.op === '*' && e.e.k === 'post' && e.e.op === '++') return e.e.e;
  return undefined;
}

/**
 * a stack array: what parameters and globals point to cannot overlap it (gcc's points-to: NONLOCAL excludes
 * locals, even ones whose address escapes later), so the copy is a memcpy
 */
function isStackArray(e: Expr, _escaping: Set<LocalVar>): boolean {
  return e.k === 'id' && !!e.local && e.local.type.k === 'array' && !e.local.isStatic;
}
