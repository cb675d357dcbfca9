/**
 * # module-uses-unexported-symbol (X001)
 *
 * ## What it does
 * Finds modules that reference a symbol which is defined in this configuration — in vmlinux or in another module —
 * but never exported with EXPORT_SYMBOL*. modpost rejects such a module with
 * `ERROR: modpost: "sym" [path/to/module.ko] undefined!`.
 *
 * ## Why it matters
 * The same source often reaches different symbols in different configurations: a macro chain (token pasting in
 * arch headers) can turn a call into a direct call to a CPU-specific routine that is global for the linker but not
 * exported. The module links in the configurations people build, and breaks in the one a randconfig bot finds a day
 * later. kvlint reports it before the build, with the chain that produced the symbol and the configurations where it
 * breaks.
 *
 * ## Example
 * On ARM with CONFIG_SMP=n and ZSMALLOC=m, zsmalloc's unmap path calls `local_flush_tlb_kernel_range()`. With one TLB
 * kind and no MULTI_TLB, tlbflush.h turns it into `__glue(_TLB,_flush_kern_tlb_range)`, i.e. a direct call to
 * `v7wbi_flush_kern_tlb_range`, defined by ENTRY() in arch/arm/mm/tlb-v7.S and never exported:
 * ```
 * error[X001] "v7wbi_flush_kern_tlb_range" [drivers/staging/zsmalloc/zsmalloc.ko] undefined!
 * ```
 * With SMP=y (SMP_ON_UP=y ⇒ MULTI_TLB) the call goes through the exported `cpu_tlb` table and links.
 *
 * ## How to fix
 * Call an interface that is exported in every configuration the module can be built in; or make the code path
 * depend on `!defined(MODULE)` (built-in only) — as zsmalloc eventually did; or, if the symbol really is meant for
 * modules, export it (maintainers often refuse for low-level CPU routines).
 *
 * ## References
 * - Linux commit 99155188 "zsmalloc: Fix TLB coherency and build problem" and the 2013 thread on the ARM list.
 * - scripts/mod/modpost.c: the "undefined!" check.
 */
import type { Rule } from '../api.js';
import type { TraceStep } from '../../src/core/types.js';

type MessageId = 'undefined';

export const moduleUsesUnexportedSymbol: Rule<MessageId, { includeWeak: boolean }> = {
  meta: {
    code: 'X001',
    name: 'module-uses-unexported-symbol',
    family: 'exports',
    fingerprintsFromLink: true,
    defaultSeverity: 'error',
    summary: 'a module references a symbol that is defined but not exported in this configuration',
    messages: {
      undefined: '"{{symbol}}" [{{module}}.ko] undefined!',
    },
  },
  defaultOptions: {
    /** modpost exempts weak references; set true to report them anyway */
    includeWeak: false,
  },
  check(ctx, report) {
    for (const mod of ctx.link.modules) {
      for (const ref of mod.refs) {
        if (ref.status !== 'defined-unexported') continue;
        const use = ref.uses[0];
        if (!use) continue;
        if (!ctx.options.includeWeak && ref.uses.every((u) => u.weak)) continue;
        if (ctx.known?.([mod.name, ref.symbol])) continue;
        const trace: TraceStep[] = [{ kind: 'use', label: `${mod.name}.ko uses ${ref.symbol}`, span: use.span }];
        trace.push(...use.trace);
        const def = ref.definition;
        if (def) {
          const where = def.provider === 'vmlinux' ? 'in vmlinux' : `in ${def.provider}.ko`;
          trace.push({
            kind: 'define',
            label: `${ref.symbol} is defined ${where}${def.how ? ` by ${def.how}` : ''} (${def.binding})`,
            span: def.span,
          });
        }
        trace.push({ kind: 'export', label: `${ref.symbol} is never exported (no EXPORT_SYMBOL* in this configuration)` });
        report({
          messageId: 'undefined',
          data: { symbol: ref.symbol, module: mod.name },
          primary: use.span,
          trace,
          subject: [mod.name, ref.symbol],
          help: 'call an interface exported in every configuration the module builds in, or make this path built-in only (!defined(MODULE))',
        });
      }
    }
  },
};
