import { checkObject, mapObject, readMapped, unmapObject, writeMapped } from './access.js';
import { type ModelConfig, validateConfig } from './config.js';
import { type Counters, zeroCounters } from './cost.js';
import { POISON_FREE, POISON_INUSE, PhysMemory } from './memory.js';
import { PageTable, Tlb, VaAllocator } from './mmu.js';
import { type Op, type Trace, formatOp } from './ops.js';
import { Pool, type ZsObject } from './pool.js';
import { type Geometry, geometry } from './sizeclass.js';
import { type Area, type CopyBuffer, type Cpu, type Mapping, type Shadow, type Task, fnv1a } from './state.js';
import type { Violation, ViolationKind } from './violations.js';

/** What the caller could observe at one step: the bytes a read returned, or an object's bytes after unmap / at free. */
export interface Observation {
  opIndex: number;
  what: 'read' | 'object';
  label: number;
  /** read: the bytes (null when the read faulted); object: undefined (see digest) */
  bytes?: Uint8Array | null;
  /** object: FNV-1a of its payload bytes */
  digest?: number;
}

export interface RunResult {
  config: ModelConfig;
  /** the first violation of each kind, in the order they happened */
  violations: Violation[];
  /** how many times each kind was seen */
  counts: Partial<Record<ViolationKind, number>>;
  counters: Counters;
  /** every read's bytes and every object's bytes after unmap and at free, for the differential check */
  observations: Observation[];
  /** final payload bytes of every live object not mapped at the end, by label */
  finalBytes: Map<number, Uint8Array>;
  opsRun: number;
}

/**
 * The executable model: zsmalloc over physical pages, with per-CPU mapping areas, per-CPU TLBs, tasks that can be
 * preempted, migrated and put to sleep, interrupts and CPU hotplug, and both ways of mapping a straddling object.
 * Deterministic: the same configuration and trace always give the same result.
 */
export class ZsModel {
  readonly g: Geometry;
  readonly mem: PhysMemory;
  readonly pool: Pool;
  readonly pt = new PageTable();
  readonly va: VaAllocator;
  readonly cpus: Cpu[] = [];
  readonly tasks = new Map<number, Task>();
  readonly objects = new Map<number, ZsObject>();
  /** @internal (access.ts) what each live object must hold, by object id */
  readonly shadows = new Map<number, Shadow>();
  /** @internal (access.ts) object id -> how many mappings of it are live */
  readonly mappedBy = new Map<number, number>();
  readonly counters: Counters = zeroCounters();
  private readonly first = new Map<ViolationKind, Violation>();
  private readonly counts: Partial<Record<ViolationKind, number>> = {};
  /** @internal (access.ts) */
  readonly observations: Observation[] = [];
  private nextBufferId = 1;
  /** @internal (access.ts) index of the step being applied */
  opIndex = -1;
  private currentOp: Op | undefined;

  constructor(readonly config: ModelConfig) {
    validateConfig(config);
    const geo: Parameters<typeof geometry>[0] = { pageSize: config.pageSize, era: config.era, wordSize: config.wordSize };
    if (config.maxPagesPerZspage !== undefined) geo.maxPagesPerZspage = config.maxPagesPerZspage;
    this.g = geometry(geo);
    this.mem = new PhysMemory(this.g.pageSize);
    this.pool = new Pool(this.g, this.mem);
    this.va = new VaAllocator(this.g.pageSize);
    for (let i = 0; i < config.cpus; i++) {
      const cpu: Cpu = { id: i, online: true, tlb: new Tlb(config.tlbCapacity), area: undefined };
      this.cpus.push(cpu);
      cpu.area = this.areaUp(i);
    }
  }

  // ---- queries the workload generator uses ----------------------------------------------------------------------

  task(id: number): Task {
    let t = this.tasks.get(id);
    if (!t) {
      t = { id, cpu: id % this.config.cpus, maps: [], preempt: 0, sleeping: false };
      // a task never starts on an offline CPU
      if (!this.cpus[t.cpu]!.online) t.cpu = this.cpus.find((c) => c.online)!.id;
      this.tasks.set(id, t);
    }
    return t;
  }

  /** Can the scheduler run this task now? */
  runnable(id: number): boolean {
    const t = this.task(id);
    if (!this.cpus[t.cpu]!.online) return false;
    for (const u of this.tasks.values()) {
      if (u !== t && u.cpu === t.cpu && !u.sleeping && u.preempt > 0) return false;
    }
    return true;
  }

  /** Is the task pinned to its CPU (preemption disabled and running)? */
  pinned(id: number): boolean {
    const t = this.task(id);
    return t.preempt > 0 && !t.sleeping;
  }

  topMapping(id: number): Readonly<Mapping> | undefined {
    return this.task(id).maps.at(-1);
  }

  isMapped(label: number): boolean {
    const o = this.objects.get(label);
    return o !== undefined && this.mappedBy.has(o.id);
  }

  /** defined bytes of an object's shadow (for a well-behaved caller's choices) */
  objectDefined(label: number): Uint8Array | undefined {
    const o = this.objects.get(label);
    return o ? this.shadows.get(o.id)!.defined : undefined;
  }

  onlineCpus(): number[] {
    return this.cpus.filter((c) => c.online).map((c) => c.id);
  }

  // ---- running ---------------------------------------------------------------------------------------------------

  run(trace: Trace, stopAt?: (kind: ViolationKind) => boolean): RunResult {
    // every task exists from the start, on its home CPU (as when the generator built the trace)
    const ids = new Set<number>();
    for (const op of trace) if ('task' in op) ids.add(op.task);
    for (const id of [...ids].sort((a, b) => a - b)) this.task(id);
    for (let i = 0; i < trace.length; i++) {
      const before = this.first.size;
      this.apply(trace[i]!, i);
      // stopped early: what was asked for is found, the end-of-trace checks would only cost time
      if (stopAt && this.first.size !== before && [...this.first.keys()].some(stopAt)) return this.finish(false);
    }
    return this.finish();
  }

  apply(op: Op, index = this.opIndex + 1): void {
    this.opIndex = index;
    this.currentOp = op;
    if (!this.step(op)) this.counters.skipped++;
  }

  /** End-of-trace checks (unless `check` is false) and the result. */
  finish(check = true): RunResult {
    this.currentOp = undefined;
    const finalBytes = new Map<number, Uint8Array>();
    for (const [label, obj] of check ? this.objects : []) {
      if (this.mappedBy.has(obj.id)) continue;
      const bytes = new Uint8Array(obj.size);
      this.pool.readSlot(obj, obj.hdr, obj.size, bytes);
      checkObject(this, obj, bytes, undefined, 'at the end of the trace');
      finalBytes.set(label, bytes);
    }
    const violations = [...this.first.values()].sort((a, b) => a.opIndex - b.opIndex);
    return {
      config: this.config,
      violations,
      counts: { ...this.counts },
      counters: { ...this.counters },
      observations: this.observations,
      finalBytes,
      opsRun: this.opIndex + 1,
    };
  }

  /** Record a violation; the message may be a function, built only for the first of its kind. */
  /** @internal (access.ts) */
  violate(kind: ViolationKind, message: string | (() => string)): void {
    this.counts[kind] = (this.counts[kind] ?? 0) + 1;
    if (!this.first.has(kind)) {
      const where = this.currentOp ? `step ${this.opIndex + 1} (${formatOp(this.currentOp)}): ` : '';
      this.first.set(kind, { kind, opIndex: this.opIndex, message: where + (typeof message === 'string' ? message : message()) });
    }
  }

  /** Apply one step; false if it could not happen in this state. */
  private step(op: Op): boolean {
    switch (op.op) {
      case 'alloc': return this.alloc(op.task, op.obj, op.size);
      case 'free': return this.free(op.task, op.obj);
      case 'map': return mapObject(this, op.task, op.obj, op.mode);
      case 'read': return readMapped(this, op.task, op.off, op.len);
      case 'write': return writeMapped(this, op.task, op.off, op.len, op.fill);
      case 'unmap': return unmapObject(this, op.task);
      case 'migrate': return this.migrate(op.task, op.cpu);
      case 'sleep': return this.sleep(op.task);
      case 'irq': return this.irq(op.cpu, op.obj);
      case 'spec': return this.spec(op.cpu, op.area, op.page);
      case 'offline': return this.offline(op.cpu);
      case 'online': return this.online(op.cpu);
    }
  }

  /** @internal (access.ts) Run task `id` (waking it if asleep); false if it cannot run now. */
  schedule(id: number): Task | undefined {
    if (!this.runnable(id)) return undefined;
    const t = this.task(id);
    t.sleeping = false;
    return t;
  }

  private alloc(taskId: number, label: number, size: number): boolean {
    if (this.objects.has(label) || !this.schedule(taskId)) return false;
    const obj = this.pool.alloc(size, label);
    if (!obj) return false;
    this.objects.set(label, obj);
    this.shadows.set(obj.id, { data: new Uint8Array(size), defined: new Uint8Array(size) });
    return true;
  }

  private free(taskId: number, label: number): boolean {
    const obj = this.objects.get(label);
    if (!obj || this.mappedBy.has(obj.id) || !this.schedule(taskId)) return false;
    const bytes = new Uint8Array(obj.size);
    this.pool.readSlot(obj, obj.hdr, obj.size, bytes);
    checkObject(this, obj, bytes, undefined, 'when freed');
    this.observations.push({ opIndex: this.opIndex, what: 'object', label, digest: fnv1a(bytes) });
    this.pool.free(obj);
    this.objects.delete(label);
    this.shadows.delete(obj.id);
    return true;
  }

  private migrate(taskId: number, to: number): boolean {
    const t = this.task(taskId);
    const target = this.cpus[to];
    if (!target || !target.online || target.id === t.cpu || this.pinned(taskId)) return false;
    t.cpu = to;
    return true;
  }

  private sleep(taskId: number): boolean {
    const t = this.schedule(taskId);
    if (!t) return false;
    if (t.preempt > 0) {
      this.violate('SLEEP_IN_ATOMIC', `T${t.id} sleeps on cpu${t.cpu} with #${t.maps.at(-1)!.obj.label} mapped (preemption disabled)`);
    }
    t.sleeping = true;
    return true;
  }

  private irq(cpuId: number, label: number | undefined): boolean {
    const cpu = this.cpus[cpuId];
    if (!cpu || !cpu.online) return false;
    if (label !== undefined) {
      this.violate('MAP_IN_IRQ', `an interrupt handler on cpu${cpuId} calls zs_map_object(#${label}): BUG_ON(in_interrupt())`);
    }
    return true;
  }

  private spec(cpuId: number, areaCpu: number, page: number): boolean {
    const cpu = this.cpus[cpuId];
    const owner = this.cpus[areaCpu];
    if (!cpu || !cpu.online || !owner || page > 1) return false;
    if (owner.area?.vpn === undefined) return true;
    const vpn = owner.area.vpn + page;
    const pte = this.pt.get(vpn);
    // only present entries can be loaded; speculating on an empty one does nothing (and is not a skipped step)
    if (pte === undefined) return true;
    if (cpu.tlb.fill(vpn, pte)) this.counters.tlbEvictions++;
    this.counters.specFills++;
    return true;
  }

  private offline(cpuId: number): boolean {
    const cpu = this.cpus[cpuId];
    if (!cpu || !cpu.online) return false;
    const others = this.cpus.filter((c) => c.online && c !== cpu);
    if (others.length === 0) return false;
    // stop_machine cannot run while a task on that CPU has preemption disabled
    for (const t of this.tasks.values()) if (t.cpu === cpuId && this.pinned(t.id)) return false;
    for (const t of this.tasks.values()) if (t.cpu === cpuId) t.cpu = others[0]!.id;
    cpu.online = false;
    cpu.tlb.clear();
    this.areaDown(cpu);
    return true;
  }

  private online(cpuId: number): boolean {
    const cpu = this.cpus[cpuId];
    if (!cpu || cpu.online) return false;
    cpu.online = true;
    cpu.tlb.clear();
    cpu.area = this.areaUp(cpuId);
    return true;
  }

  /** CPU up: the copy path allocates a buffer, the page-table path a 2-page virtual area. */
  private areaUp(cpuId: number): Area {
    if (this.config.path === 'copy') {
      const buffer: CopyBuffer = { id: this.nextBufferId++, cpu: cpuId, data: new Uint8Array(this.g.pageSize), freed: false };
      buffer.data.fill(POISON_INUSE);
      return { mode: 'rw', buffer };
    }
    return { mode: 'rw', vpn: this.va.alloc(2) };
  }

  /** CPU down: free the buffer, or unmap and free the area (free_vm_area flushes the range on every CPU). */
  private areaDown(cpu: Cpu): void {
    const area = cpu.area!;
    if (area.buffer) {
      area.buffer.freed = true;
      area.buffer.data.fill(POISON_FREE);
    }
    if (area.vpn !== undefined) {
      let cleared = 0;
      for (let k = 0; k < 2; k++) if (this.pt.clear(area.vpn + k)) cleared++;
      this.counters.pteWrites += cleared;
      for (const c of this.cpus) if (c.online) c.tlb.flushRange(area.vpn, area.vpn + 2);
      this.counters.globalFlushes++;
      if (this.config.smp) this.counters.ipis += this.cpus.filter((c) => c.online).length - 1;
      this.va.free(area.vpn);
    }
    cpu.area = undefined;
  }
}

/** Run a trace on a fresh model. */
export function runTrace(config: ModelConfig, trace: Trace, stopAt?: (kind: ViolationKind) => boolean): RunResult {
  return new ZsModel(config).run(trace, stopAt);
}
