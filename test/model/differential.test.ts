import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkDifferential } from '../../src/model/check.js';
import { makeConfig } from '../../src/model/config.js';
import { differential } from '../../src/model/differential.js';
import { generateTrace } from '../../src/model/generate.js';
import { runTrace } from '../../src/model/model.js';
import type { Trace } from '../../src/model/ops.js';

/** A CPU setup and a random workload on it, all drawn by fast-check. */
const machine = fc.record({
  cpus: fc.integer({ min: 1, max: 4 }),
  smpIfOne: fc.boolean(),
  era: fc.constantFrom('2013' as const, 'modern' as const),
  pageSize: fc.constantFrom(4096, 16384),
  tlbCapacity: fc.constantFrom(1, 2, 8, 64),
  seed: fc.integer({ min: 0, max: 0xffffffff }),
  ops: fc.integer({ min: 20, max: 300 }),
  specFill: fc.constantFrom(0, 0.1, 0.5),
});

describe('copy and pgtable+global agree on random traces (fast-check)', () => {
  it('same reads, same bytes after every unmap and free, same final bytes, and no violation on either side', () => {
    fc.assert(
      fc.property(machine, (m) => {
        const base = makeConfig({
          cpus: m.cpus,
          smp: m.cpus > 1 || m.smpIfOne,
          era: m.era,
          pageSize: m.pageSize,
          tlbCapacity: m.tlbCapacity,
          path: 'copy',
        });
        const trace = generateTrace(base, { ops: m.ops, seed: m.seed, specFill: m.specFill });
        const d = differential(base, trace);
        expect(d.divergence).toBeUndefined();
        expect(d.copy.violations).toEqual([]);
        expect(d.pgtable.violations).toEqual([]);
        expect(d.copy.observations.length).toBe(d.pgtable.observations.length);
      }),
      { numRuns: 60, seed: 20130118 },
    );
  });

  it('they agree on traces built step by step by fast-check too (any mix of steps the caller may take)', () => {
    // a caller that keeps the contract, expressed as fast-check commands over labels it has allocated
    const step = fc.oneof(
      fc.record({ k: fc.constant('alloc' as const), size: fc.constantFrom(1632, 3264, 2000, 2720, 100, 4096) }),
      fc.record({ k: fc.constant('cycle' as const), pick: fc.nat(), mode: fc.constantFrom('ro' as const, 'rw' as const), fill: fc.nat(0xffff), off: fc.nat(), len: fc.integer({ min: 1, max: 64 }) }),
      fc.record({ k: fc.constant('free' as const), pick: fc.nat() }),
      fc.record({ k: fc.constant('migrate' as const), task: fc.nat(3), cpu: fc.nat(3) }),
      fc.record({ k: fc.constant('spec' as const), cpu: fc.nat(3), area: fc.nat(3), page: fc.nat(1) }),
    );
    fc.assert(
      fc.property(fc.array(step, { maxLength: 60 }), fc.nat(3), (steps, t) => {
        const trace: Trace = [];
        const live: { obj: number; size: number }[] = [];
        let label = 1;
        for (const s of steps) {
          if (s.k === 'alloc') {
            // a fresh object is written whole through a write-only mapping before anyone reads it
            trace.push({ op: 'alloc', task: t, obj: label, size: s.size });
            trace.push({ op: 'map', task: t, obj: label, mode: 'wo' });
            trace.push({ op: 'write', task: t, off: 0, len: s.size, fill: label });
            trace.push({ op: 'unmap', task: t });
            live.push({ obj: label++, size: s.size });
          } else if (s.k === 'cycle' && live.length) {
            const o = live[s.pick % live.length]!;
            const off = s.off % o.size;
            const len = Math.min(s.len, o.size - off);
            trace.push({ op: 'map', task: t, obj: o.obj, mode: s.mode });
            trace.push({ op: 'read', task: t, off, len });
            if (s.mode === 'rw') trace.push({ op: 'write', task: t, off, len, fill: s.fill });
            trace.push({ op: 'read', task: t, off: 0, len: o.size });
            trace.push({ op: 'unmap', task: t });
          } else if (s.k === 'free' && live.length) {
            trace.push({ op: 'free', task: t, obj: live.splice(s.pick % live.length, 1)[0]!.obj });
          } else if (s.k === 'migrate') {
            trace.push({ op: 'migrate', task: s.task, cpu: s.cpu });
          } else if (s.k === 'spec') {
            trace.push({ op: 'spec', cpu: s.cpu, area: s.area, page: s.page });
          }
        }
        const base = makeConfig({ cpus: 4, smp: true, path: 'copy' });
        const d = differential(base, trace);
        expect(d.divergence).toBeUndefined();
        expect([...d.copy.violations, ...d.pgtable.violations]).toEqual([]);
      }),
      { numRuns: 100, seed: 7 },
    );
  });
});

describe('the differential check finds the broken variants', () => {
  const find = (partial: Parameters<typeof makeConfig>[0]) => {
    const base = makeConfig(partial);
    for (let seed = 1; seed <= 10; seed++) {
      const trace = generateTrace(base, { ops: 300, seed });
      const f = checkDifferential(base, trace, seed);
      if (f) return { f, base };
    }
    return undefined;
  };

  it('copy forgetting the copy-back on WO diverges from pgtable+global, and the shrunk trace diverges again', () => {
    const r = find({ cpus: 1, smp: false, path: 'copy', faults: ['skip-copy-back-wo'] });
    expect(r).toBeDefined();
    expect(r!.f.kind).toBe('PATH_DIVERGENCE');
    // alloc, alloc (so the second object straddles), map wo, write it all, unmap
    expect(r!.f.trace.length).toBe(5);
    expect(differential(r!.base, r!.f.trace).divergence).toBeDefined();
    // and the correct copy path agrees on that very trace
    expect(differential({ ...r!.base, faults: [] }, r!.f.trace).divergence).toBeUndefined();
  });

  it('copy skipping the copy-in on RW diverges', () => {
    expect(find({ cpus: 2, smp: true, path: 'copy', faults: ['skip-copy-in-rw'] })).toBeDefined();
  });

  it('without the preemption guard the paths diverge', () => {
    expect(find({ cpus: 4, smp: true, path: 'copy', preemptGuard: false })).toBeDefined();
  });

  it('a run is deterministic: the same trace gives the same observations', () => {
    const c = makeConfig({ cpus: 4, smp: true, path: 'pgtable', flush: 'local' });
    const t = generateTrace(c, { ops: 300, seed: 99 });
    const a = runTrace(c, t);
    const b = runTrace(c, t);
    expect(b.observations).toEqual(a.observations);
    expect(b.violations).toEqual(a.violations);
    expect(b.counters).toEqual(a.counters);
    expect(generateTrace(c, { ops: 300, seed: 99 })).toEqual(t);
  });
});
