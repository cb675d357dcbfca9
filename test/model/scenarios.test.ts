import { describe, expect, it } from 'vitest';
import { shrinkViolation } from '../../src/model/check.js';
import { type ModelConfig, makeConfig } from '../../src/model/config.js';
import { generateTrace } from '../../src/model/generate.js';
import { runTrace } from '../../src/model/model.js';
import { formatTrace, parseTrace } from '../../src/model/ops.js';
import { SCENARIOS } from '../../src/model/scenarios.js';
import type { ViolationKind } from '../../src/model/violations.js';

describe('the scenarios of allocator-model.md, as hand-written traces', () => {
  for (const s of SCENARIOS) {
    it(`${s.name}: ${s.spec}`, () => {
      const r = runTrace(makeConfig(s.config), s.trace);
      expect(r.violations.map((v) => v.kind).sort()).toEqual([...s.expect].sort());
    });
  }

  it('covers every scenario the spec lists', () => {
    const specs = SCENARIOS.map((s) => s.spec);
    for (const line of [
      'UP pgtable without flush -> stale read',
      'UP local flush -> pass',
      'SMP local flush with guard and speculative fills -> LATENT_STALE',
      'SMP local flush without guard -> stale read',
      'SMP global flush -> pass',
      'copy path without guard -> lost write',
      'copy path that forgets copy-back on WO -> lost write',
      'copy path that skips copy-in on RW -> mismatch',
      'nested map -> NESTED_MAP',
      'sleep while mapped -> SLEEP_IN_ATOMIC',
    ]) {
      expect(specs).toContain(line);
    }
  });

  it('the guarded SMP trace passes with a global flush and fails with a local one, and only that way', () => {
    const s = SCENARIOS.find((x) => x.name === 'smp-pgtable-local-flush-guarded')!;
    expect(runTrace(makeConfig({ ...s.config, flush: 'global' }), s.trace).violations).toEqual([]);
    // without the speculative fill the local flush is enough
    const noSpec = s.trace.filter((op) => op.op !== 'spec');
    expect(runTrace(makeConfig(s.config), noSpec).violations).toEqual([]);
  });

  it('the unguarded SMP trace is harmless with the guard: the migration is refused', () => {
    const s = SCENARIOS.find((x) => x.name === 'smp-pgtable-local-flush-unguarded')!;
    const r = runTrace(makeConfig({ ...s.config, preemptGuard: true }), s.trace);
    expect(r.violations).toEqual([]);
    expect(r.counters.skipped).toBeGreaterThan(0);
  });

  it('the copy path passes the traces that break the faulty copy paths', () => {
    for (const name of ['copy-forgets-copy-back-wo', 'copy-skips-copy-in-rw', 'copy-unguarded']) {
      const s = SCENARIOS.find((x) => x.name === name)!;
      const r = runTrace(makeConfig({ ...s.config, faults: [], preemptGuard: true }), s.trace);
      expect(r.violations, name).toEqual([]);
    }
  });
});

/**
 * The same verdicts found by search: random workloads from the generator (a caller that keeps the contract) on each
 * configuration, then shrunk to a short trace that replays.
 */
describe('the scenarios found by random workloads and shrunk', () => {
  const search = (config: Partial<ModelConfig>, kind: ViolationKind, misuse = 0) => {
    const c = makeConfig(config);
    for (let seed = 1; seed <= 20; seed++) {
      const trace = generateTrace(c, { ops: 400, seed, misuse });
      const v = runTrace(c, trace).violations.find((x) => x.kind === kind);
      if (v) return { c, trace, v, seed };
    }
    return undefined;
  };

  const cases: [string, Partial<ModelConfig>, ViolationKind, number][] = [
    ['UP pgtable without flush -> stale read', { cpus: 1, smp: false, path: 'pgtable', flush: 'none' }, 'STALE_TLB_READ', 0],
    ['SMP local flush, guarded, speculative fills -> latent stale', { cpus: 4, smp: true, path: 'pgtable', flush: 'local' }, 'LATENT_STALE', 0],
    ['SMP local flush without guard -> stale read', { cpus: 4, smp: true, path: 'pgtable', flush: 'local', preemptGuard: false }, 'STALE_TLB_READ', 0],
    ['copy path without guard -> lost write', { cpus: 1, smp: false, path: 'copy', preemptGuard: false }, 'LOST_WRITE', 0],
    ['copy forgetting copy-back on WO -> lost write', { cpus: 1, smp: false, path: 'copy', faults: ['skip-copy-back-wo'] }, 'LOST_WRITE', 0],
    ['copy skipping copy-in on RW -> mismatch', { cpus: 1, smp: false, path: 'copy', faults: ['skip-copy-in-rw'] }, 'READ_MISMATCH', 0],
    ['nested map', { cpus: 1, smp: false, path: 'copy' }, 'NESTED_MAP', 0.05],
    ['sleep while mapped', { cpus: 2, smp: true, path: 'pgtable', flush: 'global' }, 'SLEEP_IN_ATOMIC', 0.05],
  ];
  for (const [name, config, kind, misuse] of cases) {
    it(`${name}: found, shrunk to a short trace that replays`, () => {
      const found = search(config, kind, misuse);
      expect(found, `no seed in 1..20 shows ${kind}`).toBeDefined();
      const f = shrinkViolation(found!.c, found!.trace, found!.v, found!.seed, 1500);
      expect(f.kind).toBe(kind);
      expect(f.trace.length).toBeLessThanOrEqual(16);
      expect(f.trace.length).toBeLessThan(f.foundAfter + 1);
      // the printed trace replays: parse what was printed and run it again
      const again = runTrace(found!.c, parseTrace(formatTrace(f.trace)));
      expect(again.violations.map((v) => v.kind)).toContain(kind);
    });
  }

  const passing: [string, Partial<ModelConfig>][] = [
    ['UP local flush', { cpus: 1, smp: false, path: 'pgtable', flush: 'local' }],
    ['SMP global flush', { cpus: 4, smp: true, path: 'pgtable', flush: 'global' }],
    ['SMP kernel on one CPU, local flush', { cpus: 1, smp: true, path: 'pgtable', flush: 'local' }],
    ['copy path with the guard, 4 CPUs', { cpus: 4, smp: true, path: 'copy' }],
    ['copy path, modern era', { cpus: 2, smp: true, path: 'copy', era: 'modern' }],
    ['SMP global flush, modern era, 16 KiB pages', { cpus: 2, smp: true, path: 'pgtable', flush: 'global', era: 'modern', pageSize: 16384 }],
  ];
  for (const [name, config] of passing) {
    it(`${name} -> pass on 10 random workloads`, () => {
      const c = makeConfig(config);
      for (let seed = 1; seed <= 10; seed++) {
        const r = runTrace(c, generateTrace(c, { ops: 500, seed }));
        expect(r.violations, `seed ${seed}`).toEqual([]);
        expect(r.counters.straddlingMaps, `seed ${seed} maps straddling objects`).toBeGreaterThan(0);
      }
    });
  }
});
