import type { Expr, Sym, SymbolTable } from './model.js';

/** expr_contains_symbol: does `dep` mention `sym` anywhere (outside of negations too)? */
export function exprContainsSymbol(dep: Expr | null, sym: Sym): boolean {
  if (!dep) return false;
  switch (dep.t) {
    case 'and':
    case 'or':
      return exprContainsSymbol(dep.l, sym) || exprContainsSymbol(dep.r, sym);
    case 'sym':
      return dep.s === sym;
    case 'cmp':
      return dep.l === sym || dep.r === sym;
    case 'not':
      return exprContainsSymbol(dep.e, sym);
  }
}

/** expr_depends_symbol: is `dep` false whenever `sym` is n (syntactically: sym, sym=y/m, sym!=n in an && chain)? */
export function exprDependsSymbol(dep: Expr | null, sym: Sym): boolean {
  if (!dep) return false;
  switch (dep.t) {
    case 'and':
      return exprDependsSymbol(dep.l, sym) || exprDependsSymbol(dep.r, sym);
    case 'sym':
      return dep.s === sym;
    case 'cmp':
      if (dep.l !== sym) return false;
      if (dep.op === '=') return dep.r.name === 'y' || dep.r.name === 'm' ? isYM(dep.r) : false;
      if (dep.op === '!=') return dep.r.name === 'n' && dep.r.isConst;
      return false;
    default:
      return false;
  }
}

function isYM(s: Sym): boolean {
  return s.isConst && (s.name === 'y' || s.name === 'm');
}

// ---- the "superset" test of automatic submenu creation ----------------------------------------------------------
//
// menu.c puts an entry below a preceding symbol S when its dependencies contain S and, after conf's expression
// simplifications (expr_trans_compare / expr_transform / expr_eliminate_dups / expr_eliminate_eq), removing the
// parts shared with S's own prompt dependencies leaves nothing. The simplifier below reproduces those rewrites on
// mutable copies, since the result (which symbols become choice values) depends on their exact behaviour.

type M =
  | { t: 'sym'; s: Sym }
  | { t: 'not'; e: M }
  | { t: 'and' | 'or'; l: M; r: M }
  | { t: 'cmp'; op: '=' | '!=' | '<' | '<=' | '>' | '>='; l: Sym; r: Sym };

interface Ctx {
  yes: Sym;
  mod: Sym;
  no: Sym;
  count: number;
}

function copy(e: Expr | null): M | null {
  if (!e) return null;
  switch (e.t) {
    case 'sym':
      return { t: 'sym', s: e.s };
    case 'not':
      return { t: 'not', e: copy(e.e)! };
    case 'and':
    case 'or':
      return { t: e.t, l: copy(e.l)!, r: copy(e.r)! };
    case 'cmp':
      return { t: 'cmp', op: e.op, l: e.l, r: e.r };
  }
}

function mcopy(e: M): M {
  return copy(e as Expr)!;
}

function isYes(c: Ctx, e: M | null): boolean {
  return !e || (e.t === 'sym' && e.s === c.yes);
}

/** replace the contents of node `a` with those of `b` (C's `*e = *other`) */
function assign(a: M, b: M): M {
  for (const k of Object.keys(a)) delete (a as unknown as Record<string, unknown>)[k];
  Object.assign(a, b);
  return a;
}

function symNode(s: Sym): M {
  return { t: 'sym', s };
}

function transCompare(c: Ctx, e: M | null, type: '=' | '!=', sym: Sym): M | null {
  if (!e) {
    const x = symNode(sym);
    return type === '!=' ? { t: 'not', e: x } : x;
  }
  switch (e.t) {
    case 'and':
    case 'or': {
      const e1 = transCompare(c, e.l, '=', sym)!;
      const e2 = transCompare(c, e.r, '=', sym)!;
      let r: M = e;
      if (sym === c.yes) r = { t: e.t, l: e1, r: e2 };
      if (sym === c.no) r = { t: e.t === 'and' ? 'or' : 'and', l: e1, r: e2 };
      if (type === '!=') r = { t: 'not', e: r };
      return r;
    }
    case 'not':
      return transCompare(c, e.e, type === '=' ? '!=' : '=', sym);
    case 'cmp':
      if (type === '=') {
        if (sym === c.yes) return mcopy(e);
        if (sym === c.mod) return symNode(c.no);
        if (sym === c.no) return { t: 'not', e: mcopy(e) };
      } else {
        if (sym === c.yes) return { t: 'not', e: mcopy(e) };
        if (sym === c.mod) return symNode(c.yes);
        if (sym === c.no) return mcopy(e);
      }
      return null;
    case 'sym':
      return { t: 'cmp', op: type, l: e.s, r: sym };
  }
}

function transform(c: Ctx, e: M | null): M | null {
  if (!e) return null;
  if (e.t === 'and' || e.t === 'or') {
    e.l = transform(c, e.l)!;
    e.r = transform(c, e.r)!;
  } else if (e.t === 'not') {
    e.e = transform(c, e.e)!;
  }
  switch (e.t) {
    case 'cmp':
      if (e.op === '=') {
        if (e.l.type !== 'bool') break;
        if (e.r === c.no) return { t: 'not', e: symNode(e.l) };
        if (e.r === c.mod) return symNode(c.no);
        if (e.r === c.yes) return symNode(e.l);
      } else if (e.op === '!=') {
        if (e.l.type !== 'bool') break;
        if (e.r === c.no) return symNode(e.l);
        if (e.r === c.mod) return symNode(c.yes);
        if (e.r === c.yes) return { t: 'not', e: symNode(e.l) };
      }
      break;
    case 'not': {
      const x = e.e;
      switch (x.t) {
        case 'not':
          return transform(c, x.e);
        case 'cmp': {
          const flip: Record<string, '=' | '!=' | '<' | '<=' | '>' | '>='> = {
            '=': '!=',
            '!=': '=',
            '<=': '>',
            '>=': '<',
            '<': '>=',
            '>': '<=',
          };
          return { t: 'cmp', op: flip[x.op]!, l: x.l, r: x.r };
        }
        case 'or':
          return transform(c, { t: 'and', l: { t: 'not', e: x.l }, r: { t: 'not', e: x.r } });
        case 'and':
          return transform(c, { t: 'or', l: { t: 'not', e: x.l }, r: { t: 'not', e: x.r } });
        case 'sym':
          if (x.s === c.yes) return symNode(c.no);
          if (x.s === c.mod) return symNode(c.mod);
          if (x.s === c.no) return symNode(c.yes);
          break;
      }
      break;
    }
    default:
      break;
  }
  return e;
}

function eliminateYn(c: Ctx, e: M | null): M | null {
  if (!e) return e;
  if (e.t !== 'and' && e.t !== 'or') return e;
  e.l = eliminateYn(c, e.l)!;
  e.r = eliminateYn(c, e.r)!;
  const and = e.t === 'and';
  const absorbing = and ? c.no : c.yes;
  const neutral = and ? c.yes : c.no;
  if (e.l.t === 'sym') {
    if (e.l.s === absorbing) return assign(e, symNode(absorbing));
    if (e.l.s === neutral) return assign(e, e.r);
  }
  if (e.r.t === 'sym') {
    if (e.r.s === absorbing) return assign(e, symNode(absorbing));
    if (e.r.s === neutral) return assign(e, e.l);
  }
  return e;
}

function exprEq(c: Ctx, e1: M | null, e2: M | null): boolean {
  if (!e1 || !e2) return isYes(c, e1) && isYes(c, e2);
  if (e1.t !== e2.t) return false;
  switch (e1.t) {
    case 'cmp': {
      const b = e2 as typeof e1;
      return e1.op === b.op && e1.l === b.l && e1.r === b.r;
    }
    case 'sym':
      return e1.s === (e2 as typeof e1).s;
    case 'not':
      return exprEq(c, e1.e, (e2 as typeof e1).e);
    case 'and':
    case 'or': {
      const saved = c.count;
      const r = eliminateEq(c, mcopy(e1), mcopy(e2));
      const res = r[0]!.t === 'sym' && r[1]!.t === 'sym' && r[0]!.s === (r[1] as { s: Sym }).s;
      c.count = saved;
      return res;
    }
  }
}

/** __expr_eliminate_eq on slot holders; returns the possibly replaced roots */
function elimEqInner(c: Ctx, type: 'and' | 'or', h1: { v: M }, h2: { v: M }): void {
  const e1 = h1.v;
  const e2 = h2.v;
  if (e1.t === type) {
    const l = { v: e1.l };
    elimEqInner(c, type, l, h2);
    e1.l = l.v;
    const r = { v: e1.r };
    elimEqInner(c, type, r, h2);
    e1.r = r.v;
    return;
  }
  if (e2.t === type) {
    const l = { v: e2.l };
    elimEqInner(c, type, h1, l);
    e2.l = l.v;
    const r = { v: e2.r };
    elimEqInner(c, type, h1, r);
    e2.r = r.v;
    return;
  }
  if (e1.t === 'sym' && e2.t === 'sym' && e1.s === e2.s && (e1.s === c.yes || e1.s === c.no)) return;
  if (!exprEq(c, e1, e2)) return;
  c.count++;
  const repl = type === 'or' ? c.no : c.yes;
  h1.v = symNode(repl);
  h2.v = symNode(repl);
}

function eliminateEq(c: Ctx, e1: M | null, e2: M | null): [M | null, M | null] {
  if (!e1 || !e2) return [e1, e2];
  const h1 = { v: e1 };
  const h2 = { v: e2 };
  if (h1.v.t === 'and' || h1.v.t === 'or') elimEqInner(c, h1.v.t, h1, h2);
  if (h1.v.t !== h2.v.t && (h2.v.t === 'and' || h2.v.t === 'or')) elimEqInner(c, h2.v.t, h1, h2);
  return [eliminateYn(c, h1.v), eliminateYn(c, h2.v)];
}

function joinOr(c: Ctx, e1: M, e2: M): M | null {
  if (exprEq(c, e1, e2)) return mcopy(e1);
  const okType = (e: M) => e.t === 'sym' || e.t === 'not' || (e.t === 'cmp' && (e.op === '=' || e.op === '!='));
  if (!okType(e1) || !okType(e2)) return null;
  let sym1: Sym;
  if (e1.t === 'not') {
    const tmp = e1.e;
    if (!(tmp.t === 'sym' || (tmp.t === 'cmp' && (tmp.op === '=' || tmp.op === '!=')))) return null;
    sym1 = tmp.t === 'sym' ? tmp.s : tmp.l;
  } else sym1 = e1.t === 'sym' ? e1.s : (e1 as { l: Sym }).l;
  let sym2: Sym;
  if (e2.t === 'not') {
    if (e2.e.t !== 'sym') return null;
    sym2 = e2.e.s;
  } else sym2 = e2.t === 'sym' ? e2.s : (e2 as { l: Sym }).l;
  if (sym1 !== sym2) return null;
  if (sym1.type !== 'bool' && sym1.type !== 'tristate') return null;
  if (sym1.type === 'tristate' && e1.t === 'cmp' && e2.t === 'cmp' && e1.op === '=' && e2.op === '=') {
    const pair = (a: Sym, b: Sym) => (e1.r === a && e2.r === b) || (e1.r === b && e2.r === a);
    if (pair(c.yes, c.mod)) return { t: 'cmp', op: '!=', l: sym1, r: c.no };
    if (pair(c.yes, c.no)) return { t: 'cmp', op: '!=', l: sym1, r: c.mod };
    if (pair(c.mod, c.no)) return { t: 'cmp', op: '!=', l: sym1, r: c.yes };
  }
  if (sym1.type === 'bool') {
    if ((e1.t === 'not' && e1.e.t === 'sym' && e2.t === 'sym') || (e2.t === 'not' && e2.e.t === 'sym' && e1.t === 'sym')) {
      return symNode(c.yes);
    }
  }
  return null;
}

function joinAnd(c: Ctx, e1: M, e2: M): M | null {
  if (exprEq(c, e1, e2)) return mcopy(e1);
  const okType = (e: M) => e.t === 'sym' || e.t === 'not' || (e.t === 'cmp' && (e.op === '=' || e.op === '!='));
  if (!okType(e1) || !okType(e2)) return null;
  let sym1: Sym;
  if (e1.t === 'not') {
    const tmp = e1.e;
    if (!(tmp.t === 'sym' || (tmp.t === 'cmp' && (tmp.op === '=' || tmp.op === '!=')))) return null;
    sym1 = tmp.t === 'sym' ? tmp.s : tmp.l;
  } else sym1 = e1.t === 'sym' ? e1.s : (e1 as { l: Sym }).l;
  let sym2: Sym;
  if (e2.t === 'not') {
    if (e2.e.t !== 'sym') return null;
    sym2 = e2.e.s;
  } else sym2 = e2.t === 'sym' ? e2.s : (e2 as { l: Sym }).l;
  if (sym1 !== sym2) return null;
  if (sym1.type !== 'bool' && sym1.type !== 'tristate') return null;
  const isCmp = (e: M, op: '=' | '!=', r: Sym) => e.t === 'cmp' && e.op === op && e.r === r;
  if ((e1.t === 'sym' && isCmp(e2, '=', c.yes)) || (e2.t === 'sym' && isCmp(e1, '=', c.yes))) {
    return { t: 'cmp', op: '=', l: sym1, r: c.yes };
  }
  if ((e1.t === 'sym' && isCmp(e2, '!=', c.no)) || (e2.t === 'sym' && isCmp(e1, '!=', c.no))) return symNode(sym1);
  if ((e1.t === 'sym' && isCmp(e2, '!=', c.mod)) || (e2.t === 'sym' && isCmp(e1, '!=', c.mod))) {
    return { t: 'cmp', op: '=', l: sym1, r: c.yes };
  }
  if (sym1.type === 'tristate' && e1.t === 'cmp' && e2.t === 'cmp') {
    if (e1.op === '=' && e2.op === '!=') {
      const s2 = e1.r;
      if (e2.r.isConst && s2.isConst) return s2 !== e2.r ? { t: 'cmp', op: '=', l: sym1, r: s2 } : symNode(c.no);
    }
    if (e1.op === '!=' && e2.op === '=') {
      const s2 = e2.r;
      if (e1.r.isConst && s2.isConst) return s2 !== e1.r ? { t: 'cmp', op: '=', l: sym1, r: s2 } : symNode(c.no);
    }
    if (e1.op === '!=' && e2.op === '!=') {
      const pair = (a: Sym, b: Sym) => (e1.r === a && e2.r === b) || (e1.r === b && e2.r === a);
      if (pair(c.yes, c.no)) return { t: 'cmp', op: '=', l: sym1, r: c.mod };
      if (pair(c.yes, c.mod)) return { t: 'cmp', op: '=', l: sym1, r: c.no };
      if (pair(c.mod, c.no)) return { t: 'cmp', op: '=', l: sym1, r: c.yes };
    }
  }
  return null;
}

/** expr_eliminate_dups1, on holders so that in-place replacement through aliases works like the C code */
function dups1(c: Ctx, type: 'and' | 'or', h1: { v: M }, h2: { v: M }): void {
  const e1 = h1.v;
  const e2 = h2.v;
  if (e1.t === type) {
    const l = { v: e1.l };
    dups1(c, type, l, h2);
    e1.l = l.v;
    const r = { v: e1.r };
    dups1(c, type, r, h2);
    e1.r = r.v;
    return;
  }
  if (e2.t === type) {
    const l = { v: e2.l };
    dups1(c, type, h1, l);
    e2.l = l.v;
    const r = { v: e2.r };
    dups1(c, type, h1, r);
    e2.r = r.v;
    return;
  }
  if (e1 === e2) return;
  if (e1.t === 'and' || e1.t === 'or') {
    const self = { v: e1 };
    dups1(c, e1.t, self, self);
    h1.v = self.v;
  }
  const tmp = type === 'or' ? joinOr(c, h1.v, h2.v) : joinAnd(c, h1.v, h2.v);
  if (tmp) {
    // replace in place so that aliases (the same node reached through the other tree) see the change
    assign(h1.v, symNode(type === 'or' ? c.no : c.yes));
    assign(h2.v, tmp);
    c.count++;
  }
}

function eliminateDups(c: Ctx, e: M | null): M | null {
  if (!e) return e;
  const old = c.count;
  let cur: M = e;
  for (;;) {
    c.count = 0;
    if (cur.t === 'and' || cur.t === 'or') {
      const h = { v: cur };
      dups1(c, cur.t, h, h);
      cur = h.v;
    }
    if (!c.count) break;
    cur = eliminateYn(c, cur)!;
  }
  c.count = old;
  return cur;
}

/**
 * The superset test of menu_finalize: after turning both into "!= n" comparisons and simplifying, does removing
 * what `dep` shares with `promptDep` (the preceding symbol's prompt condition) leave `promptDep` as y?
 */
export const supersetStats = { calls: 0 };
export function supersetOf(dep: Expr | null, promptDep: Expr | null, syms: SymbolTable): boolean {
  supersetStats.calls++;
  const c: Ctx = { yes: syms.yes, mod: syms.mod, no: syms.no, count: 0 };
  let base = transCompare(c, copy(promptDep), '!=', syms.no);
  base = eliminateDups(c, transform(c, base));
  let d = transCompare(c, copy(dep), '!=', syms.no);
  d = eliminateDups(c, transform(c, d));
  const b2 = base ? mcopy(base) : null;
  const [, r2] = eliminateEq(c, d, b2);
  return isYes(c, r2);
}
