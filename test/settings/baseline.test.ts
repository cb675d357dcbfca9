import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { InputError } from '../../src/core/errors.js';
import type { Diagnostic } from '../../src/core/types.js';
import {
  applyBaseline,
  createBaseline,
  parseBaseline,
  readBaselineFile,
  serializeBaseline,
  writeBaselineFile,
} from '../../src/settings/index.js';
import { founding, sameSymbolIn } from '../report/founding.js';

const zram = () => sameSymbolIn('drivers/staging/zram/zram', 'drivers/staging/zram/zram_drv.c', 40);

/** The same finding after code moved: new lines, a longer chain, other configurations; same fingerprint. */
function moved(d: Diagnostic): Diagnostic {
  return { ...d, primary: { ...d.primary, line: d.primary.line + 37, col: 9 }, trace: [...d.trace, { kind: 'note', label: 'x' }] };
}

describe('baseline', () => {
  test('the file format: versioned, sorted, stable, no line numbers in fingerprints', () => {
    const text = serializeBaseline(createBaseline([zram(), founding()]));
    expect(text).toBe(`{
  "kvlintBaseline": 1,
  "entries": [
    {
      "fingerprint": "X001:drivers/staging/zram/zram:v7wbi_flush_kern_tlb_range",
      "code": "X001",
      "count": 1,
      "message": "\\"v7wbi_flush_kern_tlb_range\\" [drivers/staging/zram/zram.ko] undefined!",
      "file": "drivers/staging/zram/zram_drv.c"
    },
    {
      "fingerprint": "X001:drivers/staging/zsmalloc/zsmalloc:v7wbi_flush_kern_tlb_range",
      "code": "X001",
      "count": 1,
      "message": "\\"v7wbi_flush_kern_tlb_range\\" [drivers/staging/zsmalloc/zsmalloc.ko] undefined!",
      "file": "drivers/staging/zsmalloc/zsmalloc-main.c"
    }
  ]
}
`);
    // order of findings does not matter
    expect(serializeBaseline(createBaseline([founding(), zram()]))).toBe(text);
    expect(serializeBaseline(parseBaseline(text, 'b.json'))).toBe(text);
  });

  test('moving code creates no new finding; fixing one makes its entry stale; a new one is new', () => {
    const b = createBaseline([founding(), zram()]);
    const same = applyBaseline(b, [moved(founding()), moved(zram())]);
    expect(same.new).toEqual([]);
    expect(same.known).toHaveLength(2);
    expect(same.stale).toEqual([]);

    const fixed = applyBaseline(b, [moved(founding())]);
    expect(fixed.new).toEqual([]);
    expect(fixed.stale.map((e) => e.fingerprint)).toEqual(['X001:drivers/staging/zram/zram:v7wbi_flush_kern_tlb_range']);

    const fresh = sameSymbolIn('fs/foo/foo', 'fs/foo/foo.c', 3);
    const more = applyBaseline(b, [founding(), zram(), fresh]);
    expect(more.new).toEqual([fresh]);
    expect(more.known).toHaveLength(2);
  });

  test('counts: a second finding with a known fingerprint beyond the count is new', () => {
    const b = createBaseline([founding()]);
    const twice = applyBaseline(b, [founding(), moved(founding())]);
    expect(twice.known).toHaveLength(1);
    expect(twice.new).toHaveLength(1);
    const b2 = createBaseline([founding(), moved(founding())]);
    expect(b2.entries).toHaveLength(1);
    expect(b2.entries[0]!.count).toBe(2);
    const once = applyBaseline(b2, [founding()]);
    expect(once.stale).toEqual([{ ...b2.entries[0]!, count: 1 }]);
  });

  test('property: applying the baseline of a run to the same run (in any order, moved) finds nothing new or stale', () => {
    const modules = ['a/a', 'b/b', 'c/c', 'd/d'];
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...modules), { maxLength: 12 }), fc.array(fc.constantFrom(...modules), { maxLength: 12 }), (xs, ys) => {
        const mk = (m: string, i: number) => sameSymbolIn(m, `${m}.c`, i + 1);
        const run1 = xs.map(mk);
        const run2 = ys.map(mk);
        const b = parseBaseline(serializeBaseline(createBaseline(run1)), 'b');
        const self = applyBaseline(b, [...run1].reverse().map(moved));
        expect(self.new).toEqual([]);
        expect(self.stale).toEqual([]);
        // against another run: known + new partition it, stale counts what run1 had beyond run2, per fingerprint
        const r = applyBaseline(b, run2);
        expect(r.known.length + r.new.length).toBe(run2.length);
        for (const m of modules) {
          const c1 = xs.filter((x) => x === m).length;
          const c2 = ys.filter((y) => y === m).length;
          expect(r.known.filter((d) => d.data!.module === m)).toHaveLength(Math.min(c1, c2));
          expect(r.new.filter((d) => d.data!.module === m)).toHaveLength(Math.max(0, c2 - c1));
          const st = r.stale.find((e) => e.fingerprint === `X001:${m}:v7wbi_flush_kern_tlb_range`);
          expect(st?.count ?? 0).toBe(Math.max(0, c1 - c2));
        }
      }),
      { numRuns: 200 },
    );
  });

  test('malformed baselines are input errors naming the file', () => {
    const bad = (t: string) => {
      try {
        parseBaseline(t, 'kvlint-baseline.json');
      } catch (e) {
        expect(e).toBeInstanceOf(InputError);
        return (e as InputError).message;
      }
      throw new Error('accepted');
    };
    expect(bad('nope')).toMatch(/^kvlint-baseline\.json is not a kvlint baseline: /);
    expect(bad('[]')).toBe('kvlint-baseline.json is not a kvlint baseline: expected a JSON object');
    expect(bad('{"entries": []}')).toMatch(/no "kvlintBaseline" version key/);
    expect(bad('{"kvlintBaseline": 2, "entries": []}')).toBe('kvlint-baseline.json is not a kvlint baseline: version 2 is not supported (this kvlint reads version 1)');
    expect(bad('{"kvlintBaseline": 1, "entries": [{"fingerprint": "a", "code": "X001", "count": 0}]}')).toMatch(/entries\[0\]\.count must be a positive integer/);
    expect(bad('{"kvlintBaseline": 1, "entries": [{"fingerprint": "a", "code": "X001", "count": 1, "line": 3}]}')).toMatch(/entries\[0\]: unknown key 'line'/);
    expect(bad('{"kvlintBaseline": 1, "entries": [{"fingerprint": "a", "code": "X", "count": 1}, {"fingerprint": "a", "code": "X", "count": 1}]}')).toMatch(/appears twice/);
    expect(bad('{"kvlintBaseline": 1, "entries": {}}')).toMatch(/"entries" must be a list/);
    expect(bad('{"kvlintBaseline": 1, "entries": [], "extra": 1}')).toMatch(/unknown key 'extra'/);
  });

  test('files: write, read back; a missing file says how to create it', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kvlint-baseline-'));
    try {
      writeBaselineFile('b.json', createBaseline([founding()]), dir);
      const b = readBaselineFile('b.json', dir);
      expect(b.entries.map((e) => e.fingerprint)).toEqual([founding().fingerprint]);
      expect(() => readBaselineFile('missing.json', dir)).toThrow('cannot read baseline missing.json: ENOENT (create it with --write-baseline missing.json)');
      expect(() => writeBaselineFile('no/such/dir/b.json', b, dir)).toThrow(/cannot write baseline no\/such\/dir\/b\.json: ENOENT/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
