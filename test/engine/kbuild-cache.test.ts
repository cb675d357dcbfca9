import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { defaultStages } from '../../src/engine/default-stages.js';
import { KbuildCache } from '../../src/engine/kbuild-cache.js';
import { autoConf } from '../../src/kbuild/config.js';
import { loadKconfig, resolveConfig } from '../../src/kconfig/index.js';
import { KernelTree, bundledTreePath } from '../../src/tree/tree.js';

/** Kbuild graphs kept between runs: valid while the makefiles read and the existence answers given are the same. */
describe('Kbuild graph cache', () => {
  const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kvlint-kbuild-cache-'));
  afterAll(() => fs.rmSync(cacheDir, { recursive: true, force: true }));
  const tree = new KernelTree(bundledTreePath());
  const config = resolveConfig(loadKconfig(tree, { arch: 'arm' }), { kind: 'defconfig', name: 'multi_v7_defconfig' }, {}).config;
  const key = JSON.stringify([config.arch, autoConf(config), null, null]);
  const first = defaultStages(tree, { cacheDir }).evalKbuild(tree, config);
  const cache = new KbuildCache(cacheDir, tree.root);
  const json = (v: unknown) => JSON.stringify(v, (_k, x: unknown) => (x instanceof Map ? [...x] : x));

  it('a second evaluation of the same tree and configuration is the stored graph', () => {
    const hit = cache.get(key, new KernelTree(bundledTreePath()));
    expect(hit).toBeDefined();
    expect(json(hit!.graph)).toBe(json(first.graph));
    const again = defaultStages(tree, { cacheDir }).evalKbuild(new KernelTree(bundledTreePath()), config);
    expect(json(again.graph)).toBe(json(first.graph));
  });

  it('a stored graph shares one command object among the objects built with the same command', () => {
    const hit = cache.get(key, new KernelTree(bundledTreePath()))!;
    const cmds = [...hit.graph.objects.values()].map((o) => o.cmd);
    const distinct = new Set(cmds.map((c) => JSON.stringify(c)));
    expect(new Set(cmds).size).toBe(distinct.size);
    expect(distinct.size).toBeLessThan(cmds.length);
  });

  it('is not used when a makefile it read changed', () => {
    const mk = 'drivers/staging/zram/Makefile';
    const changed = tree.withOverlay(new Map([[mk, tree.readText(mk).replace('zram_drv.o', 'zram_drv.o zram_sysfs.o')]]));
    expect(cache.get(key, changed)).toBeUndefined();
    // (evaluated without the cache: one entry per key, and the next test wants the original tree's)
    const g = defaultStages(changed).evalKbuild(changed, config).graph;
    expect(g.objects.has('drivers/staging/zram/zram_sysfs.o')).toBe(true);
  });

  it('is not used when a source file appears or disappears', () => {
    const src = 'drivers/staging/zram/zram_drv.c';
    expect(cache.get(key, tree.withOverlay(new Map([[src, null]])))).toBeUndefined();
    expect(cache.get(key, tree.withOverlay(new Map([['drivers/staging/zram/zram_drv.S', '/* asm */\n']])))).toBeUndefined();
    // a content change of a source is not the graph's business
    expect(cache.get(key, tree.withOverlay(new Map([[src, tree.readText(src) + '\n']])))).toBeDefined();
  });

  it('is keyed by the configuration', () => {
    const smpN = resolveConfig(loadKconfig(tree, { arch: 'arm' }), { kind: 'defconfig', name: 'multi_v7_defconfig' }, { SMP: 'n' }).config;
    expect(cache.get(JSON.stringify([smpN.arch, autoConf(smpN), null, null]), tree)).toBeUndefined();
  });

  it('stores every field of a graph: lib and derived objects, -U, assembler commands, modules, link order', () => {
    const t = KernelTree.fromFiles({ Makefile: 'obj-y += a.o\n' }, '/mem-kbuild-fields');
    const shared = ['include', 'arch/arm/include'];
    const c1 = { includes: shared, systemIncludes: [], defines: [['__KERNEL__', '1'], ['X', null]] as [string, string | null][], forcedIncludes: ['include/linux/kconfig.h'], flags: ['-O2'], language: 'c' as const };
    const c2 = { ...c1, includes: [...shared], language: 'assembler-with-cpp' as const, defines: [['__ASSEMBLY__', '1']] as [string, string | null][] };
    const span = (line: number) => ({ file: 'Makefile', line, col: 1 });
    const graph = {
      arch: 'arm',
      objects: new Map([
        ['a.o', { path: 'a.o', source: 'a.c', builtin: true, span: span(1), cmd: c1 }],
        ['lib/b.o', { path: 'lib/b.o', source: 'lib/b.S', builtin: true, lib: true, span: span(2), cmd: c2 }],
        ['m/c.o', { path: 'm/c.o', source: 'm/c.c', module: 'm/mod', builtin: false, span: { ...span(3), endLine: 4, endCol: 9 }, cmd: c1 }],
        ['m/d.o', { path: 'm/d.o', module: 'm/mod', builtin: false, derivedFrom: 'm/c.o', span: span(5), cmd: c1 }],
      ]),
      modules: [{ name: 'm/mod', objects: ['m/c.o', 'm/d.o'], span: span(3) }],
      builtin: ['a.o', 'lib/b.o'],
      prepare: [
        { target: 'include/generated/bounds.h', kind: 'filechk' as const, name: 'offsets', args: ['__LINUX_BOUNDS_H__'], command: '', prereqs: ['kernel/bounds.s'], dir: '.', span: span(9) },
        { target: 'kernel/bounds.s', kind: 'cmd' as const, name: 'cc_s_c', args: [], command: '', prereqs: ['kernel/bounds.c'], dir: '.', span: span(8), source: 'kernel/bounds.c', cmd: c1 },
      ],
      top: { VERSION: '6', PATCHLEVEL: '1' },
    };
    const c = new KbuildCache(cacheDir, t.root);
    c.put('fields', t, { graph, diagnostics: [] }, new Set(['Makefile']), new Map(), Date.now());
    const back = c.get('fields', t)!.graph;
    expect(back.arch).toBe('arm');
    expect([...back.objects.keys()]).toEqual([...graph.objects.keys()]);
    for (const [k, o] of graph.objects) expect(back.objects.get(k)).toEqual(o);
    expect(back.modules).toEqual(graph.modules);
    expect(back.builtin).toEqual(graph.builtin);
    expect(back.prepare).toEqual(graph.prepare);
    expect(back.top).toEqual(graph.top);
    // one command object per command, as built
    expect(back.objects.get('a.o')!.cmd).toBe(back.objects.get('m/d.o')!.cmd);
    expect(back.objects.get('a.o')!.cmd).not.toBe(back.objects.get('lib/b.o')!.cmd);
  });
});
