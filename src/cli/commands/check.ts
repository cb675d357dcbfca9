import * as fs from 'node:fs';
import * as path from 'node:path';
import { runCheck } from '../../engine/check.js';
import { FORMAT_NAMES, type FormatName, finishRun, pathPrefixFor, toolVersion } from '../../report/index.js';
import { loadSettings } from '../../settings/index.js';
import { readBaselineFile, writeBaselineFile } from '../../settings/baseline.js';
import { loadProfileFile } from '../../toolchain/profile.js';
import { KernelTree, bundledTreePath } from '../../tree/tree.js';
import { rules } from '../../../rules/index.js';
import type { KvCommand } from '../context.js';
import { type ConfigArgv, selectionFromArgv, withConfigFlags, withOutputFlags } from '../flags.js';

interface CheckArgv extends ConfigArgv {
  tree?: string;
  format?: string;
  output?: string;
  color?: boolean;
  quiet?: boolean;
  baseline?: string;
  'write-baseline'?: string;
  objtree?: string;
  profile?: string;
  rule?: string[];
}

/** Resolve the positional tree argument (default: the bundled fixture tree). */
export function openTree(arg: string | undefined, cwd: string): KernelTree {
  return new KernelTree(arg === undefined ? bundledTreePath() : path.resolve(cwd, arg));
}

export const checkCommand: KvCommand = (ctx) => ({
  command: 'check [tree]',
  describe: 'check every configuration of the matrix for build and link failures',
  builder: (y) =>
    withOutputFlags(withConfigFlags(y), FORMAT_NAMES)
      .positional('tree', { type: 'string', describe: 'kernel tree (default: the bundled zsmalloc/ARM fixture tree)' })
      .option('baseline', { type: 'string', describe: 'report only findings not in this baseline file' })
      .option('write-baseline', { type: 'string', describe: 'write every finding of this run to a baseline file' })
      .option('objtree', { type: 'string', describe: 'a kbuild output directory (O=) whose generated headers may be read' })
      .option('profile', { type: 'string', describe: 'toolchain profile file (answers $(cc-option,…) etc.)' })
      .option('rule', { type: 'string', array: true, describe: 'run only these rules (code or name; repeatable)' }),
  handler: (raw) => {
    const argv = raw as unknown as CheckArgv;
    const io = ctx.io;
    const tree = openTree(argv.tree, io.cwd);
    const settings = loadSettings(tree, { rules });
    const selection = selectionFromArgv(argv);
    const opts: Parameters<typeof runCheck>[0] = { tree, selection, settings };
    if (argv.objtree) opts.objtree = path.resolve(io.cwd, argv.objtree);
    if (argv.profile) opts.profile = loadProfileFile(path.resolve(io.cwd, argv.profile));
    if (argv.rule) opts.only = argv.rule;
    const result = runCheck(opts);

    const fmt = (argv.format ?? 'stylish') as FormatName;
    const baseline = argv.baseline
      ? { file: argv.baseline, data: readBaselineFile(argv.baseline, io.cwd) }
      : undefined;
    const summary = {
      configs: result.run.runs.map((r) => r.ref),
      units: result.run.runs.reduce((n, r) => n + r.stats.units, 0),
      durationMs: Math.round(result.durationMs),
    };
    const finished = finishRun({
      diagnostics: result.diagnostics,
      settings,
      summary,
      format: fmt,
      formatOptions: {
        color: argv.color ?? (io.isTTY && fmt === 'stylish' && !io.env.NO_COLOR),
        pathPrefix: pathPrefixFor(tree.root, io.cwd),
        treeRoot: tree.root,
        toolVersion: toolVersion(),
        rules: rules.map((r) => r.meta),
      },
      ...(baseline ? { baseline } : {}),
    });
    if (argv.output) fs.writeFileSync(path.resolve(io.cwd, argv.output), finished.output);
    else io.stdout(finished.output);
    if (!argv.quiet) {
      for (const w of finished.warnings) io.stderr(`kvlint: ${w}\n`);
      for (const w of result.run.warnings) {
        const loc = w.primary.line > 0 ? `${w.primary.file}:${w.primary.line}: ` : '';
        io.stderr(`kvlint: ${loc}warning: ${w.message} [${w.code}] (${w.configs.map((c) => c.label).join('; ')})\n`);
      }
    }
    if (argv['write-baseline']) writeBaselineFile(argv['write-baseline'], finished.newBaseline, io.cwd);
    ctx.exitCode = finished.exitCode;
  },
});
