import { describe, expect, it } from 'vitest';
import { editDistance, scanCText, scanMakeText } from '../../rules/config-refs.js';

/** K004's reference scanner, ShellCheck-style one-liners: what is and is not a reference to a Kconfig symbol. */
const refs = (c: string) => scanCText('f.c', c).refs.map((r) => r.name);
const defs = (c: string) => scanCText('f.c', c).localDefs;
const mk = (c: string) => scanMakeText('Makefile', c);

describe('C references', () => {
  it('finds directive and code references, with their position', () => {
    expect(refs('#ifdef CONFIG_A\n#if defined(CONFIG_B) && IS_ENABLED(CONFIG_C)\nint x = CONFIG_D;\n#endif\n')).toEqual(['A', 'B', 'C', 'D']);
    expect(scanCText('f.c', '\n  #  if CONFIG_X\n').refs[0]!.span).toEqual({ file: 'f.c', line: 2, col: 9 });
  });
  it('skips comments, strings, characters, #error text and partial names', () => {
    expect(refs('/* CONFIG_A */ // CONFIG_B\n"CONFIG_C" \'C\' x_CONFIG_D MY_CONFIG_E\n#error needs CONFIG_F\n')).toEqual([]);
    expect(refs('// line \\\n CONFIG_A continued comment\nCONFIG_B')).toEqual(['B']);
    expect(refs('#define P(x) CONFIG_##x\n#define Q(x) x##CONFIG_R\n')).toEqual([]);
  });
  it('takes #define CONFIG_X and enumerators as the code\'s own names', () => {
    expect(defs('#define CONFIG_A 1\n#define CONFIG_B(x) x\nenum e { CONFIG_C, CONFIG_D = 2 };\n')).toEqual(['A', 'B', 'C', 'D']);
    expect(refs('#define CONFIG_A CONFIG_B\nenum { X = CONFIG_C };')).toEqual(['B']);
    expect(refs('#undef CONFIG_A\n')).toEqual([]);
  });
  it('keeps CONFIG_FOO_MODULE as written (the rule maps it to FOO)', () => {
    expect(refs('#ifdef CONFIG_FOO_MODULE\n')).toEqual(['FOO_MODULE']);
  });
});

describe('Makefile references', () => {
  it('finds $(CONFIG_X) and ifdef, not comments; -D and assignments define', () => {
    const r = mk('obj-$(CONFIG_A) += a.o\nifdef CONFIG_B\n# obj-$(CONFIG_C) += c.o\nccflags-y += -DCONFIG_D\nCONFIG_SHELL := sh\nx := $(CONFIG_SHELL)\n');
    expect(r.refs.map((x) => x.name)).toEqual(['A', 'B', 'SHELL', 'SHELL']);
    expect(r.localDefs).toEqual(['D', 'SHELL']);
  });
});

describe('suggestions', () => {
  it('edit distance with a cap', () => {
    expect(editDistance('ZSMALOC', 'ZSMALLOC', 2)).toBe(1);
    expect(editDistance('SMP', 'ZSMALLOC', 2)).toBe(3);
  });
});
