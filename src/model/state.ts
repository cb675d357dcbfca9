import type { ZsObject } from './pool.js';
import type { MapMode } from './ops.js';
import type { Tlb } from './mmu.js';

/** The records the model's state is made of (shared by model.ts and access.ts). */

/** A per-CPU copy buffer (copy path): ordinary kernel memory, reachable from any CPU. */
export interface CopyBuffer {
  id: number;
  cpu: number;
  data: Uint8Array;
  freed: boolean;
}

/** struct mapping_area: one per CPU. */
export interface Area {
  /** vm_mm: the mode of the last map on this CPU (zero-initialised per-CPU data: ZS_MM_RW) */
  mode: MapMode;
  /** page-table path: first virtual page of the 2-page area */
  vpn?: number;
  /** copy path */
  buffer?: CopyBuffer;
}

export interface Cpu {
  id: number;
  online: boolean;
  tlb: Tlb;
  area: Area | undefined;
}

export interface Mapping {
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

export interface Task {
  id: number;
  cpu: number;
  maps: Mapping[];
  /** preemption disabled by map (guard on) */
  preempt: number;
  sleeping: boolean;
}

export interface Shadow {
  data: Uint8Array;
  defined: Uint8Array;
}

export const hex = (n: number): string => '0x' + n.toString(16);

/** FNV-1a of some bytes (object contents are compared by digest in the differential check). */
export function fnv1a(b: Uint8Array): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < b.length; i++) h = Math.imul(h ^ b[i]!, 0x01000193);
  return h >>> 0;
}
