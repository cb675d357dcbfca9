import type { TokenStream } from '../core/tokens.js';
import type { OffsetLine } from '../core/facts.js';
import type { AsmStmt, Expr, Stmt } from './ast.js';
import { Evaluator, wrap } from './consteval.js';
import { children } from './mutation.js';
import { Parser } from './parser.js';
import { parseFunction } from './parse-stmt.js';
import { typeOf } from './sema.js';
import { Toks } from './toks.js';
import { asInt, targetFor } from './types.js';


/**
 * What `gcc -S` of an offsets unit (asm-offsets.c, bounds.c: DEFINE/BLANK/COMMENT of include/linux/kbuild.h) puts
 * into the `.ascii "->…"` lines sed-offsets reads, computed instead of compiled: each asm statement's template with
 * its "i" operands printed as gcc prints an integer constant (the value in the operand type's width, signed), in
 * the order the functions are defined (gcc emits them so). A value the C front end cannot fold is undefined, with
 * the reason.
 */
export function offsetsLines(ts: TokenStream, arch: string, flags?: readonly string[]): OffsetLine[] {
  const toks = new Toks(ts);
  const p = new Parser(toks, targetFor(arch, flags));
  p.parseTranslationUnit();
  const out: OffsetLine[] = [];
  const fns = [...p.globals.values()].filter((g) => g.kind === 'func' && g.body).sort((a, b) => a.body![0] - b.body![0]);
  for (const g of fns) {
    const def = g.fn ?? parseFunction(p, g);
    if (!def) continue;
    g.fn = def;
    const ev = new Evaluator(p, undefined);
    const visit = (n: Stmt | Expr): void => {
      if (n.k === 'asm') {
        lines(p, toks, ts, n, ev, out);
        return;
      }
      for (const c of children(n)) visit(c);
    };
    visit(def.body);
  }
  return out;
}

function lines(p: Parser, toks: Toks, ts: TokenStream, a: AsmStmt, ev: Evaluator, out: OffsetLine[]): void {
  let template = '';
  for (const t of a.template) template += toks.str(t) ?? '';
  if (!template.includes('->')) return;
  const values: ({ v: bigint } | { why: string })[] = a.operands.map((e) => operandValue(p, e, ev));
  for (const raw of template.split('\n')) {
    // 4.x+: `.ascii "->SYM %0 expr"`; 3.x's DEFINE() writes the line itself: `->SYM %0 expr`
    const m = /^\s*\.ascii\s*"(.*)".*$/.exec(raw);
    const s = m ? m[1]! : raw.trim();
    if (!s.startsWith('->')) continue;
    if (s.startsWith('->#')) {
      out.push({ kind: 'comment', text: s.slice(3) });
      continue;
    }
    const d = /^->(\S*) (\S*) (.*)$/.exec(s);
    if (!d) {
      // BLANK(): "->" alone (sed prints what is left after removing "->")
      if (s === '->') out.push({ kind: 'blank' });
      continue;
    }
    const [, name, operand, expr] = d as unknown as [string, string, string, string];
    const span = ts.site(a.tok);
    const ref = /^%c?(\d+)$/.exec(operand);
    const v = ref ? values[Number(ref[1])] : undefined;
    if (!ref || !v) out.push({ kind: 'define', name, value: undefined, expr, span, why: `operand '${operand}'` });
    else if ('v' in v) out.push({ kind: 'define', name, value: v.v, expr, span });
    else out.push({ kind: 'define', name, value: undefined, expr, span, why: v.why });
  }
}

/** an "i" operand as gcc prints it: the integer constant in its type's width, as a signed number */
function operandValue(p: Parser, e: Expr, ev: Evaluator): { v: bigint } | { why: string } {
  const v = ev.scoped(() => ev.val(e));
  if (!v) return { why: 'not a constant kvlint can fold' };
  if (v.k !== 'i') return { why: `the address of ${v.sym}` };
  const t = asInt(typeOf(p, e));
  if (!t) return { v: v.v };
  return { v: wrap(v.v, { ...t, signed: true }) };
}
