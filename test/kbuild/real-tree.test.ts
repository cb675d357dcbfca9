import * as fs from 'node:fs';
import { globSync } from 'tinyglobby';
import { beforeAll, describe, expect, it } from 'vitest';
import { MakeEvaluator } from '../../src/kbuild/make/evaluator.js';
import { evalKbuild, type KbuildResult, parseDotConfig } from '../../src/kbuild/index.js';
import { srcarchOf } from '../../src/core/arch.js';
import { loadKconfig, resolveConfig } from '../../src/kconfig/index.js';
import { defaultProfile } from '../../src/toolchain/profile.js';
import { KernelTree } from '../../src/tree/tree.js';
import { LINUX_SKIP_REASON, linuxDir } from '../support/linux.js';
import { canonCommand, canonTruthFlags, compare, type Comparison, type GroundTruth, groundTruthSets, groups, loadGroundTruth } from './groundtruth.js';

/**
 * Kbuild on the real Linux 6.1 tree under ARM multi_v7_defconfig, compared with the real build's modules.order,
 * .mod files, vmlinux.a and .cmd files (test/data/arm-multi_v7, from scripts/ground-truth/extract.sh).
 *
 * The objtree path only names where generated headers would be (-I./include → <objtree>/include); nothing is read
 * from it, so any path works and the comparison writes objtree paths relative to it.
 */
const dir = linuxDir();
const OBJTREE = '/nonexistent/kvlint-objtree';

/**
 * Flags the real build has that kvlint does not produce, each with the reason (also in test/data/arm-multi_v7/README.md):
 * arch/arm/Makefile's stack_protector_prepare recipe runs `$(eval KBUILD_CFLAGS += -mstack-protector-guard=tls
 * -mstack-protector-guard-offset=$(shell awk … asm-offsets.h))` at build time; kvlint runs no recipe (reported as
 * B007). Neither flag changes a predefined macro (checked with gcc -dM -E in the known-gaps notes).
 */
const KNOWN_MISSING_FLAGS = [/^-mstack-protector-guard=(tls|sysreg)$/, /^-mstack-protector-guard-(offset=\d+|reg=\w+)$/];

describe.skipIf(!dir).each(groundTruthSets())(`kbuild on linux-source-6.1 vs the build in test/data/%s (${dir ? 'real tree' : LINUX_SKIP_REASON})`, (set) => {
  let truth: GroundTruth;
  let result: KbuildResult;
  let cmp: Comparison;
  let srcAbs: string[];

  beforeAll(() => {
    truth = loadGroundTruth(set);
    const tree = new KernelTree(dir!);
    srcAbs = [fs.realpathSync(dir!), tree.root];
    result = evalKbuild(tree, parseDotConfig(truth.config, truth.arch), { objtree: OBJTREE });
    cmp = compare(result.graph, truth, OBJTREE, srcAbs);
    console.log(
      `kbuild vs ${set}: ${result.stats.directories} directories in ${(result.stats.topSeconds + result.stats.walkSeconds).toFixed(2)} s; ` +
        `modules ${cmp.modules.ours}/${cmp.modules.truth} (missing ${cmp.modules.missing.length}, extra ${cmp.modules.extra.length}, member mismatches ${cmp.modules.memberMismatch.length}); ` +
        `built-in ${cmp.builtin.ours}/${cmp.builtin.truth} (missing ${cmp.builtin.missing.length}, extra ${cmp.builtin.extra.length}); ` +
        `flags: ${cmp.flags.compared} objects compared, ${cmp.flags.equal} identical, group mismatches ${JSON.stringify(cmp.flags.byGroup)}`,
    );
  });

  it('module list, order and members are identical to modules.order and the .mod files', () => {
    expect(cmp.modules.missing).toEqual([]);
    expect(cmp.modules.extra).toEqual([]);
    expect(cmp.modules.memberMismatch).toEqual([]);
    expect(result.graph.modules.map((m) => m.name)).toEqual(truth.modules);
  });

  it('built-in objects are exactly vmlinux.a, in its order', () => {
    expect(cmp.builtin.missing).toEqual([]);
    expect(cmp.builtin.extra).toEqual([]);
    expect(result.graph.builtin).toEqual(truth.vmlinux);
  });

  it('every linked object has a .cmd file, and -I/-include/-D/-U flags equal it exactly', () => {
    expect(cmp.flags.noTruth).toEqual([]);
    expect(cmp.flags.compared).toBe(compiledLinked(result));
    expect(cmp.flags.byGroup).toMatchObject({ I: 0, include: 0, D: 0 });
  });

  it('the other flags (-std, -m*, -f*, -O*) equal the .cmd files except the known recipe-time gap', () => {
    const diffs = new Map<string, number>();
    let gapSeen = false;
    for (const [p, o] of result.graph.objects) {
      const t = truth.flags.get(p);
      if (!t || (!o.builtin && !o.module)) continue;
      const ours = groups(canonCommand(o.cmd, OBJTREE, srcAbs)).other;
      const all = groups(canonTruthFlags(t.flags)).other;
      const real = all.filter((f) => !KNOWN_MISSING_FLAGS.some((re) => re.test(f)));
      if (real.length !== all.length) gapSeen = true;
      if (ours.join(' ') !== real.join(' ')) {
        const k = `ours-only [${ours.filter((x) => !real.includes(x)).join(' ')}] real-only [${real.filter((x) => !ours.includes(x)).join(' ')}]`;
        diffs.set(k, (diffs.get(k) ?? 0) + 1);
      }
    }
    expect(Object.fromEntries(diffs)).toEqual({});
    // where the gap occurs, it is reported where it comes from
    if (gapSeen) expect(result.diagnostics.filter((d) => d.code === 'B007').map((d) => d.primary.file)).toContain(`arch/${srcarchOf(truth.arch)}/Makefile`);
  });

  it('no make errors on the real tree; every toolchain probe answered by the profile', () => {
    expect(result.diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.code} ${d.primary.file}:${d.primary.line} ${d.message}`)).toEqual([]);
    expect([...result.stats.unanswered.keys()]).toEqual([]);
  });
});

/**
 * The pipeline as kvlint runs it: the Kconfig stage resolves multi_v7_defconfig itself, Kbuild evaluates under that;
 * the result must be the real build's too. SMP=n (the founding case's configuration) must drop the SMP objects.
 */
describe.skipIf(!dir || !defaultProfile('arm'))('Kconfig stage + Kbuild on linux-source-6.1 (ARM multi_v7_defconfig)', () => {
  it('resolveConfig(multi_v7_defconfig) → evalKbuild equals the real build; with SMP=n it equals the SMP=n dry run', () => {
    const truth = loadGroundTruth('arm-multi_v7');
    const tree = new KernelTree(dir!);
    const model = loadKconfig(tree, { arch: 'arm' });
    const base = { kind: 'defconfig', name: 'multi_v7_defconfig' } as const;
    const y = evalKbuild(tree, resolveConfig(model, base, {}).config, { objtree: OBJTREE });
    const c = compare(y.graph, truth, OBJTREE, [fs.realpathSync(dir!), tree.root]);
    expect([c.modules.missing, c.modules.extra, c.modules.memberMismatch, c.builtin.missing, c.builtin.extra]).toEqual([[], [], [], [], []]);
    expect(c.flags.byGroup).toMatchObject({ I: 0, include: 0, D: 0 });

    const n = evalKbuild(tree, resolveConfig(model, base, { SMP: 'n' }).config, { objtree: OBJTREE });
    // the dry-run oracle of the same configuration (make multi_v7_defconfig; scripts/config -d SMP; olddefconfig)
    const cn = compare(n.graph, loadGroundTruth('arm-multi_v7-smp_n'), OBJTREE, [fs.realpathSync(dir!), tree.root]);
    expect([cn.modules.missing, cn.modules.extra, cn.modules.memberMismatch, cn.builtin.missing, cn.builtin.extra]).toEqual([[], [], [], [], []]);
    expect(cn.flags.byGroup).toMatchObject({ I: 0, include: 0, D: 0 });
    expect(n.graph.builtin).not.toContain('arch/arm/kernel/smp_tlb.o');
    expect(n.graph.builtin).toContain('kernel/up.o');
    expect(n.graph.builtin).toContain('arch/arm/mm/tlb-v7.o');
    expect(n.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  });
});

describe.skipIf(!dir)('kbuild on linux-source-6.1 without an objtree (an in-tree build)', () => {
  it('same objects and modules; include paths tree-relative, as make in the source tree spells them', () => {
    const truth = loadGroundTruth('arm-multi_v7');
    const r = evalKbuild(new KernelTree(dir!), parseDotConfig(truth.config, 'arm'));
    expect(r.graph.builtin).toEqual(truth.vmlinux);
    expect(r.graph.modules.map((m) => m.name)).toEqual(truth.modules);
    const o = r.graph.objects.get('drivers/base/regmap/regmap.o')!;
    // LINUXINCLUDE in the source tree: -I$(srctree)/include only when building out of it; CFLAGS_regmap.o := -I$(src)
    expect(o.cmd.includes).toEqual([
      'arch/arm/include',
      'arch/arm/include/generated',
      'include',
      'arch/arm/include/uapi',
      'arch/arm/include/generated/uapi',
      'include/uapi',
      'include/generated/uapi',
      'drivers/base/regmap',
    ]);
    expect(o.cmd.forcedIncludes).toEqual(['include/linux/compiler-version.h', 'include/linux/kconfig.h', 'include/linux/compiler_types.h']);
  });
});

describe.skipIf(!dir)('the make evaluator reads every makefile of linux-source-6.1', () => {
  it('no syntax errors, no limits hit, no crash (each file alone, without context)', () => {
    const files = globSync(['**/Makefile', '**/Kbuild', '**/Makefile.*', '**/*.mk', '**/*.include'], { cwd: dir!, ignore: ['tools/**', 'Documentation/**'] });
    expect(files.length).toBeGreaterThan(2500);
    const bad: string[] = [];
    for (const f of files) {
      const ev = new MakeEvaluator({
        readMakefile: () => undefined,
        wildcard: () => [],
        report: (code, msg, span) => {
          if (code === 'B003' || code === 'B005') bad.push(`${code} ${span.file}:${span.line} ${msg}`);
        },
      });
      ev.define('obj', 'dir');
      ev.define('srctree', '.');
      ev.evalFile(fs.readFileSync(`${dir}/${f}`, 'latin1'), f);
    }
    expect(bad).toEqual([]);
  });
});

/** linked objects (built in, or module members) that are compiled, each counted once */
function compiledLinked(r: KbuildResult): number {
  const linked = new Set<string>(r.graph.builtin);
  for (const m of r.graph.modules) for (const o of m.objects) linked.add(o);
  return [...linked].filter((o) => r.graph.objects.get(o)?.derivedFrom === undefined).length;
}
