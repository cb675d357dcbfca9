/**
 * What it costs to have a pristine tree's generated files: kvlint's prepare stage (src/prepare, with the prepare
 * rules found by src/kbuild) against a real `make O=DIR ARCH=… prepare` of the same configuration, measured in the
 * same run on the same machine.
 *
 *   scripts/ground-truth/run-ts.sh bench/prepare.ts [--linux DIR] [--runs N] [arm|x86_64|arm64|riscv …]
 *
 * For each configuration: kvlint (Kconfig resolution and the Kbuild walk are outside the timed part; the prepare
 * stage is timed cold, in a fresh stage set, then warm) and the real make (`<defconfig>` first, untimed, then
 * `prepare` timed, -j2). The real make needs the cross compilers (scripts/get-linux.sh --toolchains); its O=
 * directories are temporary and the source tree is only read. Prints one row per configuration.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { defaultStages } from '../src/engine/default-stages.js';
import { KernelTree } from '../src/tree/tree.js';

const CONFIGS: Record<string, { arch: string; defconfig: string; cross: string }> = {
  arm: { arch: 'arm', defconfig: 'multi_v7_defconfig', cross: 'arm-linux-gnueabihf-' },
  x86_64: { arch: 'x86_64', defconfig: 'x86_64_defconfig', cross: '' },
  arm64: { arch: 'arm64', defconfig: 'defconfig', cross: 'aarch64-linux-gnu-' },
  riscv: { arch: 'riscv', defconfig: 'defconfig', cross: 'riscv64-linux-gnu-' },
};

function main(args: string[]): number {
  const opt = (n: string) => (args.includes(n) ? args[args.indexOf(n) + 1] : undefined);
  const linux = opt('--linux') ?? path.join(process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache'), 'kvlint', 'linux-source-6.1');
  const runs = Number(opt('--runs') ?? 3);
  const names = args.filter((a, i) => !a.startsWith('--') && !(i > 0 && args[i - 1]!.startsWith('--')));
  const tree = new KernelTree(linux);
  const rows: string[] = [];
  for (const name of names.length ? names : Object.keys(CONFIGS)) {
    const c = CONFIGS[name];
    if (!c) throw new Error(`unknown configuration ${name}`);
    // kvlint: configuration and Kbuild graph first (not timed), then the prepare stage
    const setup = defaultStages(tree);
    const model = setup.loadKconfig(tree, c.arch);
    const { config } = setup.resolveConfig(model, { kind: 'defconfig', name: c.defconfig }, {});
    const autoconf = setup.autoconf(model, config);
    const { graph } = setup.evalKbuild(tree, config);
    const times: number[] = [];
    let files = 0;
    let warm = 0;
    for (let r = 0; r < runs; r++) {
      const stages = defaultStages(tree);
      const t0 = performance.now();
      const out = stages.prepare!(tree, config, graph, autoconf);
      times.push(performance.now() - t0);
      files = Object.keys(out.generated.files).length;
      const t1 = performance.now();
      stages.prepare!(tree, config, graph, autoconf);
      warm = performance.now() - t1;
    }
    // the real make prepare in a temporary O= directory
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'kvlint-bench-prepare-'));
    const make = (goal: string, jobs: string[] = []) =>
      spawnSync('make', ['-s', '-C', linux, `O=${out}`, `ARCH=${c.arch}`, ...(c.cross ? [`CROSS_COMPILE=${c.cross}`] : []), ...jobs, goal], { encoding: 'utf8' });
    let real = NaN;
    const d = make(c.defconfig);
    if (d.status === 0) {
      const t0 = performance.now();
      const p = make('prepare', ['-j2']);
      real = p.status === 0 ? performance.now() - t0 : NaN;
      if (p.status !== 0) process.stderr.write(`${name}: make prepare failed: ${p.stderr.split('\n').slice(-3).join(' | ')}\n`);
    } else process.stderr.write(`${name}: make ${c.defconfig} failed (cross compiler installed?)\n`);
    fs.rmSync(out, { recursive: true, force: true });
    const best = Math.min(...times);
    const med = [...times].sort((a, b) => a - b)[Math.floor(times.length / 2)]!;
    rows.push(
      `${name.padEnd(7)} ${String(files).padStart(5)} files  kvlint cold ${(med / 1000).toFixed(2)} s (best ${(best / 1000).toFixed(2)}), again in-process ${(warm / 1000).toFixed(2)} s` +
        `  |  make prepare ${(real / 1000).toFixed(1)} s  |  ratio ${(med / real).toFixed(3)}`,
    );
    process.stdout.write(rows[rows.length - 1] + '\n');
  }
  return 0;
}

process.exitCode = main(process.argv.slice(2));
