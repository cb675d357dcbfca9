import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FAMILY_PREFIX } from '../../rules/api.js';
import { redirects, rules } from '../../rules/index.js';
import { packageRoot } from '../../src/tree/tree.js';
import { listCases } from '../support/rule-fixtures.js';

const root = packageRoot();
const HEADINGS = ['What it does', 'Why it matters', 'Example', 'How to fix', 'References'];

function ruleFiles(): { family: string; name: string; file: string }[] {
  const out: { family: string; name: string; file: string }[] = [];
  for (const family of fs.readdirSync(path.join(root, 'rules'))) {
    const dir = path.join(root, 'rules', family);
    if (!fs.statSync(dir).isDirectory()) continue;
    for (const f of fs.readdirSync(dir)) if (f.endsWith('.ts')) out.push({ family, name: f.slice(0, -3), file: path.join(dir, f) });
  }
  return out;
}

describe('rule registry', () => {
  const files = ruleFiles();
  const cases = listCases();

  it('registers every rule file, and only those', () => {
    expect(rules.map((r) => r.meta.name).sort()).toEqual(files.map((f) => f.name).sort());
  });

  it('gives each rule a unique, well-formed code matching its family and folder', () => {
    const codes = rules.map((r) => r.meta.code);
    expect(new Set(codes).size).toBe(codes.length);
    for (const r of rules) {
      const f = files.find((x) => x.name === r.meta.name)!;
      expect(f.family).toBe(r.meta.family);
      expect(r.meta.code).toMatch(new RegExp(`^${FAMILY_PREFIX[r.meta.family]}\\d{3}$`));
      expect(Object.keys(redirects)).not.toContain(r.meta.code);
    }
  });

  for (const f of ruleFiles()) {
    it(`${f.name}: doc comment with the fixed headings, and pass and fail fixtures`, () => {
      const text = fs.readFileSync(f.file, 'utf8');
      const doc = /^\/\*\*([\s\S]*?)\*\//.exec(text)?.[1] ?? '';
      expect(doc).toContain(`# ${f.name} (`);
      for (const h of HEADINGS) expect(doc).toContain(`## ${h}`);
      const mine = cases.filter((c) => c.rule === f.name);
      expect(mine.some((c) => c.name.startsWith('pass-'))).toBe(true);
      expect(mine.some((c) => c.name.startsWith('fail-'))).toBe(true);
    });
  }

  it('has fixtures only for registered rules', () => {
    for (const c of cases) expect(rules.map((r) => r.meta.name)).toContain(c.rule);
  });
});
