/**
 * # module-uses-gpl-only-symbol (X002)
 *
 * ## What it does
 * Finds modules whose MODULE_LICENSE is not GPL-compatible and that use a symbol exported with EXPORT_SYMBOL_GPL
 * (or EXPORT_SYMBOL_NS_GPL). modpost rejects such a module with
 * `ERROR: modpost: GPL-incompatible module foo.ko uses GPL-only symbol 'sym'`.
 *
 * ## Why it matters
 * Whether a call reaches a GPL-only export often depends on the configuration: an inline wrapper in a header calls a
 * plain export in one configuration and a GPL-only helper in another, or a subsystem switches an export to _GPL.
 * The module builds where its authors test and fails in the configuration a distribution ships.
 *
 * ## Example
 * A module declaring `MODULE_LICENSE("Proprietary")` that calls `zs_malloc()`, exported with EXPORT_SYMBOL_GPL by
 * zsmalloc:
 * ```
 * error[X002] GPL-incompatible module zram.ko uses GPL-only symbol 'zs_malloc'
 * ```
 *
 * ## How to fix
 * Use an interface exported with plain EXPORT_SYMBOL, or license the module under a GPL-compatible license (modpost
 * accepts "GPL", "GPL v2", "GPL and additional rights", "Dual BSD/GPL", "Dual MIT/GPL", "Dual MPL/GPL").
 * A module without any MODULE_LICENSE is reported by X006 instead (modpost skips this check for it).
 *
 * ## References
 * - scripts/mod/modpost.c: check_exports() and license_is_gpl_compatible().
 * - include/linux/license.h; Documentation/process/license-rules.rst ("MODULE_LICENSE").
 */
import type { Rule } from '../api.js';
import { exportStep, firstUse, moduleBasename, useSteps } from '../common.js';

type MessageId = 'gplOnly';

export const moduleUsesGplOnlySymbol: Rule<MessageId, Record<string, never>> = {
  meta: {
    code: 'X002',
    name: 'module-uses-gpl-only-symbol',
    family: 'exports',
    fingerprintsFromLink: true,
    defaultSeverity: 'error',
    summary: 'a module whose MODULE_LICENSE is not GPL-compatible uses a GPL-only export',
    messages: {
      gplOnly: "GPL-incompatible module {{basename}}.ko uses GPL-only symbol '{{symbol}}'",
    },
  },
  defaultOptions: {},
  check(ctx, report) {
    for (const mod of ctx.link.modules) {
      // modpost treats a module without MODULE_LICENSE as compatible here (it fails on the missing license: X006)
      if (!mod.license) continue;
      for (const ref of mod.refs) {
        if (!ref.problems?.includes('gpl-only') || !ref.export) continue;
        const use = firstUse(ref);
        if (!use) continue;
        const trace = useSteps(`${mod.name}.ko`, ref.symbol, use);
        trace.push(exportStep(ref.symbol, ref.export));
        trace.push({
          kind: 'note',
          label: `MODULE_LICENSE("${mod.license.value}") is not GPL-compatible`,
          span: mod.license.span,
        });
        report({
          messageId: 'gplOnly',
          data: { basename: moduleBasename(mod.name), module: mod.name, symbol: ref.symbol, license: mod.license.value },
          primary: use.span,
          trace,
          subject: [mod.name, ref.symbol],
          help: 'use an interface exported with plain EXPORT_SYMBOL, or a GPL-compatible MODULE_LICENSE ("GPL", "Dual BSD/GPL", …)',
        });
      }
    }
  },
};
