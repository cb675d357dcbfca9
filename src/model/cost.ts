/** What a run did, counted per path. */
export interface Counters {
  maps: number;
  straddlingMaps: number;
  unmaps: number;
  /** straddling copy-path maps that copied the object into the buffer / unmaps that copied it back */
  copiesIn: number;
  copiesOut: number;
  /** memcpy calls (one per page piece, each with its kmap_atomic/kunmap_atomic pair) */
  copyPieces: number;
  bytesIn: number;
  bytesOut: number;
  pteWrites: number;
  localFlushes: number;
  globalFlushes: number;
  ipis: number;
  tlbHits: number;
  /** misses that walked the page table and filled the TLB */
  tlbFills: number;
  specFills: number;
  tlbEvictions: number;
  staleHits: number;
  pageFaults: number;
  reads: number;
  writes: number;
  /** steps that could not happen in the state reached (not runnable, no such object, pinned, …) */
  skipped: number;
}

export function zeroCounters(): Counters {
  return {
    maps: 0,
    straddlingMaps: 0,
    unmaps: 0,
    copiesIn: 0,
    copiesOut: 0,
    copyPieces: 0,
    bytesIn: 0,
    bytesOut: 0,
    pteWrites: 0,
    localFlushes: 0,
    globalFlushes: 0,
    ipis: 0,
    tlbHits: 0,
    tlbFills: 0,
    specFills: 0,
    tlbEvictions: 0,
    staleHits: 0,
    pageFaults: 0,
    reads: 0,
    writes: 0,
    skipped: 0,
  };
}

/**
 * Cycle weights per counted event, to compare paths. These are assumptions, calibrated so that one straddling
 * read-write map and unmap of a 1632-byte object (2 x 1632 bytes copied in 4 pieces, versus 4 PTE writes, one flush
 * and 2 TLB fills) comes out near the published figures:
 * - x86 (bare metal): copy ~560 cycles, page-table ~760 (a local flush is two invlpg; a global one adds an IPI per
 *   other CPU);
 * - armv7 (4-core Cortex-A9 class, zsmapbench): page-table ~6x cheaper than copy; a global flush costs about the
 *   same as a local one because the TLB maintenance is broadcast in hardware (no IPI).
 */
export interface CostWeights {
  name: string;
  mapCall: number;
  unmapCall: number;
  copyPiece: number;
  copyByte: number;
  pteWrite: number;
  localFlush: number;
  globalFlush: number;
  ipi: number;
  tlbFill: number;
}

export const COST_PROFILES: Record<'x86' | 'armv7', CostWeights> = {
  x86: { name: 'x86', mapCall: 40, unmapCall: 40, copyPiece: 20, copyByte: 0.125, pteWrite: 25, localFlush: 400, globalFlush: 400, ipi: 1500, tlbFill: 90 },
  armv7: { name: 'armv7', mapCall: 60, unmapCall: 60, copyPiece: 40, copyByte: 1.25, pteWrite: 20, localFlush: 150, globalFlush: 160, ipi: 0, tlbFill: 170 },
};

export type CostProfile = keyof typeof COST_PROFILES;

export interface Cost {
  profile: string;
  /** total weighted cycles */
  total: number;
  /** per map (0 when nothing was mapped) */
  perMap: number;
  /**
   * what the paths differ in, per straddling map: map/unmap calls of straddling objects plus copying, PTE writes,
   * flushes and TLB fills (all of which only straddling maps cause); the figure the published benchmarks compare
   */
  perStraddlingMap: number;
  /** weighted cycles by kind: calls, copy, pte, flush, tlb */
  breakdown: Record<string, number>;
}

export function cost(c: Counters, w: CostWeights): Cost {
  const breakdown: Record<string, number> = {
    calls: c.maps * w.mapCall + c.unmaps * w.unmapCall,
    copy: c.copyPieces * w.copyPiece + (c.bytesIn + c.bytesOut) * w.copyByte,
    pte: c.pteWrites * w.pteWrite,
    flush: c.localFlushes * w.localFlush + c.globalFlushes * w.globalFlush + c.ipis * w.ipi,
    tlb: c.tlbFills * w.tlbFill,
  };
  let total = 0;
  for (const v of Object.values(breakdown)) total += v;
  const straddling = c.straddlingMaps * (w.mapCall + w.unmapCall) + breakdown.copy! + breakdown.pte! + breakdown.flush! + breakdown.tlb!;
  return {
    profile: w.name,
    total: Math.round(total),
    perMap: c.maps ? Math.round(total / c.maps) : 0,
    perStraddlingMap: c.straddlingMaps ? Math.round(straddling / c.straddlingMaps) : 0,
    breakdown,
  };
}
