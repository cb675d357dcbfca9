import { type ModelConfig, validateConfig } from './config.js';
import { type Counters, zeroCounters } from './cost.js';
import { OWN_PAYLOAD, POISON_FREE, POISON_INUSE, PhysMemory, ownerName } from './memory.js';
import { PageTable, Tlb, VaAllocator } from './mmu.js';
import { type MapMode, type Op, type Trace, formatOp, patternByte } from './ops.js';
import { Pool, type ZsObject } from './pool.js';
import { type Geometry, geometry } from './sizeclass.js';
import { type Violation, type ViolationKind } from './violations.js';

/** A per-CPU copy buffer (copy path): ordinary kernel memory, reachable from any CPU. */
interface CopyBuffer {
  id: number;
  cpu: number;
  data: Uint8Array;
  freed: boolean;
}

/** struct mapping_area: one per CPU. */
interface Area {
  /** vm_mm: the mode of the last map on this CPU (zero-initialised per-CPU data: ZS_MM_RW) */
  mode: MapMode;
  /** page-table path: first virtual page of the 2-page area */
  vpn?: number;
  /** copy path */
  buffer?: CopyBuffer;
}

interface Cpu {
  id: number;
  online: boolean;
  tlb: Tlb;
  area: Area | undefined;
}

interface Mapping {
  obj: ZsObject;
  mode: MapMode;
  mapCpu: number;
  /** what the returned pointer addresses */
  kind: 'direct' | 'buffer' | 'area';
  buffer?: CopyBuffer;
  /** first virtual page of the area the pointer points into (the mapping CPU's area at map time) */
  vpn?: number;
  /** what the caller must see through this mapping (payload bytes), which of them are defined, which it wrote */
  view: Uint8Array;
  defined: Uint8Array;
  written: Uint8Array;
  /** bytes written through a read-only mapping: undefined afterwards (copy drops them, page-table keeps them) */
  roWritten: boolean;
}

interface Task {
  id: number;
  cpu: number;
  maps: Mapping[];
  /** preemption disabled by map (guard on) */
  preempt: number;
  sleeping: boolean;
}

interface Shadow {
  data: Uint8Array;
  defined: Uint8Array;
}

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

function fnv1a(b: Uint8Array): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < b.length; i++) h = Math.imul(h ^ b[i]!, 0x01000193);
  return h >>> 0;
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

const hex = (n: number): string => '0x' + n.toString(16);

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
  private readonly shadows = new Map<number, Shadow>();
  /** object id -> how many mappings of it are live */
  private readonly mappedBy = new Map<number, number>();
  readonly counters: Counters = zeroCounters();
  private readonly first = new Map<ViolationKind, Violation>();
  private readonly counts: Partial<Record<ViolationKind, number>> = {};
  private readonly observations: Observation[] = [];
  private nextBufferId = 1;
  private opIndex = -1;
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
      this.checkObject(obj, bytes, undefined, 'at the end of the trace');
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
  private violate(kind: ViolationKind, message: string | (() => string)): void {
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
      case 'map': return this.map(op.task, op.obj, op.mode);
      case 'read': return this.read(op.task, op.off, op.len);
      case 'write': return this.write(op.task, op.off, op.len, op.fill);
      case 'unmap': return this.unmap(op.task);
      case 'migrate': return this.migrate(op.task, op.cpu);
      case 'sleep': return this.sleep(op.task);
      case 'irq': return this.irq(op.cpu, op.obj);
      case 'spec': return this.spec(op.cpu, op.area, op.page);
      case 'offline': return this.offline(op.cpu);
      case 'online': return this.online(op.cpu);
    }
  }

  /** Run task `id` (waking it if asleep); false if it cannot run now. */
  private schedule(id: number): Task | undefined {
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
    this.checkObject(obj, bytes, undefined, 'when freed');
    this.observations.push({ opIndex: this.opIndex, what: 'object', label, digest: fnv1a(bytes) });
    this.pool.free(obj);
    this.objects.delete(label);
    this.shadows.delete(obj.id);
    return true;
  }

  private map(taskId: number, label: number, mode: MapMode): boolean {
    const obj = this.objects.get(label);
    if (!obj) return false;
    const t = this.schedule(taskId);
    if (!t) return false;
    // the handle goes through the allocator's own decoding, as in zs_map_object
    const resolved = this.pool.decode(obj.handle);
    if (resolved !== obj) throw new Error(`model bug: handle ${hex(obj.handle)} of #${label} decodes to another object`);
    if (t.maps.length > 0) {
      this.violate('NESTED_MAP', `T${t.id} maps #${label} while it still holds #${t.maps.at(-1)!.obj.label} mapped`);
    }
    if (this.mappedBy.has(obj.id)) {
      // several readers may map one object at once; a writer must exclude everybody (zram holds a slot lock)
      for (const u of this.tasks.values()) {
        const other = u.maps.find((x) => x.obj === obj);
        if (other && (mode !== 'ro' || other.mode !== 'ro')) {
          this.violate('CONTRACT_VIOLATION', `T${t.id} maps #${label} ${mode} while T${u.id} holds it mapped ${other.mode}`);
          break;
        }
      }
    }
    const cpu = this.cpus[t.cpu]!;
    const area = cpu.area!;
    area.mode = mode;
    if (this.config.preemptGuard) t.preempt++;
    this.counters.maps++;
    const shadow = this.shadows.get(obj.id)!;
    const m: Mapping = {
      obj,
      mode,
      mapCpu: cpu.id,
      kind: 'direct',
      view: shadow.data.slice(),
      defined: mode === 'wo' ? new Uint8Array(obj.size) : shadow.defined.slice(),
      written: new Uint8Array(obj.size),
      roWritten: false,
    };
    if (obj.straddles) {
      this.counters.straddlingMaps++;
      if (this.config.path === 'copy') {
        m.kind = 'buffer';
        m.buffer = area.buffer!;
        const skip = mode === 'wo' || (mode === 'rw' && this.config.faults.includes('skip-copy-in-rw'));
        if (!skip) {
          this.pool.readSlot(obj, 0, obj.cls.size, area.buffer!.data);
          this.counters.copiesIn++;
          this.counters.copyPieces += 2;
          this.counters.bytesIn += obj.cls.size;
        }
      } else {
        m.kind = 'area';
        m.vpn = area.vpn!;
        const [p0, p1] = this.pool.slotPages(obj);
        this.pt.set(area.vpn!, p0!.pfn);
        this.pt.set(area.vpn! + 1, p1!.pfn);
        this.counters.pteWrites += 2;
      }
    }
    t.maps.push(m);
    this.mappedBy.set(obj.id, (this.mappedBy.get(obj.id) ?? 0) + 1);
    return true;
  }

  /** Translate a virtual page on a CPU: through its TLB, else by walking the page table and filling the TLB. */
  private translate(cpu: Cpu, vpn: number): { pfn: number; stale: boolean; pte: number | undefined } | undefined {
    const pte = this.pt.get(vpn);
    const hit = cpu.tlb.lookup(vpn);
    if (hit !== undefined) {
      this.counters.tlbHits++;
      const stale = hit !== pte;
      if (stale) this.counters.staleHits++;
      return { pfn: hit, stale, pte };
    }
    if (pte === undefined) {
      this.counters.pageFaults++;
      return undefined;
    }
    this.counters.tlbFills++;
    if (cpu.tlb.fill(vpn, pte)) this.counters.tlbEvictions++;
    return { pfn: pte, stale: false, pte };
  }

  private areaVa(m: Mapping, payloadOff: number): number {
    return m.vpn! * this.g.pageSize + m.obj.offset + m.obj.hdr + payloadOff;
  }

  private read(taskId: number, off: number, len: number): boolean {
    const t = this.schedule(taskId);
    const m = t?.maps.at(-1);
    if (!t || !m || len < 1 || off + len > m.obj.cls.size - m.obj.hdr) return false;
    this.counters.reads++;
    const obj = m.obj;
    const got = new Uint8Array(len);
    const staleByte = new Uint8Array(len);
    const P = this.g.pageSize;
    let fault = '';
    let staleNote = '';
    if (m.kind === 'direct') {
      this.pool.readSlot(obj, obj.hdr + off, len, got);
    } else if (m.kind === 'buffer') {
      got.set(m.buffer!.data.subarray(obj.hdr + off, obj.hdr + off + len));
    } else {
      const cpu = this.cpus[t.cpu]!;
      for (let i = 0; i < len; ) {
        const va = this.areaVa(m, off + i);
        const vpn = Math.floor(va / P);
        const po = va % P;
        const n = Math.min(len - i, P - po);
        const tr = this.translate(cpu, vpn);
        if (!tr) {
          fault = `virtual page ${hex(vpn * P)} is neither in cpu${cpu.id}'s TLB nor in the page table`;
          break;
        }
        got.set(this.mem.page(tr.pfn)!.data.subarray(po, po + n), i);
        if (tr.stale) {
          staleByte.fill(1, i, i + n);
          staleNote = `cpu${cpu.id}'s TLB maps ${hex(vpn * P)} to pfn ${hex(tr.pfn)} but the page table ${tr.pte === undefined ? 'has no entry' : `says ${hex(tr.pte)}`}`;
        }
        i += n;
      }
    }
    if (fault) {
      this.observations.push({ opIndex: this.opIndex, what: 'read', label: obj.label, bytes: null });
      this.violate('KERNEL_PAGE_FAULT', `T${t.id} reading #${obj.label} on cpu${t.cpu}: ${fault}`);
      return true;
    }
    this.observations.push({ opIndex: this.opIndex, what: 'read', label: obj.label, bytes: got });
    let undef = 0;
    let staleBad = -1;
    let bad = -1;
    for (let i = 0; i < len; i++) {
      const k = off + i;
      if (k >= obj.size || !m.defined[k]) {
        undef++;
        continue;
      }
      if (got[i] !== m.view[k]) {
        if (staleByte[i]) {
          if (staleBad < 0) staleBad = i;
        } else if (bad < 0) bad = i;
      }
    }
    if (undef) {
      this.violate('UNDEF_READ', `T${t.id} read ${undef} byte(s) of #${obj.label} that have no defined value (mode ${m.mode})`);
    }
    if (staleBad >= 0) {
      this.violate('STALE_TLB_READ', `T${t.id} read #${obj.label} on cpu${t.cpu}: ${staleNote}; byte ${off + staleBad} is ${hex(got[staleBad]!)}, expected ${hex(m.view[off + staleBad]!)}`);
    }
    if (bad >= 0) {
      this.violate('READ_MISMATCH', `T${t.id} read #${obj.label} on cpu${t.cpu} through ${this.describeRef(m)}: byte ${off + bad} is ${hex(got[bad]!)}, expected ${hex(m.view[off + bad]!)}`);
    }
    return true;
  }

  private describeRef(m: Mapping): string {
    if (m.kind === 'direct') return 'the linear map';
    if (m.kind === 'buffer') return `cpu${m.buffer!.cpu}'s copy buffer${m.buffer!.freed ? ' (freed)' : ''}`;
    return `cpu${m.mapCpu}'s mapping area`;
  }

  private write(taskId: number, off: number, len: number, fill: number): boolean {
    const t = this.schedule(taskId);
    const m = t?.maps.at(-1);
    if (!t || !m || len < 1 || off + len > m.obj.cls.size - m.obj.hdr) return false;
    this.counters.writes++;
    const obj = m.obj;
    if (m.mode === 'ro') {
      this.violate('CONTRACT_VIOLATION', `T${t.id} writes through a read-only mapping of #${obj.label}`);
      m.roWritten = true;
    }
    if (off + len > obj.size) {
      this.violate('CONTRACT_VIOLATION', `T${t.id} writes bytes ${off}..${off + len - 1} of #${obj.label}, which has ${obj.size}`);
    }
    const bytes = new Uint8Array(len);
    for (let i = 0; i < len; i++) bytes[i] = patternByte(fill, off + i);
    const P = this.g.pageSize;
    const own = OWN_PAYLOAD + obj.id;
    const label = (id: number): string => {
      for (const o of this.objects.values()) if (o.id === id) return `#${o.label}`;
      return 'a freed object';
    };
    if (m.kind === 'direct') {
      for (const p of this.pool.pieces(obj, obj.hdr + off, len)) {
        this.checkOwner(p.page.owner, p.pageOff, p.len, own, t, obj, label, false, '');
        p.page.data.set(bytes.subarray(p.slotOff - obj.hdr - off, p.slotOff - obj.hdr - off + p.len), p.pageOff);
      }
    } else if (m.kind === 'buffer') {
      m.buffer!.data.set(bytes, obj.hdr + off);
    } else {
      const cpu = this.cpus[t.cpu]!;
      for (let i = 0; i < len; ) {
        const va = this.areaVa(m, off + i);
        const vpn = Math.floor(va / P);
        const po = va % P;
        const n = Math.min(len - i, P - po);
        const tr = this.translate(cpu, vpn);
        if (!tr) {
          this.violate('KERNEL_PAGE_FAULT', `T${t.id} writing #${obj.label} on cpu${cpu.id}: virtual page ${hex(vpn * P)} is neither in the TLB nor in the page table`);
          break;
        }
        const page = this.mem.page(tr.pfn)!;
        const note = tr.stale
          ? `cpu${cpu.id}'s TLB maps ${hex(vpn * P)} to pfn ${hex(tr.pfn)} but the page table ${tr.pte === undefined ? 'has no entry' : `says ${hex(tr.pte)}`}`
          : '';
        this.checkOwner(page.owner, po, n, own, t, obj, label, tr.stale, note);
        page.data.set(bytes.subarray(i, i + n), po);
        i += n;
      }
    }
    const inside = Math.max(0, Math.min(len, obj.size - off));
    m.view.set(bytes.subarray(0, inside), off);
    m.defined.fill(1, off, off + inside);
    m.written.fill(1, off, off + inside);
    return true;
  }

  private checkOwner(
    owner: Int32Array,
    from: number,
    n: number,
    own: number,
    t: Task,
    obj: ZsObject,
    label: (id: number) => string,
    stale: boolean,
    note: string,
  ): void {
    if (stale) {
      this.violate('STALE_TLB_WRITE', `T${t.id} writing #${obj.label} on cpu${t.cpu}: ${note}`);
    }
    for (let i = from; i < from + n; i++) {
      if (owner[i] !== own) {
        this.violate('OUT_OF_OBJECT_WRITE', `T${t.id} writing #${obj.label} on cpu${t.cpu} hit ${ownerName(owner[i]!, label)}`);
        return;
      }
    }
  }

  private unmap(taskId: number): boolean {
    const t = this.schedule(taskId);
    const m = t?.maps.at(-1);
    if (!t || !m) return false;
    t.maps.pop();
    const live = this.mappedBy.get(m.obj.id)! - 1;
    if (live) this.mappedBy.set(m.obj.id, live);
    else this.mappedBy.delete(m.obj.id);
    const obj = m.obj;
    // zs_unmap_object works on the area of the CPU it runs on *now*, with that area's vm_mm
    const cpu = this.cpus[t.cpu]!;
    const area = cpu.area!;
    this.counters.unmaps++;
    if (obj.straddles) {
      if (this.config.path === 'copy') {
        const skip = area.mode === 'ro' || (area.mode === 'wo' && this.config.faults.includes('skip-copy-back-wo'));
        if (!skip) {
          // 2013 copies the whole slot back; the modern allocator leaves the header alone
          const from = this.g.era === 'modern' ? obj.hdr : 0;
          for (const p of this.pool.pieces(obj, from, obj.cls.size - from)) {
            p.page.data.set(area.buffer!.data.subarray(p.slotOff, p.slotOff + p.len), p.pageOff);
          }
          this.counters.copiesOut++;
          this.counters.copyPieces += 2;
          this.counters.bytesOut += obj.cls.size - from;
        }
      } else {
        const vpn = area.vpn!;
        this.pt.clear(vpn);
        this.pt.clear(vpn + 1);
        this.counters.pteWrites += 2;
        this.flush(cpu, vpn);
        this.checkLatent(cpu, vpn);
      }
    }
    if (this.config.preemptGuard && t.preempt > 0) t.preempt--;
    // what the object must hold now
    const shadow = this.shadows.get(obj.id)!;
    const expData = m.mode === 'ro' ? shadow.data.slice() : m.view.slice();
    const expDef = m.mode === 'ro' ? shadow.defined.slice() : m.defined.slice();
    if (m.mode === 'ro' && m.roWritten) {
      for (let i = 0; i < obj.size; i++) if (m.written[i]) expDef[i] = 0;
    }
    if (m.mode === 'wo' && m.written.indexOf(0) >= 0) {
      let missing = 0;
      for (let i = 0; i < obj.size; i++) if (!m.written[i]) missing++;
      this.violate('CONTRACT_VIOLATION', `T${t.id} unmaps a write-only mapping of #${obj.label} with ${missing} of ${obj.size} bytes unwritten`);
    }
    const bytes = new Uint8Array(obj.size);
    this.pool.readSlot(obj, obj.hdr, obj.size, bytes);
    this.checkObject(obj, bytes, { data: expData, defined: expDef, written: m.mode === 'ro' ? undefined : m.written }, `after T${t.id} unmapped it on cpu${cpu.id}`);
    this.observations.push({ opIndex: this.opIndex, what: 'object', label: obj.label, digest: fnv1a(bytes) });
    shadow.data = expData;
    shadow.defined = expDef;
    return true;
  }

  /** The TLB flush of the page-table unmap. */
  private flush(cpu: Cpu, vpn: number): void {
    switch (this.config.flush) {
      case 'none':
        return;
      case 'local':
        cpu.tlb.flushRange(vpn, vpn + 2);
        this.counters.localFlushes++;
        return;
      case 'global': {
        const online = this.cpus.filter((c) => c.online);
        for (const c of online) c.tlb.flushRange(vpn, vpn + 2);
        this.counters.globalFlushes++;
        if (this.config.smp) this.counters.ipis += online.length - 1;
        return;
      }
    }
  }

  private checkLatent(unmapper: Cpu, vpn: number): void {
    for (const c of this.cpus) {
      if (!c.online) continue;
      for (let k = 0; k < 2; k++) {
        if (c.tlb.has(vpn + k) && this.pt.get(vpn + k) === undefined) {
          this.violate(
            'LATENT_STALE',
            `after unmap on cpu${unmapper.id} (flush: ${this.config.flush}), cpu${c.id}'s TLB still maps page ${k} of the area (${hex((vpn + k) * this.g.pageSize)} -> pfn ${hex(c.tlb.lookup(vpn + k)!)})`,
          );
          return;
        }
      }
    }
  }

  /** Compare an object's bytes with what it must hold; written = bytes the caller wrote in the mapping just ended. */
  private checkObject(
    obj: ZsObject,
    bytes: Uint8Array,
    exp: { data: Uint8Array; defined: Uint8Array; written: Uint8Array | undefined } | undefined,
    when: string,
  ): void {
    const sh = exp ?? this.shadows.get(obj.id)!;
    const data = sh.data;
    const defined = sh.defined;
    const written = exp?.written;
    let lost = false;
    let corrupt = false;
    for (let i = 0; i < obj.size; i++) {
      if (bytes[i] === data[i] || !defined[i]) continue;
      const what = `byte ${i} is ${hex(bytes[i]!)}, expected ${hex(data[i]!)}`;
      if (written?.[i]) {
        if (!lost) this.violate('LOST_WRITE', `#${obj.label} ${when}: a write is lost: ${what}`);
        lost = true;
      } else {
        if (!corrupt) this.violate('CORRUPTION', `#${obj.label} ${when}: ${what} (nobody wrote it through the handle)`);
        corrupt = true;
      }
      // reported once: from here on the object is what memory holds, so one bug is not reported again later
      for (let j = i; j < obj.size; j++) if (defined[j]) data[j] = bytes[j]!;
      return;
    }
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
