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
  /** what the facts extractor could not follow in this unit (parse recoveries, unknown asm conditions), for reports */
  gaps?: string[];
}

/** How one undefined symbol of a module resolves at modpost time in one configuration. */
export type RefStatus =
  | 'exported' // some export satisfies it (see `export`)
  | 'defined-unexported' // defined by a built-in object (or another module) but never exported
  | 'undefined'; // nothing in this configuration defines it

export interface ResolvedRef {
  symbol: string;
  status: RefStatus;
  /** use sites in the module's objects (first per object), with macro traces */
  uses: SymbolRef[];
  /** for 'exported': the export and who provides it ('vmlinux' or a module name) */
  export?: ExportFact & { provider: string };
  /** for 'defined-unexported': where it is defined (and by whom) */
  definition?: SymbolDef & { object: string; provider: string };
  /** every use is a weak reference (modpost does not complain about those) */
  weak?: boolean;
  /**
   * modpost errors other than "undefined!" for an exported symbol: 'gpl-only' (a GPL-only export used by a module
   * whose license is not GPL-compatible), 'namespace' (the export's namespace is not imported)
   */
  problems?: ('gpl-only' | 'namespace')[];
}

export interface ModuleLink {
  /** "drivers/staging/zsmalloc/zsmalloc" */
  name: string;
  objects: string[];
  license?: { value: string; span: Span };
  importNs: { ns: string; span: Span }[];
  /** every symbol the module needs from outside itself, sorted by name (like nm -u of the .ko) */
  refs: ResolvedRef[];
  exports: ExportFact[];
}

export interface LinkResult {
  modules: ModuleLink[];
  vmlinux: {
    exports: (ExportFact & { object: string })[];
    /** defined global symbols of built-in objects: name -> definition */
    defined: ReadonlyMap<string, SymbolDef & { object: string }>;
    /** references of built-in objects that no built-in object defines (the vmlinux link failure class) */
    unresolved: ResolvedRef[];
    /** lib-y objects linked because something needed them (archive semantics) */
    libObjects?: string[];
    /** the same symbol exported twice (modpost: "'sym' exported twice"), with both exporters */
    duplicateExports?: { name: string; first: string; second: string }[];
  };
  /** objects of the graph without facts (no source, or not preprocessed): their symbols are unknown */
  missingFacts?: string[];
}

/**
 * One line of an offsets unit (asm-offsets.c, bounds.c) as scripts/Makefile.lib's sed-offsets turns the compiler's
 * `.ascii "->…"` output into C: what src/c computes (offsets.ts) and src/prepare writes into the generated header.
 */
export type OffsetLine =
  /** DEFINE(sym, val): `value` undefined when kvlint could not compute it (`why` says what stopped it) */
  | { kind: 'define'; name: string; value: bigint | undefined; expr: string; span: Span; why?: string }
  /** BLANK() */
  | { kind: 'blank' }
  /** COMMENT(x) */
  | { kind: 'comment'; text: string };
