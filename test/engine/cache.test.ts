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
    expect(second.cache.diskHits).toBe(units);

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
    expect(fourth.cache.diskHits).toBe(units - fourth.cache.misses);
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
