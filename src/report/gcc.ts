import type { Diagnostic, TraceKind } from '../core/types.js';
import { capList, describeConfigs, gccSeverity, location } from './common.js';
import type { FormatOptions, RunSummary } from './types.js';

/**
 * gcc's own diagnostic format, one finding per line, so that editors' compiler integrations pick it up unchanged
 * (vim's default 'errorformat' `%f:%l:%c:%m`, emacs compilation-mode's gnu regexp, VS Code's $gcc matcher):
 *
 * ```
 * drivers/staging/zsmalloc/zsmalloc-main.c:72:2: error: "v7wbi_flush_kern_tlb_range" [drivers/staging/zsmalloc/zsmalloc.ko] undefined! [X001]
 * arch/arm/include/asm/tlbflush.h:65:43: note: in expansion of local_flush_tlb_kernel_range
 * drivers/staging/zsmalloc/zsmalloc-main.c:72:2: note: breaks: ARCH=arm multi_v7_defconfig, SMP=n; fine: SMP=y
 * ```
 * Chain steps with a location become `note:` lines at that location, as gcc prints macro-expansion notes; steps
 * without one, the configurations and the help are notes at the primary location. Messages are single-line.
 * No summary line: every line is a diagnostic.
 */
export function formatGcc(diags: readonly Diagnostic[], _summary: RunSummary, opts: FormatOptions = {}): string {
  const lines: string[] = [];
  for (const d of diags) {
    const at = location(d.primary, opts);
    lines.push(`${at}: ${gccSeverity(d.severity)}: ${oneLine(d.message)} [${d.code}]`);
    for (const s of d.trace) {
      if (s.kind === 'use' && s.span && s.span.file === d.primary.file && s.span.line === d.primary.line) continue;
      const where = s.span ? location(s.span, opts) : at;
      lines.push(`${where}: note: ${oneLine(NOTE_PREFIX[s.kind] + s.label)}`);
    }
    if (d.configs.length > 0) {
      const cd = describeConfigs(d);
      let text = `breaks: ${[cd.context, capList(cd.breaks.filter((b) => b !== ''), 6)].filter((t) => t !== '').join(', ')}`;
      if (cd.fine.length > 0) text += `; fine: ${capList(cd.fine, 6)}`;
      if (cd.witness) text += `; witness: ${cd.witness}`;
      lines.push(`${at}: note: ${text}`);
    }
    for (const n of d.notes ?? []) lines.push(`${at}: note: ${oneLine(n)}`);
    if (d.help) lines.push(`${at}: note: help: ${oneLine(d.help)}`);
  }
  return lines.length > 0 ? lines.join('\n') + '\n' : '';
}

const NOTE_PREFIX: Record<TraceKind, string> = {
  use: 'used here: ',
  expand: 'in expansion of ',
  paste: 'token paste: ',
  include: 'included: ',
  define: 'defined: ',
  export: 'export: ',
  select: 'kconfig: ',
  depends: 'kconfig: ',
  default: 'kconfig: ',
  build: 'built: ',
  note: '',
};

function oneLine(s: string): string {
  return s.replace(/\s*[\r\n]+\s*/g, ' ');
}
