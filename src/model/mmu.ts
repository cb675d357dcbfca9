/**
 * The MMU as far as the page-table mapping path needs it: one kernel page table for the vmalloc range, a virtual
 * range allocator for the per-CPU mapping areas, and one TLB per CPU.
 */

/** A TLB: virtual page -> physical frame, holding at most `capacity` entries (the oldest is evicted first). */
export class Tlb {
  private readonly entries = new Map<number, number>();
  constructor(readonly capacity: number) {}

  lookup(vpn: number): number | undefined {
    return this.entries.get(vpn);
  }

  /** Insert or refresh an entry; true if an older entry was evicted to make room. */
  fill(vpn: number, pfn: number): boolean {
    this.entries.delete(vpn);
    let evicted = false;
    if (this.entries.size >= this.capacity) {
      const oldest = this.entries.keys().next().value as number;
      this.entries.delete(oldest);
      evicted = true;
    }
    this.entries.set(vpn, pfn);
    return evicted;
  }

  /** Drop the entries for pages [from, to). */
  flushRange(from: number, to: number): void {
    for (let v = from; v < to; v++) this.entries.delete(v);
  }

  clear(): void {
    this.entries.clear();
  }

  has(vpn: number): boolean {
    return this.entries.has(vpn);
  }

  get size(): number {
    return this.entries.size;
  }
}

/** The kernel page table of the vmalloc range: virtual page -> physical frame. */
export class PageTable {
  private readonly ptes = new Map<number, number>();

  get(vpn: number): number | undefined {
    return this.ptes.get(vpn);
  }

  set(vpn: number, pfn: number): void {
    this.ptes.set(vpn, pfn);
  }

  clear(vpn: number): boolean {
    return this.ptes.delete(vpn);
  }
}

/**
 * First-fit allocator of virtual page ranges in the vmalloc area. Like vmalloc, every range is followed by one
 * unmapped guard page. The base (0xf0000000 >> PAGE_SHIFT) is ARM's vmalloc region; any value would do.
 */
export class VaAllocator {
  /** allocated ranges: start vpn -> pages including the guard page, kept sorted by start */
  private readonly used: { start: number; pages: number }[] = [];
  readonly base: number;

  constructor(pageSize: number) {
    this.base = Math.floor(0xf0000000 / pageSize);
  }

  alloc(pages: number): number {
    const need = pages + 1;
    let at = this.base;
    let i = 0;
    for (; i < this.used.length; i++) {
      const r = this.used[i]!;
      if (r.start - at >= need) break;
      at = r.start + r.pages;
    }
    this.used.splice(i, 0, { start: at, pages: need });
    return at;
  }

  free(start: number): void {
    const i = this.used.findIndex((r) => r.start === start);
    if (i < 0) throw new Error(`model bug: freeing virtual range ${start.toString(16)} that is not allocated`);
    this.used.splice(i, 1);
  }
}
