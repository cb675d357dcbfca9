import type { Expr, Init, LocalVar, Stmt } from './ast.js';

const cache = new WeakMap<object, Set<LocalVar>>();

/** locals a statement or expression writes (assignment, ++/--, &x, asm outputs), for the flow-sensitive walk */
export function assignedIn(node: Stmt | Expr): Set<LocalVar> {
  let s = cache.get(node);
  if (!s) {
    s = new Set();
    collect(node, s);
    cache.set(node, s);
  }
  return s;
}

function target(e: Expr, out: Set<LocalVar>): void {
  for (;;) {
    if (e.k === 'id') {
      if (e.local) out.add(e.local);
      return;
    }
    if (e.k === 'member' && !e.arrow) e = e.e;
    else if (e.k === 'index') e = e.e;
    else if (e.k === 'cast') e = e.e;
    else return;
  }
}

function collectInit(i: Init, out: Set<LocalVar>): void {
  if (i.k === 'expr') collect(i.e, out);
  else for (const it of i.items) collectInit(it.init, out);
}

function collect(n: Stmt | Expr, out: Set<LocalVar>): void {
  switch (n.k) {
    // statements
    case 'block':
      for (const it of n.items) collect(it, out);
      return;
    case 'decl':
      for (const v of n.vars) {
        out.add(v);
        if (v.init) collectInit(v.init, out);
      }
      return;
    case 'expr':
      collect(n.e, out);
      return;
    case 'if':
      collect(n.c, out);
      collect(n.a, out);
      if (n.b) collect(n.b, out);
      return;
    case 'while':
    case 'do':
      collect(n.c, out);
      collect(n.body, out);
      return;
    case 'for':
      if (n.init) collect(n.init, out);
      if (n.c) collect(n.c, out);
      if (n.step) collect(n.step, out);
      collect(n.body, out);
      return;
    case 'switch':
      collect(n.c, out);
      collect(n.body, out);
      return;
    case 'case':
    case 'default':
    case 'label':
      collect(n.s, out);
      return;
    case 'goto':
      if (n.e) collect(n.e, out);
      return;
    case 'return':
      if (n.e) collect(n.e, out);
      return;
    case 'asm':
      n.operands.forEach((e, i) => {
        if (i < n.nout) target(e, out);
        collect(e, out);
      });
      return;
    case 'break':
    case 'continue':
    case 'empty':
      return;
    // expressions
    case 'assign':
      target(n.l, out);
      collect(n.l, out);
      collect(n.r, out);
      return;
    case 'un':
      if (n.op === '++' || n.op === '--' || n.op === '&') target(n.e, out);
      collect(n.e, out);
      return;
    case 'post':
      target(n.e, out);
      collect(n.e, out);
      return;
    case 'bin':
    case 'comma':
      collect(n.l, out);
      collect(n.r, out);
      return;
    case 'cond':
      collect(n.c, out);
      if (n.a) collect(n.a, out);
      collect(n.b, out);
      return;
    case 'call':
      collect(n.fn, out);
      for (const a of n.args) collect(a, out);
      return;
    case 'builtin':
      for (const a of n.args) collect(a, out);
      return;
    case 'member':
    case 'cast':
    case 'vaarg':
      collect(n.e, out);
      return;
    case 'index':
      collect(n.e, out);
      collect(n.i, out);
      return;
    case 'complit':
      collectInit(n.init, out);
      return;
    case 'stmtexpr':
      collect(n.body, out);
      return;
    case 'choose':
      collect(n.c, out);
      collect(n.a, out);
      collect(n.b, out);
      return;
    case 'generic':
      for (const a of n.assoc) collect(a.e, out);
      return;
    default:
      return;
  }
}

/**
 * Local arrays used other than as `a[constant]`: the ones that stay in memory. An array only ever indexed by
 * constants is split into scalars by gcc (SRA) and does not make -fstack-protector-strong protect the function.
 */
export function arraysInMemory(body: Stmt, passedOk?: (call: Expr & { k: 'call' }, arg: number) => boolean): Set<LocalVar> {
  const out = new Set<LocalVar>();
  visit(body, out, passedOk);
  return out;
}

/**
 * Is parameter `param` of a function only ever dereferenced at constant offsets (`p[0]`, `*p`), directly or through
 * a local pointer initialised from it? Then an array passed there and inlined stays scalarisable.
 */
export function pointerOnlyConstIndexed(body: Stmt, param: LocalVar, constParams: Set<LocalVar> = new Set()): boolean {
  return pointerScalarizable(body, param, constParams, false);
}

/**
 * Can gcc scalarise (SRA) an object whose address is handed to an inlined function as `param`? Yes when the
 * function only dereferences it — `p->field`, `*p`, `p[i]` with i a constant after inlining (constants, or the
 * parameters in `constParams`, which the call passes constants for) — directly or through a local copy of it.
 * `fields`: member accesses allowed (a struct); else only indexing (an array).
 */
export function pointerScalarizable(body: Stmt, param: LocalVar, constParams: Set<LocalVar>, fields: boolean): boolean {
  const aliases = new Set<LocalVar>([param]);
  let ok = true;
  const copyOf = (e: Expr): LocalVar | undefined => {
    while (e.k === 'cast') e = e.e;
    return e.k === 'id' && e.local && aliases.has(e.local) ? e.local : undefined;
  };
  const constish = (e: Expr): boolean => {
    if (constIndex(e)) return true;
    switch (e.k) {
      case 'id':
        return !!e.local && constParams.has(e.local) && !e.local.mutated;
      case 'bin':
        return constish(e.l) && constish(e.r);
      case 'un':
        return e.op !== '&' && e.op !== '*' && e.op !== '++' && e.op !== '--' && constish(e.e);
      case 'cast':
        return constish(e.e);
      default:
        return false;
    }
  };
  const check = (n: Stmt | Expr): void => {
    if (!ok) return;
    if (n.k === 'decl') {
      for (const v of n.vars) {
        if (v.init && v.init.k === 'expr' && copyOf(v.init.e) && !v.mutated && v.type.k === 'ptr') aliases.add(v);
        else if (v.init) for (const c of children({ k: 'decl', tok: n.tok, vars: [v] })) check(c);
      }
      return;
    }
    if (n.k === 'index' && copyOf(n.e)) {
      if (!constish(n.i)) ok = false;
      else check(n.i);
      return;
    }
    if (n.k === 'un' && n.op === '*' && copyOf(n.e)) return;
    if (fields && n.k === 'member' && n.arrow && copyOf(n.e)) return;
    if (n.k === 'id') {
      if (n.local && aliases.has(n.local)) ok = false;
      return;
    }
    for (const c of children(n)) check(c);
  };
  check(body);
  return ok;
}

/** local arrays whose address escapes: used other than as `a[i]` (decayed into a call, a pointer, …) */
export function arraysEscaping(body: Stmt): Set<LocalVar> {
  const out = new Set<LocalVar>();
  const walk = (n: Stmt | Expr): void => {
    if (n.k === 'index' && n.e.k === 'id' && n.e.local && n.e.local.type.k === 'array') {
      walk(n.i);
      return;
    }
    if (n.k === 'id') {
      if (n.local && n.local.type.k === 'array') out.add(n.local);
      return;
    }
    if (n.k === 'sizeof' || n.k === 'typescompat' || n.k === 'offsetof') return;
    for (const c of children(n)) walk(c);
  };
  walk(body);
  return out;
}

function constIndex(e: Expr): boolean {
  switch (e.k) {
    case 'num':
    case 'chr':
    case 'sizeof':
    case 'offsetof':
      return true;
    case 'id':
      return e.ec !== undefined;
    case 'bin':
      return constIndex(e.l) && constIndex(e.r);
    case 'un':
      return e.op !== '&' && e.op !== '*' && e.op !== '++' && e.op !== '--' && constIndex(e.e);
    case 'cast':
      return constIndex(e.e);
    default:
      return false;
  }
}

function visit(n: Stmt | Expr, out: Set<LocalVar>, passedOk?: (call: Expr & { k: 'call' }, arg: number) => boolean): void {
  if (n.k === 'call' && passedOk) {
    visit(n.fn, out, passedOk);
    n.args.forEach((a, i) => {
      if (a.k === 'id' && a.local && a.local.type.k === 'array' && passedOk(n, i)) return;
      visit(a, out, passedOk);
    });
    return;
  }
  if (n.k === 'index') {
    if (n.e.k === 'id' && n.e.local && n.e.local.type.k === 'array' && constIndex(n.i)) {
      visit(n.i, out, passedOk);
      return;
    }
  } else if (n.k === 'id') {
    if (n.local && n.local.type.k === 'array') out.add(n.local);
    return;
  } else if (n.k === 'sizeof' || n.k === 'typescompat' || n.k === 'offsetof') return;
  for (const c of children(n)) visit(c, out, passedOk);
}

function initExprs(i: Init, out: Expr[]): void {
  if (i.k === 'expr') out.push(i.e);
  else for (const it of i.items) initExprs(it.init, out);
}

/** the statement and expression children of a node (initialisers flattened) */
export function children(n: Stmt | Expr): (Stmt | Expr)[] {
  const out: (Stmt | Expr)[] = [];
  switch (n.k) {
    case 'block': return n.items;
    case 'decl': for (const v of n.vars) if (v.init) initExprs(v.init, out as Expr[]); return out;
    case 'expr': return [n.e];
    case 'if': return n.b ? [n.c, n.a, n.b] : [n.c, n.a];
    case 'while': case 'do': return [n.c, n.body];
    case 'for': if (n.init) out.push(n.init); if (n.c) out.push(n.c); if (n.step) out.push(n.step); out.push(n.body); return out;
    case 'switch': return [n.c, n.body];
    case 'case': case 'default': case 'label': return [n.s];
    case 'goto': return n.e ? [n.e] : [];
    case 'return': return n.e ? [n.e] : [];
    case 'asm': return n.operands;
    case 'assign': case 'bin': case 'comma': return [n.l, n.r];
    case 'un': case 'post': case 'member': case 'cast': case 'vaarg': return [n.e];
    case 'cond': return n.a ? [n.c, n.a, n.b] : [n.c, n.b];
    case 'call': return [n.fn, ...n.args];
    case 'builtin': return n.args;
    case 'index': return [n.e, n.i];
    case 'complit': initExprs(n.init, out as Expr[]); return out;
    case 'stmtexpr': return [n.body];
    case 'choose': return [n.c, n.a, n.b];
    case 'generic': return n.assoc.map((a) => a.e);
    default: return [];
  }
}

/** locals referred to anywhere in a body (a parameter missing from it is never read) */
export function usedLocals(body: Stmt): Set<LocalVar> {
  const out = new Set<LocalVar>();
  const walk = (n: Stmt | Expr): void => {
    if (n.k === 'id') {
      if (n.local) out.add(n.local);
      return;
    }
    if (n.k === 'decl') {
      for (const v of n.vars) if (v.cleanup) out.add(v);
    }
    for (const c of children(n)) walk(c);
  };
  walk(body);
  return out;
}

/** locals whose value is read somewhere (an identifier other than the target of a plain `=`) */
export function readLocals(body: Stmt | Expr, addrArgs?: Map<LocalVar, { call: Expr & { k: 'call' }; arg: number }[]>): Set<LocalVar> {
  const out = new Set<LocalVar>();
  const walk = (n: Stmt | Expr): void => {
    if (n.k === 'id') {
      if (n.local) out.add(n.local);
      return;
    }
    if (n.k === 'assign' && n.op === '=' && n.l.k === 'id') {
      walk(n.r);
      return;
    }
    if (n.k === 'call' && addrArgs) {
      // `f(&v)`: whether v is read depends on what f does with the pointer (see pointerWriteOnly)
      walk(n.fn);
      n.args.forEach((a, i) => {
        if (a.k === 'un' && a.op === '&' && a.e.k === 'id' && a.e.local) {
          const l = addrArgs.get(a.e.local) ?? [];
          l.push({ call: n, arg: i });
          addrArgs.set(a.e.local, l);
        } else walk(a);
      });
      return;
    }
    if (n.k === 'decl') for (const v of n.vars) if (v.cleanup) out.add(v);
    for (const c of children(n)) walk(c);
  };
  walk(body);
  return out;
}

const deadCache = new WeakMap<object, Set<LocalVar>>();

/**
 * For a statement expression whose value is discarded: the locals declared in it that are read only by its final
 * expression (do_div's remainder when the caller ignores it) — their stores are dead.
 */
export function deadWhenDiscarded(body: Stmt & { k: 'block' }): Set<LocalVar> {
  let s = deadCache.get(body);
  if (s) return s;
  s = new Set();
  const items = body.items;
  const last = items[items.length - 1];
  if (last && last.k === 'expr') {
    const declared: LocalVar[] = [];
    for (const it of items) if (it.k === 'decl') declared.push(...it.vars);
    const readBefore = readLocals({ k: 'block', tok: body.tok, items: items.slice(0, -1) });
    for (const v of declared) if (!readBefore.has(v) && !v.addrTaken) s.add(v);
  }
  deadCache.set(body, s);
  return s;
}

/** a rough size of a function body in gcc "insns" (for the inliner's small-function limit) */
export function estimateInsns(body: Stmt): number {
  let n = 0;
  const walk = (x: Stmt | Expr): void => {
    switch (x.k) {
      case 'call':
        n += 3 + x.args.length;
        break;
      case 'assign': case 'bin': case 'un': case 'post': case 'cond':
      case 'if': case 'while': case 'do': case 'for': case 'switch': case 'return': case 'asm':
        n += 1;
        break;
      case 'decl':
        for (const v of x.vars) if (v.init) n += 1;
        break;
      default:
        break;
    }
    for (const c of children(x)) walk(c);
  };
  walk(body);
  return n;
}

/**
 * Is every occurrence of `param` in the body inside a use `accept` allows? accept(n) returns the parts of n still to
 * check when n is an allowed use, false when it is a forbidden one, undefined when it is neither (look inside).
 */
function usedOnlyAs(body: Stmt, param: LocalVar, accept: (n: Stmt | Expr) => (Stmt | Expr)[] | false | undefined): boolean {
  let ok = true;
  const walk = (n: Stmt | Expr): void => {
    if (!ok) return;
    const parts = accept(n);
    if (parts === false) ok = false;
    else if (parts) for (const c of parts) walk(c);
    else if (n.k === 'id') ok = n.local !== param;
    else for (const c of children(n)) walk(c);
  };
  walk(body);
  return ok;
}

/** is a pointer parameter only ever stored through (`*p = …`), never read or passed on? */
export function pointerWriteOnly(body: Stmt, param: LocalVar): boolean {
  return usedOnlyAs(body, param, (n) =>
    n.k === 'assign' && n.op === '=' && n.l.k === 'un' && n.l.op === '*' && n.l.e.k === 'id' && n.l.e.local === param ? [n.r] : undefined);
}

/**
 * The pointer parameter is used only to reach fields (`p->f`, read or written), never as a value and never to take
 * a field's address: the pointed-to object does not escape through this function (scoped_seqlock_read's helpers).
 */
export function pointerFieldsOnly(body: Stmt, param: LocalVar): boolean {
  return usedOnlyAs(body, param, (n) => {
    if (n.k === 'un' && n.op === '&' && addressedBase(n.e) === param) return false;
    return n.k === 'member' && n.arrow && n.e.k === 'id' && n.e.local === param ? [] : undefined;
  });
}

/** the local whose storage `&e` addresses (through fields, elements and casts; `p->f` counts as p's) */
function addressedBase(e: Expr): LocalVar | undefined {
  for (;;) {
    if (e.k === 'member' || e.k === 'index' || e.k === 'cast') e = e.e;
    else return e.k === 'id' ? e.local : undefined;
  }
}

/** how many times the body takes the address of v or of a part of it (`&v`, `&v.f`, `&v[i]`) */
export function addressTakenCount(body: Stmt, v: LocalVar): number {
  let n = 0;
  const walk = (x: Stmt | Expr): void => {
    if (x.k === 'un' && x.op === '&' && addressedBase(x.e) === v) n++;
    for (const c of children(x)) walk(c);
  };
  walk(body);
  return n;
}

/** whether a statement holds a goto label (its code is reachable from outside it) */
export function hasGotoLabel(s: Stmt | Expr): boolean {
  if (s.k === 'label') return true;
  for (const c of children(s)) if (hasGotoLabel(c)) return true;
  return false;
}

/** `&v` of a local passed directly as a call argument: v -> the calls and argument positions */
export function addrArgsOf(body: Stmt): Map<LocalVar, { call: Expr & { k: 'call' }; arg: number }[]> {
  const out = new Map<LocalVar, { call: Expr & { k: 'call' }; arg: number }[]>();
  const walk = (n: Stmt | Expr): void => {
    if (n.k === 'call') {
      n.args.forEach((a, i) => {
        if (a.k === 'un' && a.op === '&' && a.e.k === 'id' && a.e.local) {
          const l = out.get(a.e.local) ?? [];
          l.push({ call: n, arg: i });
          out.set(a.e.local, l);
        }
      });
    }
    for (const c of children(n)) walk(c);
  };
  walk(body);
  return out;
}

/** a call argument that is a constant expression */
export function isConstArg(e: Expr): boolean {
  return constIndex(e);
}

const localKeys = new WeakMap<LocalVar, number>();
let nextKey = 0;

/** a structural key of a simple operand (locals, globals, numbers, casts, members), for matching `a / b` with `a % b` */
export function operandKey(e: Expr): string | undefined {
  switch (e.k) {
    case 'id': {
      if (e.local) {
        let k = localKeys.get(e.local);
        if (k === undefined) localKeys.set(e.local, (k = nextKey++));
        return `L${k}`;
      }
      return e.sym ? `G${e.sym.asmName}` : undefined;
    }
    case 'num':
      return `#${e.text}`;
    case 'cast': {
      const k = operandKey(e.e);
      return k && `(${e.type.k}${'size' in e.type ? e.type.size : ''})${k}`;
    }
    case 'member': {
      const k = operandKey(e.e);
      return k && `${k}${e.arrow ? '->' : '.'}${e.name}`;
    }
    default:
      return undefined;
  }
}

/** `a % b` operand pairs of a body: gcc computes `a / b` with the same divmod call */
export function remainderKeys(body: Stmt): Set<string> {
  const out = new Set<string>();
  const walk = (n: Stmt | Expr): void => {
    if (n.k === 'bin' && n.op === '%') {
      const a = operandKey(n.l);
      const b = operandKey(n.r);
      if (a && b) out.add(`${a}|${b}`);
    }
    for (const c of children(n)) walk(c);
  };
  walk(body);
  return out;
}
