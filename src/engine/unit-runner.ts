import * as fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { UnitFacts } from '../core/facts.js';
import type { CompileCommand } from '../core/graph.js';
import type { Diagnostic } from '../core/types.js';
import type { KernelTree } from '../tree/tree.js';
import type { KconfigHandle, Stages } from './stages.js';

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
}

/** Analyse one unit with the given stages (used in-process and inside workers). */
export function analyseUnit<K extends KconfigHandle>(
  stages: Stages<K>,
  tree: KernelTree,
  arch: string,
  autoconf: string,
  job: UnitJob,
): UnitOutput {
  const compiler = stages.compiler(arch, job.cmd);
  const pp = stages.preprocess(tree, job.source, { cmd: job.cmd, autoconf, compiler });
  const unit: Parameters<Stages<K>['extractFacts']>[1] = {
    object: job.object,
    source: job.source,
    language: job.cmd.language,
    arch,
    flags: job.cmd.flags,
  };
  if (job.module !== undefined) unit.module = job.module;
  return {
    object: job.object,
    footprint: [...pp.footprint],
    facts: stages.extractFacts(pp.tokens, unit),
    diagnostics: pp.diagnostics,
    gaps: [...compiler.gaps, ...pp.gaps],
    includes: pp.includes,
  };
}

/** Runs batches of unit jobs for one configuration. */
export interface UnitRunner {
  run(jobs: UnitJob[], ctx: { arch: string; autoconf: string }, onDone?: (n: number) => void): Promise<UnitOutput[]>;
  close(): Promise<void>;
}

export function inProcessRunner<K extends KconfigHandle>(stages: Stages<K>, tree: KernelTree): UnitRunner {
  return {
    async run(jobs, ctx, onDone) {
      const out: UnitOutput[] = [];
      for (const j of jobs) {
        out.push(analyseUnit(stages, tree, ctx.arch, ctx.autoconf, j));
        onDone?.(1);
      }
      return out;
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

export interface WorkerTask {
  tree: WorkerTreeSpec;
  arch: string;
  autoconf: string;
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

export async function workerRunner(spec: WorkerTreeSpec, threads: number): Promise<UnitRunner> {
  const { default: Tinypool } = await import('tinypool');
  const pool = new Tinypool({ filename: workerFile(), minThreads: threads, maxThreads: threads, isolateWorkers: false });
  return {
    async run(jobs, ctx, onDone) {
      if (jobs.length === 0) return [];
      // a few batches per thread keep both busy to the end without paying per-file messaging
      const size = Math.max(MIN_BATCH, Math.ceil(jobs.length / (threads * 4)));
      const batches: UnitJob[][] = [];
      for (let i = 0; i < jobs.length; i += size) batches.push(jobs.slice(i, i + size));
      const results = await Promise.all(
        batches.map(async (b) => {
          const task: WorkerTask = { tree: spec, arch: ctx.arch, autoconf: ctx.autoconf, jobs: b };
          const r = (await pool.run(task)) as UnitOutput[];
          onDone?.(b.length);
          return r;
        }),
      );
      return results.flat();
    },
    async close() {
      await pool.destroy();
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
    async run(jobs, ctx, onDone) {
      if (threads <= 1 || jobs.length < threshold || !workerPoolAvailable()) return local.run(jobs, ctx, onDone);
      pool ??= workerRunner(spec, threads);
      return (await pool).run(jobs, ctx, onDone);
    },
    async close() {
      if (pool) await (await pool).close();
    },
  };
}
