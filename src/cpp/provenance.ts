import type { Span, TraceStep } from '../core/types.js';
import type { Lexed } from './lexer.js';
import type { Macro } from './macro.js';
import type { Nodes } from './memo.js';

export const N_EXPAND = 1;
export const N_PASTE = 2;

/**
 * Provenance of expanded tokens: one node per macro expansion (or paste), not per token. A token's provenance is the
 * node of the expansion that emitted it; each node points at the provenance of the macro name token that started it,
 * so walking parents gives the chain back to the use site. Stored columnar; node 0 means "written literally".
 */
export class ProvTable {
  kind = new Uint8Array(4096);
  parent = new Int32Array(4096);
  macro: (Macro | null)[] = [null];
  /** where the macro name (or the left operand of ##) was spelt */
  useLf: (Lexed | null)[] = [null];
  useIdx = new Int32Array(4096);
  /** the Context.loc of the macro name token (0: at its own place); memoized nodes have 0, their contexts are over */
  locParent = new Int32Array(4096);
  /** paste operands' own provenance */
  lhsProv = new Int32Array(4096);
  rhsProv = new Int32Array(4096);
  /** paste labels, by node */
  label = new Map<number, string>();
  size = 1;

  grow(): void {
    const n = this.kind.length * 2;
    const k = new Uint8Array(n);
    k.set(this.kind);
    this.kind = k;
    const g = (a: Int32Array) => {
      const b = new Int32Array(n);
      b.set(a);
      return b;
    };
    this.parent = g(this.parent);
    this.useIdx = g(this.useIdx);
    this.locParent = g(this.locParent);
    this.lhsProv = g(this.lhsProv);
    this.rhsProv = g(this.rhsProv);
  }

  expand(macro: Macro, parent: number, useLf: Lexed | null, useIdx: number, nameLoc = 0): number {
    const id = this.size++;
    if (id === this.kind.length) this.grow();
    this.kind[id] = N_EXPAND;
    this.parent[id] = parent;
    this.locParent[id] = nameLoc;
    this.macro.push(macro);
    this.useLf.push(useLf);
    this.useIdx[id] = useIdx;
    return id;
  }

  /** a token made by ##, inside the expansion `parent`; lhs/rhs are the operands' own provenance */
  paste(parent: number, lhsProv: number, rhsProv: number, label: string, lf: Lexed | null, idx: number): number {
    const id = this.size++;
    if (id === this.kind.length) this.grow();
    this.kind[id] = N_PASTE;
    this.parent[id] = parent;
    this.locParent[id] = 0;
    this.macro.push(null);
    this.useLf.push(lf);
    this.useIdx[id] = idx;
    this.lhsProv[id] = lhsProv;
    this.rhsProv[id] = rhsProv;
    this.label.set(id, label);
    return id;
  }

  /** append memoized nodes (entry-local ids 1..k, parents local); returns the id of local node 1 */
  appendNodes(n: Nodes): number {
    const base = this.size;
    const k = n.k;
    if (k === 0) return base;
    while (this.size + k > this.kind.length) this.grow();
    const off = base - 1;
    const w = n.words;
    const kind = n.kind;
    for (let j = 0; j < k; j++) {
      const id = base + j;
      this.kind[id] = kind[j]!;
      this.useIdx[id] = w[3 * k + j]!;
      this.locParent[id] = 0;
      const par = w[j]!;
      this.parent[id] = par === 0 ? 0 : par + off;
      const l = w[k + j]!;
      this.lhsProv[id] = l === 0 ? 0 : l + off;
      const r = w[2 * k + j]!;
      this.rhsProv[id] = r === 0 ? 0 : r + off;
      this.macro.push(n.macro[j]!);
      this.useLf.push(n.useLf[j]!);
    }
    if (n.labels !== null) for (const [l, lab] of n.labels) this.label.set(l + off, lab);
    this.size = base + k;
    return base;
  }

  /** the expansion whose invocation a location resolves to: follow the name tokens' locations out to the file */
  expansionPoint(loc: number): number {
    let r = loc;
    while (r !== 0 && this.locParent[r] !== 0) r = this.locParent[r]!;
    return r;
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
    const use: TraceStep = { kind: 'use', label: firstMacro ? firstMacro.nameText : this.label.get(first) ?? '' };
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
        const step: TraceStep = { kind: 'paste', label: this.label.get(n) ?? '' };
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
