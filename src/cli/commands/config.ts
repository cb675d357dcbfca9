import * as fs from 'node:fs';
import * as path from 'node:path';
import { InputError } from '../../core/errors.js';
import type { Diagnostic, TraceStep } from '../../core/types.js';
import { autoconfHeader, dotConfig, explain, loadKconfig, resolveConfig } from '../../kconfig/index.js';
import { defaultProfile, formatProfile, loadProfileFile, type ToolchainProfile } from '../../toolchain/profile.js';
import { probeProfile } from '../../toolchain/probe.js';
import { cacheDirFor, defaultCacheDir } from '../../engine/unit-cache.js';
import { KernelTree, bundledTreePath } from '../../tree/tree.js';
import { type ConfigArgv, selectionFromArgv, withConfigFlags } from '../flags.js';
import { type KvCommand, UsageError } from '../context.js';

/**
 * `kvlint config [tree] --arch ARCH [--defconfig NAME | --from FILE | --all*config] [--config SYM=VAL…] [-o FILE]
 * [--explain SYM] [--autoconf] [--profile FILE] [--probe-toolchain [--cross-compile PREFIX]]`
 *
 * Resolves one configuration exactly as the kernel's scripts/kconfig/conf would and prints the .config (or
 * include/generated/autoconf.h with --autoconf, or why a symbol has its value with --explain). Warnings (an
 * override that did not take effect, unmet dependencies of selected symbols, unanswered toolchain questions) go
 * to stderr with file:line.
 */

interface ConfigCmdArgv extends ConfigArgv {
  tree?: string;
  output?: string;
  explain?: string;
  autoconf?: boolean;
  profile?: string;
  'probe-toolchain'?: boolean;
  'cross-compile'?: string;
  'cache-dir'?: string;
  cache?: boolean;
  quiet?: boolean;
}

function where(d: Diagnostic): string {
  return d.primary.file ? `${d.primary.file}:${d.primary.line}: ` : '';
}

function formatTrace(steps: TraceStep[]): string {
  return steps.map((s, i) => `${i === 0 ? '' : '  '}${s.label}${s.span ? `    [${s.span.file}:${s.span.line}]` : ''}\n`).join('');
}

export const configCommand: KvCommand = (ctx) => ({
  command: 'config [tree]',
  describe: 'resolve a configuration like scripts/kconfig/conf and print the .config (or autoconf.h, or --explain SYM)',
  builder: (y) =>
    withConfigFlags(y)
      .positional('tree', { type: 'string', describe: 'kernel tree (default: the bundled fixture tree)' })
      .option('output', { alias: 'o', type: 'string', describe: 'write the result to FILE instead of stdout' })
      .option('explain', { type: 'string', describe: 'explain why SYM has its value (depends/select/default chain)' })
      .option('autoconf', { type: 'boolean', describe: 'print include/generated/autoconf.h instead of .config' })
      .option('profile', {
        type: 'string',
        describe: 'toolchain profile answering $(cc-option,…)/$(shell,…) (with --probe-toolchain: where answers are recorded)',
      })
      .option('probe-toolchain', {
        type: 'boolean',
        describe: 'run the compiler for questions the profile cannot answer and record the answers (executes the tree\'s scripts)',
      })
      .option('cross-compile', { type: 'string', describe: 'CROSS_COMPILE prefix for --probe-toolchain (default: the profile\'s)' })
      .option('cache-dir', { type: 'string', describe: 'cache directory (default: ${XDG_CACHE_HOME:-~/.cache}/kvlint)' })
      .option('cache', { type: 'boolean', default: true, describe: 'reuse the parsed Kconfig model while the Kconfig files are unchanged (--no-cache: always parse)' })
      .option('quiet', { alias: 'q', type: 'boolean', describe: 'do not print warnings' }),
  handler: (args) => {
    const argv = args as unknown as ConfigCmdArgv;
    const sel = selectionFromArgv(argv);
    if (sel.axes.length) throw new UsageError('config resolves one configuration: --axis is for check');
    const bundled = argv.tree === undefined;
    const treeDir = bundled ? bundledTreePath() : path.resolve(ctx.io.cwd, argv.tree!);
    const tree = new KernelTree(treeDir);
    let arch = sel.arch;
    if (!arch) {
      const arches = tree.arches();
      if (bundled || arches.length === 1) arch = arches[0] ?? 'arm';
      else throw new UsageError('--arch is required for this tree (e.g. --arch arm)');
    }
    let profile: ToolchainProfile | undefined;
    const profilePath = argv.profile !== undefined ? path.resolve(ctx.io.cwd, argv.profile) : undefined;
    if (profilePath && (fs.existsSync(profilePath) || !argv['probe-toolchain'])) profile = loadProfileFile(profilePath);
    const say = (s: string) => {
      if (!argv.quiet) ctx.io.stderr(s);
    };

    let model;
    if (argv['probe-toolchain']) {
      const base = profile ?? defaultProfile(arch);
      const cross = argv['cross-compile'] ?? base?.env.CROSS_COMPILE ?? ctx.io.env.CROSS_COMPILE ?? '';
      const r = probeProfile(tree, arch, { crossCompile: cross, ...(base ? { base } : {}) });
      model = r.model;
      const out = profilePath ?? path.resolve(ctx.io.cwd, `${r.profile.name}.json`);
      fs.writeFileSync(out, formatProfile(r.profile));
      say(`kvlint: toolchain answers recorded in ${out}\n`);
    } else {
      const cacheRoot = argv['cache-dir'] !== undefined ? path.resolve(ctx.io.cwd, argv['cache-dir']) : defaultCacheDir(ctx.io.env);
      model = loadKconfig(tree, {
        arch,
        ...(profile ? { profile } : {}),
        ...(argv.cache !== false ? { cacheDir: path.join(cacheDirFor(cacheRoot, tree), 'kconfig') } : {}),
      });
    }
    for (const d of model.diagnostics) {
      if (d.severity === 'error') continue;
      say(`kvlint: ${d.severity}: ${where(d)}${d.message}\n`);
    }
    if (model.fatal) {
      const errs = model.diagnostics.filter((d) => d.severity === 'error');
      for (const d of errs.slice(1)) ctx.io.stderr(`kvlint: error: ${where(d)}${d.message}\n`);
      const first = errs[0];
      throw new InputError(first ? `${first.message}${first.trace.length ? `\n${formatTrace(first.trace)}` : ''}` : 'Kconfig error', first?.primary);
    }
    const { config, diagnostics } = resolveConfig(model, sel.base, sel.overrides);
    for (const d of diagnostics) {
      say(`kvlint: ${d.severity}: ${where(d)}${d.message}\n`);
      if (d.code === 'K003') for (const n of d.notes ?? []) say(`  ${n.replace(/\n/g, '\n  ')}\n`);
    }
    let text: string;
    if (argv.explain !== undefined) text = formatTrace(explain(model, config, argv.explain));
    else if (argv.autoconf) text = autoconfHeader(model, config);
    else text = dotConfig(model, config);
    if (argv.output !== undefined) fs.writeFileSync(path.resolve(ctx.io.cwd, argv.output), text);
    else ctx.io.stdout(text);
    ctx.exitCode = diagnostics.some((d) => d.severity === 'error') ? 1 : 0;
  },
});
