import { describe, expect, it } from 'vitest';
import type { Diagnostic } from '../../src/core/types.js';
import { buildMatrix, makeRef } from '../../src/engine/matrix.js';
import { mergeAcrossConfigs, witness } from '../../src/engine/merge.js';

const base = { kind: 'defconfig', name: 'multi_v7_defconfig' } as const;
const smpY = makeRef('arm', base, { SMP: 'y' });
const smpN = makeRef('arm', base, { SMP: 'n' });

function diag(fp: string, ref = smpN, line = 10): Diagnostic {
  return {
    code: 'X001',
    rule: 'module-uses-unexported-symbol',
    severity: 'error',
    message: 'm',
    primary: { file: 'a.c', line, col: 1 },
    trace: [],
    configs: [ref],
    fingerprint: fp,
  };
}

describe('mergeAcrossConfigs', () => {
  it('reports a finding seen in one configuration once, with where it passes and the witness', () => {
    const merged = mergeAcrossConfigs([diag('X001:zs:v7')], [smpY, smpN]);
    expect(merged).toHaveLength(1);
    expect(merged[0]!.configs.map((c) => c.id)).toEqual([smpN.id]);
    expect(merged[0]!.passing?.map((c) => c.id)).toEqual([smpY.id]);
    expect(merged[0]!.witness).toEqual({ SMP: 'n' });
  });

  it('merges the same fingerprint from several configurations into one finding without passing configs', () => {
    const merged = mergeAcrossConfigs([diag('f', smpN), diag('f', smpY, 12)], [smpY, smpN]);
    expect(merged).toHaveLength(1);
    expect(merged[0]!.configs).toHaveLength(2);
    expect(merged[0]!.passing).toBeUndefined();
  });

  it('keeps distinct fingerprints apart and sorts by file and line', () => {
    const merged = mergeAcrossConfigs([diag('b', smpN, 20), diag('a', smpN, 5)], [smpN]);
    expect(merged.map((d) => d.fingerprint)).toEqual(['a', 'b']);
  });
});

describe('witness', () => {
  it('names only the overrides that separate failing from passing configurations', () => {
    const f = makeRef('arm', base, { SMP: 'n', ZSMALLOC: 'm' });
    const p = makeRef('arm', base, { SMP: 'y', ZSMALLOC: 'm' });
    expect(witness([f], [p])).toEqual({ SMP: 'n' });
  });
  it('is undefined when there are no overrides', () => {
    expect(witness([makeRef('arm', base, {})], [])).toBeUndefined();
  });
});

describe('buildMatrix', () => {
  const defaults = { arch: 'arm', base, axes: [{ symbol: 'SMP', values: ['y', 'n'] }] };
  it('uses the tree defaults when the user chose nothing', () => {
    expect(buildMatrix({ overrides: {}, axes: [] }, defaults).map((e) => e.ref.id)).toEqual([
      'arm:multi_v7_defconfig+SMP=y',
      'arm:multi_v7_defconfig+SMP=n',
    ]);
  });
  it('replaces the default axes when the user sets a configuration', () => {
    const m = buildMatrix({ overrides: { SMP: 'y' }, axes: [] }, defaults);
    expect(m).toHaveLength(1);
    expect(m[0]!.overrides).toEqual({ SMP: 'y' });
  });
  it('expands several axes as a product', () => {
    const m = buildMatrix({ overrides: {}, axes: [{ symbol: 'A', values: ['y', 'n'] }, { symbol: 'B', values: ['y', 'm', 'n'] }] }, defaults);
    expect(m).toHaveLength(6);
  });
  it('requires an architecture', () => {
    expect(() => buildMatrix({ overrides: {}, axes: [] }, {})).toThrow(/--arch/);
  });
});
