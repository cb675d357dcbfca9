import { describe, expect, it } from 'vitest';
import { UnitPrefetch, type WorkerTreeSpec } from '../../src/engine/unit-runner.js';

// An early prefetch (started when git named the changed files) is taken over only for exactly the change it guessed.
describe('UnitPrefetch.isFor', () => {
  const spec: WorkerTreeSpec = { root: '/t', overlay: [['a.c', 'A'], ['b.h', null]], overlayId: 'x', objtree: '/o', profile: { name: 'p' } };
  const early = new UnitPrefetch(spec, new Set(['a.c', 'b.h']), false, 400);
  const changed = new Set(['b.h', 'a.c']);

  it('the same tree, environment and changed files: taken over (overlay order and ids aside)', () => {
    expect(early.isFor({ ...spec, overlay: [['b.h', null], ['a.c', 'A']], overlayId: 'y' }, changed, false, 400)).toBe(true);
  });

  it('anything else: not', () => {
    expect(early.isFor({ ...spec, overlay: [['a.c', 'A2'], ['b.h', null]] }, changed, false, 400)).toBe(false);
    expect(early.isFor({ ...spec, overlay: [['a.c', 'A'], ['b.h', null], ['c.c', 'C']] }, changed, false, 400)).toBe(false);
    expect(early.isFor({ ...spec, overlay: [['a.c', 'A']] }, changed, false, 400)).toBe(false);
    expect(early.isFor(spec, new Set(['a.c']), false, 400)).toBe(false);
    expect(early.isFor(spec, new Set(['a.c', 'b.h', 'c.c']), false, 400)).toBe(false);
    expect(early.isFor(spec, changed, true, 400)).toBe(false);
    expect(early.isFor(spec, changed, false, 1)).toBe(false);
    expect(early.isFor({ ...spec, objtree: '/other' }, changed, false, 400)).toBe(false);
    expect(early.isFor({ ...spec, profile: { name: 'q' } }, changed, false, 400)).toBe(false);
    expect(early.isFor({ ...spec, root: '/u' }, changed, false, 400)).toBe(false);
  });
});
