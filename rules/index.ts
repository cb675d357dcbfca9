import type { Rule, RuleOptions } from './api.js';
import { modpostLicenseAndDuplicateExport } from './exports/modpost-license-and-duplicate-export.js';
import { moduleUsesGplOnlySymbol } from './exports/module-uses-gpl-only-symbol.js';
import { moduleUsesUndefinedSymbol } from './exports/module-uses-undefined-symbol.js';
import { moduleUsesUnexportedSymbol } from './exports/module-uses-unexported-symbol.js';
import { moduleUsesUnimportedNamespace } from './exports/module-uses-unimported-namespace.js';
import { vmlinuxUndefinedReference } from './exports/vmlinux-undefined-reference.js';
import { kconfigUndefinedSymbol } from './kconfig/kconfig-undefined-symbol.js';
import { kconfigUnmetDirectDependencies } from './kconfig/kconfig-unmet-direct-dependencies.js';

/**
 * Explicit registry of every rule. test/rules/registry.test.ts checks that each file under rules/<family>/ is listed
 * here, codes are unique and well-formed, and each rule has its doc comment and pass/fail fixtures.
 *
 * K003 and K004 are the codes the Kconfig stage gave these findings first (src/kconfig/diagnostics.ts); the rules
 * own them now (the engine passes stage diagnostics of a rule's code to the rule instead of printing them).
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const rules: Rule<string, any>[] = [
  moduleUsesUnexportedSymbol,
  moduleUsesGplOnlySymbol,
  moduleUsesUnimportedNamespace,
  moduleUsesUndefinedSymbol,
  vmlinuxUndefinedReference,
  modpostLicenseAndDuplicateExport,
  kconfigUnmetDirectDependencies,
  kconfigUndefinedSymbol,
];

/** Codes that were renamed keep a redirect here (never reuse a code). */
export const redirects: Record<string, string> = {};

export function ruleByCodeOrName(key: string): Rule<string, RuleOptions> | undefined {
  const k = redirects[key] ?? key;
  return rules.find((r) => r.meta.code === k || r.meta.name === k);
}
