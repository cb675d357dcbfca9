import type { SymbolDef, UnitFacts } from '../core/facts.js';
import { TokKind, type TokenStream } from '../core/tokens.js';
import type { TraceStep } from '../core/types.js';
import { type AsmLine, Gas } from './asm/gas.js';

export { Gas } from './asm/gas.js';

/** Lines of a preprocessed assembler unit (Newline tokens separate them), with token offsets for spans. */
export function asmLines(ts: TokenStream, start = 0, end = ts.length): AsmLine[] {
  const lines: AsmLine[] = [];
  let text = '';
  let first = -1;
  let offsets: number[] = [];
  for (let i = start; i < end; i++) {
    const k = ts.kind(i);
    // line ends: Newline tokens (the TokenStream contract); a stray "\n" token is taken as one too
    if (k === TokKind.Newline || (k === TokKind.Other && ts.text(i) === '\n')) {
      if (first >= 0) lines.push({ text, tok: first, offsets });
      text = '';
      first = -1;
      offsets = [];
      continue;
    }
    if (first < 0) first = i;
    else if (ts.spaceBefore(i)) text += ' ';
    offsets.push(text.length);
    text += ts.text(i);
  }
  if (first >= 0) lines.push({ text, tok: first, offsets });
  return lines;
}

/** how an asm definition was made, from the macro that produced its line (ENTRY(), SYM_FUNC_START(), …) */
export function asmHow(trace: TraceStep[], fallback: string): string {
  for (const s of trace) {
    if (s.kind === 'use' || s.kind === 'expand') {
      const m = /^([A-Za-z_]\w*)/.exec(s.label);
      if (m && m[1] !== 'use') return `${m[1]}()`;
    }
  }
  return fallback;
}

/** Symbol facts of an assembler-with-cpp unit. */
export function extractAsmFacts(
  ts: TokenStream,
  unit: { object: string; source: string; arch: string },
): UnitFacts {
  const gas = new Gas(unit.arch);
  gas.feed(asmLines(ts));
  return gasFacts(ts, gas, unit);
}

/** turn the assembler model's state into UnitFacts (refs: used and never defined; .globl of an undefined name) */
export function gasFacts(ts: TokenStream, gas: Gas, unit: { object: string; source: string }): UnitFacts {
  const defs: SymbolDef[] = [];
  for (const [name, d] of gas.defs) {
    const binding = gas.weaks.has(name) ? 'weak' : gas.globals.has(name) ? 'global' : 'local';
    const kind = gas.types.get(name) ?? d.kind;
    const how = binding === 'local' ? d.how : asmHow(ts.trace(d.tok), gas.globals.has(name) ? '.globl label' : d.how);
    defs.push({ name, binding, kind, span: ts.site(d.tok), how });
  }
  const refs: UnitFacts['refs'] = [];
  const seen = new Set<string>();
  const addRef = (name: string, tok: number, weak: boolean) => {
    if (seen.has(name) || gas.defs.has(name)) return;
    seen.add(name);
    const r: UnitFacts['refs'][number] = { name, span: ts.site(tok), trace: ts.trace(tok) };
    if (weak) r.weak = true;
    refs.push(r);
  };
  for (const [name, tok] of gas.refs) addRef(name, tok, gas.weaks.has(name));
  // gas puts a .globl'd name that is never defined into the symbol table as undefined
  for (const [name, tok] of gas.globals) addRef(name, tok, false);
  if (gas.unwindEntries > 0) addRef('__aeabi_unwind_cpp_pr0', 0, false);
  refs.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const exports: UnitFacts['exports'] = gas.exports.map((x) => ({
    name: x.name,
    gpl: x.gpl,
    namespace: nsOf(gas, x.name),
    span: ts.site(x.tok),
    trace: ts.trace(x.tok),
  }));
  const facts: UnitFacts = { object: unit.object, source: unit.source, defs, refs, exports, importNs: [] };
  if (gas.gaps.length) facts.gaps = [...new Set(gas.gaps)].slice(0, 20);
  return facts;
}

function nsOf(gas: Gas, name: string): string | null {
  const ns = gas.labelStrings.get(`__kstrtabns_${name}`);
  return ns ? ns : null;
}
