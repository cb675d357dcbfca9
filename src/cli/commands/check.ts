import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Diagnostic } from '../../core/types.js';
import { type CheckOptions, type CheckResult, earlyPrefetch, prefetchHints, runCheck } from '../../engine/check.js';
import { defaultCacheDir } from '../../engine/unit-cache.js';
import { type UnitPrefetch, prestartPrefetchWorker } from '../../engine/unit-runner.js';
import { loadUserRules, userRulesEnabled } from '../../engine/user-rules.js';
import { type ChangeTrees, type EarlyChange, sinceTrees, stagedTrees } from '../../engine/git.js';
import { FORMAT_NAMES, type FormatName, finishRun, repoPathPrefix, toolVersion } from '../../report/index.js';
import { loadSettings } from '../../settings/index.js';
import { readBaselineFile, writeBaselineFile } from '../../settings/baseline.js';
import { rules } from '../../../rules/index.js';
import type { CliIO, KvCommand } from '../context.js';
import { UsageError } from '../context.js';
import { type ConfigArgv, type TreeArgv, selectionFromArgv, treeFromArgv, withConfigFlags, withOutputFlags, withTreeFlags } from '../flags.js';
import { progressReporter } from '../progress.js';

interface CheckArgv extends ConfigArgv, TreeArgv {
  format?: string;
  output?: string;
  color?: boolean;
  quiet?: boolean;
  baseline?: string;
  'write-baseline'?: string;
  rule?: string[];
  staged?: boolean;
  since?: string;
  jobs?: number;
  'cache-dir'?: string;
  cache?: boolean;
  'user-rules'?: boolean;
}

export const checkCommand: KvCommand = (ctx) => ({
  command: 'check [tree]',
  describe: 'check every configuration of the matrix for build and link failures',
  builder: (y) =>
    withTreeFlags(withOutputFlags(withConfigFlags(y), FORMAT_NAMES))
      .option('staged', { type: 'boolean', describe: 'report only what the staged change (index vs HEAD) introduces' })
      .option('since', { type: 'string', describe: 'report only what the working tree introduces since revision REV' })
      .option('baseline', { type: 'string', describe: 'report only findings not in this baseline file' })
      .option('write-baseline', { type: 'string', describe: 'write every finding of this run to a baseline file' })
      .option('rule', { type: 'string', array: true, describe: 'run only these rules (code or name; repeatable)' })
      .option('jobs', { alias: 'j', type: 'number', describe: 'analysis threads (default: one per CPU for big trees)' })
      .option('cache-dir', { type: 'string', describe: 'unit cache directory (default: $XDG_CACHE_HOME/kvlint)' })
      .option('cache', { type: 'boolean', default: true, describe: 'use the on-disk unit cache (--no-cache: do not)' })
      .option('user-rules', { type: 'boolean', describe: "also run the tree's own rules from .kvlint/rules/ (runs their code; default: KVLINT_USER_RULES=1)" })
      .conflicts('staged', 'since'),
  handler: async (raw) => {
    const argv = raw as unknown as CheckArgv;
    const io = ctx.io;
    if (argv.jobs !== undefined && (!Number.isInteger(argv.jobs) || argv.jobs < 1)) throw new UsageError('--jobs expects a positive integer');
    const { tree, ...where } = treeFromArgv(argv, io.cwd);
    // the thread that analyses a change's units ahead of time loads its code while git, Kconfig and Kbuild run — on a
    // tree whose earlier runs used one (a small tree's never do)
    const cacheDirArg = argv.cache === false ? null : argv['cache-dir'] ? path.resolve(io.cwd, argv['cache-dir']) : defaultCacheDir(io.env);
    const prefetching = (argv.staged || argv.since !== undefined) && argv.jobs !== 1 && !tree.inMemory && cacheDirArg !== null && prefetchHints(cacheDirArg, tree.root).exists();
    if (prefetching) prestartPrefetchWorker();
    // users' own rules (.kvlint/rules/*.ts) only when asked: running them runs code from the tree
    const user = userRulesEnabled(argv['user-rules'], io.env)
      ? await loadUserRules(tree, { cacheDir: cacheDirArg ?? defaultCacheDir(io.env), taken: rules })
      : undefined;
    if (user && user.errors.length > 0) throw user.errors[0]!;
    const allRules = [...rules, ...(user?.rules.map((u) => u.rule) ?? [])];
    const settings = loadSettings(tree, { rules: allRules });
    const common: Omit<CheckOptions, 'tree'> = { ...where, selection: selectionFromArgv(argv, io.cwd), settings };
    if (user) common.userRules = user.rules.map((u) => u.rule);
    if (argv.rule) common.only = argv.rule;
    if (argv.jobs !== undefined) common.jobs = argv.jobs;
    common.cacheDir = cacheDirArg;
    const progress = progressReporter(io, argv.quiet ?? false);
    if (progress) common.onProgress = progress.update;

    let result: CheckResult;
    let diagnostics: Diagnostic[];
    let change: ChangeTrees | undefined;
    // the changed units start in the prefetch thread once git has named the changed files (earlyPrefetch); unless the
    // base run takes it over, it is stopped here whatever happens (a thread left running keeps the process alive)
    let early: UnitPrefetch | undefined;
    let taken: UnitPrefetch | undefined;
    try {
      if (argv.staged || argv.since !== undefined) {
        const onChanged = prefetching
          ? (e: EarlyChange) => {
              early = earlyPrefetch(e.tree, { cacheDir: cacheDirArg!, changed: e.changed, settings, ...where, ...(argv.jobs !== undefined ? { jobs: argv.jobs } : {}) });
            }
          : undefined;
        change = argv.staged ? await stagedTrees(tree.root, onChanged) : await sinceTrees(tree.root, argv.since!, onChanged);
        // the change's settings decide (a staged .kvlint.json applies to its own commit)
        const changeSettings = loadSettings(change.change, { rules: allRules });
        // tree-wide rules look only at the changed files, in both trees: what they report elsewhere cannot be new
        const changed = new Set(change.changed);
        const addedOrRemoved = change.changed.some((p) => change!.base.isFile(p) !== change!.change.isFile(p));
        if (!addedOrRemoved) change.change.inheritMemos(change.base, changed);
        const base = await runCheck({
          ...common,
          settings: changeSettings,
          tree: change.base,
          onlyFiles: changed,
          prefetchFor: { tree: change.change, changed, addedOrRemoved, ...(early ? { early } : {}) },
          fingerprintsOnly: true,
        });
        taken = base.prefetch;
        // units that read none of the changed files are the same in both trees
        const cache = base.run.cache.derive(change.change, change.changed);
        // the base's link rules may have been taken from an earlier run: their fingerprints, not findings
        const known = new Set([...base.diagnostics.map((d) => d.fingerprint), ...(base.run.linkRules?.fingerprints ?? [])]);
        result = await runCheck({
          ...(base.prefetch ? { prefetched: base.prefetch } : {}),
          ...common,
          settings: changeSettings,
          tree: change.change,
          cache,
          onlyFiles: changed,
          reuse: { result: base.run, changed, addedOrRemoved, newOnly: true },
          known,
        });
        diagnostics = result.diagnostics.filter((d) => !known.has(d.fingerprint));
      } else {
        result = await runCheck({ ...common, tree });
        diagnostics = result.diagnostics;
      }
    } finally {
      progress?.stop();
      if (early && early !== taken) await early.close();
    }

    const fmt = (argv.format ?? 'stylish') as FormatName;
    const baseline = argv.baseline ? { file: argv.baseline, data: readBaselineFile(argv.baseline, io.cwd) } : undefined;
    const summary = {
      configs: result.run.runs.map((r) => r.ref),
      units: result.run.runs.reduce((n, r) => n + r.stats.units, 0),
      durationMs: Math.round(result.durationMs),
    };
    const finished = finishRun({
      diagnostics,
      settings,
      summary,
      format: fmt,
      formatOptions: {
        color: argv.color ?? (io.isTTY && fmt === 'stylish' && !io.env.NO_COLOR),
        // tree-relative paths (as kbuild and modpost print them) wherever kvlint runs; GitHub wants repository-relative
        pathPrefix: fmt === 'github' ? repoPathPrefix(tree.root) : '',
        treeRoot: tree.root,
        toolVersion: toolVersion(),
        rules: allRules.map((r) => r.meta),
      },
      ...(baseline ? { baseline } : {}),
      partial: change !== undefined,
    });
    if (argv.output) fs.writeFileSync(path.resolve(io.cwd, argv.output), finished.output);
    else io.stdout(finished.output);
    if (!argv.quiet) printWarnings(io, finished.warnings, result.run.warnings);
    if (argv['write-baseline']) writeBaselineFile(argv['write-baseline'], finished.newBaseline, io.cwd);
    const internal = result.run.warnings.filter((w) => w.code === 'E001').length;
    if (internal > 0) io.stderr(`kvlint: ${internal} unit(s) could not be analysed (internal error, see above): the result is incomplete\n`);
    ctx.exitCode = internal > 0 ? 2 : finished.exitCode;
  },
});

function printWarnings(io: CliIO, lines: string[], warnings: Diagnostic[]): void {
  for (const w of lines) io.stderr(`kvlint: ${w}\n`);
  for (const w of warnings) {
    const loc = w.primary.line > 0 ? `${w.primary.file}:${w.primary.line}: ` : '';
    io.stderr(`kvlint: ${loc}warning: ${w.message} [${w.code}] (${w.configs.map((c) => c.label).join('; ')})\n`);
  }
}
