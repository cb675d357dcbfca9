/**
 * Physical memory: pages with contents and, for every byte, who owns it. Pages are poisoned when allocated (the
 * contents of fresh memory are undefined) and when freed, so a stale access shows up as poison rather than as
 * plausible data.
 */
export const POISON_INUSE = 0x5a;
export const POISON_FREE = 0x6b;

/** byte ownership: a free page or a free object slot */
export const OWN_FREE = 0;
/** the in-object header (modern era: the handle stored in front of the payload) */
export const OWN_HEADER = 1;
/** part of a zspage no object can use, or the tail of a slot beyond the size the caller asked for */
export const OWN_SLACK = 2;
/** payload of object `id` is OWN_PAYLOAD + id */
export const OWN_PAYLOAD = 16;

export function ownerName(o: number, label: (id: number) => string): string {
  if (o === OWN_FREE) return 'free memory';
  if (o === OWN_HEADER) return 'an object header';
  if (o === OWN_SLACK) return 'slack';
  return `the payload of ${label(o - OWN_PAYLOAD)}`;
}

const SLAB_PAGES = 16;

export interface PhysPage {
  pfn: number;
  data: Uint8Array;
  owner: Int32Array;
  allocated: boolean;
}

export class PhysMemory {
  private readonly pages = new Map<number, PhysPage>();
  private readonly freeList: number[] = [];
  private nextPfn: number;
  private slabData = new Uint8Array(0);
  private slabOwner = new Int32Array(0);
  private slabUsed = SLAB_PAGES;
  allocs = 0;
  frees = 0;

  /** `firstPfn` 0x80000: RAM at physical 0x80000000, as on many ARM boards (any non-zero value would do) */
  constructor(readonly pageSize: number, firstPfn = 0x80000) {
    this.nextPfn = firstPfn;
  }

  /** Allocate a page (the most recently freed first, like the buddy allocator's hot pages). */
  allocPage(): PhysPage {
    const pfn = this.freeList.pop() ?? this.nextPfn++;
    let p = this.pages.get(pfn);
    if (!p) {
      // pages are carved out of slabs of 16, which is much cheaper than one typed array each
      if (this.slabUsed === SLAB_PAGES) {
        this.slabData = new Uint8Array(this.pageSize * SLAB_PAGES);
        this.slabOwner = new Int32Array(this.pageSize * SLAB_PAGES);
        this.slabUsed = 0;
      }
      const at = this.slabUsed++ * this.pageSize;
      p = {
        pfn,
        data: this.slabData.subarray(at, at + this.pageSize),
        owner: this.slabOwner.subarray(at, at + this.pageSize),
        allocated: true,
      };
      this.pages.set(pfn, p);
    }
    p.allocated = true;
    p.data.fill(POISON_INUSE);
    p.owner.fill(OWN_SLACK);
    this.allocs++;
    return p;
  }

  freePage(pfn: number): void {
    const p = this.pages.get(pfn);
    if (!p || !p.allocated) throw new Error(`model bug: freeing page ${pfn.toString(16)} that is not allocated`);
    p.allocated = false;
    p.data.fill(POISON_FREE);
    p.owner.fill(OWN_FREE);
    this.freeList.push(pfn);
    this.frees++;
  }

  /** A page by frame number; pages once seen stay readable (a stale TLB entry can still reach a freed page). */
  page(pfn: number): PhysPage | undefined {
    return this.pages.get(pfn);
  }
}
