import type { ModelConfig } from './config.js';
import { type Trace, parseTrace } from './ops.js';
import type { ViolationKind } from './violations.js';

/**
 * The scenarios of allocator-model.md, each a short trace written by hand with the verdict the model must give.
 * Size 3264 (4 KiB pages, 2013 classes): a zspage of 4 pages and 5 objects; the first object (#1) sits inside page 0,
 * the next three straddle, so #2 and #3 below straddle (pages 0-1 and 1-2).
 */
export interface Scenario {
  name: string;
  /** the sentence of the spec it reproduces */
  spec: string;
  config: Partial<ModelConfig>;
  trace: Trace;
  /** exactly the violation kinds the run must report (empty: pass) */
  expect: ViolationKind[];
}

const objects = 'T0 alloc #1 3264; T0 alloc #2 3264; T0 alloc #3 3264';
/** #2 and #3 written in full while nothing is stale */
const written = `${objects}; T0 map #3 wo; T0 write 0+3264 =3; T0 unmap; T0 map #2 wo; T0 write 0+3264 =2; T0 unmap`;

const up = { cpus: 1, smp: false };
const smp2 = { cpus: 2, smp: true };

export const SCENARIOS: Scenario[] = [
  {
    name: 'up-pgtable-no-flush',
    spec: 'UP pgtable without flush -> stale read',
    // a one-entry TLB, so that the stale entry left by each unmap is the page-1 one and the first access to go
    // through it is a read
    config: { ...up, path: 'pgtable', flush: 'none', tlbCapacity: 1 },
    // #3 sits on pages 1-2 and #2 on pages 0-1; after #2 is unmapped the TLB still maps the area's second page to
    // page 1, so reading the part of #3 that is on page 2 returns #2's bytes
    trace: parseTrace(`${objects}; T0 map #3 wo; T0 write 0+3264 =3; T0 unmap; T0 map #2 wo; T0 write 0+832 =2; T0 write 832+2432 =2; T0 unmap; T0 map #3 ro; T0 read 1664+16; T0 unmap`),
    expect: ['LATENT_STALE', 'STALE_TLB_READ'],
  },
  {
    name: 'up-pgtable-no-flush-write',
    spec: 'UP pgtable without flush, usual TLB: the next mapping writes through the stale entries',
    config: { ...up, path: 'pgtable', flush: 'none' },
    trace: parseTrace(`${objects}; T0 map #3 wo; T0 write 0+3264 =3; T0 unmap; T0 map #2 wo; T0 write 0+3264 =2; T0 unmap; T0 map #2 ro; T0 read 0+3264; T0 unmap`),
    expect: ['LATENT_STALE', 'STALE_TLB_WRITE', 'OUT_OF_OBJECT_WRITE', 'LOST_WRITE', 'STALE_TLB_READ', 'CORRUPTION'],
  },
  {
    name: 'up-pgtable-local-flush',
    spec: 'UP local flush -> pass',
    config: { ...up, path: 'pgtable', flush: 'local' },
    trace: parseTrace(`${written}; T0 map #3 ro; T0 read 0+3264; T0 unmap; T0 map #2 rw; T0 read 0+3264; T0 write 100+8 =9; T0 unmap`),
    expect: [],
  },
  {
    name: 'smp-pgtable-local-flush-guarded',
    spec: 'SMP local flush with guard and speculative fills -> LATENT_STALE',
    config: { ...smp2, path: 'pgtable', flush: 'local', preemptGuard: true },
    // while T0 holds #2 mapped on cpu0, cpu1 speculatively loads cpu0's area; the local flush on unmap misses it
    trace: parseTrace(`${objects}; T0 map #2 wo; spec cpu1 area0.0; T0 write 0+3264 =2; T0 unmap`),
    expect: ['LATENT_STALE'],
  },
  {
    name: 'smp-pgtable-local-flush-unguarded',
    spec: 'SMP local flush without guard -> stale read',
    config: { ...smp2, path: 'pgtable', flush: 'local', preemptGuard: false },
    // T0 maps #2 on cpu0, is migrated to cpu1 and unmaps there: cpu1's area is torn down, cpu0's keeps #2 and
    // cpu0's TLB keeps its entries; T2 (on cpu0) then maps #3 and reads #2's bytes through the stale entries
    trace: parseTrace(`${written}; T0 map #2 ro; T0 read 0+16; T0 migrate cpu1; T0 unmap; T2 map #3 ro; T2 read 0+16; T2 unmap`),
    expect: ['STALE_TLB_READ'],
  },
  {
    name: 'smp-pgtable-global-flush',
    spec: 'SMP global flush -> pass',
    config: { ...smp2, path: 'pgtable', flush: 'global', preemptGuard: true },
    // the two traces above: the global flush drops cpu1's entry, and the guard refuses the migration
    trace: parseTrace(`${objects}; T0 map #2 wo; spec cpu1 area0.0; T0 write 0+3264 =2; T0 unmap; T0 map #3 wo; T0 write 0+3264 =3; T0 unmap; T0 map #2 ro; T0 read 0+16; T0 migrate cpu1; T0 unmap; T2 map #3 ro; T2 read 0+16; T2 unmap`),
    expect: [],
  },
  {
    name: 'copy-unguarded',
    spec: 'copy path without guard -> lost write',
    config: { ...up, path: 'copy', preemptGuard: false },
    // T1 preempts T0 between map and unmap and reuses the CPU's buffer; T0's unmap then copies T1's bytes back
    trace: parseTrace(`${objects}; T0 map #2 wo; T0 write 0+3264 =2; T1 map #3 wo; T1 write 0+3264 =3; T1 unmap; T0 unmap`),
    expect: ['LOST_WRITE'],
  },
  {
    name: 'copy-forgets-copy-back-wo',
    spec: 'copy path that forgets copy-back on WO -> lost write',
    config: { ...up, path: 'copy', faults: ['skip-copy-back-wo'] },
    trace: parseTrace(`${objects}; T0 map #2 wo; T0 write 0+3264 =2; T0 unmap`),
    expect: ['LOST_WRITE'],
  },
  {
    name: 'copy-skips-copy-in-rw',
    spec: 'copy path that skips copy-in on RW -> mismatch',
    config: { ...up, path: 'copy', faults: ['skip-copy-in-rw'] },
    // the buffer still holds #2 (written last); mapping #3 read-write shows #2's bytes, and unmap writes them into #3
    trace: parseTrace(`${written}; T0 map #3 rw; T0 read 0+16; T0 unmap`),
    expect: ['READ_MISMATCH', 'CORRUPTION'],
  },
  {
    name: 'nested-map',
    spec: 'nested map -> NESTED_MAP',
    config: { ...up, path: 'copy' },
    trace: parseTrace(`${objects}; T0 map #2 wo; T0 map #1 wo; T0 write 0+3264 =1; T0 unmap; T0 write 0+3264 =2; T0 unmap`),
    expect: ['NESTED_MAP'],
  },
  {
    name: 'nested-map-straddling',
    spec: 'nested map of two straddling objects: the inner mapping reuses the area under the outer one',
    config: { ...up, path: 'copy' },
    trace: parseTrace(`${written}; T0 map #2 ro; T0 map #3 ro; T0 unmap; T0 read 0+16; T0 unmap`),
    expect: ['NESTED_MAP', 'READ_MISMATCH'],
  },
  {
    name: 'sleep-while-mapped',
    spec: 'sleep while mapped -> SLEEP_IN_ATOMIC',
    config: { ...up, path: 'pgtable', flush: 'local' },
    trace: parseTrace(`${objects}; T0 map #2 wo; T0 sleep; T0 write 0+3264 =2; T0 unmap`),
    expect: ['SLEEP_IN_ATOMIC'],
  },
  {
    name: 'map-in-irq',
    spec: 'zs_map_object from an interrupt -> BUG',
    config: { ...up, path: 'copy' },
    trace: parseTrace(`${objects}; irq cpu0 map #2`),
    expect: ['MAP_IN_IRQ'],
  },
  {
    name: 'unguarded-oops',
    spec: "a migrated task touches its mapping after the old CPU's area was remapped and unmapped -> oops",
    config: { ...smp2, path: 'pgtable', flush: 'global', preemptGuard: false },
    trace: parseTrace(`${written}; T0 map #2 ro; T0 migrate cpu1; T2 map #3 ro; T2 unmap; T0 read 0+16; T0 unmap`),
    expect: ['KERNEL_PAGE_FAULT'],
  },
  {
    name: 'ro-write',
    spec: 'write through a read-only mapping -> CONTRACT_VIOLATION',
    config: { ...up, path: 'pgtable', flush: 'global' },
    trace: parseTrace(`${written}; T0 map #2 ro; T0 write 0+8 =7; T0 unmap`),
    expect: ['CONTRACT_VIOLATION'],
  },
  {
    name: 'wo-partial-write',
    spec: 'partial write under WO -> CONTRACT_VIOLATION',
    config: { ...up, path: 'copy' },
    trace: parseTrace(`${objects}; T0 map #2 wo; T0 write 0+100 =2; T0 unmap`),
    expect: ['CONTRACT_VIOLATION'],
  },
  {
    name: 'wo-read-before-write',
    spec: 'reading what a write-only mapping has not written -> UNDEF_READ',
    config: { ...up, path: 'copy' },
    trace: parseTrace(`${written}; T0 map #2 wo; T0 read 0+8; T0 write 0+3264 =5; T0 unmap`),
    expect: ['UNDEF_READ'],
  },
];
