import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCheck } from '../../src/engine/check.js';
import { PackReader, PackWriter } from '../../src/engine/packed.js';
import { type CachedUnit, DiskCache } from '../../src/engine/unit-cache.js';
import type { PackedUnit } from '../../src/engine/unit-pack.js';
import { loadSettings } from '../../src/settings/index.js';
import { KernelTree, bundledTreePath } from '../../src/tree/tree.js';

describe('packed values', () => {
  it('decode(encode(v)) is v: every JSON kind, shared shapes, key order, undefined keys dropped', () => {
    const v = [
      null, true, false, 0, -1, 2147483647, -2147483648, 2 ** 40, 1.5, -0.25, '', 'a\u0000b', 'ÿ',
      { b: 1, a: [1, { b: 2, a: 3 }] }, { a: 1, b: 2 }, [], {}, { x: undefined, y: 'y' },
    ];
    const w = new PackWriter();
    for (const x of v) w.value(x);
    w.int(42);
    const r = new PackReader(w.finish());
    const back = v.map(() => r.value());
    expect(back).toStrictEqual(JSON.parse(JSON.stringify(v)));
    expect(Object.keys(back[13] as object)).toEqual(['b', 'a']);
    expect(r.int()).toBe(42);
  });
});

/**
 * A configuration's units read back from its pack give the same facts, link result and findings as freshly
 * analysed ones; spans and traces are decoded only for the units a finding shows.
 */
describe('unit packs', () => {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'kvlint-pack-test-'));
  const treeDir = path.join(work, 'tree');
  const cacheDir = path.join(work, 'cache');
  fs.cpSync(bundledTreePath(), treeDir, { recursive: true });
  afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

  const check = async () => {
    const tree = new KernelTree(treeDir);
    return runCheck({ tree, selection: { overrides: { SMP: 'n' }, axes: [] }, settings: loadSettings(tree), cacheDir, jobs: 1 });
  };
  const json = (v: unknown) => JSON.parse(JSON.stringify(v, (_k, x: unknown) => (x instanceof Map ? [...x] : x))) as unknown;

  it('a second run takes every unit from the pack, with identical results', async () => {
    const first = await check();
    expect(first.run.cache.misses).toBeGreaterThan(0);
    expect(fs.readdirSync(path.join(cacheDir, 'units', fs.readdirSync(path.join(cacheDir, 'units'))[0]!, 'packs'))).toHaveLength(1);
    const second = await check();
    const a = first.run.runs[0]!;
    const b = second.run.runs[0]!;
    expect(second.run.cache.packHits).toBe(b.stats.units);
    expect(second.run.cache.misses + second.run.cache.diskHits).toBe(0);
    const unit = [...b.facts.values()][0]!;
    expect((second.run.cache as unknown as { byKey: Map<string, PackedUnit[]> }).byKey.size).toBe(b.stats.units);
    expect(json(b.facts)).toEqual(json(a.facts));
    expect(json(b.link)).toEqual(json(a.link));
    expect(json(second.diagnostics)).toEqual(json(first.diagnostics));
    expect([...b.files].sort()).toEqual([...a.files].sort());
    expect(second.diagnostics.map((d) => d.code)).toEqual(['X001']);
    expect(unit.defs.length + unit.refs.length).toBeGreaterThan(0);
  });

  it('decodes the detail (spans, traces) only of units a finding shows', async () => {
    const r = await check();
    const units = [...(r.run.cache as unknown as { byKey: Map<string, PackedUnit[]> }).byKey.values()].flat();
    const pack = units[0]!.pack;
    expect(r.diagnostics.map((d) => d.code)).toEqual(['X001']);
    // the finding shows one use in zsmalloc and the definition in tlb-v7.S
    expect(pack.decoded).toBeGreaterThan(0);
    expect(pack.decoded).toBeLessThanOrEqual(3);
    expect(units.length).toBeGreaterThan(10);
  });

  it('a unit whose file changed is analysed again; the rest still come from the pack', async () => {
    const f = path.join(treeDir, 'drivers/staging/zram/zram_drv.c');
    fs.appendFileSync(f, '\n/* touched */\n');
    const r = await check();
    expect(r.run.cache.misses).toBe(1);
    expect(r.run.cache.packHits).toBe(r.run.runs[0]!.stats.units - 1);
    expect(r.diagnostics.map((d) => d.code)).toEqual(['X001']);
  });

  it('a change run never writes the pack, even when its base wrote one: the pack keeps the tree as it is', async () => {
    const fresh = path.join(work, 'cache-change');
    const tree = new KernelTree(treeDir);
    const selection = { overrides: { SMP: 'n' }, axes: [] };
    const base = await runCheck({ tree, selection, settings: loadSettings(tree), cacheDir: fresh, jobs: 1 });
    const zram = 'drivers/staging/zram/zram_drv.c';
    const changeTree = tree.withOverlay(new Map([[zram, tree.readText(zram) + '\n/* staged */\n']]));
    const reuse = { result: base.run, changed: new Set([zram]), addedOrRemoved: false, newOnly: true };
    await runCheck({ tree: changeTree, selection, settings: loadSettings(changeTree), cacheDir: fresh, jobs: 1, cache: base.run.cache.derive(changeTree, [zram]), reuse });
    // the next run of the tree as it is takes every unit from the pack (the change's would make zram_drv stale)
    const again = await runCheck({ tree: new KernelTree(treeDir), selection, settings: loadSettings(tree), cacheDir: fresh, jobs: 1 });
    expect(again.run.cache.packHits).toBe(again.run.runs[0]!.stats.units);
  });
});

describe('unit variants on disk', () => {
  it('the variant a run uses moves to the front: contents staged since do not push it out', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kvlint-variants-'));
    try {
      const disk = new DiskCache(dir, bundledTreePath());
      const unit = (n: number): CachedUnit => ({
        footprint: new Map([['CONFIG_X', String(n)]]),
        facts: { object: 'a.o', source: 'a.c', defs: [], refs: [], exports: [], importNs: [] },
        diagnostics: [],
        gaps: [],
        includes: [],
        hashes: [],
      });
      for (let n = 0; n < 3; n++) disk.write('k', unit(n));
      expect(disk.read('k').map((u) => u.footprint.get('CONFIG_X'))).toEqual(['2', '1', '0']);
      disk.touch('k', 2);
      expect(disk.read('k').map((u) => u.footprint.get('CONFIG_X'))).toEqual(['0', '2', '1']);
      // eight variants are kept: the one touched survives seven more writes
      for (let n = 3; n < 10; n++) disk.write('k', unit(n));
      expect(disk.read('k').map((u) => u.footprint.get('CONFIG_X'))).toContain('0');
      expect(disk.read('k').map((u) => u.footprint.get('CONFIG_X'))).not.toContain('1');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
