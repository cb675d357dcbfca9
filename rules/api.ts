import type { Config, ConfigRef, Diagnostic, Severity, Span, TraceStep } from '../src/core/types.js';
import type { LinkResult, UnitFacts } from '../src/core/facts.js';
import type { ObjectGraph } from '../src/core/graph.js';
import type { KernelTree } from '../src/tree/tree.js';
import type { KconfigModel } from '../src/kconfig/index.js';

/**
 * The shape of a kvlint rule (STYLE.md): one file per rule under rules/<family>/, holding a doc comment with the
 * headings What it does / Why it matters / Example / How to fix / References, and a `Rule` value.
 */
export type RuleFamily = 'kconfig' | 'kbuild' | 'preprocessor' | 'exports' | 'model';

/** code prefix per family: K=Kconfig, B=Kbuild, P=preprocessor, X=exports/linking, M=model */
export const FAMILY_PREFIX: Record<RuleFamily, string> = {
  kconfig: 'K',
  kbuild: 'B',
  preprocessor: 'P',
  exports: 'X',
  model: 'M',
};

/** Options are a flat record of primitives (or string arrays); the defaults define the accepted keys and types. */
export type RuleOptions = Record<string, string | number | boolean | string[]>;

export interface RuleMeta<M extends string> {
  /** permanent code, never reused or renumbered (e.g. "X001") */
  code: string;
  /** kebab-case, equal to the file name (e.g. "module-uses-unexported-symbol") */
  name: string;
  family: RuleFamily;
  defaultSeverity: Severity;
  /** one line for `kvlint rules` */
  summary: string;
  /** message templates keyed by id; {{name}} placeholders are filled from `data` */
  messages: Record<M, string>;
  /**
   * The rule's findings — which fingerprints it reports — follow from the link alone: the configurations, their
   * Kbuild graphs, and which symbols each object defines (name, binding, kind), references (name, weak, file of the
   * first use), exports (name, GPL, namespace), its MODULE_LICENSE and imported namespaces; besides these, only
   * tree files it reads (recorded). Such a rule is not run again where all of these are unchanged (the base of a
   * --staged/--since run that an earlier run already checked, or a change that keeps every symbol table): its
   * fingerprints are taken from that run (src/engine/link-findings.ts).
   */
  fingerprintsFromLink?: boolean;
}

/** Everything a rule may read about one configuration. Facts are shared: rules must not mutate them. */
export interface RuleContext<O extends RuleOptions = RuleOptions> {
  tree: KernelTree;
  config: Config;
  ref: ConfigRef;
  graph: ObjectGraph;
  facts: ReadonlyMap<string, UnitFacts>;
  link: LinkResult;
  options: O;
  /** the Kconfig model of this configuration's arch (undefined when a test substitutes the Kconfig stage) */
  kconfig?: KconfigModel;
  /**
   * this configuration's stage diagnostics (Kconfig resolution, Kbuild, preprocessor): rules that own a stage's code
   * (e.g. K003, conf's unmet-dependency warning) turn them into findings instead of re-deriving them
   */
  stageDiagnostics: readonly Diagnostic[];
  /** tree files this configuration's units read: their sources and every header they included */
  files: ReadonlySet<string>;
  /**
   * True for a finding (by its subject) this run would drop: a --staged/--since change run reports only what its
   * base did not, so a finding the base has need not be built (its chain can cost more than the rest of the rule).
   * Ask only where the finding would be reported (the engine counts a known one as found). A hint: a rule that
   * ignores it is still correct.
   */
  known?(subject: string[]): boolean;
}

/** One configuration as a run-level rule sees it (a RuleContext without the options). */
export type ConfigView = Omit<RuleContext, 'options' | 'tree'>;

/**
 * What a run-level rule (`checkRun`) reads: every configuration of the run at once, for findings that are tree-wide
 * (e.g. K004 over the files the run read) or that need the whole matrix (e.g. X004: which configuration builds the
 * object that defines a missing symbol).
 */
export interface RunRuleContext<O extends RuleOptions = RuleOptions> {
  tree: KernelTree;
  configs: readonly ConfigView[];
  /** when set, the run checks only these tree files (staged runs): tree-wide rules restrict themselves to them */
  onlyFiles?: ReadonlySet<string>;
  options: O;
  /** as RuleContext.known */
  known?(subject: string[]): boolean;
}

export interface ReportInput<M extends string> {
  messageId: M;
  data: Record<string, string>;
  primary: Span;
  trace: TraceStep[];
  /** the subject that identifies the finding across configurations and line moves (e.g. module + symbol) */
  subject: string[];
  help?: string;
  notes?: string[];
}

/** A run-level report: `configs` names the configurations it holds in (default: every configuration of the run). */
export interface RunReportInput<M extends string> extends ReportInput<M> {
  configs?: ConfigRef[];
}

/**
 * A rule implements `check` (called once per configuration) or `checkRun` (called once per run, after every
 * configuration is done), or both.
 */
export interface Rule<M extends string = string, O extends RuleOptions = RuleOptions> {
  meta: RuleMeta<M>;
  defaultOptions: O;
  check?(ctx: RuleContext<O>, report: (r: ReportInput<M>) => void): void;
  checkRun?(ctx: RunRuleContext<O>, report: (r: RunReportInput<M>) => void): void;
}

/** Fill {{placeholders}} of a template; an unknown placeholder is an internal error, not silent text. */
export function renderMessage(template: string, data: Record<string, string>): string {
  return template.replace(/\{\{(\w+)\}\}/g, (_, k: string) => {
    const v = data[k];
    if (v === undefined) throw new Error(`message placeholder {{${k}}} has no value`);
    return v;
  });
}

/**
 * Turn a rule's report into a Diagnostic for one configuration (or, from `checkRun`, for the configurations it holds
 * in); the engine merges them across configurations.
 */
export function toDiagnostic<M extends string>(
  rule: Rule<M, RuleOptions>,
  severity: Severity,
  ref: ConfigRef | readonly ConfigRef[],
  r: ReportInput<M>,
): Diagnostic {
  const d: Diagnostic = {
    code: rule.meta.code,
    rule: rule.meta.name,
    severity,
    message: renderMessage(rule.meta.messages[r.messageId], r.data),
    primary: r.primary,
    trace: r.trace,
    configs: Array.isArray(ref) ? [...(ref as readonly ConfigRef[])] : [ref as ConfigRef],
    fingerprint: [rule.meta.code, ...r.subject].join(':'),
    data: r.data,
  };
  if (r.help !== undefined) d.help = r.help;
  if (r.notes !== undefined) d.notes = r.notes;
  return d;
}

/**
 * Check user options against a rule's defaults: unknown keys and wrong types are errors naming the key.
 * Returns the merged options.
 */
export function resolveOptions<O extends RuleOptions>(
  ruleName: string,
  defaults: O,
  user: Record<string, unknown> | undefined,
): O {
  const out: RuleOptions = { ...defaults };
  for (const [k, v] of Object.entries(user ?? {})) {
    if (!(k in defaults)) {
      throw new Error(`rule ${ruleName}: unknown option '${k}' (known: ${Object.keys(defaults).join(', ') || 'none'})`);
    }
    const d = defaults[k]!;
    const ok = Array.isArray(d) ? Array.isArray(v) && v.every((x) => typeof x === 'string') : typeof v === typeof d;
    if (!ok) throw new Error(`rule ${ruleName}: option '${k}' must be ${Array.isArray(d) ? 'a list of strings' : typeof d}`);
    out[k] = v as RuleOptions[string];
  }
  return out as O;
}
