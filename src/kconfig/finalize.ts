import type { Diagnostic } from '../core/types.js';
import { kdiag } from './diagnostics.js';
import { exprDependsSymbol, exprContainsSymbol, supersetOf } from './simplify.js';
import {
  type CmpOp,
  type Expr,
  F_CHOICEVAL,
  F_OPTIONAL,
  type MenuNode,
  type Prop,
  type Sym,
  type SymbolTable,
  eAnd,
  eCmp,
  eNot,
  eOr,
  eSym,
} from './model.js';
import { typeName } from './parser.js';
import { DIALECT_6_1, type KconfigDialect } from './dialect.js';

const NEGATED: Record<CmpOp, CmpOp> = { '=': '!=', '!=': '=', '<': '>=', '>=': '<', '<=': '>', '>': '<=' };

/**
 * expr_trans_bool (≤5.x menu_finalize), after the negations expr_transform pushes inwards: every tristate `X != n`
 * becomes `X`. Returns `e` itself where nothing changes (the other rewrites of expr_transform preserve values, and
 * kvlint keeps the expression as written).
 */
export function transBool(e: Expr, syms: SymbolTable): Expr {
  switch (e.t) {
    case 'cmp':
      return e.op === '!=' && e.l.type === 'tristate' && e.r === syms.no ? eSym(e.l) : e;
    case 'and':
    case 'or': {
      const l = transBool(e.l, syms);
      const r = transBool(e.r, syms);
      return l === e.l && r === e.r ? e : { t: e.t, l, r, mark: 0 };
    }
    case 'not': {
      const x = e.e;
      let pushed: Expr | null = null;
      if (x.t === 'not') pushed = x.e;
      else if (x.t === 'cmp') pushed = eCmp(NEGATED[x.op], x.l, x.r);
      else if (x.t === 'and' || x.t === 'or') pushed = { t: x.t === 'and' ? 'or' : 'and', l: eNot(x.l), r: eNot(x.r), mark: 0 };
      if (!pushed) return e;
      const t = transBool(pushed, syms);
      return t === pushed ? e : t;
    }
    default:
      return e;
  }
}

/**
 * After parsing: propagate dependencies down the menu tree into every property, build select/imply reverse
 * dependencies, create automatic submenus, decide which symbols are choice values, and collect conf's parse-time
 * warnings. Mirrors the effects of scripts/kconfig/menu.c menu_finalize (read to learn, rewritten here).
 */
export function finalize(root: MenuNode, syms: SymbolTable, modulesSym: Sym | null, diags: Diagnostic[], props: Prop[], dialect: KconfigDialect = DIALECT_6_1): void {
  /** properties finalize itself creates get ids too, so per-property state and the model cache see them */
  const newProp = (p: Omit<Prop, 'id'>): Prop => {
    const q = { id: props.length, ...p } as Prop;
    props.push(q);
    return q;
  };
  const warned = new Set<Sym>();
  const modules = modulesSym ?? syms.no;

  /** 'm' becomes 'm && MODULES', so that it means n without module support */
  const rewriteM = (e: Expr | null): Expr | null => {
    if (!e) return e;
    switch (e.t) {
      case 'not': {
        const x = rewriteM(e.e)!;
        return x === e.e ? e : { t: 'not', e: x, mark: 0 };
      }
      case 'and':
      case 'or': {
        const l = rewriteM(e.l)!;
        const r = rewriteM(e.r)!;
        return l === e.l && r === e.r ? e : { t: e.t, l, r, mark: 0 };
      }
      case 'sym':
        return e.s === syms.mod ? { t: 'and', l: e, r: eSym(modules), mark: 0 } : e;
      default:
        return e;
    }
  };

  const warn = (sp: Prop['span'], msg: string) =>
    diags.push(kdiag('warning', 'warning', msg, sp, { subject: `${sp.file}:${sp.line}:${msg}` }));

  const fin = (parent: MenuNode): void => {
    const sym = parent.sym;
    if (parent.list) {
      let parentDep: Expr | null;
      if (sym && sym.isChoice) {
        if (sym.type === 'unknown') {
          for (let m: MenuNode | null = parent.list; m; m = m.next) {
            if (m.sym && m.sym.type !== 'unknown') {
              sym.type = m.sym.type;
              break;
            }
          }
        }
        for (let m: MenuNode | null = parent.list; m; m = m.next) {
          if (m.sym && m.sym.type === 'unknown') m.sym.type = sym.type;
        }
        // the choice's own value bounds its values
        parentDep = eSym(sym);
      } else parentDep = parent.dep;

      for (let m: MenuNode | null = parent.list; m; m = m.next) {
        const basedep = eAnd(parentDep, rewriteM(m.dep));
        m.dep = basedep;
        const props: Prop[] = m.sym ? m.sym.props : m.prompt ? [m.prompt] : [];
        for (const prop of props) {
          if (prop.menu !== m) continue;
          let dep = eAnd(basedep, rewriteM(prop.visible));
          if (dialect.transBool && dep && m.sym && m.sym.type !== 'tristate') dep = transBool(dep, syms);
          prop.visible = dep;
          if (prop.type === 'select' || prop.type === 'imply') {
            const target = (prop.expr as { t: 'sym'; s: Sym }).s;
            const term = eAnd(eSym(m.sym!), dep)!;
            if (prop.type === 'select') target.revDep = eOr(target.revDep, term);
            else target.implied = eOr(target.implied, term);
          }
        }
      }
      for (let m: MenuNode | null = parent.list; m; m = m.next) fin(m);
    } else if (sym) {
      // automatic submenu: following entries that depend on this symbol become its children
      const basedep = parent.prompt ? parent.prompt.visible : null;
      let last: MenuNode | null = null;
      for (let m: MenuNode | null = parent.next; m; m = m.next) {
        const dep = m.prompt ? m.prompt.visible : m.dep;
        if (!exprContainsSymbol(dep, sym)) break;
        if (!exprDependsSymbol(dep, sym) && !supersetOf(dep, basedep, syms)) break;
        fin(m);
        m.parent = parent;
        last = m;
      }
      if (last) {
        parent.list = parent.next;
        parent.next = last.next;
        last.next = null;
      }
      sym.dirDep = eOr(sym.dirDep, parent.dep);
    }

    for (let m: MenuNode | null = parent.list; m; m = m.next) {
      if (sym && sym.isChoice && m.sym && !m.sym.isChoiceValue) {
        const v = m.sym;
        v.flags |= F_CHOICEVAL;
        if (!m.prompt) warn(m.span, 'choice value must have a prompt');
        for (const prop of v.props) {
          if (prop.type === 'default') warn(prop.span, 'defaults for choice values not supported');
          if (prop.menu === m) continue;
          if (prop.type === 'prompt' && prop.menu.parent?.sym !== sym) {
            warn(prop.span, 'choice value used outside its choice group');
          }
        }
        // bool values of a tristate choice exist only when the choice is y
        if (sym.type === 'tristate' && v.type !== 'tristate') {
          const isY = eCmp('=', sym, syms.yes);
          m.dep = eAnd(isY, m.dep);
          for (const prop of v.props) {
            if (prop.menu !== m) continue;
            prop.visible = eAnd(isY, prop.visible);
          }
        }
        const cprop = newProp({ type: 'choice', expr: eSym(sym), visible: null, text: undefined, lo: undefined, hi: undefined, span: m.span, menu: m });
        v.props.push(cprop);
        v.choice = sym;
        sym.choiceValues.push(v);
      }
      // flatten `if` blocks and submenus below promptless symbols
      if (m.list && (!m.prompt || m.prompt.text === undefined)) {
        let lm = m.list;
        for (;;) {
          lm.parent = parent;
          if (!lm.next) break;
          lm = lm.next;
        }
        lm.next = m.next;
        m.next = m.list;
        m.list = null;
      }
    }

    if (sym && !warned.has(sym)) {
      warned.add(sym);
      if (sym.type === 'unknown') warn(parent.span, 'config symbol defined without type');
      if (sym.isChoice && !parent.prompt) warn(parent.span, 'choice must have a prompt');
      checkProps(sym, syms, warn);
    }

    // a visible non-optional choice cannot be n: an implicit select of '<visibility> && m'
    if (sym && (sym.flags & F_OPTIONAL) === 0 && parent.prompt) {
      sym.revDep = eOr(sym.revDep, eAnd(parent.prompt.visible, eSym(syms.mod)));
    }
  };

  if (!root.prompt) {
    root.prompt = newProp({ type: 'menu', expr: null, visible: null, text: 'Main menu', lo: undefined, hi: undefined, span: root.span, menu: root });
  }
  fin(root);
}

function validNumber(sym: Sym, s2: Sym): boolean {
  return s2.type === 'int' || s2.type === 'hex' || (s2.type === 'unknown' && stringValid(sym.type, s2.name ?? ''));
}

/** conf's sym_string_valid */
export function stringValid(type: Sym['type'], str: string): boolean {
  switch (type) {
    case 'string':
      return true;
    case 'int':
      return /^-?(0|[1-9][0-9]*)$/.test(str);
    case 'hex':
      return /^(0[xX])?[0-9a-fA-F]+$/.test(str);
    case 'bool':
    case 'tristate':
      return /^[yYmMnN]/.test(str);
    default:
      return false;
  }
}

function checkProps(sym: Sym, syms: SymbolTable, warn: (sp: Prop['span'], msg: string) => void): void {
  for (const prop of sym.props) {
    switch (prop.type) {
      case 'default': {
        if ((sym.type === 'string' || sym.type === 'int' || sym.type === 'hex') && prop.expr?.t !== 'sym') {
          warn(prop.span, `default for config symbol '${sym.name}' must be a single symbol`);
        }
        if (prop.expr?.t !== 'sym') break;
        const s2 = prop.expr.s;
        if ((sym.type === 'hex' || sym.type === 'int') && !validNumber(sym, s2)) {
          warn(prop.span, `'${sym.name}': number is invalid`);
        }
        if (sym.isChoice && s2.choice !== sym) {
          warn(prop.span, `choice default symbol '${s2.name}' is not contained in the choice`);
        }
        break;
      }
      case 'select':
      case 'imply': {
        const use = prop.type;
        const s2 = (prop.expr as { t: 'sym'; s: Sym }).s;
        if (sym.type !== 'bool' && sym.type !== 'tristate') {
          warn(prop.span, `config symbol '${sym.name}' uses ${use}, but is not bool or tristate`);
        } else if (s2.type !== 'unknown' && s2.type !== 'bool' && s2.type !== 'tristate') {
          warn(prop.span, `'${s2.name}' has wrong type. '${use}' only accept arguments of bool and tristate type`);
        }
        break;
      }
      case 'range':
        if (sym.type !== 'int' && sym.type !== 'hex') warn(prop.span, 'range is only allowed for int or hex symbols');
        if (!validNumber(sym, prop.lo!) || !validNumber(sym, prop.hi!)) warn(prop.span, 'range is invalid');
        break;
      default:
        break;
    }
  }
  void syms;
  void typeName;
}
