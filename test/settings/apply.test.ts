import { describe, expect, test } from 'vitest';
import { applySettings, parseSettings, ruleOptions, ruleSeverity } from '../../src/settings/index.js';
import { founding, sameSymbolIn } from '../report/founding.js';

const zram = () => sameSymbolIn('drivers/staging/zram/zram', 'drivers/staging/zram/zram_drv.c', 40);
const other = () => {
  const d = sameSymbolIn('fs/foo/foo', 'fs/foo/foo.c', 3);
  d.data = { symbol: 'cpu_tlb', module: 'fs/foo/foo' };
  d.fingerprint = 'X001:fs/foo/foo:cpu_tlb';
  return d;
};

describe('applying settings', () => {
  test('severities override the rule default; off drops; options are handed to the rule', () => {
    const s = parseSettings('{"rules": {"X001": {"severity": "warning", "options": {"includeWeak": true}}}}', 'f');
    expect(ruleSeverity(s, 'X001', 'error')).toBe('warning');
    expect(ruleSeverity(s, 'X002', 'error')).toBe('error');
    expect(ruleOptions(s, 'X001')).toEqual({ includeWeak: true });
    expect(ruleOptions(s, 'X002')).toEqual({});
    const r = applySettings(s, [founding()]);
    expect(r.diagnostics.map((d) => d.severity)).toEqual(['warning']);
    expect(founding().severity).toBe('error');
    const off = parseSettings('{"rules": {"X001": "off"}}', 'f');
    expect(applySettings(off, [founding(), zram()]).diagnostics).toEqual([]);
  });

  test('ignores by module (with or without .ko, basename or path glob) and symbol', () => {
    const s = parseSettings(
      '{"ignores": [{"code": "X001", "module": "zsmalloc.ko", "symbol": "v7wbi_*", "reason": "staging, fixed in 3.9"}]}',
      'f',
    );
    const r = applySettings(s, [founding(), zram(), other()]);
    expect(r.diagnostics.map((d) => d.data!.module)).toEqual(['drivers/staging/zram/zram', 'fs/foo/foo']);
    expect(r.ignored).toHaveLength(1);
    expect(r.ignored[0]!.ignore.reason).toBe('staging, fixed in 3.9');
    expect(r.unusedIgnores).toEqual([]);

    const byDir = parseSettings('{"ignores": [{"code": "X001", "module": "drivers/staging/**", "reason": "r"}]}', 'f');
    expect(applySettings(byDir, [founding(), zram(), other()]).diagnostics.map((d) => d.data!.module)).toEqual(['fs/foo/foo']);
  });

  test('ignores by path: globs over the primary file; a bare name matches the last component', () => {
    const s = parseSettings('{"ignores": [{"code": "X001", "path": "zram_drv.c", "reason": "r"}, {"code": "X001", "path": "fs/**/*.c", "reason": "r"}]}', 'f');
    const r = applySettings(s, [founding(), zram(), other()]);
    expect(r.diagnostics.map((d) => d.primary.file)).toEqual(['drivers/staging/zsmalloc/zsmalloc-main.c']);
    expect(r.ignored.map((x) => x.ignore.path)).toEqual(['zram_drv.c', 'fs/**/*.c']);
  });

  test('every selector must match; the code must match; unused ignores are reported', () => {
    const s = parseSettings(
      `{"ignores": [
        {"code": "X001", "module": "zsmalloc", "symbol": "cpu_tlb", "reason": "never matches both"},
        {"code": "X001", "symbol": "cpu_tlb", "path": "fs/foo/foo.c", "reason": "r"}
      ]}`,
      'f',
    );
    const r = applySettings(s, [founding(), other()]);
    expect(r.diagnostics).toHaveLength(1);
    expect(r.diagnostics[0]!.data!.symbol).toBe('v7wbi_flush_kern_tlb_range');
    expect(r.unusedIgnores.map((e) => [e.reason, e.span.line])).toEqual([['never matches both', 2]]);
    // a finding without data.module never matches a module selector
    const noData = { ...founding(), data: {} };
    const s2 = parseSettings('{"ignores": [{"code": "X001", "module": "*", "reason": "r"}]}', 'f');
    expect(applySettings(s2, [noData]).diagnostics).toHaveLength(1);
  });

  test('defaults change nothing', () => {
    const s = parseSettings('{}', 'f');
    const ds = [founding(), zram()];
    expect(applySettings(s, ds)).toEqual({ diagnostics: ds, ignored: [], unusedIgnores: [] });
  });
});
