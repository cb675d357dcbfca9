import * as fs from 'node:fs';
import * as path from 'node:path';
import Ajv from 'ajv';
import { describe, expect, test } from 'vitest';
import type { Diagnostic } from '../../src/core/types.js';
import { formatJson, toJsonReport } from '../../src/report/index.js';
import { SMP_N, SUMMARY, founding } from './founding.js';

const SCHEMA = JSON.parse(fs.readFileSync(path.join(import.meta.dirname, '../../docs/kvlint-report.schema.json'), 'utf8')) as object;
const DOC = fs.readFileSync(path.join(import.meta.dirname, '../../docs/json-schema.md'), 'utf8');

// CommonJS under nodenext: the default import is module.exports, whose .default is the class
const ajv = new Ajv.default({ allErrors: true, strict: true });
const validate = ajv.compile(SCHEMA);

function valid(x: unknown): void {
  const ok = validate(x);
  expect(ok, ok ? '' : ajv.errorsText(validate.errors)).toBe(true);
}

describe('json format', () => {
  test('the founding case, as documented in CLI.md', () => {
    const doc = JSON.parse(formatJson([founding()], SUMMARY, { toolVersion: '0.1.0' })) as ReturnType<typeof toJsonReport>;
    valid(doc);
    expect(doc.version).toBe(1);
    expect(doc.tool).toEqual({ name: 'kvlint', version: '0.1.0' });
    const d = doc.diagnostics[0]!;
    expect(Object.keys(d)).toEqual([
      'code', 'rule', 'severity', 'message', 'fingerprint', 'primary', 'trace', 'configs', 'passing', 'witness', 'help', 'notes', 'data',
    ]);
    expect(d.message).toBe('"v7wbi_flush_kern_tlb_range" [drivers/staging/zsmalloc/zsmalloc.ko] undefined!');
    expect(d.primary).toEqual({ file: 'drivers/staging/zsmalloc/zsmalloc-main.c', line: 72, col: 2, endLine: null, endCol: null });
    expect(d.trace.map((s) => s.kind)).toEqual(['use', 'expand', 'expand', 'expand', 'expand', 'paste', 'define', 'export', 'note']);
    expect(d.trace[7]!.span).toBeNull();
    expect(d.configs.map((c) => c.id)).toEqual(['arm:multi_v7_defconfig+SMP=n']);
    expect(d.passing.map((c) => c.overrides)).toEqual([{ SMP: 'y' }]);
    expect(d.witness).toEqual({ SMP: 'n' });
    expect(doc.summary).toMatchObject({ errors: 1, warnings: 0, infos: 0, units: null, durationMs: null, ignored: 0, baseline: null });
    expect(doc.summary.configs).toHaveLength(2);
  });

  test('absent optional fields are present as null / [] / {}', () => {
    const bare: Diagnostic = {
      code: 'K001',
      rule: 'undefined-kconfig-symbol',
      severity: 'warning',
      message: 'CONFIG_FOO is not defined by any Kconfig file',
      primary: { file: 'a.c', line: 1, col: 5, endLine: 1, endCol: 15 },
      trace: [],
      configs: [SMP_N],
      fingerprint: 'K001:FOO',
    };
    const doc = toJsonReport([bare], { configs: [SMP_N], units: 3, durationMs: 12.5, ignored: 1, baseline: { file: 'b.json', known: 2, stale: [] } });
    valid(doc);
    expect(doc.diagnostics[0]).toMatchObject({ passing: [], witness: null, help: null, notes: [], data: {} });
    expect(doc.diagnostics[0]!.primary).toEqual({ file: 'a.c', line: 1, col: 5, endLine: 1, endCol: 15 });
    expect(doc.summary).toMatchObject({ warnings: 1, units: 3, durationMs: 12.5, ignored: 1, baseline: { file: 'b.json', known: 2, stale: [] } });
  });

  test('the schema rejects what the documentation says cannot happen (so the checks above can fail)', () => {
    const doc = toJsonReport([founding()], SUMMARY) as unknown as { diagnostics: Record<string, unknown>[] };
    delete doc.diagnostics[0]!.witness;
    expect(validate(doc)).toBe(false);
    const doc2 = toJsonReport([founding()], SUMMARY) as unknown as { diagnostics: Record<string, unknown>[] };
    doc2.diagnostics[0]!.severity = 'fatal';
    expect(validate(doc2)).toBe(false);
  });

  test('paths stay tree-relative whatever the path prefix (a stable format)', () => {
    expect(formatJson([founding()], SUMMARY, { pathPrefix: '../linux' })).toBe(formatJson([founding()], SUMMARY));
  });

  test('docs/json-schema.md documents every key of the output', () => {
    const doc = toJsonReport([founding()], { ...SUMMARY, baseline: { file: 'b', known: 0, stale: [] } });
    const keys = new Set<string>();
    const walk = (x: unknown): void => {
      if (Array.isArray(x)) x.forEach(walk);
      else if (x && typeof x === 'object') {
        for (const [k, v] of Object.entries(x)) {
          if (k !== 'overrides' && k !== 'witness' && k !== 'data') walk(v);
          keys.add(k);
        }
      }
    };
    walk(doc);
    for (const k of keys) {
      if (['SMP', 'symbol', 'module'].includes(k)) continue;
      expect(DOC, `docs/json-schema.md does not mention \`${k}\``).toContain(`\`${k}\``);
    }
  });
});
