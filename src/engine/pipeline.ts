import type { LinkResult, UnitFacts } from '../core/facts.js';
import { createHash } from 'node:crypto';
import type { BuiltObject, CompileCommand, ObjectGraph } from '../core/graph.js';
import type { Config, ConfigRef, Diagnostic, Severity } from '../core/types.js';
import { KconfigModel } from '../kconfig/index.js';
import type { KernelTree } from '../tree/tree.js';
import { type ConfigView, type Rule, type RuleOptions, resolveOptions, toDiagnostic } from '../../rules/api.js';
import type { MatrixEntry } from './matrix.js';
import { LinkFindingsCache, configLinkDigest, linkSigHash } from './link-findings.js';
import { mergeAcrossConfigs } from './merge.js';
import type { CompilerView, KconfigHandle, PrepareOutput, Stages } from './stages.js';
import { type CachedUnit, UnitCache, macroEnv, parseAutoconf, readsAny } from './unit-cache.js';
import { type LoadedPack, type PackedUnit, packedOf } from './unit-pack.js';
import { type UnitEnv, type UnitJob, type UnitPrefetch, type UnitRunner, inProcessRunner } from './unit-runner.js';

const viewIds = new WeakMap<CompilerView, string>();

/** stages without a prepare stage (tests substituting stages): no generated files */
const NO_GENERATED: PrepareOutput = { generated: { id: '', files: {} }, diagnostics: [], gaps: [] };

/** Cache key of a unit: the object, its command, and what the compiler predefines for that command. */
function unitKey(object: string, cmd: CompileCommand, compiler: CompilerView): string {
  let id = viewIds.get(compiler);
  if (id === undefined) {
    id = createHash('sha1').update(JSON.stringify([...compiler.macros, ...compiler.attributes, ...compiler.builtins])).digest('hex').slice(0, 16);
    viewIds.set(compiler, id);
  }
  return UnitCache.key(object, cmd) + '\0' + id;
}

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
  /** staged runs: the tree files the change touches (tree-wide rules restrict themselves to them) */
  onlyFiles?: Set<string>;
  onProgress?: (p: { config: number; configs: number; units: number; unitsTotal: number }) => void;
  cache?: UnitCache;
  /** who analyses units that are not cached (default: in-process, one after the other) */
  runner?: UnitRunner;
  /**
   * A run of the same matrix on a tree that differs from this one only in `changed` files (the base of a --staged
   * or --since run): its Kconfig model, configurations and Kbuild graphs are taken over where they read none of the
   * changed files and (for Kbuild, which also looks at which files exist) no file was added or removed.
   */
  reuse?: {
    result: RunResult<KconfigHandle>;
    changed: Set<string>;
    addedOrRemoved: boolean;
    /**
     * only findings the base does not have are wanted (--staged/--since): link rules are not run when the change
     * keeps the base's link digest (they would report the base's fingerprints), and `diagnostics` then lacks them
     */
    newOnly?: boolean;
  };
  /** the base run of a --staged/--since run: where to start analysing the change's units early */
  prefetch?: UnitPrefetch;
  /** fingerprints whose findings are dropped from this run's result (a change run's base findings): RuleContext.known */
  known?: ReadonlySet<string>;
  /**
   * Link rules (`meta.fingerprintsFromLink`, built-in ones only: their code is part of the cache key) and where their
   * fingerprints are kept between runs. Every run that runs them stores what they reported under the run's link
   * digest. With `fingerprintsOnly` (the base of a --staged/--since run, whose findings serve only to tell what is
   * new), a stored entry stands in for running them; a change run (`reuse`) whose link digest equals its base's
   * does not run them either (they would report what the base did).
   */
  linkFindings?: { cache?: LinkFindingsCache; codes: Set<string>; fingerprintsOnly?: boolean };
}

/** Files a stage read while computing a result (KernelTree.recordReads), to decide whether a change can affect it. */
export interface StageInputs {
  config: Set<string>;
  kbuild: Set<string>;
  /** what making the generated files read (syscall tables, asm-offsets.c and its headers, …) */
  prepare: Set<string>;
}

/** Everything computed for one configuration (kept for `facts`, `explain` and the model join). */
export interface ConfigRun<K extends KconfigHandle = KconfigHandle> {
  entry: MatrixEntry;
  ref: ConfigRef;
  kconfig: K;
  config: Config;
  graph: ObjectGraph;
  /** per object, read from its unit when asked (a packed unit decodes its facts then) */
  facts: ReadonlyMap<string, UnitFacts>;
  /** resolved when first read: a run whose link rules are taken from elsewhere may never need it */
  readonly link: LinkResult;
  /** stage diagnostics of this configuration (Kconfig overrides not applied, Kbuild, preprocessor) */
  stageDiagnostics: Diagnostic[];
  /** per-configuration rule findings (before merging) */
  findings: Diagnostic[];
  gaps: string[];
  /** units analysed / reused from the cache, and wall milliseconds per phase */
  stats: {
    units: number;
    reused: number;
    /** units of a --staged/--since change run that were analysed ahead of time, during the base's run */
    prefetched: number;
    /** wall milliseconds per phase; `cpp` and `facts` are per-unit elapsed milliseconds summed over the units analysed (all threads) */
    ms: { kconfig: number; kbuild: number; units: number; link: number; rules: number; cpp: number; facts: number };
  };
  /** tree files the units of this configuration read (sources and included headers, tree-relative) */
  files: Set<string>;
  /** what the link of this configuration follows from (src/engine/link-findings.ts) */
  linkDigest: string;
  /** each object's unit (what `facts` reads from), for a change run to take over */
  units: ReadonlyMap<string, CachedUnit>;
  /** files the Kconfig resolution and the Kbuild evaluation of this configuration read */
  inputs: StageInputs;
  /** what those two stages said (before rule ownership is applied), and autoconf.h, for reuse by a --staged run */
  resolvedDiagnostics: Diagnostic[];
  kbuildDiagnostics: Diagnostic[];
  autoconf: string;
  /** the configuration's generated files and what making them said (src/prepare) */
  prepared: PrepareOutput;
}

export interface RunResult<K extends KconfigHandle = KconfigHandle> {
  runs: ConfigRun<K>[];
  /** rule findings and stage errors merged across configurations */
  diagnostics: Diagnostic[];
  /** non-finding messages for the user (e.g. an override that could not take effect), deduplicated */
  warnings: Diagnostic[];
  gaps: string[];
  cache: UnitCache;
  /** per architecture: the Kconfig model, and the files loading it read */
  models: Map<string, { model: K; read: Set<string> }>;
  /**
   * The link rules of this run: the cache key of what they follow from, the tree files they read, and their
   * fingerprints — reported by them in this run, or (`taken`) taken from an earlier run instead of running them, in
   * which case `diagnostics` lacks their findings.
   */
  linkRules?: { key: string; reads: Set<string>; probes: Map<string, string>; fingerprints: Set<string>; taken: boolean };
}

const touches = (read: Set<string>, changed: Set<string>): boolean => {
  for (const f of changed) if (read.has(f)) return true;
  return false;
};

/**
 * Run the whole pipeline over a matrix of configurations. Pure with respect to the tree: reads only. Units are
 * analysed by `opts.runner` (a worker pool on real trees) unless the cache has them.
 */
export async function runMatrix<K extends KconfigHandle>(
  tree: KernelTree,
  entries: MatrixEntry[],
  stages: Stages<K>,
  opts: RunOptions,
): Promise<RunResult<K>> {
  const cache = opts.cache ?? new UnitCache(undefined, tree);
  const runner = opts.runner ?? inProcessRunner(stages, tree);
  const models = new Map<string, { model: K; read: Set<string> }>();
  const runs: ConfigRun<K>[] = [];
  const reuse = opts.reuse;
  for (const [i, entry] of entries.entries()) {
    let m = models.get(entry.arch);
    if (!m) {
      // the model is bound to the tree it was read from (defconfigs are read through it): taken over only when
      // neither the Kconfig files nor any configuration file of this architecture changed
      const old = reuse?.result.models.get(entry.arch) as { model: K; read: Set<string> } | undefined;
      const untouched = (o: { read: Set<string> }) =>
        !touches(o.read, reuse!.changed) && reuse!.result.runs.every((r) => r.entry.arch !== entry.arch || !touches(r.inputs.config, reuse!.changed));
      if (old && untouched(old)) m = old;
      else {
        const { value, read } = tree.recordReads(() => stages.loadKconfig(tree, entry.arch));
        m = { model: value, read };
      }
      models.set(entry.arch, m);
    }
    const same = reuse && m === reuse.result.models.get(entry.arch) ? reuse.result.runs.find((r) => r.ref.id === entry.ref.id) : undefined;
    runs.push(await runConfig(tree, entry, m.model, stages, cache, runner, opts, i, entries.length, same));
  }

  // rules run once every configuration is known: whether the link rules run depends on all of them
  const lf = opts.linkFindings;
  const isLinkRule = (r: Rule<string, RuleOptions>) => lf !== undefined && r.meta.fingerprintsFromLink === true && lf.codes.has(r.meta.code);
  let linkRules: RunResult['linkRules'];
  let skipLink = false;
  if (lf && runs.length > 0 && opts.rules.some(isLinkRule)) {
    const ids = opts.rules.filter(isLinkRule).map((r) => {
      const setting = opts.ruleSettings?.[r.meta.code] ?? opts.ruleSettings?.[r.meta.name];
      return [r.meta.code, setting?.severity ?? r.meta.defaultSeverity, resolveOptions(r.meta.name, r.defaultOptions, setting?.options)];
    });
    const key = LinkFindingsCache.key(JSON.stringify(ids), runs.map((r) => r.linkDigest));
    const base = reuse?.result.linkRules;
    if (base && reuse!.newOnly && !reuse!.addedOrRemoved && base.key === key && !touches(base.reads, reuse!.changed)) {
      // the change keeps every symbol table of the base: its link rules would report the base's fingerprints
      linkRules = { ...base, taken: true };
    } else if (lf.fingerprintsOnly) {
      const hit = lf.cache?.get(key, tree);
      if (hit) linkRules = { key, ...hit, taken: true };
    }
    skipLink = linkRules !== undefined;
    linkRules ??= { key, reads: new Set(), probes: new Map(), fingerprints: new Set(), taken: false };
  }
  const perConfig: Diagnostic[] = [];
  const linkFound: Diagnostic[] = [];
  // fingerprints of findings rules did not build because `known` said they are dropped
  const linkSkipped = new Set<string>();
  const otherSkipped = new Set<string>();
  const ruleSet = skipLink ? opts.rules.filter((r) => !isLinkRule(r)) : opts.rules;
  for (const r of runs) {
    const t = performance.now();
    for (const rule of ruleSet) {
      if (!rule.check) continue;
      const out = isLinkRule(rule) ? linkFound : perConfig;
      const run = () => checkConfig(tree, r, rule, opts, out, isLinkRule(rule) ? linkSkipped : otherSkipped);
      if (isLinkRule(rule)) recordInto(linkRules!, tree.recordReads(run, true));
      else run();
    }
    r.stats.ms.rules = performance.now() - t;
  }
  const checked = runs.map((r) => r.ref);
  for (const rule of ruleSet) {
    if (!rule.checkRun) continue;
    const out = isLinkRule(rule) ? linkFound : perConfig;
    const run = () => out.push(...runLevelFindings(tree, runs, opts, [rule], isLinkRule(rule) ? linkSkipped : otherSkipped));
    if (isLinkRule(rule)) recordInto(linkRules!, tree.recordReads(run, true));
    else run();
  }
  if (linkRules && !linkRules.taken) {
    for (const d of linkFound) linkRules.fingerprints.add(d.fingerprint);
    for (const fp of linkSkipped) linkRules.fingerprints.add(fp);
    lf!.cache?.put(linkRules.key, tree, linkRules);
  }
  perConfig.push(...linkFound);
  // a stage diagnostic whose code a rule owns (e.g. K003) reaches the user through that rule, not as a warning
  const owned = new Set(opts.rules.map((r) => r.meta.code));
  const diagnostics = mergeAcrossConfigs(
    [...perConfig, ...runs.flatMap((r) => r.stageDiagnostics.filter((d) => d.severity === 'error' && !owned.has(d.code)))],
    checked,
  );
  const warnings = mergeAcrossConfigs(
    [
      ...[...models.values()].flatMap(({ model: m }) => m.diagnostics.filter((d) => d.severity !== 'info' && !owned.has(d.code))),
      ...runs.flatMap((r) => r.stageDiagnostics.filter((d) => d.severity === 'warning' && !owned.has(d.code))),
    ],
    checked,
  );
  const gaps = [...new Set(runs.flatMap((r) => r.gaps))].sort();
  return { runs, diagnostics, warnings, gaps, cache, models, ...(linkRules ? { linkRules } : {}) };
}

async function runConfig<K extends KconfigHandle>(
  tree: KernelTree,
  entry: MatrixEntry,
  model: K,
  stages: Stages<K>,
  cache: UnitCache,
  runner: UnitRunner,
  opts: RunOptions,
  index: number,
  total: number,
  /** the same configuration in the run this one changes, when the change cannot have affected its configuration */
  same?: ConfigRun<KconfigHandle>,
): Promise<ConfigRun<K>> {
  const stageDiagnostics: Diagnostic[] = [];
  const t0 = performance.now();
  const changed = opts.reuse?.changed ?? new Set<string>();
  const { value: resolved, read: configRead } = same
    ? { value: { config: same.config, diagnostics: same.resolvedDiagnostics, autoconf: same.autoconf }, read: same.inputs.config }
    : tree.recordReads(() => {
        const r = stages.resolveConfig(model, entry.base, entry.overrides);
        // keep the object identity (the Kconfig stage remembers its state per Config object)
        r.config.ref = entry.ref;
        return { ...r, autoconf: stages.autoconf(model, r.config) };
      });
  const config: Config = resolved.config;
  stageDiagnostics.push(...withRef(resolved.diagnostics, entry.ref));
  const autoconfText = resolved.autoconf;
  const autoconf = parseAutoconf(autoconfText);

  const t1 = performance.now();
  const sameGraph = same && !opts.reuse!.addedOrRemoved && !touches(same.inputs.kbuild, changed) ? same : undefined;
  const { value: kb, read: kbuildRead } = sameGraph
    ? { value: { graph: sameGraph.graph, diagnostics: sameGraph.kbuildDiagnostics }, read: sameGraph.inputs.kbuild }
    : tree.recordReads(() => stages.evalKbuild(tree, config));
  const t2 = performance.now();
  stageDiagnostics.push(...withRef(kb.diagnostics, entry.ref));
  const graph = kb.graph;
  // the generated files: the base's when neither the graph nor anything making them read changed
  const samePrepared = sameGraph && resolved.autoconf === sameGraph.autoconf && !touches(sameGraph.inputs.prepare, changed) ? sameGraph : undefined;
  const { value: prepared, read: prepareRead } = samePrepared
    ? { value: samePrepared.prepared, read: samePrepared.inputs.prepare }
    : stages.prepare
      ? tree.recordReads(() => stages.prepare!(tree, config, graph, autoconfText))
      : { value: NO_GENERATED, read: new Set<string>() };
  for (const f of prepared.reads ?? []) prepareRead.add(f);
  stageDiagnostics.push(...withRef(prepared.diagnostics, entry.ref));
  const unitEnv: UnitEnv = { arch: entry.arch, autoconf: autoconfText, ...(prepared.generated.id !== '' ? { generated: prepared.generated } : {}) };

  const files = new Set<string>();
  const gaps: string[] = [...prepared.gaps];
  let reused = 0;
  // a unit's source: in the tree, or generated by the build and synthesised by the prepare stage
  const genFiles = prepared.generated.files;
  const sourceOf = (o: BuiltObject): string | undefined => o.source ?? (o.generatedSource !== undefined && Object.hasOwn(genFiles, o.generatedSource) ? o.generatedSource : undefined);
  const objects = [...graph.objects.values()].filter((o) => sourceOf(o) !== undefined);
  // a base run: the units that read a changed file are analysed for the change now, beside this run; a changed
  // source is known now, units including a changed header once the cache says what each unit read
  const pf = opts.prefetch && !opts.prefetch.addedOrRemoved && !touches(configRead, opts.prefetch.changed) && !touches(kbuildRead, opts.prefetch.changed) ? opts.prefetch : undefined;
  const prefetchJobs = (want: (obj: BuiltObject) => boolean) => {
    const jobs: UnitJob[] = [];
    for (const obj of objects) {
      if (!want(obj)) continue;
      const job: UnitJob = { object: obj.path, source: sourceOf(obj)!, cmd: obj.cmd };
      if (obj.module !== undefined) job.module = obj.module;
      jobs.push(job);
    }
    pf!.start(jobs, unitEnv, objects.length);
  };
  if (pf) {
    pf.warm(objects.length);
    prefetchJobs((obj) => pf.changed.has(sourceOf(obj)!));
  }
  const units = new Map<string, CachedUnit>();
  const keys = new Map<string, string>();
  const pending: { job: UnitJob; key: string }[] = [];
  // the macro environment's identity: with the unit key (command, compiler), what a unit's preprocessing sees
  const envId = createHash('sha1').update(entry.arch + '\0' + autoconfText + '\0' + prepared.generated.id).digest('hex').slice(0, 16);
  // a change run whose configuration and graph are its base's: a unit that read none of the changed files is the
  // base's, taken without computing its key or asking the cache
  const takeOver = samePrepared ? samePrepared.units : undefined;
  for (const obj of objects) {
    if (takeOver) {
      const u = takeOver.get(obj.path);
      if (u && !u.diagnostics.some((d) => d.code === 'E001') && !readsAny(u, changed)) {
        units.set(obj.path, u);
        reused++;
        continue;
      }
    }
    const compiler = stages.compiler(entry.arch, obj.cmd);
    const key = unitKey(obj.path, obj.cmd, compiler);
    keys.set(obj.path, key);
    const unit = cache.lookup(key, macroEnv(compiler.macros, obj.cmd, autoconf), envId);
    if (unit) {
      units.set(obj.path, unit);
      reused++;
      continue;
    }
    const job: UnitJob = { object: obj.path, source: sourceOf(obj)!, cmd: obj.cmd };
    if (obj.module !== undefined) job.module = obj.module;
    pending.push({ job, key });
  }
  let done = reused;
  let cppMs = 0;
  let factsMs = 0;
  let prefetched = 0;
  const progress = () => opts.onProgress?.({ config: index, configs: total, units: done, unitsTotal: objects.length });
  progress();
  const keyOf = new Map(pending.map((p) => [p.job.object, p.key]));
  await runner.run(
    pending.map((p) => p.job),
    unitEnv,
    (outs) => {
      for (const o of outs) {
        cppMs += o.ms?.cpp ?? 0;
        if (o.prefetched) prefetched++;
        factsMs += o.ms?.facts ?? 0;
        const unit: CachedUnit = {
          footprint: new Map(o.footprint),
          facts: o.facts,
          diagnostics: o.diagnostics,
          gaps: o.gaps,
          includes: o.includes,
          hashes: cache.hashesFor(o.includes),
        };
        // an internal failure is reported, never cached
        units.set(o.object, o.diagnostics.some((d) => d.code === 'E001') ? unit : cache.store(keyOf.get(o.object)!, unit));
      }
      done += outs.length;
      progress();
    },
  );
  const packed = new Map<LoadedPack, PackedUnit[]>();
  let failed = false;
  for (const obj of objects) {
    const unit = units.get(obj.path)!;
    if (obj.source !== undefined) files.add(obj.source);
    const pu = packedOf(unit);
    if (pu) {
      const l = packed.get(pu.pack);
      if (l) l.push(pu);
      else packed.set(pu.pack, [pu]);
    } else for (const f of unit.includes) if (!f.startsWith('/')) files.add(f);
    if (unit.diagnostics.length) stageDiagnostics.push(...withRef(unit.diagnostics, entry.ref));
    if (unit.diagnostics.some((d) => d.code === 'E001')) failed = true;
    gaps.push(...unit.gaps);
  }
  for (const [pack, list] of packed) pack.addFiles(list, files);
  const ordered = new Map(objects.map((o) => [o.path, units.get(o.path)!]));
  const facts = new UnitFactsMap(ordered);
  if (pf) prefetchJobs((obj) => readsAny(units.get(obj.path)!, pf.changed));
  // the next run of this configuration reads one pack instead of a file per unit
  if (!failed && !takeOver) cache.writePack(envId, new Map(objects.map((o) => [keys.get(o.path)!, units.get(o.path)!])));

  const linkDigest = configLinkDigest(
    envId,
    graph,
    objects.map((obj) => {
      const unit = units.get(obj.path)!;
      return { object: obj.path, sig: packedOf(unit)?.linkSig ?? linkSigHash(unit.facts, unit.diagnostics.some((d) => d.code === 'E001')) };
    }),
  );

  const t3 = performance.now();
  const ms = { kconfig: t1 - t0, kbuild: t2 - t1, units: t3 - t2, link: 0, rules: 0, cpp: cppMs, facts: factsMs };
  let link: LinkResult | undefined;
  return {
    entry,
    ref: entry.ref,
    kconfig: model,
    config,
    graph,
    facts,
    get link(): LinkResult {
      if (!link) {
        const t = performance.now();
        link = stages.resolveLink(graph, facts);
        ms.link = performance.now() - t;
      }
      return link;
    },
    stageDiagnostics,
    findings: [],
    units: ordered,
    linkDigest,
    resolvedDiagnostics: resolved.diagnostics,
    autoconf: autoconfText,
    prepared,
    kbuildDiagnostics: kb.diagnostics,
    inputs: { config: configRead, kbuild: kbuildRead, prepare: prepareRead },
    gaps: [...new Set(gaps)],
    stats: {
      units: objects.length,
      reused,
      prefetched,
      ms,
    },
    files,
  };
}

function recordInto(to: { reads: Set<string>; probes: Map<string, string> }, from: { read: Set<string>; probes: Map<string, string> }): void {
  for (const f of from.read) to.reads.add(f);
  for (const [k, a] of from.probes) to.probes.set(k, a);
}

/** The facts of a configuration's units by object, taken from each unit only when read. */
class UnitFactsMap implements ReadonlyMap<string, UnitFacts> {
  constructor(private readonly units: ReadonlyMap<string, CachedUnit>) {}
  get size(): number {
    return this.units.size;
  }
  get(k: string): UnitFacts | undefined {
    return this.units.get(k)?.facts;
  }
  has(k: string): boolean {
    return this.units.has(k);
  }
  keys(): MapIterator<string> {
    return this.units.keys();
  }
  *entries(): MapIterator<[string, UnitFacts]> {
    for (const [k, u] of this.units) yield [k, u.facts];
  }
  *values(): MapIterator<UnitFacts> {
    for (const u of this.units.values()) yield u.facts;
  }
  [Symbol.iterator](): MapIterator<[string, UnitFacts]> {
    return this.entries();
  }
  forEach(cb: (v: UnitFacts, k: string, m: ReadonlyMap<string, UnitFacts>) => void, thisArg?: unknown): void {
    for (const [k, u] of this.units) cb.call(thisArg, u.facts, k, this);
  }
  /** as JSON, the [object, facts] pairs (what a Map's entries give) */
  toJSON(): [string, UnitFacts][] {
    return [...this.entries()];
  }
}

/**
 * RuleContext.known for a rule. A rule asks where it would report, so a fingerprint it is told is known is one this
 * run has: it goes to `skipped` (what a link rule reported is stored complete, known or not).
 */
function knownFor(rule: Rule<string, RuleOptions>, opts: RunOptions, skipped: Set<string>): { known?: (subject: string[]) => boolean } {
  const k = opts.known;
  if (!k || k.size === 0) return {};
  return {
    known: (subject) => {
      const fp = [rule.meta.code, ...subject].join(':');
      if (!k.has(fp)) return false;
      skipped.add(fp);
      return true;
    },
  };
}

/** What rules see of a configuration run (its link resolved when first read). */
function viewOf(r: ConfigRun): ConfigView {
  const v: ConfigView = {
    config: r.config,
    ref: r.ref,
    graph: r.graph,
    facts: r.facts,
    get link() {
      return r.link;
    },
    stageDiagnostics: r.stageDiagnostics,
    files: r.files,
  };
  if (r.kconfig instanceof KconfigModel) v.kconfig = r.kconfig;
  return v;
}

/** A rule's per-configuration check on one configuration (an 'off' rule does nothing). */
function checkConfig(tree: KernelTree, r: ConfigRun, rule: Rule<string, RuleOptions>, opts: RunOptions, out: Diagnostic[], skipped: Set<string>): void {
  const setting = opts.ruleSettings?.[rule.meta.code] ?? opts.ruleSettings?.[rule.meta.name];
  const severity = setting?.severity ?? rule.meta.defaultSeverity;
  if (severity === 'off' || !rule.check) return;
  const options = resolveOptions(rule.meta.name, rule.defaultOptions, setting?.options);
  // Object.assign, not a spread: the view's link stays a getter (resolved only if the rule reads it)
  const ctx: Parameters<NonNullable<typeof rule.check>>[0] = Object.assign(viewOf(r), { tree, options }, knownFor(rule, opts, skipped));
  const before = out.length;
  rule.check(ctx, (f) => out.push(toDiagnostic(rule, severity, r.ref, f)));
  r.findings.push(...out.slice(before));
}

/** Rules with `checkRun` see every configuration at once, after all of them are done. */
function runLevelFindings<K extends KconfigHandle>(
  tree: KernelTree,
  runs: ConfigRun<K>[],
  opts: RunOptions,
  rules: Rule<string, RuleOptions>[],
  skipped: Set<string>,
): Diagnostic[] {
  const out: Diagnostic[] = [];
  const configs: ConfigView[] = runs.map(viewOf);
  const all = runs.map((r) => r.ref);
  for (const rule of rules) {
    if (!rule.checkRun || runs.length === 0) continue;
    const setting = opts.ruleSettings?.[rule.meta.code] ?? opts.ruleSettings?.[rule.meta.name];
    const severity = setting?.severity ?? rule.meta.defaultSeverity;
    if (severity === 'off') continue;
    const options = resolveOptions(rule.meta.name, rule.defaultOptions, setting?.options);
    const ctx: Parameters<NonNullable<typeof rule.checkRun>>[0] = { tree, configs, options, ...knownFor(rule, opts, skipped) };
    if (opts.onlyFiles) ctx.onlyFiles = opts.onlyFiles;
    rule.checkRun(ctx, (r) => out.push(toDiagnostic(rule, severity, r.configs ?? all, r)));
  }
  return out;
}

function withRef(ds: Diagnostic[], ref: ConfigRef): Diagnostic[] {
  return ds.map((d) => ({ ...d, configs: [ref] }));
}
