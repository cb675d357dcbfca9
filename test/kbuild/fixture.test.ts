import { describe, expect, it } from 'vitest';
import { evalKbuild, kbuildProfileFrom, parseDotConfig } from '../../src/kbuild/index.js';
import { bundledTreePath, KernelTree } from '../../src/tree/tree.js';

const tree = new KernelTree(bundledTreePath());

function run(values: Record<string, string>) {
  const text = Object.entries(values)
    .map(([k, v]) => (v === 'n' ? `# CONFIG_${k} is not set` : `CONFIG_${k}=${v}`))
    .join('\n');
  return evalKbuild(tree, parseDotConfig(text, 'arm'));
}

/** a minimal in-memory kernel tree: top Makefile with kbuild's module flags, top Kbuild descending into d/ */
function memTree(extra: Record<string, string>): KernelTree {
  return KernelTree.fromFiles({
    Makefile: 'KBUILD_CPPFLAGS := -D__KERNEL__\nKBUILD_CFLAGS := -O2\nKBUILD_CFLAGS_MODULE := -DMODULE\nKBUILD_AFLAGS_MODULE := -DMODULE\n',
    Kbuild: 'obj-y += d/\n',
    ...extra,
  });
}

const BASE = { ARM: 'y', MMU: 'y', MODULES: 'y', ARCH_MULTI_V7: 'y', CPU_V7: 'y', CPU_TLB_V7: 'y', STAGING: 'y', ZSMALLOC: 'm', SMP: 'y' };

describe('kbuild on the bundled zsmalloc-arm tree', () => {
  it('ZSMALLOC=m: a module with its composite member, built with -DMODULE and KBUILD_MODNAME', () => {
    const { graph, diagnostics } = run(BASE);
    expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(graph.modules.map((m) => [m.name, m.objects])).toEqual([
      ['drivers/staging/zsmalloc/zsmalloc', ['drivers/staging/zsmalloc/zsmalloc-main.o']],
    ]);
    const o = graph.objects.get('drivers/staging/zsmalloc/zsmalloc-main.o')!;
    expect(o.module).toBe('drivers/staging/zsmalloc/zsmalloc');
    expect(o.builtin).toBe(false);
    expect(o.source).toBe('drivers/staging/zsmalloc/zsmalloc-main.c');
    expect(o.span).toMatchObject({ file: 'drivers/staging/zsmalloc/Makefile', line: 1 });
    expect(o.cmd.defines).toContainEqual(['MODULE', '1']);
    expect(o.cmd.defines).toContainEqual(['KBUILD_MODNAME', '"zsmalloc"']);
    expect(o.cmd.defines).toContainEqual(['KBUILD_BASENAME', '"zsmalloc_main"']);
    expect(o.cmd.defines).toContainEqual(['__LINUX_ARM_ARCH__', '7']);
    expect(o.cmd.flags).toContain('-march=armv7-a');
    // kbuild's include order, and the forced includes of a C object
    expect(o.cmd.includes.slice(0, 3)).toEqual(['arch/arm/include', 'arch/arm/include/generated', 'include']);
    expect(o.cmd.forcedIncludes).toEqual(['include/linux/compiler-version.h', 'include/linux/kconfig.h', 'include/linux/compiler_types.h']);
    expect(o.cmd.language).toBe('c');
  });

  it('ZSMALLOC=y: built in, no -DMODULE, KBUILD_MODNAME of the composite', () => {
    const { graph } = run({ ...BASE, ZSMALLOC: 'y' });
    expect(graph.modules).toEqual([]);
    const o = graph.objects.get('drivers/staging/zsmalloc/zsmalloc-main.o')!;
    expect(o.builtin).toBe(true);
    expect(o.module).toBeUndefined();
    expect(o.cmd.defines.map((d) => d[0])).not.toContain('MODULE');
    expect(o.cmd.defines).toContainEqual(['KBUILD_MODNAME', '"zsmalloc"']);
    expect(o.cmd.defines).toContainEqual(['KBUILD_MODFILE', '"drivers/staging/zsmalloc/zsmalloc"']);
    expect(graph.builtin).toContain('drivers/staging/zsmalloc/zsmalloc-main.o');
  });

  it('SMP decides smp_tlb.o, CPU_TLB_V7 decides tlb-v7.o, MODULES decides proc-syms.o', () => {
    const on = run(BASE).graph;
    expect(on.builtin).toContain('arch/arm/kernel/smp_tlb.o');
    expect(on.builtin).toContain('arch/arm/mm/tlb-v7.o');
    expect(on.builtin).toContain('arch/arm/mm/proc-syms.o');
    const off = run({ ...BASE, SMP: 'n', CPU_TLB_V7: 'n', MODULES: 'n', ZSMALLOC: 'y' }).graph;
    expect(off.builtin).not.toContain('arch/arm/kernel/smp_tlb.o');
    expect(off.builtin).not.toContain('arch/arm/mm/tlb-v7.o');
    expect(off.builtin).not.toContain('arch/arm/mm/proc-syms.o');
    expect(off.objects.has('arch/arm/kernel/smp_tlb.o')).toBe(false);
  });

  it('asm objects: assembler-with-cpp, -D__ASSEMBLY__, no compiler_types.h, no KBUILD_MODNAME', () => {
    const o = run(BASE).graph.objects.get('arch/arm/mm/tlb-v7.o')!;
    expect(o.source).toBe('arch/arm/mm/tlb-v7.S');
    expect(o.cmd.language).toBe('assembler-with-cpp');
    expect(o.cmd.defines).toContainEqual(['__ASSEMBLY__', '1']);
    expect(o.cmd.defines).toContainEqual(['__LINUX_ARM_ARCH__', '7']);
    expect(o.cmd.forcedIncludes).not.toContain('include/linux/compiler_types.h');
    expect(o.cmd.defines.map((d) => d[0])).not.toContain('KBUILD_MODNAME');
  });

  it('head objects first, lib-y objects of libs-y directories linked, mmu-y variable lists', () => {
    const { graph } = run(BASE);
    expect(graph.builtin[0]).toBe('arch/arm/kernel/head.o');
    expect(graph.objects.get('arch/arm/lib/memcpy.o')).toMatchObject({ builtin: true, lib: true });
    expect(graph.builtin).toContain('mm/vmalloc.o');
    expect(graph.builtin).not.toContain('mm/nommu.o');
    const nommu = run({ ...BASE, MMU: 'n' }).graph;
    expect(nommu.builtin).toContain('mm/nommu.o');
    expect(nommu.builtin).not.toContain('mm/vmalloc.o');
  });

  it('ZRAM=m adds a second module in modules.order order', () => {
    const { graph } = run({ ...BASE, ZRAM: 'm' });
    expect(graph.modules.map((m) => m.name)).toEqual(['drivers/staging/zsmalloc/zsmalloc', 'drivers/staging/zram/zram']);
  });
});

describe('kbuild on in-memory trees', () => {
  const files = (extra: Record<string, string>) =>
    KernelTree.fromFiles({
      Makefile: 'KBUILD_CPPFLAGS := -D__KERNEL__\nKBUILD_CFLAGS := -O2\nKBUILD_CFLAGS_MODULE := -DMODULE\nKBUILD_AFLAGS_MODULE := -DMODULE\n',
      Kbuild: 'obj-y += d/\n',
      ...extra,
    });
  const cfg = (t: string) => parseDotConfig(t, 'arm');

  it('a 3.x–5.x top Makefile (no root Kbuild): the directories of vmlinux-dirs, after init-y/core-y/libs-y became dir/built-in.o and dir/lib.a; an archive an arch appends ($(objtree)/…/lib.a) is no directory to descend into', () => {
    const tree = KernelTree.fromFiles({
      Makefile: [
        'KBUILD_CPPFLAGS := -D__KERNEL__',
        'init-y := init/',
        'core-y := kernel/',
        'libs-y := lib/',
        'libs-y += $(objtree)/stub/lib.a',
        'vmlinux-dirs := $(patsubst %/,%,$(filter %/, $(init-y) $(core-y) $(libs-y)))',
        'init-y := $(patsubst %/, %/built-in.o, $(init-y))',
        'core-y := $(patsubst %/, %/built-in.o, $(core-y))',
        'libs-y := $(patsubst %/, %/lib.a, $(libs-y)) $(patsubst %/, %/built-in.o, $(filter %/, $(libs-y)))',
        '',
      ].join('\n'),
      'init/Makefile': 'obj-y := main.o\n',
      'init/main.c': '',
      'kernel/Makefile': 'obj-y := fork.o\n',
      'kernel/fork.c': '',
      'lib/Makefile': 'lib-y := sort.o\nobj-y := bug.o\n',
      'lib/sort.c': '',
      'lib/bug.c': '',
      'stub/Makefile': 'lib-y := efi.o\n',
      'stub/efi.c': '',
    });
    const { graph, stats } = evalKbuild(tree, cfg(''));
    expect(stats.directories).toBe(3);
    expect([...graph.objects.keys()].sort()).toEqual(['init/main.o', 'kernel/fork.o', 'lib/bug.o', 'lib/sort.o']);
    expect(graph.builtin).toEqual(expect.arrayContaining(['init/main.o', 'kernel/fork.o', 'lib/bug.o']));
  });

  it('ccflags-y, subdir-ccflags-y (inherited), CFLAGS_foo.o, ccflags-remove-y, CFLAGS_REMOVE_foo.o, target-specific', () => {
    const tree = files({
      'd/Makefile': [
        'ccflags-y := -DDIR -DGONE',
        'subdir-ccflags-y := -DSUB',
        'ccflags-remove-y := -DGONE',
        'CFLAGS_a.o := -DONLY_A',
        'CFLAGS_REMOVE_b.o := -O2',
        'obj-y := a.o b.o e/',
        '$(obj)/b.o: ccflags-y += -DTARGET_B',
      ].join('\n'),
      'd/a.c': '',
      'd/b.c': '',
      'd/e/Makefile': 'obj-y := c.o\n',
      'd/e/c.c': '',
    });
    const { graph } = evalKbuild(tree, cfg(''));
    const defs = (p: string) => graph.objects.get(p)!.cmd.defines.map((d) => d[0]);
    expect(defs('d/a.o')).toEqual(['__KERNEL__', 'SUB', 'DIR', 'ONLY_A', 'KBUILD_MODFILE', 'KBUILD_BASENAME', 'KBUILD_MODNAME', '__KBUILD_MODNAME']);
    expect(defs('d/b.o')).toContain('TARGET_B');
    expect(graph.objects.get('d/b.o')!.cmd.flags).not.toContain('-O2');
    expect(graph.objects.get('d/a.o')!.cmd.flags).toContain('-O2');
    // subdir-ccflags-y reaches the subdirectory, ccflags-y does not
    expect(defs('d/e/c.o')).toContain('SUB');
    expect(defs('d/e/c.o')).not.toContain('DIR');
    expect(graph.builtin).toEqual(['d/a.o', 'd/b.o', 'd/e/c.o']);
  });

  it('foo-objs and foo-$(CONFIG_X) composites; obj-m filtered by obj-y; ifeq on config', () => {
    const tree = files({
      'd/Makefile': [
        'foo-objs := f1.o',
        'foo-$(CONFIG_EXTRA) += f2.o',
        'obj-m += foo.o',
        'ifeq ($(CONFIG_BAR),y)',
        'obj-y += bar.o',
        'endif',
        'obj-m += bar.o',
      ].join('\n'),
      'd/f1.c': '',
      'd/f2.S': '',
      'd/bar.c': '',
    });
    const a = evalKbuild(tree, cfg('CONFIG_EXTRA=y\nCONFIG_BAR=y')).graph;
    expect(a.modules.map((m) => [m.name, m.objects])).toEqual([['d/foo', ['d/f1.o', 'd/f2.o']]]);
    expect(a.objects.get('d/f2.o')!.cmd.language).toBe('assembler-with-cpp');
    expect(a.objects.get('d/f2.o')!.cmd.defines).toContainEqual(['MODULE', '1']);
    expect(a.builtin).toEqual(['d/bar.o']);
    const b = evalKbuild(tree, cfg('')).graph;
    expect(b.modules.map((m) => [m.name, m.objects])).toEqual([
      ['d/foo', ['d/f1.o']],
      ['d/bar', ['d/bar.o']],
    ]);
  });

  it('obj-y of a directory reached only through obj-m is not built (B011)', () => {
    const tree = files({
      'd/Makefile': 'obj-m += m/\n',
      'd/m/Makefile': 'obj-y += lost.o\nobj-m += kept.o\n',
      'd/m/lost.c': '',
      'd/m/kept.c': '',
    });
    const r = evalKbuild(tree, cfg(''));
    expect(r.graph.objects.has('d/m/lost.o')).toBe(false);
    expect(r.graph.modules.map((m) => m.name)).toEqual(['d/m/kept']);
    expect(r.diagnostics.map((d) => d.code)).toContain('B011');
  });

  it('a missing subdirectory Makefile and an object without source are reported with file:line', () => {
    const tree = files({ 'd/Makefile': 'obj-y += x.o\nobj-y += nowhere/\n' });
    const r = evalKbuild(tree, cfg(''));
    const got = r.diagnostics.map((d) => `${d.code} ${d.primary.file}:${d.primary.line}`);
    expect(got).toContain('B012 d/Makefile:2');
    expect(got).toContain('B010 d/Makefile:1');
  });

  it('sources from pattern rules: lib-%.o from another directory, %.stub.o derived from an object (shortest stem), generated %-core.S', () => {
    const tree = files({
      'd/Makefile': [
        'lib-y := lib-cmdline.o plain.o',
        'extra-y := $(lib-y)',
        'lib-y := $(patsubst %.o,%.stub.o,$(lib-y))',
        '$(obj)/lib-%.o: $(srctree)/lib/%.c FORCE',
        '\t$(call if_changed_rule,cc_o_c)',
        '$(obj)/%.stub.o: $(obj)/%.o FORCE',
        '\t$(call if_changed,stubcopy)',
        'obj-y += sha-core.o',
        '$(obj)/%-core.S: $(src)/%-armv4.pl',
        '\t$(call cmd,perl)',
      ].join('\n'),
      'd/plain.c': '',
      'd/sha-armv4.pl': '',
      'lib/cmdline.c': '',
    });
    const r = evalKbuild(tree, cfg(''));
    const g = r.graph.objects;
    expect(g.get('d/lib-cmdline.o')).toMatchObject({ source: 'lib/cmdline.c' });
    expect(g.get('d/lib-cmdline.stub.o')).toMatchObject({ derivedFrom: 'd/lib-cmdline.o' });
    expect(g.get('d/plain.stub.o')).toMatchObject({ derivedFrom: 'd/plain.o' });
    expect(g.get('d/sha-core.o')!.source).toBeUndefined();
    expect(g.get('d/sha-core.o')!.cmd.language).toBe('assembler-with-cpp');
    expect(r.diagnostics.find((d) => d.code === 'B010')?.message).toContain('d/sha-core.S');
  });

  it('objects named through ../ get normalised paths; head objects from scripts/head-object-list.txt come first', () => {
    const tree = files({
      'scripts/head-object-list.txt': '# heads\nd/head.o\n',
      'd/Makefile': 'obj-y := a.o ../e/b.o head.o\n',
      'd/a.c': '',
      'd/head.S': '',
      'e/b.c': '',
    });
    const { graph } = evalKbuild(tree, cfg(''));
    expect(graph.builtin).toEqual(['d/head.o', 'd/a.o', 'e/b.o']);
    // flags are those of the directory that names the object (kbuild: $(obj)/$(basetarget))
    expect(graph.objects.get('e/b.o')!.cmd.defines).toContainEqual(['KBUILD_MODFILE', '"d/b"']);
  });

  it('a recipe that changes variables with $(eval) is reported (B007), not run', () => {
    const tree = files({
      'Makefile': 'KBUILD_CFLAGS := -O2\nprepare: x\n\t$(eval KBUILD_CFLAGS += -DLATE)\n',
      'd/Makefile': 'obj-y := a.o\n',
      'd/a.c': '',
    });
    const r = evalKbuild(tree, cfg(''));
    expect(r.graph.objects.get('d/a.o')!.cmd.defines.map((d) => d[0])).not.toContain('LATE');
    expect(r.diagnostics.map((d) => `${d.code} ${d.primary.file}:${d.primary.line}`)).toContain('B007 Makefile:3');
  });
});

describe('toolchain profiles for Kbuild', () => {
  const file = (extra: Record<string, unknown>) => ({
    format: 1 as const,
    name: 'test-gcc',
    kind: 'gcc' as const,
    version: '12.2.0',
    target: 'arm-linux-gnueabihf',
    env: { CROSS_COMPILE: 'arm-linux-gnueabihf-' },
    ...extra,
  });
  const tree = KernelTree.fromFiles({
    Makefile:
      'include scripts/Makefile.compiler\nKBUILD_CFLAGS := -O2 $(call cc-option,-fgood) $(call cc-option,-fbad,-ffallback) $(call undefined-helper,-fx)\n' +
      'KBUILD_CFLAGS += $(call try-run,echo x | $(CC) -S -x c -,,-DNO_K)\n',
    'scripts/Makefile.compiler': 'cc-option = $(shell run-the-compiler $(1))\ntry-run = $(shell if ($(1)); then echo "$(2)"; else echo "$(3)"; fi)\n',
    // a helper the tree does not define expands to nothing, as in make
    Kbuild: 'obj-y += d/\n',
    'd/Makefile': 'obj-y := a.o\n',
    'd/a.c': '',
  });
  it('answers cc-option from the profile file\'s own kbuild section', () => {
    const p = kbuildProfileFrom(file({ kbuild: { cc: { '-fgood': true, '-fbad': false }, run: { 'echo x | -S -x c -': false } } }));
    const r = evalKbuild(tree, parseDotConfig('', 'arm'), { profile: p });
    expect(r.graph.objects.get('d/a.o')!.cmd.flags).toEqual(['-O2', '-fgood', '-ffallback']);
    expect(r.graph.objects.get('d/a.o')!.cmd.defines).toContainEqual(['NO_K', '1']);
    expect(r.diagnostics.filter((d) => d.code === 'B006' || d.code === 'B001')).toEqual([]);
  });
  it('an unanswered probe is reported (B006) and taken as unsupported; nothing is run', () => {
    const p = kbuildProfileFrom(file({ version: '99.1', kbuild: undefined }));
    const r = evalKbuild(tree, parseDotConfig('', 'arm'), { profile: p });
    expect(r.graph.objects.get('d/a.o')!.cmd.flags).toEqual(['-O2', '-ffallback']);
    expect(r.diagnostics.filter((d) => d.code === 'B006').map((d) => d.primary)).toEqual([
      { file: 'Makefile', line: 2, col: 1 },
      { file: 'Makefile', line: 2, col: 1 },
      { file: 'Makefile', line: 3, col: 1 },
    ]);
  });

  it('an object compiled by a pattern rule of the kbuild file gets KBUILD_MODNAME from $* (kbuild quirk: aes-glue-%.o)', () => {
    const tree = memTree({
      'd/Makefile': [
        'obj-m += blk.o',
        'blk-y := glue-ce.o other.o',
        '$(obj)/glue-%.o: $(src)/glue.c FORCE',
        '\t$(call if_changed_rule,cc_o_c)',
      ].join('\n'),
      'd/glue.c': '',
      'd/other.c': '',
    });
    const { graph } = evalKbuild(tree, parseDotConfig('', 'arm'), { objtree: '/o' });
    // kbuild looks the composite up with $(filter $*.o, …): $* is "ce" here, so the object is not found in blk-y
    expect(graph.objects.get('d/glue-ce.o')).toMatchObject({ source: 'd/glue.c', module: 'd/blk' });
    expect(graph.objects.get('d/glue-ce.o')!.cmd.defines).toContainEqual(['KBUILD_MODNAME', '"glue_ce"']);
    expect(graph.objects.get('d/other.o')!.cmd.defines).toContainEqual(['KBUILD_MODNAME', '"blk"']);
  });

  it('$(shell) of a compiler query is answered by the profile, other $(shell) is reported (B001)', () => {
    const tree = memTree({
      'd/Makefile': 'obj-y := a.o\nCFLAGS_a.o := -isystem $(shell $(CC) -print-file-name=include) -DX=$(shell date)\n',
      'd/a.c': '',
    });
    const profile = kbuildProfileFrom({
      format: 1,
      name: 't',
      kind: 'gcc',
      version: '12.2.0',
      target: 't',
      env: { CROSS_COMPILE: '' },
      kbuild: { shell: { '-print-file-name=include': '/usr/lib/gcc/x/12/include' } },
    });
    const r = evalKbuild(tree, parseDotConfig('', 'arm'), { profile });
    expect(r.graph.objects.get('d/a.o')!.cmd.systemIncludes).toEqual(['/usr/lib/gcc/x/12/include']);
    expect(r.diagnostics.filter((d) => d.code === 'B001').map((d) => `${d.primary.file}:${d.primary.line} ${d.message}`)).toEqual([
      'd/Makefile:2 $(shell date) not executed; its value is taken as empty',
    ]);
  });
});

