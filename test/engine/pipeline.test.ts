import { describe, expect, it } from 'vitest';
import { defaultStages } from '../../src/engine/default-stages.js';
import { buildMatrix } from '../../src/engine/matrix.js';
import { runMatrix } from '../../src/engine/pipeline.js';
import { loadSettings } from '../../src/settings/index.js';
import { KernelTree, bundledTreePath } from '../../src/tree/tree.js';
import { rules } from '../../rules/index.js';

describe('runMatrix', () => {
  const tree = new KernelTree(bundledTreePath());
  const matrix = buildMatrix({ overrides: {}, axes: [] }, loadSettings(tree).matrix);

  it('survives an internal failure on one unit: the unit is named, the rest is analysed', async () => {
    const stages = defaultStages(tree);
    const real = stages.extractFacts;
    stages.extractFacts = (ts, unit) => {
      if (unit.object === 'mm/slab.o') throw new Error('boom');
      return real(ts, unit);
    };
    const r = await runMatrix(tree, matrix, stages, { rules: rules.filter((x) => x.meta.code === 'X001') });
    const internal = r.warnings.filter((w) => w.code === 'E001');
    expect(internal).toHaveLength(1);
    expect(internal[0]!.message).toContain('mm/slab.c');
    expect(internal[0]!.message).toContain('boom');
    expect(r.diagnostics.map((d) => d.message)).toEqual(['"v7wbi_flush_kern_tlb_range" [drivers/staging/zsmalloc/zsmalloc.ko] undefined!']);
  });

  it('re-uses a unit for a second configuration that agrees on its footprint', async () => {
    const r = await runMatrix(tree, matrix, defaultStages(tree), { rules: [] });
    const [smpY, smpN] = r.runs;
    expect(smpY!.stats.reused).toBe(0);
    // units that never look at SMP (kernel/printk.c, mm/slab.c, the zram module, …) are not analysed again
    expect(smpN!.stats.reused).toBeGreaterThan(5);
    expect(smpN!.stats.reused).toBeLessThan(smpN!.stats.units);
    // zsmalloc-main.c consults CONFIG_SMP (through tlbflush.h): analysed again, and differently
    const f = (run: typeof smpY) => run!.facts.get('drivers/staging/zsmalloc/zsmalloc-main.o')!.refs.map((x) => x.name);
    expect(f(smpY)).toContain('cpu_tlb');
    expect(f(smpN)).toContain('v7wbi_flush_kern_tlb_range');
  });
});
