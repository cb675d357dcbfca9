import { describe, expect, it } from 'vitest';
import type { SymbolExplanation } from '../../src/engine/explain.js';
import { runCli } from '../support/cli.js';

/** `kvlint explain` on the bundled tree (its default matrix: multi_v7_defconfig with SMP=y and SMP=n). */
describe('kvlint explain', () => {
  it('the founding symbol: defined by ENTRY() in vmlinux, never exported, used by zsmalloc.ko only with SMP=n', async () => {
    const r = await runCli(['explain', 'v7wbi_flush_kern_tlb_range', '--no-color']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('arch/arm/mm/tlb-v7.S:27 in arch/arm/mm/tlb-v7.o (func, global, ENTRY()), linked into vmlinux  [in every configuration]');
    expect(r.stdout).toContain('by `obj-$(CONFIG_CPU_TLB_V7) += tlb-v7.o` (CONFIG_CPU_TLB_V7=y)');
    expect(r.stdout).toContain('never (no EXPORT_SYMBOL* in any configuration of the run)');
    expect(r.stdout).toContain('not available: defined in vmlinux (arch/arm/mm/tlb-v7.o) but not exported (modpost: undefined!)  [in every configuration]');
    expect(r.stdout).toContain('drivers/staging/zsmalloc/zsmalloc.ko at drivers/staging/zsmalloc/zsmalloc-main.c:72: modpost: undefined! (not exported)  [when SMP=n]');
  });

  it('json: cpu_tlb is available to modules exactly when SMP=y, and zsmalloc resolves it there', async () => {
    const r = await runCli(['explain', 'cpu_tlb', '--format', 'json']);
    const e = JSON.parse(r.stdout) as SymbolExplanation;
    expect(e.configs.map((c) => c.overrides)).toEqual([{ SMP: 'y' }, { SMP: 'n' }]);
    expect(e.availability.map((a) => [a.value.kind, a.when])).toEqual([
      ['exported', { SMP: 'y' }],
      ['undefined', { SMP: 'n' }],
    ]);
    expect(e.exports).toHaveLength(1);
    expect(e.exports[0]!.value).toMatchObject({ macro: 'EXPORT_SYMBOL', provider: 'vmlinux', span: { file: 'arch/arm/mm/proc-syms.c' } });
    const zs = e.users.find((u) => u.value.by === 'drivers/staging/zsmalloc/zsmalloc')!;
    expect(zs.value.status).toBe('exported');
    expect(zs.when).toEqual({ SMP: 'y' });
  });

  it('a module export: GPL-only, from zsmalloc.ko, used by zram.ko in every configuration', async () => {
    const r = await runCli(['explain', 'zs_malloc']);
    expect(r.stdout).toContain('EXPORT_SYMBOL_GPL from drivers/staging/zsmalloc/zsmalloc.ko  [in every configuration]');
    expect(r.stdout).toContain('available (exported by drivers/staging/zsmalloc/zsmalloc.ko; GPL-compatible modules only)');
    expect(r.stdout).toContain('drivers/staging/zram/zram.ko at drivers/staging/zram/zram_drv.c:12: resolves  [in every configuration]');
  });

  it('CONFIG_ names get the Kconfig chain per configuration', async () => {
    const r = await runCli(['explain', 'CONFIG_SMP_ON_UP']);
    expect(r.stdout).toMatch(/in ARCH=arm multi_v7_defconfig, SMP=y:\n {4}CONFIG_SMP_ON_UP=y \(bool\)/);
    expect(r.stdout).toContain('depends on SMP [=n] && MMU [=y] → n');
  });

  it('an unknown symbol is reported as such; a malformed name is a usage error', async () => {
    const r = await runCli(['explain', 'no_such_symbol']);
    expect(r.stdout).toContain('nowhere in any configuration of the run');
    expect(r.stdout).toContain('not available: not defined (not built)  [in every configuration]');
    const bad = await runCli(['explain', 'a-b']);
    expect(bad.code).toBe(2);
  });
});
