import { describe, expect, it } from 'vitest';
import { KernelTree, bundledTreePath } from '../../src/tree/tree.js';
import { autoconfHeader, dotConfig, explain, loadKconfig, resolveConfig } from '../../src/kconfig/index.js';

const tree = new KernelTree(bundledTreePath());
const model = loadKconfig(tree, { arch: 'arm' });
const base = { kind: 'defconfig', name: 'multi_v7_defconfig' } as const;

describe('bundled zsmalloc-arm fixture', () => {
  it('parses without diagnostics', () => {
    expect(model.fatal).toBe(false);
    expect(model.diagnostics).toEqual([]);
    expect(model.title).toBe('kvlint fixture arm kernel configuration');
    expect(model.definedSymbols()).toContain('ZSMALLOC');
  });

  it('multi_v7_defconfig with SMP=y', () => {
    const { config, diagnostics } = resolveConfig(model, base, { SMP: 'y' });
    expect(diagnostics).toEqual([]);
    const v = config.values;
    expect(v.get('SMP')).toBe(2);
    expect(v.get('SMP_ON_UP')).toBe(2);
    expect(v.get('CPU_V7')).toBe(2);
    expect(v.get('CPU_TLB_V7')).toBe(2);
    expect(v.get('CPU_TLB_V6')).toBe(0);
    expect(v.get('ZSMALLOC')).toBe(1);
    expect(v.get('ZRAM')).toBe(1);
    expect(v.get('NR_CPUS')).toBe('4');
    expect(autoconfHeader(model, config)).toContain('#define CONFIG_SMP_ON_UP 1\n');
  });

  it('multi_v7_defconfig with SMP=n turns SMP_ON_UP off', () => {
    const { config, diagnostics } = resolveConfig(model, base, { SMP: 'n' });
    expect(diagnostics).toEqual([]);
    const v = config.values;
    expect(v.get('SMP')).toBe(0);
    expect(v.get('SMP_ON_UP')).toBe(0);
    expect(v.get('CPU_TLB_V7')).toBe(2);
    expect(v.get('ZSMALLOC')).toBe(1);
    expect(v.has('NR_CPUS')).toBe(false);
    const h = autoconfHeader(model, config);
    expect(h).toContain('#define CONFIG_ZSMALLOC_MODULE 1\n');
    expect(h).not.toContain('CONFIG_SMP');
    expect(dotConfig(model, config)).toContain('# CONFIG_SMP is not set\n');
  });

  it('multi-TLB configuration (v6 + v7)', () => {
    const { config } = resolveConfig(model, { kind: 'defconfig', name: 'multi_v6_v7_defconfig' }, {});
    expect(config.values.get('CPU_TLB_V6')).toBe(2);
    expect(config.values.get('CPU_TLB_V7')).toBe(2);
    // SMP is off by default; CPU_V6's `select SMP_ON_UP if SMP` therefore does nothing
    expect(config.values.get('SMP_ON_UP')).toBe(0);
  });

  it('an override that cannot apply is reported with the reason', () => {
    const { config, diagnostics } = resolveConfig(model, base, { SMP: 'n', SMP_ON_UP: 'y' });
    expect(config.values.get('SMP_ON_UP')).toBe(0);
    expect(diagnostics.map((d) => d.code)).toEqual(['K005']);
    expect(diagnostics[0]!.message).toMatch(/SMP_ON_UP=y did not take effect: unmet dependencies: depends on .*SMP \[=n\]/);
  });

  it('explains a selected symbol with the select site', () => {
    const { config } = resolveConfig(model, base, {});
    const steps = explain(model, config, 'CPU_TLB_V7');
    const sel = steps.find((s) => s.kind === 'select');
    expect(sel?.label).toMatch(/selected by CPU_V7 \[=y\]/);
    expect(sel?.span).toMatchObject({ file: 'arch/arm/mm/Kconfig', line: 18 });
  });

  it('without a base uses alldefconfig and says so', () => {
    const { config, diagnostics } = resolveConfig(model, undefined, {});
    expect(diagnostics.some((d) => /alldefconfig/.test(d.message))).toBe(true);
    expect(config.values.get('ARCH_MULTI_V7')).toBe(2);
    expect(config.values.get('MODULES')).toBe(0);
  });
});
