import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, test } from 'vitest';
import type { ConfigRef, Diagnostic } from '../../src/core/types.js';
import { format, formatStylish } from '../../src/report/index.js';
import { SMP_N, SMP_Y, SUMMARY, founding, sameSymbolIn } from './founding.js';

const DATA = path.join(import.meta.dirname, 'data');
// eslint-disable-next-line no-control-regex
const stripAnsi = (s: string) => s.replace(/\u001b\[[0-9;]*m/g, '');

describe('stylish', () => {
  test('the founding case is drawn as STYLE.md shows it (snapshot written by hand)', () => {
    const want = fs.readFileSync(path.join(DATA, 'founding.stylish.txt'), 'utf8');
    expect(formatStylish([founding()], SUMMARY)).toBe(want);
    expect(format('stylish', [founding()], SUMMARY, { color: false })).toBe(want);
  });

  test('colour adds ANSI codes and nothing else', () => {
    const plain = formatStylish([founding()], SUMMARY);
    const coloured = formatStylish([founding()], SUMMARY, { color: true });
    expect(coloured).not.toBe(plain);
    expect(coloured).toContain('\u001b[31m');
    expect(stripAnsi(coloured)).toBe(plain);
  });

  test('paths carry the prefix when the tree is not the current directory', () => {
    const out = formatStylish([founding()], SUMMARY, { pathPrefix: 'linux/' });
    expect(out).toContain('  --> linux/drivers/staging/zsmalloc/zsmalloc-main.c:72:2\n');
    expect(out).toContain('(linux/arch/arm/include/asm/tlbflush.h:65)');
  });

  test('the same symbol missing in many modules is one group, capped at 10 as modpost', () => {
    const diags = [founding(), ...Array.from({ length: 12 }, (_, i) => sameSymbolIn(`drivers/m${i}/m${i}`, `drivers/m${i}/a.c`, i + 1))];
    const out = formatStylish(diags, SUMMARY);
    expect(out.match(/^error\[X001\]/gm)).toHaveLength(1);
    const also = out.match(/^ {3}= also: "v7wbi_flush_kern_tlb_range" \[drivers\/m\d+\/m\d+\.ko\] undefined! --> drivers\/m\d+\/a\.c:\d+:2$/gm);
    expect(also).toHaveLength(9);
    expect(out).toContain('   = … and 3 more findings with the same symbol (--format json lists all)\n');
    expect(out).toContain('✖ 13 errors, 0 warnings in 2 configurations\n');
    // the group's members come before the help of the drawn finding
    expect(out.indexOf('= also:')).toBeLessThan(out.indexOf('help:'));
    const small = formatStylish(diags, SUMMARY, { maxPerGroup: 3 });
    expect(small.match(/= also:/g)).toHaveLength(2);
    expect(small).toContain('… and 10 more findings with the same symbol');
  });

  test('different symbols are different groups; groups beyond maxGroups are counted, not drawn', () => {
    const diags: Diagnostic[] = Array.from({ length: 5 }, (_, i) => {
      const d = founding();
      d.data = { symbol: `sym${i}`, module: 'm' };
      d.message = `"sym${i}" [m.ko] undefined!`;
      return d;
    });
    expect(formatStylish(diags, SUMMARY).match(/^error\[X001\]/gm)).toHaveLength(5);
    const capped = formatStylish(diags, SUMMARY, { maxGroups: 2 });
    expect(capped.match(/^error\[X001\]/gm)).toHaveLength(2);
    expect(capped).toContain('… 3 more findings in 3 more groups not shown (--format json or gcc lists all)\n');
  });

  test('nothing found: one line', () => {
    expect(formatStylish([], SUMMARY)).toBe('✔ no problems in 2 configurations\n');
    expect(formatStylish([], { configs: [SMP_N], units: 14, durationMs: 1234 })).toBe(
      '✔ no problems in 1 configuration, 14 units (1.2 s)\n',
    );
  });

  test('warnings and notes are counted and marked by their severity', () => {
    const w = { ...founding(), severity: 'warning' as const, code: 'K002', data: {} };
    const out = formatStylish([w], SUMMARY);
    expect(out.startsWith('warning[K002] ')).toBe(true);
    expect(out).toContain('⚠ 0 errors, 1 warning in 2 configurations\n');
  });

  test('witness is printed when it says more than the breaking configuration', () => {
    const cfg = (smp: string, tlb: string): ConfigRef => ({
      id: `arm:multi_v7_defconfig+SMP=${smp},SMP_ON_UP=${tlb}`,
      arch: 'arm',
      base: 'multi_v7_defconfig',
      label: `ARCH=arm multi_v7_defconfig, SMP=${smp}, SMP_ON_UP=${tlb}`,
      overrides: { SMP: smp, SMP_ON_UP: tlb, ZSMALLOC: 'm' },
    });
    const d = founding();
    d.configs = [cfg('n', 'n'), cfg('y', 'n')];
    d.passing = [cfg('y', 'y')];
    d.witness = { SMP_ON_UP: 'n' };
    const out = formatStylish([d], { configs: [...d.configs, ...d.passing] }, { width: 200 });
    expect(out).toContain(
      '   = breaks: ARCH=arm multi_v7_defconfig, ZSMALLOC=m, SMP=n SMP_ON_UP=n | SMP=y SMP_ON_UP=n · fine: SMP=y SMP_ON_UP=y\n',
    );
    expect(out).toContain('   = witness: SMP_ON_UP=n\n');
    // the founding case: the witness is exactly the one breaking configuration's difference, so it is not repeated
    expect(formatStylish([founding()], SUMMARY)).not.toContain('witness');
  });

  test('configurations of different architectures name the architecture per configuration', () => {
    const d = founding();
    const arm64: ConfigRef = { id: 'arm64:defconfig', arch: 'arm64', base: 'defconfig', label: 'ARCH=arm64 defconfig', overrides: {} };
    d.passing = [SMP_Y, arm64];
    const out = formatStylish([d], { configs: [SMP_N, SMP_Y, arm64] }, { width: 200 });
    expect(out).toContain('   = breaks: ARCH=arm multi_v7_defconfig SMP=n · fine: ARCH=arm multi_v7_defconfig SMP=y | ARCH=arm64 defconfig SMP=(base)\n');
  });

  test('a single configuration prints what it is', () => {
    const d = founding();
    delete d.passing;
    delete d.witness;
    const out = formatStylish([d], { configs: [SMP_N] });
    expect(out).toContain('   = breaks: ARCH=arm multi_v7_defconfig, SMP=n\n');
  });

  test('stale baseline entries are listed and counted', () => {
    const out = formatStylish([], {
      configs: [SMP_N],
      ignored: 2,
      baseline: {
        file: 'kvlint-baseline.json',
        known: 4,
        stale: [{ fingerprint: 'X001:a:b', code: 'X001', message: '"b" [a.ko] undefined!', file: 'a.c' }],
      },
    });
    expect(out).toBe(
      'stale entries in kvlint-baseline.json (no longer found; rewrite it with --write-baseline):\n' +
        '  X001 "b" [a.ko] undefined! (a.c)\n' +
        '\n' +
        '✔ no problems in 1 configuration; 4 known in kvlint-baseline.json, 1 stale, 2 ignored by .kvlint.json\n',
    );
  });

  test('long chains wrap under the first item, within the width', () => {
    const out = formatStylish([founding()], SUMMARY, { width: 80 });
    // the headline is never wrapped (modpost's wording stays greppable); everything else is
    for (const line of out.split('\n').slice(1)) {
      expect(line.length).toBeLessThanOrEqual(80);
    }
    expect(out).toContain('          -> ____glue: v7wbi ## _flush_kern_tlb_range\n             (arch/arm/include/asm/glue.h:10)\n');
    const wide = formatStylish([founding()], SUMMARY, { width: 200 });
    expect(wide).toContain(
      '   = via: local_flush_tlb_kernel_range (arch/arm/include/asm/tlbflush.h:65) -> __cpu_flush_kern_tlb_range (:55) -> __glue(_TLB,_flush_kern_tlb_range) (arch/arm/include/asm/glue.h:11)',
    );
  });
});
