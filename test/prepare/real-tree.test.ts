import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultStages } from '../../src/engine/default-stages.js';
import { autoconfHeader, loadKconfig, resolveConfig } from '../../src/kconfig/index.js';
import { evalKbuild } from '../../src/kbuild/index.js';
import { KernelTree } from '../../src/tree/tree.js';
import { sedOffsets } from '../support/offsets.js';
import { cacheDir, LINUX_SKIP_REASON, linuxDir } from '../support/linux.js';

/**
 * The generated files kvlint synthesises for a pristine tree (src/prepare) against the ones a real
 * `make O=DIR ARCH=… <defconfig> prepare` wrote (scripts/cpp-oracle-prepare.sh; CI makes them with
 * scripts/cpp-ci-prepare.sh): every file of the prepare step byte-identical, except compile.h (build user, host and
 * linker are placeholders), the source path awk prints into mach-types.h (an O= build names the absolute source
 * tree) and the vDSO offsets (only a link knows them: every name is there, values are placeholders); bounds.h and
 * asm-offsets.h every #define name and value identical.
 */
const linux = linuxDir();
const REQUIRE = process.env.KVLINT_REQUIRE_LINUX === '1';
const oracle = (n: string) => path.join(cacheDir(), 'oracle', n);

const CASES = [
  { name: 'arm-multi_v7', arch: 'arm' },
  { name: 'arm-multi_v7-smp-n', arch: 'arm' },
  { name: 'x86_64-defconfig', arch: 'x86_64' },
  { name: 'arm64-defconfig', arch: 'arm64' },
  { name: 'riscv-defconfig', arch: 'riscv' },
];

function why(dir: string): string | undefined {
  if (!linux) return LINUX_SKIP_REASON;
  if (!fs.existsSync(path.join(dir, '.kvlint-prepared'))) return `no prepared oracle directory at ${dir}; run scripts/cpp-ci-prepare.sh`;
  return undefined;
}

/** every file the real prepare step wrote under the generated directories (kbuild's .cmd files and rustc_cfg aside) */
function oracleFiles(dir: string, srcarch: string): string[] {
  const out: string[] = [];
  const walk = (rel: string) => {
    const abs = path.join(dir, rel);
    if (!fs.existsSync(abs)) return;
    for (const e of fs.readdirSync(abs, { withFileTypes: true })) {
      const r = `${rel}/${e.name}`;
      if (e.isDirectory()) walk(r);
      else if (!e.name.startsWith('.') && e.name !== 'rustc_cfg' && e.name !== 'autoconf.h') out.push(r);
    }
  };
  walk('include/generated');
  walk(`arch/${srcarch}/include/generated`);
  return out.sort();
}

const defines = (t: string) => new Map([...t.matchAll(/^#define (\S+) (\S+)/gm)].map((m) => [m[1]!, m[2]!]));

describe('generated files of a pristine tree vs a real make prepare (real tree)', () => {
  for (const c of CASES) {
    const dir = oracle(c.name);
    const reason = why(dir);
    it.skipIf(reason !== undefined && !REQUIRE)(`${c.name}${reason ? ` (${reason})` : ''}`, () => {
      if (reason) throw new Error(reason);
      const tree = new KernelTree(linux!);
      const model = loadKconfig(tree, { arch: c.arch });
      const { config } = resolveConfig(model, { kind: 'file', path: path.join(dir, '.config') }, {});
      const { graph } = evalKbuild(tree, config);
      const prepared = defaultStages(tree).prepare!(tree, config, graph, autoconfHeader(model, config));
      const made = prepared.generated.files;
      const real = oracleFiles(dir, graph.top!.SRCARCH!);
      const report: string[] = [];
      let identical = 0;
      let defineMismatches = 0;
      for (const f of real) {
        const want = fs.readFileSync(path.join(dir, f), 'latin1').split(fs.realpathSync(linux!) + '/').join('');
        const got = made[f];
        if (got === undefined) {
          report.push(`missing ${f}`);
          continue;
        }
        if (/(^|\/)(bounds|asm-offsets)\.h$/.test(f)) {
          const a = defines(got);
          const b = defines(want);
          for (const [k, v] of b) if (a.get(k) !== v) defineMismatches++, report.push(`${f}: ${k} is ${a.get(k)}, real ${v}`);
          for (const k of a.keys()) if (!b.has(k)) defineMismatches++, report.push(`${f}: ${k} extra`);
          if (got === want) identical++;
        } else if (/vdso-offsets\.h$/.test(f)) {
          const a = defines(got);
          for (const k of defines(want).keys()) if (!a.has(k)) report.push(`${f}: ${k} missing`);
        } else if (f === 'include/generated/compile.h') {
          expect(defines(got).get('UTS_MACHINE')).toBe(defines(want).get('UTS_MACHINE'));
        } else if (got === want) identical++;
        else report.push(`differs ${f}`);
      }
      console.log(`${c.name}: ${real.length} generated files, ${identical} identical; ${defineMismatches} bounds/asm-offsets #define mismatches; gaps: ${prepared.gaps.join(' | ')}`);
      expect(report).toEqual([]);
      expect(prepared.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    });
  }
});

/**
 * The offsets headers a directory generates for its own assembler units (filechk_offsets of a .s compiled from the
 * directory's C file: arch/arm/mach-at91/pm_data-offsets.h, …) against sed-offsets of the .s kbuild's own single
 * target wrote in the prepared ARM directory (scripts/cpp-ci-prepare.sh makes them).
 */
describe('per-directory offsets headers of a pristine tree vs kbuild-compiled .s (real tree)', () => {
  const dir = oracle('arm-multi_v7');
  const reason = why(dir) ?? (fs.existsSync(path.join(dir, 'arch/arm/mach-at91/pm_data-offsets.s')) ? undefined : `no ${dir}/arch/arm/mach-at91/pm_data-offsets.s; run scripts/cpp-ci-prepare.sh`);
  it.skipIf(reason !== undefined && !REQUIRE)(`arm-multi_v7${reason ? ` (${reason})` : ''}`, () => {
    if (reason) throw new Error(reason);
    const tree = new KernelTree(linux!);
    const model = loadKconfig(tree, { arch: 'arm' });
    const { config } = resolveConfig(model, { kind: 'file', path: path.join(dir, '.config') }, {});
    const { graph } = evalKbuild(tree, config);
    const prepared = defaultStages(tree).prepare!(tree, config, graph, autoconfHeader(model, config));
    const rules = (graph.generated ?? []).filter((r) => r.kind === 'filechk' && r.name === 'offsets' && r.prereqs.some((p) => p.endsWith('.s')) && !r.target.startsWith('include/generated/'));
    expect(rules.map((r) => r.target).sort()).toEqual(['arch/arm/mach-at91/pm_data-offsets.h', 'arch/arm/mach-omap2/pm-asm-offsets.h', 'drivers/memory/ti-emif-asm-offsets.h']);
    for (const r of rules) {
      const s = r.prereqs.find((p) => p.endsWith('.s'))!;
      const want = sedOffsets(fs.readFileSync(path.join(dir, s), 'utf8'));
      const text = prepared.generated.files[r.target];
      expect(text, `${r.target} not synthesised`).toBeDefined();
      const lines = text!.split('\n');
      const got = lines.slice(lines.indexOf(' */') + 2, lines.lastIndexOf('#endif') - 1);
      expect(got, r.target).toEqual(want);
      expect(want.filter((l) => l.startsWith('#define')).length).toBeGreaterThan(5);
    }
    expect(prepared.diagnostics.filter((d) => d.code === 'B021')).toEqual([]);
  });
});
