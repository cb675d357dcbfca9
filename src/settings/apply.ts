import picomatch from 'picomatch';
import type { Diagnostic, Severity } from '../core/types.js';
import type { IgnoreEntry, Settings, SeveritySetting } from './types.js';

/** The severity a rule runs at: the user's setting, else the rule's default. 'off': do not run it. */
export function ruleSeverity(settings: Settings, code: string, defaultSeverity: Severity): SeveritySetting {
  return settings.rules[code]?.severity ?? defaultSeverity;
}

/** The user's options for a rule (already checked against its defaults): pass to rules/api.ts resolveOptions. */
export function ruleOptions(settings: Settings, code: string): Record<string, unknown> {
  return settings.rules[code]?.options ?? {};
}

export interface SettingsResult {
  /** what remains to report, with the user's severities */
  diagnostics: Diagnostic[];
  /** findings an ignore entry accepted (first matching entry) */
  ignored: { diagnostic: Diagnostic; ignore: IgnoreEntry }[];
  /** ignore entries that matched nothing in this run (worth a warning: the problem is gone, or the entry is wrong) */
  unusedIgnores: IgnoreEntry[];
}

/**
 * Apply the user's rule severities (dropping rules set to "off") and ignores to a run's diagnostics. The engine
 * normally does not run "off" rules at all; dropping here too keeps the result right either way.
 */
export function applySettings(settings: Settings, diags: readonly Diagnostic[]): SettingsResult {
  const matchers = settings.ignores.map((e) => ({ entry: e, test: ignoreMatcher(e), used: false }));
  const out: SettingsResult = { diagnostics: [], ignored: [], unusedIgnores: [] };
  for (const d of diags) {
    const sev = settings.rules[d.code]?.severity;
    if (sev === 'off') continue;
    const m = matchers.find((x) => x.test(d));
    if (m) {
      m.used = true;
      out.ignored.push({ diagnostic: d, ignore: m.entry });
      continue;
    }
    out.diagnostics.push(sev && sev !== d.severity ? { ...d, severity: sev } : d);
  }
  out.unusedIgnores = matchers.filter((m) => !m.used).map((m) => m.entry);
  return out;
}

/** Does an ignore entry accept this finding? Every selector given must match. */
export function ignoreMatcher(e: IgnoreEntry): (d: Diagnostic) => boolean {
  // a pattern without '/' matches the last path component (picomatch's own `basename` option also changes how
  // patterns with '/' match, so it is done here)
  const glob = (g: string) => {
    const m = picomatch(g, { dot: true });
    return g.includes('/') ? m : (p: string) => m(p.slice(p.lastIndexOf('/') + 1));
  };
  const path = e.path !== undefined ? glob(e.path) : undefined;
  const mod = e.module !== undefined ? glob(stripKo(e.module)) : undefined;
  const sym = e.symbol !== undefined ? picomatch(e.symbol, { dot: true }) : undefined;
  return (d) => {
    if (d.code !== e.code) return false;
    if (path && !path(d.primary.file)) return false;
    if (mod) {
      const m = d.data?.module;
      if (m === undefined || !mod(stripKo(m))) return false;
    }
    if (sym) {
      const s = d.data?.symbol;
      if (s === undefined || !sym(s)) return false;
    }
    return true;
  };
}

function stripKo(m: string): string {
  return m.endsWith('.ko') ? m.slice(0, -3) : m;
}
