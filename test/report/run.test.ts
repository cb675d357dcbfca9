import { describe, expect, test } from 'vitest';
import { finishRun, repoPathPrefix } from '../../src/report/index.js';
import { createBaseline, parseSettings } from '../../src/settings/index.js';
import { SUMMARY, founding, sameSymbolIn } from './founding.js';

const zram = () => sameSymbolIn('drivers/staging/zram/zram', 'drivers/staging/zram/zram_drv.c', 40);
const none = parseSettings('{}', '.kvlint.json');

describe('finishRun', () => {
  test('errors decide the exit code; the format is applied', () => {
    const r = finishRun({ diagnostics: [founding()], settings: none, summary: SUMMARY, format: 'gcc' });
    expect(r.exitCode).toBe(1);
    expect(r.output.split('\n')[0]).toMatch(/: error: .* \[X001\]$/);
    expect(r.warnings).toEqual([]);
    expect(r.newBaseline.entries.map((e) => e.fingerprint)).toEqual([founding().fingerprint]);
    const clean = finishRun({ diagnostics: [], settings: none, summary: SUMMARY, format: 'stylish' });
    expect(clean).toMatchObject({ exitCode: 0, output: '✔ no problems in 2 configurations\n', reported: [] });
  });

  test('a rule turned to a warning no longer fails the run; ignores are counted; unused ignores warn', () => {
    const s = parseSettings(
      `{"rules": {"X001": "warning"},
        "ignores": [{"code": "X001", "module": "zram", "reason": "r"},
                    {"code": "X001", "symbol": "gone_sym", "reason": "fixed long ago"}]}`,
      '.kvlint.json',
    );
    const r = finishRun({ diagnostics: [founding(), zram()], settings: s, summary: SUMMARY, format: 'json' });
    expect(r.exitCode).toBe(0);
    const doc = JSON.parse(r.output) as { diagnostics: { severity: string }[]; summary: { ignored: number; warnings: number } };
    expect(doc.diagnostics.map((d) => d.severity)).toEqual(['warning']);
    expect(doc.summary).toMatchObject({ ignored: 1, warnings: 1 });
    expect(r.warnings).toEqual(['.kvlint.json:3: ignore of X001 (symbol gone_sym) matched nothing in this run; remove it if the problem is gone']);
    // a partial run (--staged) cannot tell an unused ignore
    expect(finishRun({ diagnostics: [founding()], settings: s, summary: SUMMARY, format: 'json', partial: true }).warnings).toEqual([]);
  });

  test('with a baseline only new findings are reported and fail; stale entries are shown unless the run is partial', () => {
    const baseline = { file: 'kvlint-baseline.json', data: createBaseline([founding(), zram()]) };
    const moved = { ...founding(), primary: { ...founding().primary, line: 100 } };
    const known = finishRun({ diagnostics: [moved, zram()], settings: none, summary: SUMMARY, format: 'stylish', baseline });
    expect(known.exitCode).toBe(0);
    expect(known.output).toBe('✔ no problems in 2 configurations; 2 known in kvlint-baseline.json\n');

    const fixed = finishRun({ diagnostics: [moved], settings: none, summary: SUMMARY, format: 'stylish', baseline });
    expect(fixed.exitCode).toBe(0);
    expect(fixed.output).toContain('stale entries in kvlint-baseline.json');
    expect(fixed.output).toContain('  X001 "v7wbi_flush_kern_tlb_range" [drivers/staging/zram/zram.ko] undefined! (drivers/staging/zram/zram_drv.c)\n');
    expect(fixed.output).toContain('1 known in kvlint-baseline.json, 1 stale');
    const partial = finishRun({ diagnostics: [moved], settings: none, summary: SUMMARY, format: 'stylish', baseline, partial: true });
    expect(partial.output).not.toContain('stale');

    const fresh = sameSymbolIn('fs/foo/foo', 'fs/foo/foo.c', 3);
    const r = finishRun({ diagnostics: [moved, zram(), fresh], settings: none, summary: SUMMARY, format: 'gcc', baseline });
    expect(r.exitCode).toBe(1);
    expect(r.reported).toEqual([fresh]);
    expect(r.output.split('\n')[0]).toBe('fs/foo/foo.c:3:2: error: "v7wbi_flush_kern_tlb_range" [fs/foo/foo.ko] undefined! [X001]');
    // --write-baseline would record all three
    expect(r.newBaseline.entries).toHaveLength(3);
  });

  test('repoPathPrefix: the tree within the git work tree that holds it, whatever the current directory', () => {
    const git = (root: string) => (p: string) => p === `${root}/.git`;
    expect(repoPathPrefix('/src/linux', git('/src/linux'))).toBe('');
    expect(repoPathPrefix('/src/kvlint/fixtures/trees/zsmalloc-arm', git('/src/kvlint'))).toBe('fixtures/trees/zsmalloc-arm');
    expect(repoPathPrefix('/src/linux', () => false)).toBe('');
  });
});
