import type { ConfigRef, Diagnostic } from '../core/types.js';

/**
 * One finding seen in several configurations is reported once (ARCHITECTURE.md): group per-configuration
 * diagnostics by fingerprint, list the configurations where it holds and where it does not, and compute the witness:
 * the smallest set of override values that all failing configurations share and that separates them from a
 * passing one.
 *
 * `checked` lists every configuration the rules ran on (a config absent from a group passes).
 */
export function mergeAcrossConfigs(perConfig: Diagnostic[], checked: ConfigRef[]): Diagnostic[] {
  const groups = new Map<string, Diagnostic[]>();
  for (const d of perConfig) {
    const g = groups.get(d.fingerprint);
    if (g) g.push(d);
    else groups.set(d.fingerprint, [d]);
  }
  const out: Diagnostic[] = [];
  for (const group of groups.values()) {
    const first = group[0]!;
    const failing = uniqueRefs(group.flatMap((d) => d.configs));
    const failingIds = new Set(failing.map((c) => c.id));
    const passing = checked.filter((c) => !failingIds.has(c.id));
    const merged: Diagnostic = { ...first, configs: failing };
    if (passing.length > 0) merged.passing = passing;
    const w = witness(failing, passing);
    if (w) merged.witness = w;
    out.push(merged);
  }
  return out.sort(compareDiagnostics);
}

function uniqueRefs(refs: ConfigRef[]): ConfigRef[] {
  const seen = new Map<string, ConfigRef>();
  for (const r of refs) if (!seen.has(r.id)) seen.set(r.id, r);
  return [...seen.values()];
}

/**
 * Symbols whose override value is the same in every failing configuration and differs in some passing
 * configuration of the same arch. When nothing passes, the overrides common to all failing configurations.
 * Undefined when there is nothing to say (no overrides at all).
 */
export function witness(failing: ConfigRef[], passing: ConfigRef[]): Record<string, string> | undefined {
  if (failing.length === 0) return undefined;
  const common: Record<string, string> = {};
  const [f0, ...rest] = failing;
  for (const [sym, val] of Object.entries(f0!.overrides)) {
    if (rest.every((f) => f.overrides[sym] === val)) common[sym] = val;
  }
  const candidates = passing.filter((p) => p.arch === f0!.arch);
  if (candidates.length === 0) return Object.keys(common).length > 0 ? common : undefined;
  const out: Record<string, string> = {};
  for (const [sym, val] of Object.entries(common)) {
    if (candidates.some((p) => p.overrides[sym] !== val)) out[sym] = val;
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

const SEVERITY_ORDER = { error: 0, warning: 1, info: 2 } as const;

export function compareDiagnostics(a: Diagnostic, b: Diagnostic): number {
  return (
    SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] ||
    a.primary.file.localeCompare(b.primary.file) ||
    a.primary.line - b.primary.line ||
    a.primary.col - b.primary.col ||
    a.code.localeCompare(b.code) ||
    a.fingerprint.localeCompare(b.fingerprint)
  );
}
