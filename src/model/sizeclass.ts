/**
 * zsmalloc's size classes and zspage geometry, computed the way the allocator computes them.
 *
 * Two eras:
 * - '2013': drivers/staging/zsmalloc (Linux 3.8): ZS_ALIGN 8, at most 4 pages per zspage, ZS_MIN_ALLOC_SIZE 32,
 *   ZS_MAX_ALLOC_SIZE = PAGE_SIZE, class delta PAGE_SIZE >> CLASS_BITS (8); pages per zspage = the i in 1..4 with the
 *   highest integer "used percent", strict '>' so ties go to fewer pages (the same rule is still in 6.1's
 *   mm/zsmalloc.c get_pages_per_zspage). No in-object header, no class merging; a handle is
 *   pfn << OBJ_INDEX_BITS | index of the object among those that start in that page.
 * - 'modern': mm/zsmalloc.c after the 2023 chain-size rework (calculate_zspage_chain_size): a power-of-two class
 *   uses 1 page, otherwise the chain length with the least waste (ties to fewer pages), up to
 *   CONFIG_ZSMALLOC_CHAIN_SIZE (default 8) pages; each non-huge object starts with a handle-sized header; classes with
 *   the same (pages, objects) are merged into the largest; a handle is an indirection to
 *   ((pfn << OBJ_INDEX_BITS) | index within the zspage) << OBJ_TAG_BITS.
 */

export type Era = '2013' | 'modern';

export interface Geometry {
  era: Era;
  pageSize: number;
  pageShift: number;
  /** bytes in a machine word: 4 on 32-bit ARM (the founding case), 8 on 64-bit */
  wordSize: 4 | 8;
  /** MAX_(POSSIBLE_)PHYSMEM_BITS */
  physBits: number;
  maxPagesPerZspage: number;
  minAllocSize: number;
  maxAllocSize: number;
  classDelta: number;
  /** ZS_SIZE_CLASSES */
  classCount: number;
  /** bits of a handle/obj value that hold the object index */
  objIndexBits: number;
  /** OBJ_TAG_BITS (modern only) */
  objTagBits: number;
  /** bytes of in-object header in front of the payload of a non-huge object (modern: ZS_HANDLE_SIZE) */
  headerSize: number;
}

export interface GeometryOptions {
  pageSize?: number;
  era?: Era;
  wordSize?: 4 | 8;
  /** 2013: 4 (fixed); modern: CONFIG_ZSMALLOC_CHAIN_SIZE, default 8, range 4..16 */
  maxPagesPerZspage?: number;
}

const CLASS_BITS = 8;
const ZS_ALIGN = 8;

export function geometry(opts: GeometryOptions = {}): Geometry {
  const pageSize = opts.pageSize ?? 4096;
  const era = opts.era ?? '2013';
  const wordSize = opts.wordSize ?? 4;
  if (!Number.isInteger(pageSize) || pageSize < 4096 || (pageSize & (pageSize - 1)) !== 0) {
    throw new RangeError(`page size must be a power of two >= 4096, got ${pageSize}`);
  }
  const pageShift = Math.log2(pageSize);
  const maxPages = opts.maxPagesPerZspage ?? (era === '2013' ? 4 : 8);
  if (era === '2013' && maxPages !== 4) throw new RangeError('the 2013 allocator has exactly 4 pages per zspage at most');
  if (!Number.isInteger(maxPages) || maxPages < 1 || maxPages > 16) {
    throw new RangeError(`pages per zspage must be 1..16, got ${maxPages}`);
  }
  const physBits = wordSize === 4 ? 32 : 48;
  const pfnBits = physBits - pageShift;
  const objTagBits = era === 'modern' ? 1 : 0;
  const objIndexBits = wordSize * 8 - pfnBits - objTagBits;
  const minAllocSize =
    era === 'modern' ? Math.max(32, Math.floor((maxPages * pageSize) / 2 ** objIndexBits)) : 32;
  const maxAllocSize = pageSize;
  const classDelta = pageSize >> CLASS_BITS;
  const classCount = Math.ceil((maxAllocSize - minAllocSize) / classDelta) + 1;
  return {
    era,
    pageSize,
    pageShift,
    wordSize,
    physBits,
    maxPagesPerZspage: maxPages,
    minAllocSize,
    maxAllocSize,
    classDelta,
    classCount,
    objIndexBits,
    objTagBits,
    headerSize: era === 'modern' ? wordSize : 0,
  };
}

/** Pages per zspage for a class of `size` bytes, by the era's rule. */
export function pagesPerZspage(size: number, g: Geometry): number {
  const P = g.pageSize;
  if (g.era === '2013') {
    let bestPct = 0;
    let best = 1;
    for (let i = 1; i <= g.maxPagesPerZspage; i++) {
      const z = i * P;
      const waste = z % size;
      const usedPct = Math.floor(((z - waste) * 100) / z);
      if (usedPct > bestPct) {
        bestPct = usedPct;
        best = i;
      }
    }
    return best;
  }
  if ((size & (size - 1)) === 0) return 1;
  let minWaste = Infinity;
  let best = 1;
  for (let i = 1; i <= g.maxPagesPerZspage; i++) {
    const waste = (i * P) % size;
    if (waste < minWaste) {
      minWaste = waste;
      best = i;
    }
  }
  return best;
}

export interface SizeClass {
  /** index in the ZS_SIZE_CLASSES array */
  index: number;
  /** slot size in bytes */
  size: number;
  pagesPerZspage: number;
  objsPerZspage: number;
  /** indices (0-based, within a zspage) of the objects that cross a page boundary */
  straddling: number[];
  /** modern: one object per one-page zspage, stored without a header */
  huge: boolean;
  /** the class that actually serves this index (itself unless merged; modern merges equal geometries) */
  servedBy: number;
}

/** The ZS_SIZE_CLASSES classes of an allocator with this geometry. */
export function sizeClasses(g: Geometry): SizeClass[] {
  const out: SizeClass[] = new Array(g.classCount);
  let prev: SizeClass | undefined;
  // like pool creation: from the largest class down, so that a merged class is served by the larger size
  for (let i = g.classCount - 1; i >= 0; i--) {
    const size = Math.min(g.minAllocSize + i * g.classDelta, g.maxAllocSize);
    if (size % ZS_ALIGN !== 0) throw new Error(`class ${i}: size ${size} is not a multiple of ${ZS_ALIGN}`);
    const pages = pagesPerZspage(size, g);
    const objs = Math.floor((pages * g.pageSize) / size);
    const straddling: number[] = [];
    for (let o = 0; o < objs; o++) {
      const start = o * size;
      const end = start + size - 1;
      if (Math.floor(start / g.pageSize) !== Math.floor(end / g.pageSize)) straddling.push(o);
    }
    const huge = g.era === 'modern' && pages === 1 && objs === 1;
    let servedBy = i;
    if (g.era === 'modern' && prev && prev.pagesPerZspage === pages && prev.objsPerZspage === objs) {
      servedBy = prev.servedBy;
    }
    const cls: SizeClass = { index: i, size, pagesPerZspage: pages, objsPerZspage: objs, straddling, huge, servedBy };
    out[i] = cls;
    if (servedBy === i) prev = cls;
  }
  return out;
}

/** Index of the class for an allocation of `size` bytes as the caller asked (header added in the modern era). */
export function classIndexFor(size: number, g: Geometry): number {
  const s = size + g.headerSize;
  const idx = s > g.minAllocSize ? Math.ceil((s - g.minAllocSize) / g.classDelta) : 0;
  return Math.min(idx, g.classCount - 1);
}

/** Where object `obj` of class `cls` lives inside its zspage. */
export function objectPlace(cls: SizeClass, obj: number, pageSize: number): { page: number; offset: number; straddles: boolean } {
  const start = obj * cls.size;
  const page = Math.floor(start / pageSize);
  const offset = start - page * pageSize;
  return { page, offset, straddles: offset + cls.size > pageSize };
}

/** The first object that starts in page `k` of a zspage of this class (2013 handles count from it). */
export function firstObjectInPage(cls: SizeClass, k: number, pageSize: number): number {
  return Math.ceil((k * pageSize) / cls.size);
}
