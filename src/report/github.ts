import type { Diagnostic, Severity } from '../core/types.js';
import { CHAIN_KINDS, capList, describeConfigs, displayPath, location, sameSpan, summaryLine } from './common.js';
import type { FormatOptions, RunSummary } from './types.js';

/**
 * GitHub Actions workflow commands: one annotation per finding,
 * `::error title=X001 rule-name,file=F,line=L,col=C::message%0Avia: …%0Abreaks: …` — byte for byte what GitHub's
 * toolkit (@actions/core `error()`) writes for the same annotation (a test compares them).
 * Values are escaped as the runner unescapes them: in the message `%`, CR and LF; in property values also `:` and
 * `,`. Paths need to be relative to the repository root (pathPrefix when the tree is a subdirectory).
 * GitHub shows at most 10 annotations of each level per step and 50 per job; the closing `::notice::` line carries
 * the totals so they are never lost.
 */
export function formatGithub(diags: readonly Diagnostic[], summary: RunSummary, opts: FormatOptions = {}): string {
  const lines: string[] = [];
  for (const d of diags) {
    // the order of @actions/core's toCommandProperties, so that the lines are the toolkit's own
    const props: [string, string | number][] = [
      ['title', `${d.code} ${d.rule}`],
      ['file', displayPath(d.primary.file, opts)],
      ['line', d.primary.line],
    ];
    if (d.primary.endLine !== undefined) props.push(['endLine', d.primary.endLine]);
    props.push(['col', d.primary.col]);
    if (d.primary.endCol !== undefined) props.push(['endColumn', d.primary.endCol]);
    const body = [d.message, ...details(d, opts)].join('\n');
    lines.push(`::${command(d.severity)} ${props.map(([k, v]) => `${k}=${escapeProperty(String(v))}`).join(',')}::${escapeData(body)}`);
  }
  lines.push(`::notice title=kvlint::${escapeData(summaryLine(diags, summary))}`);
  return lines.join('\n') + '\n';
}

function command(s: Severity): 'error' | 'warning' | 'notice' {
  return s === 'info' ? 'notice' : s;
}

function details(d: Diagnostic, opts: FormatOptions): string[] {
  const out: string[] = [];
  const chain = d.trace.filter((s) => CHAIN_KINDS.has(s.kind));
  if (chain.length > 0) {
    out.push(`via: ${chain.map((s) => (s.span ? `${s.label} (${location(s.span, opts)})` : s.label)).join(' -> ')}`);
  }
  for (const s of d.trace) {
    if (CHAIN_KINDS.has(s.kind) || (s.kind === 'use' && (!s.span || sameSpan(s.span, d.primary)))) continue;
    out.push(`${s.kind}: ${s.label}${s.span ? ` (${location(s.span, opts)})` : ''}`);
  }
  if (d.configs.length > 0) {
    const cd = describeConfigs(d);
    let t = `breaks: ${[cd.context, capList(cd.breaks.filter((b) => b !== ''), 6)].filter((x) => x !== '').join(', ')}`;
    if (cd.fine.length > 0) t += ` · fine: ${capList(cd.fine, 6)}`;
    if (cd.witness) t += ` · witness: ${cd.witness}`;
    out.push(t);
  }
  for (const n of d.notes ?? []) out.push(`note: ${n}`);
  if (d.help) out.push(`help: ${d.help}`);
  return out;
}

/** Escaping of a workflow command's message (the runner's inverse: %0D, %0A, %25). */
export function escapeData(s: string): string {
  return s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** Escaping of a workflow command's property value (additionally ':' and ','). */
export function escapeProperty(s: string): string {
  return escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
}
