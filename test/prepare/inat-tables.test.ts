import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { GenerateRule } from '../../src/core/graph.js';
import type { Config, Span } from '../../src/core/types.js';
import { inatTables } from '../../src/prepare/inat-tables.js';
import type { GenContext } from '../../src/prepare/types.js';
import { KernelTree } from '../../src/tree/tree.js';
import { haveCommand, LINUX_SKIP_REASON, linuxDir } from '../support/linux.js';

const SCRIPT = 'arch/x86/tools/gen-insn-attr-x86.awk';
const MAP = 'arch/x86/lib/x86-opcode-map.txt';
const TARGET = 'arch/x86/lib/inat-tables.c';
const COMMAND = `awk -f ./${SCRIPT} ./${MAP} > ${TARGET}`;

const config: Config = {
  arch: 'x86_64',
  values: new Map(),
  base: { kind: 'allnoconfig' },
  overrides: {},
  ref: { id: 'x86_64', arch: 'x86_64', label: 'x86_64', overrides: {} },
};

/** a GenContext of one rule over `tree`, recording the problems reported (prepare()'s own wiring is not used) */
function context(tree: KernelTree, command = COMMAND, target = TARGET) {
  const problems: { message: string; at: Span }[] = [];
  const rule: GenerateRule = { target, kind: 'cmd', name: 'inat_tables', args: [], command, prereqs: [], dir: 'arch/x86/lib', span: { file: 'arch/x86/lib/Makefile', line: 1, col: 1 } };
  const ctx: GenContext = {
    rule,
    tree,
    config,
    top: {},
    srctree: '.',
    made: new Map(),
    setSoFar: () => ({ id: '', files: {} }),
    problem: (message, at) => problems.push({ message, at }),
    report: () => {},
    compileRule: () => undefined,
    gap: () => {},
    also: () => {},
    readInput: (p) => {
      const rel = p.replace(/^(\.\/)+/, '');
      const text = tree.tryReadText(rel);
      return text === undefined ? undefined : { text, file: rel };
    },
    configValue: () => '',
  };
  return { ctx, problems };
}

function generate(map: string) {
  const { ctx, problems } = context(KernelTree.fromFiles({ [MAP]: map }, '/mem-inat'));
  return { text: inatTables(ctx), problems };
}

type Row = [number, number, string];

/** the END part of the output: the three pointer arrays, then the same rows as the boot-time initialiser */
function tail(esc: Row[] = [], grp: Row[] = [], avx: Row[] = []): string {
  const arrays: [string, string, Row[]][] = [
    ['Escape', 'inat_escape_tables[INAT_ESC_MAX + 1]', esc],
    ['Group', 'inat_group_tables[INAT_GRP_MAX + 1]', grp],
    ['AVX', 'inat_avx_tables[X86_VEX_M_MAX + 1]', avx],
  ];
  let s = '#ifndef __BOOT_COMPRESSED\n\n';
  for (const [what, decl, rows] of arrays) {
    s += `/* ${what} opcode map array */\nconst insn_attr_t * const ${decl}[INAT_LSTPFX_MAX + 1] = {\n`;
    for (const [i, j, v] of rows) s += `\t[${i}][${j}] = ${v},\n`;
    s += '};\n\n';
  }
  s += '#else /* !__BOOT_COMPRESSED */\n\n';
  for (const [what, decl] of arrays) s += `/* ${what} opcode map array */\nstatic const insn_attr_t *${decl}[INAT_LSTPFX_MAX + 1];\n\n`;
  s += 'static void inat_init_tables(void)\n{\n';
  s += arrays
    .map(([what, decl, rows]) => `\t/* Print ${what} opcode map array */\n` + rows.map(([i, j, v]) => `\t${decl.slice(0, decl.indexOf('['))}[${i}][${j}] = ${v};\n`).join(''))
    .join('\n');
  return s + '}\n#endif\n';
}

const HEAD = '/* x86 opcode map generated from x86-opcode-map.txt */\n/* Do not change this code. */\n\n';

// ---- small maps (also run through the tree's script below, when it is there) ----

const SMALL = `# a small map
Table: one byte opcode
Referrer:
AVXcode:
00: ADD Eb,Gb
04: ADD AL,Ib
0f: escape # 2-byte escape
26: SEG=ES (Prefix)
40: INC eAX (i64) | REX (o64)
62: BOUND Gv,Ma (i64) | EVEX (Prefix)
80: Grp1 Eb,Ib (1A)
90: NOP
c8: ENTER Iw,Ib
ff: Grp5 (1A)
EndTable

Table: 2-byte opcode (0x0f)
Referrer: 2-byte escape
AVXcode: 1
10: vmovups Vps,Wps | vmovupd Vpd,Wpd (66) | vmovss Vx,Hx,Wss (F3),(v1) | vmovsd Vx,Hx,Wsd (F2),(v1)
b8: JMPE (!F3) | POPCNT Gv,Ev (F3)
EndTable

GrpTable: Grp1
0: ADD
7: CMP
EndTable

GrpTable: Grp5
0: INC Ev
4: JMPN Ev (f64)
EndTable
`;

const SMALL_OUT = `${HEAD}/* Table: one byte opcode */
const insn_attr_t inat_primary_table[INAT_OPCODE_TABLE_SIZE] = {
\t[0x00] = INAT_MODRM,
\t[0x04] = INAT_MAKE_IMM(INAT_IMM_BYTE),
\t[0x0f] = INAT_MAKE_ESCAPE(1),
\t[0x26] = INAT_MAKE_PREFIX(INAT_PFX_ES),
\t[0x40] = INAT_MAKE_PREFIX(INAT_PFX_REX),
\t[0x62] = INAT_MODRM | INAT_MAKE_PREFIX(INAT_PFX_EVEX),
\t[0x80] = INAT_MAKE_IMM(INAT_IMM_BYTE) | INAT_MODRM | INAT_MAKE_GROUP(1),
\t[0xc8] = INAT_MAKE_IMM(INAT_IMM_WORD) | INAT_SCNDIMM,
\t[0xff] = INAT_MAKE_GROUP(2),
};

/* Table: 2-byte opcode (0x0f) */
const insn_attr_t inat_escape_table_1[INAT_OPCODE_TABLE_SIZE] = {
\t[0x10] = INAT_MODRM | INAT_VEXOK | INAT_VARIANT,
\t[0xb8] = INAT_VARIANT,
};
const insn_attr_t inat_escape_table_1_1[INAT_OPCODE_TABLE_SIZE] = {
\t[0x10] = INAT_MODRM | INAT_VEXOK,
};
const insn_attr_t inat_escape_table_1_2[INAT_OPCODE_TABLE_SIZE] = {
\t[0x10] = INAT_MODRM | INAT_VEXOK,
\t[0xb8] = INAT_MODRM,
};
const insn_attr_t inat_escape_table_1_3[INAT_OPCODE_TABLE_SIZE] = {
\t[0x10] = INAT_MODRM | INAT_VEXOK,
};

/* GrpTable: Grp1 */

/* GrpTable: Grp5 */
const insn_attr_t inat_group_table_2[INAT_GROUP_TABLE_SIZE] = {
\t[0x0] = INAT_MODRM,
\t[0x4] = INAT_MODRM | INAT_FORCE64,
};

#ifndef __BOOT_COMPRESSED

/* Escape opcode map array */
const insn_attr_t * const inat_escape_tables[INAT_ESC_MAX + 1][INAT_LSTPFX_MAX + 1] = {
\t[1][0] = inat_escape_table_1,
\t[1][1] = inat_escape_table_1_1,
\t[1][2] = inat_escape_table_1_2,
\t[1][3] = inat_escape_table_1_3,
};

/* Group opcode map array */
const insn_attr_t * const inat_group_tables[INAT_GRP_MAX + 1][INAT_LSTPFX_MAX + 1] = {
\t[2][0] = inat_group_table_2,
};

/* AVX opcode map array */
const insn_attr_t * const inat_avx_tables[X86_VEX_M_MAX + 1][INAT_LSTPFX_MAX + 1] = {
\t[1][0] = inat_escape_table_1,
\t[1][1] = inat_escape_table_1_1,
\t[1][2] = inat_escape_table_1_2,
\t[1][3] = inat_escape_table_1_3,
};

#else /* !__BOOT_COMPRESSED */

/* Escape opcode map array */
static const insn_attr_t *inat_escape_tables[INAT_ESC_MAX + 1][INAT_LSTPFX_MAX + 1];

/* Group opcode map array */
static const insn_attr_t *inat_group_tables[INAT_GRP_MAX + 1][INAT_LSTPFX_MAX + 1];

/* AVX opcode map array */
static const insn_attr_t *inat_avx_tables[X86_VEX_M_MAX + 1][INAT_LSTPFX_MAX + 1];

static void inat_init_tables(void)
{
\t/* Print Escape opcode map array */
\tinat_escape_tables[1][0] = inat_escape_table_1;
\tinat_escape_tables[1][1] = inat_escape_table_1_1;
\tinat_escape_tables[1][2] = inat_escape_table_1_2;
\tinat_escape_tables[1][3] = inat_escape_table_1_3;

\t/* Print Group opcode map array */
\tinat_group_tables[2][0] = inat_group_table_2;

\t/* Print AVX opcode map array */
\tinat_avx_tables[1][0] = inat_escape_table_1;
\tinat_avx_tables[1][1] = inat_escape_table_1_1;
\tinat_avx_tables[1][2] = inat_escape_table_1_2;
\tinat_avx_tables[1][3] = inat_escape_table_1_3;
}
#endif
`;

/** awk's quirks: an opcode on line 1, a key no row prints, "01" as an AVX code, a stray last word, an unknown Referrer */
const QUIRKS = `00: ADD Eb,Gb
Table: avx only
AVXcode: 01
00f: vfoo Vx,Wx
EndTable
Table: stray
Referrer: now here
05: ADD rAX,Iz (x) Grp9
EndTable
`;

const QUIRKS_OUT = `${HEAD}/* Table: avx only */
const insn_attr_t inat_avx_table_1[INAT_OPCODE_TABLE_SIZE] = {
};

/* Table: stray */
const insn_attr_t inat_escape_table_0[INAT_OPCODE_TABLE_SIZE] = {
\t[0x05] = INAT_MAKE_IMM(INAT_IMM_VWORD32) | INAT_MAKE_GROUP(1),
};

${tail()}`;

/** a group named before its GrpTable:, and an escape whose table comes twice (the second without its F3 variant) */
const GROUPS = 'Table: one\nReferrer:\nAVXcode:\n0f: escape # two\n80: Grp3 Eb\nEndTable\nTable: x\nReferrer: two\n01: POPCNT Gv,Ev (F3)\nEndTable\n' +
  'Table: y\nReferrer: two\n02: ADD Gb,Eb\nEndTable\nGrpTable: Grp3\n1: TEST Eb,Ib\n2: NOP Ev (66)\nEndTable\n';

const GROUPS_OUT = `${HEAD}/* Table: one */
const insn_attr_t inat_primary_table[INAT_OPCODE_TABLE_SIZE] = {
\t[0x0f] = INAT_MAKE_ESCAPE(1),
\t[0x80] = INAT_MODRM | INAT_MAKE_GROUP(1),
};

/* Table: x */
const insn_attr_t inat_escape_table_1[INAT_OPCODE_TABLE_SIZE] = {
\t[0x01] = INAT_VARIANT,
};
const insn_attr_t inat_escape_table_1_2[INAT_OPCODE_TABLE_SIZE] = {
\t[0x01] = INAT_MODRM,
};

/* Table: y */
const insn_attr_t inat_escape_table_1[INAT_OPCODE_TABLE_SIZE] = {
\t[0x02] = INAT_MODRM,
};

/* GrpTable: Grp3 */
const insn_attr_t inat_group_table_1[INAT_GROUP_TABLE_SIZE] = {
\t[0x1] = INAT_MAKE_IMM(INAT_IMM_BYTE) | INAT_MODRM,
\t[0x2] = INAT_VARIANT,
};
const insn_attr_t inat_group_table_1_1[INAT_GROUP_TABLE_SIZE] = {
\t[0x2] = INAT_MODRM,
};

${tail([[1, 0, 'inat_escape_table_1'], [1, 2, 'inat_escape_table_1_2']], [[1, 0, 'inat_group_table_1'], [1, 1, 'inat_group_table_1_1']])}`;

const PRIMARY_ONE = 'Table: one\nReferrer:\nAVXcode:\n0f: escape # two\n04: ADD AL,Ib\nEndTable\n';
const PRIMARY_ONE_OUT = `/* Table: one */
const insn_attr_t inat_primary_table[INAT_OPCODE_TABLE_SIZE] = {
\t[0x04] = INAT_MAKE_IMM(INAT_IMM_BYTE),
\t[0x0f] = INAT_MAKE_ESCAPE(1),
};

`;

/** maps the script rejects: [name, map, line of the error, awk's message, output] */
const ERRORS: [string, string, number, string, string][] = [
  ['a redefined opcode', `${PRIMARY_ONE}Table: two\nReferrer: two\nAVXcode: 1\n10: MOV Ev,Gv\n10: NOP\nEndTable\n`, 11, 'Redefine 0x10 in inat_escape_table_1', `${HEAD}${PRIMARY_ONE_OUT}/* Table: two */\n${tail()}`],
  ['a Table: inside a table', 'Table: a\nAVXcode: 2\n01: ADD Eb,Gb\nTable: b\nEndTable\n', 4, 'Hit Table: before EndTable:.', `${HEAD}/* Table: a */\n/* Table: b */\n${tail()}`],
  ['a word where a separator belongs', 'Table: a\nReferrer:\nAVXcode:\n00: ADD Eb,Gb junk | SUB\n', 4, 'junk is not a separator', `${HEAD}/* Table: a */\n${tail()}`],
  ['an unknown immediate', `${PRIMARY_ONE}Table: b\n01: ADD Ix\n`, 8, 'Unknown imm opnd: Ix', `${HEAD}${PRIMARY_ONE_OUT}/* Table: b */\n${tail()}`],
  ['a second immediate that is not Ib', 'Table: b\n\n01: ENTER Iw,Iw\n', 3, 'Second IMM error', `${HEAD}/* Table: b */\n${tail()}`],
  ['an unknown prefix', 'Table: b\n\n01: FOO (Prefix)\n', 3, 'Unknown prefix: FOO', `${HEAD}/* Table: b */\n${tail()}`],
  ['a group no opcode named', 'GrpTable: Grp7\n0: ADD Ev\nEndTable\n', 1, 'No group: Grp7', `${HEAD}/* GrpTable: Grp7 */\n${tail()}`],
  ['an escape defined twice', 'Table: a\nReferrer: x y\nAVXcode:\n0f: escape # xy\n', 4, 'Redefine escape (xy)', `${HEAD}/* Table: a */\n${tail()}`],
];

describe('inat-tables.c (gen-insn-attr-x86.awk)', () => {
  it('prints the primary, escaped (with last-prefix variants) and group tables, then the pointer arrays', () => {
    const r = generate(SMALL);
    expect(r.text).toBe(SMALL_OUT);
    expect(r.problems).toEqual([]);
  });

  it('keeps awk’s quirks: line 1 skipped, unprintable keys, an AVX code "01", a stray last word, an unknown Referrer', () => {
    const r = generate(QUIRKS);
    expect(r.text).toBe(QUIRKS_OUT);
    expect(r.problems).toEqual([]);
  });

  it('a group table takes the id its opcode was given; a table read twice keeps the rows both registered', () => {
    const r = generate(GROUPS);
    expect(r.text).toBe(GROUPS_OUT);
    expect(r.problems).toEqual([]);
  });

  for (const [name, map, line, msg, out] of ERRORS) {
    it(`stops at ${name}, reports it at its line and still prints the END part`, () => {
      const r = generate(map);
      expect(r.text).toBe(out);
      expect(r.problems).toEqual([{ message: `semantic error: ${msg} (gen-insn-attr-x86.awk stops here)`, at: { file: MAP, line, col: 1 } }]);
    });
  }

  it('an empty map is the header and the empty pointer arrays', () => {
    expect(generate('').text).toBe(HEAD + tail());
  });

  it('only the command that runs gen-insn-attr-x86.awk over one map into the target', () => {
    const tree = KernelTree.fromFiles({ [MAP]: SMALL }, '/mem-inat');
    const make = (command: string, target = TARGET) => inatTables(context(tree, command, target).ctx);
    expect(make(COMMAND)).toBe(SMALL_OUT);
    expect(make(`gawk -f /src/linux/${SCRIPT} ./${MAP} >${TARGET}`)).toBe(SMALL_OUT);
    expect(make(`awk -f ./${SCRIPT} ./${MAP} > ./${TARGET}`)).toBe(SMALL_OUT);
    expect(make(`awk -f ./arch/x86/tools/gen-insn-attr.awk ./${MAP} > ${TARGET}`)).toBeUndefined();
    expect(make(`awk -f ./${SCRIPT} ./${MAP} ./${MAP} > ${TARGET}`)).toBeUndefined();
    expect(make(`awk -f ./${SCRIPT} ./${MAP} > other.c`)).toBeUndefined();
    expect(make(`awk -f ./${SCRIPT} ./${MAP}`)).toBeUndefined();
    expect(make(`awk -f ./${SCRIPT} ./missing.txt > ${TARGET}`)).toBeUndefined();
    expect(make(`sed -f ./${SCRIPT} ./${MAP} > ${TARGET}`)).toBeUndefined();
  });
});

// ---- against the tree's own script ----

const REQUIRE = process.env.KVLINT_REQUIRE_LINUX === '1';
const linux = linuxDir();
const AWK_MISSING = 'no awk command on PATH to run the tree’s gen-insn-attr-x86.awk';
const skipReason = !linux ? LINUX_SKIP_REASON : !haveCommand('awk') ? AWK_MISSING : undefined;

/** what the tree's script prints for `mapFile` (run in a temp dir, nothing written into the tree) */
function realAwk(dir: string, mapFile: string) {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kvlint-inat-'));
  try {
    const r = spawnSync('awk', ['-f', path.join(dir, SCRIPT), mapFile], { cwd: tmp, encoding: 'utf8', maxBuffer: 64 << 20 });
    if (r.error) throw r.error;
    return { stdout: r.stdout, stderr: r.stderr, status: r.status };
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

describe('inat-tables.c vs the real gen-insn-attr-x86.awk (real tree)', () => {
  const label = skipReason ? ` (skipped: ${skipReason})` : '';

  it.skipIf(skipReason !== undefined && !REQUIRE)(`the 6.1 x86-opcode-map.txt comes out byte-identical${label}`, () => {
    if (skipReason) throw new Error(skipReason);
    const real = realAwk(linux!, path.join(linux!, MAP));
    expect(real.status).toBe(0);
    const { ctx, problems } = context(new KernelTree(linux!));
    const text = inatTables(ctx);
    expect(problems).toEqual([]);
    expect(text).toBeDefined();
    expect(text === real.stdout).toBe(true); // byte-for-byte (toBe's diff of 1767 lines is not the point)
    expect(text).toBe(real.stdout);
  });

  it.skipIf(skipReason !== undefined && !REQUIRE)(`the small maps and their errors agree with the tree's script${label}`, () => {
    if (skipReason) throw new Error(skipReason);
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kvlint-inat-maps-'));
    try {
      const cases: [string, string][] = [['small', SMALL], ['quirks', QUIRKS], ['groups', GROUPS], ...ERRORS.map(([n, m]): [string, string] => [n, m])];
      for (const [n, map] of cases) {
        const file = path.join(tmp, 'map.txt');
        fs.writeFileSync(file, map);
        const real = realAwk(linux!, file);
        const mine = generate(map);
        expect(mine.text, n).toBe(real.stdout);
        const awkErrors = [...real.stderr.matchAll(/^Semantic error at (\d+): (.*)$/gm)].map((m) => ({ line: Number(m[1]), msg: m[2] }));
        expect(mine.problems.map((p) => ({ line: p.at.line, msg: p.message.replace(/^semantic error: (.*) \(gen-insn-attr-x86\.awk stops here\)$/, '$1') })), n).toEqual(awkErrors);
        expect(real.status, n).toBe(awkErrors.length ? 1 : 0);
      }
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });
});
