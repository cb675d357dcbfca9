import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { UnitFacts } from '../core/facts.js';
import type { CompileCommand } from '../core/graph.js';
import type { Diagnostic } from '../core/types.js';
import type { KernelTree } from '../tree/tree.js';
import { perTaskStackProtector } from '../c/compiler-refs.js';
import type { GeneratedSet } from '../cpp/include.js';
import type { KconfigHandle, Stages } from './stages.js';
import { UnitCache } from './unit-cache.js';

/**
 * What every unit of one configuration is analysed in: the architecture, the configuration's autoconf.h, and the
 * files kbuild would have generated for it (src/prepare). Serialisable: crosses worker boundaries.
 */
export interface UnitEnv {
  arch: string;
  autoconf: string;
  generated?: GeneratedSet;
}

/** One translation unit to preprocess and extract facts from. */
export interface UnitJob {
  object: string;
  source: string;
  cmd: CompileCommand;
  module?: string;
}

/** What comes back for a job (serialisable: crosses worker boundaries). */
export interface UnitOutput {
  object: string;
  footprint: [string, string | null][];
  facts: UnitFacts;
  diagnostics: Diagnostic[];
  gaps: string[];
  includes: string[];
  /** elapsed milliseconds preprocessing and extracting facts, in the thread that did it (phase timings of bench/check-real.ts) */
  ms?: { cpp: number; facts: number };
  /** analysed ahead of time by UnitPrefetch (counted in the run's stats) */
  prefetched?: boolean;
}

export interface AnalyseOptions {
  /**
   * Record header effects for replay in later units (default true). Recording costs about a third of a cold unit's
   * preprocessing and pays from the second unit that includes the same headers; a thread analysing a single unit
   * (a pre-commit run's changed source) goes faster without it.
   */
  memo?: boolean;
}

/**
 * Analyse one unit with the given stages (used in-process and inside workers). An internal failure on one unit
 * does not lose the others: the unit comes back without facts and with an 'internal' diagnostic naming it.
 */
export function analyseUnit<K extends KconfigHandle>(
  stages: Stages<K>,
  tree: KernelTree,
  env: UnitEnv,
  job: UnitJob,
  opts: AnalyseOptions = {},
): UnitOutput {
  try {
    return analyseUnitOrThrow(stages, tree, env, job, opts);
  } catch (e) {
    const err = e as Error;
    return failedUnit(job, `internal error while analysing ${job.source}: ${err?.message ?? String(e)}`, [
      String(err?.stack ?? '').split('\n').slice(0, 4).join(' | '),
    ]);
  }
}

/** A unit whose analysis failed or was abandoned: no facts, and an E001 diagnostic naming it (never cached). */
function failedUnit(job: UnitJob, why: string, notes: string[]): UnitOutput {
  return {
    object: job.object,
    footprint: [],
    facts: { object: job.object, source: job.source, defs: [], refs: [], exports: [], importNs: [] },
    diagnostics: [
      {
        code: 'E001',
        rule: 'internal-error',
        severity: 'warning',
        message: `${why} (its symbols are missing from this run)`,
        primary: { file: job.source, line: 0, col: 0 },
        trace: [],
        configs: [],
        fingerprint: `E001:${job.object}`,
        notes,
      },
    ],
    gaps: [],
    includes: [],
  };
}

function analyseUnitOrThrow<K extends KconfigHandle>(
  stages: Stages<K>,
  tree: KernelTree,
  env: UnitEnv,
  job: UnitJob,
  opts: AnalyseOptions,
): UnitOutput {
  const t0 = performance.now();
  const { arch, autoconf } = env;
  const compiler = stages.compiler(arch, job.cmd);
  const pp = stages.preprocess(tree, job.source, {
    cmd: job.cmd,
    autoconf,
    compiler,
    ...(env.generated ? { generated: env.generated } : {}),
    ...(opts.memo === false ? { memo: false } : {}),
  });
  const t1 = performance.now();
  const unit: Parameters<Stages<K>['extractFacts']>[1] = {
    object: job.object,
    source: job.source,
    language: job.cmd.language,
    arch,
    flags: job.cmd.flags,
  };
  const perTask = perTaskStackProtector(autoconf);
  if (perTask) unit.perTaskStackProtector = true;
  if (job.module !== undefined) unit.module = job.module;
  const facts = stages.extractFacts(pp.tokens, unit);
  return {
    object: job.object,
    // the facts of C depend on CONFIG_STACKPROTECTOR_PER_TASK (the canary's place): part of what the unit looked at
    footprint: job.cmd.language === 'c' && !pp.footprint.has(PER_TASK) ? [...pp.footprint, [PER_TASK, perTask ? '1' : null]] : [...pp.footprint],
    facts,
    diagnostics: pp.diagnostics,
    gaps: [...compiler.gaps, ...pp.gaps],
    includes: pp.includes,
    ms: { cpp: t1 - t0, facts: performance.now() - t1 },
  };
}

const PER_TASK = 'CONFIG_STACKPROTECTOR_PER_TASK';

/** Runs batches of unit jobs for one configuration. */
export interface UnitRunner {
  /**
   * Analyse the jobs; `onOutputs` receives results as each batch finishes (so that they can be cached at once and a
   * crash loses little); the promise resolves when all are done.
   */
  run(jobs: UnitJob[], ctx: UnitEnv, onOutputs: (outs: UnitOutput[]) => void): Promise<void>;
  close(): Promise<void>;
  /** get ready for work (start threads, load their code) without waiting for it */
  warm?(): void;
}

export function inProcessRunner<K extends KconfigHandle>(stages: Stages<K>, tree: KernelTree): UnitRunner {
  return {
    async run(jobs, ctx, onOutputs) {
      for (const j of jobs) onOutputs([analyseUnit(stages, tree, ctx, j)]);
    },
    async close() {},
  };
}

/** What a worker needs to rebuild the same stages as the main thread. */
export interface WorkerTreeSpec {
  root: string;
  /** overlay files (staged runs), path -> content or null (deleted) */
  overlay: [string, string | null][];
  /** identifies the overlay so workers rebuild their caches only when it changes */
  overlayId: string;
  objtree?: string;
  /** a toolchain profile object, when not the bundled default of the arch */
  profile?: unknown;
}

export interface WorkerTask extends UnitEnv {
  tree: WorkerTreeSpec;
  jobs: UnitJob[];
}

/** Batches of at least this many units per message: one file per task costs as much as the work (DEPENDENCIES.md). */
const MIN_BATCH = 100;

/**
 * A worker_threads pool (tinypool) running analyseUnit in parallel. Only available when kvlint runs from compiled
 * JavaScript (the worker file must be loadable by plain Node); `workerPoolAvailable()` tells.
 */
export function workerPoolAvailable(): boolean {
  return fs.existsSync(workerFile());
}

function workerFile(): string {
  return fileURLToPath(new URL('./unit-worker.js', import.meta.url));
}

function prefetchWorkerFile(): string {
  return fileURLToPath(new URL('./prefetch-worker.js', import.meta.url));
}

/**
 * Time budgets of the worker pool's watchdog: one unit may take KVLINT_UNIT_BUDGET_MS (default 2 min; real units
 * take well under a second, the slowest of Linux 6.1 ARM a few seconds); a batch gets that plus a few seconds per
 * unit. A batch over budget is stopped (its worker is replaced) and its units are redone one by one, so that only a
 * unit that really does not finish is abandoned (E001) — a pathological input must not hang the whole check.
 */
function unitBudgetMs(): number {
  const v = Number(process.env.KVLINT_UNIT_BUDGET_MS);
  return Number.isFinite(v) && v > 0 ? v : 120_000;
}
/** what a batch may take beyond one unit's budget, per unit (3 s with the default budget) */
const slackPerUnit = (budget: number) => budget / 40;

export async function workerRunner(spec: WorkerTreeSpec, threads: number): Promise<UnitRunner> {
  const { default: Tinypool } = await import('tinypool');
  const pool = new Tinypool({
    filename: workerFile(),
    minThreads: threads,
    maxThreads: threads,
    isolateWorkers: false,
    // workers inherit node's options; --input-type (kvlint started through `node --input-type=module -e`) is
    // refused for a worker file and would stop every worker at startup
    execArgv: process.execArgv.filter((a) => !a.startsWith('--input-type')),
  });
  // a worker that fails outside a task (e.g. at startup) fails the pool: every run from then on rejects at once
  // instead of waiting for a worker that never comes
  let failed: Error | undefined;
  let fail: (e: Error) => void = () => undefined;
  const failure = new Promise<never>((_, reject) => (fail = reject));
  failure.catch(() => undefined);
  pool.on('error', (e: Error) => {
    failed ??= e;
    fail(e);
  });
  const budget = unitBudgetMs();
  /** the outputs, or undefined when the budget ran out (the worker is then terminated and replaced) */
  async function within(task: WorkerTask, ms: number): Promise<UnitOutput[] | undefined> {
    if (failed) throw failed;
    const ac = new AbortController();
    const timer = setTimeout(() => ac.abort(), ms);
    try {
      return (await Promise.race([pool.run(task, { signal: ac.signal }), failure])) as UnitOutput[];
    } catch (e) {
      if (ac.signal.aborted) return undefined;
      throw e;
    } finally {
      clearTimeout(timer);
    }
  }
  return {
    async run(jobs, ctx, onOutputs) {
      if (jobs.length === 0) return;
      // batches of MIN_BATCH: enough work per message, and results (and progress) arrive steadily
      const batches: UnitJob[][] = [];
      for (let i = 0; i < jobs.length; i += MIN_BATCH) batches.push(jobs.slice(i, i + MIN_BATCH));
      const task = (b: UnitJob[]): WorkerTask => ({ tree: spec, ...ctx, jobs: b });
      // one batch per thread at a time, so that a batch's clock starts when it starts running
      const lane = async (): Promise<void> => {
        for (let b = batches.shift(); b; b = batches.shift()) {
          const outs = await within(task(b), budget + b.length * slackPerUnit(budget));
          if (outs) {
            onOutputs(outs);
            continue;
          }
          for (const j of b) {
            const one = await within(task([j]), budget);
            onOutputs(one ?? [failedUnit(j, `analysis of ${j.source} did not finish within ${Math.round(budget / 1000)} s and was abandoned`, [])]);
          }
        }
      };
      await Promise.all(Array.from({ length: Math.min(threads, batches.length) }, lane));
    },
    async close() {
      await pool.destroy();
    },
    warm() {
      // an empty task: the worker loads its code and builds its stages
      void pool.run({ tree: spec, arch: '', autoconf: '', jobs: [] } satisfies WorkerTask).catch(() => undefined);
    },
  };
}

/**
 * In-process for small batches, a worker pool (started on first need) for big ones: the bundled tree's 31 units are
 * done before two workers would have loaded kvlint.
 */
export function adaptiveRunner<K extends KconfigHandle>(
  stages: Stages<K>,
  tree: KernelTree,
  spec: WorkerTreeSpec,
  threads: number,
  threshold: number,
): UnitRunner {
  const local = inProcessRunner(stages, tree);
  let pool: Promise<UnitRunner> | undefined;
  return {
    async run(jobs, ctx, onOutputs) {
      if (threads <= 1 || jobs.length < threshold || !workerPoolAvailable()) return local.run(jobs, ctx, onOutputs);
      pool ??= workerRunner(spec, threads);
      const done = new Set<string>();
      try {
        await (await pool).run(jobs, ctx, (outs) => {
          for (const o of outs) done.add(o.object);
          onOutputs(outs);
        });
      } catch {
        // the worker pool failed as a whole: what it did not finish is analysed here
        await local.run(
          jobs.filter((j) => !done.has(j.object)),
          ctx,
          onOutputs,
        );
      }
    },
    async close() {
      if (pool) await (await pool).close();
    },
  };
}

function newPrefetchWorker(): Worker {
  return new Worker(prefetchWorkerFile(), { execArgv: process.execArgv.filter((a) => !a.startsWith('--input-type')) });
}

function sameOverlay(a: [string, string | null][], b: [string, string | null][]): boolean {
  if (a.length !== b.length) return false;
  const m = new Map(a);
  return b.every(([p, c]) => m.has(p) && m.get(p) === c);
}

let prestarted: Worker | undefined;

function takePrestarted(): Worker | undefined {
  const w = prestarted;
  prestarted = undefined;
  return w;
}

/**
 * Start the prefetch thread now, before the change is known (git, Kconfig and Kbuild take the main thread ~0.5 s on
 * Linux): it loads kvlint's code meanwhile, and the first UnitPrefetch that wants a thread takes it. One nobody takes
 * is stopped by the next `warm` that does not want it, and never keeps the process alive.
 */
export function prestartPrefetchWorker(): void {
  if (prestarted || !workerPoolAvailable()) return;
  try {
    prestarted = newPrefetchWorker();
    prestarted.unref();
    prestarted.on('error', () => undefined);
  } catch {
    prestarted = undefined;
  }
}

interface HintFile extends UnitEnv {
  units: number;
  jobs: UnitJob[];
}

/** The last prefetch's jobs, by source (`<cache>/prefetch/<tree>.json`, outside the tree). */
export class PrefetchHints {
  constructor(private readonly file: string) {}

  /** a run of this tree prefetched before (trees too small for a thread never record any) */
  exists(): boolean {
    return fs.existsSync(this.file);
  }

  read(): HintFile | undefined {
    try {
      return JSON.parse(fs.readFileSync(this.file, 'utf8')) as HintFile;
    } catch {
      return undefined;
    }
  }

  /** Keep `jobs` (with the configuration they were for) for the next run; other sources' jobs stay, up to 64. */
  record(jobs: UnitJob[], ctx: UnitEnv, units: number): void {
    const old = this.read();
    const same = old && old.arch === ctx.arch && old.autoconf === ctx.autoconf && old.generated?.id === ctx.generated?.id;
    const sources = new Set(jobs.map((j) => j.source));
    const kept = same ? old.jobs.filter((j) => !sources.has(j.source)) : [];
    const h: HintFile = { units, ...ctx, jobs: [...jobs, ...kept].slice(0, 64) };
    if (same && JSON.stringify(h.jobs) === JSON.stringify(old.jobs) && old.units === units) return;
    try {
      fs.mkdirSync(path.dirname(this.file), { recursive: true });
      const tmp = `${this.file}.${process.pid}.tmp`;
      fs.writeFileSync(tmp, JSON.stringify(h));
      fs.renameSync(tmp, this.file);
    } catch {
      /* only slower next time */
    }
  }
}

/** A message to the prefetch worker (src/engine/prefetch-worker.ts): units to analyse for the change tree. */
export interface PrefetchMessage extends WorkerTask {
  memo: boolean;
}

/**
 * Units of a change analysed ahead of time, beside the run of its base (--staged / --since): as soon as the base
 * run knows which of its units read a changed file (and that the change keeps its configuration and Kbuild graph),
 * those units are analysed for the change tree in a worker thread while the main thread links and checks the
 * base. The change's run then takes them from here (`runner`). Without compiled workers (tests running the
 * TypeScript sources) nothing is prefetched and the change's run analyses them itself.
 *
 * The thread is a plain Worker started synchronously, and jobs are posted to it synchronously: the main thread runs
 * the base's lookups, link and rules without returning to its event loop, so a pool that hands work over through it
 * (tinypool) would start the job only when the change's run asks for the result (measured: the worker loaded its code
 * 1.7 s after it was asked to start, once the change's run awaited it).
 */
export class UnitPrefetch {
  /** prefetched outputs by job; undefined when the worker failed (the change's run then analyses the unit itself) */
  private readonly pending = new Map<string, Promise<UnitOutput | undefined>>();
  /** resolvers of the units still out, by object path */
  private readonly waiting = new Map<string, ((o: UnitOutput | undefined) => void)[]>();
  private worker: Worker | undefined;
  private sent = 0;
  /** at most this many units ahead of time (each takes ~1 s cold on Linux; the base's link and rules ~1–2 s) */
  static readonly MAX_UNITS = 16;

  constructor(
    /** the change tree, as a worker rebuilds it */
    private readonly spec: WorkerTreeSpec,
    readonly changed: Set<string>,
    /** a file was added or removed: the change's Kbuild graph may differ, nothing is prefetched */
    readonly addedOrRemoved: boolean,
    /** configurations with fewer units are not worth a worker thread (its start costs more than the overlap saves) */
    private readonly minUnits: number,
    /** the jobs of the previous prefetch, to start this one's before the configuration is known (`speculate`) */
    private readonly hints?: PrefetchHints,
  ) {}

  /**
   * Start, right away, the jobs the previous run gave this thread for sources this change touches: the same object,
   * command and configuration (autoconf.h) as then, which is what a pre-commit run finds unless Kconfig or the
   * makefiles changed in between. The base run then posts the real jobs; an identical one is already under way
   * (ids match), a different one is analysed after it and the guess is left unused.
   */
  speculate(): void {
    if (this.addedOrRemoved || !this.hints || !workerPoolAvailable()) return;
    const h = this.hints.read();
    if (!h || h.units < this.minUnits) return;
    const jobs = h.jobs.filter((j) => this.changed.has(j.source));
    if (jobs.length) this.post(jobs, { arch: h.arch, autoconf: h.autoconf, ...(h.generated ? { generated: h.generated } : {}) }, h.units);
    this.speculated = jobs.length;
  }

  /** Whether this prefetch analyses units for the change a run with these arguments would prefetch for. */
  isFor(spec: WorkerTreeSpec, changed: ReadonlySet<string>, addedOrRemoved: boolean, minUnits: number): boolean {
    const a = this.spec;
    return (
      !addedOrRemoved &&
      !this.addedOrRemoved &&
      minUnits === this.minUnits &&
      a.root === spec.root &&
      sameOverlay(a.overlay, spec.overlay) &&
      a.objtree === spec.objtree &&
      JSON.stringify(a.profile) === JSON.stringify(spec.profile) &&
      changed.size === this.changed.size &&
      [...changed].every((f) => this.changed.has(f))
    );
  }

  /** jobs started by `speculate`, and jobs given to the thread in all (each unit at most once) */
  speculated = 0;
  get posted(): number {
    return this.sent;
  }

  /** autoconf.h texts (~100 KB on Linux) by a short hash: job ids must not copy them */
  private readonly envIds = new Map<string, string>();

  private id(job: UnitJob, ctx: UnitEnv): string {
    let env = this.envIds.get(ctx.autoconf);
    if (env === undefined) this.envIds.set(ctx.autoconf, (env = createHash('sha1').update(ctx.autoconf).digest('hex')));
    return `${UnitCache.key(job.object, job.cmd)}\0${job.source}\0${job.module ?? ''}\0${ctx.arch}\0${env}\0${ctx.generated?.id ?? ''}`;
  }

  private thread(): Worker | undefined {
    if (this.worker) return this.worker;
    let w: Worker;
    try {
      w = takePrestarted() ?? newPrefetchWorker();
    } catch {
      return undefined;
    }
    // an idle prefetch thread must not keep the process alive
    w.unref();
    w.on('message', (o: UnitOutput) => this.settle(o.object, o));
    const fail = () => {
      for (const obj of [...this.waiting.keys()]) this.settle(obj, undefined);
    };
    w.on('error', fail);
    w.on('exit', fail);
    this.worker = w;
    return w;
  }

  private settle(object: string, o: UnitOutput | undefined): void {
    const list = this.waiting.get(object);
    const resolve = list?.shift();
    if (list && list.length === 0) this.waiting.delete(object);
    resolve?.(o);
  }

  /** A configuration with `units` units is coming: start the worker now (loading its code) if they are worth it. */
  warm(units: number): void {
    if (this.addedOrRemoved || units < this.minUnits || !workerPoolAvailable()) {
      // not worth a thread here: one started ahead of time goes
      void takePrestarted()?.terminate();
      return;
    }
    if (this.worker) return;
    this.thread()?.postMessage({ tree: this.spec, arch: '', autoconf: '', jobs: [], memo: false } satisfies PrefetchMessage);
  }

  /**
   * Start analysing `jobs` for the change tree (`units`: how many units the configuration has). A change that many
   * units read (a common header) is left to the change's own run and its full worker pool: one prefetch thread only
   * pays while the base run's link and rules take longer than the units it analyses.
   */
  start(jobs: UnitJob[], ctx: UnitEnv, units: number): void {
    if (jobs.length === 0 || units < this.minUnits || !workerPoolAvailable()) return;
    this.hints?.record(jobs, ctx, units);
    this.post(jobs, ctx, units);
  }

  private post(jobs: UnitJob[], ctx: UnitEnv, units: number): void {
    if (this.pending.size + jobs.length > UnitPrefetch.MAX_UNITS) return;
    const todo = jobs.filter((j) => !this.pending.has(this.id(j, ctx)));
    if (todo.length === 0) return;
    const w = this.thread();
    if (!w) return;
    for (const j of todo) {
      this.pending.set(
        this.id(j, ctx),
        new Promise<UnitOutput | undefined>((resolve) => {
          const list = this.waiting.get(j.object);
          if (list) list.push(resolve);
          else this.waiting.set(j.object, [resolve]);
        }),
      );
    }
    // recording header effects pays from the second unit on
    const memo = this.sent + todo.length > 1;
    this.sent += todo.length;
    w.postMessage({ tree: this.spec, ...ctx, jobs: todo, memo } satisfies PrefetchMessage);
  }

  /** A runner that takes prefetched units from here and gives the others to `inner`. */
  runner(inner: UnitRunner): UnitRunner {
    return {
      run: async (jobs, ctx, onOutputs) => {
        const rest: UnitJob[] = [];
        const ready: { job: UnitJob; out: Promise<UnitOutput | undefined> }[] = [];
        for (const j of jobs) {
          const p = this.pending.get(this.id(j, ctx));
          if (p) ready.push({ job: j, out: p });
          else rest.push(j);
        }
        const missed: UnitJob[] = [];
        // a prefetched unit gets the pool's budget for one unit; past it, the thread is stopped and the change's run
        // analyses the unit itself (under its own watchdog)
        let timer: ReturnType<typeof setTimeout> | undefined;
        if (ready.length) timer = setTimeout(() => void this.worker?.terminate(), unitBudgetMs() * ready.length);
        try {
          await Promise.all([
            inner.run(rest, ctx, onOutputs),
            ...ready.map(({ job, out }) => out.then((o) => (o && o.object === job.object ? onOutputs([{ ...o, prefetched: true }]) : missed.push(job)))),
          ]);
        } finally {
          clearTimeout(timer);
        }
        if (missed.length) await inner.run(missed, ctx, onOutputs);
      },
      close: () => inner.close(),
    };
  }

  async close(): Promise<void> {
    const w = this.worker;
    this.worker = undefined;
    if (w) await w.terminate();
  }
}
