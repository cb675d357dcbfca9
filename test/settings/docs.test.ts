import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, test } from 'vitest';
import { parseBaseline, parseSettings } from '../../src/settings/index.js';

/** The examples in docs/settings.md are real: they load. */
const DOC = fs.readFileSync(path.join(import.meta.dirname, '../../docs/settings.md'), 'utf8');
const blocks = (lang: string) => [...DOC.matchAll(new RegExp('```' + lang + '\\n([\\s\\S]*?)```', 'g'))].map((m) => m[1]!);

describe('docs/settings.md', () => {
  test('every .kvlint.json example loads', () => {
    const examples = [...blocks('json'), ...blocks('jsonc')].filter((b) => !b.includes('"kvlintBaseline"'));
    expect(examples.length).toBeGreaterThanOrEqual(2);
    for (const e of examples) expect(() => parseSettings(e, 'docs/settings.md'), e).not.toThrow();
    const full = parseSettings(blocks('jsonc')[0]!, 'docs/settings.md');
    expect(full.rules.X001).toMatchObject({ severity: 'warning', options: { includeWeak: true } });
    expect(full.ignores).toHaveLength(1);
    expect(full.toolchain).toMatchObject({ kind: 'bundled', ref: 'arm-linux-gnueabihf-gcc-12' });
  });

  test('the baseline example loads', () => {
    const b = blocks('json').filter((x) => x.includes('"kvlintBaseline"'));
    expect(b).toHaveLength(1);
    expect(parseBaseline(b[0]!, 'docs').entries).toHaveLength(1);
  });

  test('the bundled tree settings shown are the file', () => {
    const shown = blocks('json')[0]!;
    const file = fs.readFileSync(path.join(import.meta.dirname, '../../fixtures/trees/zsmalloc-arm/.kvlint.json'), 'utf8');
    expect(shown).toBe(file);
  });
});
