/**
 * # kconfig-unmet-direct-dependencies (K003)
 *
 * ## What it does
 * Reports, as a finding, conf's `WARNING: unmet direct dependencies detected for FOO`: in some configuration of the
 * matrix a `select FOO` forces FOO on although FOO's own `depends on` is not met. The finding carries the select
 * chain (which symbol selects FOO, from which line, and why that symbol is on) and the unmet dependency with the
 * values that break it. The Kconfig stage computes the condition exactly as conf does; this rule reads it from there.
 *
 * ## Why it matters
 * `select` ignores dependencies. The selected code is then built in a configuration its authors ruled out —
 * typically it fails to compile or link (it calls into the subsystem it depends on), or misbehaves at run time.
 * conf only warns, in the middle of a long log, and only for the configuration being built; randconfig bots then
 * find the broken build.
 *
 * ## Example
 * ```
 * warning[K003] unmet direct dependencies detected for ZSMALLOC
 *   --> drivers/staging/zram/Kconfig:4:2
 *    = kconfig: selected by ZRAM [=y] -> ZSMALLOC depends on MMU [=n]
 *    = note: Depends on [n]: MMU [=n]
 * ```
 *
 * ## How to fix
 * Make the selecting symbol depend on what the selected one depends on (`depends on MMU`), make the select
 * conditional (`select FOO if BAR`), or use `depends on FOO` (or `imply FOO`) instead of `select`.
 *
 * ## References
 * - Documentation/kbuild/kconfig-language.rst ("select should be used with care").
 * - scripts/kconfig/symbol.c: sym_warn_unmet_dep().
 */
import type { TraceStep } from '../../src/core/types.js';
import { explain } from '../../src/kconfig/index.js';
import type { Rule } from '../api.js';

type MessageId = 'unmet';

export const kconfigUnmetDirectDependencies: Rule<MessageId, { whyDepth: number }> = {
  meta: {
    code: 'K003',
    name: 'kconfig-unmet-direct-dependencies',
    family: 'kconfig',
    defaultSeverity: 'warning',
    summary: 'a select forces a symbol on although its direct dependencies are unmet',
    messages: {
      unmet: 'unmet direct dependencies detected for {{symbol}}',
    },
  },
  defaultOptions: {
    /** how many steps of "why the selecting symbol is on" to show per selector (0: none) */
    whyDepth: 3,
  },
  check(ctx, report) {
    for (const d of ctx.stageDiagnostics) {
      if (d.code !== 'K003') continue;
      const symbol = d.data?.symbol;
      if (!symbol) continue;
      const selects = d.trace.filter((s) => s.kind === 'select');
      const trace: TraceStep[] = [];
      // one selector per select step, in the same order ('?' when the select's condition has no leading symbol)
      const selectors = (d.data?.selectors ?? '').split(',');
      selects.forEach((step, i) => {
        trace.push(step);
        const by = selectors[i];
        if (by && by !== '?' && ctx.kconfig && ctx.options.whyDepth > 0) {
          // why the selecting symbol is on: the Kconfig stage's explanation, its first steps
          // (its value is already in the select line; prompt visibility says nothing about why it is on)
          const why = explain(ctx.kconfig, ctx.config, by).filter((s) => s.kind !== 'define' && !s.label.startsWith('prompt '));
          for (const s of why.slice(0, ctx.options.whyDepth)) trace.push({ ...s, label: `${by}: ${s.label}` });
        }
      });
      const info = ctx.kconfig?.symbol(symbol);
      const depNote = d.notes?.find((n) => n.startsWith('Depends on'));
      if (info) {
        const m = depNote ? /^Depends on \[(\w)\]: (.*)$/s.exec(depNote) : null;
        trace.push({
          kind: 'depends',
          label: m ? `${symbol} depends on ${m[2]} → ${m[1]}` : `${symbol} depends on ${info.dependsOn}`,
          ...(info.definitions[0] ? { span: info.definitions[0] } : {}),
        });
      }
      const primary = selects.find((s) => s.span)?.span ?? d.primary;
      report({
        messageId: 'unmet',
        data: { symbol, selectors: selectors.filter((s) => s && s !== '?').join(',') },
        primary,
        trace,
        subject: [symbol],
        help: `make the selecting symbol depend on what ${symbol} depends on, make the select conditional (select ${symbol} if …), or use depends on instead of select`,
      });
    }
  },
};
