import type { Diagnostic, Severity, Span, TraceStep } from '../core/types.js';

/**
 * Codes of the Kconfig stage (K family). Codes are permanent: never reuse or renumber.
 * The wording of messages follows scripts/kconfig where users grep for it.
 */
export const K = {
  /** syntax errors, unknown statements, unterminated blocks, missing/escaping `source` (conf: fatal) */
  syntax: { code: 'K001', rule: 'kconfig-syntax' },
  /** "recursive dependency detected!" (conf: fatal) */
  recursive: { code: 'K002', rule: 'kconfig-recursive-dependency' },
  /** "unmet direct dependencies detected for FOO" (a select forces a symbol whose dependencies are not met) */
  unmetSelect: { code: 'K003', rule: 'kconfig-unmet-direct-dependencies' },
  /** a symbol referenced in an expression, select or imply that no Kconfig file defines */
  undefinedSymbol: { code: 'K004', rule: 'kconfig-undefined-symbol' },
  /** a requested SYM=VAL override that did not take effect */
  overrideIgnored: { code: 'K005', rule: 'kconfig-override-ignored' },
  /** conf's other parse-time warnings (type redefinition, prompt redefined, choice default outside choice, …) */
  warning: { code: 'K006', rule: 'kconfig-warning' },
  /** `$(shell,…)` or a compiler test the toolchain profile has no answer for */
  toolchain: { code: 'K007', rule: 'kconfig-toolchain-answer-missing' },
  /** problems reading a .config / defconfig / fragment (invalid value, unknown data, reassignment) */
  dotconfig: { code: 'K008', rule: 'kconfig-dotconfig' },
  /** `$(info,…)` / `$(warning-if,…)` output of the Kconfig files */
  macroMessage: { code: 'K009', rule: 'kconfig-macro-message' },
} as const;

export type KKind = keyof typeof K;

export function kdiag(
  kind: KKind,
  severity: Severity,
  message: string,
  primary: Span,
  extra: { trace?: TraceStep[]; notes?: string[]; help?: string; data?: Record<string, string>; subject?: string } = {},
): Diagnostic {
  const k = K[kind];
  const d: Diagnostic = {
    code: k.code,
    rule: k.rule,
    severity,
    message,
    primary,
    trace: extra.trace ?? [],
    configs: [],
    fingerprint: `${k.code}:${extra.subject ?? `${primary.file}:${message}`}`,
  };
  if (extra.notes) d.notes = extra.notes;
  if (extra.help) d.help = extra.help;
  if (extra.data) d.data = extra.data;
  return d;
}

export function span(file: string, line: number, col = 1): Span {
  return { file, line, col };
}
