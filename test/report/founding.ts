import type { ConfigRef, Diagnostic } from '../../src/core/types.js';

/**
 * Hand-made diagnostics for the formatter tests: the founding case as the engine reports it on the bundled fixture
 * tree (fixtures/trees/zsmalloc-arm; line and column numbers are the fixture's), merged across the SMP axis.
 */
export const SMP_N: ConfigRef = {
  id: 'arm:multi_v7_defconfig+SMP=n',
  arch: 'arm',
  base: 'multi_v7_defconfig',
  label: 'ARCH=arm multi_v7_defconfig, SMP=n',
  overrides: { SMP: 'n' },
};
export const SMP_Y: ConfigRef = {
  id: 'arm:multi_v7_defconfig+SMP=y',
  arch: 'arm',
  base: 'multi_v7_defconfig',
  label: 'ARCH=arm multi_v7_defconfig, SMP=y',
  overrides: { SMP: 'y' },
};

export function founding(): Diagnostic {
  return {
    code: 'X001',
    rule: 'module-uses-unexported-symbol',
    severity: 'error',
    message: '"v7wbi_flush_kern_tlb_range" [drivers/staging/zsmalloc/zsmalloc.ko] undefined!',
    primary: { file: 'drivers/staging/zsmalloc/zsmalloc-main.c', line: 72, col: 2 },
    trace: [
      {
        kind: 'use',
        label: 'drivers/staging/zsmalloc/zsmalloc.ko uses v7wbi_flush_kern_tlb_range',
        span: { file: 'drivers/staging/zsmalloc/zsmalloc-main.c', line: 72, col: 2 },
      },
      { kind: 'expand', label: 'local_flush_tlb_kernel_range', span: { file: 'arch/arm/include/asm/tlbflush.h', line: 65, col: 9 } },
      { kind: 'expand', label: '__cpu_flush_kern_tlb_range', span: { file: 'arch/arm/include/asm/tlbflush.h', line: 55, col: 9 } },
      { kind: 'expand', label: '__glue(_TLB,_flush_kern_tlb_range)', span: { file: 'arch/arm/include/asm/glue.h', line: 11, col: 9 } },
      { kind: 'expand', label: '_TLB=v7wbi', span: { file: 'arch/arm/include/asm/tlbflush.h', line: 35, col: 11 } },
      { kind: 'paste', label: '____glue: v7wbi ## _flush_kern_tlb_range', span: { file: 'arch/arm/include/asm/glue.h', line: 10, col: 9 } },
      {
        kind: 'define',
        label: 'v7wbi_flush_kern_tlb_range is defined in vmlinux by ENTRY() (global)',
        span: { file: 'arch/arm/mm/tlb-v7.S', line: 24, col: 7 },
      },
      { kind: 'export', label: 'v7wbi_flush_kern_tlb_range is never exported (no EXPORT_SYMBOL* in this configuration)' },
      { kind: 'note', label: 'cpu_tlb is exported only under MULTI_TLB', span: { file: 'arch/arm/mm/proc-syms.c', line: 10, col: 1 } },
    ],
    configs: [SMP_N],
    passing: [SMP_Y],
    witness: { SMP: 'n' },
    help: 'call an interface exported in every configuration the module builds in, or make this path built-in only (!defined(MODULE))',
    fingerprint: 'X001:drivers/staging/zsmalloc/zsmalloc:v7wbi_flush_kern_tlb_range',
    data: { symbol: 'v7wbi_flush_kern_tlb_range', module: 'drivers/staging/zsmalloc/zsmalloc' },
  };
}

/** The same symbol missing from another module (for grouping). */
export function sameSymbolIn(module: string, file: string, line: number): Diagnostic {
  const d = founding();
  d.message = `"v7wbi_flush_kern_tlb_range" [${module}.ko] undefined!`;
  d.primary = { file, line, col: 2 };
  d.trace = [{ kind: 'use', label: `${module}.ko uses v7wbi_flush_kern_tlb_range`, span: d.primary }];
  d.fingerprint = `X001:${module}:v7wbi_flush_kern_tlb_range`;
  d.data = { symbol: 'v7wbi_flush_kern_tlb_range', module };
  return d;
}

export const SUMMARY = { configs: [SMP_Y, SMP_N] };
