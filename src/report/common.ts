import type { ConfigRef, Diagnostic, Severity, Span, TraceKind } from '../core/types.js';
import type { FormatOptions, RunSummary } from './types.js';

/** A tree-relative path as it should be printed (with the user's path prefix). */
export function displayPath(file: string, opts: FormatOptions): string {
  const p = opts.pathPrefix;
  if (!p || p === '.' || p === './') return file;
  return `${p.replace(/\/+$/, '')}/${file}`;
}

export function location(span: Span, opts: FormatOptions): string {
  return `${displayPath(span.file, opts)}:${span.line}:${span.col}`;
}

export function counts(diags: readonly Diagnostic[]): Record<Severity, number> {
  const c: Record<Severity, number> = { error: 0, warning: 0, info: 0 };
  for (const d of diags) c[d.severity]++;
  return c;
}

export function plural(n: number, word: string, many = `${word}s`): string {
  return `${n} ${n === 1 ? word : many}`;
}

/** Kinds drawn as one chain ("via:"): how the identifier at the use site came to be. */
export const CHAIN_KINDS: ReadonlySet<TraceKind> = new Set<TraceKind>(['expand', 'paste', 'include']);
/** Kconfig kinds, drawn as one chain ("kconfig:"). */
export const KCONFIG_KINDS: ReadonlySet<TraceKind> = new Set<TraceKind>(['select', 'depends', 'default']);

export function sameSpan(a: Span | undefined, b: Span | undefined): boolean {
  return !!a && !!b && a.file === b.file && a.line === b.line && a.col === b.col;
}

/**
 * How a finding's configurations read in one line: what every configuration of the finding shares (`context`:
 * arch, base, common overrides) and, per configuration, only what tells it apart (`breaks`, `fine`; empty strings
 * when nothing does, i.e. a single configuration).
 * The witness is kept only when it says more than the single breaking configuration already does.
 */
export interface ConfigDescription {
  context: string;
  breaks: string[];
  fine: string[];
  witness?: string;
}

export function describeConfigs(d: Diagnostic): ConfigDescription {
  const failing = d.configs;
  const passing = d.passing ?? [];
  const all = [...failing, ...passing];
  const archVaries = new Set(all.map((c) => c.arch)).size > 1;
  const bases = new Set(all.map((c) => c.base));
  const baseVaries = bases.size > 1;
  const keys: string[] = [];
  for (const c of all) for (const k of Object.keys(c.overrides)) if (!keys.includes(k)) keys.push(k);
  const varying = keys.filter((k) => new Set(all.map((c) => c.overrides[k])).size > 1);
  const common = keys.filter((k) => !varying.includes(k));

  const ctx: string[] = [];
  if (all.length > 0 && !archVaries) {
    const base = all[0]!.base;
    ctx.push(`ARCH=${all[0]!.arch}${!baseVaries && base ? ` ${base}` : ''}`);
  }
  for (const k of common) ctx.push(`${k}=${all[0]!.overrides[k]}`);

  const one = (c: ConfigRef): string => {
    const parts: string[] = [];
    if (archVaries) parts.push(`ARCH=${c.arch}`);
    if (baseVaries && c.base) parts.push(c.base);
    for (const k of varying) parts.push(`${k}=${c.overrides[k] ?? '(base)'}`);
    return parts.join(' ');
  };
  const out: ConfigDescription = { context: ctx.join(', '), breaks: failing.map(one), fine: passing.map((c) => one(c) || c.label) };
  if (d.witness && Object.keys(d.witness).length > 0) {
    const w = Object.entries(d.witness).map(([k, v]) => `${k}=${v}`);
    const shownAlone =
      failing.length === 1 &&
      w.length === varying.length &&
      varying.every((k) => d.witness![k] === failing[0]!.overrides[k]);
    if (!shownAlone) out.witness = w.join(', ');
  }
  return out;
}

/** "a | b | c | … +N more" */
export function capList(items: string[], max: number, sep = ' | '): string {
  if (items.length <= max) return items.join(sep);
  return `${items.slice(0, max).join(sep)}${sep}… +${items.length - max} more`;
}

/**
 * Group findings that are the same problem in different places: same code and same `data.symbol` (the same missing
 * symbol in fifty modules is one group). Findings without a symbol are groups of one. Order of first appearance.
 */
export function groupDiagnostics(diags: readonly Diagnostic[]): Diagnostic[][] {
  const groups = new Map<string, Diagnostic[]>();
  let n = 0;
  for (const d of diags) {
    const sym = d.data?.symbol;
    const key = sym !== undefined ? `${d.code}\u0000${sym}` : `\u0001${n++}`;
    const g = groups.get(key);
    if (g) g.push(d);
    else groups.set(key, [d]);
  }
  return [...groups.values()];
}

/** The one-line summary shared by the text formats. */
export function summaryLine(diags: readonly Diagnostic[], summary: RunSummary): string {
  const c = counts(diags);
  const parts: string[] = [];
  if (diags.length === 0) parts.push('no problems');
  else {
    parts.push(plural(c.error, 'error'), plural(c.warning, 'warning'));
    if (c.info > 0) parts.push(plural(c.info, 'note'));
  }
  let line = `${parts.join(', ')} in ${plural(summary.configs.length, 'configuration')}`;
  if (summary.units !== undefined) line += `, ${plural(summary.units, 'unit')}`;
  if (summary.durationMs !== undefined) line += ` (${(summary.durationMs / 1000).toFixed(1)} s)`;
  const extra: string[] = [];
  if (summary.baseline) {
    extra.push(`${summary.baseline.known} known in ${summary.baseline.file}`);
    if (summary.baseline.stale.length > 0) extra.push(`${summary.baseline.stale.length} stale`);
  }
  if (summary.ignored) extra.push(`${summary.ignored} ignored by .kvlint.json`);
  if (extra.length > 0) line += `; ${extra.join(', ')}`;
  return line;
}

/** Severity words of gcc-style output. */
export function gccSeverity(s: Severity): 'error' | 'warning' | 'note' {
  return s === 'info' ? 'note' : s;
}
