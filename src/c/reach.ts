import type { AsmStmt, Expr, FuncDef, GSym, Init, LocalVar, Stmt } from './ast.js';
import type { Gas } from './asm/gas.js';
import { type CompilerModel, type Use, divisionCall, initCall, libCallSymbol, loopLibCall, memcpyCallNeeded } from './compiler-refs.js';
import { type Env, Evaluator, type Val, globalInit } from './consteval.js';
import { addressTakenCount, assignedIn, children, deadWhenDiscarded, estimateInsns, hasGotoLabel, operandKey, pointerFieldsOnly, pointerWriteOnly } from './mutation.js';
import { parseFunction } from './parse-stmt.js';
import { isPure } from './pure.js';
import { type Range, narrow, rangeOf, typeRange } from './ranges.js';
import type { Parser } from './parser.js';
import { genericSelect, typeOf } from './sema.js';
import { alignOf, sizeOf } from './types.js';

/** One undefined symbol the unit needs, at its first use. */
export interface RefSite {
  name: string;
  /** token of the reference (or of the construct that makes the compiler call it) */
  tok: number;
  /** function (or object) the reference sits in */
  from: string | undefined;
  /** call sites through which the containing static function was inlined, outermost first */
  via: { tok: number; fn: string }[];
  weak: boolean;
  /** for references the compiler introduces: why (e.g. "integer division") */
  why?: string;
}

interface Ctx {
  fn: GSym | undefined;
  ev: Evaluator;
  /** returns reached in this function instance */
  returns: (Val | undefined)[] | undefined;
  via: { tok: number; fn: string }[];
  /** record references (false while only computing a value) */
  record: boolean;
  def: FuncDef | undefined;
  /** address-taken locals whose address was already taken on this path (values no longer trackable) */
  escaped?: Set<LocalVar>;
  /** locals whose stores are dead here (read only by a discarded statement-expression value) */
  dead?: Set<LocalVar>;
  /** loads of globals that cancel out arithmetically (`x + g - g`) */
  cancelled?: Set<Expr>;
  /** `a % b` computed on this path (a following `a / b` reuses the divmod call) */
  remDone?: Set<string>;
  /**
   * scalar locals whose side-effect-free initialiser is walked only when kept code first reads them (gcc drops the
   * loads of a value nothing uses: `const unsigned int __tlb_flag = cpu_tlb.tlb_flags;` behind folded tests)
   */
  lazyInit?: Map<LocalVar, Expr>;
}

/** what a loop condition says about a field of a local aggregate: its interval, and values it cannot have */
interface FieldFact {
  lo: bigint;
  hi: bigint;
  not: bigint[];
}

const MAX_INLINE_DEPTH = 24;
/** gcc 12's max-inline-insns-auto at -O2 (our insns are a rough estimate of its) */
const SMALL_FUNCTION_INSNS = 15;
const MAX_INSTANCES = 8000;
/** function instances walked inside one another (inlining and value queries together) */
const MAX_NESTING = 48;

/**
 * Walks the code gcc -O2 keeps: every function and object with external linkage, `used` objects, and everything
 * they reach. Static functions gcc would inline are walked per distinct argument values, with a flow-sensitive
 * environment of known local values (bindings die at the first assignment, are merged after branches and
 * dropped for variables a loop writes), so that `__builtin_constant_p`, `if (IS_ENABLED(…))`, sizeof comparisons
 * and the like select the branches gcc keeps. References to file-scope names without a definition in the unit
 * are the unit's undefined symbols.
 */
export class Reach {
  readonly refs = new Map<string, RefSite>();
  /** static functions/objects emitted (address taken or used as objects) */
  readonly keptStatic = new Set<GSym>();
  /** functions whose code is emitted (roots and address-taken statics) */
  readonly emittedFuncs = new Set<GSym>();
  private queue: GSym[] = [];
  private memo = new Map<string, { value: Val | undefined; done: boolean }>();
  private instances = 0;
  private walkedStaticLocals = new Set<LocalVar>();
  private uses: Map<string, number> | undefined;
  private byAsmName: Map<string, GSym> | undefined;
  readonly gaps: string[] = [];
  /**
   * Facts about fields of local aggregates that hold where the walk is: local -> field -> fact. Set only around the
   * walk of a `for` step whose body leaves the aggregate alone (the condition held when the body started), removed
   * after it, forgotten at any write to the aggregate; read by a `switch` on the field, also in functions inlined
   * there through a pointer argument bound to the local's address (scoped_seqlock_read's step).
   */
  private fieldFacts = new Map<LocalVar, Map<string, FieldFact>>();
  private fieldsTracked = new WeakMap<LocalVar, boolean>();

  /** development aid: called with a line per decision in functions whose name matches */
  debug: { match: RegExp; log: (s: string) => void } | undefined;

  constructor(readonly p: Parser, readonly gas: Gas, readonly model: CompilerModel) {}

  private dbg(ctx: Ctx, msg: () => string): void {
    if (this.debug && ctx.fn && this.debug.match.test(ctx.fn.name)) this.debug.log(`[${ctx.fn.name}${ctx.record ? '' : ' (value)'}] ${msg()}`);
  }

  run(): void {
    for (const g of this.p.globals.values()) {
      if (g.kind === 'func') {
        if (g.body && this.emitsExternal(g)) this.emit(g);
        if (g.alias) this.aliasTarget(g);
        if (g.body && g.isStatic && g.used) this.keep(g);
      } else if (g.defined) {
        if (!g.isStatic || g.used) this.keep(g);
        if (g.alias) this.aliasTarget(g);
      }
    }
    while (this.queue.length) {
      const g = this.queue.shift()!;
      if (g.kind === 'func') {
        this.emittedFuncs.add(g);
        this.walkInstance(g, undefined, this.rootCtx(g), undefined, true);
      } else {
        const init = globalInit(this.p, g);
        if (init) this.walkInit(init, this.rootCtx(g));
      }
    }
  }

  /** does a function definition with external linkage produce a symbol? (gnu89 vs C99 inline rules) */
  emitsExternal(g: GSym): boolean {
    if (g.isStatic) return false;
    if (g.gnuInline || g.gnuExternInline) return !g.gnuExternInline;
    // C99: an inline definition is external only if some declaration is not inline or is extern
    if (g.isInline && g.allInline && !g.isExtern) return false;
    return true;
  }

  private emit(g: GSym): void {
    if (this.emittedFuncs.has(g)) return;
    this.emittedFuncs.add(g);
    this.queue.push(g);
  }

  private keep(g: GSym): void {
    if (this.keptStatic.has(g)) return;
    this.keptStatic.add(g);
    if (g.kind === 'func' && !g.body) return;
    this.queue.push(g);
  }

  private symByAsmName(name: string): GSym | undefined {
    if (!this.byAsmName) {
      this.byAsmName = new Map();
      for (const g of this.p.globals.values()) this.byAsmName.set(g.asmName, g);
    }
    return this.byAsmName.get(name);
  }

  private aliasTarget(g: GSym): void {
    const target = this.symByAsmName(g.alias!);
    if (target && target.defined) {
      if (target.kind === 'var' || target.isStatic) this.keep(target);
      else if (target.body) this.emit(target);
    } else if (!this.gas.defs.has(g.alias!)) {
      this.addRef(g.alias!, g.tok, this.rootCtx(g), false);
    }
  }

  private rootCtx(g: GSym | undefined): Ctx {
    return { fn: g, ev: this.evaluator(new Map()), returns: undefined, via: [], record: true, def: undefined };
  }

  private evaluator(env: Env): Evaluator {
    const ev: Evaluator = new Evaluator(this.p, env, { call: (e) => this.callValue(e, ev) });
    ev.ranges = new Map();
    return ev;
  }

  addRef(name: string, tok: number, ctx: Ctx, weak: boolean, why?: string): void {
    if (!ctx.record) return;
    const prev = this.refs.get(name);
    if (prev) {
      if (!weak) prev.weak = false;
      return;
    }
    const r: RefSite = { name, tok, from: ctx.fn?.name, via: ctx.via, weak };
    if (why) r.why = why;
    this.refs.set(name, r);
  }

  /** a use of a file-scope symbol in kept code */
  private useSym(g: GSym, tok: number, ctx: Ctx): void {
    if (!ctx.record) return;
    if (g.defined) {
      if (g.kind === 'func') {
        if (g.body && g.isStatic) this.keep(g);
        else if (g.body && this.emitsExternal(g)) this.emit(g);
        else if (g.body && !g.isStatic) this.addRef(g.asmName, tok, ctx, g.weak); // inline-only definition
        if (g.alias) this.aliasTarget(g);
      } else if (g.isStatic) this.keep(g);
      return;
    }
    this.addRef(g.asmName, tok, ctx, g.weak);
  }

  /** how many times a static function's name is used (not declared) in the unit: called once ⇒ gcc inlines it */
  private useCount(g: GSym): number {
    if (!this.uses) {
      this.uses = new Map();
      const want = new Set<string>();
      for (const x of this.p.globals.values()) if (x.kind === 'func' && x.isStatic && x.body) want.add(x.name);
      const tx = this.p.toks.text;
      const kind = this.p.toks.kind;
      for (let i = 0; i < this.p.toks.n; i++) {
        if (kind[i] !== 1 /* TokKind.Ident */) continue;
        const t = tx[i]!;
        if (want.has(t)) this.uses.set(t, (this.uses.get(t) ?? 0) + 1);
      }
    }
    return (this.uses.get(g.name) ?? 0) - g.declCount;
  }

  /** does gcc inline (or constant-propagate into) calls of this function? */
  private inlinable(g: GSym): boolean {
    if (g.isInline || g.alwaysInline) return true;
    if (this.useCount(g) <= 1) return true;
    // gcc -O2 inlines small functions not declared inline too (max-inline-insns-auto)
    const def = this.funcDef(g);
    if (!def) return false;
    def.insns ??= estimateInsns(def.body);
    return def.insns <= SMALL_FUNCTION_INSNS;
  }

  // ---- function instances ----

  private walkInstance(
    g: GSym,
    args: (Val | undefined)[] | undefined,
    caller: Ctx,
    callTok: number | undefined,
    root = false,
    argRanges?: (Range | undefined)[],
  ): Val | undefined {
    const record = caller.record;
    const depth = caller.via.length;
    if (!root && (depth >= MAX_INLINE_DEPTH || this.nesting >= MAX_NESTING || this.instances >= MAX_INSTANCES)) args = undefined;
    if (!record && this.nesting >= MAX_NESTING) return undefined;
    if (args && !root && !this.inlinable(g)) args = undefined;
    if (!args || !argRanges || argRanges.every((r) => r === undefined)) argRanges = undefined;
    if (args && args.every((a) => a === undefined) && !argRanges) args = undefined;
    const sig = (args ? args.map(sigOf).join(',') : '*') + (argRanges ? '|' + argRanges.map((r) => (r ? `${r[0]}..${r[1]}` : '?')).join(',') : '') +
      (args && this.fieldFacts.size ? this.factSig(args) : '');
    const key = `${record ? 'w' : 'v'}|${g.name}|${sig}`;
    const m = this.memo.get(key);
    if (m) return m.done ? m.value : undefined;
    if (!record) {
      const w = this.memo.get(`w|${g.name}|${sig}`);
      if (w && w.done) return w.value;
    }
    this.memo.set(key, { value: undefined, done: false });
    this.instances++;
    const def = this.funcDef(g);
    if (!def) {
      this.memo.set(key, { value: undefined, done: true });
      return undefined;
    }
    const env: Env = new Map();
    if (args) {
      def.params.forEach((pv, i) => {
        const a = args![i];
        if (a) env.set(pv, a);
      });
    }
    const ev = this.evaluator(env);
    if (argRanges) def.params.forEach((pv, i) => {
      const r = argRanges![i];
      if (r && !env.has(pv)) ev.ranges!.set(pv, r);
    });
    const ctx: Ctx = {
      fn: g,
      ev,
      returns: [],
      via: root ? [] : callTok === undefined ? caller.via : [...caller.via, { tok: callTok, fn: caller.fn?.name ?? '?' }],
      record,
      def,
    };
    if (record && (def.stackProtect || this.model.stackProtector === 'all') && this.model.stackProtector !== 'none') {
      if (this.model.stackProtector !== 'normal' || def.stackProtect) this.stackRefs(def, ctx);
    }
    this.dbg(ctx, () => `instance args (${sig})`);
    this.nesting++;
    try {
      this.walkStmt(def.body, ctx);
    } finally {
      this.nesting--;
    }
    let value: Val | undefined;
    const rs = ctx.returns!;
    if (rs.length > 0 && rs.every((r) => r !== undefined && sameVal(r, rs[0]!))) value = rs[0];
    this.memo.set(key, { value, done: true });
    this.dbg(ctx, () => `returns ${value ? sigOf(value) : '?'} from ${rs.length} return(s)`);
    return value;
  }

  /** the parsed body of a defined function (cached on the symbol) */
  private funcDef(g: GSym): FuncDef | undefined {
    if (!g.fn) {
      const def = safeParse(this.p, g);
      if (!def) return undefined;
      g.fn = def;
    }
    if (!this.owned.has(g.fn)) {
      this.owned.add(g.fn);
      for (const v of g.fn.locals) this.owners.set(v, g.fn);
    }
    return g.fn;
  }
  private owned = new WeakSet<FuncDef>();

  private stackRefs(def: FuncDef, ctx: Ctx): void {
    this.addRef('__stack_chk_fail', def.sym.tok, ctx, false, 'stack protector');
    if (this.model.stackGuard === 'global') this.addRef('__stack_chk_guard', def.sym.tok, ctx, false, 'stack protector');
  }

  /** value of a call for the evaluator (conditions that depend on an inlined function's result) */
  private callValue(e: Expr & { k: 'call' }, ev: Evaluator): Val | undefined {
    const fn = e.fn;
    if (fn.k !== 'id' || !fn.sym || !fn.sym.body || !(fn.sym.isStatic || this.constantGlobal(fn.sym))) return undefined;
    if (this.valueDepth >= MAX_INLINE_DEPTH) return undefined;
    const args = e.args.map((a) => ev.val(a));
    const ctx: Ctx = { fn: undefined, ev, returns: undefined, via: [], record: false, def: undefined };
    this.valueDepth++;
    try {
      return this.walkInstance(fn.sym, args, ctx, undefined, false, this.argRanges(e, args, ev));
    } finally {
      this.valueDepth--;
    }
  }
  private valueDepth = 0;
  private nesting = 0;

  /**
   * A global function of this unit whose body is one `return` of a constant (e.g. a stub `bool f(...) { return
   * false; }` for a disabled feature): gcc -O2 inlines it at every call in the unit (non-PIC code cannot have it
   * interposed; a weak or aliased one can be replaced, so not those), and code behind a test of its result folds.
   */
  private constantGlobal(g: GSym): boolean {
    if (g.weak || g.alias !== undefined || g.kind !== 'func') return false;
    const def = this.funcDef(g);
    const body = def?.body;
    const only = body?.k === 'block' && body.items.length === 1 ? body.items[0] : undefined;
    return only?.k === 'return' && only.e !== undefined && new Evaluator(this.p, new Map()).int(only.e) !== undefined;
  }

  // ---- environment ----

  /** forget what is known about the locals a piece of code writes */
  private kill(ctx: Ctx, node: Stmt | Expr): void {
    const env = ctx.ev.env;
    const ranges = ctx.ev.ranges;
    if ((!env || env.size === 0) && (!ranges || ranges.size === 0)) return;
    for (const v of assignedIn(node)) {
      env?.delete(v);
      ranges?.delete(v);
    }
  }

  /** walk `fn` with a copy of the environment (values and ranges); returns the copy afterwards */
  private branch(ctx: Ctx, fn: () => boolean, refine?: { v: LocalVar; r: Range }[]): { env: Env; ranges: Map<LocalVar, Range>; falls: boolean } {
    const saved = ctx.ev.env!;
    const savedR = ctx.ev.ranges!;
    const env = new Map(saved);
    const ranges = new Map(savedR);
    for (const x of refine ?? []) if (!env.has(x.v)) ranges.set(x.v, x.r);
    ctx.ev.env = env;
    ctx.ev.ranges = ranges;
    try {
      return { env, ranges, falls: fn() };
    } finally {
      ctx.ev.env = saved;
      ctx.ev.ranges = savedR;
    }
  }

  /** the environment after two branches: what both that fall through agree on (ranges: their union) */
  private merge(ctx: Ctx, a: { env: Env; ranges: Map<LocalVar, Range>; falls: boolean }, b: { env: Env; ranges: Map<LocalVar, Range>; falls: boolean }): void {
    const target = ctx.ev.env!;
    const rtarget = ctx.ev.ranges!;
    const sources = [a, b].filter((x) => x.falls);
    target.clear();
    rtarget.clear();
    if (sources.length === 0) return;
    const first = sources[0]!;
    for (const [k, v] of first.env) {
      if (sources.every((s) => {
        const o = s.env.get(k);
        return o !== undefined && sameVal(o, v);
      })) target.set(k, v);
    }
    // a variable constant in one branch and ranged (or constant) in the other keeps the union of both
    const rangeIn = (s: { env: Env; ranges: Map<LocalVar, Range> }, k: LocalVar): Range | undefined => {
      const c = s.env.get(k);
      if (c && c.k === 'i') return [c.v, c.v];
      return s.ranges.get(k);
    };
    const keys = new Set<LocalVar>([...first.ranges.keys(), ...[...first.env.keys()]]);
    for (const k of keys) {
      if (target.has(k)) continue;
      let lo: bigint | undefined;
      let hi: bigint | undefined;
      let ok = true;
      for (const s of sources) {
        const r = rangeIn(s, k);
        if (!r) {
          ok = false;
          break;
        }
        lo = lo === undefined || r[0] < lo ? r[0] : lo;
        hi = hi === undefined || r[1] > hi ? r[1] : hi;
      }
      if (ok && lo !== undefined && hi !== undefined) rtarget.set(k, [lo, hi]);
    }
  }

  // ---- statements ----

  /** walk a statement; returns whether control can fall through it */
  private walkStmt(s: Stmt, ctx: Ctx): boolean {
    switch (s.k) {
      case 'block': {
        let live = true;
        for (const it of s.items) {
          // code after a return/break/goto is dead unless a label makes it reachable again
          if (!live && !hasLabel(it)) continue;
          live = this.walkStmt(it, ctx);
        }
        return live;
      }
      case 'decl':
        for (const v of s.vars) this.walkLocalDecl(v, ctx);
        return true;
      case 'expr':
        this.walkExpr(s.e, ctx, 'void');
        return !isNoReturnCall(s.e);
      case 'if': {
        const c = ctx.ev.truth(s.c);
        this.dbg(ctx, () => `if @${s.tok} ${this.p.toks.text.slice(s.tok, s.tok + 16).join(' ')}: ${c}`);
        this.walkExpr(s.c, ctx, 'eqz');
        if (c === true) return this.walkStmt(s.a, ctx);
        if (c === false) return s.b ? this.walkStmt(s.b, ctx) : true;
        // what the condition says about a local holds in each branch (`if (len > 128) len = 128;`)
        const facts = narrow(ctx.ev, s.c);
        const yes = facts.filter((f) => f.yes).map((f) => ({ v: f.v, r: f.yes! }));
        const no = facts.filter((f) => f.no).map((f) => ({ v: f.v, r: f.no! }));
        const a = this.branch(ctx, () => this.walkStmt(s.a, ctx), yes);
        const b = this.branch(ctx, () => (s.b ? this.walkStmt(s.b, ctx) : true), no);
        this.merge(ctx, a, b);
        return a.falls || b.falls;
      }
      case 'while': {
        this.loopCall(s, ctx);
        this.kill(ctx, s);
        const c = ctx.ev.truth(s.c);
        this.walkExpr(s.c, ctx, 'eqz');
        if (c !== false) this.walkStmt(s.body, ctx);
        this.kill(ctx, s);
        return true;
      }
      case 'do':
        this.kill(ctx, s);
        this.walkStmt(s.body, ctx);
        this.walkExpr(s.c, ctx, 'eqz');
        this.kill(ctx, s);
        return true;
      case 'for': {
        if (s.init) this.walkStmt(s.init, ctx);
        this.loopCall(s, ctx);
        // the condition is checked once with the initial values: a loop that cannot start is dead
        const first = s.c ? ctx.ev.truth(s.c) : true;
        // what the condition says about fields of a local the body leaves alone still holds when the step runs
        const held = s.c && s.step ? this.loopFieldFacts(s, ctx) : undefined;
        this.kill(ctx, s.body);
        if (s.step) this.kill(ctx, s.step);
        if (s.c) this.kill(ctx, s.c);
        if (s.c) this.walkExpr(s.c, ctx, 'eqz');
        if (first !== false) {
          this.walkStmt(s.body, ctx);
          if (s.step) {
            if (held) this.withFieldFacts(held, () => this.walkExpr(s.step!, ctx, 'void'));
            else this.walkExpr(s.step, ctx, 'void');
          }
        }
        this.kill(ctx, s.body);
        return true;
      }
      case 'switch':
        return this.walkSwitch(s, ctx);
      case 'case':
      case 'default':
        return this.walkStmt(s.s, ctx);
      case 'label':
        // reachable by goto from anywhere in the function: only what no statement writes is still known
        if (ctx.def) this.kill(ctx, ctx.def.body);
        return this.walkStmt(s.s, ctx);
      case 'goto':
        if (s.e) this.walkExpr(s.e, ctx, 'value');
        return false;
      case 'break':
      case 'continue':
        return false;
      case 'return':
        if (s.e) {
          this.walkExpr(s.e, ctx, 'value');
          if (ctx.returns) {
            const rt = ctx.fn && ctx.fn.type.k === 'func' ? ctx.fn.type.ret : undefined;
            const v = ctx.ev.val(s.e);
            ctx.returns.push(rt ? ctx.ev.convert(v, rt) : v);
          }
        } else ctx.returns?.push(undefined);
        return false;
      case 'asm':
        this.walkAsm(s, ctx);
        return true;
      case 'empty':
        return true;
    }
  }

  /** a loop gcc replaces with memset/memcpy */
  private loopCall(s: Stmt, ctx: Ctx): void {
    if (!ctx.record) return;
    const name = loopLibCall(this.p, this.model, s, ctx.ev, ctx.def?.escapingArrays ?? new Set());
    if (name) this.addRef(name, s.tok, ctx, false, 'loop turned into a library call');
  }

  private walkSwitch(s: Stmt & { k: 'switch' }, ctx: Ctx): boolean {
    const v = ctx.ev.int(s.c);
    this.walkExpr(s.c, ctx, 'value');
    if (v !== undefined && s.body.k === 'block') {
      const items = s.body.items;
      const start = this.findCase(items, v, ctx);
      if (start !== undefined) {
        let falls = true;
        for (let i = start; i < items.length; i++) {
          if (!this.walkStmt(items[i]!, ctx)) {
            falls = hasBreak(items[i]!);
            // labels further down are reachable only by goto
            for (let j = i + 1; j < items.length; j++) if (items[j]!.k === 'label') this.walkStmt(items[j]!, ctx);
            break;
          }
        }
        return falls || true;
      }
      if (this.allCasesKnown(items, ctx)) return true; // no case matches and no default
    }
    const fact = v === undefined && s.body.k === 'block' ? this.fieldFactOf(s.c, ctx) : undefined;
    if (fact && s.body.k === 'block' && !s.body.items.some((it) => nestedCase(labelled(it)))) {
      // a field whose value the walk knows something about: cases it cannot have are entered only by falling through
      this.dbg(ctx, () => `switch @${s.tok} on a field in ${fact.lo}..${fact.hi}${fact.not.length ? ` except ${fact.not.join(',')}` : ''}`);
      this.kill(ctx, s.body);
      let live = false;
      for (const it of s.body.items) {
        if (!live && !this.mayEnter(it, fact, ctx)) continue;
        live = this.walkStmt(it, ctx);
      }
      this.kill(ctx, s.body);
      return true;
    }
    this.kill(ctx, s.body);
    this.walkStmt(s.body, ctx);
    this.kill(ctx, s.body);
    return true;
  }

  /** index of the item holding the case label that matches v (or default) */
  private findCase(items: Stmt[], v: bigint, ctx: Ctx): number | undefined {
    let dflt: number | undefined;
    for (let i = 0; i < items.length; i++) {
      for (let s: Stmt | undefined = items[i]; s && (s.k === 'case' || s.k === 'default' || s.k === 'label'); s = s.s) {
        if (s.k === 'default') dflt ??= i;
        else if (s.k === 'case') {
          const lo = ctx.ev.int(s.lo);
          const hi = s.hi ? ctx.ev.int(s.hi) : lo;
          if (lo === undefined || hi === undefined) return undefined;
          if (v >= lo && v <= hi) return i;
        }
      }
    }
    return dflt;
  }

  /** can control enter this switch item by its labels, the switched field's fact given? */
  private mayEnter(it: Stmt, fact: FieldFact, ctx: Ctx): boolean {
    for (let s: Stmt | undefined = it; s && (s.k === 'case' || s.k === 'default' || s.k === 'label'); s = s.s) {
      if (s.k !== 'case') return true; // default, or a goto label
      const lo = ctx.ev.int(s.lo);
      const hi = s.hi ? ctx.ev.int(s.hi) : lo;
      if (lo === undefined || hi === undefined) return true;
      const a = lo > fact.lo ? lo : fact.lo;
      const b = hi < fact.hi ? hi : fact.hi;
      if (a > b) continue;
      if (a === b && fact.not.includes(a)) continue;
      return true;
    }
    return false;
  }

  /** the fact known for `v.f` or `p->f` (p bound to v's address) at this point of the walk */
  private fieldFactOf(e: Expr, ctx: Ctx): FieldFact | undefined {
    if (this.fieldFacts.size === 0) return undefined;
    while (e.k === 'cast') e = e.e;
    if (e.k !== 'member') return undefined;
    let v: LocalVar | undefined;
    if (!e.arrow) v = e.e.k === 'id' ? e.e.local : undefined;
    else {
      const a = ctx.ev.val(e.e);
      v = a && a.k === 'a' && a.off === 0n ? a.local : undefined;
    }
    return v ? this.fieldFacts.get(v)?.get(e.name) : undefined;
  }

  /**
   * `for (…; v.f != K; step)` (also ==, and && of such tests): the fact about v.f that holds when the step runs —
   * if the body neither writes v nor takes its address and cannot be entered by goto, and v's address goes only to
   * functions that use it to reach fields (so nothing else can write v behind the walk's back).
   */
  private loopFieldFacts(s: Stmt & { k: 'for' }, ctx: Ctx): { v: LocalVar; field: string; fact: FieldFact }[] | undefined {
    const out: { v: LocalVar; field: string; fact: FieldFact }[] = [];
    const test = (c: Expr): void => {
      while (c.k === 'builtin' && (c.name === '__builtin_expect' || c.name === '__builtin_expect_with_probability') && c.args[0]) c = c.args[0];
      if (c.k !== 'bin') return;
      if (c.op === '&&') {
        test(c.l);
        test(c.r);
        return;
      }
      if (c.op !== '!=' && c.op !== '==') return;
      let x = c.l;
      let k = c.r;
      while (x.k === 'cast') x = x.e;
      if (x.k !== 'member') {
        x = c.r;
        k = c.l;
        while (x.k === 'cast') x = x.e;
      }
      if (x.k !== 'member' || x.arrow || x.e.k !== 'id' || !x.e.local) return;
      const v = x.e.local;
      const n = ctx.ev.int(k);
      const t = typeRange(typeOf(this.p, x), this.p.tg.ptrSize);
      if (n === undefined || !t || n < t[0] || n > t[1] || !ctx.def || !this.fieldsTrackable(v, ctx.def)) return;
      if (assignedIn(s.body).has(v) || assignedIn(c).has(v) || hasGotoLabel(s.body)) return;
      out.push({ v, field: x.name, fact: c.op === '==' ? { lo: n, hi: n, not: [] } : { lo: t[0], hi: t[1], not: [n] } });
    };
    test(s.c!);
    return out.length ? out : undefined;
  }

  /** can every write to the local aggregate v be seen by the walk? (its address reaches only field-using functions) */
  private fieldsTrackable(v: LocalVar, def: FuncDef): boolean {
    const known = this.fieldsTracked.get(v);
    if (known !== undefined) return known;
    let ok = !v.isStatic && !v.global && v.type.k === 'record' && def.localSet.has(v);
    if (ok) {
      const passed = def.addrArgs.get(v) ?? [];
      ok = addressTakenCount(def.body, v) === passed.length && passed.every(({ call, arg }) => {
        const f = call.fn.k === 'id' ? call.fn.sym : undefined;
        const callee = f && f.kind === 'func' && f.body && (f.isStatic || !this.emitsExternal(f)) ? this.funcDef(f) : undefined;
        const param = callee?.params[arg];
        return !!param && pointerFieldsOnly(callee!.body, param);
      });
    }
    if (ok && v.cleanup) {
      const b = this.p.globals.get(v.cleanup);
      const d = b && b.kind === 'func' && b.body ? this.funcDef(b) : undefined;
      ok = !!d && d.params.length >= 1 && pointerFieldsOnly(d.body, d.params[0]!);
    }
    this.fieldsTracked.set(v, ok);
    return ok;
  }

  private withFieldFacts(held: { v: LocalVar; field: string; fact: FieldFact }[], walk: () => void): void {
    const saved = new Map<LocalVar, Map<string, FieldFact> | undefined>();
    for (const h of held) {
      if (!saved.has(h.v)) saved.set(h.v, this.fieldFacts.get(h.v));
      const m = new Map(this.fieldFacts.get(h.v) ?? []);
      m.set(h.field, h.fact);
      this.fieldFacts.set(h.v, m);
    }
    try {
      walk();
    } finally {
      for (const [v, m] of saved) {
        if (m) this.fieldFacts.set(v, m);
        else this.fieldFacts.delete(v);
      }
    }
  }

  /** a write to `v…`, `p->…` or `*p` (p bound to v's address): what was known about v's fields no longer holds */
  private forgetFields(l: Expr, ctx: Ctx): void {
    for (;;) {
      if ((l.k === 'member' && l.arrow) || (l.k === 'un' && l.op === '*')) {
        const a = ctx.ev.val(l.e);
        if (a && a.k === 'a' && a.local) this.fieldFacts.delete(a.local);
        return;
      }
      if (l.k === 'member' || l.k === 'index' || l.k === 'cast') l = l.e;
      else break;
    }
    if (l.k === 'id' && l.local) this.fieldFacts.delete(l.local);
  }

  /** the facts an instance's pointer arguments carry (part of its memo key) */
  private factSig(args: (Val | undefined)[]): string {
    let out = '';
    for (const a of args) {
      const m = a && a.k === 'a' && a.local ? this.fieldFacts.get(a.local) : undefined;
      if (m) for (const [f, x] of m) out += `|${sigOf(a)}.${f}:${x.lo}..${x.hi}!${x.not.join(',')}`;
    }
    return out;
  }

  private allCasesKnown(items: Stmt[], ctx: Ctx): boolean {
    for (const it of items) {
      if (it.k !== 'case' && it.k !== 'default' && it.k !== 'label') continue;
      for (let s: Stmt | undefined = it; s && (s.k === 'case' || s.k === 'default' || s.k === 'label'); s = s.s) {
        if (s.k === 'default') return false;
        if (s.k === 'case' && ctx.ev.int(s.lo) === undefined) return false;
      }
    }
    return true;
  }

  private walkLocalDecl(v: LocalVar, ctx: Ctx): void {
    if (v.isStatic) {
      // a static local is emitted once, with its initialiser
      if (v.init && !this.walkedStaticLocals.has(v)) {
        if (ctx.record) this.walkedStaticLocals.add(v);
        this.walkInit(v.init, ctx);
      }
      return;
    }
    const env = ctx.ev.env!;
    if (v.init) {
      // a local nobody reads, initialised without side effects, is dropped with its initialiser
      if (this.deadStore(v, ctx) && v.init.k === 'expr' && isPure(this.p, v.init.e)) {
        const val = ctx.ev.convert(ctx.ev.val(v.init.e), v.type);
        if (val) env.set(v, val);
        return;
      }
      // (only initialisers that name no local: walked later, they must walk as they would here)
      if (ctx.record && v.init.k === 'expr' && !v.addrTaken && v.type.k !== 'record' && v.type.k !== 'array' && !v.type.vq && isPure(this.p, v.init.e) && !namesLocal(v.init.e)) {
        (ctx.lazyInit ??= new Map()).set(v, v.init.e);
      } else this.walkInit(v.init, ctx);
      ctx.ev.ranges?.delete(v);
      if (v.init.k === 'expr' && v.type.k !== 'record' && v.type.k !== 'array') {
        const val = ctx.ev.convert(ctx.ev.val(v.init.e), v.type);
        if (val) env.set(v, val);
        else {
          env.delete(v);
          this.setRange(v, v.init.e, ctx);
        }
      } else env.delete(v);
      if (ctx.record) this.initCalls(v, ctx);
    } else {
      env.delete(v);
      ctx.ev.ranges?.delete(v);
      if (ctx.record && this.model.autoVarInit === 'zero' && (v.type.k === 'record' || v.type.k === 'array')) {
        const size = sizeOf(v.type, this.p.tg);
        if (size !== undefined && size >= this.model.autoInitMemsetMin) this.addRef('memset', v.tok, ctx, false, '-ftrivial-auto-var-init=zero');
      }
    }
    if (v.cleanup) {
      const b = this.p.globals.get(v.cleanup);
      if (b) {
        if (b.body && (b.isStatic || !this.emitsExternal(b))) this.walkInstance(b, undefined, ctx, v.tok);
        else this.useSym(b, v.tok, ctx);
      }
    }
  }

  /** memset/memcpy calls gcc emits to initialise an aggregate local */
  private initCalls(v: LocalVar, ctx: Ctx): void {
    if (v.type.k !== 'record' && v.type.k !== 'array') return;
    const size = sizeOf(v.type, this.p.tg);
    if (size === undefined || !v.init) return;
    const align = alignOf(v.type, this.p.tg) ?? 4;
    if (v.init.k === 'list') {
      const call = initCall(this.model, size, align, v.init);
      if (call) this.addRef(call, v.tok, ctx, false, 'aggregate initialisation');
    } else if (v.init.e.k === 'str') {
      // char buf[N] = "…": the literal is copied, the rest cleared
      if (memcpyCallNeeded(this.model, size)) this.addRef('memcpy', v.tok, ctx, false, 'array initialisation');
    } else if (v.init.e.k === 'complit' && v.init.e.init.k === 'list') {
      const call = initCall(this.model, size, align, v.init.e.init);
      if (call) this.addRef(call, v.tok, ctx, false, 'aggregate initialisation');
    } else if (v.init.e.k !== 'call' && v.init.e.k !== 'stmtexpr' && memcpyCallNeeded(this.model, size)) {
      this.addRef('memcpy', v.tok, ctx, false, 'aggregate copy');
    }
  }

  private walkInit(init: Init, ctx: Ctx): void {
    if (init.k === 'expr') this.walkExpr(init.e, ctx, 'value');
    else for (const it of init.items) this.walkInit(it.init, ctx);
  }

  private walkAsm(s: AsmStmt, ctx: Ctx): void {
    s.operands.forEach((e, i) => {
      this.walkExpr(e, ctx, 'value');
      if (i < s.nout && e.k === 'id' && e.local) ctx.ev.env?.delete(e.local);
      if (i < s.nout && this.fieldFacts.size) this.forgetFields(e, ctx);
    });
    if (!ctx.record || s.template.length === 0) return;
    let text = '';
    for (const t of s.template) text += this.p.toks.str(t) ?? '';
    // operands (%0, %c1, %[name], %l[label], %=) are what the compiler substitutes: a constant operand its value
    // (`call __get_user_nocheck_%P4` with "i" (sizeof(*ptr)) calls __get_user_nocheck_4), anything else no symbol
    const constOf = (n: number): string => {
      const e = s.operands[n];
      const v = e && n >= s.nout ? ctx.ev.int(e) : undefined;
      return v === undefined ? '0' : String(v);
    };
    text = text.replace(/%(?:([a-zA-Z]*)\[(\w+)\]|([a-zA-Z]*)(\d+)|=|%)/g, (m, nmods: string | undefined, name: string | undefined, mods: string | undefined, n: string | undefined) => {
      if (m === '%%') return '%';
      if (n !== undefined && mods !== 'l') return constOf(Number(n));
      const i = name !== undefined && nmods !== 'l' ? s.names?.get(name) : undefined;
      return i !== undefined ? constOf(i) : '0';
    });
    const before = new Set(this.gas.refs.keys());
    this.gas.feedText(text, s.tok);
    for (const [name, tok] of [...this.gas.refs]) {
      if (!before.has(name)) {
        this.gas.refs.delete(name);
        this.addRef(name, tok, ctx, false, 'inline asm');
      }
    }
  }

  // ---- expressions ----

  walkExpr(e: Expr, ctx: Ctx, use: Use): void {
    switch (e.k) {
      case 'id':
        if (ctx.cancelled?.has(e)) return;
        if (e.sym) this.useSym(e.sym, e.tok, ctx);
        else if (e.local) {
          if (e.local.global) this.useSym(e.local.global, e.tok, ctx);
          const init = ctx.lazyInit?.get(e.local);
          if (init) {
            ctx.lazyInit!.delete(e.local);
            this.walkExpr(init, ctx, 'value');
          }
        } else if (!e.ec && ctx.record) {
          // an undeclared identifier (implicit declaration or a name the parser missed)
          this.addRef(e.name, e.tok, ctx, false);
        }
        return;
      case 'num':
      case 'str':
      case 'chr':
      case 'sizeof':
      case 'offsetof':
      case 'typescompat':
      case 'labeladdr':
      case 'bad':
        return;
      case 'bin': {
        if (e.op === '&&' || e.op === '||') {
          const l = ctx.ev.truth(e.l);
          this.walkExpr(e.l, ctx, 'eqz');
          if ((e.op === '&&' && l === false) || (e.op === '||' && l === true)) return;
          this.walkExpr(e.r, ctx, 'eqz');
          if (l === undefined) this.kill(ctx, e.r);
          return;
        }
        // a product or mask gcc folds to a constant although an operand is not one (`h * 0`, `(x & C1) & C2` with
        // C1 & C2 == 0) loads nothing
        if ((e.op === '*' || e.op === '&') && ctx.ev.int(e) !== undefined && isPure(this.p, e)) return;
        if ((e.op === '+' || e.op === '-') && !this.linearInner.has(e)) {
          const gone = this.cancelled(e);
          if (gone.length) {
            ctx.cancelled ??= new Set();
            for (const n of gone) ctx.cancelled.add(n);
          }
        }
        const zeroTest = (e.op === '==' || e.op === '!=') && (isZero(e.l) || isZero(e.r));
        if (e.op === '==' || e.op === '!=') {
          // comparing addresses of locals (typecheck()) lets nothing escape
          for (const side of [e.l, e.r]) {
            if (side.k === 'un' && side.op === '&' && side.e.k === 'id' && side.e.local) continue;
            this.walkExpr(side, ctx, zeroTest ? 'eqz' : 'value');
          }
          return;
        }
        this.walkExpr(e.l, ctx, zeroTest ? 'eqz' : 'value');
        this.walkExpr(e.r, ctx, zeroTest ? 'eqz' : 'value');
        if ((e.op === '/' || e.op === '%') && ctx.record) this.division(e, e.op, ctx);
        return;
      }
      case 'assign':
        if (e.op === '=' && this.deadTarget(e.l, ctx)) {
          // the stored value is never read: only the right side's effects remain
          if (!isPure(this.p, e.r)) this.walkExpr(e.r, ctx, 'void');
          this.assigned(e.l, e.r, ctx);
          return;
        }
        this.walkExpr(e.l, ctx, 'value');
        this.walkExpr(e.r, ctx, 'value');
        if ((e.op === '/=' || e.op === '%=') && ctx.record) this.division(e, e.op[0]!, ctx);
        if (e.op === '=' && ctx.record) this.assignCalls(e, ctx);
        // x op= y: the new value is x op y (evaluated before the binding changes)
        this.assigned(e.l, e.op === '=' ? e.r : { k: 'bin', tok: e.tok, op: e.op.slice(0, -1), l: e.l, r: e.r }, ctx);
        return;
      case 'un':
        this.walkExpr(e.e, ctx, e.op === '!' ? 'eqz' : 'value');
        if (e.op === '++' || e.op === '--') this.assigned(e.e, incDec(e), ctx);
        else if (e.op === '&') this.escape(e.e, ctx);
        return;
      case 'post':
        this.walkExpr(e.e, ctx, 'value');
        this.assigned(e.e, incDec(e), ctx);
        return;
      case 'cond': {
        const c = ctx.ev.truth(e.c);
        this.walkExpr(e.c, ctx, 'eqz');
        if (c !== false && e.a) this.walkExpr(e.a, ctx, use);
        if (c !== true) this.walkExpr(e.b, ctx, use);
        if (c === undefined) {
          if (e.a) this.kill(ctx, e.a);
          this.kill(ctx, e.b);
        }
        return;
      }
      case 'call':
        this.walkCall(e, ctx, use);
        return;
      case 'member':
        this.walkExpr(e.e, ctx, 'value');
        return;
      case 'index':
        this.walkExpr(e.e, ctx, 'value');
        this.walkExpr(e.i, ctx, 'value');
        return;
      case 'cast':
        this.walkExpr(e.e, ctx, e.type.k === 'void' ? 'void' : use === 'eqz' && e.type.k === 'int' && e.type.rank === 1 ? 'eqz' : 'value');
        return;
      case 'complit':
        this.walkInit(e.init, ctx);
        return;
      case 'stmtexpr': {
        if (use !== 'void') {
          this.walkStmt(e.body, ctx);
          return;
        }
        // value discarded: the final expression and stores only it reads are dead (do_div's remainder)
        const dead = deadWhenDiscarded(e.body);
        const saved = ctx.dead;
        if (dead.size) ctx.dead = new Set([...(saved ?? []), ...dead]);
        const items = e.body.items;
        const last = items[items.length - 1];
        const body = last && last.k === 'expr' && isPure(this.p, last.e) ? { ...e.body, items: items.slice(0, -1) } : e.body;
        this.walkStmt(body, ctx);
        ctx.dead = saved;
        return;
      }
      case 'comma':
        this.walkExpr(e.l, ctx, 'void');
        this.walkExpr(e.r, ctx, use);
        return;
      case 'choose': {
        const c = ctx.ev.truth(e.c);
        if (c !== false) this.walkExpr(e.a, ctx, use);
        if (c !== true) this.walkExpr(e.b, ctx, use);
        return;
      }
      case 'generic': {
        const sel = genericSelect(this.p, e);
        if (sel) this.walkExpr(sel, ctx, use);
        return;
      }
      case 'vaarg':
        this.walkExpr(e.e, ctx, 'value');
        return;
      case 'builtin':
        this.walkBuiltin(e, ctx, use);
        return;
    }
  }

  /** an lvalue was written: update or forget what is known about it */
  private assigned(l: Expr, value: Expr | undefined, ctx: Ctx): void {
    if (this.fieldFacts.size) this.forgetFields(l, ctx);
    const env = ctx.ev.env;
    if (!env) return;
    // `a = (b += x)`: b already holds the new value
    while (value && value.k === 'assign') value = value.l;
    if (l.k === 'id' && l.local) {
      const v = l.local;
      ctx.ev.ranges?.delete(v);
      // an address-taken local is tracked like the others until its address is first taken (gcc forwards the
      // store to the loads before the address escapes)
      if (value && !ctx.escaped?.has(v) && v.type.k !== 'record' && v.type.k !== 'array') {
        const val = ctx.ev.convert(ctx.ev.val(value), v.type);
        if (val) {
          env.set(v, val);
          return;
        }
        this.setRange(v, value, ctx);
      }
      env.delete(v);
    }
  }

  /** additive nodes inside a larger additive chain (analysed with their root) */
  private linearInner = new WeakSet<Expr>();
  private linearRoots = new WeakMap<Expr, Expr[]>();

  /**
   * `mem_map + (pfn + __pv_phys_pfn_offset - __pv_phys_pfn_offset)`: gcc loads the global once and the terms
   * cancel, so the symbol is not referenced. The loads of globals whose coefficients in a side-effect-free
   * additive chain sum to zero.
   */
  private cancelled(e: Expr): Expr[] {
    const known = this.linearRoots.get(e);
    if (known) return known;
    const atoms = new Map<string, { c: bigint; nodes: Expr[] }>();
    const lin = (x: Expr, c: bigint): void => {
      if (x.k === 'bin' && (x.op === '+' || x.op === '-')) {
        if (x !== e) this.linearInner.add(x);
        lin(x.l, c);
        lin(x.r, x.op === '+' ? c : -c);
      } else if (x.k === 'un' && (x.op === '-' || x.op === '+')) lin(x.e, x.op === '-' ? -c : c);
      else if (x.k === 'cast' && (x.type.k === 'int' || x.type.k === 'ptr')) lin(x.e, c);
      else if (x.k === 'id' && x.sym && x.sym.kind === 'var' && !x.sym.type.vq) {
        const a = atoms.get(x.sym.asmName) ?? { c: 0n, nodes: [] };
        a.c += c;
        a.nodes.push(x);
        atoms.set(x.sym.asmName, a);
      }
    };
    lin(e, 1n);
    const out: Expr[] = [];
    for (const a of atoms.values()) if (a.c === 0n && a.nodes.length >= 2) out.push(...a.nodes);
    const result = out.length && isPure(this.p, e) ? out : [];
    this.linearRoots.set(e, result);
    return result;
  }

  /** intervals of the non-constant arguments of a call, where narrower than their types' */
  private argRanges(e: Expr & { k: 'call' }, args: (Val | undefined)[], ev: Evaluator): (Range | undefined)[] | undefined {
    let any = false;
    const out = e.args.map((a, i) => {
      if (args[i]) return undefined;
      const r = rangeOf(ev, a);
      const full = typeRange(typeOf(this.p, a), this.p.tg.ptrSize);
      if (!r || !full || (r[0] <= full[0] && r[1] >= full[1])) return undefined;
      any = true;
      return r;
    });
    return any ? out : undefined;
  }

  /** remember the interval of a value stored to a local, when narrower than its type's */
  private setRange(v: LocalVar, value: Expr, ctx: Ctx): void {
    const r = rangeOf(ctx.ev, value);
    const full = typeRange(v.type, this.p.tg.ptrSize);
    if (!r || !full || r[0] < full[0] || r[1] > full[1]) return;
    // an interval of one value is a constant (VRP folds it)
    if (r[0] === r[1] && !ctx.escaped?.has(v)) ctx.ev.env?.set(v, { k: 'i', v: r[0] });
    else if (r[0] > full[0] || r[1] < full[1]) ctx.ev.ranges?.set(v, r);
  }

  /** is a store to this local dead (never read, or read only by a discarded value)? */
  private deadStore(v: LocalVar, ctx: Ctx): boolean {
    if (v.isStatic || v.global) return false;
    if (ctx.dead?.has(v)) return true;
    if (!ctx.def || !ctx.def.localSet.has(v)) return false;
    return this.writeOnly(v, ctx.def);
  }

  /**
   * A local nobody reads: not read in its function, and its address only handed to inlined functions that just
   * store through it (div_u64's remainder)
   */
  private writeOnly(v: LocalVar, def: FuncDef): boolean {
    if (v.writeOnly !== undefined) return v.writeOnly;
    v.writeOnly = false; // cycle guard
    let ok = !def.read.has(v);
    for (const { call, arg } of def.addrArgs.get(v) ?? []) {
      if (!ok) break;
      const f = call.fn.k === 'id' ? call.fn.sym : undefined;
      const callee = f && f.body && (f.isStatic || !this.emitsExternal(f)) ? this.funcDef(f) : undefined;
      const param = callee?.params[arg];
      ok = !!param && pointerWriteOnly(callee!.body, param);
    }
    v.writeOnly = ok;
    return ok;
  }

  /** a store whose value nobody reads: `v = x` for a write-only v, or `*p = x` with p the address of one */
  private deadTarget(l: Expr, ctx: Ctx): boolean {
    if (l.k === 'id' && l.local) return this.deadStore(l.local, ctx);
    if (l.k === 'un' && l.op === '*') {
      const a = ctx.ev.val(l.e);
      if (a && a.k === 'a' && a.local) {
        const owner = this.ownerOf(a.local);
        return !!owner && this.writeOnly(a.local, owner);
      }
    }
    return false;
  }

  private owners = new Map<LocalVar, FuncDef>();
  private ownerOf(v: LocalVar): FuncDef | undefined {
    return this.owners.get(v);
  }

  /** &x: from here on x may change behind our back */
  private escape(e: Expr, ctx: Ctx): void {
    while (e.k === 'member' && !e.arrow) e = e.e;
    while (e.k === 'index' || e.k === 'cast') e = e.e;
    if (e.k === 'id' && e.local) {
      ctx.ev.env?.delete(e.local);
      (ctx.escaped ??= new Set()).add(e.local);
    }
  }

  private assignCalls(e: Expr & { k: 'assign' }, ctx: Ctx): void {
    const t = typeOf(this.p, e.l);
    if (t.k !== 'record') return;
    const size = sizeOf(t, this.p.tg);
    if (size === undefined) return;
    const align = alignOf(t, this.p.tg) ?? 4;
    const ro = e.r.k === 'id' && e.r.sym ? this.readOnlyInit(e.r.sym) : undefined;
    if (e.r.k === 'complit' && e.r.init.k === 'list') {
      const call = initCall(this.model, size, align, e.r.init);
      if (call) this.addRef(call, e.tok, ctx, false, 'aggregate initialisation');
    } else if (ro) {
      // copying a const static object: gcc stores its initialiser instead (memset + the non-zero fields)
      const call = initCall(this.model, size, align, ro);
      if (call) this.addRef(call, e.tok, ctx, false, 'aggregate initialisation from a read-only object');
    } else if (e.r.k !== 'call' && e.r.k !== 'stmtexpr' && memcpyCallNeeded(this.model, size)) {
      this.addRef('memcpy', e.tok, ctx, false, 'aggregate copy');
    }
  }

  private roCache = new Map<GSym, Init | null>();

  /** the initialiser list of a const static object (gcc expands copies of it from the initialiser) */
  private readOnlyInit(g: GSym): Init | undefined {
    if (this.roCache.has(g)) return this.roCache.get(g) ?? undefined;
    let r: Init | null = null;
    if (g.kind === 'var' && g.isStatic && g.init && !g.weak) {
      const init = globalInit(this.p, g);
      // only const objects: gcc does not promote a never-written static for this (measured)
      if (init && init.k === 'list' && g.constQual) r = init;
    }
    this.roCache.set(g, r);
    return r ?? undefined;
  }

  private division(e: Expr & { k: 'bin' | 'assign' }, op: string, ctx: Ctx): void {
    // a / b after a % b: gcc's one divmod call serves both (__aeabi_uidivmod), no separate division call
    const a = e.k === 'bin' ? operandKey(e.l) : undefined;
    const b = e.k === 'bin' ? operandKey(e.r) : undefined;
    if (op === '/' && a && b && ctx.remDone?.has(`${a}|${b}`)) return;
    const name = divisionCall(this.p, this.model, e, op, ctx.ev);
    if (op === '%' && a && b && name) (ctx.remDone ??= new Set()).add(`${a}|${b}`);
    this.dbg(ctx, () => `division ${name ?? 'inline'}: ${this.p.toks.text.slice(Math.max(0, e.tok - 12), e.tok + 8).join(' ')} (divisor ${ctx.ev.int(e.r)})`);
    if (name) this.addRef(name, e.tok, ctx, false, 'integer division');
  }

  private walkBuiltin(e: Expr & { k: 'builtin' }, ctx: Ctx, use: Use): void {
    const n = e.name;
    switch (n) {
      case '__builtin_constant_p':
      case '__builtin_object_size':
      case '__builtin_dynamic_object_size':
      case '__builtin_classify_type':
        return; // operands are not evaluated
      case '__builtin_expect':
      case '__builtin_expect_with_probability':
        if (e.args[0]) this.walkExpr(e.args[0], ctx, use);
        for (const a of e.args.slice(1)) this.walkExpr(a, ctx, 'value');
        return;
      case '__builtin_add_overflow':
      case '__builtin_sub_overflow':
      case '__builtin_mul_overflow': {
        // check_mul_overflow(): with known operands the product is a known value in *d (kmalloc_array's size)
        for (const a of e.args.slice(0, 2)) this.walkExpr(a, ctx, 'value');
        const r = ctx.ev.overflow(n.slice('__builtin_'.length), e.args);
        if (r && r.target && r.target.k === 'a' && r.target.local) ctx.ev.env?.set(r.target.local, { k: 'i', v: r.value });
        else if (e.args[2]) this.walkExpr(e.args[2], ctx, 'value');
        return;
      }
      default: {
        for (const a of e.args) this.walkExpr(a, ctx, 'value');
        if (n === '__builtin_alloca' && ctx.def) ctx.def.stackProtect = true;
        const lib = n.slice('__builtin_'.length);
        if (ctx.record && n.startsWith('__builtin_')) {
          const sym = libCallSymbol(this.model, lib, e.args, use, ctx.ev, (x) => this.literal(x));
          if (sym) this.addRef(sym, e.tok, ctx, false);
        }
      }
    }
  }

  /** the string value of a literal argument (through casts) */
  private literal(e: Expr): string | undefined {
    while (e.k === 'cast') e = e.e;
    if (e.k !== 'str') return undefined;
    let s = '';
    for (const t of e.toks) s += this.p.toks.str(t) ?? '';
    return s;
  }

  private walkCall(e: Expr & { k: 'call' }, ctx: Ctx, use: Use): void {
    const fn = e.fn;
    if (fn.k === 'id' && fn.sym && fn.sym.kind === 'func') {
      const g = fn.sym;
      const args = e.args.map((a) => ctx.ev.val(a));
      const inline = !!g.body && (g.isStatic || !this.emitsExternal(g));
      const callee = inline ? this.funcDef(g) : undefined;
      e.args.forEach((a, i) => {
        // an argument for a parameter the inlined body never reads is dead unless it has side effects
        const param = callee?.params[i];
        if (param && !callee!.used.has(param) && isPure(this.p, a)) return;
        this.walkExpr(a, ctx, 'value');
      });
      if (g.diagnoseOnCall) return; // a kept call to an error/warning function fails the build: never reaches nm
      if (inline) {
        this.walkInstance(g, args, ctx, e.tok, false, this.argRanges(e, args, ctx.ev));
        if (!g.isStatic && !this.emitsExternal(g)) this.useSym(g, fn.tok, ctx);
        return;
      }
      if (ctx.record && ctx.def && this.model.stackProtector !== 'none' && this.model.stackProtector !== 'normal' && g.type.k === 'func') {
        // a struct returned in memory: the caller passes the address of a stack temporary (-fstack-protector-strong)
        const rt = g.type.ret;
        if (rt.k === 'record') {
          const size = sizeOf(rt, this.p.tg);
          if (size !== undefined && size > this.model.target.retInRegsMax) this.stackRefs(ctx.def, ctx);
        }
      }
      if (!g.defined && ctx.record) {
        const sym = libCallSymbol(this.model, g.asmName, e.args, use, ctx.ev, (x) => this.literal(x));
        if (sym === null) return;
        if (sym !== undefined && sym !== g.asmName) {
          this.addRef(sym, fn.tok, ctx, false, `${g.asmName}() folded by the compiler`);
          return;
        }
      }
      this.useSym(g, fn.tok, ctx);
      return;
    }
    this.walkExpr(fn, ctx, 'value');
    for (const a of e.args) this.walkExpr(a, ctx, 'value');
  }
}

/** x++ / ++x / x-- / --x as the expression of x's new value */
function incDec(e: Expr & { k: 'un' | 'post' }): Expr {
  return { k: 'bin', tok: e.tok, op: e.op === '++' ? '+' : '-', l: e.e, r: { k: 'num', tok: e.tok, text: '1' } };
}

function safeParse(p: Parser, g: GSym): FuncDef | undefined {
  try {
    return parseFunction(p, g);
  } catch (e) {
    p.errors.push({ tok: g.body?.[0] ?? g.tok, message: `function ${g.name}: ${(e as Error).message}` });
    return undefined;
  }
}

const localIds = new WeakMap<LocalVar, number>();
let nextLocalId = 0;
function sigOf(v: Val | undefined): string {
  if (!v) return '?';
  if (v.k === 'i') return v.v.toString();
  if (v.local) {
    let id = localIds.get(v.local);
    if (id === undefined) localIds.set(v.local, (id = nextLocalId++));
    return `&local${id}+${v.off}`;
  }
  return `&${v.sym}+${v.off}`;
}

function sameVal(a: Val, b: Val): boolean {
  if (a.k !== b.k) return false;
  if (a.k === 'i') return a.v === (b as { v: bigint }).v;
  return a.sym === (b as { sym: string }).sym && a.off === (b as { off: bigint }).off && a.sym !== '.stack';
}

function hasLabel(s: Stmt): boolean {
  return s.k === 'label' || s.k === 'case' || s.k === 'default';
}

/** a case or default label inside a statement (below the top level of a switch body: Duff's device) */
function nestedCase(s: Stmt | Expr): boolean {
  if (s.k === 'case' || s.k === 'default') return true;
  if (s.k === 'switch') return false;
  for (const c of children(s)) if (nestedCase(c)) return true;
  return false;
}

/** does the expression name a local variable (whose value may change before a deferred walk)? */
function namesLocal(e: Stmt | Expr): boolean {
  if (e.k === 'id') return e.local !== undefined && !e.local.global;
  for (const c of children(e)) if (namesLocal(c)) return true;
  return false;
}

/** the statement under an item's labels */
function labelled(s: Stmt): Stmt {
  while (s.k === 'case' || s.k === 'default' || s.k === 'label') s = s.s;
  return s;
}

function hasBreak(s: Stmt): boolean {
  return s.k === 'break';
}

function isZero(e: Expr): boolean {
  while (e.k === 'cast') e = e.e;
  return e.k === 'num' && /^0+[uUlL]*$/.test(e.text);
}

/** calls to functions declared noreturn end the flow; we only know the builtins */
function isNoReturnCall(e: Expr): boolean {
  return e.k === 'builtin' && (e.name === '__builtin_unreachable' || e.name === '__builtin_trap');
}
