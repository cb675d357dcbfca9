import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CppCache, preprocess, renderGccE } from '../../src/cpp/index.js';
import { predefinedFor } from '../../src/toolchain/predefined.js';
import { bundledProfiles } from '../../src/toolchain/profile.js';
import { KernelTree } from '../../src/tree/tree.js';
import { pristineView, runDiff, selectUnits, srctreeOf, summarize } from '../../scripts/cpp-diff.js';
import { cmdFileOf, oracleArgv, parseCmdFile } from '../../scripts/cpp-kbuild-cmd.js';
import { compareTokens, outputTokens } from '../../scripts/cpp-oracle.js';
import { cacheDir, LINUX_SKIP_REASON, linuxDir } from '../support/linux.js';

/**
 * Differential test against gcc -E on linux-source-6.1 (issue 4): every 4th unit of the committed 200-unit samples
 * (50 per arch) preprocessed by kvlint with kbuild's exact flags (from .cmd files) must equal gcc -E token for token.
 * The full samples run with scripts/cpp-diff.ts. Needs only what scripts/cpp-ci-prepare.sh creates on a fresh machine
 * (no kernel build): the oracle directories after `make … defconfig prepare` and kbuild's command line of each
 * sampled unit from `make <obj>.i` single targets there:
 *   ARM:       ~/.cache/kvlint/oracle/arm-multi_v7 (KVLINT_ARM_OBJTREE; a full build's objtree works too)
 *   x86_64:    ~/.cache/kvlint/oracle/x86_64-defconfig (KVLINT_X86_OBJTREE)
 *   ARM SMP=n: ~/.cache/kvlint/oracle/arm-multi_v7-smp-n (KVLINT_ARM_UP_OBJTREE), for the probe
 * Without them the tests skip, except under KVLINT_REQUIRE_LINUX=1 (CI), where they fail naming what is missing.
 * The "without an objtree" variants take nothing from the oracle directory but gcc's side: kvlint's own Kconfig,
 * Kbuild command lines and generated files (src/prepare), as on a pristine tree.
 */
const linux = linuxDir();
const REQUIRE = process.env.KVLINT_REQUIRE_LINUX === '1';
const oracle = (n: string) => path.join(cacheDir(), 'oracle', n);
const ARM = process.env.KVLINT_ARM_OBJTREE ?? oracle('arm-multi_v7');
const X86 = process.env.KVLINT_X86_OBJTREE ?? oracle('x86_64-defconfig');
const ARM_UP = process.env.KVLINT_ARM_UP_OBJTREE ?? oracle('arm-multi_v7-smp-n');
const data = (f: string) => path.join(__dirname, '..', 'data', 'cpp', f);
/** the ARM probe takes the command line of this module object of the multi_v7 build */
const PROBE_REF = 'drivers/bluetooth/btbcm.o';

/** the CI subset of a committed sample: every 4th listed object */
function ciObjects(list: string): string[] {
  const lines = fs.readFileSync(data(list), 'utf8').split('\n').filter((l) => l && !l.startsWith('#'));
  return lines.filter((_, i) => i % 4 === 0);
}

/** why the oracle directory cannot serve these objects, or undefined when it can */
function missing(objtree: string, what: string, objects: string[]): string | undefined {
  if (!linux) return LINUX_SKIP_REASON;
  if (!fs.existsSync(path.join(objtree, 'include/generated/autoconf.h'))) return `${what}: no prepared oracle directory at ${objtree}; run scripts/cpp-ci-prepare.sh`;
  const lost = objects.filter((o) => !cmdFileOf(objtree, o));
  if (lost.length) return `${what}: no kbuild command line in ${objtree} for ${lost.length} of ${objects.length} units (${lost.slice(0, 3).join(', ')}); run scripts/cpp-ci-prepare.sh`;
  return undefined;
}

/** skipped when preparation is missing, except under KVLINT_REQUIRE_LINUX=1, where the test runs and fails */
const skip = (why: string | undefined) => why !== undefined && !REQUIRE;
function ready(why: string | undefined): void {
  if (why) throw new Error(why);
}

function check(objtree: string, list: string, pristine = false) {
  const srctree = srctreeOf(objtree);
  const units = selectUnits(objtree, srctree, { objects: ciObjects(list) });
  expect(units).toHaveLength(50);
  const outcomes = runDiff({ objtree, srctree, units, pristine });
  const bad = outcomes.filter((o) => !o.identical || o.errors.length > 0 || o.gccFailed).map((o) => `${o.source}: ${o.diff ?? ''} ${o.errors.join(' | ')} ${o.gccFailed ?? ''}`);
  expect(bad, summarize(outcomes)).toEqual([]);
  // built-in and module objects (x86_64: 3 of the 50 are modules, ARM: 24), and every part of the tree the issue names
  expect(units.filter((u) => u.module).length).toBeGreaterThan(0);
  expect(units.filter((u) => !u.module).length).toBeGreaterThan(0);
  const dirs = new Set(units.map((u) => u.source.split('/')[0]));
  expect([...dirs].filter((d) => ['arch', 'drivers', 'fs', 'net', 'mm', 'kernel'].includes(d!)).length).toBeGreaterThanOrEqual(4);
}

describe.skipIf(!linux)('linux-source-6.1 against gcc -E', () => {
  const arm = missing(ARM, 'ARM multi_v7 oracle', ciObjects('arm-multi_v7.sample'));
  const x86 = missing(X86, 'x86_64 defconfig oracle', ciObjects('x86_64-defconfig.sample'));
  it.skipIf(skip(arm))('ARM multi_v7_defconfig: 50 units identical', () => (ready(arm), check(ARM, 'arm-multi_v7.sample')), 900_000);
  it.skipIf(skip(x86))('x86_64 defconfig: 50 units identical', () => (ready(x86), check(X86, 'x86_64-defconfig.sample')), 900_000);
  // a pristine tree: kvlint's own configuration, Kbuild commands and generated files (src/prepare), no objtree;
  // only gcc -E runs in the oracle directory
  it.skipIf(skip(arm))('ARM multi_v7_defconfig without an objtree: 50 units identical', () => (ready(arm), check(ARM, 'arm-multi_v7.sample', true)), 900_000);
  it.skipIf(skip(x86))('x86_64 defconfig without an objtree: 50 units identical', () => (ready(x86), check(X86, 'x86_64-defconfig.sample', true)), 900_000);

  // The founding case under the real headers: a module calling both flush functions.
  const PROBE = `/* kvlint probe: the zsmalloc calls of 2013 under Linux 6.1 headers */
#include <linux/module.h>
#include <linux/mm.h>
#include <asm/tlbflush.h>

void kvlint_probe_unmap(unsigned long addr, unsigned long end)
{
	local_flush_tlb_kernel_range(addr, end);
	flush_tlb_kernel_range(addr, end);
}
MODULE_LICENSE("Dual BSD/GPL");
`;
  const probeCases: [string, string, RegExp[], RegExp[]][] = [
    ['SMP=n', ARM_UP, [/v7wbi_flush_kern_tlb_range\(addr, ?end\);\s*v7wbi_flush_kern_tlb_range\(addr, ?end\);/], [/cpu_tlb\.flush_kern_range/]],
    ['SMP=y', ARM, [/cpu_tlb\.flush_kern_range\(addr, ?end\);\s*flush_tlb_kernel_range\(addr, ?end\);/], [/v7wbi_flush_kern_tlb_range\(addr/]],
  ];
  for (const [label, objtree, want, not] of probeCases) for (const pristine of [false, true]) {
    const why = missing(ARM, 'ARM multi_v7 oracle', [PROBE_REF]) ?? missing(objtree, `ARM ${label} oracle`, []);
    it.skipIf(skip(why))(`ARM probe, multi_v7 ${label}${pristine ? ' without an objtree' : ''}: identical to gcc`, () => {
      ready(why);
      const srctree = srctreeOf(objtree);
      // a module object's exact command line (drivers/bluetooth/btbcm.o of the multi_v7 build), with the probe as source
      const ref = parseCmdFile(fs.readFileSync(cmdFileOf(ARM, PROBE_REF)!, 'latin1'), objtree, srctree)!;
      expect(ref.module).toBe(true);
      const rel = 'drivers/bluetooth/kvlint-probe.c';
      const tree = new KernelTree(srctree).withOverlay(new Map([[rel, PROBE]]));
      const profile = bundledProfiles().find((p) => p.env.CC === 'arm-linux-gnueabihf-gcc')!;
      // without an objtree: kvlint's own configuration, command (the same object's, in the source tree) and generated files
      const view = pristine ? pristineView(new KernelTree(srctree), objtree) : undefined;
      const cmd = view ? view.cmdOf.get(PROBE_REF)! : ref.cmd;
      const pre = predefinedFor(profile, cmd);
      if (!pristine) expect(pre.exact).toBe(true);
      const autoconf = view ? view.autoconf : fs.readFileSync(path.join(objtree, 'include/generated/autoconf.h'), 'latin1');
      const r = view
        ? preprocess(tree, rel, { cmd, autoconf, generated: view.generated, predefined: pre.macros, attributes: pre.attributes, builtins: pre.builtins, cache: new CppCache(tree), srcPrefix: './' })
        : preprocess(tree, rel, { cmd, autoconf, predefined: pre.macros, attributes: pre.attributes, builtins: pre.builtins, cache: new CppCache(tree, [objtree]), extraRoots: [objtree], srcPrefix: srctree + '/' });
      expect(r.diagnostics).toEqual([]);
      const mine = renderGccE(r.tokens);
      const tail = mine.slice(mine.indexOf("kvlint_probe_unmap"));
      for (const w of want) expect(tail).toMatch(w);
      for (const n of not) expect(tail).not.toMatch(n);
      // gcc -E on the same text with the same command line
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kvlint-probe-'));
      const file = path.join(dir, 'kvlint-probe.c');
      fs.writeFileSync(file, PROBE);
      const argv = oracleArgv(ref).map((a) => (a.endsWith('drivers/bluetooth/btbcm.c') ? file : a));
      const g = spawnSync(argv[0]!, argv.slice(1), { cwd: objtree, encoding: 'latin1', maxBuffer: 1 << 30 });
      fs.rmSync(dir, { recursive: true, force: true });
      expect(g.status, g.stderr).toBe(0);
      const d = compareTokens(outputTokens(mine, false), outputTokens(g.stdout, false));
      expect(d.identical, `${d.mine}\n${d.theirs}`).toBe(true);
      if (label === 'SMP=n') {
        // the whole chain, as diagnostics print it
        let at = -1;
        for (let i = 0; i < r.tokens.length; i++) if (r.tokens.text(i) === 'v7wbi_flush_kern_tlb_range' && r.tokens.site(i).file === rel) at = i;
        const steps = r.tokens.trace(at).map((s) => `${s.kind} ${s.label.split(' ')[0]} ${s.span ? `${s.span.file}:${s.span.line}` : ''}`);
        expect(steps).toEqual([
          `use flush_tlb_kernel_range ${rel}:9`,
          'expand flush_tlb_kernel_range arch/arm/include/asm/tlbflush.h:606',
          'expand local_flush_tlb_kernel_range arch/arm/include/asm/tlbflush.h:598',
          'expand __cpu_flush_kern_tlb_range arch/arm/include/asm/tlbflush.h:224',
          'expand __glue arch/arm/include/asm/glue.h:20',
          'expand ____glue arch/arm/include/asm/glue.h:16',
          // the paste's left operand was spelt in `#  define _TLB v7wbi` (CONFIG_CPU_TLB_V7)
          'paste v7wbi arch/arm/include/asm/tlbflush.h:192',
          'expand _TLB arch/arm/include/asm/tlbflush.h:192',
        ]);
        expect(r.footprint.get('CONFIG_SMP')).toBeNull();
        expect(r.footprint.get('CONFIG_CPU_TLB_V7')).toBe('1');
      }
    }, 300_000);
  }
});

if (!linux) describe('linux-source-6.1 against gcc -E', () => it.skip(LINUX_SKIP_REASON, () => {}));
