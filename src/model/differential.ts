import type { ModelConfig } from './config.js';
import { type RunResult, runTrace } from './model.js';
import { formatOp, type Trace } from './ops.js';
import type { Violation } from './violations.js';

/** The reference configuration a copy-path run is compared with: same machine, page-table path, global flush. */
export function pgtableGlobal(base: ModelConfig): ModelConfig {
  return { ...base, path: 'pgtable', flush: 'global', faults: [] };
}

export function copyOf(base: ModelConfig): ModelConfig {
  return { ...base, path: 'copy' };
}

const hexBytes = (b: Uint8Array | null, at: number): string =>
  b === null ? 'a fault' : Array.from(b.subarray(at, at + 4), (x) => x.toString(16).padStart(2, '0')).join(' ');

/**
 * The first difference between two runs of the same trace: in what a read returned, in an object's bytes after an
 * unmap or when freed, or in an object's bytes at the end.
 */
export function compareRuns(a: RunResult, b: RunResult, trace: Trace, names: [string, string]): Violation | undefined {
  const oa = a.observations;
  const ob = b.observations;
  const step = (i: number): string => `step ${i + 1} (${formatOp(trace[i]!)})`;
  const n = Math.min(oa.length, ob.length);
  for (let i = 0; i < n; i++) {
    const x = oa[i]!;
    const y = ob[i]!;
    if (x.opIndex !== y.opIndex || x.what !== y.what) {
      const at = Math.min(x.opIndex, y.opIndex);
      return { kind: 'PATH_DIVERGENCE', opIndex: at, message: `${step(at)} is observed on one path only` };
    }
    if (x.what === 'read') {
      const diff = firstDiff(x.bytes ?? null, y.bytes ?? null);
      if (diff >= 0) {
        return {
          kind: 'PATH_DIVERGENCE',
          opIndex: x.opIndex,
          message: `${step(x.opIndex)} reads ${hexBytes(x.bytes ?? null, diff)} on ${names[0]} but ${hexBytes(y.bytes ?? null, diff)} on ${names[1]} (#${x.label}, byte ${diff})`,
        };
      }
    } else if (x.digest !== y.digest) {
      return {
        kind: 'PATH_DIVERGENCE',
        opIndex: x.opIndex,
        message: `after ${step(x.opIndex)}, #${x.label} holds different bytes on ${names[0]} and on ${names[1]}`,
      };
    }
  }
  if (oa.length !== ob.length) {
    const at = (oa[n] ?? ob[n])!.opIndex;
    return { kind: 'PATH_DIVERGENCE', opIndex: at, message: `${step(at)} is observed on one path only` };
  }
  const labels = new Set([...a.finalBytes.keys(), ...b.finalBytes.keys()]);
  for (const l of [...labels].sort((x, y) => x - y)) {
    const fa = a.finalBytes.get(l);
    const fb = b.finalBytes.get(l);
    const diff = fa && fb ? firstDiff(fa, fb) : 0;
    if (diff >= 0) {
      return {
        kind: 'PATH_DIVERGENCE',
        opIndex: trace.length - 1,
        message: `at the end, #${l} holds ${fa ? hexBytes(fa, diff) : 'nothing'} on ${names[0]} but ${fb ? hexBytes(fb, diff) : 'nothing'} on ${names[1]} (at byte ${diff})`,
      };
    }
  }
  return undefined;
}

function firstDiff(x: Uint8Array | null, y: Uint8Array | null): number {
  if (x === null || y === null) return x === y ? -1 : 0;
  if (x.length !== y.length) return 0;
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return i;
  return -1;
}

export interface DifferentialRun {
  copy: RunResult;
  pgtable: RunResult;
  divergence: Violation | undefined;
}

/** Replay one trace on the copy path (with the base configuration's faults) and on page-table + global flush. */
export function differential(base: ModelConfig, trace: Trace): DifferentialRun {
  const copy = runTrace(copyOf(base), trace);
  const pgtable = runTrace(pgtableGlobal(base), trace);
  return { copy, pgtable, divergence: compareRuns(copy, pgtable, trace, ['copy', 'pgtable+global']) };
}
