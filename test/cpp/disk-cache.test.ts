import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { fileHasher, UnitDiskCache } from '../../src/cpp/disk-cache.js';
import { CppCache, preprocess } from '../../src/cpp/index.js';
import { evalKbuild } from '../../src/kbuild/index.js';
import { autoconfHeader, loadKconfig, resolveConfig } from '../../src/kconfig/index.js';
import { macroEnv, parseAutoconf } from '../../src/engine/unit-cache.js';
import { bundledTreePath, KernelTree } from '../../src/tree/tree.js';

const tree = new KernelTree(bundledTreePath());
const model = loadKconfig(tree, { arch: 'arm' });
const ZS = 'drivers/staging/zsmalloc/zsmalloc-main.o';
const predefined = new Map([['__arm__', '1'], ['__GNUC__', '12'], ['__INT64_C(c)', 'c ## LL']]);

function unit(overrides: Record<string, string>) {
  const { config } = resolveConfig(model, { kind: 'defconfig', name: 'multi_v7_defconfig' }, overrides);
  const autoconf = autoconfHeader(model, config);
  const obj = evalKbuild(tree, config).graph.objects.get(ZS)!;
  return { autoconf, obj, env: macroEnv(predefined, obj.cmd, parseAutoconf(autoconf)) };
}

describe('footprints and the on-disk unit cache', () => {
  it('footprint values are what the engine\'s macro environment says, for every name', () => {
    const u = unit({ SMP: 'n' });
    const r = preprocess(tree, u.obj.source!, { cmd: u.obj.cmd, autoconf: u.autoconf, predefined, cache: new CppCache(tree) });
    expect(r.footprint.size).toBeGreaterThan(5);
    for (const [name, value] of r.footprint) expect([name, u.env(name)]).toEqual([name, value]);
    expect(r.footprint.get('__arm__')).toBeUndefined(); // not consulted by this unit
  });

  it('hits for a configuration that agrees on the footprint, misses when a consulted value or a file changes', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kvlint-units-'));
    try {
      const cache = new UnitDiskCache<{ calls: string[] }>(dir, tree.root);
      const hash = fileHasher((p) => tree.hash(p));
      const a = unit({ SMP: 'n' });
      const r = preprocess(tree, a.obj.source!, { cmd: a.obj.cmd, autoconf: a.autoconf, predefined, cache: new CppCache(tree) });
      const key = `${ZS}\0${JSON.stringify(a.obj.cmd)}`;
      cache.store(key, r.footprint, [a.obj.source!, ...r.includes], { calls: ['v7wbi_flush_kern_tlb_range'] }, hash);
      // the same configuration from a fresh cache object (another run)
      const again = new UnitDiskCache<{ calls: string[] }>(dir, tree.root);
      expect(again.lookup(key, a.env, hash)).toEqual({ calls: ['v7wbi_flush_kern_tlb_range'] });
      // ZRAM=n changes nothing this unit looked at
      const z = unit({ SMP: 'n', ZRAM: 'n' });
      expect(again.lookup(key, z.env, hash)).toBeDefined();
      // SMP=y changes CONFIG_SMP, which the unit consulted
      const y = unit({ SMP: 'y' });
      expect(again.lookup(key, y.env, hash)).toBeUndefined();
      // an edited header
      const edited = new KernelTree(bundledTreePath()).withOverlay(new Map([['arch/arm/include/asm/glue.h', '/* edited */\n']]));
      expect(again.lookup(key, a.env, fileHasher((p) => edited.hash(p)))).toBeUndefined();
      expect(again.stats).toEqual({ hits: 2, misses: 2, stores: 0 });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses a cache directory inside the checked tree', () => {
    expect(() => new UnitDiskCache(path.join(tree.root, '.kvlint-cache'), tree.root)).toThrow(/inside the checked tree/);
  });
});
