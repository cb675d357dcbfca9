import * as core from '@actions/core';
import { describe, expect, test, vi } from 'vitest';
import type { Diagnostic } from '../../src/core/types.js';
import { escapeData, escapeProperty, formatGithub } from '../../src/report/github.js';
import { SUMMARY, founding, sameSymbolIn } from './founding.js';

/**
 * A workflow-command parser with the runner's rules (ActionCommand.TryParseV2 in actions/runner): `::name
 * k=v,k=v::data`; the command name and properties end at the first `::`, properties split at ',', each at its first
 * '='; values and data are unescaped (%0D, %0A, %3A, %2C, %25 — '%25' last, so escapes cannot be chained).
 */
const COMMAND = /^::(?<name>[a-z-]+)(?: (?<props>[^:]*))?::(?<data>.*)$/;

function unescape(s: string, property: boolean): string {
  let r = s.replace(/%0D/g, '\r').replace(/%0A/g, '\n');
  if (property) r = r.replace(/%3A/g, ':').replace(/%2C/g, ',');
  return r.replace(/%25/g, '%');
}

function parse(line: string): { name: string; props: Record<string, string>; data: string } {
  const m = COMMAND.exec(line);
  if (!m) throw new Error(`not a workflow command: ${line}`);
  const props: Record<string, string> = {};
  for (const kv of (m.groups!.props ?? '').split(',').filter((x) => x !== '')) {
    const eq = kv.indexOf('=');
    if (eq <= 0) throw new Error(`bad property '${kv}' in ${line}`);
    props[kv.slice(0, eq)] = unescape(kv.slice(eq + 1), true);
  }
  return { name: m.groups!.name!, props, data: unescape(m.groups!.data!, false) };
}

describe('github format', () => {
  test('each finding is one ::error annotation at its location, the chain in the message', () => {
    const lines = formatGithub([founding()], SUMMARY).trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    for (const l of lines) {
      expect(l).toMatch(COMMAND);
      expect(l).not.toMatch(/[\r]/);
    }
    const a = parse(lines[0]!);
    expect(a.name).toBe('error');
    expect(a.props).toEqual({
      file: 'drivers/staging/zsmalloc/zsmalloc-main.c',
      line: '72',
      col: '2',
      title: 'X001 module-uses-unexported-symbol',
    });
    const msg = a.data.split('\n');
    expect(msg[0]).toBe('"v7wbi_flush_kern_tlb_range" [drivers/staging/zsmalloc/zsmalloc.ko] undefined!');
    expect(msg[1]).toMatch(/^via: local_flush_tlb_kernel_range \(arch\/arm\/include\/asm\/tlbflush\.h:65:9\) -> /);
    expect(msg).toContain('breaks: ARCH=arm multi_v7_defconfig, SMP=n · fine: SMP=y');
    const n = parse(lines[1]!);
    expect(n.name).toBe('notice');
    expect(n.data).toBe('1 error, 0 warnings in 2 configurations');
  });

  test('escaping round-trips through the runner rules, in properties and data', () => {
    const d = founding();
    d.primary = { file: 'drivers/a,b:c%d/x.c', line: 3, col: 1, endLine: 4, endCol: 9 };
    d.message = 'first line\nsecond %0A line, with: colons\r\n';
    d.severity = 'warning';
    d.rule = 'odd,rule:name';
    const a = parse(formatGithub([d], SUMMARY).split('\n')[0]!);
    expect(a.name).toBe('warning');
    expect(a.props.file).toBe('drivers/a,b:c%d/x.c');
    expect(a.props.endLine).toBe('4');
    expect(a.props.endColumn).toBe('9');
    expect(a.props.title).toBe('X001 odd,rule:name');
    expect(a.data.startsWith('first line\nsecond %0A line, with: colons\r\n\n')).toBe(true);
    expect(escapeData('100%\n')).toBe('100%25%0A');
    expect(escapeProperty('a:b,c%')).toBe('a%3Ab%2Cc%25');
  });

  test('infos are notices; paths take the prefix', () => {
    const d = { ...founding(), severity: 'info' as const };
    const a = parse(formatGithub([d], SUMMARY, { pathPrefix: 'linux' }).split('\n')[0]!);
    expect(a.name).toBe('notice');
    expect(a.props.file).toBe('linux/drivers/staging/zsmalloc/zsmalloc-main.c');
  });

  // The real thing: GitHub's own toolkit writes the same annotation byte for byte.
  test('lines are identical to what @actions/core writes for the same annotations', () => {
    const odd = founding();
    odd.primary = { file: 'drivers/a,b:c%d/x.c', line: 3, col: 1, endLine: 4, endCol: 9 };
    odd.message = 'first line\nsecond %0A line, with: colons\r\n';
    odd.severity = 'warning';
    const info = { ...sameSymbolIn('m', 'm.c', 7), severity: 'info' as const };
    const diags: Diagnostic[] = [founding(), odd, info];
    const ours = formatGithub(diags, SUMMARY).split('\n');
    for (const [i, d] of diags.entries()) {
      const body = parse(ours[i]!).data;
      const written: string[] = [];
      const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
        written.push(String(chunk));
        return true;
      });
      try {
        const props: core.AnnotationProperties = {
          title: `${d.code} ${d.rule}`,
          file: d.primary.file,
          startLine: d.primary.line,
          startColumn: d.primary.col,
        };
        if (d.primary.endLine !== undefined) props.endLine = d.primary.endLine;
        if (d.primary.endCol !== undefined) props.endColumn = d.primary.endCol;
        const fn = d.severity === 'error' ? core.error : d.severity === 'warning' ? core.warning : core.notice;
        fn(body, props);
      } finally {
        spy.mockRestore();
      }
      expect(ours[i] + '\n').toBe(written.join(''));
    }
  });
});
