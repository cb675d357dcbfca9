/**
 * # module-uses-undefined-symbol (X004)
 *
 * ## What it does
 * Finds modules that reference a symbol which no object of the configuration defines at all — neither vmlinux nor
 * any module: the object that would define it is not built. modpost rejects the module with the same line as for an
 * unexported symbol (X001): `ERROR: modpost: "sym" [path/to/module.ko] undefined!`. The chain differs: it says
 * which object defines the symbol in other configurations of the matrix, the Makefile line that builds that object
 * and the Kconfig values that leave it out here (or that no configuration of the run builds a definition).
 *
 * ## Why it matters
 * A module calls into an optional subsystem without depending on it in Kconfig (or depends on a symbol that is
 * enabled but does not build the function it calls). Every configuration its author built had the subsystem; a
 * randconfig without it fails at modpost, long after the change was merged.
 *
 * ## Example
 * zram calling `zs_compact()` from zsmalloc while its Kconfig entry does not depend on ZSMALLOC, in a configuration
 * with ZRAM=m and ZSMALLOC=n:
 * ```
 * error[X004] "zs_compact" [drivers/staging/zram/zram.ko] undefined!
 *    = defined: zs_compact is defined in drivers/staging/zsmalloc/zsmalloc-main.o (ZSMALLOC=m)
 *    = build: … is not built in this configuration: `obj-$(CONFIG_ZSMALLOC) += zsmalloc.o` with CONFIG_ZSMALLOC=n
 * ```
 *
 * ## How to fix
 * Make the module's Kconfig symbol depend on (or select, if it has no dependencies of its own) the option that
 * builds the definition; or guard the call with `IS_ENABLED(CONFIG_…)` and provide a stub for the disabled case
 * (a `static inline` in the header, the usual kernel pattern); or correct a misspelt symbol name.
 *
 * ## References
 * - scripts/mod/modpost.c: check_exports() ("undefined!").
 * - Documentation/kbuild/kconfig-language.rst ("depends on", "Kconfig hints: dependencies").
 */
import type { Rule } from '../api.js';
import { DefinitionIndex, factlessNeighbour, buildSymbols, elsewhereSteps, firstUse, useSteps } from '../common.js';

type MessageId = 'undefined';

export const moduleUsesUndefinedSymbol: Rule<MessageId, { includeWeak: boolean }> = {
  meta: {
    code: 'X004',
    name: 'module-uses-undefined-symbol',
    family: 'exports',
    fingerprintsFromLink: true,
    defaultSeverity: 'error',
    summary: 'a module references a symbol that no object of this configuration defines (not built)',
    messages: {
      undefined: '"{{symbol}}" [{{module}}.ko] undefined!',
    },
  },
  defaultOptions: {
    /** modpost exempts weak references; set true to report them anyway */
    includeWeak: false,
  },
  checkRun(ctx, report) {
    const index = new DefinitionIndex(ctx.configs);
    for (const view of ctx.configs) {
      const missing = view.link.missingFacts ?? [];
      for (const mod of view.link.modules) {
        for (const ref of mod.refs) {
          if (ref.status !== 'undefined') continue;
          if (!ctx.options.includeWeak && ref.uses.every((u) => u.weak)) continue;
          // a generated object next to the user, whose symbols kvlint cannot see, may define it
          if (factlessNeighbour(missing, ref.uses)) continue;
          if (ctx.known?.([mod.name, ref.symbol])) continue;
          const use = firstUse(ref);
          if (!use) continue;
          const trace = useSteps(`${mod.name}.ko`, ref.symbol, use);
          trace.push(...elsewhereSteps(ctx.tree, view, ref.symbol, index));
          const notes =
            missing.length > 0
              ? [`${missing.length} object(s) of this configuration have no symbol facts (e.g. ${missing[0]}); one of them could define ${ref.symbol}`]
              : undefined;
          report({
            messageId: 'undefined',
            data: { symbol: ref.symbol, module: mod.name },
            primary: use.span,
            trace,
            subject: [mod.name, ref.symbol],
            configs: [view.ref],
            help: helpFor(ctx, index, view.ref.id, ref.symbol),
            ...(notes ? { notes } : {}),
          });
        }
      }
    }
  },
};

function helpFor(
  ctx: Parameters<NonNullable<typeof moduleUsesUndefinedSymbol.checkRun>>[0],
  index: DefinitionIndex,
  here: string,
  symbol: string,
): string {
  const site = index.sites(symbol).find((s) => !s.configs.some((c) => c.id === here));
  const syms = site ? buildSymbols(ctx.tree, site.example.view.graph, site.example.obj) : [];
  if (syms.length > 0) {
    const k = syms[syms.length - 1]!;
    return `make the module's Kconfig symbol depend on ${k}, or call ${symbol} only under IS_ENABLED(CONFIG_${k}) with a stub otherwise`;
  }
  return `check the name ${symbol}; make the module depend on the option that builds its definition, or provide a stub when it is not built`;
}
