/**
 * Core data types shared by every pipeline stage (see ARCHITECTURE.md "Core types").
 * Everything here is plain, serialisable data: stages pass these values, formatters render them.
 */

/** Kconfig tristate: n = 0, m = 1, y = 2. bool symbols use 0 and 2 only. */
export type Tristate = 0 | 1 | 2;
export const N: Tristate = 0;
export const M: Tristate = 1;
export const Y: Tristate = 2;

export function tristateName(v: Tristate): 'n' | 'm' | 'y' {
  return v === 2 ? 'y' : v === 1 ? 'm' : 'n';
}

export function parseTristate(s: string): Tristate | undefined {
  switch (s) {
    case 'y': return 2;
    case 'm': return 1;
    case 'n': return 0;
    default: return undefined;
  }
}

/** A place in the checked tree. `file` is relative to the tree root, with '/' separators; lines and columns are 1-based. */
export interface Span {
  file: string;
  line: number;
  col: number;
  endLine?: number;
  endCol?: number;
}

export type TraceKind =
  | 'use' // a use of an identifier in source (the start of a chain)
  | 'expand' // a macro expansion
  | 'paste' // a ## token paste
  | 'include' // an #include / source edge
  | 'define' // a definition of a symbol or macro
  | 'export' // an EXPORT_SYMBOL* (or the lack of one)
  | 'select' // Kconfig select / imply
  | 'depends' // Kconfig dependency
  | 'default' // Kconfig default
  | 'build' // Kbuild: object built into vmlinux / a module
  | 'note'; // anything else worth a line

/** One labelled step of an explanation chain. Rules build chains out of these, never out of formatted strings. */
export interface TraceStep {
  kind: TraceKind;
  label: string;
  span?: Span;
}

export type Severity = 'error' | 'warning' | 'info';

/** A reference to one configuration of the matrix, as shown in diagnostics. */
export interface ConfigRef {
  /** stable id within a run, e.g. "arm:defconfig+SMP=n" */
  id: string;
  arch: string;
  /** human label, e.g. "ARCH=arm defconfig, SMP=n" */
  label: string;
  /** the base's label (baseLabel(ConfigBase), e.g. "multi_v7_defconfig"); formatters use it to print the part all configurations share */
  base?: string;
  /** the overrides on top of the base that define this configuration (SYM -> value as written in .config: y/m/n/literal) */
  overrides: Record<string, string>;
}

export interface Diagnostic {
  /** permanent rule code, e.g. "X001" */
  code: string;
  /** rule name, e.g. "module-uses-unexported-symbol" */
  rule: string;
  severity: Severity;
  /** headline; for link errors modpost's own wording */
  message: string;
  primary: Span;
  trace: TraceStep[];
  /** configurations in which this finding holds */
  configs: ConfigRef[];
  /** configurations of the same run in which it does not hold */
  passing?: ConfigRef[];
  /** smallest set of symbol values (difference from a passing configuration) that triggers the finding */
  witness?: Record<string, string>;
  help?: string;
  notes?: string[];
  /**
   * stable identity across line moves and configurations: used to merge per-configuration findings and for
   * baselines. Rules set it from code + subject (module, symbol), never from line numbers.
   */
  fingerprint: string;
  /** structured subject of the finding (module, symbol, …), for json/sarif consumers */
  data?: Record<string, string>;
}

/** Value of a Kconfig symbol in a configuration: bool/tristate as Tristate, string/int/hex as their text. */
export type SymbolValue = Tristate | string;

/** Where a configuration came from. */
export type ConfigBase =
  | { kind: 'defconfig'; name: string }
  | { kind: 'file'; path: string }
  | { kind: 'allnoconfig' }
  | { kind: 'allyesconfig' }
  | { kind: 'allmodconfig' }
  | { kind: 'alldefconfig' }
  | { kind: 'randconfig'; seed: number };

export function baseLabel(b: ConfigBase): string {
  switch (b.kind) {
    case 'defconfig': return b.name;
    case 'file': return b.path;
    case 'randconfig': return `randconfig(seed=${b.seed})`;
    default: return b.kind;
  }
}

/** A fully resolved configuration: exactly what scripts/kconfig `conf` would write. */
export interface Config {
  arch: string;
  /** every symbol with a value; bool/tristate symbols that are n are present with value 0 */
  values: Map<string, SymbolValue>;
  base: ConfigBase;
  overrides: Record<string, string>;
  ref: ConfigRef;
}
