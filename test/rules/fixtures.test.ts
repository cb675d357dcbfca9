import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { listCases, runCase } from '../support/rule-fixtures.js';

/**
 * Every rule fixture: the rule's findings on the case's tree must equal expected.txt (empty for pass-… cases).
 * UPDATE_EXPECTED=1 rewrites expected.txt from the current output (review the diff before committing).
 */
const cases = listCases();

describe('rule fixtures', () => {
  it('exist', () => {
    expect(cases.length).toBeGreaterThan(0);
  });
  for (const c of cases) {
    it(`${c.rule}/${c.name}: ${c.description}`, async () => {
      const { output: out, links } = await runCase(c);
      // runCase lists the pinned links per configuration, in the order of c.configs and c.links
      const wanted = c.configs.flatMap((ov) => c.links.filter((l) => !l.when || Object.entries(l.when).every(([k, v]) => ov[k] === v)));
      expect(links).toHaveLength(wanted.length);
      links.forEach((l, i) => {
        const want = wanted[i]!;
        expect(l.includes(` ${want.module} ${want.symbol} `), l).toBe(true);
        expect(l.endsWith(` ${want.status}`), l).toBe(true);
      });
      const file = path.join(c.dir, 'expected.txt');
      if (process.env.UPDATE_EXPECTED === '1') fs.writeFileSync(file, out);
      const expected = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
      if (c.name.startsWith('pass-')) expect(expected).toBe('');
      else expect(expected).not.toBe('');
      expect(out).toBe(expected);
    });
  }
});
