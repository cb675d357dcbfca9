import type { LinkResult, UnitFacts } from '../core/facts.js';
import type { ObjectGraph } from '../core/graph.js';
import type { Config, ConfigRef, Diagnostic, Severity } from '../core/types.js';
import type { KernelTree } from '../tree/tree.js';
import { type Rule, type RuleOptions, resolveOptions, toDiagnostic } from '../../rules/api.js';
import type { MatrixEntry } from './matrix.js';
import { mergeAcrossConfigs } from './merge.js';
import type { KconfigHandle, Stages } from './stages.js';
import { type CachedUnit, UnitCache, macroEnv, parseAutoconf } from './unit-cache.js';

/** Per-rule settings after .kvlint.json and the command line: severity 'off' disables the rule. */
export interface RuleSetting {
  severity?: Severity | 'off';
  options?: Record<string, unknown>;
}

export interface RunOptions {
  rules: Rule<string, RuleOptions>[];
  ruleSettings?: Record<string, RuleSetting>;
  /** restrict preprocessing to these objects (staged runs); others are taken from the cache or skipped */
  onlyObjects?: Set<string>;
  onProgress?: (p: { config: number; configs: number; units: number; unitsTotal: number }) => void;
  cache?: UnitCache;
}

/** Everything computed for one configuration (kept for `facts`, `explain` and the model join). */
export interface ConfigRun<K extends KconfigHandle = KconfigHandle> {
  entry: MatrixEntry;
  ref: ConfigRef;
  kconfig: K;
  config: Config;
  graph: ObjectGraph;
  facts: Map<string, UnitFacts>;
  link: LinkResult;
  /** stage diagnostics of this configuration (Kconfig overrides not applied, Kbuild, preprocessor) */
  stageDiagnostics: Diagnostic[];
  /** per-configuration rule findings (before merging) */
  findings: Diagnostic[];
  gaps: string[];
  stats: { units: number; reused: number };
}

export interface RunResult<K extends KconfigHandle = KconfigHandle> {
  runs: ConfigRun<K>[];
  /** rule findings and stage errors merged across configurations */
  diagnostics: Diagnostic[];
  /** non-finding messages for the user (e.g. an override that could not take effect), deduplicated */
  warnings: Diagnostic[];
  gaps: string[];
  cache: UnitCache;
}

/** Run the whole pipeline over a matrix of configurations. Pure with respect to the tree: reads only. */
export function runMatrix<K extends KconfigHandle>(
  tree: KernelTree,
  entries: MatrixEntry[],
  stages: Stages<K>,
  opts: RunOptions,
): RunResult<K> {
  const cache = opts.cache ?? new UnitCache();
  const models = new Map<string, K>();
  const runs: ConfigRun<K>[] = [];
  entries.forEach((entry, i) => {
    let model = models.get(entry.arch);
    if (!model) {
      model = stages.loadKconfig(tree, entry.arch);
      models.set(entry.arch, model);
    }
    runs.push(runConfig(tree, entry, model, stages, cache, opts, i, entries.length));
  });

  const perConfig = runs.flatMap((r) => r.findings);
  const checked = runs.map((r) => r.ref);
  const diagnostics = mergeAcrossConfigs(
    [...perConfig, ...runs.flatMap((r) => r.stageDiagnostics.filter((d) => d.severity === 'error'))],
    checked,
  );
  const warnings = mergeAcrossConfigs(
    [
      ...[...models.values()].flatMap((m) => m.diagnostics.filter((d) => d.severity !== 'info')),
      ...runs.flatMap((r) => r.stageDiagnostics.filter((d) => d.severity === 'warning')),
    ],
    checked,
  );
  const gaps = [...new Set(runs.flatMap((r) => r.gaps))].sort();
  return { runs, diagnostics, warnings, gaps, cache };
}

function runConfig<K extends KconfigHandle>(
  tree: KernelTree,
  entry: MatrixEntry,
  model: K,
  stages: Stages<K>,
  cache: UnitCache,
  opts: RunOptions,
  index: number,
  total: number,
): ConfigRun<K> {
  const stageDiagnostics: Diagnostic[] = [];
  const resolved = stages.resolveConfig(model, entry.base, entry.overrides);
  // keep the object identity (the Kconfig stage remembers its state per Config object)
  const config: Config = resolved.config;
  config.ref = entry.ref;
  stageDiagnostics.push(...withRef(resolved.diagnostics, entry.ref));
  const autoconfText = stages.autoconf(model, config);
  const autoconf = parseAutoconf(autoconfText);

  const kb = stages.evalKbuild(tree, config);
  stageDiagnostics.push(...withRef(kb.diagnostics, entry.ref));
  const graph = kb.graph;

  const facts = new Map<string, UnitFacts>();
  const gaps: string[] = [];
  let reused = 0;
  const objects = [...graph.objects.values()].filter((o) => o.source !== undefined);
  objects.forEach((obj, n) => {
    opts.onProgress?.({ config: index, configs: total, units: n, unitsTotal: objects.length });
    const compiler = stages.compiler(entry.arch, obj.cmd);
    const key = UnitCache.key(obj.path, obj.cmd);
    const env = macroEnv(compiler.macros, obj.cmd, autoconf);
    let unit: CachedUnit | undefined = cache.lookup(key, env);
    if (unit) reused++;
    else {
      const pp = stages.preprocess(tree, obj.source!, { cmd: obj.cmd, autoconf: autoconfText, compiler });
      const unitOpts: Parameters<Stages<K>['extractFacts']>[1] = {
        object: obj.path,
        source: obj.source!,
        language: obj.cmd.language,
        arch: entry.arch,
        flags: obj.cmd.flags,
      };
      if (obj.module !== undefined) unitOpts.module = obj.module;
      unit = {
        footprint: pp.footprint,
        facts: stages.extractFacts(pp.tokens, unitOpts),
        diagnostics: pp.diagnostics,
        gaps: [...compiler.gaps, ...pp.gaps],
        includes: pp.includes,
      };
      cache.store(key, unit);
    }
    facts.set(obj.path, unit.facts);
    stageDiagnostics.push(...withRef(unit.diagnostics, entry.ref));
    gaps.push(...unit.gaps);
  });

  const link = stages.resolveLink(graph, facts);
  const findings: Diagnostic[] = [];
  for (const rule of opts.rules) {
    const setting = opts.ruleSettings?.[rule.meta.code] ?? opts.ruleSettings?.[rule.meta.name];
    const severity = setting?.severity ?? rule.meta.defaultSeverity;
    if (severity === 'off') continue;
    const options = resolveOptions(rule.meta.name, rule.defaultOptions, setting?.options);
    rule.check({ tree, config, ref: entry.ref, graph, facts, link, options }, (r) =>
      findings.push(toDiagnostic(rule, severity, entry.ref, r)),
    );
  }
  return {
    entry,
    ref: entry.ref,
    kconfig: model,
    config,
    graph,
    facts,
    link,
    stageDiagnostics,
    findings,
    gaps: [...new Set(gaps)],
    stats: { units: objects.length, reused },
  };
}

function withRef(ds: Diagnostic[], ref: ConfigRef): Diagnostic[] {
  return ds.map((d) => ({ ...d, configs: [ref] }));
}
