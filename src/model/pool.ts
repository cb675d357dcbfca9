import { OWN_FREE, OWN_HEADER, OWN_PAYLOAD, OWN_SLACK, POISON_FREE, type PhysMemory, type PhysPage } from './memory.js';
import { type Geometry, type SizeClass, classIndexFor, firstObjectInPage, objectPlace, sizeClasses } from './sizeclass.js';

/** zspage fullness groups (2013 and 6.1: almost-empty up to 3/4 of the objects in use) */
export type Fullness = 'empty' | 'almost_empty' | 'almost_full' | 'full';

export interface Zspage {
  id: number;
  cls: SizeClass;
  pages: PhysPage[];
  /** free object indices, the next to hand out last */
  free: number[];
  inuse: number;
  fullness: Fullness;
}

export interface ZsObject {
  /** internal serial (byte ownership refers to it) */
  id: number;
  /** the trace's name for it (#label) */
  label: number;
  handle: number;
  /** the size the caller asked for: the payload */
  size: number;
  cls: SizeClass;
  zspage: Zspage;
  /** index within the zspage */
  idx: number;
  /** bytes of header in front of the payload inside the slot */
  hdr: number;
  /** page index within the zspage where the slot starts, offset there, and whether the slot crosses into the next page */
  page: number;
  offset: number;
  straddles: boolean;
}

/** A contiguous piece of an object's slot in one physical page. */
export interface Piece {
  page: PhysPage;
  /** offset in the page */
  pageOff: number;
  /** offset in the slot */
  slotOff: number;
  len: number;
}

const HANDLE_BASE = 0xc1000000;

/**
 * The allocator proper: size classes, zspages with fullness groups, objects and handles, over PhysMemory.
 */
export class Pool {
  readonly classes: SizeClass[];
  private readonly groups = new Map<number, Record<Exclude<Fullness, 'empty'>, Zspage[]>>();
  /** pfn -> its zspage and position in it */
  private readonly pfnMap = new Map<number, { zspage: Zspage; k: number }>();
  /** modern era: handle slot -> obj value */
  private readonly handleSlots = new Map<number, number>();
  private readonly freeHandleSlots: number[] = [];
  private nextHandleSlot = 0;
  /** zspage index -> object by idx, per zspage */
  private readonly byZspage = new Map<number, (ZsObject | undefined)[]>();
  private nextZspageId = 1;
  private nextObjectId = 1;
  zspagesAllocated = 0;
  zspagesFreed = 0;

  constructor(readonly g: Geometry, readonly mem: PhysMemory) {
    this.classes = sizeClasses(g);
  }

  classFor(size: number): SizeClass | undefined {
    if (size < 1 || size > this.g.maxAllocSize) return undefined;
    const c = this.classes[classIndexFor(size, this.g)]!;
    return this.classes[c.servedBy]!;
  }

  /** zs_malloc: undefined if the size is out of range. */
  alloc(size: number, label: number): ZsObject | undefined {
    const cls = this.classFor(size);
    if (!cls) return undefined;
    const zspage = this.findZspage(cls) ?? this.newZspage(cls);
    const idx = zspage.free.pop()!;
    zspage.inuse++;
    this.regroup(zspage);
    const place = objectPlace(cls, idx, this.g.pageSize);
    const hdr = cls.huge ? 0 : this.g.headerSize;
    const startPage = zspage.pages[place.page]!;
    let handle: number;
    const bits = 2 ** this.g.objIndexBits;
    if (this.g.era === '2013') {
      const rel = idx - firstObjectInPage(cls, place.page, this.g.pageSize);
      handle = startPage.pfn * bits + rel;
    } else {
      const slot = this.freeHandleSlots.pop() ?? this.nextHandleSlot++;
      handle = HANDLE_BASE + slot * this.g.wordSize;
      this.handleSlots.set(handle, (startPage.pfn * bits + idx) * 2 ** this.g.objTagBits);
    }
    const obj: ZsObject = {
      id: this.nextObjectId++,
      label,
      handle,
      size,
      cls,
      zspage,
      idx,
      hdr,
      page: place.page,
      offset: place.offset,
      straddles: place.straddles,
    };
    this.byZspage.get(zspage.id)![idx] = obj;
    // ownership: header, payload, and the rest of the slot is slack
    for (const p of this.pieces(obj, 0, cls.size)) p.page.owner.fill(OWN_SLACK, p.pageOff, p.pageOff + p.len);
    for (const p of this.pieces(obj, hdr, size)) p.page.owner.fill(OWN_PAYLOAD + obj.id, p.pageOff, p.pageOff + p.len);
    if (hdr > 0) {
      // the header holds the handle with the allocated tag (OBJ_ALLOCATED_TAG), little-endian
      let v = handle + 1;
      const bytes: number[] = [];
      for (let i = 0; i < hdr; i++) {
        bytes.push(v % 256);
        v = Math.floor(v / 256);
      }
      for (const p of this.pieces(obj, 0, hdr)) {
        p.page.owner.fill(OWN_HEADER, p.pageOff, p.pageOff + p.len);
        for (let i = 0; i < p.len; i++) p.page.data[p.pageOff + i] = bytes[p.slotOff + i]!;
      }
    }
    return obj;
  }

  /** zs_free. The slot is poisoned and becomes free; an empty zspage returns its pages. */
  free(obj: ZsObject): void {
    const z = obj.zspage;
    for (const p of this.pieces(obj, 0, obj.cls.size)) {
      p.page.owner.fill(OWN_FREE, p.pageOff, p.pageOff + p.len);
      p.page.data.fill(POISON_FREE, p.pageOff, p.pageOff + p.len);
    }
    this.byZspage.get(z.id)![obj.idx] = undefined;
    z.free.push(obj.idx);
    z.inuse--;
    if (this.g.era === 'modern') {
      this.handleSlots.delete(obj.handle);
      this.freeHandleSlots.push((obj.handle - HANDLE_BASE) / this.g.wordSize);
    }
    this.regroup(z);
    if (z.inuse === 0) this.freeZspage(z);
  }

  /** Resolve a handle the way zs_map_object does: to the start page (its pfn) and the object index. */
  decode(handle: number): ZsObject | undefined {
    const bits = 2 ** this.g.objIndexBits;
    let pfn: number;
    let idx: number;
    let zspage: Zspage;
    if (this.g.era === '2013') {
      pfn = Math.floor(handle / bits);
      const rel = handle % bits;
      const at = this.pfnMap.get(pfn);
      if (!at) return undefined;
      zspage = at.zspage;
      idx = firstObjectInPage(zspage.cls, at.k, this.g.pageSize) + rel;
    } else {
      const objv = this.handleSlots.get(handle);
      if (objv === undefined) return undefined;
      const o = Math.floor(objv / 2 ** this.g.objTagBits);
      pfn = Math.floor(o / bits);
      idx = o % bits;
      const at = this.pfnMap.get(pfn);
      if (!at) return undefined;
      zspage = at.zspage;
    }
    return this.byZspage.get(zspage.id)?.[idx];
  }

  /** The pieces (one or two) of slot bytes [from, from+len) of an object, in physical pages. */
  pieces(obj: ZsObject, from: number, len: number): Piece[] {
    const P = this.g.pageSize;
    const out: Piece[] = [];
    let slotOff = from;
    const end = from + len;
    while (slotOff < end) {
      const abs = obj.offset + slotOff;
      const k = obj.page + Math.floor(abs / P);
      const pageOff = abs % P;
      const n = Math.min(end - slotOff, P - pageOff);
      out.push({ page: obj.zspage.pages[k]!, pageOff, slotOff, len: n });
      slotOff += n;
    }
    return out;
  }

  /** Copy slot bytes [from, from+len) out of physical memory. */
  readSlot(obj: ZsObject, from: number, len: number, into: Uint8Array, at = 0): void {
    for (const p of this.pieces(obj, from, len)) {
      into.set(p.page.data.subarray(p.pageOff, p.pageOff + p.len), at + p.slotOff - from);
    }
  }

  /** The physical pages under an object's slot (two when it straddles). */
  slotPages(obj: ZsObject): PhysPage[] {
    const first = obj.zspage.pages[obj.page]!;
    return obj.straddles ? [first, obj.zspage.pages[obj.page + 1]!] : [first];
  }

  private findZspage(cls: SizeClass): Zspage | undefined {
    const g = this.groups.get(cls.index);
    if (!g) return undefined;
    return g.almost_full[0] ?? g.almost_empty[0];
  }

  private newZspage(cls: SizeClass): Zspage {
    const pages: PhysPage[] = [];
    for (let i = 0; i < cls.pagesPerZspage; i++) pages.push(this.mem.allocPage());
    const free: number[] = [];
    for (let i = cls.objsPerZspage - 1; i >= 0; i--) free.push(i);
    const z: Zspage = { id: this.nextZspageId++, cls, pages, free, inuse: 0, fullness: 'empty' };
    pages.forEach((p, k) => this.pfnMap.set(p.pfn, { zspage: z, k }));
    this.byZspage.set(z.id, new Array(cls.objsPerZspage));
    // every slot is a free object; the tail of the zspage stays slack
    const P = this.g.pageSize;
    const used = cls.objsPerZspage * cls.size;
    for (let off = 0; off < used; ) {
      const k = Math.floor(off / P);
      const po = off % P;
      const n = Math.min(used - off, P - po);
      pages[k]!.owner.fill(OWN_FREE, po, po + n);
      off += n;
    }
    this.zspagesAllocated++;
    return z;
  }

  private freeZspage(z: Zspage): void {
    for (const p of z.pages) {
      this.pfnMap.delete(p.pfn);
      this.mem.freePage(p.pfn);
    }
    this.byZspage.delete(z.id);
    this.zspagesFreed++;
  }

  private fullnessOf(z: Zspage): Fullness {
    const max = z.cls.objsPerZspage;
    if (z.inuse === 0) return 'empty';
    if (z.inuse === max) return 'full';
    if (z.inuse <= Math.floor((3 * max) / 4)) return 'almost_empty';
    return 'almost_full';
  }

  /** When its fullness group changes, move a zspage to the head of the new group. */
  private regroup(z: Zspage): void {
    const f = this.fullnessOf(z);
    if (f === z.fullness) return;
    let g = this.groups.get(z.cls.index);
    if (!g) {
      g = { almost_empty: [], almost_full: [], full: [] };
      this.groups.set(z.cls.index, g);
    }
    if (z.fullness !== 'empty') {
      const list = g[z.fullness];
      const i = list.indexOf(z);
      if (i >= 0) list.splice(i, 1);
    }
    z.fullness = f;
    if (f !== 'empty') g[f].unshift(z);
  }
}
