import type { Expr, GSym, Init, LocalVar, Stmt } from './ast.js';
import type { Parser } from './parser.js';
import { enumValue } from './parser.js';
import { genericSelect, parseIntLiteral, typeOf } from './sema.js';
import { decodeEscapes } from './toks.js';
import {
  type CType, type IntType, INT, alignOf, asInt, commonInt, compatible, decay, findMember, promote, sizeOf, sizeType,
} from './types.js';
import { parseInitializer } from './parse-expr.js';
import { assignedIn } from './mutation.js';
import { type Range, rangeOf, truthOf } from './ranges.js';

/** A compile-time value: an integer, or the address of a symbol (never null) plus an offset. */
export type Val = { k: 'i'; v: bigint } | { k: 'a'; sym: string; off: bigint; local?: LocalVar };

/** Bindings of local variables (inlined parameters) to known values. */
export type Env = Map<LocalVar, Val>;

export interface EvalHooks {
  /** value of a call (e.g. an inlined static function whose result folds); undefined when unknown */
  call?(e: Expr & { k: 'call' }, ev: Evaluator): Val | undefined;
}

/** Integer constant expression (no environment): array sizes, enumerators, bit-field widths, case labels. */
export function evalConstExpr(p: Parser, e: Expr): bigint | undefined {
  const v = new Evaluator(p, undefined).val(e);
  return v && v.k === 'i' ? v.v : undefined;
}

export function wrap(v: bigint, t: IntType): bigint {
  const bits = BigInt(t.size * 8);
  if (t.size >= 16) return v;
  const mask = (1n << bits) - 1n;
  let r = v & mask;
  if (t.signed && r >= 1n << (bits - 1n)) r -= 1n << bits;
  return r;
}

const MAX_DEPTH = 200;

/**
 * Folds expressions the way gcc -O2 does for the purposes of dead-code elimination: integer arithmetic in the
 * expression's type, sizeof/offsetof/alignof, enumerators, const-qualified file-scope scalars, locals that are
 * never written after their initialiser, parameters bound by inlining, __builtin_constant_p, __builtin_choose_expr,
 * _Generic, __builtin_types_compatible_p, and simple statement expressions (the min()/max() macros).
 */
export class Evaluator {
  private depth = 0;
  private readonly visiting = new Set<object>();
  constructor(readonly p: Parser, public env: Env | undefined, readonly hooks: EvalHooks = {}) {}

  int(e: Expr): bigint | undefined {
    const v = this.val(e);
    return v && v.k === 'i' ? v.v : undefined;
  }

  /** value ranges of locals known on the current path (see ranges.ts); only conditions use them */
  ranges: Map<LocalVar, Range> | undefined;

  /**
   * Values and ranges already computed during the current top-level query (a `truth`/`val`/`rangeOf` call from
   * outside): the environment cannot change during one, except inside statement expressions, which run uncached.
   * Without it, `truth` (value, then ranges) re-evaluates every operand of a `&&`/`||` chain at each level, which
   * is exponential in the chain's depth (net/wireless/nl80211.c never finished).
   */
  private memo: Map<Expr, Val | null> | undefined;
  /** interval memo of the current query (ranges.ts) */
  rangeMemo: Map<Expr, Range | null> | undefined;

  /** run `fn` as one query: values and ranges computed inside are shared until it returns */
  scoped<T>(fn: () => T): T {
    if (this.memo || this.depth > 0) return fn();
    this.memo = new Map();
    this.rangeMemo = new Map();
    try {
      return fn();
    } finally {
      this.memo = undefined;
      this.rangeMemo = undefined;
    }
  }

  /** truth value: true/false when known (from the value, else from value ranges) */
  truth(e: Expr): boolean | undefined {
    return this.scoped(() => {
      const v = this.val(e);
      if (!v) {
        if (this.depth > MAX_DEPTH) {
          this.truncated++;
          return undefined;
        }
        return truthOf(this, e);
      }
      if (v.k === 'a') return true;
      return v.v !== 0n;
    });
  }

  /** how many evaluations the depth limits cut short (results that saw one are not memoised) */
  truncated = 0;

  val(e: Expr): Val | undefined {
    if (this.depth > MAX_DEPTH) {
      this.truncated++;
      return undefined;
    }
    if (!this.memo && this.depth === 0) return this.scoped(() => this.val(e));
    const memo = this.memo;
    if (memo) {
      const c = memo.get(e);
      if (c !== undefined) return c === null ? undefined : c;
    }
    const cuts = this.truncated;
    this.depth++;
    try {
      const v = this.compute(e);
      // a result cut short by the depth limit is not the expression's value
      if (memo && this.truncated === cuts) memo.set(e, v ?? null);
      return v;
    } finally {
      this.depth--;
    }
  }

  private intOf(t: CType): IntType | undefined {
    const d = decay(t);
    if (d.k === 'ptr') return sizeType(this.p.tg);
    return asInt(d);
  }

  private compute(e: Expr): Val | undefined {
    const p = this.p;
    switch (e.k) {
      case 'num': {
        const v = parseIntLiteral(e.text);
        return v === undefined ? undefined : { k: 'i', v };
      }
      case 'chr':
        return { k: 'i', v: charValue(e.text) };
      case 'str':
        return { k: 'a', sym: '"', off: 0n };
      case 'id':
        return this.ident(e);
      case 'un':
        return this.unary(e);
      case 'bin':
        return this.binary(e);
      case 'cond': {
        const c = this.truth(e.c);
        if (c === undefined) return undefined;
        if (c) return e.a ? this.convert(this.val(e.a), typeOf(p, e)) : this.val(e.c);
        return this.convert(this.val(e.b), typeOf(p, e));
      }
      case 'cast':
        return this.convert(this.val(e.e), e.type);
      case 'sizeof': {
        const t = e.type ?? (e.e ? typeOf(p, e.e) : undefined);
        if (!t) return undefined;
        const n = e.align ? alignOf(t, p.tg) : sizeOf(t, p.tg);
        return n === undefined ? undefined : { k: 'i', v: BigInt(n) };
      }
      case 'offsetof':
        return this.offsetof(e);
      case 'typescompat':
        return { k: 'i', v: compatible(e.a, e.b) ? 1n : 0n };
      case 'choose': {
        const c = this.truth(e.c);
        if (c === undefined) return undefined;
        return this.val(c ? e.a : e.b);
      }
      case 'generic': {
        const s = genericSelect(p, e);
        return s ? this.val(s) : undefined;
      }
      case 'comma':
        return this.val(e.r);
      case 'builtin':
        return this.builtin(e);
      case 'stmtexpr':
        return this.stmtExpr(e.body);
      case 'call':
        return this.hooks.call?.(e, this);
      case 'member':
        return this.member(e);
      case 'assign':
      case 'post':
      case 'index':
      case 'complit':
      case 'vaarg':
      case 'labeladdr':
      case 'bad':
        return undefined;
    }
  }

  private ident(e: Expr & { k: 'id' }): Val | undefined {
    if (e.ec) {
      const v = enumValue(e.ec);
      return v === undefined ? undefined : { k: 'i', v };
    }
    if (e.local) return this.local(e.local);
    if (e.sym) return this.global(e.sym);
    return undefined;
  }

  local(v: LocalVar): Val | undefined {
    const bound = this.env?.get(v);
    if (bound) return bound;
    if (v.param !== undefined || v.mutated || v.isStatic || !v.init || v.init.k !== 'expr') {
      if (v.global) return this.global(v.global);
      // a never-written static local with a scalar initialiser is a constant too
      if (v.isStatic && !v.mutated && v.init && v.init.k === 'expr') return this.guarded(v, () => this.val((v.init as { e: Expr }).e));
      return undefined;
    }
    const t = v.type;
    if (t.k === 'array' || t.k === 'record' || t.k === 'func') return undefined;
    return this.guarded(v, () => this.convert(this.val((v.init as { e: Expr }).e), t));
  }

  private guarded<T>(key: object, fn: () => T | undefined): T | undefined {
    if (this.visiting.has(key)) return undefined;
    this.visiting.add(key);
    try {
      return fn();
    } finally {
      this.visiting.delete(key);
    }
  }

  private global(g: GSym): Val | undefined {
    if (g.kind === 'func' || g.type.k === 'array') return { k: 'a', sym: g.asmName, off: 0n };
    // const-qualified scalars with an initialiser fold (gcc reads them at compile time)
    if (g.constQual && g.init && (g.type.k === 'int' || g.type.k === 'enum' || g.type.k === 'ptr') && !g.weak) {
      const init = globalInit(this.p, g);
      if (init && init.k === 'expr') return this.guarded(g, () => this.convert(this.val(init.e), g.type));
    }
    return undefined;
  }

  private member(e: Expr & { k: 'member' }): Val | undefined {
    // member of a const file-scope struct with a designated initialiser
    if (e.arrow || e.e.k !== 'id' || !e.e.sym) return undefined;
    const g = e.e.sym;
    if (!g.constQual || !g.init || g.type.k !== 'record' || g.weak) return undefined;
    const init = globalInit(this.p, g);
    if (!init || init.k !== 'list') return undefined;
    const rec = g.type.rec;
    if (rec.resolve) rec.resolve();
    const names = (rec.members ?? []).map((m) => m.name);
    let idx = 0;
    for (const it of init.items) {
      const d = it.desig[0];
      if (d && d.k === 'field') idx = names.indexOf(d.name);
      if (idx >= 0 && names[idx] === e.name && it.desig.length <= 1 && it.init.k === 'expr') {
        const ex = it.init.e;
        return this.guarded(g, () => this.convert(this.val(ex), typeOf(this.p, e)));
      }
      idx++;
    }
    // not mentioned: zero
    return names.includes(e.name) ? { k: 'i', v: 0n } : undefined;
  }

  convert(v: Val | undefined, t: CType): Val | undefined {
    if (!v) return undefined;
    if (t.k === 'void') return undefined;
    if (v.k === 'a') return t.k === 'ptr' || (t.k === 'int' && t.size >= this.p.tg.ptrSize) ? v : t.k === 'int' && t.rank === 1 ? { k: 'i', v: 1n } : undefined;
    const it = this.intOf(t);
    if (!it) return t.k === 'float' ? undefined : v;
    if (it.rank === 1) return { k: 'i', v: v.v !== 0n ? 1n : 0n };
    return { k: 'i', v: wrap(v.v, it) };
  }

  private unary(e: Expr & { k: 'un' }): Val | undefined {
    if (e.op === '&') return this.addressOf(e.e);
    if (e.op === '*' || e.op === '++' || e.op === '--' || e.op.startsWith('__')) return undefined;
    const v = this.val(e.e);
    if (!v) return undefined;
    if (e.op === '!') return { k: 'i', v: v.k === 'a' ? 0n : v.v === 0n ? 1n : 0n };
    if (v.k !== 'i') return undefined;
    const t = this.intOf(typeOf(this.p, e));
    let r: bigint;
    switch (e.op) {
      case '-':
        r = -v.v;
        break;
      case '~':
        r = ~v.v;
        break;
      default:
        r = v.v;
    }
    return { k: 'i', v: t ? wrap(r, t) : r };
  }

  private addressOf(e: Expr): Val | undefined {
    switch (e.k) {
      case 'id':
        if (e.sym) return { k: 'a', sym: e.sym.asmName, off: 0n };
        if (e.local && (e.local.isStatic || e.local.global)) return { k: 'a', sym: '.local', off: 0n };
        return e.local ? { k: 'a', sym: '.stack', off: 0n, local: e.local } : undefined;
      case 'member':
        if (e.arrow) {
          const base = this.val(e.e);
          return base && base.k === 'a' ? base : undefined;
        }
        return this.addressOf(e.e);
      case 'index':
        return this.addressOf(e.e);
      case 'str':
        return { k: 'a', sym: '"', off: 0n };
      default:
        return undefined;
    }
  }

  /**
   * can the (non-constant) operand e of `e & mask` have none of mask's bits? Both are seen as bit patterns of the
   * operation's type `top` (an int constant like `1 << 31` is negative, its pattern is what is ANDed)
   */
  private disjoint(e: Expr, mask: bigint, top: Expr): boolean {
    const t = this.intOf(typeOf(this.p, top));
    if (!t) return false;
    const w = BigInt(t.size * 8);
    const m = this.possibleBits(e, w, 0);
    return m !== undefined && (m & mask & ((1n << w) - 1n)) === 0n;
  }

  /** the bits an integer expression can have set, as a pattern of w bits (its value converted to w bits); undefined when unbounded */
  private possibleBits(e: Expr, w: bigint, d: number): bigint | undefined {
    if (d > 16) return undefined;
    const all = (1n << w) - 1n;
    const v = this.val(e);
    if (v) return v.k === 'i' ? v.v & all : undefined;
    const t = this.intOf(typeOf(this.p, e));
    if (!t) return undefined;
    const tw = BigInt(t.size * 8);
    if (tw > w) return undefined;
    let m: bigint | undefined;
    if (e.k === 'cast') m = this.possibleBits(e.e, tw, d + 1);
    else if (e.k === 'bin') {
      const l = this.possibleBits(e.l, tw, d + 1);
      const r = this.possibleBits(e.r, tw, d + 1);
      if (e.op === '&') m = l !== undefined && r !== undefined ? l & r : (l ?? r);
      else if (e.op === '|' || e.op === '^') m = l !== undefined && r !== undefined ? l | r : undefined;
    }
    if (m === undefined) return undefined;
    // widening a signed value whose sign bit may be set copies it into the new bits
    if (tw < w && t.signed && m & (1n << (tw - 1n))) return undefined;
    return m;
  }

  private binary(e: Expr & { k: 'bin' }): Val | undefined {
    const op = e.op;
    if (op === '&&' || op === '||') {
      const l = this.truth(e.l);
      if (l === undefined) {
        // `x && 0` and `x || 1` fold even when x does not
        const r = this.truth(e.r);
        if (op === '&&' && r === false) return { k: 'i', v: 0n };
        if (op === '||' && r === true) return { k: 'i', v: 1n };
        return undefined;
      }
      if (op === '&&' && !l) return { k: 'i', v: 0n };
      if (op === '||' && l) return { k: 'i', v: 1n };
      const r = this.truth(e.r);
      return r === undefined ? undefined : { k: 'i', v: r ? 1n : 0n };
    }
    const lv = this.val(e.l);
    if (!lv) {
      // 0 * x, x & 0, and (x & C1) & C2 with no bit in common (tlb_flag(): `__tlb_flag & possible & f`)
      if (op === '*' || op === '&') {
        const rv = this.val(e.r);
        if (rv && rv.k === 'i' && rv.v === 0n) return rv;
        if (op === '&' && rv && rv.k === 'i' && rv.v !== 0n && this.disjoint(e.l, rv.v, e)) return { k: 'i', v: 0n };
      }
      return undefined;
    }
    const rv = this.val(e.r);
    if (!rv) {
      if ((op === '*' || op === '&') && lv.k === 'i' && lv.v === 0n) return lv;
      if (op === '&' && lv.k === 'i' && lv.v !== 0n && this.disjoint(e.r, lv.v, e)) return { k: 'i', v: 0n };
      return undefined;
    }
    if (lv.k === 'a' || rv.k === 'a') return addrArith(op, lv, rv);
    const p = this.p;
    const lt = this.intOf(typeOf(p, e.l));
    const rt = this.intOf(typeOf(p, e.r));
    let a = lv.v;
    let b = rv.v;
    const isCmp = op === '==' || op === '!=' || op === '<' || op === '>' || op === '<=' || op === '>=';
    let ct: IntType | undefined;
    if (op === '<<' || op === '>>') ct = lt ? promote(lt) : undefined;
    else if (lt && rt) ct = commonInt(lt, rt);
    if (ct && op !== '<<' && op !== '>>') {
      a = wrap(a, ct);
      b = wrap(b, ct);
    } else if (ct) a = wrap(a, ct);
    let r: bigint;
    switch (op) {
      case '+': r = a + b; break;
      case '-': r = a - b; break;
      case '*': r = a * b; break;
      case '/':
        if (b === 0n) return undefined;
        r = a / b;
        break;
      case '%':
        if (b === 0n) return undefined;
        r = a % b;
        break;
      case '<<':
        if (b < 0n || b > 128n) return undefined;
        r = a << b;
        break;
      case '>>':
        if (b < 0n || b > 128n) return undefined;
        r = a >> b;
        break;
      case '&': r = a & b; break;
      case '|': r = a | b; break;
      case '^': r = a ^ b; break;
      case '==': r = a === b ? 1n : 0n; break;
      case '!=': r = a !== b ? 1n : 0n; break;
      case '<': r = a < b ? 1n : 0n; break;
      case '>': r = a > b ? 1n : 0n; break;
      case '<=': r = a <= b ? 1n : 0n; break;
      case '>=': r = a >= b ? 1n : 0n; break;
      default:
        return undefined;
    }
    if (isCmp) return { k: 'i', v: r };
    const rt2 = this.intOf(typeOf(p, e));
    return { k: 'i', v: rt2 ? wrap(r, rt2) : r };
  }

  private offsetof(e: Expr & { k: 'offsetof' }): Val | undefined {
    let t = e.type;
    let off = 0n;
    const tg = this.p.tg;
    for (const step of e.path) {
      if (typeof step === 'string') {
        if (t.k !== 'record') return undefined;
        const m = findMember(t.rec, step, tg);
        if (!m) return undefined;
        off += BigInt(m.offset);
        t = m.type;
      } else {
        if (t.k !== 'array') return undefined;
        const i = this.int(step);
        const es = sizeOf(t.of, tg);
        if (i === undefined || es === undefined) return undefined;
        off += i * BigInt(es);
        t = t.of;
      }
    }
    return { k: 'i', v: off };
  }

  private builtin(e: Expr & { k: 'builtin' }): Val | undefined {
    const n = e.name.replace(/^__builtin_/, '');
    const a0 = e.args[0];
    switch (n) {
      case 'constant_p': {
        if (!a0) return { k: 'i', v: 0n };
        const v = this.val(a0);
        return { k: 'i', v: v !== undefined ? 1n : 0n };
      }
      case 'expect':
      case 'expect_with_probability':
      case 'assume_aligned':
        return a0 ? this.val(a0) : undefined;
      case 'object_size':
      case 'dynamic_object_size': {
        const type = e.args[1] ? this.int(e.args[1]) : 0n;
        const size = a0 ? this.objectSize(a0) : undefined;
        const st = sizeType(this.p.tg);
        if (size !== undefined) return { k: 'i', v: BigInt(size) };
        return { k: 'i', v: type !== undefined && type >= 2n ? 0n : wrap(-1n, st) };
      }
      case 'strlen': {
        if (a0 && a0.k === 'str') {
          let s = '';
          for (const t of a0.toks) s += this.p.toks.str(t) ?? '';
          return { k: 'i', v: BigInt(s.length) };
        }
        return undefined;
      }
      case 'clz': case 'clzl': case 'clzll': case 'ctz': case 'ctzl': case 'ctzll':
      case 'ffs': case 'ffsl': case 'ffsll': case 'popcount': case 'popcountl': case 'popcountll':
      case 'parity': case 'parityl': case 'parityll': {
        const v = a0 ? this.int(a0) : undefined;
        if (v === undefined) return undefined;
        const bits = n.endsWith('ll') ? 64 : n.endsWith('l') ? this.p.tg.longSize * 8 : 32;
        return { k: 'i', v: bitOp(n.replace(/l+$/, ''), v, bits) };
      }
      case 'bswap16': case 'bswap32': case 'bswap64': {
        const v = a0 ? this.int(a0) : undefined;
        if (v === undefined) return undefined;
        const bytes = n === 'bswap16' ? 2 : n === 'bswap32' ? 4 : 8;
        let r = 0n;
        for (let i = 0; i < bytes; i++) r = (r << 8n) | ((v >> BigInt(8 * i)) & 0xffn);
        return { k: 'i', v: r };
      }
      case 'add_overflow':
      case 'sub_overflow':
      case 'mul_overflow': {
        const r = this.overflow(n, e.args);
        return r ? { k: 'i', v: r.overflow ? 1n : 0n } : undefined;
      }
      case 'classify_type':
        return undefined;
      default:
        return undefined;
    }
  }

  /** __builtin_{add,sub,mul}_overflow(a, b, &r) with known operands: the stored value and the overflow flag */
  overflow(name: string, args: Expr[]): { value: bigint; overflow: boolean; target: Val | undefined } | undefined {
    if (args.length !== 3) return undefined;
    const a = this.int(args[0]!);
    const b = this.int(args[1]!);
    const pt = decay(typeOf(this.p, args[2]!));
    const t = pt.k === 'ptr' ? asInt(pt.to) : undefined;
    if (a === undefined || b === undefined || !t) return undefined;
    const exact = name.startsWith('add') ? a + b : name.startsWith('sub') ? a - b : a * b;
    const value = wrap(exact, t);
    return { value, overflow: value !== exact, target: this.val(args[2]!) };
  }

  /** __builtin_object_size of &var, var (an array) or a string; undefined when not known */
  private objectSize(e: Expr): number | undefined {
    const tg = this.p.tg;
    if (e.k === 'cast') return this.objectSize(e.e);
    if (e.k === 'un' && e.op === '&' && e.e.k === 'id' && (e.e.local || e.e.sym)) {
      return sizeOf(typeOf(this.p, e.e), tg);
    }
    if (e.k === 'id' && (e.local || e.sym)) {
      const t = typeOf(this.p, e);
      if (t.k === 'array') return sizeOf(t, tg);
      if (e.local) {
        const b = this.env?.get(e.local);
        void b;
      }
    }
    return undefined;
  }

  /**
   * Statement expressions, interpreted as straight-line code: declarations bind their initial values,
   * assignments to locals update them, `if` with a known condition runs one branch (an unknown one forgets what
   * either branch writes); the value is that of the last expression statement. Loops, jumps and returns give up.
   */
  private stmtExpr(body: Stmt & { k: 'block' }): Val | undefined {
    const saved = this.env;
    const savedR = this.ranges;
    const savedMemo = this.memo;
    const savedRMemo = this.rangeMemo;
    const env: Env = new Map(saved ?? []);
    this.env = env;
    this.ranges = new Map(savedR ?? []);
    // locals change from statement to statement in here: no memo (depth > 0 keeps val from opening one)
    this.memo = undefined;
    this.rangeMemo = undefined;
    try {
      const items = body.items;
      for (let i = 0; i < items.length - 1; i++) if (!this.exec(items[i]!, env)) return undefined;
      const last = items[items.length - 1];
      if (!last || last.k !== 'expr') return undefined;
      return this.val(last.e);
    } finally {
      this.env = saved;
      this.ranges = savedR;
      this.memo = savedMemo;
      this.rangeMemo = savedRMemo;
    }
  }

  /** bind a local to the value (or, failing that, the interval) of an expression */
  bind(v: LocalVar, e: Expr, env: Env): void {
    this.ranges?.delete(v);
    const val = this.convert(this.val(e), v.type);
    if (val) {
      env.set(v, val);
      return;
    }
    env.delete(v);
    const r = rangeOf(this, e);
    if (!r) return;
    // an interval of one value is a constant (VRP folds it)
    if (r[0] === r[1]) env.set(v, { k: 'i', v: r[0] });
    else this.ranges?.set(v, r);
  }

  /** run a statement for its effect on local values; false when it cannot be followed */
  private exec(s: Stmt, env: Env): boolean {
    switch (s.k) {
      case 'decl':
        for (const v of s.vars) {
          if (v.isStatic) continue;
          if (v.init && v.init.k === 'expr' && !v.addrTaken && v.type.k !== 'record' && v.type.k !== 'array') this.bind(v, v.init.e, env);
          else {
            env.delete(v);
            this.ranges?.delete(v);
          }
        }
        return true;
      case 'expr':
        return this.execExpr(s.e, env);
      case 'empty':
        return true;
      case 'block':
        for (const it of s.items) if (!this.exec(it, env)) return false;
        return true;
      case 'if': {
        const c = this.truth(s.c);
        if (!sideEffectFree(s.c) && !this.execExpr(s.c, env)) return false;
        if (c === true) return this.exec(s.a, env);
        if (c === false) return s.b ? this.exec(s.b, env) : true;
        for (const v of assignedIn(s.a)) env.delete(v);
        if (s.b) for (const v of assignedIn(s.b)) env.delete(v);
        return true;
      }
      case 'do':
        // do { … } while (0): the macro wrapper
        if (this.truth(s.c) === false) return this.exec(s.body, env);
        return false;
      default:
        return false;
    }
  }

  private execExpr(e: Expr, env: Env): boolean {
    if (e.k === 'assign' && e.l.k === 'id' && e.l.local) {
      const v = e.l.local;
      if (e.op === '=' && !v.addrTaken) this.bind(v, e.r, env);
      else {
        env.delete(v);
        this.ranges?.delete(v);
      }
      return true;
    }
    if (e.k === 'comma') return this.execExpr(e.l, env) && this.execExpr(e.r, env);
    if (e.k === 'cast') return this.execExpr(e.e, env);
    // (void)(&a == &b) type checks and other effect-free expressions change nothing
    if (sideEffectFree(e)) return true;
    // calls and other effects: what they write is forgotten
    for (const v of assignedIn(e)) {
      env.delete(v);
      this.ranges?.delete(v);
    }
    return true;
  }
}

function addrArith(op: string, l: Val, r: Val): Val | undefined {
  const isNull = (v: Val) => v.k === 'i' && v.v === 0n;
  if (op === '==' || op === '!=') {
    if ((l.k === 'a' && isNull(r)) || (r.k === 'a' && isNull(l))) return { k: 'i', v: op === '!=' ? 1n : 0n };
    if (l.k === 'a' && r.k === 'a' && l.sym === r.sym && l.sym !== '.stack' && l.sym !== '"') {
      return { k: 'i', v: (l.off === r.off) === (op === '==') ? 1n : 0n };
    }
    return undefined;
  }
  if (op === '+' && l.k === 'a' && r.k === 'i') return { k: 'a', sym: l.sym, off: l.off + r.v };
  if (op === '-' && l.k === 'a' && r.k === 'i') return { k: 'a', sym: l.sym, off: l.off - r.v };
  return undefined;
}

function sideEffectFree(e: Expr): boolean {
  switch (e.k) {
    case 'id': case 'num': case 'str': case 'chr': case 'sizeof': case 'typescompat': case 'offsetof':
      return true;
    case 'cast':
      return sideEffectFree(e.e);
    case 'un':
      return e.op !== '++' && e.op !== '--' && sideEffectFree(e.e);
    case 'bin':
      return sideEffectFree(e.l) && sideEffectFree(e.r);
    case 'member':
      return sideEffectFree(e.e);
    default:
      return false;
  }
}

function bitOp(op: string, v: bigint, bits: number): bigint {
  const mask = (1n << BigInt(bits)) - 1n;
  v &= mask;
  switch (op) {
    case 'clz': {
      if (v === 0n) return BigInt(bits);
      let n = 0;
      for (let i = bits - 1; i >= 0 && ((v >> BigInt(i)) & 1n) === 0n; i--) n++;
      return BigInt(n);
    }
    case 'ctz': {
      if (v === 0n) return BigInt(bits);
      let n = 0;
      while (((v >> BigInt(n)) & 1n) === 0n) n++;
      return BigInt(n);
    }
    case 'ffs': {
      if (v === 0n) return 0n;
      let n = 0;
      while (((v >> BigInt(n)) & 1n) === 0n) n++;
      return BigInt(n + 1);
    }
    case 'popcount':
    case 'parity': {
      let c = 0n;
      for (let x = v; x; x >>= 1n) c += x & 1n;
      return op === 'parity' ? c & 1n : c;
    }
  }
  return 0n;
}

/** value of a character constant ('a', '\n', '\x12', L'x') */
export function charValue(text: string): bigint {
  const q = text.indexOf("'");
  const body = text.slice(q + 1, -1);
  const s = decodeEscapes(body);
  if (s.length === 0) return 0n;
  if (s.length === 1) {
    const c = s.charCodeAt(0);
    // plain char is signed on x86: '\xff' is -1 there; our targets of interest have unsigned char
    return BigInt(c);
  }
  let v = 0n;
  for (const ch of s) v = (v << 8n) | BigInt(ch.charCodeAt(0) & 0xff);
  return wrap(v, INT);
}

/** the parsed initialiser of a file-scope object (lazily) */
export function globalInit(p: Parser, g: GSym): Init | undefined {
  if (g.initAst !== undefined) return g.initAst ?? undefined;
  if (!g.init) return undefined;
  g.initAst = null;
  const [s, e] = g.init;
  try {
    g.initAst = p.inRange(s, e, p.file, () => parseInitializer(p));
  } catch {
    g.initAst = null;
  }
  return g.initAst ?? undefined;
}
