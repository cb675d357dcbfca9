import { createHash } from 'node:crypto';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Diagnostic } from '../core/types.js';
import type { KconfigModel } from '../kconfig/index.js';
import type { ConfigSelection } from '../matrix/selection.js';
import { loadToolchain } from '../settings/index.js';
import type { Settings } from '../settings/types.js';
import type { ToolchainProfile } from '../toolchain/profile.js';
import type { KernelTree } from '../tree/tree.js';
import { rules as registry } from '../../rules/index.js';
import type { Rule, RuleOptions } from '../../rules/api.js';
import { defaultStages } from './default-stages.js';
import { LinkFindingsCache } from './link-findings.js';
import { type MatrixEntry, buildMatrix } from './matrix.js';
import { type RunOptions, type RunResult, runMatrix } from './pipeline.js';
import { DiskCache, UnitCache, cacheDirFor, defaultCacheDir, treeCacheDir } from './unit-cache.js';
import { PrefetchHints, UnitPrefetch, type WorkerTreeSpec, adaptiveRunner } from './unit-runner.js';

function overlayId(tree: KernelTree): string {
  const h = createHash('sha1');
  for (const [p, c] of tree.overlayEntries()) h.update(p + '\0' + (c ?? '\u0001') + '\0');
  return h.digest('hex');
}

export interface CheckOptions {
  tree: KernelTree;
  selection: ConfigSelection;
  settings: Settings;
  /** a profile given on the command line wins over the settings file's */
  profile?: ToolchainProfile;
  objtree?: string;
  /** an explicit list of override sets to check (instead of expanding the selection's axes) */
  configs?: Record<string, string>[];
  /** run only these rules (codes or names; [] for none, e.g. `kvlint facts`); default: all registered */
  only?: string[];
  /** users' own rules (src/engine/user-rules.ts), run after the built-in ones */
  userRules?: Rule<string, RuleOptions>[];
  onProgress?: RunOptions['onProgress'];
  /** parallel analysis threads (default: the CPU count, when the run is big enough to pay for them) */
  jobs?: number;
  /** on-disk unit cache directory (default $XDG_CACHE_HOME/kvlint); null: no disk cache */
  cacheDir?: string | null;
  /** a unit cache shared with an earlier run in the same process (staged runs check the base, then the change) */
  cache?: UnitCache;
  /** staged runs: the tree files the change touches (tree-wide rules such as K004 look only at them) */
  onlyFiles?: Set<string>;
  /** staged runs: the base's run, whose configurations and Kbuild graphs the change may take over */
  reuse?: RunOptions['reuse'];
  /**
   * the base run of a staged run: analyse the change's units (in `tree`) early, beside this run; `early`: a
   * prefetch started before git had said everything (earlyPrefetch), taken over when it was for this same change
   */
  prefetchFor?: { tree: KernelTree; changed: Set<string>; addedOrRemoved: boolean; early?: UnitPrefetch };
  /** the change run of a staged run: units the base run started analysing (closed at the end of this run) */
  prefetched?: UnitPrefetch;
  /**
   * only the fingerprints of the findings matter (the base of a staged run): link rules' fingerprints may come from
   * an earlier run of the same link (RunResult.linkRules) instead of running them
   */
  fingerprintsOnly?: boolean;
  /** fingerprints the caller drops (a change run's base findings): rules need not build them (RuleContext.known) */
  known?: ReadonlySet<string>;
}

export interface CheckResult {
  /** set when `prefetchFor` was given: hand it to the change's run as `prefetched` */
  prefetch?: UnitPrefetch;
  matrix: MatrixEntry[];
  run: RunResult<KconfigModel>;
  diagnostics: Diagnostic[];
  durationMs: number;
}

/** Where the last prefetch of the tree at `root` is kept (UnitPrefetch.speculate). */
export function prefetchHints(cacheDir: string, root: string): PrefetchHints {
  return new PrefetchHints(treeCacheDir(cacheDir, 'prefetch', root) + '.json');
}

/** Below this many units per configuration, starting workers costs more than it saves. */
const WORKER_THRESHOLD = 400;

/** How a worker rebuilds `tree` (and the compile environment it analyses units in). */
function workerSpec(tree: KernelTree, objtree: string | undefined, profile: ToolchainProfile | undefined): WorkerTreeSpec {
  const spec: WorkerTreeSpec = { root: tree.root, overlay: tree.overlayEntries(), overlayId: overlayId(tree) };
  if (objtree) spec.objtree = objtree;
  if (profile) spec.profile = profile;
  return spec;
}

/**
 * Start the units the previous prefetch analysed for `changed` sources (UnitPrefetch.speculate) as soon as git has
 * named the changed files, in the tree as it is on disk: what the change tree is whenever no file has unstaged
 * changes (--staged) and always for --since. The base run takes it over when its change tree, environment and
 * changed files turn out the same (runCheck), else stops it. `settings`: those of the tree on disk.
 */
export function earlyPrefetch(
  tree: KernelTree,
  o: { cacheDir: string; changed: string[]; settings: Settings; profile?: ToolchainProfile; objtree?: string; jobs?: number },
): UnitPrefetch | undefined {
  if (tree.inMemory) return undefined;
  const profile = o.profile ?? loadToolchain(o.settings, tree);
  const threshold = o.jobs !== undefined ? 1 : WORKER_THRESHOLD;
  const p = new UnitPrefetch(workerSpec(tree, o.objtree, profile), new Set(o.changed), false, threshold, prefetchHints(o.cacheDir, tree.root));
  p.speculate();
  return p;
}

/** The main job: every configuration of the matrix through every stage and every enabled rule. */
export async function runCheck(opts: CheckOptions): Promise<CheckResult> {
  const t0 = performance.now();
  const matrix = opts.configs
    ? opts.configs.flatMap((ov) => buildMatrix({ ...opts.selection, overrides: ov, axes: [] }, opts.settings.matrix))
    : buildMatrix(opts.selection, opts.settings.matrix);
  const profile = opts.profile ?? loadToolchain(opts.settings, opts.tree);
  const stageOpts: Parameters<typeof defaultStages>[1] = {};
  if (profile) stageOpts.profile = profile;
  if (opts.objtree) stageOpts.objtree = opts.objtree;
  const cacheDir = opts.cacheDir === undefined ? defaultCacheDir() : opts.cacheDir;
  if (cacheDir !== null) cacheDirFor(cacheDir, opts.tree);
  if (cacheDir !== null) stageOpts.cacheDir = cacheDir;
  const stages = defaultStages(opts.tree, stageOpts);
  const rules = selectRules(opts.only, [...registry, ...(opts.userRules ?? [])]);
  const ruleSettings: RunOptions['ruleSettings'] = {};
  for (const [code, s] of Object.entries(opts.settings.rules)) {
    ruleSettings[code] = { options: s.options, ...(s.severity ? { severity: s.severity } : {}) };
  }
  const disk = cacheDir !== null && !opts.tree.inMemory ? new DiskCache(cacheDir, opts.tree.root) : undefined;
  const cache = opts.cache ?? new UnitCache(disk, opts.tree);
  // derived tables rules keep per tree (e.g. every Kconfig symbol of every arch, for K001) survive the run
  if (disk) opts.tree.persistMemos(treeCacheDir(cacheDir!, 'memos', opts.tree.root));
  const runOpts: RunOptions = { rules, ruleSettings, cache };
  // built-in link rules only: their code is part of the key of what is kept (users' rules always run)
  runOpts.linkFindings = {
    codes: new Set(registry.filter((r) => r.meta.fingerprintsFromLink).map((r) => r.meta.code)),
    ...(disk ? { cache: new LinkFindingsCache(cacheDir!, opts.tree.root) } : {}),
    ...(opts.fingerprintsOnly ? { fingerprintsOnly: true } : {}),
  };
  if (opts.onProgress) runOpts.onProgress = opts.onProgress;
  if (opts.reuse) runOpts.reuse = opts.reuse;
  if (opts.known) runOpts.known = opts.known;
  if (opts.onlyFiles) runOpts.onlyFiles = opts.onlyFiles;
  const jobs = opts.jobs ?? Math.max(1, Math.min(os.availableParallelism(), 8));
  const specOf = (tree: KernelTree): WorkerTreeSpec => workerSpec(tree, opts.objtree, profile);
  // in-memory trees cannot be rebuilt in a worker from their root
  // an explicit --jobs uses workers whatever the size of the run
  const threshold = opts.jobs !== undefined ? 1 : WORKER_THRESHOLD;
  const runner = adaptiveRunner(stages, opts.tree, specOf(opts.tree), opts.tree.inMemory ? 1 : jobs, threshold);
  runOpts.runner = opts.prefetched ? opts.prefetched.runner(runner) : runner;
  let prefetch: UnitPrefetch | undefined;
  if (opts.prefetchFor && !opts.prefetchFor.tree.inMemory) {
    const p = opts.prefetchFor;
    const spec = specOf(p.tree);
    if (p.early?.isFor(spec, p.changed, p.addedOrRemoved, threshold)) prefetch = p.early;
    else {
      void p.early?.close();
      const hints = disk ? prefetchHints(cacheDir!, opts.tree.root) : undefined;
      prefetch = new UnitPrefetch(spec, p.changed, p.addedOrRemoved, threshold, hints);
      prefetch.speculate();
    }
    runOpts.prefetch = prefetch;
  }
  try {
    const run = await runMatrix(opts.tree, matrix, stages, runOpts);
    return { matrix, run, diagnostics: run.diagnostics, durationMs: performance.now() - t0, ...(prefetch ? { prefetch } : {}) };
  } catch (e) {
    await prefetch?.close();
    throw e;
  } finally {
    await runOpts.runner.close();
    await opts.prefetched?.close();
  }
}

function selectRules(only: string[] | undefined, registry: Rule<string, RuleOptions>[]): Rule<string, RuleOptions>[] {
  if (!only) return registry;
  return only.map((k) => {
    const r = registry.find((x) => x.meta.code === k || x.meta.name === k);
    if (!r) throw new Error(`unknown rule '${k}' (known: ${registry.map((x) => x.meta.code).join(', ')})`);
    return r;
  });
}
