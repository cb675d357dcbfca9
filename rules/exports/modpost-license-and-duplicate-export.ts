/**
 * # modpost-license-and-duplicate-export (X006)
 *
 * ## What it does
 * Reports modpost's other errors about module metadata and export tables, in modpost's words:
 * - a module without MODULE_LICENSE: `ERROR: modpost: missing MODULE_LICENSE() in drivers/foo/bar.o`;
 * - a symbol exported by two objects (two modules, or a module and vmlinux):
 *   `ERROR: modpost: drivers/foo/bar: 'sym' exported twice. Previous export was in vmlinux`.
 *
 * ## Why it matters
 * Both fail the build at modpost. They are configuration-dependent more often than they look: a helper file linked
 * into vmlinux in one configuration and into a module in another exports its symbols twice when a second module
 * links the same file; a composite module whose MODULE_LICENSE sits in an optional member object loses it when that
 * member is configured out.
 *
 * ## Example
 * ```
 * error[X006] missing MODULE_LICENSE() in drivers/staging/zram/zram.o
 * error[X006] drivers/staging/zram/zram: 'zs_malloc' exported twice. Previous export was in drivers/staging/zsmalloc/zsmalloc.ko
 * ```
 *
 * ## How to fix
 * Add `MODULE_LICENSE("GPL")` (or the module's actual license) to an object that is always part of the module.
 * For a duplicate export, keep one EXPORT_SYMBOL* and let the other user import it; a file shared by several
 * modules should become a module (or built-in library) of its own instead of being linked into each.
 *
 * ## References
 * - scripts/mod/modpost.c: read_symbols() ("missing MODULE_LICENSE()"), sym_add_exported() ("exported twice").
 * - A real case: starfive-tech/linux issue 64 (2022), `missing MODULE_LICENSE() in
 *   drivers/dma/dw-axi-dmac-starfive/starfive_dmaengine_memcpy.o`, found by the kernel test robot.
 */
import type { ExportFact } from '../../src/core/facts.js';
import type { Span, TraceStep } from '../../src/core/types.js';
import type { Rule } from '../api.js';
import { buildStep, exportMacro } from '../common.js';

type MessageId = 'missingLicense' | 'exportedTwice';

interface Exporter {
  /** "vmlinux" or the module name */
  owner: string;
  object: string;
  x: ExportFact;
}

export const modpostLicenseAndDuplicateExport: Rule<MessageId, Record<string, never>> = {
  meta: {
    code: 'X006',
    name: 'modpost-license-and-duplicate-export',
    family: 'exports',
    fingerprintsFromLink: true,
    defaultSeverity: 'error',
    summary: "modpost's other errors: a module without MODULE_LICENSE, a symbol exported twice",
    messages: {
      missingLicense: 'missing MODULE_LICENSE() in {{object}}',
      exportedTwice: "{{owner}}: '{{symbol}}' exported twice. Previous export was in {{previous}}",
    },
  },
  defaultOptions: {},
  check(ctx, report) {
    const missing = new Set(ctx.link.missingFacts ?? []);
    for (const mod of ctx.link.modules) {
      if (mod.license) continue;
      // an object without facts may hold the license: say nothing rather than guess
      if (mod.objects.some((o) => missing.has(o))) continue;
      const info = ctx.graph.modules.find((m) => m.name === mod.name);
      const objs = mod.objects.map((o) => ctx.graph.objects.get(o)).filter((o) => o !== undefined);
      // the license belongs next to module_init (init_module), else in the first member
      const home =
        objs.find((o) => ctx.facts.get(o.path)?.defs.some((d) => d.name === 'init_module')) ?? objs[0];
      const primary: Span = home?.source ? { file: home.source, line: 1, col: 1 } : (info?.span ?? { file: mod.name, line: 1, col: 1 });
      const trace: TraceStep[] = [];
      if (home) trace.push(buildStep(ctx.tree, ctx, home));
      if (objs.length > 1) trace.push({ kind: 'note', label: `none of its ${objs.length} objects (${mod.objects.join(', ')}) has MODULE_LICENSE()` });
      report({
        messageId: 'missingLicense',
        data: { object: `${mod.name}.o`, module: mod.name },
        primary,
        trace,
        subject: ['missing-license', mod.name],
        help: 'add MODULE_LICENSE("GPL") (or the module\'s actual license) to an object that is always part of the module',
      });
    }

    const dups = ctx.link.vmlinux.duplicateExports ?? [];
    if (dups.length === 0) return;
    const exporters = new Map<string, Exporter[]>();
    const add = (owner: string, object: string, x: ExportFact) => {
      let l = exporters.get(x.name);
      if (!l) exporters.set(x.name, (l = []));
      l.push({ owner, object, x });
    };
    // modpost's order: vmlinux first, then the modules in modules.order
    for (const x of ctx.link.vmlinux.exports) add('vmlinux', x.object, x);
    for (const m of ctx.link.modules) {
      for (const x of m.exports) {
        const object = m.objects.find((o) => ctx.facts.get(o)?.exports.includes(x)) ?? m.name;
        add(m.name, object, x);
      }
    }
    for (const name of new Set(dups.map((d) => d.name))) {
      const list = exporters.get(name) ?? [];
      for (let i = 1; i < list.length; i++) {
        const prev = list[0]!;
        const cur = list[i]!;
        const previous = prev.owner === 'vmlinux' ? 'vmlinux' : `${prev.owner}.ko`;
        report({
          messageId: 'exportedTwice',
          data: { owner: cur.owner, symbol: name, previous, module: cur.owner },
          primary: cur.x.span,
          trace: [
            { kind: 'export', label: `${name} is exported by ${exportMacro(cur.x)} in ${cur.object} (${cur.owner === 'vmlinux' ? 'vmlinux' : `${cur.owner}.ko`})`, span: cur.x.span, },
            { kind: 'export', label: `and already by ${exportMacro(prev.x)} in ${prev.object} (${previous})`, span: prev.x.span },
          ],
          subject: ['exported-twice', name, cur.owner],
          help: 'keep one export and let the other users import it; link a shared file into one module of its own instead of into each',
        });
      }
    }
  },
};
