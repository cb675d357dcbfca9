import * as fs from 'node:fs';
import * as path from 'node:path';
import type { LinkResult, ResolvedRef } from '../../core/facts.js';
import { runCheck } from '../../engine/check.js';
import { loadSettings } from '../../settings/index.js';
import { rules } from '../../../rules/index.js';
import type { KvCommand } from '../context.js';
import { explainGenerated } from './generated.js';
import { type ConfigArgv, type TreeArgv, selectionFromArgv, treeFromArgv, withConfigFlags, withOutputFlags, withTreeFlags } from '../flags.js';

/**
 * `kvlint facts [tree] --arch ARCH --from .config [--format json|stylish]`
 *
 * The symbol facts and link resolution of one configuration (or of each configuration of a matrix): every module
 * with its member objects, the symbols it needs from outside (as `nm -u` of the real .ko lists them) and what it
 * exports; vmlinux's exports and the built-in references nothing built-in defines. JSON (issue 5's shape):
 *   {"config":…, "modules":[{"name":"drivers/…/foo.ko","objects":[…],"undefined":[…],"exports":[{"name","gpl","namespace"}],
 *     "license":…, "importNs":[…], "unresolved":[{"symbol","status","provider"?,"definedIn"?}]}],
 *    "vmlinux":{"exports":[…],"undefined":[…]}}
 * With several configurations: {"configs":[ …one such object per configuration… ]}.
 */

interface FactsArgv extends ConfigArgv, TreeArgv {
  format?: string;
  output?: string;
  quiet?: boolean;
  explainGenerated?: string;
}

export const FACTS_FORMATS = ['json', 'stylish'] as const;

export const factsCommand: KvCommand = (ctx) => ({
  command: 'facts [tree]',
  describe: 'print the symbol facts and link resolution of a configuration (modules, undefined symbols, exports)',
  builder: (y) =>
    withTreeFlags(withOutputFlags(withConfigFlags(y), FACTS_FORMATS)).option('explain-generated', {
      type: 'string',
      describe: 'FILE: where a generated file (include/generated/…, arch/*/include/generated/…) comes from, kvlint\'s text, and its difference from the --objtree one',
    }),
  handler: async (raw) => {
    const argv = raw as unknown as FactsArgv;
    const io = ctx.io;
    const where = treeFromArgv(argv, io.cwd);
    const settings = loadSettings(where.tree, { rules });
    if (argv.explainGenerated !== undefined) {
      ctx.exitCode = explainGenerated(where, argv, settings, argv.explainGenerated, io);
      return;
    }
    const opts: Parameters<typeof runCheck>[0] = { ...where, selection: selectionFromArgv(argv, io.cwd), settings, only: [] };
    const { run } = await runCheck(opts);

    const views = run.runs.map((r) => ({ config: r.ref.id, ...linkView(r.link) }));
    const fmt = argv.format ?? (io.isTTY ? 'stylish' : 'json');
    const out =
      fmt === 'json'
        ? JSON.stringify(views.length === 1 ? views[0] : { configs: views }, null, 1) + '\n'
        : views.map(stylish).join('\n');
    if (argv.output) fs.writeFileSync(path.resolve(io.cwd, argv.output), out);
    else io.stdout(out);
    if (!argv.quiet) {
      for (const g of run.gaps.slice(0, 20)) io.stderr(`kvlint: gap: ${g}\n`);
      if (run.gaps.length > 20) io.stderr(`kvlint: … and ${run.gaps.length - 20} more gaps\n`);
    }
    ctx.exitCode = 0;
  },
});

export interface FactsView {
  modules: {
    name: string;
    objects: string[];
    undefined: string[];
    exports: { name: string; gpl: boolean; namespace: string | null }[];
    license: string | null;
    importNs: string[];
    /** references that modpost would reject: not exported (with where they are defined) or not defined */
    unresolved: { symbol: string; status: ResolvedRef['status']; definedIn?: string; weak?: boolean; problems?: string[] }[];
  }[];
  vmlinux: { exports: { name: string; gpl: boolean; namespace: string | null }[]; undefined: string[] };
}

/** the JSON view of a link result (stable, documented in the command's help) */
export function linkView(link: LinkResult): FactsView {
  return {
    modules: link.modules.map((m) => ({
      name: `${m.name}.ko`,
      objects: m.objects,
      undefined: m.refs.map((r) => r.symbol),
      exports: m.exports.map((x) => ({ name: x.name, gpl: x.gpl, namespace: x.namespace })),
      license: m.license?.value ?? null,
      importNs: m.importNs.map((n) => n.ns),
      unresolved: m.refs
        .filter((r) => r.status !== 'exported' || r.problems)
        .map((r) => {
          const u: FactsView['modules'][number]['unresolved'][number] = { symbol: r.symbol, status: r.status };
          if (r.definition) u.definedIn = r.definition.provider === 'vmlinux' ? r.definition.object : `${r.definition.provider}.ko`;
          if (r.weak) u.weak = true;
          if (r.problems) u.problems = r.problems;
          return u;
        }),
    })),
    vmlinux: {
      exports: link.vmlinux.exports.map((x) => ({ name: x.name, gpl: x.gpl, namespace: x.namespace })),
      undefined: link.vmlinux.unresolved.map((r) => r.symbol),
    },
  };
}

function stylish(v: FactsView & { config: string }): string {
  const lines = [`configuration ${v.config}: ${v.modules.length} modules, vmlinux exports ${v.vmlinux.exports.length}`];
  for (const m of v.modules) {
    const bad = m.unresolved.filter((u) => !u.weak);
    lines.push(`  ${m.name}: ${m.objects.length} object(s), ${m.undefined.length} undefined, ${m.exports.length} exported${m.license ? `, license "${m.license}"` : ''}`);
    for (const u of bad) {
      const what = u.status === 'defined-unexported' ? `defined in ${u.definedIn}, not exported` : u.status === 'undefined' ? 'not defined in this configuration' : (u.problems ?? []).join(', ');
      lines.push(`    ${u.symbol}: ${what}`);
    }
  }
  if (v.vmlinux.undefined.length) lines.push(`  vmlinux: ${v.vmlinux.undefined.length} undefined: ${v.vmlinux.undefined.slice(0, 20).join(' ')}`);
  return lines.join('\n') + '\n';
}
