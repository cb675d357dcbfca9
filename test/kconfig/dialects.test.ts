import { describe, expect, it } from 'vitest';
import { dialectOf } from '../../src/kconfig/dialect.js';
import { loadKconfig, runConf } from '../../src/kconfig/index.js';
import { emptyProfile } from '../../src/toolchain/profile.js';
import { KernelTree } from '../../src/tree/tree.js';

/**
 * conf's behaviour per era, decided from the tree's own scripts/kconfig (src/kconfig/dialect.ts). The trees here
 * carry stand-in scripts/kconfig files that hold only what the detection looks for, so each era's rule is tested
 * against 6.1's on the same Kconfig: expr_trans_bool (≤5.x), imply as 4.x computes it, `option allnoconfig_y`.
 * The expected values are what the real conf of 4.19.1, 5.10.7 and 6.1 prints for this Kconfig (checked by hand with
 * each tree's scripts/kconfig/conf --olddefconfig / --allnoconfig); bench/kconfig-old-trees.ts checks whole trees.
 */
const KCONFIG = `config MODULES
\tbool "modules"
\tdefault y
\toption modules

config EMBEDDED
\tbool "embedded"
\toption allnoconfig_y

config X
\ttristate "x"
\tdefault m

config D
\ttristate "d"
\tdefault m

config SEL
\tbool "selector"
\tdefault y
\tselect T if X != n

config T
\ttristate

config IMP
\tbool "implier"
\tdefault y
\timply U

config U
\ttristate "u"
\tdepends on D
`;

/** stand-ins for the scripts/kconfig sources of a 5.10-like (macro language, flat lexer) or 4.19-like tree */
function era(which: '4.19' | '5.10' | '6.1'): Record<string, string> {
  if (which === '6.1') return { Kconfig: KCONFIG };
  return {
    Kconfig: KCONFIG,
    'scripts/kconfig/preprocess.c': '/* macro language */\n',
    'scripts/kconfig/lexer.l': '%%\n',
    'scripts/kconfig/confdata.c': '/* writes no end-of-menu lines */\n',
    'scripts/kconfig/menu.c': '/* finalize: dep = expr_trans_bool(dep); */\n',
    'scripts/kconfig/symbol.c': which === '4.19' ? '/* if (newval.tri == mod && sym->implied.tri == yes) */\n' : '/* implied, bounded by dir_dep */\n',
  };
}

function values(which: '4.19' | '5.10' | '6.1', kind: 'olddefconfig' | 'allnoconfig') {
  const tree = KernelTree.fromFiles(era(which));
  const model = loadKconfig(tree, { arch: 'arm', profile: emptyProfile('arm') });
  expect(model.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  const run = kind === 'olddefconfig' ? runConf(model, { kind, source: { name: '.config', text: '' } }) : runConf(model, { kind });
  const v = (n: string) => run.ev.stringValue(model.sym(n)!);
  return { dialect: dialectOf(tree), T: v('T'), U: v('U'), EMBEDDED: v('EMBEDDED') };
}

describe('conf per era', () => {
  it('the eras are told apart by the tree’s scripts/kconfig', () => {
    expect(values('6.1', 'olddefconfig').dialect).toMatchObject({ transBool: false, impliedPromotes: false });
    expect(values('5.10', 'olddefconfig').dialect).toMatchObject({ transBool: true, impliedPromotes: false });
    expect(values('4.19', 'olddefconfig').dialect).toMatchObject({ transBool: true, impliedPromotes: true });
  });

  it('expr_trans_bool (≤5.x): a bool symbol selecting under `if X != n` selects m while X is m (6.1: y)', () => {
    expect(values('6.1', 'olddefconfig').T).toBe('y');
    expect(values('5.10', 'olddefconfig').T).toBe('m');
    expect(values('4.19', 'olddefconfig').T).toBe('m');
  });

  it('imply (4.x): the implied y is not bounded by a direct dependency of m (5.x, 6.1: m)', () => {
    expect(values('6.1', 'olddefconfig').U).toBe('m');
    expect(values('5.10', 'olddefconfig').U).toBe('m');
    expect(values('4.19', 'olddefconfig').U).toBe('y');
  });

  it('`option allnoconfig_y`: allnoconfig sets the symbol to y', () => {
    expect(values('5.10', 'allnoconfig').EMBEDDED).toBe('y');
    expect(values('5.10', 'olddefconfig').EMBEDDED).toBe('n');
  });
});
