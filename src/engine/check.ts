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
import { type MatrixEntry, buildMatrix } from './matrix.js';
import { type RunOptions, type RunResult, runMatrix } from './pipeline.js';

export interface CheckOptions {
  tree: KernelTree;
  selection: ConfigSelection;
  settings: Settings;
  /** a profile given on the command line wins over the settings file's */
  profile?: ToolchainProfile;
  objtree?: string;
  /** an explicit list of override sets to check (instead of expanding the selection's axes) */
  configs?: Record<string, string>[];
  /** run only these rules (codes or names); default: all registered */
  only?: string[];
  onProgress?: RunOptions['onProgress'];
}

export interface CheckResult {
  matrix: MatrixEntry[];
  run: RunResult<KconfigModel>;
  diagnostics: Diagnostic[];
  durationMs: number;
}

/** The main job: every configuration of the matrix through every stage and every enabled rule. */
export function runCheck(opts: CheckOptions): CheckResult {
  const t0 = performance.now();
  const matrix = opts.configs
    ? opts.configs.flatMap((ov) => buildMatrix({ ...opts.selection, overrides: ov, axes: [] }, opts.settings.matrix))
    : buildMatrix(opts.selection, opts.settings.matrix);
  const profile = opts.profile ?? loadToolchain(opts.settings, opts.tree);
  const stageOpts: Parameters<typeof defaultStages>[1] = {};
  if (profile) stageOpts.profile = profile;
  if (opts.objtree) stageOpts.objtree = opts.objtree;
  const stages = defaultStages(opts.tree, stageOpts);
  const rules = selectRules(opts.only);
  const ruleSettings: RunOptions['ruleSettings'] = {};
  for (const [code, s] of Object.entries(opts.settings.rules)) {
    ruleSettings[code] = { options: s.options, ...(s.severity ? { severity: s.severity } : {}) };
  }
  const runOpts: RunOptions = { rules, ruleSettings };
  if (opts.onProgress) runOpts.onProgress = opts.onProgress;
  const run = runMatrix(opts.tree, matrix, stages, runOpts);
  return { matrix, run, diagnostics: run.diagnostics, durationMs: performance.now() - t0 };
}

function selectRules(only: string[] | undefined): Rule<string, RuleOptions>[] {
  if (!only || only.length === 0) return registry;
  return only.map((k) => {
    const r = registry.find((x) => x.meta.code === k || x.meta.name === k);
    if (!r) throw new Error(`unknown rule '${k}' (known: ${registry.map((x) => x.meta.code).join(', ')})`);
    return r;
  });
}
