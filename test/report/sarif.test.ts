import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import Ajv04 from 'ajv-draft-04';
import addFormats from 'ajv-formats';
import type * as sarif from 'sarif';
import { beforeAll, describe, expect, test } from 'vitest';
import { rules as registry } from '../../rules/index.js';
import { formatSarif, toSarif } from '../../src/report/index.js';
import { SUMMARY, founding, sameSymbolIn } from './founding.js';

/**
 * The official SARIF 2.1.0 schema (sarif-2.1.0-rtm.5.json, draft-04), as shipped in the npm package
 * @microsoft/jest-sarif (a devDependency). Read from node_modules, not copied into the repository.
 */
const require = createRequire(import.meta.url);
const SCHEMA_PATH = require.resolve('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json');

let validate: (x: unknown) => boolean;
let errors: () => string;

beforeAll(() => {
  const schema = JSON.parse(fs.readFileSync(SCHEMA_PATH, 'utf8')) as Record<string, unknown>;
  expect(schema.title).toMatch(/SARIF\) Version 2\.1\.0/);
  // ajv-draft-04 and ajv-formats are CommonJS: under nodenext the default import is module.exports, whose
  // .default is the class / plugin
  const AjvClass = Ajv04.default;
  const add = addFormats.default;
  // unicodeRegExp off: the schema's 'language' pattern has a stray ']' that is legal only without the u flag
  const ajv = new AjvClass({ allErrors: true, strict: false, unicodeRegExp: false });
  add(ajv);
  const v = ajv.compile(schema);
  validate = (x) => v(x) as boolean;
  errors = () => ajv.errorsText(v.errors, { separator: '\n' });
});

function valid(log: unknown): void {
  const ok = validate(log);
  expect(ok, ok ? '' : errors()).toBe(true);
}

describe('sarif format', () => {
  test('the founding case validates against the SARIF 2.1.0 schema', () => {
    const text = formatSarif([founding()], SUMMARY, { toolVersion: '0.1.0', rules: registry.map((r) => r.meta), treeRoot: '/src/linux' });
    valid(JSON.parse(text));
  });

  test('the validator does reject broken logs (so the test above can fail)', () => {
    const log = toSarif([founding()], SUMMARY) as unknown as { runs: { results: Record<string, unknown>[] }[] };
    log.runs[0]!.results[0]!.level = 'fatal';
    expect(validate(log)).toBe(false);
    const log2 = toSarif([founding()], SUMMARY) as unknown as Record<string, unknown>;
    log2.version = '2.0.0';
    expect(validate(log2)).toBe(false);
    const log3 = toSarif([founding()], SUMMARY) as unknown as { runs: { results: { locations: { physicalLocation: { region: Record<string, unknown> } }[] }[] }[] };
    log3.runs[0]!.results[0]!.locations[0]!.physicalLocation.region.startLine = 0;
    expect(validate(log3)).toBe(false);
  });

  test('rules: id = code, name, help text, default level; results point at them', () => {
    const log = toSarif([founding(), sameSymbolIn('m', 'm.c', 1)], SUMMARY, { rules: registry.map((r) => r.meta) });
    valid(log);
    const run = log.runs[0]!;
    expect(run.tool.driver.name).toBe('kvlint');
    expect(run.tool.driver.rules).toHaveLength(1);
    const rule = run.tool.driver.rules![0]!;
    expect(rule.id).toBe('X001');
    expect(rule.name).toBe('module-uses-unexported-symbol');
    expect(rule.shortDescription!.text).toBe(registry.find((r) => r.meta.code === 'X001')!.meta.summary);
    expect(rule.help!.text.length).toBeGreaterThan(20);
    expect(rule.defaultConfiguration!.level).toBe('error');
    expect(run.results!.map((r) => [r.ruleId, r.ruleIndex, r.level])).toEqual([
      ['X001', 0, 'error'],
      ['X001', 0, 'error'],
    ]);
  });

  test('a result carries location, chain (related locations and a code flow), fingerprint and configurations', () => {
    const log = toSarif([founding()], SUMMARY, { treeRoot: '/src/my linux' });
    valid(log);
    const run = log.runs[0]!;
    expect(run.originalUriBaseIds!.SRCROOT!.uri).toBe('file:///src/my%20linux/');
    const r = run.results![0]!;
    expect(r.message.text).toBe('"v7wbi_flush_kern_tlb_range" [drivers/staging/zsmalloc/zsmalloc.ko] undefined!');
    expect(r.locations![0]!.physicalLocation).toEqual({
      artifactLocation: { uri: 'drivers/staging/zsmalloc/zsmalloc-main.c', uriBaseId: 'SRCROOT' },
      region: { startLine: 72, startColumn: 2 },
    });
    const related = r.relatedLocations!;
    expect(related.map((l) => `${l.physicalLocation!.artifactLocation!.uri}:${l.physicalLocation!.region!.startLine}`)).toEqual([
      'drivers/staging/zsmalloc/zsmalloc-main.c:72',
      'arch/arm/include/asm/tlbflush.h:65',
      'arch/arm/include/asm/tlbflush.h:55',
      'arch/arm/include/asm/glue.h:11',
      'arch/arm/include/asm/tlbflush.h:35',
      'arch/arm/include/asm/glue.h:10',
      'arch/arm/mm/tlb-v7.S:24',
      'arch/arm/mm/proc-syms.c:10',
    ]);
    expect(new Set(related.map((l) => l.id)).size).toBe(related.length);
    const flow = r.codeFlows![0]!.threadFlows[0]!.locations;
    expect(flow).toHaveLength(founding().trace.length);
    expect(flow.map((f) => (f.properties as { kind: string }).kind)).toEqual(founding().trace.map((s) => s.kind));
    expect(flow[7]!.location!.message!.text).toMatch(/^export: .* never exported/);
    expect(flow[7]!.location!.physicalLocation).toBeUndefined();
    expect(r.partialFingerprints).toEqual({ 'kvlint/v1': 'X001:drivers/staging/zsmalloc/zsmalloc:v7wbi_flush_kern_tlb_range' });
    const p = r.properties as Record<string, unknown>;
    expect(p.configs).toEqual(['arm:multi_v7_defconfig+SMP=n']);
    expect(p.passing).toEqual(['arm:multi_v7_defconfig+SMP=y']);
    expect(p.witness).toEqual({ SMP: 'n' });
    expect(p.breaks).toBe('ARCH=arm multi_v7_defconfig, SMP=n');
    expect(p.data).toEqual({ symbol: 'v7wbi_flush_kern_tlb_range', module: 'drivers/staging/zsmalloc/zsmalloc' });
    expect((run.properties as { configurations: unknown[] }).configurations).toHaveLength(2);
  });

  test('no findings, odd paths, warnings, spans with ends, a baseline: still valid', () => {
    valid(toSarif([], { configs: [] }));
    const d = founding();
    d.severity = 'info';
    d.code = 'K001';
    d.rule = 'undefined-kconfig-symbol';
    d.primary = { file: 'dir with space/ü#?.c', line: 1, col: 1, endLine: 2, endCol: 5 };
    const log: sarif.Log = toSarif([d], { ...SUMMARY, ignored: 3, baseline: { file: 'b.json', known: 1, stale: [] } }, { toolVersion: '0.1.0' });
    valid(log);
    const r = log.runs[0]!.results![0]!;
    expect(r.level).toBe('note');
    expect(r.locations![0]!.physicalLocation!.artifactLocation!.uri).toBe('dir%20with%20space/%C3%BC%23%3F.c');
    expect(r.locations![0]!.physicalLocation!.region).toEqual({ startLine: 1, startColumn: 1, endLine: 2, endColumn: 5 });
    // a rule not in the metadata is described from its findings
    expect(log.runs[0]!.tool.driver.rules![0]).toMatchObject({ id: 'K001', name: 'undefined-kconfig-symbol', defaultConfiguration: { level: 'note' } });
  });
});
