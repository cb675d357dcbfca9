import * as path from 'node:path';
import type { GenContext, Generator } from './types.js';

/**
 * lib/crc32table.h and lib/crc64table.h: what the host programs lib/gen_crc32table and lib/gen_crc64table of
 * Linux 6.1 print (`$< > $@`), computed here in TypeScript; the tree's programs are never compiled or run. The
 * program's source is read only to confirm it has the 6.1 layout (and, for CRC32, to take the bits per step and the
 * polynomials from its headers); any other shape is left to the caller as a gap.
 */

/** the program a `PROG > TARGET` command runs, when PROG's base name is `prog` and TARGET is the rule's target */
function programOf(ctx: GenContext, prog: string): string | undefined {
  const m = /^\s*(\S+)\s*>\s*(\S+)\s*$/.exec(ctx.rule.command);
  if (!m) return undefined;
  const strip = (p: string) => p.replace(/^(\.\/)+/, '');
  const runs = strip(m[1]!);
  if (runs !== prog && !runs.endsWith(`/${prog}`)) return undefined;
  if (strip(m[2]!) !== strip(ctx.rule.target)) return undefined;
  return runs;
}

/** the tree's text of a file, by a path relative to the source tree (as the program's #includes resolve) */
function treeText(ctx: GenContext, rel: string): string | undefined {
  const p = path.posix.normalize(rel);
  if (p.startsWith('../') || p.startsWith('/')) return undefined;
  return ctx.readInput(p)?.text;
}

const hex = (v: number | bigint, width: number) => v.toString(16).padStart(width, '0');

/** `#ifdef CONFIG_X` as the host program sees it through autoconf.h: y (or any non-tristate value), not m */
const defined = (ctx: GenContext, sym: string) => {
  const v = ctx.configValue(sym);
  return v !== '' && v !== 'm';
};

// ---------------------------------------------------------------------------------------------------- CRC32

/** names and sizes 6.1's gen_crc32table.c prints (a program without them prints something else) */
const CRC32_SOURCE_MARKS = [/\bENTRIES_PER_LINE 4\b/, /\bcrc32table_le\b/, /\bcrc32table_be\b/, /\bcrc32ctable_le\b/, /\bLE_TABLE_ROWS\b/, /\bBE_TABLE_SIZE\b/];

export interface Crc32Setup {
  leBits: number;
  beBits: number;
  /** rows the big-endian table is printed with: 6.1 passes LE_TABLE_ROWS there */
  beOutRows: 'le' | 'be';
  polyLe: number;
  polyBe: number;
  polyCLe: number;
}

/** CRC_LE_BITS/CRC_BE_BITS as crc32defs.h chooses them from the configuration, or undefined if it is not 6.1's */
function crc32Bits(ctx: GenContext, defs: string): { le: number; be: number } | undefined {
  let le: number | undefined;
  let be: number | undefined;
  // `#ifdef CONFIG_X / # define CRC_LE_BITS n / # define CRC_BE_BITS n / #endif`, in file order (a later one wins)
  const choice = /^#ifdef (CONFIG_\w+)[ \t]*\n#[ \t]*define CRC_LE_BITS (\d+)[ \t]*\n#[ \t]*define CRC_BE_BITS (\d+)[ \t]*\n#endif/gm;
  let choices = 0;
  for (const m of defs.matchAll(choice)) {
    choices++;
    if (defined(ctx, m[1]!)) {
      le = Number(m[2]);
      be = Number(m[3]);
    }
  }
  if (choices === 0) return undefined;
  // the fallback when no choice applies: one width for 64-bit configurations, another for 32-bit ones
  const fallback = (name: string) => {
    const re = new RegExp(
      `^#ifndef ${name}\\s*\\n#\\s*ifdef CONFIG_64BIT\\s*\\n#\\s*define ${name} (\\d+)\\s*\\n#\\s*else\\s*\\n#\\s*define ${name} (\\d+)\\s*\\n#\\s*endif\\s*\\n#endif`,
      'm',
    );
    const m = re.exec(defs);
    return m ? Number(defined(ctx, 'CONFIG_64BIT') ? m[1] : m[2]) : undefined;
  };
  le ??= fallback('CRC_LE_BITS');
  be ??= fallback('CRC_BE_BITS');
  if (le === undefined || be === undefined) return undefined;
  return { le, be };
}

function crc32Setup(ctx: GenContext, prog: string): Crc32Setup | undefined {
  const dir = path.posix.dirname(prog);
  const src = treeText(ctx, `${prog}.c`);
  if (src === undefined || !CRC32_SOURCE_MARKS.every((re) => re.test(src))) return undefined;
  const defs = treeText(ctx, `${dir}/crc32defs.h`);
  const poly = treeText(ctx, `${dir}/../include/linux/crc32poly.h`);
  if (defs === undefined || poly === undefined) return undefined;
  const bits = crc32Bits(ctx, defs);
  if (!bits) return undefined;
  // crc32defs.h rejects anything else with #error: the program would not compile
  const valid = (b: number) => [1, 2, 4, 8, 32, 64].includes(b);
  if (!valid(bits.le) || !valid(bits.be)) return undefined;
  const polyOf = (name: string) => {
    const m = new RegExp(`^#define ${name} (0[xX][0-9a-fA-F]{1,8})[ \\t]*$`, 'm').exec(poly);
    return m ? Number.parseInt(m[1]!.slice(2), 16) >>> 0 : undefined;
  };
  const polyLe = polyOf('CRC32_POLY_LE');
  const polyBe = polyOf('CRC32_POLY_BE');
  const polyCLe = polyOf('CRC32C_POLY_LE');
  if (polyLe === undefined || polyBe === undefined || polyCLe === undefined) return undefined;
  const beOutRows = src.includes('output_table(crc32table_be, LE_TABLE_ROWS,') ? 'le' : 'be';
  return { leBits: bits.le, beBits: bits.be, beOutRows, polyLe, polyBe, polyCLe };
}

/** rows of 256 words (only the first `size` of each filled) and the size the program prints */
const shape = (bits: number) => (bits > 8 ? { rows: bits / 8, size: 256 } : { rows: 1, size: 1 << bits });

/** reflected (lsb-first) tables: row 0 by the xor-linearity of the CRC, row k from row k-1 a byte further on */
function tablesLe(poly: number, bits: number): Uint32Array[] {
  const { rows, size } = shape(bits);
  const t = Array.from({ length: rows }, () => new Uint32Array(256));
  const t0 = t[0]!;
  let crc = 1;
  for (let i = size >>> 1; i > 0; i >>>= 1) {
    crc = ((crc >>> 1) ^ (crc & 1 ? poly : 0)) >>> 0;
    for (let j = 0; j < size; j += 2 * i) t0[i + j] = (crc ^ t0[j]!) >>> 0;
  }
  for (let i = 0; i < size; i++) {
    crc = t0[i]!;
    for (let r = 1; r < rows; r++) {
      crc = (t0[crc & 0xff]! ^ (crc >>> 8)) >>> 0;
      t[r]![i] = crc;
    }
  }
  return t;
}

/** msb-first tables, the same way from the other end of the word */
function tablesBe(poly: number, bits: number): Uint32Array[] {
  const { rows, size } = shape(bits);
  const t = Array.from({ length: rows }, () => new Uint32Array(256));
  const t0 = t[0]!;
  let crc = 0x80000000;
  for (let i = 1; i < size; i <<= 1) {
    crc = ((crc << 1) ^ (crc & 0x80000000 ? poly : 0)) >>> 0;
    for (let j = 0; j < i; j++) t0[i + j] = (crc ^ t0[j]!) >>> 0;
  }
  for (let i = 0; i < size; i++) {
    crc = t0[i]!;
    for (let r = 1; r < rows; r++) {
      crc = (t0[(crc >>> 24) & 0xff]! ^ (crc << 8)) >>> 0;
      t[r]![i] = crc;
    }
  }
  return t;
}

/** one C initialiser per row: four `wrap(0x…L)` a line, the row's last entry closing it */
function rows32(t: Uint32Array[], rows: number, len: number, wrap: string): string {
  const o: string[] = [];
  for (let r = 0; r < rows; r++) {
    const row = t[r]!;
    o.push('{');
    for (let i = 0; i < len - 1; i++) {
      if (i % 4 === 0) o.push('\n');
      o.push(`${wrap}(0x${hex(row[i]!, 8)}L), `);
    }
    o.push(`${wrap}(0x${hex(row[len - 1]!, 8)}L)},\n`);
  }
  return o.join('');
}

/** the text gen_crc32table prints for these widths and polynomials */
export function crc32TableText(s: Crc32Setup): string {
  const le = shape(s.leBits);
  const be = shape(s.beBits);
  const o: string[] = ['/* this file is generated - do not edit */\n\n'];
  const decl = (name: string, rows: number, size: number) => `static const u32 ____cacheline_aligned ${name}[${rows}][${size}] = {`;
  if (s.leBits > 1) {
    o.push(decl('crc32table_le', le.rows, le.size), rows32(tablesLe(s.polyLe, s.leBits), le.rows, le.size, 'tole'), '};\n');
  }
  if (s.beBits > 1) {
    const outRows = s.beOutRows === 'le' ? le.rows : be.rows;
    o.push(decl('crc32table_be', be.rows, be.size), rows32(tablesBe(s.polyBe, s.beBits), outRows, be.size, 'tobe'), '};\n');
  }
  if (s.leBits > 1) {
    o.push(decl('crc32ctable_le', le.rows, le.size), rows32(tablesLe(s.polyCLe, s.leBits), le.rows, le.size, 'tole'), '};\n');
  }
  return o.join('');
}

/**
 * lib/crc32table.h. Depends on the configuration through crc32defs.h: CONFIG_CRC32_SLICEBY8 / SLICEBY4 / SARWATE /
 * BIT choose 64, 32, 8 or 1 bits per step; with none of them set, CONFIG_64BIT chooses 64 or 32.
 */
export const crc32Table: Generator = (ctx) => {
  const prog = programOf(ctx, 'gen_crc32table');
  if (prog === undefined) return undefined;
  const s = crc32Setup(ctx, prog);
  if (!s) return undefined;
  // the big-endian table printed with more rows than it has would read past it (never so in 6.1: both widths agree)
  if (s.beBits > 1 && s.beOutRows === 'le' && shape(s.leBits).rows > shape(s.beBits).rows) return undefined;
  return crc32TableText(s);
};

// ---------------------------------------------------------------------------------------------------- CRC64

const CRC64_SOURCE_MARKS = [/\bcrc64table\[256\]/, /\bcrc64rocksofttable\[256\]/, /\bCRC64_ECMA182_POLY\b/, /\bCRC64_ROCKSOFT_POLY\b/];

const M64 = (1n << 64n) - 1n;
const TOP64 = 1n << 63n;

/** msb-first CRC64 of each byte value */
function table64(poly: bigint): bigint[] {
  const t: bigint[] = [];
  for (let i = 0n; i < 256n; i++) {
    let crc = 0n;
    let c = i << 56n;
    for (let j = 0; j < 8; j++) {
      crc = (crc ^ c) & TOP64 ? ((crc << 1n) ^ poly) & M64 : (crc << 1n) & M64;
      c = (c << 1n) & M64;
    }
    t.push(crc);
  }
  return t;
}

/** lsb-first (reflected) CRC64 of each byte value */
function table64Reflected(poly: bigint): bigint[] {
  const t: bigint[] = [];
  for (let i = 0n; i < 256n; i++) {
    let crc = 0n;
    for (let j = 0n; j < 8n; j++) crc = (crc ^ (i >> j)) & 1n ? (crc >> 1n) ^ poly : crc >> 1n;
    t.push(crc);
  }
  return t;
}

/** two entries a line, each tab-indented, then the closing brace */
function entries64(t: bigint[]): string {
  return t.map((v, i) => `\t0x${hex(v, 16)}ULL${i & 1 ? ',\n' : ', '}`).join('') + '};\n';
}

export function crc64TableText(ecma: bigint, rocksoft: bigint): string {
  return (
    '/* this file is generated - do not edit */\n\n#include <linux/types.h>\n#include <linux/cache.h>\n\n' +
    'static const u64 ____cacheline_aligned crc64table[256] = {\n' +
    entries64(table64(ecma)) +
    '\nstatic const u64 ____cacheline_aligned crc64rocksofttable[256] = {\n' +
    entries64(table64Reflected(rocksoft))
  );
}

/** lib/crc64table.h: independent of the configuration (the polynomials are the program's own #defines) */
export const crc64Table: Generator = (ctx) => {
  const prog = programOf(ctx, 'gen_crc64table');
  if (prog === undefined) return undefined;
  const src = treeText(ctx, `${prog}.c`);
  if (src === undefined || !CRC64_SOURCE_MARKS.every((re) => re.test(src))) return undefined;
  const polyOf = (name: string) => {
    const m = new RegExp(`^#define ${name} 0[xX]([0-9a-fA-F]{1,16})(?:ULL|ull)[ \\t]*$`, 'm').exec(src);
    return m ? BigInt(`0x${m[1]!}`) : undefined;
  };
  const ecma = polyOf('CRC64_ECMA182_POLY');
  const rocksoft = polyOf('CRC64_ROCKSOFT_POLY');
  if (ecma === undefined || rocksoft === undefined) return undefined;
  return crc64TableText(ecma, rocksoft);
};
