import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { packageRoot } from '../../src/tree/tree.js';
import { ruleMarkdown, rulesIndexMarkdown } from '../../rules/docs.js';
import { rules } from '../../rules/index.js';

/** docs/rules/ is generated from the rules' doc comments; UPDATE_EXPECTED=1 rewrites it (review the diff). */
const dir = path.join(packageRoot(), 'docs', 'rules');

describe('generated rule docs', () => {
  const pages = new Map<string, string>([['README.md', rulesIndexMarkdown(rules)]]);
  for (const r of rules) {
    const src = fs.readFileSync(path.join(packageRoot(), 'rules', r.meta.family, `${r.meta.name}.ts`), 'utf8');
    pages.set(`${r.meta.code}-${r.meta.name}.md`, ruleMarkdown(r, src));
  }
  if (process.env.UPDATE_EXPECTED === '1') {
    fs.mkdirSync(dir, { recursive: true });
    for (const f of fs.readdirSync(dir)) if (f.endsWith('.md') && !pages.has(f)) fs.rmSync(path.join(dir, f));
    for (const [f, text] of pages) fs.writeFileSync(path.join(dir, f), text);
  }
  it('has exactly one page per rule, and the index', () => {
    expect(fs.readdirSync(dir).filter((f) => f.endsWith('.md')).sort()).toEqual([...pages.keys()].sort());
  });
  for (const [f, text] of pages) {
    it(`${f} is up to date`, () => {
      expect(fs.readFileSync(path.join(dir, f), 'utf8')).toBe(text);
    });
  }
});
