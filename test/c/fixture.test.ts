import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { extractFacts } from '../../src/c/index.js';
import type { UnitFacts } from '../../src/core/facts.js';
import type { BuiltObject, ObjectGraph } from '../../src/core/graph.js';
import { resolveLink } from '../../src/link/index.js';
import { defaultStages } from '../../src/engine/default-stages.js';
import { KernelTree, packageRoot } from '../../src/tree/tree.js';
import { gccE } from '../support/gcc-e.js';
import { cacheDir, haveCommand } from '../support/linux.js';
import { nm } from '../support/nm.js';

/**
 * The bundled fixture tree with the real cross compiler as oracle: every C unit is preprocessed with gcc -E
 * (kbuild's flags), its facts extracted, and compared with `nm` of the object gcc builds from it; then the
 * founding case is resolved: SMP=n makes zsmalloc.ko need the never-exported v7wbi_flush_kern_tlb_range, SMP=y
 * goes through the exported cpu_tlb.
 */
const GCC = 'arm-linux-gnueabihf-gcc';
const NM = 'arm-linux-gnueabihf-nm';
const tree = path.join(packageRoot(), 'fixtures/trees/zsmalloc-arm');
const have = haveCommand(GCC);

const COMMON = ['ARM', 'MMU', 'HAVE_SMP', 'HAVE_ARCH_PGTABLE', 'ARCH_MULTI_V7', 'CPU_V7', 'CPU_TLB_V7', 'MODULES', 'STAGING', 'BLOCK', 'SYSFS', 'SLAB'];
const CONFIGS: Record<string, { y: string[]; m: string[] }> = {
  'smp-y': { y: [...COMMON, 'SMP', 'SMP_ON_UP'], m: ['ZSMALLOC', 'ZRAM'] },
  'smp-n': { y: COMMON, m: ['ZSMALLOC', 'ZRAM'] },
};

interface U {
  object: string;
  module?: string;
  when?: (cfg: string) => boolean;
}
const UNITS: U[] = [
  { object: 'arch/arm/kernel/setup.o' },
  { object: 'arch/arm/kernel/smp_tlb.o', when: (c) => c === 'smp-y' },
  { object: 'arch/arm/kernel/armksyms.o' },
  { object: 'arch/arm/kernel/head.o' },
  { object: 'arch/arm/mm/init.o' },
  { object: 'arch/arm/mm/proc-syms.o' },
  { object: 'arch/arm/mm/tlb-v7.o' },
  { object: 'arch/arm/lib/memcpy.o' },
  { object: 'arch/arm/lib/memset.o' },
  { object: 'kernel/main.o' },
  { object: 'kernel/printk.o' },
  { object: 'mm/page_alloc.o' },
  { object: 'mm/vmalloc.o' },
  { object: 'mm/slab.o' },
  { object: 'drivers/staging/zsmalloc/zsmalloc-main.o', module: 'drivers/staging/zsmalloc/zsmalloc' },
  { object: 'drivers/staging/zram/zram_drv.o', module: 'drivers/staging/zram/zram' },
];

// the fixture Makefile's flags (no unwind tables, no stack protector: its vmlinux does not export their helpers)
const FLAGS = ['-fno-stack-protector'];

/** what the tree's prepare step generates for the configuration (wrappers, asm-offsets.h), written as an objtree has it */
function writeGenerated(out: string, cfg: string): void {
  const t = new KernelTree(tree);
  const stages = defaultStages(t);
  const model = stages.loadKconfig(t, 'arm');
  const { config } = stages.resolveConfig(model, { kind: 'defconfig', name: 'multi_v7_defconfig' }, { SMP: cfg === 'smp-y' ? 'y' : 'n' });
  const autoconf = stages.autoconf(model, config);
  const { graph } = stages.evalKbuild(t, config);
  for (const [rel, text] of Object.entries(stages.prepare!(t, config, graph, autoconf).generated.files)) {
    fs.mkdirSync(path.dirname(path.join(out, rel)), { recursive: true });
    fs.writeFileSync(path.join(out, rel), text);
  }
}

function build(cfg: string): { facts: Map<string, UnitFacts>; objDir: string } {
  const out = path.join(cacheDir(), 'oracle', `fixture-facts-${cfg}`);
  fs.mkdirSync(path.join(out, 'include/generated'), { recursive: true });
  writeGenerated(out, cfg);
  const { y, m } = CONFIGS[cfg]!;
  fs.writeFileSync(
    path.join(out, 'include/generated/autoconf.h'),
    [...y.map((s) => `#define CONFIG_${s} 1`), ...m.map((s) => `#define CONFIG_${s}_MODULE 1`), '#define CONFIG_NR_CPUS 4', ''].join('\n'),
  );
  const facts = new Map<string, UnitFacts>();
  for (const u of UNITS) {
    if (u.when && !u.when(cfg)) continue;
    const base = u.object.replace(/\.o$/, '');
    const source = fs.existsSync(path.join(tree, base + '.c')) ? base + '.c' : base + '.S';
    const asm = source.endsWith('.S');
    const args = [
      '-nostdinc', `-I${tree}/arch/arm/include`, `-I${out}/arch/arm/include/generated`, `-I${out}/include`, `-I${tree}/include`,
      '-include', `${tree}/include/linux/compiler-version.h`, '-include', `${tree}/include/linux/kconfig.h`,
      ...(asm ? ['-D__ASSEMBLY__'] : ['-include', `${tree}/include/linux/compiler_types.h`]),
      '-D__KERNEL__', '-D__LINUX_ARM_ARCH__=7', '-march=armv7-a', '-marm', '-mabi=aapcs-linux', '-msoft-float', '-O2',
      '-std=gnu11', '-fno-strict-aliasing', '-fno-common', '-fno-PIE', ...(asm ? [] : FLAGS),
      ...(u.module ? ['-DMODULE', `-DKBUILD_MODNAME="${path.basename(u.module)}"`] : [`-DKBUILD_MODNAME="${path.basename(base)}"`]),
    ];
    const ts = gccE(GCC, [...args, path.join(tree, source)], { cwd: tree, root: tree, asm });
    const f = extractFacts(ts, { object: u.object, source, language: asm ? 'assembler-with-cpp' : 'c', arch: 'arm', flags: FLAGS, ...(u.module ? { module: u.module } : {}) });
    facts.set(u.object, f);
    if (!asm) {
      const obj = path.join(out, u.object);
      fs.mkdirSync(path.dirname(obj), { recursive: true });
      execFileSync(GCC, [...args, '-w', '-c', '-o', obj, path.join(tree, source)], { cwd: tree, stdio: 'pipe' });
    }
  }
  return { facts, objDir: out };
}

function graphOf(cfg: string): ObjectGraph {
  const cmd = { includes: [], systemIncludes: [], defines: [], forcedIncludes: [], flags: [], language: 'c' as const };
  const objects = new Map<string, BuiltObject>();
  const builtin: string[] = [];
  const modules = new Map<string, string[]>();
  for (const u of UNITS) {
    if (u.when && !u.when(cfg)) continue;
    const lib = u.object.startsWith('arch/arm/lib/');
    objects.set(u.object, { path: u.object, builtin: !u.module, ...(lib ? { lib: true } : {}), ...(u.module ? { module: u.module } : {}), span: { file: 'Makefile', line: 1, col: 1 }, cmd });
    if (u.module) modules.set(u.module, [...(modules.get(u.module) ?? []), u.object]);
    else builtin.push(u.object);
  }
  return { arch: 'arm', objects, builtin, modules: [...modules].map(([name, objs]) => ({ name, objects: objs, span: { file: 'Makefile', line: 1, col: 1 } })) };
}

describe.skipIf(!have)(`fixture tree facts vs ${GCC} + nm`, () => {
  for (const cfg of Object.keys(CONFIGS)) {
    describe(cfg, () => {
      const { facts, objDir } = have ? build(cfg) : { facts: new Map<string, UnitFacts>(), objDir: '' };

      it('every C unit: undefined and global symbols equal nm of the compiled object', () => {
        for (const u of UNITS) {
          const f = facts.get(u.object);
          if (!f || f.source.endsWith('.S')) continue;
          const real = nm(NM, path.join(objDir, u.object));
          expect(f.refs.map((r) => r.name).sort(), `${u.object} undefined`).toEqual([...real.undefined.keys()].sort());
          expect(f.defs.filter((d) => d.binding !== 'local').map((d) => d.name).sort(), `${u.object} globals`).toEqual([...real.defined.keys()].sort());
        }
      });

      it('asm units: ENTRY() definitions, global and never exported', () => {
        const tlb = facts.get('arch/arm/mm/tlb-v7.o')!;
        expect(tlb.defs.filter((d) => d.binding === 'global').map((d) => d.name).sort()).toEqual([
          'v7wbi_flush_kern_tlb_range',
          'v7wbi_flush_user_tlb_range',
          'v7wbi_tlb_fns',
        ]);
        expect(tlb.exports).toEqual([]);
        expect(facts.get('arch/arm/kernel/head.o')!.refs.map((r) => r.name)).toEqual(['start_kernel']);
      });

      it('exports and licenses', () => {
        expect(facts.get('arch/arm/kernel/armksyms.o')!.exports.map((x) => x.name)).toEqual(['memcpy', 'memset']);
        const zs = facts.get('drivers/staging/zsmalloc/zsmalloc-main.o')!;
        expect(zs.exports.every((x) => x.gpl)).toBe(true);
        expect(zs.license?.value).toBe('Dual BSD/GPL');
        expect(facts.get('arch/arm/mm/proc-syms.o')!.exports.map((x) => x.name)).toEqual(cfg === 'smp-y' ? ['cpu_tlb'] : []);
      });

      it(cfg === 'smp-n' ? 'zsmalloc.ko needs v7wbi_flush_kern_tlb_range, defined by tlb-v7.S and never exported' : 'zsmalloc.ko links (cpu_tlb is exported under MULTI_TLB)', () => {
        const link = resolveLink(graphOf(cfg), facts);
        const zs = link.modules.find((m) => m.name === 'drivers/staging/zsmalloc/zsmalloc')!;
        const bad = zs.refs.filter((r) => r.status !== 'exported').map((r) => [r.symbol, r.status]);
        if (cfg === 'smp-n') {
          expect(bad).toEqual([['v7wbi_flush_kern_tlb_range', 'defined-unexported']]);
          const ref = zs.refs.find((r) => r.symbol === 'v7wbi_flush_kern_tlb_range')!;
          expect(ref.definition).toMatchObject({ object: 'arch/arm/mm/tlb-v7.o', provider: 'vmlinux' });
          expect(ref.uses[0]!.span.file).toBe('drivers/staging/zsmalloc/zsmalloc-main.c');
        } else {
          expect(bad).toEqual([]);
          expect(zs.refs.find((r) => r.symbol === 'cpu_tlb')?.export?.provider).toBe('vmlinux');
        }
        // zram.ko uses zsmalloc's GPL exports (module to module)
        const zram = link.modules.find((m) => m.name === 'drivers/staging/zram/zram')!;
        expect(zram.refs.filter((r) => r.symbol.startsWith('zs_')).every((r) => r.status === 'exported' && r.export?.provider === 'drivers/staging/zsmalloc/zsmalloc')).toBe(true);
      });
    });
  }
});
