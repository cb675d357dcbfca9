import type { ConfigBase, Severity, Span } from '../core/types.js';

/** The file name of a tree's settings, at the tree root. */
export const SETTINGS_FILE = '.kvlint.json';

/**
 * What to check when the command line does not say (CLI.md "no choice at all: the tree's default matrix").
 * Structurally the engine's MatrixDefaults (src/engine/matrix.ts): pass `settings.matrix` to buildMatrix as is.
 */
export interface MatrixSettings {
  arch?: string;
  base?: ConfigBase;
  /** SYM -> value as in .config (y/m/n/literal), symbol names without CONFIG_ */
  overrides?: Record<string, string>;
  /** each axis expands the matrix: SMP=[y,n] doubles it */
  axes?: { symbol: string; values: string[] }[];
}

export type SeveritySetting = Severity | 'off';

/** A rule's entry under "rules", keyed by the rule's code (names in the file are resolved to codes). */
export interface RuleSetting {
  /** absent: the rule's default severity */
  severity?: SeveritySetting;
  /** validated against the rule's defaultOptions (unknown keys and wrong types rejected); merge with resolveOptions */
  options: Record<string, unknown>;
  /** where the entry is in the settings file */
  span: Span;
}

/**
 * An accepted finding: every selector given must match (code always; then path, module, symbol — each a glob;
 * one without '/' matches the last path component). `reason` is required: an ignore without one is an error.
 */
export interface IgnoreEntry {
  code: string;
  /** glob over the finding's primary file (tree-relative) */
  path?: string;
  /** glob over the finding's module (`data.module`, with or without .ko) */
  module?: string;
  /** glob over the finding's symbol (`data.symbol`) */
  symbol?: string;
  reason: string;
  span: Span;
}

export interface Settings {
  /** the settings file, tree-relative ('.kvlint.json'), or null when the tree has none (all defaults) */
  file: string | null;
  matrix: MatrixSettings;
  /** by rule code */
  rules: Record<string, RuleSetting>;
  ignores: IgnoreEntry[];
  /**
   * toolchain profile (answers Kconfig's $(shell,…)/$(cc-option,…), src/toolchain): a profile file (a value with '/'
   * or ending in .json; relative to the tree root unless absolute) or the name of a bundled profile (toolchains/).
   * Load it with `loadToolchain`.
   */
  toolchain: { kind: 'file' | 'bundled'; ref: string; span: Span } | null;
}

/** What the loader needs to know about each rule (rules/api.ts Rule satisfies it: pass the registry). */
export interface RuleCatalogEntry {
  meta: { code: string; name: string };
  defaultOptions: Record<string, unknown>;
}
