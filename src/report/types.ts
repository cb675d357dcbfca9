import type { ConfigRef, Severity } from '../core/types.js';

/**
 * What a formatter knows about the run besides the diagnostics. Everything optional except the configurations
 * checked; formatters print what they are given and nothing else.
 */
export interface RunSummary {
  /** every configuration the rules ran on */
  configs: ConfigRef[];
  /** translation units analysed (all configurations together) */
  units?: number;
  /** wall time of the run */
  durationMs?: number;
  /** findings suppressed by `ignores` of .kvlint.json */
  ignored?: number;
  /** set when a baseline was applied: the diagnostics given to the formatter are then the new ones only */
  baseline?: BaselineSummary;
}

export interface BaselineSummary {
  /** the baseline file as the user named it */
  file: string;
  /** findings present in the baseline (not shown, not failing) */
  known: number;
  /** baseline entries no longer found: fixed, or their code moved out of every configuration */
  stale: { fingerprint: string; code: string; message: string; file: string }[];
}

/**
 * Rule metadata for formats that describe rules (SARIF). Structurally a subset of rules/api.ts RuleMeta, so
 * `rules.map((r) => r.meta)` can be passed as is.
 */
export interface RuleDoc {
  code: string;
  name: string;
  defaultSeverity: Severity;
  /** one line */
  summary: string;
  /** longer help text (plain text); defaults to the summary */
  help?: string;
  /** where the rule is documented */
  helpUri?: string;
}

export interface FormatOptions {
  /** ANSI colour (stylish only). Default false. */
  color?: boolean;
  /**
   * Prefix for printed paths (which are tree-relative in diagnostics), e.g. the tree's path relative to the current
   * directory, so that editors and CI can open them. Joined with '/'. Default: none.
   */
  pathPrefix?: string;
  /** absolute path of the tree root (SARIF: SRCROOT's uri) */
  treeRoot?: string;
  /** kvlint's version (json, sarif) */
  toolVersion?: string;
  /** rule metadata (sarif); rules seen in diagnostics but absent here are described from the diagnostics */
  rules?: RuleDoc[];
  /** stylish: findings with the same code and symbol are grouped; at most this many per group are listed (default 10, as modpost) */
  maxPerGroup?: number;
  /** stylish: at most this many groups are drawn (default 100); the rest are counted in one line */
  maxGroups?: number;
  /** stylish: wrap chains at this width (default 100) */
  width?: number;
}

export type FormatName = 'stylish' | 'gcc' | 'json' | 'sarif' | 'github';
