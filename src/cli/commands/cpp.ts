import * as fs from 'node:fs';
import * as path from 'node:path';
import { InputError } from '../../core/errors.js';
import type { Span, TraceStep } from '../../core/types.js';
import { type CppResult, preprocess, renderGccE } from '../../cpp/index.js';
import { defaultStages } from '../../engine/default-stages.js';
import { buildMatrix } from '../../engine/matrix.js';
import { loadSettings, loadToolchain } from '../../settings/index.js';
import { loadProfileFile } from '../../toolchain/profile.js';
import { KernelTree, bundledTreePath, normalizeRel } from '../../tree/tree.js';
import { rules } from '../../../rules/index.js';
import { type KvCommand, UsageError } from '../context.js';
import { type ConfigArgv, selectionFromArgv, withConfigFlags, withOutputFlags } from '../flags.js';

/**
 * `kvlint cpp [tree] FILE --arch ARCH [--defconfig NAME | --from .config | …] [--config SYM=VAL…] [--trace IDENT]`
 *
 * Preprocesses one translation unit of the tree the way kbuild's compiler would for that configuration (its exact
 * include paths, -D flags, forced includes, -DMODULE for module objects, the target compiler's predefined macros from
 * the toolchain profile, autoconf.h from the configuration) and prints it like `gcc -E -P`. With --trace IDENT it
 * prints, for each place where IDENT takes part in the output (as a macro expanded or as a resulting token), the
 * expansion chain with the file:line of every #define and paste.
 */

interface CppArgv extends ConfigArgv {
  tree?: string;
  file?: string;
  trace?: string;
  format?: string;
  output?: string;
  quiet?: boolean;
  objtree?: string;
  profile?: string;
  footprint?: boolean;
}

export const CPP_FORMATS = ['text', 'json'] as const;

const loc = (s: Span | undefined) => (s ? `${s.file}:${s.line}${s.col ? `:${s.col}` : ''}` : '');

interface TraceUse {
  site: Span;
  /** the output text of the expansion (from its first to its last token) */
  result: string;
  trace: TraceStep[];
}

/** group the output tokens whose chain involves IDENT by use site: one entry per distinct chain */
export function traceUses(r: CppResult, ident: string): TraceUse[] {
  const ts = r.tokens;
  const groups = new Map<string, TraceUse & { first: number; last: number }>();
  const order: string[] = [];
  for (let i = 0; i < ts.length; i++) {
    const p = ts.provenance(i);
    const text = ts.text(i);
    if (p === 0 && text !== ident) continue;
    const trace = p === 0 ? [] : ts.trace(i);
    const involved = text === ident || trace.some((s) => s.label === ident || s.label.startsWith(ident + ' '));
    if (!involved) continue;
    const site = ts.site(i);
    // one group per expansion of the outermost macro (its root node) — or per literal token
    const root = trace[0];
    const key = `${loc(site)}|${root ? root.label : text}|${p === 0 ? i : ''}`;
    let g = groups.get(key);
    if (!g) {
      g = { site, result: '', trace, first: i, last: i };
      groups.set(key, g);
      order.push(key);
    }
    // keep the longest chain (the token that went through the most steps, e.g. the pasted one)
    if (trace.length > g.trace.length) g.trace = trace;
    g.last = i;
  }
  return order.map((k) => {
    const g = groups.get(k)!;
    let result = '';
    for (let i = g.first; i <= g.last; i++) result += (i > g.first && ts.spaceBefore(i) ? ' ' : '') + ts.text(i);
    return { site: g.site, result, trace: g.trace };
  });
}

export function formatTraceUses(uses: TraceUse[], ident: string): string {
  if (uses.length === 0) return `kvlint: ${ident} does not take part in this unit's output\n`;
  const out: string[] = [];
  for (const u of uses) {
    out.push(`${loc(u.site)}: ${u.result}`);
    const w = Math.max(...u.trace.map((s) => s.label.length), 8);
    for (const s of u.trace) out.push(`  ${s.kind.padEnd(7)} ${s.label.padEnd(w)}  ${loc(s.span)}`);
  }
  return out.join('\n') + '\n';
}

export const cppCommand: KvCommand = (ctx) => ({
  command: 'cpp [tree] [file]',
  describe: 'preprocess one unit as kbuild\'s gcc -E would for a configuration (--trace IDENT: its macro chains)',
  builder: (y) =>
    withOutputFlags(withConfigFlags(y), CPP_FORMATS)
      .positional('tree', { type: 'string', describe: 'kernel tree (default: the bundled fixture tree); or the file when only one is given' })
      .positional('file', { type: 'string', describe: 'the .c or .S file, relative to the tree' })
      .option('trace', { type: 'string', describe: 'print the expansion chain of each use of IDENT instead of the text' })
      .option('footprint', { type: 'boolean', describe: 'print the CONFIG_* names the unit consulted, with their values' })
      .option('objtree', { type: 'string', describe: 'a kbuild output directory (O=) whose generated headers may be read' })
      .option('profile', { type: 'string', describe: 'toolchain profile (predefined macros, __has_attribute answers)' }),
  handler: (raw) => {
    const argv = raw as unknown as CppArgv;
    const io = ctx.io;
    let treeArg = argv.tree;
    let file = argv.file;
    if (file === undefined) {
      file = treeArg;
      treeArg = undefined;
    }
    if (file === undefined) throw new UsageError('which file? kvlint cpp [tree] FILE');
    const treeDir = treeArg === undefined ? bundledTreePath() : path.resolve(io.cwd, treeArg);
    const tree = new KernelTree(treeDir);
    // the file may be given relative to the cwd or to the tree
    const abs = path.resolve(io.cwd, file);
    const rel = abs.startsWith(tree.root + path.sep) && !tree.isFile(normalizeRel(file)) ? path.relative(tree.root, abs) : normalizeRel(file);
    if (!tree.isFile(rel)) throw new InputError(`${file}: no such file in the tree ${tree.root}`);
    const settings = loadSettings(tree, { rules });
    const selection = selectionFromArgv(argv);
    if (selection.axes.length) throw new UsageError('cpp preprocesses one configuration: --axis is for check');
    if (selection.base?.kind === 'file') selection.base = { kind: 'file', path: path.resolve(io.cwd, selection.base.path) };
    const matrix = buildMatrix(selection, settings.matrix);
    const entry = matrix[0];
    if (!entry) throw new UsageError('no configuration selected');
    if (matrix.length > 1 && !selection.base && Object.keys(selection.overrides).length === 0 && !argv.quiet) {
      io.stderr(`kvlint: the tree's default matrix has ${matrix.length} configurations; using ${entry.ref.label}\n`);
    }
    const profile = argv.profile ? loadProfileFile(path.resolve(io.cwd, argv.profile)) : loadToolchain(settings, tree);
    const stageOpts: Parameters<typeof defaultStages>[1] = {};
    if (profile) stageOpts.profile = profile;
    if (argv.objtree) stageOpts.objtree = path.resolve(io.cwd, argv.objtree);
    const stages = defaultStages(tree, stageOpts);
    const model = stages.loadKconfig(tree, entry.arch);
    const { config } = stages.resolveConfig(model, entry.base, entry.overrides);
    const autoconf = stages.autoconf(model, config);
    const { graph } = stages.evalKbuild(tree, { ...config, ref: entry.ref });
    // an object's source, or a unit kbuild compiles to assembler while preparing (asm-offsets.c, bounds.c)
    const obj = [...graph.objects.values()].find((o) => o.source === rel) ?? graph.prepare?.find((g) => g.source === rel && g.cmd);
    const objPath = obj && ('path' in obj ? obj.path : obj.target);
    if (!obj || !obj.cmd) {
      throw new InputError(`${rel} is not compiled in ${entry.ref.label} (no object of the Kbuild graph has it as source)`);
    }
    const compiler = stages.compiler(entry.arch, obj.cmd);
    // the files kbuild would have generated for this configuration (an objtree's own take precedence)
    const prepared = stages.prepare!(tree, config, graph, autoconf);
    const r = preprocess(tree, rel, {
      cmd: obj.cmd,
      autoconf,
      generated: prepared.generated,
      predefined: compiler.macros,
      attributes: compiler.attributes,
      builtins: compiler.builtins,
      extraRoots: stageOpts.objtree ? [fs.realpathSync(stageOpts.objtree)] : [],
      // kbuild in the source tree names files relative to it (-I./include), as gcc then spells them in __FILE__
      ...(stageOpts.objtree ? {} : { srcPrefix: './' }),
    });
    let text: string;
    if (argv.trace !== undefined) {
      const uses = traceUses(r, argv.trace);
      text = argv.format === 'json' ? JSON.stringify({ unit: rel, object: objPath, config: entry.ref.id, ident: argv.trace, uses }, null, 1) + '\n' : formatTraceUses(uses, argv.trace);
    } else if (argv.footprint) {
      const fp = [...r.footprint].sort(([a], [b]) => (a < b ? -1 : 1));
      text = argv.format === 'json' ? JSON.stringify(Object.fromEntries(fp), null, 1) + '\n' : fp.map(([k, v]) => `${k}=${v ?? '(undefined)'}\n`).join('');
    } else {
      text = argv.format === 'json' ? JSON.stringify({ unit: rel, object: objPath, config: entry.ref.id, text: renderGccE(r.tokens) }) + '\n' : renderGccE(r.tokens);
    }
    if (argv.output) fs.writeFileSync(path.resolve(io.cwd, argv.output), text);
    else io.stdout(text);
    if (!argv.quiet) {
      for (const d of [...prepared.diagnostics, ...r.diagnostics]) io.stderr(`${loc(d.primary)}: ${d.severity}: ${d.message} [${d.code}]\n`);
      for (const g of [...compiler.gaps, ...prepared.gaps, ...r.gaps].slice(0, 20)) io.stderr(`kvlint: gap: ${g}\n`);
    }
    ctx.exitCode = r.diagnostics.some((d) => d.severity === 'error') ? 1 : 0;
  },
});
