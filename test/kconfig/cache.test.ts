import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { explain, loadKconfig, resolveConfig, runMakeTargets } from '../../src/kconfig/index.js';
import { KernelTree, bundledTreePath } from '../../src/tree/tree.js';
import { LINUX_SKIP_REASON, linuxDir } from '../support/linux.js';

/** The parsed-model cache must give exactly what parsing gives, and only while the Kconfig files are unchanged. */

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kvlint-kcache-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function same(arch: string, tree: KernelTree, targets: string[][]) {
  const parsed = loadKconfig(tree, { arch });
  const first = loadKconfig(tree, { arch, cacheDir: dir });
  const cached = loadKconfig(tree, { arch, cacheDir: dir });
  expect(first.timings.restore).toBeUndefined();
  expect(cached.timings.restore).toBeGreaterThanOrEqual(0);
  expect(cached.timings.parse).toBeUndefined();
  expect(cached.diagnostics).toEqual(parsed.diagnostics);
  expect(cached.files).toEqual(parsed.files);
  expect(cached.title).toBe(parsed.title);
  expect(cached.syms.hashOrder().map((s) => s.name)).toEqual(parsed.syms.hashOrder().map((s) => s.name));
  for (const t of targets) {
    const a = runMakeTargets(parsed, t);
    const b = runMakeTargets(cached, t);
    expect(b.dotconfig).toBe(a.dotconfig);
    expect(b.autoconf).toBe(a.autoconf);
  }
  return { parsed, cached };
}

describe('Kconfig model cache', () => {
  it('restores the bundled fixture model exactly', () => {
    const tree = new KernelTree(bundledTreePath());
    const { parsed, cached } = same('arm', tree, [['multi_v7_defconfig'], ['allyesconfig'], ['allnoconfig'], ['multi_v6_v7_defconfig']]);
    const a = resolveConfig(parsed, { kind: 'defconfig', name: 'multi_v7_defconfig' }, { SMP: 'n' });
    const b = resolveConfig(cached, { kind: 'defconfig', name: 'multi_v7_defconfig' }, { SMP: 'n' });
    expect([...b.config.values]).toEqual([...a.config.values]);
    expect(explain(cached, b.config, 'CPU_TLB_V7')).toEqual(explain(parsed, a.config, 'CPU_TLB_V7'));
    const { dependsExpr: e1, ...i1 } = cached.symbol('SMP_ON_UP')!;
    const { dependsExpr: e2, ...i2 } = parsed.symbol('SMP_ON_UP')!;
    expect(i1).toEqual(i2);
    expect(e1 && e2).toBeTruthy();
  });

  it('is not used once a Kconfig file changes', () => {
    const files = { Kconfig: 'config A\n\tbool "a"\n\tdefault y\nsource "b/Kconfig"\n', 'b/Kconfig': 'config B\n\tbool "b"\n' };
    const t1 = KernelTree.fromFiles(files, '/mem-cache-test');
    loadKconfig(t1, { arch: 'x86', cacheDir: dir });
    expect(loadKconfig(t1, { arch: 'x86', cacheDir: dir }).timings.restore).toBeDefined();
    const t2 = KernelTree.fromFiles({ ...files, 'b/Kconfig': 'config B\n\tbool "b"\n\tdefault y\n' }, '/mem-cache-test');
    const m2 = loadKconfig(t2, { arch: 'x86', cacheDir: dir });
    expect(m2.timings.restore).toBeUndefined();
    expect(runMakeTargets(m2, ['alldefconfig']).dotconfig).toContain('CONFIG_B=y');
    // another architecture is another entry
    expect(loadKconfig(t2, { arch: 'arm', cacheDir: dir }).timings.restore).toBeUndefined();
  });
});

const linux = linuxDir();
describe.skipIf(!linux)(`Kconfig model cache on linux 6.1${linux ? '' : ` (skipped: ${LINUX_SKIP_REASON})`}`, () => {
  it('arm: restored model resolves like the parsed one', () => {
    same('arm', new KernelTree(linux!), [['multi_v7_defconfig'], ['allmodconfig'], ['tinyconfig']]);
  });
});
