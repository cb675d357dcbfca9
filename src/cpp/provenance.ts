import type { Span, TraceStep } from '../core/types.js';
import type { Lexed } from './lexer.js';
import type { Macro } from './macro.js';

export const N_EXPAND = 1;
export const N_PASTE = 2;

/**
 * Provenance of expanded tokens: one node per macro expansion (or paste), not per token. A token's provenance is the
 * node of the expansion that emitted it; each node points at the provenance of the macro name token that started it,
 * so walking parents gives the chain back to the use site. Stored columnar; node 0 means "written literally".
 */
export class ProvTable {
  kind: number[] = [0];
  parent: number[] = [0];
  macro: (Macro | null)[] = [null];
  /** where the macro name (or the left operand of ##) was spelt */
  useLf: (Lexed | null)[] = [null];
  useIdx: number[] = [0];
  /** paste operands: provenance of the right operand (the left one is `parent`'s chain, see add) */
  lhsProv: number[] = [0];
  rhsProv: number[] = [0];
  label: string[] = [''];

  get size(): number {
    return this.kind.length;
  }

  expand(macro: Macro, parent: number, useLf: Lexed | null, useIdx: number): number {
    const id = this.kind.length;
    this.kind.push(N_EXPAND);
    this.parent.push(parent);
    this.macro.push(macro);
    this.useLf.push(useLf);
    this.useIdx.push(useIdx);
    this.lhsProv.push(0);
    this.rhsProv.push(0);
    this.label.push('');
    return id;
  }

  /** a token made by ##, inside the expansion `parent`; lhs/rhs are the operands' own provenance */
  paste(parent: number, lhsProv: number, rhsProv: number, label: string, lf: Lexed | null, idx: number): number {
    const id = this.kind.length;
    this.kind.push(N_PASTE);
    this.parent.push(parent);
    this.macro.push(null);
    this.useLf.push(lf);
    this.useIdx.push(idx);
    this.lhsProv.push(lhsProv);
    this.rhsProv.push(rhsProv);
    this.label.push(label);
    return id;
  }

  /** the outermost expansion node of a chain (whose use site is a literal token) */
  root(p: number): number {
    let r = p;
    while (r !== 0 && this.parent[r] !== 0) r = this.parent[r]!;
    return r;
  }

  useSpan(p: number, displayName: (lf: Lexed) => string): Span | undefined {
    const lf = this.useLf[p];
    if (!lf) return undefined;
    const i = this.useIdx[p]!;
    return { file: displayName(lf), line: lf.line[i]!, col: lf.col[i]! };
  }

  /** the nodes of p's chain, outermost first */
  chain(p: number): number[] {
    const c: number[] = [];
    for (let r = p; r !== 0; r = this.parent[r]!) c.push(r);
    return c.reverse();
  }

  /**
   * The explanation chain of provenance p: the 'use' of the outermost macro, each 'expand' with its #define's
   * file:line, and 'paste' steps (with the expansions that produced a pasted operand, e.g. `_TLB` → v7wbi).
   */
  trace(p: number, displayName: (lf: Lexed) => string): TraceStep[] {
    if (p === 0) return [];
    const steps: TraceStep[] = [];
    const main = this.chain(p);
    const inMain = new Set(main);
    const first = main[0]!;
    const firstMacro = this.macro[first];
    const use: TraceStep = { kind: 'use', label: firstMacro ? firstMacro.nameText : this.label[first]! };
    const useSpan = this.useSpan(first, displayName);
    if (useSpan) use.span = useSpan;
    steps.push(use);
    for (const n of main) {
      if (this.kind[n] === N_EXPAND) {
        const m = this.macro[n]!;
        const step: TraceStep = { kind: 'expand', label: m.nameText };
        const s = m.defSpan(displayName);
        if (s) step.span = s;
        steps.push(step);
      } else {
        const step: TraceStep = { kind: 'paste', label: this.label[n]! };
        const s = this.useSpan(n, displayName);
        if (s) step.span = s;
        steps.push(step);
        // expansions that produced the operands and are not on the main chain
        for (const op of [this.lhsProv[n]!, this.rhsProv[n]!]) {
          for (const o of this.chain(op)) {
            if (inMain.has(o) || this.kind[o] !== N_EXPAND) continue;
            inMain.add(o);
            const m = this.macro[o]!;
            const st: TraceStep = { kind: 'expand', label: `${m.nameText} (operand of ##)` };
            const ds = m.defSpan(displayName);
            if (ds) st.span = ds;
            steps.push(st);
          }
        }
      }
    }
    return steps;
  }
}
