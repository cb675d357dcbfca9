import { describe, expect, it } from 'vitest';
import { loadKconfig, resolveConfig, runConf } from '../../src/kconfig/index.js';
import { emptyProfile } from '../../src/toolchain/profile.js';
import { KernelTree } from '../../src/tree/tree.js';

/**
 * Syntax of older kernels that 6.1 no longer has, accepted so that older trees (like the 3.x tree of the founding
 * zsmalloc case) can be configured: `---help---`, `option modules`, `option env="VAR"`, `option defconfig_list`,
 * and the `transitional` keyword of newer trees, tolerated.
 */
describe('older Kconfig syntax', () => {
  const files = {
    Kconfig: `config SRCARCH
\tstring
\toption env="SRCARCH"

config DEFCONFIG_LIST
\tstring
\toption defconfig_list
\tdefault "arch/$SRCARCH/defconfig"

config MODULES
\tbool "Enable loadable module support"
\toption modules
\t---help---
\t  Old-style help marker.

config DRIVER
\ttristate "driver"
\tdefault m
\t---help---
\t  Help text that
\t  spans lines.

config OLD_NAME
\tbool "old"
\ttransitional
`,
  };
  const model = loadKconfig(KernelTree.fromFiles(files), { arch: 'arm', profile: emptyProfile('arm') });

  it('parses without errors', () => {
    expect(model.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(model.modulesSym?.name).toBe('MODULES');
  });

  it('`option modules` makes m possible; ---help--- is help', () => {
    const run = runConf(model, { kind: 'olddefconfig', source: { name: '.config', text: 'CONFIG_MODULES=y\n' } });
    expect(run.dotconfig).toContain('CONFIG_DRIVER=m\n');
    // and without modules the default m becomes y
    const { config } = resolveConfig(model, { kind: 'alldefconfig' }, {});
    expect(config.values.get('DRIVER')).toBe(2);
    expect(model.symbol('DRIVER')?.help).toBe('Help text that\nspans lines.\n'); // conf keeps the newline before the blank line
  });

  it('`option env=` takes the value from the environment and is not written', () => {
    const run = runConf(model, { kind: 'alldefconfig' });
    expect(run.ev.stringValue(model.sym('SRCARCH')!)).toBe('arm');
    expect(run.dotconfig).not.toContain('CONFIG_SRCARCH');
  });
});
