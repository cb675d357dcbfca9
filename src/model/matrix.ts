import { InputError } from '../core/errors.js';
import { checkDifferential, explainRun, type Failure } from './check.js';
import { type Fault, type FlushKind, type MapPath, type ModelConfig, makeConfig } from './config.js';
import { COST_PROFILES, type Cost, type CostProfile, type Counters, cost } from './cost.js';
import { generateTrace } from './generate.js';
import { runTrace } from './model.js';
import type { Trace } from './ops.js';
import type { Era } from './sizeclass.js';

/** The CPU setup of one row group of the matrix. */
export interface Machine {
  cpus: number;
  smp: boolean;
  guard: boolean;
}

export interface MatrixOptions {
  cpus: number[];
  smp: boolean[];
  paths: MapPath[];
  flushes: FlushKind[];
  guards: boolean[];
  faults: Fault[];
  era: Era;
  pageSize: number;
  maxPagesPerZspage?: number;
  tlbCapacity: number;
  ops: number;
  seed: number;
  specFill: number;
  /** replay this trace instead of generating one */
  replay?: Trace;
  costProfile: CostProfile;
  /** replays allowed per shrink */
  shrinkBudget?: number;
  /** what is claimed safe (default: `claim`, the design's own claims) */
  claim?: (c: ModelConfig) => { safe: boolean; why: string };
}

/**
 * Which configurations the design claims to be safe, and why. A claimed-safe configuration that fails is a finding
 * (exit 1); a failure where no safety is claimed is the expected demonstration.
 */
export function claim(c: ModelConfig): { safe: boolean; why: string } {
  if (c.faults.length) return { safe: false, why: `fault injected: ${c.faults.join(', ')}` };
  if (!c.preemptGuard) return { safe: false, why: 'no preemption guard: a mapping can be preempted, migrated or reused' };
  if (c.path === 'copy') return { safe: true, why: 'copy path with preemption off between map and unmap' };
  switch (c.flush) {
    case 'global':
      return { safe: true, why: 'page-table path flushing every CPU on unmap (fix 99155188)' };
    case 'local':
      return c.cpus === 1
        ? { safe: true, why: 'one CPU, so a local flush reaches every TLB' }
        : { safe: false, why: "a local flush leaves other CPUs' speculatively loaded entries (Russell King, 2013-01-18)" };
    case 'none':
      return { safe: false, why: 'the page-table path must flush the TLB on unmap' };
  }
}

export interface CellResult {
  id: string;
  path: MapPath;
  config: ModelConfig;
  /** the flush only matters on the page-table path; copy runs are shared by every flush row */
  verdict: 'pass' | 'fail';
  claimedSafe: boolean;
  claim: string;
  failures: Failure[];
  counters: Counters;
  cost: Cost;
  steps: number;
}

export interface MatrixRow {
  machine: Machine;
  flush: FlushKind;
  /** run ids by path */
  cells: Partial<Record<MapPath, string>>;
}

export interface DifferentialResult {
  machine: Machine;
  agree: boolean;
  /** both sides are claimed safe (then a divergence is a finding) */
  claimedSafe: boolean;
  failure?: Failure;
}

export interface MatrixResult {
  options: MatrixOptions;
  runs: CellResult[];
  rows: MatrixRow[];
  differentials: DifferentialResult[];
  /** runs claimed safe that failed, and differentials between claimed-safe paths that diverged */
  unexpected: number;
}

/** The CPU setups of a request: cpus x smp x guard, without the impossible ones (several CPUs without SMP). */
export function machinesOf(o: Pick<MatrixOptions, 'cpus' | 'smp' | 'guards'>): Machine[] {
  const out: Machine[] = [];
  for (const cpus of o.cpus) {
    const smps = o.smp.filter((s) => s || cpus === 1);
    if (smps.length === 0) {
      throw new InputError(`--cpus ${cpus} needs --smp on: a kernel without CONFIG_SMP runs one CPU`);
    }
    for (const smp of smps) for (const guard of o.guards) out.push({ cpus, smp, guard });
  }
  return out;
}

export function machineLabel(m: Machine): string {
  return `cpus=${m.cpus} smp=${m.smp ? 'on' : 'off'}${m.guard ? '' : ' guard=off'}`;
}

/** Run the whole matrix: one trace per CPU setup (from the seed), replayed on every path and flush. */
export function runMatrix(o: MatrixOptions): MatrixResult {
  const weights = COST_PROFILES[o.costProfile];
  const claimOf = o.claim ?? claim;
  const runs: CellResult[] = [];
  const rows: MatrixRow[] = [];
  const differentials: DifferentialResult[] = [];
  // shortest traces found so far, in any run: tried first when shrinking the next failure (a trace that breaks
  // pgtable+none on UP usually breaks it on the SMP kernel too, and one trace often breaks several invariants)
  const known: Trace[] = [];
  for (const mach of machinesOf(o)) {
    const base: Partial<ModelConfig> = {
      era: o.era,
      pageSize: o.pageSize,
      cpus: mach.cpus,
      smp: mach.smp,
      preemptGuard: mach.guard,
      tlbCapacity: o.tlbCapacity,
      faults: o.faults,
    };
    if (o.maxPagesPerZspage !== undefined) base.maxPagesPerZspage = o.maxPagesPerZspage;
    const genConfig = makeConfig({ ...base, path: 'copy' });
    const trace = o.replay ?? generateTrace(genConfig, { ops: o.ops, seed: o.seed, specFill: o.specFill });
    const seed = o.replay ? undefined : o.seed;
    const runOne = (path: MapPath, flush: FlushKind): CellResult => {
      const config = makeConfig({ ...base, path, flush });
      const r = runTrace(config, trace);
      const c = claimOf(config);
      const id = `${machineLabel(mach)} ${path}${path === 'pgtable' ? ` flush=${flush}` : ''}`;
      const cell: CellResult = {
        id,
        path,
        config,
        verdict: r.violations.length ? 'fail' : 'pass',
        claimedSafe: c.safe,
        claim: c.why,
        failures: explainRun(r, trace, seed, o.shrinkBudget, known),
        counters: r.counters,
        cost: cost(r.counters, weights),
        steps: r.opsRun,
      };
      runs.push(cell);
      return cell;
    };
    const copyCell = o.paths.includes('copy') ? runOne('copy', 'none') : undefined;
    // the copy path does not flush: without the page-table path one row per CPU setup is enough
    for (const flush of o.paths.includes('pgtable') ? o.flushes : o.flushes.slice(0, 1)) {
      const row: MatrixRow = { machine: mach, flush, cells: {} };
      if (copyCell) row.cells.copy = copyCell.id;
      if (o.paths.includes('pgtable')) row.cells.pgtable = runOne('pgtable', flush).id;
      rows.push(row);
    }
    const diffConfig = makeConfig({ ...base, path: 'copy' });
    const failure = checkDifferential(diffConfig, trace, seed, o.shrinkBudget);
    const claimedSafe = claim(diffConfig).safe && claim({ ...diffConfig, path: 'pgtable', flush: 'global', faults: [] }).safe;
    const d: DifferentialResult = { machine: mach, agree: !failure, claimedSafe };
    if (failure) d.failure = failure;
    differentials.push(d);
  }
  const unexpected =
    runs.filter((r) => r.claimedSafe && r.verdict === 'fail').length +
    differentials.filter((d) => d.claimedSafe && !d.agree).length;
  return { options: o, runs, rows, differentials, unexpected };
}
