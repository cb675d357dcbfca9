import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as v8 from 'node:v8';
import { afterAll, describe, expect, it } from 'vitest';
import { autoconfHeader, dotConfig, explain, loadKconfig, resolveConfig, runMakeTargets } from '../../src/kconfig/index.js';
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

describe('resolved-configuration cache', () => {
  const rdir = fs.mkdtempSync(path.join(os.tmpdir(), 'kvlint-rcache-'));
  afterAll(() => fs.rmSync(rdir, { recursive: true, force: true }));
  const entries = (d = rdir) => fs.readdirSync(path.join(d, 'resolved')).filter((f) => f.endsWith('.v8'));
  const v7 = { kind: 'defconfig', name: 'multi_v7_defconfig' } as const;

  it('gives what conf gives: values, .config, autoconf.h, warnings, explanations', () => {
    const tree = new KernelTree(bundledTreePath());
    const plain = loadKconfig(tree, { arch: 'arm' });
    const want = resolveConfig(plain, v7, { SMP: 'n' });
    const first = resolveConfig(loadKconfig(tree, { arch: 'arm', cacheDir: rdir }), v7, { SMP: 'n' });
    expect(entries()).toHaveLength(1);
    const m = loadKconfig(tree, { arch: 'arm', cacheDir: rdir });
    const again = resolveConfig(m, v7, { SMP: 'n' });
    expect(entries()).toHaveLength(1);
    for (const r of [first, again]) {
      expect([...r.config.values]).toEqual([...want.config.values]);
      expect(r.config.ref).toEqual(want.config.ref);
      expect(r.diagnostics).toEqual(want.diagnostics);
    }
    expect(autoconfHeader(m, again.config)).toBe(autoconfHeader(plain, want.config));
    expect(dotConfig(m, again.config)).toBe(dotConfig(plain, want.config));
    // explain needs conf's state: computed again for a configuration that came from the cache
    expect(explain(m, again.config, 'CPU_TLB_V7')).toEqual(explain(plain, want.config, 'CPU_TLB_V7'));
    expect(explain(m, again.config, 'SMP')).toEqual(explain(plain, want.config, 'SMP'));
  });

  it('takes a stored entry as stored, and keys it by overrides, base text and every Kconfig file', () => {
    const files = {
      Kconfig: 'config A\n\tbool "a"\n\tdefault y\nsource "b/Kconfig"\n',
      'b/Kconfig': 'config B\n\tbool "b"\n',
      'arch/x86/configs/x_defconfig': 'CONFIG_B=y\n',
    };
    const base = { kind: 'defconfig', name: 'x_defconfig' } as const;
    const own = path.join(rdir, 'second');
    const t1 = KernelTree.fromFiles(files, '/mem-rcache');
    const r1 = resolveConfig(loadKconfig(t1, { arch: 'x86', cacheDir: own }), base, {});
    expect(r1.config.values.get('B')).toBe(2);
    expect(entries(own)).toHaveLength(1);
    // the entry is what a later run gets (here doctored, to see that it is read, not recomputed)
    const file = path.join(own, 'resolved', entries(own)[0]!);
    const s = v8.deserialize(fs.readFileSync(file)) as { autoconf: string };
    fs.writeFileSync(file, v8.serialize({ ...s, autoconf: '/* stored */\n' }));
    const m1 = loadKconfig(t1, { arch: 'x86', cacheDir: own });
    expect(autoconfHeader(m1, resolveConfig(m1, base, {}).config)).toBe('/* stored */\n');
    // another override, another defconfig text, another Kconfig file: computed, not taken
    expect(resolveConfig(m1, base, { B: 'n' }).config.values.get('B')).toBe(0);
    const t2 = KernelTree.fromFiles({ ...files, 'arch/x86/configs/x_defconfig': '# CONFIG_B is not set\n' }, '/mem-rcache');
    expect(resolveConfig(loadKconfig(t2, { arch: 'x86', cacheDir: own }), base, {}).config.values.get('B')).toBe(0);
    const t3 = KernelTree.fromFiles({ ...files, 'b/Kconfig': 'config B\n\tbool "b"\n\tdepends on !A\n' }, '/mem-rcache');
    const m3 = loadKconfig(t3, { arch: 'x86', cacheDir: own });
    const r3 = resolveConfig(m3, base, {});
    expect(r3.config.values.get('B')).toBe(0);
    expect(autoconfHeader(m3, r3.config)).not.toBe('/* stored */\n');
    expect(entries(own)).toHaveLength(4);
  });
});

const linux = linuxDir();
describe.skipIf(!linux)(`Kconfig model cache on linux 6.1${linux ? '' : ` (skipped: ${LINUX_SKIP_REASON})`}`, () => {
  it('arm: restored model resolves like the parsed one', () => {
    same('arm', new KernelTree(linux!), [['multi_v7_defconfig'], ['allmodconfig'], ['tinyconfig']]);
  });
});
