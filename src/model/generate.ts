import type { ModelConfig } from './config.js';
import { ZsModel } from './model.js';
import type { MapMode, Op, Trace } from './ops.js';
import { Rng } from './rng.js';

export interface WorkloadOptions {
  /** steps of tasks and scheduler (speculative TLB fills come on top) */
  ops: number;
  seed: number;
  /** tasks T0..Tn-1 (default: two per CPU) */
  tasks?: number;
  /** live objects at most (default 24) */
  maxLive?: number;
  /** probability, per step and per online CPU, that the CPU speculatively loads a TLB entry (default 0.1) */
  specFill?: number;
  /** CPU hotplug steps when there are several CPUs (default true) */
  hotplug?: boolean;
  /** probability per step of a caller mistake (nested map, sleep while mapped, map in irq, write through RO,
   * partial write under WO). Default 0: the caller keeps the zsmalloc contract. */
  misuse?: number;
}

/**
 * A random workload, zram-like: tasks allocate objects of sizes that straddle pages, map them (fresh objects
 * write-only, then read-only or read-write), read and write through the mapping, unmap and free; the scheduler
 * migrates tasks; CPUs go offline and come back; CPUs speculatively load TLB entries for mapping areas.
 *
 * The caller keeps the contract unless `misuse` > 0. The trace is built by running the model as it goes (so every
 * step is possible when it is taken), but only from facts that do not depend on the mapping path, so one trace can
 * be replayed on every path and configuration with the same CPU count.
 */
export function generateTrace(config: ModelConfig, opts: WorkloadOptions): Trace {
  const rng = new Rng(opts.seed);
  const m = new ZsModel(config);
  const nTasks = opts.tasks ?? Math.max(2, 2 * config.cpus);
  const maxLive = opts.maxLive ?? 24;
  const specFill = opts.specFill ?? 0.1;
  const hotplug = (opts.hotplug ?? true) && config.cpus > 1;
  const misuse = opts.misuse ?? 0;
  const trace: Trace = [];
  let nextLabel = 1;
  const live: number[] = [];
  const straddlingClasses = m.pool.classes.filter((c) => c.straddling.length > 0 && c.servedBy === c.index);
  if (straddlingClasses.length === 0) throw new Error('model bug: no size class has a straddling object');
  const hdr = m.g.headerSize;

  // every task exists from the start, on its home CPU (ZsModel.run does the same when replaying)
  for (let t = 0; t < nTasks; t++) m.task(t);

  const emit = (op: Op): void => {
    trace.push(op);
    m.apply(op, trace.length - 1);
  };

  // like zram's compressed pages, sizes cluster: most objects come from a few classes, so zspages fill up and the
  // objects past the first of each zspage (the ones that straddle) get used
  // (classes whose first straddling object comes early, so that a few live objects already reach it)
  const early = straddlingClasses.filter((c) => c.straddling[0]! <= 2);
  const pool = early.length >= 3 ? early : straddlingClasses;
  const favourites = Array.from({ length: Math.min(3, pool.length) }, () => rng.pick(pool));
  const pickSize = (): number => {
    if (rng.chance(0.9) && favourites.length) {
      const c = rng.pick(favourites);
      const lo = Math.max(1, c.size - m.g.classDelta + 1 - (c.huge ? 0 : hdr));
      return rng.range(lo, c.size - (c.huge ? 0 : hdr));
    }
    return rng.range(1, m.g.maxAllocSize);
  };

  /** a random run of bytes where `mask` is set (or not set, with want=0), at most `max` long */
  const pickRun = (mask: Uint8Array, want: number, max: number): [number, number] | undefined => {
    const n = mask.length;
    if (n === 0) return undefined;
    const start = rng.int(n);
    for (let k = 0; k < n; k++) {
      const i = (start + k) % n;
      if (mask[i] === want) {
        let j = i;
        while (j < n && mask[j] === want && j - i < max) j++;
        return [i, j - i];
      }
    }
    return undefined;
  };

  const writeLen = (): number => (rng.chance(0.25) ? 1 << 30 : rng.range(1, 64));

  for (let step = 0; step < opts.ops; step++) {
    // hardware: speculative TLB fills of present entries of some mapping area
    const online = m.onlineCpus();
    for (const c of online) {
      if (specFill > 0 && rng.chance(specFill)) emit({ op: 'spec', cpu: c, area: rng.pick(online), page: rng.int(2) });
    }
    // scheduler and hardware events
    const r = rng.float();
    if (r < 0.06 && online.length > 1) {
      const t = rng.int(nTasks);
      if (!m.pinned(t)) {
        const to = rng.pick(online.filter((c) => c !== m.task(t).cpu));
        emit({ op: 'migrate', task: t, cpu: to });
        continue;
      }
    } else if (r < 0.075 && hotplug) {
      const offline = m.cpus.filter((c) => !c.online).map((c) => c.id);
      if (offline.length && rng.chance(0.5)) {
        emit({ op: 'online', cpu: rng.pick(offline) });
        continue;
      }
      if (online.length > 1) {
        const c = rng.pick(online);
        const blocked = [...m.tasks.values()].some((t) => t.cpu === c && m.pinned(t.id));
        if (!blocked) {
          emit({ op: 'offline', cpu: c });
          continue;
        }
      }
    } else if (r < 0.085) {
      emit({ op: 'irq', cpu: rng.pick(online) });
      continue;
    }
    // a task step
    const runnable: number[] = [];
    for (let t = 0; t < nTasks; t++) if (m.runnable(t)) runnable.push(t);
    if (runnable.length === 0) continue;
    const t = rng.pick(runnable);
    const mp = m.topMapping(t);
    if (misuse > 0 && rng.chance(misuse)) {
      const mistake = misuseStep(t, mp !== undefined);
      if (mistake) {
        emit(mistake);
        continue;
      }
    }
    if (mp) {
      const size = mp.obj.size;
      // a write-only mapping is usually filled in one go (zram copies the compressed page in)
      const unwritten = mp.mode === 'wo' ? pickRun(mp.written, 0, rng.chance(0.75) ? size : writeLen()) : undefined;
      const choice = rng.weighted<'read' | 'write' | 'unmap'>([
        ['read', 4],
        ['write', mp.mode === 'ro' ? 0 : 3],
        ['unmap', unwritten ? 0 : 3],
      ]);
      if (choice === 'read') {
        const run = pickRun(mp.defined, 1, rng.chance(0.2) ? size : rng.range(1, 64));
        if (run) {
          emit({ op: 'read', task: t, off: run[0], len: run[1] });
          continue;
        }
      }
      if (choice === 'write' || (choice === 'read' && mp.mode !== 'ro')) {
        if (unwritten) emit({ op: 'write', task: t, off: unwritten[0], len: unwritten[1], fill: rng.int(0x10000) });
        else {
          const off = rng.int(size);
          emit({ op: 'write', task: t, off, len: Math.min(size - off, writeLen()), fill: rng.int(0x10000) });
        }
        continue;
      }
      if (unwritten) {
        emit({ op: 'write', task: t, off: unwritten[0], len: unwritten[1], fill: rng.int(0x10000) });
        continue;
      }
      emit({ op: 'unmap', task: t });
      continue;
    }
    const unmapped = live.filter((l) => !m.isMapped(l));
    const choice = rng.weighted<'alloc' | 'free' | 'map' | 'sleep'>([
      ['alloc', live.length < maxLive ? 2 : 0],
      ['free', unmapped.length ? (live.length >= maxLive ? 2 : 0.7) : 0],
      ['map', unmapped.length ? 5 : 0],
      ['sleep', 0.3],
    ]);
    if (choice === 'alloc') {
      const label = nextLabel++;
      emit({ op: 'alloc', task: t, obj: label, size: pickSize() });
      if (m.objects.has(label)) live.push(label);
    } else if (choice === 'free') {
      const l = rng.pick(unmapped);
      emit({ op: 'free', task: t, obj: l });
      live.splice(live.indexOf(l), 1);
    } else if (choice === 'map') {
      const l = rng.pick(unmapped);
      const def = m.objectDefined(l)!;
      const any = def.some((b) => b === 1);
      const mode: MapMode = any ? rng.weighted<MapMode>([['ro', 3], ['rw', 3], ['wo', 1]]) : 'wo';
      emit({ op: 'map', task: t, obj: l, mode });
    } else {
      emit({ op: 'sleep', task: t });
    }
  }
  return trace;

  function misuseStep(t: number, mapped: boolean): Op | undefined {
    const unmapped = live.filter((l) => !m.isMapped(l));
    const options: Op[] = [];
    if (unmapped.length) {
      if (mapped) options.push({ op: 'map', task: t, obj: rng.pick(unmapped), mode: 'rw' });
      options.push({ op: 'irq', cpu: m.task(t).cpu, obj: rng.pick(unmapped) });
    }
    if (mapped) {
      options.push({ op: 'sleep', task: t });
      const mp = m.topMapping(t)!;
      if (mp.mode === 'ro') options.push({ op: 'write', task: t, off: 0, len: Math.min(8, mp.obj.size), fill: rng.int(0x10000) });
      if (mp.mode === 'wo') options.push({ op: 'unmap', task: t });
    }
    return options.length ? rng.pick(options) : undefined;
  }
}
