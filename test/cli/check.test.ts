import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { bundledTreePath } from '../../src/tree/tree.js';
import { runCli } from '../support/cli.js';

/** Issue 2's acceptance on the bundled fixture tree (the embedded default: no tree argument). */
describe('kvlint check on the bundled zsmalloc/ARM tree', () => {
  it('reports exactly the founding error for SMP=n, none for SMP=y, and exits 1', async () => {
    const r = await runCli(['check', '--format', 'json']);
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout) as {
      diagnostics: { code: string; message: string; configs: { overrides: Record<string, string> }[]; passing: { overrides: Record<string, string> }[]; witness: Record<string, string>; trace: { kind: string; label: string; span: { file: string; line: number } | null }[] }[];
    };
    expect(report.diagnostics).toHaveLength(1);
    const d = report.diagnostics[0]!;
    expect(d.code).toBe('X001');
    expect(d.message).toBe('"v7wbi_flush_kern_tlb_range" [drivers/staging/zsmalloc/zsmalloc.ko] undefined!');
    expect(d.configs.map((c) => c.overrides)).toEqual([{ SMP: 'n' }]);
    expect(d.passing.map((c) => c.overrides)).toEqual([{ SMP: 'y' }]);
    expect(d.witness).toEqual({ SMP: 'n' });
    // the chain: use site, every macro step with its #define location, the paste, the asm definition, no export
    const files = d.trace.map((s) => s.span?.file);
    expect(files[0]).toBe('drivers/staging/zsmalloc/zsmalloc-main.c');
    const labels = d.trace.map((s) => s.label).join('\n');
    for (const m of ['local_flush_tlb_kernel_range', '__cpu_flush_kern_tlb_range', '__glue', '____glue']) {
      expect(labels).toContain(m);
    }
    expect(d.trace.some((s) => s.kind === 'paste')).toBe(true);
    expect(d.trace.filter((s) => s.kind === 'expand').every((s) => s.span && s.span.line > 0)).toBe(true);
    expect(d.trace.some((s) => s.kind === 'expand' && s.span?.file === 'arch/arm/include/asm/tlbflush.h')).toBe(true);
    expect(d.trace.some((s) => s.kind === 'expand' && s.span?.file === 'arch/arm/include/asm/glue.h')).toBe(true);
    const def = d.trace.find((s) => s.kind === 'define');
    expect(def?.span?.file).toBe('arch/arm/mm/tlb-v7.S');
    expect(d.trace.some((s) => s.kind === 'export' && /never exported/.test(s.label))).toBe(true);
  });

  it('prints the modpost headline and the chain in stylish output', async () => {
    const r = await runCli(['check']);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('error[X001] "v7wbi_flush_kern_tlb_range" [drivers/staging/zsmalloc/zsmalloc.ko] undefined!');
    expect(r.stdout).toMatch(/zsmalloc-main\.c:\d+:\d+/);
    expect(r.stdout).toMatch(/tlb-v7\.S:\d+/);
    expect(r.stdout).toContain('SMP=n');
  });

  it('prints the tree-relative paths kbuild and modpost print, whatever the current directory', async () => {
    const tree = bundledTreePath();
    for (const cwd of [os.tmpdir(), path.dirname(tree), tree]) {
      const r = await runCli(['check', '--format', 'gcc', tree], { cwd });
      expect(r.stdout.split('\n').filter((l) => l.includes(' error: '))).toEqual([
        expect.stringMatching(/^drivers\/staging\/zsmalloc\/zsmalloc-main\.c:\d+:\d+: error: "v7wbi_flush_kern_tlb_range" \[drivers\/staging\/zsmalloc\/zsmalloc\.ko\] undefined! \[X001\]$/),
      ]);
      const stylish = await runCli(['check', tree], { cwd });
      expect(stylish.stdout).toMatch(/\n {2}--> drivers\/staging\/zsmalloc\/zsmalloc-main\.c:\d+:\d+\n/);
      expect(stylish.stdout).toContain('(arch/arm/include/asm/tlbflush.h:');
    }
  });

  it('exits 0 for --config SMP=y alone', async () => {
    const r = await runCli(['check', '--config', 'SMP=y']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
  });

  it('exits 2 with a one-line reason on a usage error', async () => {
    const r = await runCli(['check', '--config', 'nonsense']);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/SYM=VALUE/);
  });

  it('exits 2 naming the path when the tree does not exist', async () => {
    const r = await runCli(['check', '/nonexistent/kernel']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('/nonexistent/kernel');
  });

  it('refuses a cache directory inside the checked tree (explicit or by XDG_CACHE_HOME) and writes nothing there', async () => {
    const tree = fs.mkdtempSync(path.join(os.tmpdir(), 'kvlint-cachein-'));
    fs.cpSync(bundledTreePath(), tree, { recursive: true });
    const before = fs.readdirSync(tree).sort();
    try {
      const a = await runCli(['check', tree, '--cache-dir', path.join(tree, '.cache')]);
      expect(a.code).toBe(2);
      expect(a.stderr).toContain(`the cache directory ${path.join(tree, '.cache')} is inside the checked tree`);
      const b = await runCli(['check', tree], { env: { XDG_CACHE_HOME: path.join(tree, 'sub') } });
      expect(b.code).toBe(2);
      expect(b.stderr).toContain('is inside the checked tree');
      const c = await runCli(['config', tree, '--arch', 'arm'], { env: { KVLINT_CACHE_DIR: tree } });
      expect(c.code).toBe(2);
      expect(fs.readdirSync(tree).sort()).toEqual(before);
      // beside the tree is fine
      const d = await runCli(['check', tree, '--cache-dir', `${tree}-cache`, '--config', 'SMP=y']);
      expect(d.code).toBe(0);
    } finally {
      fs.rmSync(tree, { recursive: true, force: true });
      fs.rmSync(`${tree}-cache`, { recursive: true, force: true });
    }
  });
});
