import { describe, expect, it } from 'vitest';
import { type KconfigModel, autoconfHeader, dotConfig, loadKconfig, resolveConfig, runMakeTargets } from '../../src/kconfig/index.js';
import { KernelTree } from '../../src/tree/tree.js';
import { LINUX_SKIP_REASON, haveCommand, linuxDir } from '../support/linux.js';
import { CROSS, compare, runOracle } from './oracle.js';

/**
 * Conformance with the kernel's own conf on linux-source-6.1: for x86, arm, arm64 and riscv, allnoconfig,
 * allyesconfig, allmodconfig and at least ten more configurations each (defconfigs, fragment targets, seeded
 * randconfigs), kvlint's .config must equal conf's symbol by symbol and byte for byte, and so must autoconf.h.
 * The oracle runs `make O=~/.cache/kvlint/oracle/kconfig-<arch> ARCH=… CROSS_COMPILE=… <targets>` with the same
 * compilers the bundled toolchain profiles were probed with; its results are cached per (tree, targets, compiler).
 * The full sweep over every defconfig is bench/kconfig-conformance.ts.
 */

const linux = linuxDir();

interface Case {
  targets: string[];
  seed?: number;
  overrides?: Record<string, string>;
}

const t = (...targets: string[]): Case => ({ targets });
const rand = (seed: number): Case => ({ targets: ['randconfig'], seed });
const ALL = [t('allnoconfig'), t('allyesconfig'), t('allmodconfig')];

const CASES: Record<string, Case[]> = {
  x86: [
    ...ALL,
    t('alldefconfig'),
    t('defconfig'),
    t('x86_64_defconfig'),
    t('i386_defconfig'),
    t('tinyconfig'),
    t('defconfig', 'kvm_guest.config'),
    t('defconfig', 'xen.config'),
    t('defconfig', 'debug.config'),
    t('defconfig', 'x86_debug.config'),
    t('defconfig', 'nopm.config'),
    rand(1),
    rand(2),
    rand(3),
  ],
  arm: [
    ...ALL,
    t('multi_v7_defconfig'),
    { targets: ['multi_v7_defconfig'], overrides: { SMP: 'n' } },
    { targets: ['multi_v7_defconfig'], overrides: { SMP: 'y', SMP_ON_UP: 'n' } },
    t('multi_v5_defconfig'),
    t('multi_v4t_defconfig'),
    t('omap2plus_defconfig'),
    t('imx_v6_v7_defconfig'),
    t('bcm2835_defconfig'),
    t('exynos_defconfig'),
    t('sunxi_defconfig'),
    t('tegra_defconfig'),
    t('vexpress_defconfig'),
    t('at91_dt_defconfig'),
    t('mini2440_defconfig'),
    rand(1),
  ],
  arm64: [
    ...ALL,
    t('defconfig'),
    t('alldefconfig'),
    t('tinyconfig'),
    t('defconfig', 'kvm_guest.config'),
    t('defconfig', 'debug.config'),
    t('defconfig', 'xen.config'),
    t('defconfig', 'nopm.config'),
    { targets: ['defconfig'], overrides: { SMP: 'n', MODULES: 'n' } },
    rand(1),
    rand(2),
    rand(3),
  ],
  riscv: [
    ...ALL,
    t('defconfig'),
    t('rv32_defconfig'),
    t('nommu_k210_defconfig'),
    t('nommu_k210_sdcard_defconfig'),
    t('nommu_virt_defconfig'),
    t('alldefconfig'),
    t('tinyconfig'),
    t('defconfig', 'debug.config'),
    t('defconfig', 'kvm_guest.config'),
    rand(1),
    rand(2),
  ],
};

const missingCompilers = Object.entries(CROSS)
  .filter(([, cc]) => !haveCommand(`${cc}gcc`))
  .map(([a, cc]) => `${a} (${cc}gcc)`);

describe.skipIf(!linux)(`Kconfig conformance with conf on linux-source-6.1${linux ? '' : ` (skipped: ${LINUX_SKIP_REASON})`}`, () => {
  it('has the compilers the toolchain profiles describe', () => {
    expect(missingCompilers).toEqual([]);
  });
  for (const [arch, cases] of Object.entries(CASES)) {
    describe(arch, () => {
      let model: KconfigModel | undefined;
      const get = () => (model ??= loadKconfig(new KernelTree(linux!), { arch }));
      it('parses without errors or unanswered toolchain questions', () => {
        const m = get();
        expect(m.diagnostics.filter((d) => d.severity === 'error' || d.code === 'K007')).toEqual([]);
      });
      for (const c of cases) {
        const name = `${c.targets.join(' ')}${c.seed !== undefined ? ` KCONFIG_SEED=${c.seed}` : ''}${c.overrides ? ` + ${Object.entries(c.overrides).map(([k, v]) => `${k}=${v}`).join(' ')}` : ''}`;
        it(name, () => {
          const m = get();
          const conf = runOracle({
            linux: linux!,
            arch,
            crossCompile: CROSS[arch]!,
            targets: c.targets,
            ccVersion: m.profile.env.CC_VERSION_TEXT ?? '',
            ...(c.seed !== undefined ? { seed: c.seed } : {}),
            ...(c.overrides ? { overrides: c.overrides } : {}),
          });
          let kv: { dotconfig: string; autoconf: string };
          if (c.overrides) {
            // the public API: base = the make target, overrides like merge_config + olddefconfig
            const base = c.targets[0]!;
            const { config } = resolveConfig(m, { kind: 'defconfig', name: base }, c.overrides);
            kv = { dotconfig: dotConfig(m, config), autoconf: autoconfHeader(m, config) };
          } else kv = runMakeTargets(m, c.targets, c.seed !== undefined ? { seed: c.seed } : {});
          const cmp = compare(kv, conf);
          expect(cmp.mismatches).toEqual([]);
          expect(cmp.symbols).toBeGreaterThan(300);
          expect(cmp.dotconfigIdentical).toBe(true);
          expect(cmp.autoconfIdentical).toBe(true);
        });
      }
    });
  }
});
