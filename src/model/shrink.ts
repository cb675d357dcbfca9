import type { Op, Trace } from './ops.js';

export interface ShrinkOutcome {
  trace: Trace;
  /** how many candidate traces were replayed */
  replays: number;
  /** true when no single step can be removed or simplified any more (the budget was not exhausted) */
  minimal: boolean;
}

/**
 * Shrink a failing trace: the shortest (and simplest) trace found that still fails, by delta debugging — remove
 * chunks of steps, halving the chunk size down to single steps — and then simplifying the steps that remain
 * (shorter reads and writes, offsets at 0). `fails` must be deterministic; it is called at most `budget` times.
 */
export function shrinkTrace(trace: Trace, fails: (t: Trace) => boolean, budget = 1500): ShrinkOutcome {
  let replays = 0;
  let exhausted = false;
  const test = (t: Trace): boolean => {
    if (replays >= budget) {
      exhausted = true;
      return false;
    }
    replays++;
    return fails(t);
  };
  let cur = removeGroups(trace.slice(), test);
  for (let round = 0; round < 4; round++) {
    const before = cur.length;
    cur = removeChunks(cur, test);
    const simplified = simplifySteps(cur, test);
    const changed = simplified.changed || cur.length !== before;
    cur = simplified.trace;
    if (!changed || exhausted) break;
  }
  return { trace: cur, replays, minimal: !exhausted };
}

/**
 * Cheap first pass: try dropping whole groups of related steps at once — everything a task does, everything that
 * names an object, every step of one kind (speculative fills, migrations, hotplug, interrupts).
 */
function removeGroups(trace: Trace, test: (t: Trace) => boolean): Trace {
  const keys = (op: Op): string[] => {
    const k = [`op:${op.op}`];
    if ('task' in op) k.push(`task:${op.task}`);
    if ('obj' in op && op.obj !== undefined) k.push(`obj:${op.obj}`);
    if (op.op === 'spec') k.push(`spec:${op.cpu}`, `area:${op.area}`);
    return k;
  };
  let cur = trace;
  const groups = new Set<string>();
  for (const op of cur) for (const k of keys(op)) groups.add(k);
  for (const g of groups) {
    const cand = cur.filter((op) => !keys(op).includes(g));
    if (cand.length < cur.length && cand.length > 0 && test(cand)) cur = cand;
  }
  return cur;
}

function removeChunks(trace: Trace, test: (t: Trace) => boolean): Trace {
  let cur = trace;
  let size = Math.max(1, Math.floor(cur.length / 2));
  for (;;) {
    let removed = false;
    for (let i = 0; i < cur.length; ) {
      const cand = cur.slice(0, i).concat(cur.slice(i + size));
      if (cand.length < cur.length && test(cand)) {
        cur = cand;
        removed = true;
      } else i += size;
    }
    if (size === 1 && !removed) return cur;
    if (!removed) size = Math.max(1, Math.floor(size / 2));
  }
}

/** Simpler variants of one step, simplest first. */
function variants(op: Op): Op[] {
  const out: Op[] = [];
  if (op.op === 'read' || op.op === 'write') {
    if (op.len > 1) out.push({ ...op, len: 1 });
    if (op.off > 0) out.push({ ...op, off: 0 });
    // one write from the start covering this one and the ones before it (they can then go)
    if (op.op === 'write' && op.off > 0) out.push({ ...op, off: 0, len: op.off + op.len });
    if (op.len > 2) out.push({ ...op, len: Math.ceil(op.len / 2) });
  }
  if (op.op === 'map' && op.mode !== 'rw') out.push({ ...op, mode: 'rw' });
  return out;
}

function simplifySteps(trace: Trace, test: (t: Trace) => boolean): { trace: Trace; changed: boolean } {
  let cur = trace;
  let changed = false;
  for (let i = 0; i < cur.length; i++) {
    for (const v of variants(cur[i]!)) {
      const cand = cur.slice();
      cand[i] = v;
      if (test(cand)) {
        cur = cand;
        changed = true;
        break;
      }
    }
  }
  return { trace: cur, changed };
}
