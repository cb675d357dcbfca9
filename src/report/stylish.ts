import pc from 'picocolors';
import type { Diagnostic, Severity, Span, TraceKind, TraceStep } from '../core/types.js';
import {
  CHAIN_KINDS,
  KCONFIG_KINDS,
  capList,
  counts,
  describeConfigs,
  displayPath,
  groupDiagnostics,
  location,
  plural,
  sameSpan,
  summaryLine,
} from './common.js';
import type { FormatOptions, RunSummary } from './types.js';

type Colors = ReturnType<typeof pc.createColors>;

/**
 * The terminal format (STYLE.md): a headline with modpost's wording, the use site, the explanation chain drawn one
 * labelled line per kind of step, the configurations where it breaks and where it is fine, help, and a summary line.
 *
 * ```
 * error[X001] "v7wbi_flush_kern_tlb_range" [drivers/staging/zsmalloc/zsmalloc.ko] undefined!
 *   --> drivers/staging/zsmalloc/zsmalloc-main.c:72:2
 *    = via: local_flush_tlb_kernel_range (arch/arm/include/asm/tlbflush.h:65) -> __cpu_flush_kern_tlb_range (:55)
 *    = defined: … (arch/arm/mm/tlb-v7.S:24)
 *    = breaks: ARCH=arm multi_v7_defconfig, SMP=n · fine: SMP=y
 *   help: …
 * ```
 * Findings with the same code and symbol are grouped: the first is drawn in full, the others listed one line each,
 * at most `maxPerGroup` (10, as modpost) per group.
 */
export function formatStylish(diags: readonly Diagnostic[], summary: RunSummary, opts: FormatOptions = {}): string {
  const c = pc.createColors(opts.color ?? false);
  const maxPerGroup = Math.max(1, opts.maxPerGroup ?? 10);
  const maxGroups = Math.max(1, opts.maxGroups ?? 100);
  const width = opts.width ?? 100;
  const out: string[] = [];

  const groups = groupDiagnostics(diags);
  groups.slice(0, maxGroups).forEach((group) => {
    const [first, ...rest] = group;
    const also: string[] = [];
    const listed = rest.slice(0, maxPerGroup - 1);
    for (const d of listed) {
      also.push(`   ${c.blue('=')} ${c.bold('also:')} ${d.message} ${c.blue('-->')} ${location(d.primary, opts)}`);
    }
    const hidden = rest.length - listed.length;
    if (hidden > 0) {
      also.push(`   ${c.blue('=')} … and ${plural(hidden, 'more finding')} with the same symbol (--format json lists all)`);
    }
    out.push(...drawDiagnostic(first!, opts, c, width, also), '');
  });
  if (groups.length > maxGroups) {
    const hiddenGroups = groups.slice(maxGroups);
    const n = hiddenGroups.reduce((s, g) => s + g.length, 0);
    out.push(`… ${plural(n, 'more finding')} in ${plural(hiddenGroups.length, 'more group')} not shown (--format json or gcc lists all)`);
    out.push('');
  }

  const stale = summary.baseline?.stale ?? [];
  if (stale.length > 0) {
    out.push(c.bold(`stale entries in ${summary.baseline!.file} (no longer found; rewrite it with --write-baseline):`));
    for (const e of stale.slice(0, maxPerGroup)) out.push(`  ${e.code} ${e.message} (${displayPath(e.file, opts)})`);
    if (stale.length > maxPerGroup) out.push(`  … and ${stale.length - maxPerGroup} more`);
    out.push('');
  }

  const n = counts(diags);
  const line = summaryLine(diags, summary);
  if (n.error > 0) out.push(c.red(c.bold(`✖ ${line}`)));
  else if (n.warning > 0) out.push(c.yellow(c.bold(`⚠ ${line}`)));
  else out.push(c.green(`✔ ${line}`));
  return out.join('\n') + '\n';
}

function severityColor(s: Severity, c: Colors): (t: string) => string {
  return s === 'error' ? (t) => c.bold(c.red(t)) : s === 'warning' ? (t) => c.bold(c.yellow(t)) : (t) => c.bold(c.cyan(t));
}

const HEADING: Record<TraceKind, string> = {
  use: 'use',
  expand: 'via',
  paste: 'via',
  include: 'via',
  define: 'defined',
  export: 'export',
  select: 'kconfig',
  depends: 'kconfig',
  default: 'kconfig',
  build: 'built',
  note: 'note',
};

/** One finding drawn in full; `also` (the rest of its group) goes before the help line. */
function drawDiagnostic(d: Diagnostic, opts: FormatOptions, c: Colors, width: number, also: string[]): string[] {
  const lines: string[] = [];
  lines.push(`${severityColor(d.severity, c)(`${d.severity}[${d.code}]`)} ${c.bold(d.message)}`);
  lines.push(`  ${c.blue('-->')} ${location(d.primary, opts)}`);

  // Consecutive chain steps (macro expansions, pastes, includes; or Kconfig steps) form one "a -> b -> c" line.
  const steps = d.trace.filter((s) => !(s.kind === 'use' && (sameSpan(s.span, d.primary) || !s.span)));
  let i = 0;
  while (i < steps.length) {
    const s = steps[i]!;
    const chainOf = CHAIN_KINDS.has(s.kind) ? CHAIN_KINDS : KCONFIG_KINDS.has(s.kind) ? KCONFIG_KINDS : undefined;
    if (chainOf) {
      let j = i;
      while (j < steps.length && chainOf.has(steps[j]!.kind)) j++;
      lines.push(...chainLine(HEADING[s.kind], steps.slice(i, j), opts, c, width));
      i = j;
    } else {
      const text = s.span ? `${s.label} (${shortLoc(s.span, undefined, opts)})` : s.label;
      lines.push(...wrapPlain(`   ${c.blue('=')} ${c.bold(`${HEADING[s.kind]}:`)} `, text, width));
      i++;
    }
  }

  if (d.configs.length > 0) {
    const cd = describeConfigs(d);
    const distinct = cd.breaks.filter((b) => b !== '');
    let text = [cd.context, capList(distinct, 6)].filter((t) => t !== '').join(', ');
    if (cd.fine.length > 0) text += ` · ${c.bold('fine:')} ${capList(cd.fine, 6)}`;
    lines.push(...wrapPlain(`   ${c.blue('=')} ${c.bold('breaks:')} `, text, width));
    if (cd.witness) lines.push(`   ${c.blue('=')} ${c.bold('witness:')} ${cd.witness}`);
  }
  for (const n of d.notes ?? []) lines.push(...wrapPlain(`   ${c.blue('=')} ${c.bold('note:')} `, n, width));
  lines.push(...also);
  if (d.help) lines.push(...wrapPlain(`  ${c.bold(c.green('help:'))} `, d.help, width));
  return lines;
}

/** "label (file:line) -> label (:line) -> …", wrapped with continuation lines indented under the first item. */
function chainLine(heading: string, steps: TraceStep[], opts: FormatOptions, c: Colors, width: number): string[] {
  const prefixPlain = `   = ${heading}: `;
  const prefix = `   ${c.blue('=')} ${c.bold(`${heading}:`)} `;
  const items: string[] = [];
  let prevFile: string | undefined;
  for (const s of steps) {
    items.push(s.span ? `${s.label} (${shortLoc(s.span, prevFile, opts)})` : s.label);
    if (s.span) prevFile = s.span.file;
  }
  const indent = ' '.repeat(prefixPlain.length);
  const lines: string[] = [];
  let cur = prefix;
  let curLen = prefixPlain.length;
  items.forEach((item, k) => {
    const piece = k === 0 ? item : ` -> ${item}`;
    if (k > 0 && curLen + piece.length > width) {
      lines.push(cur);
      // an item longer than a whole line is word-wrapped itself
      const wrapped = wrapPlain(`${indent}-> `, item, width);
      lines.push(...wrapped.slice(0, -1));
      cur = wrapped[wrapped.length - 1]!;
      curLen = cur.length;
    } else {
      cur += piece;
      curLen += piece.length;
    }
  });
  lines.push(cur);
  return lines;
}

function shortLoc(span: Span, prevFile: string | undefined, opts: FormatOptions): string {
  return span.file === prevFile ? `:${span.line}` : `${displayPath(span.file, opts)}:${span.line}`;
}

/** Word-wrap a text after a prefix; continuation lines are indented to the text's start. */
function wrapPlain(prefix: string, text: string, width: number): string[] {
  // eslint-disable-next-line no-control-regex
  const visible = prefix.replace(/\u001b\[[0-9;]*m/g, '').length;
  const indent = ' '.repeat(visible);
  const words = text.split(' ');
  const lines: string[] = [];
  let cur = prefix;
  let len = visible;
  let empty = true;
  for (const w of words) {
    // eslint-disable-next-line no-control-regex
    const wl = w.replace(/\u001b\[[0-9;]*m/g, '').length;
    if (!empty && len + 1 + wl > width) {
      lines.push(cur);
      cur = indent + w;
      len = visible + wl;
    } else {
      cur += (empty ? '' : ' ') + w;
      len += (empty ? 0 : 1) + wl;
    }
    empty = false;
  }
  lines.push(cur);
  return lines;
}
