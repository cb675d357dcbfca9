/**
 * # vmlinux-undefined-reference (X005)
 *
 * ## What it does
 * Finds built-in code (objects linked into vmlinux) that references a symbol no built-in object defines: either the
 * definition is compiled into a module in this configuration (a tristate that is =m), or it is not built at all.
 * The final link of vmlinux fails with ld's ``undefined reference to `sym'``. The chain names the module or the
 * Makefile line and Kconfig values that keep the definition out of vmlinux.
 *
 * ## Why it matters
 * The classic case is IS_ENABLED() where IS_REACHABLE() was needed: built-in code (FOO=y) calls into BAR under
 * `#if IS_ENABLED(CONFIG_BAR)`, which is true for BAR=m too — but a module's functions cannot be called from
 * vmlinux. Every configuration with BAR=y or BAR=n links; BAR=m with FOO=y does not. The same happens when a bool
 * option's code calls into a tristate it does not depend on correctly.
 *
 * ## Example
 * Built-in code calling `zs_malloc()` while zsmalloc is a module:
 * ```
 * error[X005] undefined reference to `zs_malloc'
 *   --> mm/page_alloc.c:30:9
 *    = defined: zs_malloc is defined in drivers/staging/zsmalloc/zsmalloc-main.o, which is part of module
 *               drivers/staging/zsmalloc/zsmalloc.ko (CONFIG_ZSMALLOC=m)
 * ```
 *
 * ## How to fix
 * Use `IS_REACHABLE(CONFIG_BAR)` for an optional call from built-in code into a possible module; or express the
 * constraint in Kconfig: `depends on BAR || !BAR` (FOO cannot be y while BAR is m) or `select BAR`; or move the
 * caller into the module. For a definition that is not built at all, make the caller depend on the option that
 * builds it, or provide a stub.
 *
 * ## References
 * - include/linux/kconfig.h: IS_ENABLED(), IS_REACHABLE().
 * - Documentation/kbuild/kconfig-language.rst ("depends on BAR || !BAR").
 * - GNU ld's message for an unresolved symbol in the final link ("undefined reference to `sym'").
 */
import type { TraceStep } from '../../src/core/types.js';
import { srcarchOf } from '../../src/kconfig/index.js';
import type { Rule } from '../api.js';
import { DefinitionIndex, factlessNeighbour, buildStep, buildSymbols, elsewhereSteps, useSteps } from '../common.js';
import { linkerScriptSymbols } from '../linker-script.js';

type MessageId = 'undefinedReference';

export const vmlinuxUndefinedReference: Rule<MessageId, { maxUses: number; ignore: string[] }> = {
  meta: {
    code: 'X005',
    name: 'vmlinux-undefined-reference',
    family: 'exports',
    fingerprintsFromLink: true,
    defaultSeverity: 'error',
    summary: 'built-in code references a symbol defined only in a module, or not built at all (vmlinux link failure)',
    messages: {
      undefinedReference: "undefined reference to `{{symbol}}'",
    },
  },
  defaultOptions: {
    /** how many further built-in users to list under a finding */
    maxUses: 5,
    /** symbols never to report (e.g. ones the linker script defines and kvlint does not see) */
    ignore: [],
  },
  checkRun(ctx, report) {
    const index = new DefinitionIndex(ctx.configs);
    const ignore = new Set(ctx.options.ignore);
    for (const view of ctx.configs) {
      const missing = view.link.missingFacts ?? [];
      const script = linkerScriptSymbols(ctx.tree, srcarchOf(view.config.arch));
      for (const ref of view.link.vmlinux.unresolved) {
        if (ignore.has(ref.symbol) || ref.weak) continue;
        // the linker script defines it (section bounds, jiffies = jiffies_64, …)
        if (ref.status === 'undefined' && script.has(ref.symbol)) continue;
        // a generated object next to the user, whose symbols kvlint cannot see, may define it
        if (ref.status === 'undefined' && factlessNeighbour(view.link.missingFacts, ref.uses)) continue;
        if (ctx.known?.([ref.symbol])) continue;
        const uses = ref.uses.filter((u) => !u.weak);
        const use = uses[0];
        if (!use) continue;
        const trace = useSteps('built-in code', ref.symbol, use);
        const max = Math.max(0, ctx.options.maxUses);
        for (const u of uses.slice(1, 1 + max)) trace.push({ kind: 'use', label: `also used${u.from ? ` by ${u.from}` : ''}`, span: u.span });
        const notes: string[] = [];
        if (uses.length > 1 + max) notes.push(`… and ${uses.length - 1 - max} more built-in users`);
        let help: string;
        const def = ref.definition;
        if (ref.status === 'defined-unexported' && def && def.provider !== 'vmlinux') {
          trace.push({ kind: 'define', label: `${ref.symbol} is defined in ${def.object}, part of module ${def.provider}.ko`, span: def.span });
          const obj = view.graph.objects.get(def.object);
          if (obj) trace.push(buildStep(ctx.tree, view, obj));
          const k = obj ? buildSymbols(ctx.tree, view.graph, obj).at(-1) : undefined;
          help = k
            ? `use IS_REACHABLE(CONFIG_${k}) instead of IS_ENABLED() for this call, or add \`depends on ${k} || !${k}\` to the caller's Kconfig symbol`
            : 'built-in code cannot call into a module: move the caller into the module, or keep the definition built-in';
        } else {
          trace.push(...elsewhereSteps(ctx.tree, view, ref.symbol, index));
          if (missing.length > 0) {
            notes.push(`${missing.length} object(s) of this configuration have no symbol facts (e.g. ${missing[0]}); one of them could define ${ref.symbol}`);
          }
          const site = index.sites(ref.symbol).find((x) => !x.configs.some((c) => c.id === view.ref.id));
          const k = site ? buildSymbols(ctx.tree, site.example.view.graph, site.example.obj).at(-1) : undefined;
          help = k
            ? `make the caller's Kconfig symbol depend on ${k} (or select it), or call ${ref.symbol} only under IS_REACHABLE(CONFIG_${k}) with a stub otherwise`
            : `check the name ${ref.symbol}; make the caller depend on the option that builds its definition, or provide a stub when it is not built`;
        }
        report({
          messageId: 'undefinedReference',
          data: { symbol: ref.symbol, ...(use.from ? { function: use.from } : {}) },
          primary: use.span,
          trace: trace as TraceStep[],
          subject: [ref.symbol],
          configs: [view.ref],
          help,
          ...(notes.length ? { notes } : {}),
        });
      }
    }
  },
};
