import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCheck } from '../../src/engine/check.js';
import { loadSettings } from '../../src/settings/index.js';
import { KernelTree, bundledTreePath } from '../../src/tree/tree.js';

/** The on-disk unit cache: a second run reuses every unit; an edited source or header re-analyses exactly its units. */
describe('unit cache on disk', () => {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'kvlint-cache-test-'));
  const treeDir = path.join(work, 'tree');
  const cacheDir = path.join(work, 'cache');
  fs.cpSync(bundledTreePath(), treeDir, { recursive: true });
  afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

  async function check() {
    const tree = new KernelTree(treeDir);
    const r = await runCheck({ tree, selection: { overrides: { SMP: 'n' }, axes: [] }, settings: loadSettings(tree), cacheDir, jobs: 1 });
    return { codes: r.diagnostics.map((d) => `${d.code} ${d.message}`), cache: r.run.cache };
  }

  it('reuses every unit on a second run, and re-analyses only what an edit touches', async () => {
    const first = await check();
    expect(first.codes).toEqual(['X001 "v7wbi_flush_kern_tlb_range" [drivers/staging/zsmalloc/zsmalloc.ko] undefined!']);
    const units = first.cache.misses;
    expect(units).toBeGreaterThan(10);
    expect(first.cache.diskHits).toBe(0);

    const second = await check();
    expect(second.codes).toEqual(first.codes);
    expect(second.cache.misses).toBe(0);
    expect(second.cache.diskHits + second.cache.packHits).toBe(units);

    // export the glued routine from proc-syms.c: only that unit changes, and the finding goes away
    const ps = path.join(treeDir, 'arch/arm/mm/proc-syms.c');
    fs.writeFileSync(ps, fs.readFileSync(ps, 'utf8').replace('EXPORT_SYMBOL(cpu_tlb);\n#endif', 'EXPORT_SYMBOL(cpu_tlb);\n#else\nEXPORT_SYMBOL(__cpu_flush_kern_tlb_range);\n#endif'));
    const third = await check();
    expect(third.codes).toEqual([]);
    expect(third.cache.misses).toBe(1);

    // a header edit re-analyses every unit that includes it (and only those)
    const glue = path.join(treeDir, 'arch/arm/include/asm/glue.h');
    fs.writeFileSync(glue, fs.readFileSync(glue, 'utf8') + '\n/* touched */\n');
    const fourth = await check();
    // SMP=n: setup.c, proc-syms.c, tlb-v7.S, vmalloc.c and zsmalloc-main.c include asm/tlbflush.h, which includes it
    expect(fourth.cache.misses).toBe(5);
    expect(fourth.cache.diskHits + fourth.cache.packHits).toBe(units - fourth.cache.misses);
  });
});

/** A staged run checks the base, then the change with the base's cache seen through `derive`. */
describe('unit cache shared by a base and its change', () => {
  it('reuses in memory every unit that read none of the changed files, and re-analyses the rest', async () => {
    const baseTree = new KernelTree(bundledTreePath());
    const selection = { overrides: { SMP: 'n' }, axes: [] };
    const first = await runCheck({ tree: baseTree, selection, settings: loadSettings(baseTree), cacheDir: null, jobs: 1 });
    expect(first.diagnostics.map((d) => d.code)).toEqual(['X001']);
    const total = first.run.cache.misses;

    // the change exports the glued routine in proc-syms.c and touches glue.h (read by 5 units under SMP=n)
    const ps = 'arch/arm/mm/proc-syms.c';
    const glue = 'arch/arm/include/asm/glue.h';
    const changed = new Map([
      [ps, baseTree.readText(ps).replace('EXPORT_SYMBOL(cpu_tlb);\n#endif', 'EXPORT_SYMBOL(cpu_tlb);\n#else\nEXPORT_SYMBOL(__cpu_flush_kern_tlb_range);\n#endif')],
      [glue, baseTree.readText(glue) + '\n/* touched */\n'],
    ]);
    const changeTree = baseTree.withOverlay(changed);
    const cache = first.run.cache.derive(changeTree, changed.keys());
    const second = await runCheck({ tree: changeTree, selection, settings: loadSettings(changeTree), cacheDir: null, jobs: 1, cache });
    expect(second.diagnostics).toEqual([]);
    expect(cache.misses).toBe(5);
    expect(cache.hits).toBe(total - 5);
  });
});

/**
 * A staged run also takes over the base's Kconfig model, configurations and Kbuild graphs, unless the change touches
 * a file they read (or, for Kbuild, adds or removes a file).
 */
describe('stages of a base taken over by its change', () => {
  const baseTree = new KernelTree(bundledTreePath());
  const selection = { overrides: { SMP: 'n' }, axes: [] };
  async function pair(changes: Map<string, string | null>) {
    const first = await runCheck({ tree: baseTree, selection, settings: loadSettings(baseTree), cacheDir: null, jobs: 1 });
    const changeTree = baseTree.withOverlay(changes);
    const changed = new Set(changes.keys());
    const addedOrRemoved = [...changed].some((p) => baseTree.isFile(p) !== changeTree.isFile(p));
    const cache = first.run.cache.derive(changeTree, changed);
    const reuse = { result: first.run, changed, addedOrRemoved };
    const second = await runCheck({ tree: changeTree, selection, settings: loadSettings(changeTree), cacheDir: null, jobs: 1, cache, reuse });
    return { a: first.run.runs[0]!, b: second.run.runs[0]!, first, second };
  }

  it('a source change: the same configuration and graph objects', async () => {
    const f = 'drivers/staging/zram/zram_drv.c';
    const { a, b, first, second } = await pair(new Map([[f, baseTree.readText(f) + '\n/* touched */\n']]));
    expect(b.config).toBe(a.config);
    expect(b.graph).toBe(a.graph);
    expect(second.run.models.get('arm')).toBe(first.run.models.get('arm'));
    expect(second.diagnostics.map((d) => d.code)).toEqual(['X001']);
  });

  it('a Makefile change: the configuration is kept, the graph is evaluated again and shows the change', async () => {
    const mk = 'drivers/staging/zram/Makefile';
    const { a, b } = await pair(new Map([[mk, baseTree.readText(mk).replace('zram-y\t:=\tzram_drv.o', 'zram-y\t:=\tzram_drv.o zram_sysfs.o')]]));
    expect(b.config).toBe(a.config);
    expect(b.graph).not.toBe(a.graph);
    expect(b.graph.objects.has('drivers/staging/zram/zram_sysfs.o')).toBe(true);
    expect(a.graph.objects.has('drivers/staging/zram/zram_sysfs.o')).toBe(false);
  });

  it('an added file: the graph is evaluated again ($(wildcard) and sources depend on which files exist)', async () => {
    const { a, b } = await pair(new Map([['drivers/staging/zram/new.c', 'int x;\n']]));
    expect(b.config).toBe(a.config);
    expect(b.graph).not.toBe(a.graph);
  });

  it('a Kconfig change: the model is read again from the change and its values take effect', async () => {
    const kc = 'drivers/staging/zram/Kconfig';
    const { a, b, first, second } = await pair(new Map([[kc, baseTree.readText(kc).replace('depends on BLOCK', 'depends on SMP && BLOCK')]]));
    expect(second.run.models.get('arm')).not.toBe(first.run.models.get('arm'));
    expect(b.config).not.toBe(a.config);
    expect(b.config.values.get('ZRAM')).not.toEqual(a.config.values.get('ZRAM'));
    expect(b.graph.objects.has('drivers/staging/zram/zram_drv.o')).toBe(false);
  });

  it('a defconfig change: the configuration is resolved again from the change', async () => {
    const dc = 'arch/arm/configs/multi_v7_defconfig';
    const { a, b } = await pair(new Map([[dc, baseTree.readText(dc) + 'CONFIG_ZRAM=m\n']]));
    expect(b.config).not.toBe(a.config);
  });
});
