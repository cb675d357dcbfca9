import type { ModelConfig } from './config.js';
import { differential } from './differential.js';
import { type RunResult, runTrace } from './model.js';
import type { Trace } from './ops.js';
import { shrinkTrace } from './shrink.js';
import { CALLER_FAULTS, type Violation, type ViolationKind } from './violations.js';

/** A violation found, with the shortest trace that still shows it. */
export interface Failure {
  kind: ViolationKind;
  /** the message of the shrunk trace's violation */
  message: string;
  /** the shortest trace found */
  trace: Trace;
  /** steps of the trace it was found in, up to the violation */
  foundAfter: number;
  /** the seed of the generated trace it was found in (undefined when the trace came from --replay) */
  seed: number | undefined;
  replays: number;
  minimal: boolean;
}

function callerFaults(vs: Violation[]): Set<ViolationKind> {
  return new Set(vs.map((v) => v.kind).filter((k) => CALLER_FAULTS.has(k)));
}

const subset = (a: Set<ViolationKind>, b: Set<ViolationKind>): boolean => [...a].every((k) => b.has(k));

/**
 * Shrink the trace of a run that broke `kind`. A shrunk trace counts only if it still breaks `kind` without the
 * caller breaking the contract in any way it did not already (so shrinking cannot "explain" an allocator bug by a
 * caller bug).
 */
export function shrinkViolation(
  config: ModelConfig,
  trace: Trace,
  found: Violation,
  seed: number | undefined,
  budget?: number,
  hints: readonly Trace[] = [],
): Failure {
  const kind = found.kind;
  const prefix = trace.slice(0, found.opIndex + 1);
  const allowed = callerFaults(runTrace(config, prefix, (k) => k === kind).violations);
  const fails = (t: Trace): boolean => {
    const r = runTrace(config, t, (k) => k === kind);
    return r.violations.some((v) => v.kind === kind) && subset(callerFaults(r.violations), allowed);
  };
  // a short trace already found for another invariant or configuration often shows this one too: start there
  const start = [...hints].sort((a, b) => a.length - b.length).find((h) => h.length < prefix.length && fails(h)) ?? prefix;
  const s = shrinkTrace(start, fails, budget);
  const final = runTrace(config, s.trace, (k) => k === kind).violations.find((v) => v.kind === kind)!;
  return { kind, message: final.message, trace: s.trace, foundAfter: prefix.length, seed, replays: s.replays, minimal: s.minimal };
}

/**
 * Every violation of a run, each with its own shrunk trace. `known` holds short traces found before (for other
 * invariants or configurations of the same machine): tried first as starting points, and added to.
 */
export function explainRun(r: RunResult, trace: Trace, seed: number | undefined, budget?: number, known: Trace[] = []): Failure[] {
  return r.violations.map((v) => {
    const f = shrinkViolation(r.config, trace, v, seed, budget, known);
    known.push(f.trace);
    return f;
  });
}

/** The differential check of one trace (copy vs page-table + global flush), shrunk when the paths diverge. */
export function checkDifferential(base: ModelConfig, trace: Trace, seed: number | undefined, budget?: number): Failure | undefined {
  const d = differential(base, trace);
  if (!d.divergence) return undefined;
  const cut = d.divergence.opIndex + 1;
  const prefix = trace.slice(0, cut);
  const first = differential(base, prefix);
  const start = first.divergence ? prefix : trace;
  const startRun = first.divergence ? first : d;
  const allowed = new Set([...callerFaults(startRun.copy.violations), ...callerFaults(startRun.pgtable.violations)]);
  const fails = (t: Trace): boolean => {
    const r = differential(base, t);
    if (!r.divergence) return false;
    return subset(callerFaults(r.copy.violations), allowed) && subset(callerFaults(r.pgtable.violations), allowed);
  };
  const s = shrinkTrace(start, fails, budget);
  const final = differential(base, s.trace).divergence!;
  return {
    kind: 'PATH_DIVERGENCE',
    message: final.message,
    trace: s.trace,
    foundAfter: start.length,
    seed,
    replays: s.replays,
    minimal: s.minimal,
  };
}
