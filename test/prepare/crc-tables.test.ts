import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it, test } from 'vitest';
import type { GenerateRule } from '../../src/core/graph.js';
import type { Config } from '../../src/core/types.js';
import { crc32Table, crc32TableText, crc64Table } from '../../src/prepare/crc-tables.js';
import type { GenContext } from '../../src/prepare/types.js';
import { KernelTree } from '../../src/tree/tree.js';
import { haveCommand, LINUX_SKIP_REASON, linuxDir } from '../support/linux.js';

const span = { file: 'lib/Makefile', line: 323, col: 1 };

const CRC32_RULE: GenerateRule = {
  target: 'lib/crc32table.h', kind: 'cmd', name: 'crc32', args: [], command: 'lib/gen_crc32table > lib/crc32table.h',
  prereqs: ['lib/gen_crc32table'], dir: 'lib', span,
};
const CRC64_RULE: GenerateRule = {
  target: 'lib/crc64table.h', kind: 'cmd', name: 'crc64', args: [], command: 'lib/gen_crc64table > lib/crc64table.h',
  prereqs: ['lib/gen_crc64table'], dir: 'lib', span: { ...span, line: 331 },
};

/** a GenContext with only what the CRC generators use filled in: the rule, the tree, configValue from `values` */
function context(tree: KernelTree, rule: GenerateRule, values: Record<string, string> = {}): GenContext {
  const map = new Map(Object.entries(values));
  const config: Config = {
    arch: 'x86_64', values: new Map(), base: { kind: 'allnoconfig' }, overrides: {},
    ref: { id: 'x86_64', arch: 'x86_64', label: 'x86_64', overrides: {} },
  };
  return {
    rule, tree, config, top: {}, srctree: '.', made: new Map(),
    setSoFar: () => ({ id: '', files: {} }),
    problem: (message) => { throw new Error(`unexpected problem: ${message}`); },
    report: () => undefined,
    compileRule: () => undefined,
    gap: (message) => { throw new Error(`unexpected gap: ${message}`); },
    also: () => undefined,
    readInput: (p) => {
      const rel = p.replace(/^(\.\/)+/, '');
      const text = tree.tryReadText(rel);
      return text === undefined ? undefined : { text, file: rel };
    },
    configValue: (name) => map.get(name.replace(/^CONFIG_/, '')) ?? '',
  };
}

// ------------------------------------------------------------------------------ small in-memory trees

/** the lines of 6.1's gen_crc32table.c the generator recognises it by (a stand-in, not the program) */
const GEN32_C = [
  '#include "../include/linux/crc32poly.h"',
  '#include "../include/generated/autoconf.h"',
  '#include "crc32defs.h"',
  '#define ENTRIES_PER_LINE 4',
  '# define LE_TABLE_ROWS (CRC_LE_BITS/8)',
  '# define LE_TABLE_SIZE (1 << CRC_LE_BITS)',
  '# define BE_TABLE_ROWS (CRC_BE_BITS/8)',
  '# define BE_TABLE_SIZE (1 << CRC_BE_BITS)',
  'uint32_t crc = 0x80000000;',
  'crc32init_le_generic(CRC32_POLY_LE, crc32table_le);',
  'crc32init_le_generic(CRC32C_POLY_LE, crc32ctable_le);',
  'printf("%s(0x%8.8xL), ", trans, table[j][i]);',
  'printf("%s(0x%8.8xL)},\\n", trans, table[j][len - 1]);',
  'printf("/* this file is generated - do not edit */\\n\\n");',
  '"crc32table_le[%d][%d] = {"',
  '"crc32table_be[%d][%d] = {"',
  'output_table(crc32table_be, LE_TABLE_ROWS,',
  '"crc32ctable_le[%d][%d] = {"',
  '',
].join('\n');

const choice = (sym: string, bits: number) => `#ifdef CONFIG_${sym}\n# define CRC_LE_BITS ${bits}\n# define CRC_BE_BITS ${bits}\n#endif\n`;
const fallback = (name: string) => `#ifndef ${name}\n#  ifdef CONFIG_64BIT\n#  define ${name} 64\n#  else\n#  define ${name} 32\n#  endif\n#endif\n`;
const DEFS_H =
  choice('CRC32_SLICEBY8', 64) + choice('CRC32_SLICEBY4', 32) + choice('CRC32_SARWATE', 8) + choice('CRC32_BIT', 1) +
  fallback('CRC_LE_BITS') + fallback('CRC_BE_BITS');
const POLY_H = '#define CRC32_POLY_LE 0xedb88320\n#define CRC32_POLY_BE 0x04c11db7\n#define CRC32C_POLY_LE 0x82F63B78\n';

const GEN64_C = [
  '#define CRC64_ECMA182_POLY 0x42F0E1EBA9EA3693ULL',
  '#define CRC64_ROCKSOFT_POLY 0x9A6C9329AC4BC9B5ULL',
  'c = i << 56;',
  'if ((crc ^ (c >> j)) & 1)',
  'printf("\\t0x%016" PRIx64 "ULL", table[i]);',
  'if (i & 0x1)',
  'printf("/* this file is generated - do not edit */\\n\\n");',
  'printf("#include <linux/types.h>\\n");',
  'printf("#include <linux/cache.h>\\n\\n");',
  'printf("static const u64 ____cacheline_aligned crc64table[256] = {\\n");',
  'printf("\\nstatic const u64 ____cacheline_aligned crc64rocksofttable[256] = {\\n");',
  'generate_crc64_table(crc64_table, CRC64_ECMA182_POLY);',
  'generate_reflected_crc64_table(crc64_rocksoft_table, CRC64_ROCKSOFT_POLY);',
  '',
].join('\n');

const memTree = (over: Record<string, string | undefined> = {}) => {
  const files: Record<string, string> = {};
  const all = { 'lib/gen_crc32table.c': GEN32_C, 'lib/crc32defs.h': DEFS_H, 'include/linux/crc32poly.h': POLY_H, 'lib/gen_crc64table.c': GEN64_C, ...over };
  for (const [k, v] of Object.entries(all)) if (v !== undefined) files[k] = v;
  return KernelTree.fromFiles(files, '/mem-crc');
};

const HEADER = '/* this file is generated - do not edit */\n\n';
const decl = (name: string, rows: number, size: number) => `static const u32 ____cacheline_aligned ${name}[${rows}][${size}] = {{\n`;

describe('lib/crc32table.h (gen_crc32table)', () => {
  test('a 4-bit table, whole text: rows of four entries, the last one closing the row', () => {
    const t = crc32TableText({ leBits: 4, beBits: 4, beOutRows: 'le', polyLe: 0xedb88320, polyBe: 0x04c11db7, polyCLe: 0x82f63b78 });
    expect(t).toBe(
      HEADER +
        decl('crc32table_le', 1, 16) +
        'tole(0x00000000L), tole(0x1db71064L), tole(0x3b6e20c8L), tole(0x26d930acL), \n' +
        'tole(0x76dc4190L), tole(0x6b6b51f4L), tole(0x4db26158L), tole(0x5005713cL), \n' +
        'tole(0xedb88320L), tole(0xf00f9344L), tole(0xd6d6a3e8L), tole(0xcb61b38cL), \n' +
        'tole(0x9b64c2b0L), tole(0x86d3d2d4L), tole(0xa00ae278L), tole(0xbdbdf21cL)},\n};\n' +
        decl('crc32table_be', 1, 16) +
        'tobe(0x00000000L), tobe(0x04c11db7L), tobe(0x09823b6eL), tobe(0x0d4326d9L), \n' +
        'tobe(0x130476dcL), tobe(0x17c56b6bL), tobe(0x1a864db2L), tobe(0x1e475005L), \n' +
        'tobe(0x2608edb8L), tobe(0x22c9f00fL), tobe(0x2f8ad6d6L), tobe(0x2b4bcb61L), \n' +
        'tobe(0x350c9b64L), tobe(0x31cd86d3L), tobe(0x3c8ea00aL), tobe(0x384fbdbdL)},\n};\n' +
        decl('crc32ctable_le', 1, 16) +
        'tole(0x00000000L), tole(0x105ec76fL), tole(0x20bd8edeL), tole(0x30e349b1L), \n' +
        'tole(0x417b1dbcL), tole(0x5125dad3L), tole(0x61c69362L), tole(0x7198540dL), \n' +
        'tole(0x82f63b78L), tole(0x92a8fc17L), tole(0xa24bb5a6L), tole(0xb21572c9L), \n' +
        'tole(0xc38d26c4L), tole(0xd3d3e1abL), tole(0xe330a81aL), tole(0xf36e6f75L)},\n};\n',
    );
  });

  test("CRC32_SARWATE: one row of 256 per table (Sarwate's byte tables)", () => {
    const t = crc32Table(context(memTree(), CRC32_RULE, { CRC32: 'y', CRC32_SARWATE: 'y', '64BIT': 'y' }))!;
    expect(t.startsWith(HEADER + decl('crc32table_le', 1, 256) + 'tole(0x00000000L), tole(0x77073096L), tole(0xee0e612cL), tole(0x990951baL), \n')).toBe(true);
    expect(t).toContain('tole(0x5a05df1bL), tole(0x2d02ef8dL)},\n};\n' + decl('crc32table_be', 1, 256) + 'tobe(0x00000000L), tobe(0x04c11db7L), tobe(0x09823b6eL), tobe(0x0d4326d9L), \n');
    expect(t).toContain('tobe(0xbcb4666dL), tobe(0xb8757bdaL), tobe(0xb5365d03L), tobe(0xb1f740b4L)},\n};\n' + decl('crc32ctable_le', 1, 256) + 'tole(0x00000000L), tole(0xf26b8303L), tole(0xe13b70f7L), tole(0x1350f3f4L), \n');
    expect(t.endsWith('tole(0xbe2da0a5L), tole(0x4c4623a6L), tole(0x5f16d052L), tole(0xad7d5351L)},\n};\n')).toBe(true);
    expect(t.split('\n')).toHaveLength(1 + 1 + 3 * (1 + 64 + 1) + 1);
  });

  test('CRC32_BIT prints no table at all', () => {
    expect(crc32Table(context(memTree(), CRC32_RULE, { CRC32_BIT: 'y' }))).toBe(HEADER);
  });

  test('rows per table: slice-by-8 8, slice-by-4 4; with no choice, CONFIG_64BIT picks 8 or 4', () => {
    const rows = (values: Record<string, string>) => {
      const t = crc32Table(context(memTree(), CRC32_RULE, values))!;
      return [...t.matchAll(/(crc32\w*)\[(\d+)\]\[(\d+)\]/g)].map((m) => `${m[1]}:${m[2]}x${m[3]}`);
    };
    expect(rows({ CRC32_SLICEBY8: 'y' })).toEqual(['crc32table_le:8x256', 'crc32table_be:8x256', 'crc32ctable_le:8x256']);
    expect(rows({ CRC32_SLICEBY4: 'y', '64BIT': 'y' })).toEqual(['crc32table_le:4x256', 'crc32table_be:4x256', 'crc32ctable_le:4x256']);
    expect(rows({ '64BIT': 'y' })).toEqual(['crc32table_le:8x256', 'crc32table_be:8x256', 'crc32ctable_le:8x256']);
    expect(rows({})).toEqual(['crc32table_le:4x256', 'crc32table_be:4x256', 'crc32ctable_le:4x256']);
    // a module value is CONFIG_X_MODULE in autoconf.h: #ifdef CONFIG_X does not see it
    expect(rows({ CRC32_SARWATE: 'm' })).toEqual(['crc32table_le:4x256', 'crc32table_be:4x256', 'crc32ctable_le:4x256']);
  });

  test('slice-by-8: row 1 continues row 0 a byte further; the last row ends as the real table does', () => {
    const t = crc32Table(context(memTree(), CRC32_RULE, { CRC32_SLICEBY8: 'y', '64BIT': 'y' }))!;
    expect(t).toContain('tole(0x5a05df1bL), tole(0x2d02ef8dL)},\n{\ntole(0x00000000L), tole(0x191b3141L), tole(0x32366282L), tole(0x2b2d53c3L), \n');
    expect(t).toContain('tole(0xeae10678L), tole(0x264b06e6L)},\n};\n' + decl('crc32table_be', 8, 256));
    expect(t).toContain('tobe(0x3cc10eaeL), tobe(0x6760d264L)},\n};\n' + decl('crc32ctable_le', 8, 256));
    expect(t.endsWith('tole(0xc451b7ccL), tole(0x8d6dcaebL), tole(0x56294d82L), tole(0x1f1530a5L)},\n};\n')).toBe(true);
    expect(t.match(/^\{$/gm)).toHaveLength(3 * 7);
  });

  test('only the command that runs gen_crc32table into the target, and only a source of the 6.1 shape', () => {
    const tree = memTree();
    const v = { CRC32_SARWATE: 'y' };
    expect(crc32Table(context(tree, { ...CRC32_RULE, command: './lib/gen_crc32table > ./lib/crc32table.h' }, v))).toBeDefined();
    expect(crc32Table(context(tree, { ...CRC32_RULE, command: 'lib/gen_crc32table > lib/other.h' }, v))).toBeUndefined();
    expect(crc32Table(context(tree, { ...CRC32_RULE, command: 'lib/gen_crc64table > lib/crc32table.h' }, v))).toBeUndefined();
    expect(crc32Table(context(tree, { ...CRC32_RULE, command: 'lib/gen_crc32table --x > lib/crc32table.h' }, v))).toBeUndefined();
    expect(crc32Table(context(tree, CRC64_RULE, v))).toBeUndefined();
    expect(crc32Table(context(memTree({ 'lib/gen_crc32table.c': undefined }), CRC32_RULE, v))).toBeUndefined();
    expect(crc32Table(context(memTree({ 'lib/gen_crc32table.c': GEN32_C.replace('ENTRIES_PER_LINE 4', 'ENTRIES_PER_LINE 8') }), CRC32_RULE, v))).toBeUndefined();
    expect(crc32Table(context(memTree({ 'lib/crc32defs.h': undefined }), CRC32_RULE, v))).toBeUndefined();
    expect(crc32Table(context(memTree({ 'lib/crc32defs.h': '#define CRC_LE_BITS 8\n' }), CRC32_RULE, v))).toBeUndefined();
    expect(crc32Table(context(memTree({ 'include/linux/crc32poly.h': undefined }), CRC32_RULE, v))).toBeUndefined();
  });
});

describe('lib/crc64table.h (gen_crc64table)', () => {
  test('ECMA-182 table msb-first, Rocksoft table reflected; two entries a line', () => {
    const t = crc64Table(context(memTree(), CRC64_RULE))!;
    expect(t.startsWith(
      HEADER + '#include <linux/types.h>\n#include <linux/cache.h>\n\n' +
        'static const u64 ____cacheline_aligned crc64table[256] = {\n' +
        '\t0x0000000000000000ULL, \t0x42f0e1eba9ea3693ULL,\n\t0x85e1c3d753d46d26ULL, \t0xc711223cfa3e5bb5ULL,\n',
    )).toBe(true);
    expect(t).toContain(
      '\t0x5dedc41a34bbeeb2ULL, \t0x1f1d25f19d51d821ULL,\n\t0xd80c07cd676f8394ULL, \t0x9afce626ce85b507ULL,\n};\n\n' +
        'static const u64 ____cacheline_aligned crc64rocksofttable[256] = {\n' +
        '\t0x0000000000000000ULL, \t0x7f6ef0c830358979ULL,\n\t0xfedde190606b12f2ULL, \t0x81b31158505e9b8bULL,\n',
    );
    expect(t.endsWith('\t0xab69411fbfb21ca3ULL, \t0xd407b1d78f8795daULL,\n\t0x55b4a08fdfd90e51ULL, \t0x2ada5047efec8728ULL,\n};\n')).toBe(true);
    expect(t.split('\n')).toHaveLength(5 + 1 + 128 + 1 + 1 + 1 + 128 + 1 + 1);
  });

  test('independent of the configuration; other commands and other program shapes are not made', () => {
    const tree = memTree();
    expect(crc64Table(context(tree, CRC64_RULE, { CRC64: 'y', CRC32_BIT: 'y' }))).toBe(crc64Table(context(tree, CRC64_RULE)));
    expect(crc64Table(context(tree, CRC32_RULE))).toBeUndefined();
    expect(crc64Table(context(tree, { ...CRC64_RULE, command: 'lib/gen_crc64table > lib/crc32table.h' }))).toBeUndefined();
    // before the Rocksoft table (5.18 and older) the program printed one table only
    const old = GEN64_C.split('\n').filter((l) => !/rocksoft/i.test(l)).join('\n');
    expect(crc64Table(context(memTree({ 'lib/gen_crc64table.c': old }), CRC64_RULE))).toBeUndefined();
    expect(crc64Table(context(memTree({ 'lib/gen_crc64table.c': undefined }), CRC64_RULE))).toBeUndefined();
  });
});

// ------------------------------------------------------------------------------ the real tree's programs

const REQUIRE = process.env.KVLINT_REQUIRE_LINUX === '1';
const linux = linuxDir();
const reason = !linux ? LINUX_SKIP_REASON : !haveCommand('gcc') ? 'no host gcc on PATH' : undefined;
const skip = reason !== undefined && !REQUIRE;
const label = (name: string) => `${name}${reason ? ` (skipped: ${reason})` : ''}`;

/** autoconf.h lines for bool/tristate values as kconfig writes them */
const autoconf = (values: Record<string, string>) =>
  Object.entries(values)
    .map(([k, v]) => (v === 'y' ? `#define CONFIG_${k} 1\n` : v === 'm' ? `#define CONFIG_${k}_MODULE 1\n` : v === '' ? '' : `#define CONFIG_${k} ${v}\n`))
    .join('');

/** KBUILD_HOSTCFLAGS of 6.1 (KBUILD_USERHOSTCFLAGS) */
const HOSTCFLAGS = ['-Wall', '-Wmissing-prototypes', '-Wstrict-prototypes', '-O2', '-fomit-frame-pointer', '-std=gnu11'];

let tmpRoot: string | undefined;
afterAll(() => {
  if (tmpRoot) fs.rmSync(tmpRoot, { recursive: true, force: true });
});

/**
 * Builds and runs lib/PROG as kbuild does for an O= build: the tree's source, `-I $(objtree)/lib`, so that
 * `#include "../include/generated/autoconf.h"` finds the objtree's autoconf.h (written here from `values`). Nothing is
 * written into the tree; a tree configured in place (with its own autoconf.h) is compiled from a copy instead.
 */
function hostRun(prog: string, values: Record<string, string>, copies: string[]): string {
  tmpRoot ??= fs.mkdtempSync(path.join(os.tmpdir(), 'kvlint-crc-'));
  const obj = fs.mkdtempSync(path.join(tmpRoot, 'obj-'));
  fs.mkdirSync(path.join(obj, 'lib'));
  fs.mkdirSync(path.join(obj, 'include/generated'), { recursive: true });
  fs.writeFileSync(path.join(obj, 'include/generated/autoconf.h'), autoconf(values));
  let src = path.join(linux!, 'lib', `${prog}.c`);
  if (fs.existsSync(path.join(linux!, 'include/generated/autoconf.h'))) {
    const copy = path.join(obj, 'src');
    for (const f of [`lib/${prog}.c`, ...copies]) {
      fs.mkdirSync(path.dirname(path.join(copy, f)), { recursive: true });
      fs.copyFileSync(path.join(linux!, f), path.join(copy, f));
    }
    fs.mkdirSync(path.join(copy, 'include/generated'), { recursive: true });
    fs.copyFileSync(path.join(obj, 'include/generated/autoconf.h'), path.join(copy, 'include/generated/autoconf.h'));
    src = path.join(copy, 'lib', `${prog}.c`);
  }
  const exe = path.join(obj, 'lib', prog);
  execFileSync('gcc', [...HOSTCFLAGS, '-I', path.join(obj, 'lib'), '-o', exe, src], { stdio: ['ignore', 'pipe', 'pipe'] });
  return execFileSync(exe, { encoding: 'latin1', maxBuffer: 16 << 20 });
}

const CRC32_CASES: { name: string; values: Record<string, string> }[] = [
  { name: 'CRC32_SLICEBY8, 64BIT', values: { CRC32: 'y', CRC32_SLICEBY8: 'y', '64BIT': 'y' } },
  { name: 'CRC32_SLICEBY4, 64BIT', values: { CRC32: 'y', CRC32_SLICEBY4: 'y', '64BIT': 'y' } },
  { name: 'CRC32_SARWATE', values: { CRC32: 'y', CRC32_SARWATE: 'y' } },
  { name: 'CRC32_BIT, 64BIT', values: { CRC32: 'y', CRC32_BIT: 'y', '64BIT': 'y' } },
  { name: 'CRC32 off, 64BIT', values: { '64BIT': 'y' } },
  { name: 'CRC32 off, 32-bit', values: {} },
  { name: 'CRC32=m, CRC32_SLICEBY8, 32-bit', values: { CRC32: 'm', CRC32_SLICEBY8: 'y' } },
];

describe("the tree's gen_crc32table / gen_crc64table built with the host gcc (real tree)", () => {
  for (const c of CRC32_CASES) {
    it.skipIf(skip)(label(`crc32table.h, ${c.name}: byte-identical`), () => {
      if (reason) throw new Error(reason);
      const mine = crc32Table(context(new KernelTree(linux!), CRC32_RULE, c.values));
      expect(mine).toBeDefined();
      expect(mine).toBe(hostRun('gen_crc32table', c.values, ['lib/crc32defs.h', 'include/linux/crc32poly.h']));
    });
  }

  it.skipIf(skip)(label('crc64table.h: byte-identical'), () => {
    if (reason) throw new Error(reason);
    const values = { CRC64: 'y', '64BIT': 'y' };
    const mine = crc64Table(context(new KernelTree(linux!), CRC64_RULE, values));
    expect(mine).toBeDefined();
    expect(mine).toBe(hostRun('gen_crc64table', values, []));
  });
});

// a real build's output, when there is one on this machine (not part of CI: a local artefact)
const KBUILD = '/work/kbuild/x86_64';
const built = path.join(KBUILD, 'lib/crc32table.h');
const builtReason = !linux ? LINUX_SKIP_REASON : !fs.existsSync(built) ? `no ${built}` : undefined;

describe('against a real x86_64 defconfig build', () => {
  it.skipIf(builtReason !== undefined)(`lib/crc32table.h byte-identical${builtReason ? ` (skipped: ${builtReason})` : ''}`, () => {
    const values: Record<string, string> = {};
    for (const m of fs.readFileSync(path.join(KBUILD, 'include/generated/autoconf.h'), 'latin1').matchAll(/^#define CONFIG_(\w+) (.*)$/gm)) {
      const [k, v] = [m[1]!, m[2]!];
      if (k.endsWith('_MODULE') && v === '1') values[k.slice(0, -7)] = 'm';
      else values[k] = v === '1' ? 'y' : v.replace(/^"(.*)"$/, '$1');
    }
    expect(values['CRC32_SLICEBY8']).toBe('y');
    expect(crc32Table(context(new KernelTree(linux!), CRC32_RULE, values))).toBe(fs.readFileSync(built, 'latin1'));
  });
});
