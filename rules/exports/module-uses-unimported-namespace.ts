/**
 * # module-uses-unimported-namespace (X003)
 *
 * ## What it does
 * Finds modules that use a symbol exported into a symbol namespace (EXPORT_SYMBOL_NS / EXPORT_SYMBOL_NS_GPL, or a
 * DEFAULT_SYMBOL_NAMESPACE for the whole exporting file) without declaring `MODULE_IMPORT_NS(NS)`. modpost rejects
 * such a module with `ERROR: modpost: module foo uses symbol sym from namespace NS, but does not import it.`
 *
 * ## Why it matters
 * Namespaces are added to existing exports over time (USB_STORAGE, CRYPTO_INTERNAL, DMA_BUF, …), and a module may
 * reach a namespaced symbol only in some configurations (through an inline helper or a config-dependent call). The
 * import is then missing exactly where nobody built it.
 *
 * ## Example
 * zsmalloc exporting `zs_malloc` with `EXPORT_SYMBOL_NS_GPL(zs_malloc, ZSMALLOC)` while zram never imports it:
 * ```
 * error[X003] module zram uses symbol zs_malloc from namespace ZSMALLOC, but does not import it.
 * ```
 *
 * ## How to fix
 * Add `MODULE_IMPORT_NS(NS);` to the module (`make nsdeps` writes the missing imports for in-tree modules), or stop
 * using the namespaced symbol.
 *
 * ## References
 * - Documentation/core-api/symbol-namespaces.rst.
 * - scripts/mod/modpost.c: check_exports(); scripts/nsdeps.
 */
import type { Rule } from '../api.js';
import { exportStep, firstUse, moduleBasename, useSteps } from '../common.js';

type MessageId = 'notImported';

export const moduleUsesUnimportedNamespace: Rule<MessageId, Record<string, never>> = {
  meta: {
    code: 'X003',
    name: 'module-uses-unimported-namespace',
    family: 'exports',
    fingerprintsFromLink: true,
    defaultSeverity: 'error',
    summary: 'a module uses a namespaced export without MODULE_IMPORT_NS',
    messages: {
      notImported: 'module {{basename}} uses symbol {{symbol}} from namespace {{namespace}}, but does not import it.',
    },
  },
  defaultOptions: {},
  check(ctx, report) {
    for (const mod of ctx.link.modules) {
      for (const ref of mod.refs) {
        if (!ref.problems?.includes('namespace') || !ref.export?.namespace) continue;
        const use = firstUse(ref);
        if (!use) continue;
        const ns = ref.export.namespace;
        const trace = useSteps(`${mod.name}.ko`, ref.symbol, use);
        trace.push(exportStep(ref.symbol, ref.export));
        const imported = [...new Set(mod.importNs.map((n) => n.ns))];
        trace.push({
          kind: 'note',
          label: imported.length
            ? `${mod.name}.ko imports only ${imported.join(', ')}`
            : `${mod.name}.ko has no MODULE_IMPORT_NS`,
          ...(mod.importNs[0] ? { span: mod.importNs[0].span } : {}),
        });
        report({
          messageId: 'notImported',
          data: { basename: moduleBasename(mod.name), module: mod.name, symbol: ref.symbol, namespace: ns },
          primary: use.span,
          trace,
          subject: [mod.name, ref.symbol, ns],
          help: `add MODULE_IMPORT_NS(${ns}); to the module (make nsdeps adds missing imports)`,
        });
      }
    }
  },
};
