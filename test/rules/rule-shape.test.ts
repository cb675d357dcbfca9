import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { validateRule } from '../../src/engine/user-rules.js';
import { packageRoot } from '../../src/tree/tree.js';
import { rules } from '../../rules/index.js';

/**
 * Built-in rules pass the same validation as users' own rules (src/engine/user-rules.ts validateRule): family and
 * code, kebab-case name equal to the file name, severity, summary, messages, option types, doc comment headings.
 */
describe('built-in rules have the shape users\' rules are held to', () => {
  for (const r of rules) {
    it(`${r.meta.code} ${r.meta.name}`, () => {
      const file = path.join(packageRoot(), 'rules', r.meta.family, `${r.meta.name}.ts`);
      expect(validateRule(r, file, fs.readFileSync(file, 'utf8'))).toEqual([]);
      expect(typeof r.check === 'function' || typeof r.checkRun === 'function').toBe(true);
      // every message template's placeholders are filled by some report: at least they are well-formed
      for (const t of Object.values(r.meta.messages)) expect(t).not.toMatch(/\{\{(?!\w+\}\})/);
    });
  }
});
