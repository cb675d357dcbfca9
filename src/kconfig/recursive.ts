import type { Diagnostic, Span, TraceStep } from '../core/types.js';
import { kdiag } from './diagnostics.js';
import type { Expr, Prop, Sym, SymbolTable } from './model.js';

/**
 * conf's recursive-dependency check (symbol.c sym_check_deps), run for every symbol after parsing. A cycle
 * through depends on / select / imply / default / prompt conditions / choice membership is an error, reported with
 * the chain in the kernel's own wording ("symbol A depends on B", "symbol B is selected by A", …).
 */

interface Frame {
  sym: Sym;
  prop: Prop | null;
  /** which expression of `sym` is being followed */
  what: 'dir' | 'rev' | 'implied' | 'prop' | 'propexpr' | null;
  next: Frame | null;
  prev: Frame | null;
}

let checkRuns = 0;
const CHECK = 1;
const CHECKED = 2;

export function checkRecursive(syms: SymbolTable, propName: (p: Prop) => string): Diagnostic[] {
  const mark = new Uint8Array(syms.all.length);
  const diags: Diagnostic[] = [];
  let top: Frame | null = null;

  const push = (sym: Sym): Frame => {
    const f: Frame = { sym, prop: null, what: null, next: null, prev: top };
    if (top) top.next = f;
    top = f;
    return f;
  };
  const pop = () => {
    top = top!.prev;
    if (top) top.next = null;
  };

  const report = (lastIn: Sym): void => {
    let last = lastIn;
    let cvFrame: Frame | null = null;
    if (last.isChoiceValue) {
      cvFrame = push(last);
      last = last.choice!;
    }
    let f: Frame | null = top;
    while (f && f.sym !== last) f = f.prev;
    if (!f) {
      if (cvFrame) pop();
      return;
    }
    const trace: TraceStep[] = [];
    let primary: Span | undefined;
    for (; f; f = f.next) {
      const sym = f.sym;
      const next = f.next ? f.next.sym : last;
      let prop = f.prop ?? sym.props[0] ?? null;
      let where: Span | undefined = prop?.span;
      if (sym.isChoice || sym.isChoiceValue) {
        for (const p of sym.props) {
          prop = p;
          where = p.menu.span;
          break;
        }
      }
      if (f.sym === last && !primary) primary = prop?.span ?? sym.nodes[0]?.span;
      const a = sym.displayName();
      const b = next.displayName();
      let label: string;
      let kind: TraceStep['kind'] = 'depends';
      if (sym.isChoice) label = `choice ${a} contains symbol ${b}`;
      else if (sym.isChoiceValue) label = `symbol ${a} is part of choice ${b}`;
      else if (f.what === 'dir') label = `symbol ${a} depends on ${b}`;
      else if (f.what === 'rev') {
        label = `symbol ${a} is selected by ${b}`;
        kind = 'select';
      } else if (f.what === 'implied') {
        label = `symbol ${a} is implied by ${b}`;
        kind = 'select';
      } else if (f.what === 'propexpr') {
        label = `symbol ${a} ${prop ? propName(prop) : 'default'} value contains ${b}`;
        kind = 'default';
      } else label = `symbol ${a} ${prop ? propName(prop) : 'prompt'} is visible depending on ${b}`;
      const step: TraceStep = { kind, label };
      if (where) step.span = where;
      trace.push(step);
    }
    const sp = primary ?? trace[0]?.span ?? { file: '', line: 0, col: 1 };
    diags.push(
      kdiag('recursive', 'error', 'recursive dependency detected!', sp, {
        trace,
        help: 'For a resolution refer to Documentation/kbuild/kconfig-language.rst subsection "Kconfig recursive dependency limitations"',
        subject: trace.map((t) => t.label).join(' / '),
      }),
    );
    if (cvFrame && top === cvFrame) pop();
  };

  // Expression nodes already walked without finding a cycle are marked. Every symbol in such a subtree is then
  // checked and finished (never again on the stack), so walking it again cannot find anything: skipping it
  // changes nothing but the cost, which matters because the dependency chains of enclosing menus are shared by
  // all their properties.
  const stamp = ++checkRuns;
  const exprDeps = (e: Expr | null): Sym | null => {
    if (!e || e.mark === stamp) return null;
    let r: Sym | null;
    switch (e.t) {
      case 'or':
      case 'and':
        r = exprDeps(e.l) ?? exprDeps(e.r);
        break;
      case 'not':
        r = exprDeps(e.e);
        break;
      case 'cmp':
        r = checkDeps(e.l) ?? checkDeps(e.r);
        break;
      case 'sym':
        r = checkDeps(e.s);
        break;
    }
    if (!r) e.mark = stamp;
    return r;
  };

  const symDeps = (sym: Sym): Sym | null => {
    const f = push(sym);
    let s2: Sym | null = null;
    try {
      f.what = 'dir';
      if ((s2 = exprDeps(sym.dirDep))) return s2;
      f.what = 'rev';
      if ((s2 = exprDeps(sym.revDep))) return s2;
      f.what = 'implied';
      if ((s2 = exprDeps(sym.implied))) return s2;
      f.what = null;
      for (const p of sym.props) {
        if (p.type === 'choice' || p.type === 'select' || p.type === 'imply') continue;
        f.prop = p;
        f.what = 'prop';
        if ((s2 = exprDeps(p.visible))) return s2;
        if (p.type !== 'default' || sym.isChoice) continue;
        f.what = 'propexpr';
        if ((s2 = exprDeps(p.expr))) return s2;
        f.what = null;
      }
      return null;
    } finally {
      pop();
    }
  };

  const choiceDeps = (choice: Sym): Sym | null => {
    push(choice);
    let s2: Sym | null = null;
    try {
      for (const v of choice.choiceValues) mark[v.id] |= CHECK | CHECKED;
      mark[choice.id] |= CHECK | CHECKED;
      s2 = symDeps(choice);
      mark[choice.id] &= ~CHECK;
      if (!s2) {
        for (const v of choice.choiceValues) {
          s2 = symDeps(v);
          if (s2) break;
        }
      }
      for (const v of choice.choiceValues) mark[v.id] &= ~CHECK;
      if (s2 && s2.isChoiceValue && s2.choice === choice) s2 = choice;
      return s2;
    } finally {
      pop();
    }
  };

  const checkDeps = (sym: Sym): Sym | null => {
    if (mark[sym.id]! & CHECK) {
      report(sym);
      return sym;
    }
    if (mark[sym.id]! & CHECKED) return null;
    if (sym.isChoiceValue) {
      push(sym);
      try {
        return checkDeps(sym.choice!);
      } finally {
        pop();
      }
    }
    if (sym.isChoice) return choiceDeps(sym);
    mark[sym.id] |= CHECK | CHECKED;
    const r = symDeps(sym);
    mark[sym.id] &= ~CHECK;
    return r;
  };

  for (const s of syms.hashOrder()) checkDeps(s);
  return diags;
}
