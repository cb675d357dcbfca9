import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import type { CliIO } from '../../src/cli/context.js';

async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io: CliIO = { stdout: (s) => void (out += s), stderr: (s) => void (err += s), isTTY: false, stderrTTY: false, cwd: process.cwd(), env: {} };
  const code = await main(args, io);
  return { code, out, err };
}

describe('kvlint cpp', () => {
  it('prints the unit as gcc -E -P would, for the chosen configuration', async () => {
    const n = await run(['cpp', 'drivers/staging/zsmalloc/zsmalloc-main.c', '--config', 'SMP=n', '-q']);
    expect(n.code).toBe(0);
    expect(n.out).toContain('v7wbi_flush_kern_tlb_range(addr,end);');
    const y = await run(['cpp', 'drivers/staging/zsmalloc/zsmalloc-main.c', '--config', 'SMP=y', '-q']);
    expect(y.out).toContain('cpu_tlb.flush_kern_range(addr,end);');
  });

  it('--trace IDENT prints each use with its chain of #defines and pastes', async () => {
    const r = await run(['cpp', 'drivers/staging/zsmalloc/zsmalloc-main.c', '--config', 'SMP=n', '--trace', 'local_flush_tlb_kernel_range', '-q']);
    expect(r.code).toBe(0);
    const lines = r.out.trimEnd().split('\n');
    expect(lines[0]).toBe('drivers/staging/zsmalloc/zsmalloc-main.c:72:2: v7wbi_flush_kern_tlb_range(addr,end)');
    expect(lines.slice(1).map((l) => l.trim().split(/\s+/).slice(0, 2).join(' '))).toEqual([
      'use local_flush_tlb_kernel_range',
      'expand local_flush_tlb_kernel_range',
      'expand __cpu_flush_kern_tlb_range',
      'expand __glue',
      'expand ____glue',
      'paste v7wbi',
      'expand _TLB',
    ]);
    expect(lines[6]).toMatch(/v7wbi ## _flush_kern_tlb_range → v7wbi_flush_kern_tlb_range\s+arch\/arm\/include\/asm\/tlbflush\.h:35/);
    const j = await run(['cpp', 'drivers/staging/zsmalloc/zsmalloc-main.c', '--config', 'SMP=n', '--trace', 'v7wbi_flush_kern_tlb_range', '--format', 'json', '-q']);
    const parsed = JSON.parse(j.out) as { uses: { result: string; site: { file: string; line: number }; trace: unknown[] }[] };
    // the extern declaration in tlbflush.h and the call in zsmalloc-main.c
    expect(parsed.uses.map((u) => [u.site.file, u.site.line, u.result, u.trace.length])).toEqual([
      ['arch/arm/include/asm/tlbflush.h', 58, 'v7wbi_flush_kern_tlb_range', 6],
      ['drivers/staging/zsmalloc/zsmalloc-main.c', 72, 'v7wbi_flush_kern_tlb_range', 7],
    ]);
  });

  it('--footprint lists the consulted configuration symbols', async () => {
    const r = await run(['cpp', 'drivers/staging/zsmalloc/zsmalloc-main.c', '--config', 'SMP=n', '--footprint', '-q']);
    expect(r.out).toContain('CONFIG_SMP=(undefined)\n');
    expect(r.out).toContain('CONFIG_CPU_TLB_V7=1\n');
  });

  it('assembler units and errors', async () => {
    const s = await run(['cpp', 'arch/arm/mm/tlb-v7.S', '--config', 'SMP=n', '-q']);
    expect(s.out).toContain('.globl v7wbi_flush_kern_tlb_range ; .align 0 ; v7wbi_flush_kern_tlb_range:');
    const missing = await run(['cpp', 'drivers/nothere.c']);
    expect(missing.code).toBe(2);
    expect(missing.err).toMatch(/drivers\/nothere\.c: no such file/);
    const notBuilt = await run(['cpp', 'arch/arm/kernel/smp_tlb.c', '--config', 'SMP=n']);
    expect(notBuilt.code).toBe(2);
    expect(notBuilt.err).toMatch(/arch\/arm\/kernel\/smp_tlb\.c is not compiled in/);
  });
});
