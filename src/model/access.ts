import { OWN_PAYLOAD, type PhysPage, ownerName } from './memory.js';
import type { ZsModel } from './model.js';
import { type MapMode, patternByte } from './ops.js';
import type { ZsObject } from './pool.js';
import { type Cpu, type Mapping, type Task, fnv1a, hex } from './state.js';

/**
 * Mapping an object and using the mapping: zs_map_object / zs_unmap_object on both paths (copy through the CPU's
 * buffer, or map both pages into the CPU's area and flush the TLB on unmap), reads and writes through the returned
 * reference, and the checks that run on the way (the invariants of violations.ts).
 */

/** zs_map_object(handle, mode) by task `taskId`; false if the step cannot happen. */
export function mapObject(z: ZsModel, taskId: number, label: number, mode: MapMode): boolean {
  const obj = z.objects.get(label);
  if (!obj) return false;
  const t = z.schedule(taskId);
  if (!t) return false;
  // the handle goes through the allocator's own decoding, as in zs_map_object
  const resolved = z.pool.decode(obj.handle);
  if (resolved !== obj) throw new Error(`model bug: handle ${hex(obj.handle)} of #${label} decodes to another object`);
  if (t.maps.length > 0) {
    z.violate('NESTED_MAP', `T${t.id} maps #${label} while it still holds #${t.maps.at(-1)!.obj.label} mapped`);
  }
  if (z.mappedBy.has(obj.id)) {
    // several readers may map one object at once; a writer must exclude everybody (zram holds a slot lock)
    for (const u of z.tasks.values()) {
      const other = u.maps.find((x) => x.obj === obj);
      if (other && (mode !== 'ro' || other.mode !== 'ro')) {
        z.violate('CONTRACT_VIOLATION', `T${t.id} maps #${label} ${mode} while T${u.id} holds it mapped ${other.mode}`);
        break;
      }
    }
  }
  const cpu = z.cpus[t.cpu]!;
  const area = cpu.area!;
  area.mode = mode;
  if (z.config.preemptGuard) t.preempt++;
  z.counters.maps++;
  const shadow = z.shadows.get(obj.id)!;
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
    z.counters.straddlingMaps++;
    if (z.config.path === 'copy') {
      m.kind = 'buffer';
      m.buffer = area.buffer!;
      const skip = mode === 'wo' || (mode === 'rw' && z.config.faults.includes('skip-copy-in-rw'));
      if (!skip) {
        z.pool.readSlot(obj, 0, obj.cls.size, area.buffer!.data);
        z.counters.copiesIn++;
        z.counters.copyPieces += 2;
        z.counters.bytesIn += obj.cls.size;
      }
    } else {
      m.kind = 'area';
      m.vpn = area.vpn!;
      const [p0, p1] = z.pool.slotPages(obj);
      z.pt.set(area.vpn!, p0!.pfn);
      z.pt.set(area.vpn! + 1, p1!.pfn);
      z.counters.pteWrites += 2;
    }
  }
  t.maps.push(m);
  z.mappedBy.set(obj.id, (z.mappedBy.get(obj.id) ?? 0) + 1);
  return true;
}

/** Translate a virtual page on a CPU: through its TLB, else by walking the page table and filling the TLB. */
function translate(z: ZsModel, cpu: Cpu, vpn: number): { pfn: number; stale: boolean; pte: number | undefined } | undefined {
  const pte = z.pt.get(vpn);
  const hit = cpu.tlb.lookup(vpn);
  if (hit !== undefined) {
    z.counters.tlbHits++;
    const stale = hit !== pte;
    if (stale) z.counters.staleHits++;
    return { pfn: hit, stale, pte };
  }
  if (pte === undefined) {
    z.counters.pageFaults++;
    return undefined;
  }
  z.counters.tlbFills++;
  if (cpu.tlb.fill(vpn, pte)) z.counters.tlbEvictions++;
  return { pfn: pte, stale: false, pte };
}

/**
 * Walk payload bytes [off, off+len) of an area mapping page by page, translating each page on `cpu`; `visit` gets
 * the physical page and, for a stale translation, why it is stale. Returns why the walk faulted, or ''.
 */
function throughArea(
  z: ZsModel,
  m: Mapping,
  cpu: Cpu,
  off: number,
  len: number,
  visit: (i: number, page: PhysPage, pageOff: number, n: number, stale: string) => void,
): string {
  const P = z.g.pageSize;
  for (let i = 0; i < len; ) {
    const va = m.vpn! * P + m.obj.offset + m.obj.hdr + off + i;
    const vpn = Math.floor(va / P);
    const po = va % P;
    const n = Math.min(len - i, P - po);
    const tr = translate(z, cpu, vpn);
    if (!tr) return `virtual page ${hex(vpn * P)} is neither in cpu${cpu.id}'s TLB nor in the page table`;
    const stale = tr.stale
      ? `cpu${cpu.id}'s TLB maps ${hex(vpn * P)} to pfn ${hex(tr.pfn)} but the page table ${tr.pte === undefined ? 'has no entry' : `says ${hex(tr.pte)}`}`
      : '';
    visit(i, z.mem.page(tr.pfn)!, po, n, stale);
    i += n;
  }
  return '';
}

/** A read through the task's innermost mapping, checked against what it must see. */
export function readMapped(z: ZsModel, taskId: number, off: number, len: number): boolean {
  const t = z.schedule(taskId);
  const m = t?.maps.at(-1);
  if (!t || !m || len < 1 || off + len > m.obj.cls.size - m.obj.hdr) return false;
  z.counters.reads++;
  const obj = m.obj;
  const got = new Uint8Array(len);
  const staleByte = new Uint8Array(len);
  let fault = '';
  let staleNote = '';
  if (m.kind === 'direct') {
    z.pool.readSlot(obj, obj.hdr + off, len, got);
  } else if (m.kind === 'buffer') {
    got.set(m.buffer!.data.subarray(obj.hdr + off, obj.hdr + off + len));
  } else {
    fault = throughArea(z, m, z.cpus[t.cpu]!, off, len, (i, page, po, n, stale) => {
      got.set(page.data.subarray(po, po + n), i);
      if (stale) {
        staleByte.fill(1, i, i + n);
        staleNote = stale;
      }
    });
  }
  if (fault) {
    z.observations.push({ opIndex: z.opIndex, what: 'read', label: obj.label, bytes: null });
    z.violate('KERNEL_PAGE_FAULT', `T${t.id} reading #${obj.label} on cpu${t.cpu}: ${fault}`);
    return true;
  }
  z.observations.push({ opIndex: z.opIndex, what: 'read', label: obj.label, bytes: got });
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
    z.violate('UNDEF_READ', `T${t.id} read ${undef} byte(s) of #${obj.label} that have no defined value (mode ${m.mode})`);
  }
  if (staleBad >= 0) {
    z.violate('STALE_TLB_READ', `T${t.id} read #${obj.label} on cpu${t.cpu}: ${staleNote}; byte ${off + staleBad} is ${hex(got[staleBad]!)}, expected ${hex(m.view[off + staleBad]!)}`);
  }
  if (bad >= 0) {
    z.violate('READ_MISMATCH', `T${t.id} read #${obj.label} on cpu${t.cpu} through ${describeRef(m)}: byte ${off + bad} is ${hex(got[bad]!)}, expected ${hex(m.view[off + bad]!)}`);
  }
  return true;
}

function describeRef(m: Mapping): string {
  if (m.kind === 'direct') return 'the linear map';
  if (m.kind === 'buffer') return `cpu${m.buffer!.cpu}'s copy buffer${m.buffer!.freed ? ' (freed)' : ''}`;
  return `cpu${m.mapCpu}'s mapping area`;
}

/** A write through the task's innermost mapping; where it lands is checked byte by byte. */
export function writeMapped(z: ZsModel, taskId: number, off: number, len: number, fill: number): boolean {
  const t = z.schedule(taskId);
  const m = t?.maps.at(-1);
  if (!t || !m || len < 1 || off + len > m.obj.cls.size - m.obj.hdr) return false;
  z.counters.writes++;
  const obj = m.obj;
  if (m.mode === 'ro') {
    z.violate('CONTRACT_VIOLATION', `T${t.id} writes through a read-only mapping of #${obj.label}`);
    m.roWritten = true;
  }
  if (off + len > obj.size) {
    z.violate('CONTRACT_VIOLATION', `T${t.id} writes bytes ${off}..${off + len - 1} of #${obj.label}, which has ${obj.size}`);
  }
  const bytes = new Uint8Array(len);
  for (let i = 0; i < len; i++) bytes[i] = patternByte(fill, off + i);
  const own = OWN_PAYLOAD + obj.id;
  const label = (id: number): string => {
    for (const o of z.objects.values()) if (o.id === id) return `#${o.label}`;
    return 'a freed object';
  };
  if (m.kind === 'direct') {
    for (const p of z.pool.pieces(obj, obj.hdr + off, len)) {
      checkOwner(z, p.page.owner, p.pageOff, p.len, own, t, obj, label, '');
      p.page.data.set(bytes.subarray(p.slotOff - obj.hdr - off, p.slotOff - obj.hdr - off + p.len), p.pageOff);
    }
  } else if (m.kind === 'buffer') {
    m.buffer!.data.set(bytes, obj.hdr + off);
  } else {
    const fault = throughArea(z, m, z.cpus[t.cpu]!, off, len, (i, page, po, n, stale) => {
      checkOwner(z, page.owner, po, n, own, t, obj, label, stale);
      page.data.set(bytes.subarray(i, i + n), po);
    });
    if (fault) z.violate('KERNEL_PAGE_FAULT', `T${t.id} writing #${obj.label} on cpu${t.cpu}: ${fault}`);
  }
  const inside = Math.max(0, Math.min(len, obj.size - off));
  m.view.set(bytes.subarray(0, inside), off);
  m.defined.fill(1, off, off + inside);
  m.written.fill(1, off, off + inside);
  return true;
}

function checkOwner(
  z: ZsModel,
  owner: Int32Array,
  from: number,
  n: number,
  own: number,
  t: Task,
  obj: ZsObject,
  label: (id: number) => string,
  /** why the translation was stale ('' when it was not) */
  stale: string,
): void {
  if (stale) z.violate('STALE_TLB_WRITE', `T${t.id} writing #${obj.label} on cpu${t.cpu}: ${stale}`);
  for (let i = from; i < from + n; i++) {
    if (owner[i] !== own) {
      z.violate('OUT_OF_OBJECT_WRITE', `T${t.id} writing #${obj.label} on cpu${t.cpu} hit ${ownerName(owner[i]!, label)}`);
      return;
    }
  }
}

/** zs_unmap_object on the CPU the task runs on now; then the object and the TLBs are checked. */
export function unmapObject(z: ZsModel, taskId: number): boolean {
  const t = z.schedule(taskId);
  const m = t?.maps.at(-1);
  if (!t || !m) return false;
  t.maps.pop();
  const live = z.mappedBy.get(m.obj.id)! - 1;
  if (live) z.mappedBy.set(m.obj.id, live);
  else z.mappedBy.delete(m.obj.id);
  const obj = m.obj;
  // zs_unmap_object works on the area of the CPU it runs on *now*, with that area's vm_mm
  const cpu = z.cpus[t.cpu]!;
  const area = cpu.area!;
  z.counters.unmaps++;
  if (obj.straddles) {
    if (z.config.path === 'copy') {
      const skip = area.mode === 'ro' || (area.mode === 'wo' && z.config.faults.includes('skip-copy-back-wo'));
      if (!skip) {
        // 2013 copies the whole slot back; the modern allocator leaves the header alone
        const from = z.g.era === 'modern' ? obj.hdr : 0;
        for (const p of z.pool.pieces(obj, from, obj.cls.size - from)) {
          p.page.data.set(area.buffer!.data.subarray(p.slotOff, p.slotOff + p.len), p.pageOff);
        }
        z.counters.copiesOut++;
        z.counters.copyPieces += 2;
        z.counters.bytesOut += obj.cls.size - from;
      }
    } else {
      const vpn = area.vpn!;
      z.pt.clear(vpn);
      z.pt.clear(vpn + 1);
      z.counters.pteWrites += 2;
      flush(z, cpu, vpn);
      checkLatent(z, cpu, vpn);
    }
  }
  if (z.config.preemptGuard && t.preempt > 0) t.preempt--;
  // what the object must hold now
  const shadow = z.shadows.get(obj.id)!;
  const expData = m.mode === 'ro' ? shadow.data.slice() : m.view.slice();
  const expDef = m.mode === 'ro' ? shadow.defined.slice() : m.defined.slice();
  if (m.mode === 'ro' && m.roWritten) {
    for (let i = 0; i < obj.size; i++) if (m.written[i]) expDef[i] = 0;
  }
  if (m.mode === 'wo' && m.written.indexOf(0) >= 0) {
    let missing = 0;
    for (let i = 0; i < obj.size; i++) if (!m.written[i]) missing++;
    z.violate('CONTRACT_VIOLATION', `T${t.id} unmaps a write-only mapping of #${obj.label} with ${missing} of ${obj.size} bytes unwritten`);
  }
  const bytes = new Uint8Array(obj.size);
  z.pool.readSlot(obj, obj.hdr, obj.size, bytes);
  checkObject(z, obj, bytes, { data: expData, defined: expDef, written: m.mode === 'ro' ? undefined : m.written }, `after T${t.id} unmapped it on cpu${cpu.id}`);
  z.observations.push({ opIndex: z.opIndex, what: 'object', label: obj.label, digest: fnv1a(bytes) });
  shadow.data = expData;
  shadow.defined = expDef;
  return true;
}

/** The TLB flush of the page-table unmap. */
function flush(z: ZsModel, cpu: Cpu, vpn: number): void {
  switch (z.config.flush) {
    case 'none':
      return;
    case 'local':
      cpu.tlb.flushRange(vpn, vpn + 2);
      z.counters.localFlushes++;
      return;
    case 'global': {
      const online = z.cpus.filter((c) => c.online);
      for (const c of online) c.tlb.flushRange(vpn, vpn + 2);
      z.counters.globalFlushes++;
      if (z.config.smp) z.counters.ipis += online.length - 1;
      return;
    }
  }
}

function checkLatent(z: ZsModel, unmapper: Cpu, vpn: number): void {
  for (const c of z.cpus) {
    if (!c.online) continue;
    for (let k = 0; k < 2; k++) {
      if (c.tlb.has(vpn + k) && z.pt.get(vpn + k) === undefined) {
        z.violate(
          'LATENT_STALE',
          `after unmap on cpu${unmapper.id} (flush: ${z.config.flush}), cpu${c.id}'s TLB still maps page ${k} of the area (${hex((vpn + k) * z.g.pageSize)} -> pfn ${hex(c.tlb.lookup(vpn + k)!)})`,
        );
        return;
      }
    }
  }
}

/** Compare an object's bytes with what it must hold; written = bytes the caller wrote in the mapping just ended. */
export function checkObject(
  z: ZsModel,
  obj: ZsObject,
  bytes: Uint8Array,
  exp: { data: Uint8Array; defined: Uint8Array; written: Uint8Array | undefined } | undefined,
  when: string,
): void {
  const sh = exp ?? z.shadows.get(obj.id)!;
  const data = sh.data;
  const defined = sh.defined;
  const written = exp?.written;
  let lost = false;
  let corrupt = false;
  for (let i = 0; i < obj.size; i++) {
    if (bytes[i] === data[i] || !defined[i]) continue;
    const what = `byte ${i} is ${hex(bytes[i]!)}, expected ${hex(data[i]!)}`;
    if (written?.[i]) {
      if (!lost) z.violate('LOST_WRITE', `#${obj.label} ${when}: a write is lost: ${what}`);
      lost = true;
    } else {
      if (!corrupt) z.violate('CORRUPTION', `#${obj.label} ${when}: ${what} (nobody wrote it through the handle)`);
      corrupt = true;
    }
    // reported once: from here on the object is what memory holds, so one bug is not reported again later
    for (let j = i; j < obj.size; j++) if (defined[j]) data[j] = bytes[j]!;
    return;
  }
}
