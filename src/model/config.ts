import { InputError } from '../core/errors.js';
import type { Era } from './sizeclass.js';

export type MapPath = 'copy' | 'pgtable';
export type FlushKind = 'none' | 'local' | 'global';

/**
 * Deliberate bugs, to show the model catches them:
 * - 'skip-copy-back-wo': the copy path forgets to copy the buffer back when unmapping a write-only mapping;
 * - 'skip-copy-in-rw': the copy path does not copy the object in when mapping read-write.
 * (Running without the preemption guard is `preemptGuard: false`.)
 */
export type Fault = 'skip-copy-back-wo' | 'skip-copy-in-rw';
export const FAULTS: readonly Fault[] = ['skip-copy-back-wo', 'skip-copy-in-rw'];

export interface ModelConfig {
  era: Era;
  pageSize: number;
  /** modern era only: CONFIG_ZSMALLOC_CHAIN_SIZE (default 8) */
  maxPagesPerZspage?: number;
  wordSize: 4 | 8;
  cpus: number;
  /** CONFIG_SMP; a kernel without it runs exactly one CPU */
  smp: boolean;
  path: MapPath;
  /** the TLB flush the page-table path's unmap performs (ignored by the copy path) */
  flush: FlushKind;
  /** map disables preemption until unmap (get_cpu_var / local_lock); off = the task can be preempted or migrated */
  preemptGuard: boolean;
  /** entries per CPU TLB (oldest evicted first) */
  tlbCapacity: number;
  faults: Fault[];
}

export const DEFAULT_CONFIG: ModelConfig = {
  era: '2013',
  pageSize: 4096,
  wordSize: 4,
  cpus: 1,
  smp: false,
  path: 'copy',
  flush: 'local',
  preemptGuard: true,
  tlbCapacity: 64,
  faults: [],
};

export function makeConfig(partial: Partial<ModelConfig> = {}): ModelConfig {
  const c: ModelConfig = { ...DEFAULT_CONFIG, ...partial, faults: [...(partial.faults ?? DEFAULT_CONFIG.faults)] };
  validateConfig(c);
  return c;
}

/** Reject configurations that cannot exist; the message is one line, fit for the CLI. */
export function validateConfig(c: ModelConfig): void {
  if (!Number.isInteger(c.cpus) || c.cpus < 1 || c.cpus > 64) throw new InputError(`cpus must be 1..64, got ${c.cpus}`);
  if (c.cpus > 1 && !c.smp) {
    throw new InputError(`cpus=${c.cpus} needs SMP: a kernel without CONFIG_SMP runs one CPU`);
  }
  if (!Number.isInteger(c.tlbCapacity) || c.tlbCapacity < 1) {
    throw new InputError(`TLB capacity must be a positive integer, got ${c.tlbCapacity}`);
  }
  for (const f of c.faults) if (!FAULTS.includes(f)) throw new InputError(`unknown fault '${f}' (known: ${FAULTS.join(', ')})`);
}

/** Short stable label, e.g. "cpus=4 smp=on flush=local guard=on" (the path is shown separately). */
export function configLabel(c: ModelConfig, withFlush = true): string {
  const parts = [`cpus=${c.cpus}`, `smp=${c.smp ? 'on' : 'off'}`];
  if (withFlush) parts.push(`flush=${c.flush}`);
  parts.push(`guard=${c.preemptGuard ? 'on' : 'off'}`);
  if (c.faults.length) parts.push(`fault=${c.faults.join('+')}`);
  return parts.join(' ');
}
