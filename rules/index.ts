import type { Rule, RuleOptions } from './api.js';
import { moduleUsesUnexportedSymbol } from './exports/module-uses-unexported-symbol.js';

/**
 * Explicit registry of every rule. test/rules/registry.test.ts checks that each file under rules/<family>/ is listed
 * here, codes are unique and well-formed, and each rule has its doc comment and pass/fail fixtures.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const rules: Rule<string, any>[] = [moduleUsesUnexportedSymbol];

/** Codes that were renamed keep a redirect here (never reuse a code). */
export const redirects: Record<string, string> = {};

export function ruleByCodeOrName(key: string): Rule<string, RuleOptions> | undefined {
  const k = redirects[key] ?? key;
  return rules.find((r) => r.meta.code === k || r.meta.name === k);
}
