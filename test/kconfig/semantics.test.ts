import { describe, expect, it } from 'vitest';
import { type ConfMode, loadKconfig, runConf } from '../../src/kconfig/index.js';
import { emptyProfile } from '../../src/toolchain/profile.js';
import { KernelTree } from '../../src/tree/tree.js';
import { LINUX_SKIP_REASON } from '../support/linux.js';
import { parseDotConfig } from './oracle.js';
import { realConf, runRealConf } from './realconf.js';

/**
 * One small Kconfig tree per tricky semantic, each with the values we expect (reasoned from the Kconfig
 * language documentation) and, when the Linux tree is installed, compared byte for byte (.config and
 * autoconf.h) with the kernel's own conf run on the same files. Cases marked `mirrors` reproduce the situation of
 * a scripts/kconfig/tests case with our own Kconfig text.
 */

type Mode =
  | { all: 'alldefconfig' | 'allnoconfig' | 'allyesconfig' | 'allmodconfig' }
  | { olddefconfig: string }
  | { defconfig: string }
  | { randconfig: number };

interface Case {
  name: string;
  mirrors?: string;
  files: Record<string, string>;
  mode: Mode;
  /** symbol -> value in .config ("n" = "is not set"; null = not written at all) */
  expect: Record<string, string | null>;
  /** diagnostic codes kvlint must report (K003 unmet dependencies, K008 .config problems) */
  diags?: string[];
}

const MODULES = `config MODULES\n\tbool "modules"\n\tmodules\n\tdefault y\n`;

const cases: Case[] = [
  {
    name: 'choices: alldefconfig leaves a tristate choice in m mode with no value set',
    mirrors: 'scripts/kconfig/tests/choice',
    files: { Kconfig: choiceKconfig() },
    mode: { all: 'alldefconfig' },
    expect: { B0: 'n', B1: 'y', OB0: null, OB1: null, T0: 'n', T1: 'n', OT0: null, OT1: null },
  },
  {
    name: 'choices: allnoconfig keeps mandatory choices at their default',
    mirrors: 'scripts/kconfig/tests/choice',
    files: { Kconfig: choiceKconfig() },
    mode: { all: 'allnoconfig' },
    expect: { MODULES: 'n', B0: 'n', B1: 'y', OB0: null, T1: 'y', OT0: null },
  },
  {
    name: 'choices: allyesconfig',
    mirrors: 'scripts/kconfig/tests/choice',
    files: { Kconfig: choiceKconfig() },
    mode: { all: 'allyesconfig' },
    expect: { B1: 'y', OB1: 'y', OB0: 'n', T1: 'y', T0: 'n', OT1: 'y' },
  },
  {
    name: 'choices: allmodconfig puts tristate choices in m mode (every value m)',
    mirrors: 'scripts/kconfig/tests/choice',
    files: { Kconfig: choiceKconfig() },
    mode: { all: 'allmodconfig' },
    expect: { B1: 'y', T0: 'm', T1: 'm', OT0: 'm', OT1: 'm' },
  },
  {
    name: 'tristate choice value depending on an m symbol is hidden when the choice is y',
    mirrors: 'scripts/kconfig/tests/choice_value_with_m_dep',
    files: {
      Kconfig: `${MODULES}
config DEP
\ttristate
\tdefault m

choice
\tprompt "tristate choice"
config C0
\ttristate "c0"
config C1
\ttristate "c1"
\tdepends on DEP
endchoice
`,
    },
    mode: { olddefconfig: 'CONFIG_MODULES=y\nCONFIG_C1=y\n' },
    expect: { C0: 'y', C1: null, DEP: 'm' },
  },
  {
    name: 'a choice depending on another choice value keeps the user value',
    mirrors: 'scripts/kconfig/tests/inter_choice',
    files: {
      Kconfig: `${MODULES}
choice
\tprompt "first"
config V0
\ttristate "v0"
config V1
\ttristate "v1"
endchoice

choice
\tprompt "second"
\tdepends on V0
config D
\tbool "d"
endchoice
`,
      defconfig: 'CONFIG_V0=y\n',
    },
    mode: { defconfig: 'defconfig' },
    expect: { V0: 'y', V1: 'n', D: 'y' },
  },
  {
    name: 'choice values are not written when the choice dependencies are unmet',
    mirrors: 'scripts/kconfig/tests/no_write_if_dep_unmet',
    files: {
      Kconfig: `config A
\tbool "A"

choice
\tprompt "choice"
\tdepends on A
config CB
\tbool "b"
config CC
\tbool "c"
endchoice
`,
    },
    mode: { olddefconfig: '# CONFIG_A is not set\n' },
    expect: { A: 'n', CB: null, CC: null },
  },
  {
    name: 'automatic submenu: a symbol inside a choice depending on a choice value is not a choice value',
    mirrors: 'scripts/kconfig/tests/auto_submenu',
    files: {
      Kconfig: `choice
\tprompt "choice"
config X0
\tbool "x0"
config X0_OPT
\tbool "x0 option"
\tdepends on X0
\tdefault y
config X1
\tbool "x1"
endchoice
`,
    },
    mode: { all: 'alldefconfig' },
    expect: { X0: 'y', X0_OPT: 'y', X1: 'n' },
  },
  {
    name: 'select forces a symbol whose dependencies are unmet (and conf warns)',
    files: {
      Kconfig: `config DEP
\tbool "dep"

config TARGET
\tbool
\tdepends on DEP

config SELECTOR
\tbool "selector"
\tdefault y
\tselect TARGET
`,
    },
    mode: { all: 'alldefconfig' },
    expect: { DEP: 'n', SELECTOR: 'y', TARGET: 'y' },
    diags: ['K003'],
  },
  {
    name: 'select if: the condition limits the reverse dependency, m select gives m',
    files: {
      Kconfig: `${MODULES}
config COND
\tbool "cond"
config T
\ttristate
config T2
\ttristate
config S
\ttristate "s"
\tdefault m
\tselect T if COND
\tselect T2
`,
    },
    mode: { all: 'alldefconfig' },
    expect: { S: 'm', T: null, T2: 'm' },
  },
  {
    name: 'imply: a weak select, limited by dependencies and overridable by the user',
    files: {
      Kconfig: `${MODULES}
config IMPLIER
\ttristate "implier"
\tdefault y
\timply FREE
\timply LIMITED
\timply REFUSED

config LIMIT
\ttristate "limit"
\tdefault m

config FREE
\ttristate "free"
config LIMITED
\ttristate "limited"
\tdepends on LIMIT
config REFUSED
\ttristate "refused"
`,
      defconfig: '# CONFIG_REFUSED is not set\n',
    },
    mode: { defconfig: 'defconfig' },
    expect: { IMPLIER: 'y', FREE: 'y', LIMITED: 'm', REFUSED: 'n' },
  },
  {
    name: 'defaults: the first default whose condition holds wins, in definition order',
    files: {
      Kconfig: `config A
\tbool "a"
\tdefault y
config B
\tbool "b"
config V
\tint "v"
\tdefault 1 if B
\tdefault 2 if A
\tdefault 3
config S
\tstring "s"
\tdefault "from-b" if B
\tdefault "fallback"
config V
\tdefault 4
`,
    },
    mode: { all: 'alldefconfig' },
    expect: { A: 'y', B: 'n', V: '2', S: '"fallback"' },
  },
  {
    name: 'if blocks add dependencies to everything inside (and nest)',
    files: {
      Kconfig: `config OUTER
\tbool "outer"
config INNER
\tbool "inner"
\tdefault y
if OUTER
config IN1
\tbool "in1"
\tdefault y
if INNER
config IN2
\tbool "in2"
\tdefault y
endif
endif
config AFTER
\tbool "after"
\tdefault y
`,
      defconfig: 'CONFIG_OUTER=y\n',
    },
    mode: { defconfig: 'defconfig' },
    expect: { OUTER: 'y', IN1: 'y', IN2: 'y', AFTER: 'y' },
  },
  {
    name: 'menuconfig and menus: comments and "# end of" lines follow visibility',
    files: {
      Kconfig: `mainmenu "test tree"
menuconfig NET
\tbool "networking"
if NET
config NET_A
\tbool "a"
\tdefault y
endif
menu "Drivers"
\tdepends on NET
comment "shown when networking is on"
config DRV
\tbool "drv"
endmenu
menu "Hidden menu"
\tdepends on !NET
config HIDDEN
\tbool "hidden"
endmenu
`,
    },
    mode: { all: 'allyesconfig' },
    expect: { NET: 'y', NET_A: 'y', DRV: 'y', HIDDEN: null },
  },
  {
    name: 'visible if hides prompts but keeps defaults',
    files: {
      Kconfig: `config SHOW
\tbool "show"
menu "options"
\tvisible if SHOW
config OPT
\tbool "opt"
\tdefault y
config OPT_NODEF
\tbool "opt without default"
endmenu
`,
      defconfig: 'CONFIG_OPT_NODEF=y\n# CONFIG_OPT is not set\n',
    },
    mode: { defconfig: 'defconfig' },
    expect: { SHOW: 'n', OPT: 'y', OPT_NODEF: null },
  },
  {
    name: 'ranges: out-of-range values fall back, missing values take the low bound, hex keeps its spelling',
    files: {
      Kconfig: `config LIMIT
\tint "limit"
\tdefault 8
config N
\tint "n"
\trange 2 LIMIT
\tdefault 4
config M
\tint "m"
\trange 10 20
config H
\thex "h"
\trange 0x100 0x1000
\tdefault 0x200
config H2
\thex "h2"
\tdefault 1f
`,
    },
    mode: { olddefconfig: 'CONFIG_N=99\nCONFIG_H=0x0800\n' },
    expect: { LIMIT: '8', N: '4', M: '10', H: '0x0800', H2: '1f' },
  },
  {
    name: 'strings with quotes and backslashes survive .config and autoconf.h escaping',
    files: {
      Kconfig: `config STR
\tstring "s"
config EMPTY
\tstring "e"
config NUM
\tint "n"
\tdefault -5
`,
    },
    mode: { olddefconfig: 'CONFIG_STR="a \\"quoted\\" \\\\ path"\n' },
    expect: { STR: '"a \\"quoted\\" \\\\ path"', EMPTY: '""', NUM: '-5' },
  },
  {
    name: 'without MODULES, tristates act as bool and m becomes y; `depends on m` means n',
    files: {
      Kconfig: `config MODULES
\tbool "modules"
\tmodules
config T
\ttristate "t"
\tdefault m
config NEEDS_M
\ttristate "needs m"
\tdepends on m
\tdefault y
`,
    },
    mode: { all: 'alldefconfig' },
    expect: { MODULES: 'n', T: 'y', NEEDS_M: null },
  },
  {
    name: 'with MODULES, a tristate depending on m is limited to m',
    files: {
      Kconfig: `${MODULES}
config NEEDS_M
\ttristate "needs m"
\tdepends on m
\tdefault y
config BOOL_M
\tbool "bool forced from m"
\tdefault m
`,
    },
    mode: { all: 'alldefconfig' },
    expect: { MODULES: 'y', NEEDS_M: 'm', BOOL_M: 'y' },
  },
  {
    name: 'comparisons: numbers compare as numbers, strings as strings',
    files: {
      Kconfig: `config N
\tint "n"
\tdefault 10
config H
\thex "h"
\tdefault 0x10
config S
\tstring "s"
\tdefault "abc"
config LT
\tdef_bool N > 9
config HEXCMP
\tdef_bool H = 16
config STRCMP
\tdef_bool S = "abc"
config STRLT
\tdef_bool S < "abd"
`,
    },
    mode: { all: 'alldefconfig' },
    expect: { LT: 'y', HEXCMP: 'y', STRCMP: 'y', STRLT: 'y' },
  },
  {
    name: 'a symbol defined twice: dependencies are ORed, properties collected from both',
    files: {
      Kconfig: `config A
\tbool "a"
config B
\tbool "b"
\tdefault y
config X
\tbool "x from a"
\tdepends on A
config X
\tbool "x from b"
\tdepends on B
\tdefault y
`,
    },
    mode: { all: 'alldefconfig' },
    expect: { A: 'n', B: 'y', X: 'y' },
  },
  {
    name: '.config problems: invalid values are ignored with a warning',
    files: {
      Kconfig: `config B
\tbool "b"
\tdefault y
config I
\tint "i"
\tdefault 3
`,
    },
    mode: { olddefconfig: 'CONFIG_B=m\nCONFIG_I=abc\ngarbage line\n' },
    expect: { B: 'y', I: '3' },
    diags: ['K008', 'K008', 'K008'],
  },
  {
    name: 'macro language: variables, user functions, $(filename), $(lineno)',
    mirrors: 'scripts/kconfig/tests/preprocess',
    files: {
      Kconfig: `greet = hello-$(1)
simple := $(greet,world)
late = $(undefined-yet)
undefined-yet = now
list := a
list += b
config FROM_SIMPLE
\tstring "s"
\tdefault "$(simple)"
config FROM_LATE
\tstring "l"
\tdefault "$(late) $(list)"
config WHERE
\tstring "w"
\tdefault "$(filename):$(lineno)"
config WORD_$(undefined-yet)
\tbool "expanded name"
\tdefault y
`,
    },
    mode: { all: 'alldefconfig' },
    expect: { FROM_SIMPLE: '"hello-world"', FROM_LATE: '"now a b"', WHERE: '"Kconfig:15"', WORD_now: 'y' },
  },
  {
    name: 'randconfig with a seed is reproducible and equals conf with the same KCONFIG_SEED',
    files: { Kconfig: choiceKconfig() + `config R1\n\tbool "r1"\nconfig R2\n\ttristate "r2"\nconfig R3\n\tbool "r3"\n` },
    mode: { randconfig: 42 },
    expect: {},
  },
];

function choiceKconfig(): string {
  return `${MODULES}
choice
\tprompt "bool choice"
\tdefault B1
config B0
\tbool "b0"
config B1
\tbool "b1"
endchoice

choice
\tprompt "optional bool choice"
\toptional
\tdefault OB1
config OB0
\tbool "ob0"
config OB1
\tbool "ob1"
endchoice

choice
\tprompt "tristate choice"
\tdefault T1
config T0
\ttristate "t0"
config T1
\ttristate "t1"
endchoice

choice
\tprompt "optional tristate choice"
\toptional
\tdefault OT1
config OT0
\ttristate "ot0"
config OT1
\ttristate "ot1"
endchoice
`;
}

function kvlintRun(c: Case) {
  const model = loadKconfig(KernelTree.fromFiles(c.files), { arch: 'x86', profile: emptyProfile('x86') });
  expect(model.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  let mode: ConfMode;
  const m = c.mode;
  if ('all' in m) mode = { kind: m.all };
  else if ('olddefconfig' in m) mode = { kind: 'olddefconfig', source: { name: '.config', text: m.olddefconfig } };
  else if ('defconfig' in m) mode = { kind: 'defconfig', source: { name: m.defconfig, text: c.files[m.defconfig]! } };
  else mode = { kind: 'randconfig', seed: m.randconfig };
  return runConf(model, mode);
}

function confArgs(c: Case): { args: string[]; dotconfig?: string; env?: Record<string, string> } {
  const m = c.mode;
  if ('all' in m) return { args: [`--${m.all}`] };
  if ('olddefconfig' in m) return { args: ['--olddefconfig'], dotconfig: m.olddefconfig };
  if ('defconfig' in m) return { args: [`--defconfig=${m.defconfig}`] };
  return { args: ['--randconfig'], env: { KCONFIG_SEED: String(m.randconfig) } };
}

describe('Kconfig semantics', () => {
  for (const c of cases) {
    it(`${c.name}${c.mirrors ? ` (mirrors ${c.mirrors})` : ''}`, () => {
      const run = kvlintRun(c);
      const values = parseDotConfig(run.dotconfig);
      for (const [k, v] of Object.entries(c.expect)) {
        expect([k, values.get(k) ?? null]).toEqual([k, v]);
      }
      expect(run.diagnostics.map((d) => d.code).sort()).toEqual((c.diags ?? []).slice().sort());
    });
  }
});

const conf = (() => {
  try {
    return realConf();
  } catch {
    return undefined;
  }
})();

describe.skipIf(!conf)(`the same cases against the kernel's conf${conf ? '' : ` (skipped: ${LINUX_SKIP_REASON})`}`, () => {
  for (const c of cases) {
    it(c.name, () => {
      const run = kvlintRun(c);
      const a = confArgs(c);
      const r = runRealConf(c.files, a.args, { ...(a.dotconfig !== undefined ? { dotconfig: a.dotconfig } : {}), ...(a.env ? { env: a.env } : {}) });
      expect(r.status).toBe(0);
      expect(run.dotconfig).toBe(r.dotconfig);
      expect(run.autoconf).toBe(r.autoconf);
      // conf's unmet-dependency warning appears exactly when kvlint reports K003
      expect(/unmet direct dependencies/.test(r.stderr)).toBe(run.diagnostics.some((d) => d.code === 'K003'));
    });
  }
});

/**
 * Which entries of a choice block are choice values depends on menu.c's automatic submenus: an entry whose
 * dependencies "contain" the preceding value (after conf's expression simplification) is nested below it and
 * stops being a choice value, which changes the .config or turns the block into a recursive dependency. These
 * variations are checked against conf only (outcome, .config and autoconf.h, or the same error).
 */
describe.skipIf(!conf)('automatic submenus inside choices, against conf (mirrors scripts/kconfig/tests/auto_submenu)', () => {
  const deps = ['A || X', 'A && X', '!A', 'A = y', 'A != n', 'X || A', '(A || X) && Y', 'Y && A', 'A || (X && Y)', 'X'];
  for (const aDep of ['', '\tdepends on X\n', '\tdepends on X || Y\n']) {
    for (const d of deps) {
      const files = {
        Kconfig: `config X\n\tbool "x"\n\tdefault y\nconfig Y\n\tbool "y"\nchoice\n\tprompt "c"\n\tdepends on Y || X\nconfig A\n\tbool "a"\n${aDep}config B\n\tbool "b"\n\tdepends on ${d}\nconfig C\n\tbool "c"\n\tdepends on X\nendchoice\n`,
      };
      it(`A ${aDep ? aDep.trim() : 'without dependencies'}, B depends on ${d}`, () => {
        for (const all of ['alldefconfig', 'allyesconfig'] as const) {
          const r = runRealConf(files, [`--${all}`]);
          const model = loadKconfig(KernelTree.fromFiles(files), { arch: 'x86', profile: emptyProfile('x86') });
          if (r.status !== 0) {
            expect(model.fatal).toBe(true);
            const rec = model.diagnostics.find((x) => x.code === 'K002')!;
            for (const t of rec.trace) expect(r.stderr).toContain(`${t.span?.file}:${t.span?.line}:\t${t.label}\n`);
            continue;
          }
          expect(model.fatal).toBe(false);
          const run = runConf(model, { kind: all });
          expect(run.dotconfig).toBe(r.dotconfig);
          expect(run.autoconf).toBe(r.autoconf);
        }
      });
    }
  }
});
