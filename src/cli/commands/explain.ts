import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ConfigRef, Span, TraceStep } from '../../core/types.js';
import { runCheck } from '../../engine/check.js';
import { type Facet, type SymbolExplanation, explainSymbol } from '../../engine/explain.js';
import { buildMatrix } from '../../engine/matrix.js';
import { type KconfigModel, explain as explainKconfig, loadKconfig, resolveConfig, srcarchOf } from '../../kconfig/index.js';
import { loadSettings, loadToolchain } from '../../settings/index.js';
import { defaultProfile, emptyProfile } from '../../toolchain/profile.js';
import { rules } from '../../../rules/index.js';
import { type KvCommand, UsageError } from '../context.js';
import { type ConfigArgv, type TreeArgv, selectionFromArgv, treeFromArgv, withConfigFlags, withOutputFlags, withTreeFlags } from '../flags.js';

/**
 * `kvlint explain SYMBOL [tree] [config flags] [--format text|json]`
 *
 * For a linker symbol: where it is defined and exported in each configuration of the matrix (and under which
 * configuration values), whether modules can use it there, and who uses it (modules, with how modpost resolves
 * their reference, and built-in objects). For CONFIG_FOO: why FOO has its value in each configuration (the Kconfig
 * chain of `kvlint config --explain`), without preprocessing anything.
 */
interface ExplainArgv extends ConfigArgv, TreeArgv {
  symbol: string;
  format?: string;
  output?: string;
  quiet?: boolean;
}

export const EXPLAIN_FORMATS = ['text', 'json'] as const;

export const explainCommand: KvCommand = (ctx) => ({
  command: 'explain <symbol> [tree]',
  describe: 'where a symbol is defined and exported in each configuration, whether modules can use it, who uses it',
  builder: (y) =>
    withTreeFlags(
      withOutputFlags(withConfigFlags(y), EXPLAIN_FORMATS).positional('symbol', {
        type: 'string',
        describe: 'a linker symbol (zs_malloc), or CONFIG_FOO for a Kconfig symbol',
      }),
    ),
  handler: async (raw) => {
    const argv = raw as unknown as ExplainArgv;
    const io = ctx.io;
    const symbol = String(argv.symbol ?? '').trim();
    if (!/^[A-Za-z_$][A-Za-z0-9_$.]*$/.test(symbol)) throw new UsageError(`not a symbol name: '${symbol}'`);
    const where = treeFromArgv(argv, io.cwd);
    const settings = loadSettings(where.tree, { rules });
    const opts: Parameters<typeof runCheck>[0] = { ...where, selection: selectionFromArgv(argv, io.cwd), settings, only: [] };
    const fmt = argv.format ?? 'text';
    let out: string;
    if (symbol.startsWith('CONFIG_')) {
      out = await kconfigExplanation(opts, symbol.slice(7), fmt);
    } else {
      const { run } = await runCheck(opts);
      const e = explainSymbol(where.tree, run.runs, symbol);
      out = fmt === 'json' ? JSON.stringify(e, null, 1) + '\n' : formatExplanation(e);
    }
    if (argv.output) fs.writeFileSync(path.resolve(io.cwd, argv.output), out);
    else io.stdout(out);
    ctx.exitCode = 0;
  },
});

/** CONFIG_FOO: the Kconfig chain per configuration (configurations with the same chain are grouped). */
async function kconfigExplanation(opts: Parameters<typeof runCheck>[0], name: string, fmt: string): Promise<string> {
  // only the Kconfig stage is needed: run the matrix with no objects to analyse
  const matrix = buildMatrix(opts.selection, opts.settings.matrix);
  const profile = opts.profile ?? loadToolchain(opts.settings, opts.tree);
  const models = new Map<string, KconfigModel>();
  const groups = new Map<string, { steps: TraceStep[]; configs: ConfigRef[] }>();
  for (const e of matrix) {
    let m = models.get(e.arch);
    const srcarch = srcarchOf(e.arch);
    if (!m) models.set(e.arch, (m = loadKconfig(opts.tree, { arch: e.arch, profile: profile ?? defaultProfile(srcarch) ?? emptyProfile(srcarch) })));
    const { config } = resolveConfig(m, e.base, e.overrides);
    const steps = explainKconfig(m, config, name);
    const key = JSON.stringify(steps);
    const g = groups.get(key);
    if (g) g.configs.push(e.ref);
    else groups.set(key, { steps, configs: [e.ref] });
  }
  if (fmt === 'json') return JSON.stringify({ symbol: `CONFIG_${name}`, explanations: [...groups.values()] }, null, 1) + '\n';
  const lines = [`CONFIG_${name}`];
  for (const g of groups.values()) {
    lines.push(`  in ${g.configs.map((c) => c.label).join('; ')}:`);
    for (const s of g.steps) lines.push(`    ${s.label}${s.span ? `  (${loc(s.span)})` : ''}`);
  }
  return lines.join('\n') + '\n';
}

function loc(s: Span): string {
  return `${s.file}:${s.line}`;
}

function where<T>(f: Facet<T>, all: number): string {
  if (f.configs.length === all) return all > 1 ? 'in every configuration' : '';
  const w = f.when ? Object.entries(f.when).map(([k, v]) => `${k}=${v}`).join(', ') : undefined;
  return w ? `when ${w}` : `in ${f.configs.map((c) => c.label).join('; ')}`;
}

function suffix<T>(f: Facet<T>, all: number): string {
  const w = where(f, all);
  return w ? `  [${w}]` : '';
}

/** The text form: one section per kind of fact, each line saying in which configurations it holds. */
export function formatExplanation(e: SymbolExplanation): string {
  const n = e.configs.length;
  const lines: string[] = [`${e.symbol}  (${n} configuration${n === 1 ? '' : 's'}: ${e.configs.map((c) => c.label).join('; ')})`];
  lines.push('  defined:');
  if (e.definitions.length === 0) lines.push('    nowhere in any configuration of the run');
  for (const f of e.definitions) {
    const d = f.value;
    const into = d.into === 'vmlinux' ? 'vmlinux' : `module ${d.into}.ko`;
    lines.push(`    ${loc(d.span)} in ${d.object} (${d.kind}, ${d.binding}${d.how ? `, ${d.how}` : ''}), linked into ${into}${suffix(f, n)}`);
    if (d.build) lines.push(`      built: ${d.build.label}${d.build.span ? `  (${loc(d.build.span)})` : ''}`);
  }
  lines.push('  exported:');
  if (e.exports.length === 0) lines.push('    never (no EXPORT_SYMBOL* in any configuration of the run)');
  for (const f of e.exports) {
    const x = f.value;
    lines.push(`    ${loc(x.span)} ${x.macro}${x.namespace ? ` (namespace ${x.namespace})` : ''} from ${x.provider === 'vmlinux' ? 'vmlinux' : `${x.provider}.ko`}${suffix(f, n)}`);
  }
  lines.push('  for modules:');
  for (const f of e.availability) {
    const a = f.value;
    let text: string;
    if (a.kind === 'exported') {
      const cond = [a.gpl ? 'GPL-compatible modules only' : '', a.namespace ? `with MODULE_IMPORT_NS(${a.namespace})` : ''].filter(Boolean).join(', ');
      text = `available (exported by ${a.provider === 'vmlinux' ? 'vmlinux' : `${a.provider}.ko`}${cond ? `; ${cond}` : ''})`;
    } else if (a.kind === 'defined-unexported') {
      text = `not available: defined in ${a.provider === 'vmlinux' ? `vmlinux (${a.object})` : `${a.provider}.ko`} but not exported (modpost: undefined!)`;
    } else text = 'not available: not defined (not built)';
    lines.push(`    ${text}${suffix(f, n)}`);
  }
  lines.push('  used by:');
  if (e.users.length === 0) lines.push('    nothing in any configuration of the run');
  for (const f of e.users) {
    const u = f.value;
    const who = u.by === 'vmlinux' ? `built-in ${u.object}` : `${u.by}.ko`;
    const status =
      u.status === 'exported'
        ? u.problems?.length ? `resolves, but modpost rejects it: ${u.problems.join(', ')}` : 'resolves'
        : u.status === 'defined-unexported'
          ? 'modpost: undefined! (not exported)'
          : u.status === 'undefined'
            ? u.by === 'vmlinux' ? 'link fails: not defined' : 'modpost: undefined! (not built)'
            : u.status === 'module-only'
              ? 'link fails: defined only in a module'
              : 'links (defined in vmlinux)';
    lines.push(`    ${who} at ${loc(u.span)}: ${status}${suffix(f, n)}`);
  }
  return lines.join('\n') + '\n';
}
