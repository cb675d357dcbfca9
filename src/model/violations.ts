/**
 * The invariants of the allocator model (allocator-model.md), each a named violation. A run reports every kind it
 * saw, each with the first operation that broke it.
 */
export const VIOLATION_KINDS = [
  'UNDEF_READ',
  'READ_MISMATCH',
  'STALE_TLB_READ',
  'STALE_TLB_WRITE',
  'KERNEL_PAGE_FAULT',
  'LATENT_STALE',
  'LOST_WRITE',
  'CORRUPTION',
  'OUT_OF_OBJECT_WRITE',
  'NESTED_MAP',
  'SLEEP_IN_ATOMIC',
  'MAP_IN_IRQ',
  'CONTRACT_VIOLATION',
  'PATH_DIVERGENCE',
] as const;

export type ViolationKind = (typeof VIOLATION_KINDS)[number];

/** One line per invariant: what the model checks. */
export const VIOLATION_DOCS: Record<ViolationKind, string> = {
  UNDEF_READ: 'a read returned bytes that have no defined value (never written, or not written in this write-only mapping, or outside the object)',
  READ_MISMATCH: 'a read returned bytes different from what the object holds (the shadow copy)',
  STALE_TLB_READ: 'a read went through a TLB entry that no longer matches the page table and returned wrong bytes',
  STALE_TLB_WRITE: 'a write went through a TLB entry that no longer matches the page table',
  KERNEL_PAGE_FAULT: 'an access through the mapping area found neither a TLB entry nor a page-table entry (kernel oops)',
  LATENT_STALE: 'after unmap a TLB still holds an entry for the unmapped area',
  LOST_WRITE: 'after unmap, bytes written during the mapping are not in the object',
  CORRUPTION: 'object bytes changed that nobody wrote through its handle',
  OUT_OF_OBJECT_WRITE: 'a write landed in bytes the object does not own',
  NESTED_MAP: 'a task mapped an object while it already held a mapping (one mapping per CPU, no nesting)',
  SLEEP_IN_ATOMIC: 'a task slept between map and unmap (preemption is off while mapped)',
  MAP_IN_IRQ: 'zs_map_object was called from an interrupt handler (BUG_ON(in_interrupt()))',
  CONTRACT_VIOLATION: 'the caller broke the mapping contract (write through a read-only mapping, partial write under write-only, write beyond the object)',
  PATH_DIVERGENCE: 'the same trace gave different reads or final bytes on the copy path and on the page-table path with a global flush',
};

/** Violations that are the caller's fault, not the allocator's: shrinking may not introduce new ones of these. */
export const CALLER_FAULTS: ReadonlySet<ViolationKind> = new Set<ViolationKind>([
  'UNDEF_READ',
  'NESTED_MAP',
  'SLEEP_IN_ATOMIC',
  'MAP_IN_IRQ',
  'CONTRACT_VIOLATION',
]);

export interface Violation {
  kind: ViolationKind;
  /** index of the operation in the trace that broke the invariant */
  opIndex: number;
  message: string;
}
