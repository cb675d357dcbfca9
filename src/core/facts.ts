import type { Span, TraceStep } from './types.js';

/**
 * Contract between the symbol-facts stage (src/c, src/c/asm) and link resolution (src/link): what one object file
 * defines, references and exports in one configuration, as `nm` of the real object would show it (plus spans and
 * provenance, which nm does not have).
 */
export interface SymbolDef {
  name: string;
  binding: 'global' | 'weak' | 'local';
  kind: 'func' | 'data' | 'unknown';
  span: Span;
  /** e.g. "ENTRY()" for asm, "__attribute__((alias))" */
  how?: string;
}

export interface SymbolRef {
  name: string;
  /** the use site in the unit's own source file (or a header, if the reference sits in a header's inline code) */
  span: Span;
  /** macro chain that produced the referenced identifier (empty when written literally) */
  trace: TraceStep[];
  /** the function (or object initialiser) the reference sits in */
  from?: string;
  weak?: boolean;
}

export interface ExportFact {
  name: string;
  gpl: boolean;
  namespace: string | null;
  span: Span;
  trace: TraceStep[];
}

export interface UnitFacts {
  /** object path, e.g. "arch/arm/mm/tlb-v7.o" */
  object: string;
  /** source path, e.g. "arch/arm/mm/tlb-v7.S" */
  source: string;
  defs: SymbolDef[];
  /** undefined symbols the object needs, one entry per symbol (first use site), like `nm -u` */
  refs: SymbolRef[];
  exports: ExportFact[];
  /** MODULE_LICENSE value if present */
  license?: { value: string; span: Span };
  importNs: { ns: string; span: Span }[];
}
