import type { TraceStep } from '../core/types.js';
import type { Evaluator } from './eval.js';
import type { KconfigModel } from './load.js';
import { type Expr, F_DEF_USER, F_WRITE, type Sym } from './model.js';
import { exprToString } from './print.js';

/**
 * Explanations of symbol values for humans and rules: the chain of user value / dependencies / selects / implies /
 * defaults that made conf compute what it computed, each step with the span of the Kconfig line responsible.
 */

const TRI = ['n', 'm', 'y'] as const;

function orTerms(e: Expr | null, out: Expr[] = []): Expr[] {
  if (!e) return out;
  if (e.t === 'or') {
    orTerms(e.l, out);
    orTerms(e.r, out);
  } else out.push(e);
  return out;
}

function headSym(e: Expr): Sym | undefined {
  switch (e.t) {
    case 'sym':
      return e.s;
    case 'and':
      return headSym(e.l);
    default:
      return undefined;
  }
}

export function explainSymbol(model: KconfigModel, ev: Evaluator, name: string, userSource: Map<string, string>): TraceStep[] {
  const s = model.sym(name);
  if (!s) return [{ kind: 'note', label: `CONFIG_${name} does not appear in the Kconfig files of ARCH=${model.arch}` }];
  const steps: TraceStep[] = [];
  const val = (x: Sym) => ev.stringValue(x);
  const value = s.type === 'unknown' ? '(undefined)' : ev.stringValue(s);
  const written = (ev.flags[s.id]! & F_WRITE) !== 0;
  const def = s.nodes[0]?.span;
  if (!s.isDefined) {
    steps.push({ kind: 'note', label: `CONFIG_${name} is referenced but defined nowhere for ARCH=${model.arch}; it is always n` });
    for (const r of s.refs.slice(0, 3)) steps.push({ kind: 'use', label: `referenced here`, span: r });
    return steps;
  }
  steps.push({
    kind: 'define',
    label: `CONFIG_${name}=${value} (${s.type}${written ? '' : ', not written: no prompt visible and nothing sets it'})`,
    ...(def ? { span: def } : {}),
  });
  const isLogic = s.type === 'bool' || s.type === 'tristate';
  if (s.dirDep) {
    steps.push({
      kind: 'depends',
      label: `depends on ${exprToString(s.dirDep, val)} → ${TRI[ev.dirDepTri[s.id]!]}`,
      ...(def ? { span: def } : {}),
    });
  }
  const prompts = s.props.filter((p) => p.text !== undefined);
  if (!prompts.length) steps.push({ kind: 'note', label: 'no prompt: the value comes only from defaults, select and imply' });
  else {
    for (const p of prompts) {
      steps.push({
        kind: 'depends',
        label: `prompt "${p.text}" visible if ${exprToString(p.visible, val)} → ${TRI[ev.propVis[p.id]!]}`,
        span: p.span,
      });
    }
  }
  if (s.choice) {
    const c = s.choice;
    const sel = ev.currChoice[c.id];
    steps.push({
      kind: 'note',
      label: `member of choice "${c.nodes[0]?.prompt?.text ?? '<choice>'}" (mode ${TRI[ev.currTri[c.id]!]}, selected: ${sel?.name ?? 'none'}${ev.defChoice[c.id] && ev.hasValue(c) ? `, chosen by ${userSource.get(ev.defChoice[c.id]!.name!) ?? 'the configuration'}` : ''})`,
      ...(c.nodes[0] ? { span: c.nodes[0].span } : {}),
    });
  }
  if (ev.flags[s.id]! & F_DEF_USER && ev.visible[s.id] !== 0) {
    const uv = isLogic ? TRI[ev.defTri[s.id]!] : (ev.defVal[s.id] ?? '');
    steps.push({ kind: 'note', label: `set to ${uv} by ${userSource.get(name) ?? 'the configuration'}` });
  }
  for (const t of orTerms(s.revDep)) {
    const v = ev.calc(t);
    const by = headSym(t);
    if (!by || by.isChoice) continue;
    const p = by.props.find((pp) => pp.type === 'select' && pp.expr?.t === 'sym' && pp.expr.s === s);
    if (v === 0) continue;
    steps.push({ kind: 'select', label: `selected by ${exprToString(t, val)} → at least ${TRI[v]}`, ...(p ? { span: p.span } : {}) });
  }
  for (const t of orTerms(s.implied)) {
    const v = ev.calc(t);
    const by = headSym(t);
    if (!by || v === 0) continue;
    const p = by.props.find((pp) => pp.type === 'imply' && pp.expr?.t === 'sym' && pp.expr.s === s);
    steps.push({ kind: 'select', label: `implied by ${exprToString(t, val)} → ${TRI[v]} unless set otherwise`, ...(p ? { span: p.span } : {}) });
  }
  if (!(ev.flags[s.id]! & F_DEF_USER && ev.visible[s.id] !== 0) && !s.choice) {
    const d = s.props.find((p) => p.type === 'default' && ev.calc(p.visible) !== 0);
    if (d) {
      const dv = isLogic ? TRI[ev.calc(d.expr)] : d.expr?.t === 'sym' ? ev.stringValue(d.expr.s) : '';
      steps.push({
        kind: 'default',
        label: `default ${exprToString(d.expr)}${d.visible ? ` if ${exprToString(d.visible, val)}` : ''} → ${dv}`,
        span: d.span,
      });
    } else {
      const defs = s.props.filter((p) => p.type === 'default');
      for (const p of defs) {
        steps.push({
          kind: 'default',
          label: `default ${exprToString(p.expr)} not used: its condition ${exprToString(p.visible, val)} is n`,
          span: p.span,
        });
      }
      if (!defs.length && isLogic && !ev.revDepTri[s.id] && !ev.impliedTri[s.id]) {
        steps.push({ kind: 'default', label: 'no default → n' });
      }
    }
  }
  const r = s.props.find((p) => p.type === 'range' && ev.calc(p.visible) !== 0);
  if (r) steps.push({ kind: 'note', label: `range ${ev.stringValue(r.lo!)} ${ev.stringValue(r.hi!)}`, span: r.span });
  if (isLogic && ev.dirDepTri[s.id]! < ev.revDepTri[s.id]!) {
    steps.push({ kind: 'note', label: `selected although its dependencies are ${TRI[ev.dirDepTri[s.id]!]}: unmet direct dependencies` });
  }
  return steps;
}

/** undefined when `name=want` took effect; else the reason (conf's view) and the value it got */
export function whyNot(
  model: KconfigModel,
  ev: Evaluator,
  name: string,
  want: string,
): { reason: string; actual: string; trace: TraceStep[] } | undefined {
  const s = model.sym(name);
  if (!s || !s.isDefined) {
    return { reason: `CONFIG_${name} is not defined in the Kconfig files of ARCH=${model.arch}`, actual: 'undefined', trace: [] };
  }
  const actual = ev.stringValue(s);
  const val = (x: Sym) => ev.stringValue(x);
  const trace = explainSymbol(model, ev, name, new Map([[name, `--config ${name}=${want}`]]));
  const isLogic = s.type === 'bool' || s.type === 'tristate';
  if (isLogic) {
    const w = want[0];
    if (w !== 'y' && w !== 'm' && w !== 'n') return { reason: `'${want}' is not a value for a ${s.type} symbol (y, m or n)`, actual, trace };
    if (w === actual) return undefined;
    if (w === 'm' && s.type === 'bool') return { reason: `${name} is a bool symbol, m is not possible (it became ${actual})`, actual, trace };
    if (w === 'm' && ev.modulesVal === 0) {
      return { reason: `modules are disabled (${model.modulesSym?.name ?? 'MODULES'}=n), so m became ${actual}`, actual, trace };
    }
    const wt = w === 'y' ? 2 : w === 'm' ? 1 : 0;
    if (wt < ev.revDepTri[s.id]!) {
      const by = orTerms(s.revDep)
        .filter((t) => ev.calc(t) > wt)
        .map((t) => exprToString(t, val));
      return { reason: `it is selected by ${by.join(', ')}`, actual, trace };
    }
    if (s.choice && ev.visible[s.id] === 2) {
      const sel = ev.currChoice[s.choice.id];
      return { reason: `it is a choice value and the choice selected ${sel?.name ?? 'nothing'}`, actual, trace };
    }
    if (ev.visible[s.id] === 0) return { reason: hiddenReason(s, ev, val), actual, trace };
    if (wt > ev.visible[s.id]!) {
      return { reason: `its dependencies allow at most ${TRI[ev.visible[s.id]!]}: ${exprToString(s.dirDep, val)}`, actual, trace };
    }
    return { reason: `conf computed ${actual}`, actual, trace };
  }
  let w = want;
  if (s.type === 'string' && w.startsWith('"') && w.endsWith('"') && w.length >= 2) w = w.slice(1, -1);
  if (w === actual) return undefined;
  if (s.type === 'hex' && actual.toLowerCase() === `0x${w.toLowerCase().replace(/^0x/, '')}`) return undefined;
  if (ev.visible[s.id] === 0) return { reason: hiddenReason(s, ev, val), actual, trace };
  if ((s.type === 'int' || s.type === 'hex') && !(s.type === 'int' ? /^-?(0|[1-9][0-9]*)$/ : /^(0[xX])?[0-9a-fA-F]+$/).test(w)) {
    return { reason: `'${want}' is not a valid ${s.type} value`, actual, trace };
  }
  const r = s.props.find((p) => p.type === 'range' && ev.calc(p.visible) !== 0);
  if (r) return { reason: `'${want}' is outside its range ${ev.stringValue(r.lo!)}..${ev.stringValue(r.hi!)}`, actual, trace };
  return { reason: `conf computed ${actual}`, actual, trace };
}

function hiddenReason(s: Sym, ev: Evaluator, val: (x: Sym) => string): string {
  if (ev.dirDepTri[s.id] === 0 && s.dirDep) return `unmet dependencies: depends on ${exprToString(s.dirDep, val)}`;
  const prompts = s.props.filter((p) => p.text !== undefined);
  if (!prompts.length) return `${s.name} has no prompt: only select, imply or a default can set it`;
  return `its prompt is hidden: ${prompts.map((p) => exprToString(p.visible, val)).join(' || ')}`;
}
