import * as fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { BuiltObject } from '../../src/core/graph.js';
import { CppCache, preprocess, renderGccE } from '../../src/cpp/index.js';
import { evalKbuild } from '../../src/kbuild/index.js';
import { autoconfHeader, loadKconfig, resolveConfig } from '../../src/kconfig/index.js';
import { bundledTreePath, KernelTree } from '../../src/tree/tree.js';
import { autoconfDir, compareTokens, gccPredefined, gccPreprocess, generatedDir, haveCompiler, outputTokens } from '../../scripts/cpp-oracle.js';
import type { GeneratedSet } from '../../src/cpp/index.js';
import { defaultStages } from '../../src/engine/default-stages.js';

/**
 * The bundled zsmalloc-arm tree, configured by kvlint's own Kconfig and Kbuild stages, preprocessed by kvlint and by
 * arm-linux-gnueabihf-gcc -E with the same command line: every unit identical, token for token.
 */
const GCC = 'arm-linux-gnueabihf-gcc';
const HAVE = haveCompiler(GCC);
const tree = new KernelTree(bundledTreePath());
const model = loadKconfig(tree, { arch: 'arm' });
const cache = new CppCache(tree);
const EXTRA = ['-msoft-float'];

function configure(overrides: Record<string, string>) {
  const { config } = resolveConfig(model, { kind: 'defconfig', name: 'multi_v7_defconfig' }, overrides);
  const autoconf = autoconfHeader(model, config);
  const { graph } = evalKbuild(tree, config);
  // the bundled tree is pristine: what its prepare step makes (wrappers, asm-offsets.h), as the engine serves it
  const generated = defaultStages(tree).prepare!(tree, config, graph, autoconf).generated;
  return { autoconf, graph, generated };
}

function run(obj: BuiltObject, autoconf: string, generated: GeneratedSet) {
  const asm = obj.cmd.language === 'assembler-with-cpp';
  // the fixture's arch Makefile leaves out the kernel's -msoft-float, which Debian's hard-float compiler needs
  const predefined = HAVE ? gccPredefined(GCC, [...obj.cmd.flags, ...EXTRA], asm) : new Map([['__arm__', '1']]);
  return preprocess(tree, obj.source!, { cmd: obj.cmd, autoconf, generated, predefined, cache });
}

const ZS = 'drivers/staging/zsmalloc/zsmalloc-main.o';

describe('founding case on the bundled tree', () => {
  it('SMP=n: local_flush_tlb_kernel_range becomes a call to v7wbi_flush_kern_tlb_range, with the whole chain', () => {
    const { autoconf, graph, generated } = configure({ SMP: 'n' });
    const r = run(graph.objects.get(ZS)!, autoconf, generated);
    expect(r.diagnostics).toEqual([]);
    const ts = r.tokens;
    let at = -1;
    for (let i = 0; i < ts.length; i++) if (ts.text(i) === 'v7wbi_flush_kern_tlb_range' && ts.text(i + 1) === '(' && ts.text(i + 2) === 'addr') at = i;
    expect(at).toBeGreaterThan(0);
    const trace = ts.trace(at);
    expect(trace.map((s) => [s.kind, s.label.split(' ')[0]])).toEqual([
      ['use', 'local_flush_tlb_kernel_range'],
      ['expand', 'local_flush_tlb_kernel_range'],
      ['expand', '__cpu_flush_kern_tlb_range'],
      ['expand', '__glue'],
      ['expand', '____glue'],
      ['paste', 'v7wbi'],
      ['expand', '_TLB'],
    ]);
    expect(trace[0]!.span).toMatchObject({ file: 'drivers/staging/zsmalloc/zsmalloc-main.c', line: 72, col: 2 });
    expect(trace[1]!.span).toMatchObject({ file: 'arch/arm/include/asm/tlbflush.h', line: 65 });
    expect(trace[2]!.span).toMatchObject({ file: 'arch/arm/include/asm/tlbflush.h', line: 55 });
    expect(trace[3]!.span).toMatchObject({ file: 'arch/arm/include/asm/glue.h', line: 11 });
    expect(trace[4]!.span).toMatchObject({ file: 'arch/arm/include/asm/glue.h', line: 10 });
    expect(trace[5]!.label).toBe('v7wbi ## _flush_kern_tlb_range → v7wbi_flush_kern_tlb_range');
    expect(trace[6]!.span).toMatchObject({ file: 'arch/arm/include/asm/tlbflush.h', line: 35 });
    expect(ts.site(at)).toMatchObject({ file: 'drivers/staging/zsmalloc/zsmalloc-main.c', line: 72, col: 2 });
    expect(ts.span(at).file).toBe('arch/arm/include/asm/tlbflush.h');
    // the footprint saw SMP undefined and the TLB kinds
    expect(r.footprint.get('CONFIG_SMP')).toBeNull();
    expect(r.footprint.get('CONFIG_SMP_ON_UP')).toBeNull();
    expect(r.footprint.get('CONFIG_CPU_TLB_V7')).toBe('1');
    expect(r.footprint.get('CONFIG_MMU')).toBe('1');
    expect(r.footprint.get('CONFIG_ARM')).toBe('1');
  });

  it('SMP=y (SMP_ON_UP=y ⇒ MULTI_TLB): the call goes through cpu_tlb.flush_kern_range', () => {
    const { autoconf, graph, generated } = configure({ SMP: 'y' });
    const r = run(graph.objects.get(ZS)!, autoconf, generated);
    const text = renderGccE(r.tokens);
    expect(text).toContain('cpu_tlb.flush_kern_range(addr,end);');
    expect(text).not.toContain('v7wbi_flush_kern_tlb_range');
    expect(r.footprint.get('CONFIG_SMP_ON_UP')).toBe('1');
  });

  it('tlb-v7.S in assembler mode: ENTRY() makes .globl lines', () => {
    const { autoconf, graph, generated } = configure({ SMP: 'n' });
    const r = run(graph.objects.get('arch/arm/mm/tlb-v7.o')!, autoconf, generated);
    const text = renderGccE(r.tokens);
    expect(text).toContain('.globl v7wbi_flush_kern_tlb_range ; .align 0 ; v7wbi_flush_kern_tlb_range:');
    expect(text).toContain('@ r0 = start, r1 = end (kernel addresses)');
  });
});

describe.skipIf(!HAVE)('every unit of the bundled tree = arm-linux-gnueabihf-gcc -E', () => {
  for (const [label, overrides] of [['SMP=n', { SMP: 'n' }], ['SMP=y', { SMP: 'y' }], ['ZSMALLOC=y', { SMP: 'n', ZSMALLOC: 'y' }]] as const) {
    it(label, () => {
      const { autoconf, graph, generated } = configure(overrides);
      const dir = autoconfDir(autoconf);
      const gen = generatedDir(generated.files);
      const results: string[] = [];
      let n = 0;
      for (const obj of graph.objects.values()) {
        if (!obj.source) continue;
        const asm = obj.cmd.language === 'assembler-with-cpp';
        const mine = run(obj, autoconf, generated);
        const gcc = gccPreprocess(GCC, tree.root, obj.cmd, obj.source, { autoconfDir: dir, generatedDir: gen, extra: EXTRA });
        expect(gcc.ok, gcc.stderr).toBe(true);
        const d = compareTokens(outputTokens(renderGccE(mine.tokens), asm), outputTokens(gcc.out, asm));
        if (!d.identical) results.push(`${obj.source}: at token ${d.at}\n  kvlint: ${d.mine}\n  gcc:    ${d.theirs}`);
        n++;
      }
      fs.rmSync(dir, { recursive: true, force: true });
      fs.rmSync(gen, { recursive: true, force: true });
      expect(n).toBeGreaterThan(10);
      expect(results).toEqual([]);
    });
  }
});
