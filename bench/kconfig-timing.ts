/**
 * Timing: parse + olddefconfig of arm multi_v7_defconfig and x86 x86_64_defconfig, kvlint next to the kernel's
 * own conf measured in the same run (median of N runs each).
 *   - kvlint cold: a fresh `node` process that loads kvlint, parses Kconfig and resolves the .config (what a
 *     `kvlint config` invocation costs, node start-up included);
 *   - kvlint warm: the same inside one process after a first run (what the engine pays per extra arch/config);
 *   - conf: `scripts/kconfig/conf --olddefconfig Kconfig` in the oracle O= directory, same .config, same env.
 * Target (issue 3): under 1 s and within 3x of conf.
 *
 *   bench/kconfig.sh bench/kconfig-timing.ts [--runs N] [LINUX_DIR]
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { KernelTree } from '../src/tree/tree.js';
import { kernelVersion, loadKconfig, runConf, runMakeTargets } from '../src/kconfig/index.js';
import { CROSS, oracleBuildDir, runOracle } from '../test/kconfig/oracle.js';

const argv = process.argv.slice(2);
const runsAt = argv.indexOf('--runs');
const runs = runsAt >= 0 ? Number(argv.splice(runsAt, 2)[1]) : 7;
const childAt = argv.indexOf('--child');
const positional = childAt >= 0 ? argv.slice(childAt + 4) : argv.filter((a) => !a.startsWith('--'));
const linux = positional[0] ?? process.env.KVLINT_LINUX_DIR ?? path.join(process.env.HOME ?? '', '.cache/kvlint/linux-source-6.1');

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
};

if (childAt >= 0) {
  // child: one cold run; prints milliseconds spent after process start
  const [arch, cfgFile, cacheDir] = argv.slice(childAt + 1);
  const tree = new KernelTree(linux);
  const model = loadKconfig(tree, { arch: arch!, ...(cacheDir && cacheDir !== '-' ? { cacheDir } : {}) });
  const run = runConf(model, { kind: 'olddefconfig', source: { name: '.config', text: fs.readFileSync(cfgFile!, 'latin1') } });
  if (!run.dotconfig) throw new Error('no output');
  console.log(JSON.stringify({ ms: performance.now() }));
  process.exit(0);
}

/** run a command, returning wall ms and CPU ms (user+sys of it and its children, from /usr/bin/time) */
function timed(cmd: string, args: string[], opts: Parameters<typeof spawnSync>[2]): { wall: number; cpu: number; status: number; stderr: string } {
  const t0 = performance.now();
  const r = spawnSync('/usr/bin/time', ['-f', 'KVTIME %U %S', cmd, ...args], { ...opts, encoding: 'latin1' });
  const wall = performance.now() - t0;
  const err = String(r.stderr ?? '');
  const m = /KVTIME ([0-9.]+) ([0-9.]+)\s*$/.exec(err);
  return { wall, cpu: m ? (Number(m[1]) + Number(m[2])) * 1000 : NaN, status: r.status ?? -1, stderr: err };
}

const cases = [
  { arch: 'arm', target: 'multi_v7_defconfig' },
  { arch: 'x86', target: 'x86_64_defconfig' },
];
const self = fileURLToPath(import.meta.url);
for (const c of cases) {
  const tree = new KernelTree(linux);
  const model = loadKconfig(tree, { arch: c.arch });
  const ccVersion = model.profile.env.CC_VERSION_TEXT ?? '';
  // the starting .config: what make <target> writes (also builds conf in the oracle directory)
  const oracle = runOracle({ linux, arch: c.arch, crossCompile: CROSS[c.arch]!, targets: [c.target], ccVersion });
  const dir = oracleBuildDir(c.arch);
  const cfg = path.join(dir, 'timing.config');
  fs.writeFileSync(cfg, oracle.dotconfig);

  // conf, with the environment make gives it
  const confBin = path.join(dir, 'scripts/kconfig/conf');
  if (!fs.existsSync(confBin)) runOracle({ linux, arch: c.arch, crossCompile: CROSS[c.arch]!, targets: [c.target], ccVersion }, { noCache: true });
  const env = { ...model.profile.env, PATH: process.env.PATH ?? '', srctree: linux, ARCH: c.arch, SRCARCH: model.srcarch, KERNELVERSION: kernelVersion(tree), KCONFIG_CONFIG: cfg };
  const confMs: number[] = [];
  const confCpu: number[] = [];
  for (let i = 0; i < runs; i++) {
    fs.writeFileSync(cfg, oracle.dotconfig);
    const r = timed(confBin, ['-s', '--olddefconfig', 'Kconfig'], { cwd: dir, env });
    confMs.push(r.wall);
    confCpu.push(r.cpu);
    if (r.status !== 0) throw new Error(`conf failed: ${r.stderr}`);
  }
  const same = fs.readFileSync(cfg, 'latin1') === oracle.dotconfig;

  // kvlint cold: fresh processes, parsing every time, and with the parsed-model cache warm
  fs.writeFileSync(cfg, oracle.dotconfig);
  const cacheDir = fs.mkdtempSync(path.join(dir, 'kcache-'));
  const cold = (cache: string) => {
    const ms: number[] = [];
    const cpu: number[] = [];
    for (let i = 0; i < runs; i++) {
      const r = timed(process.execPath, [self, '--child', c.arch, cfg, cache, linux], {});
      ms.push(r.wall);
      cpu.push(r.cpu);
      if (r.status !== 0) throw new Error(`kvlint child failed: ${r.stderr}`);
    }
    return { wall: median(ms), cpu: median(cpu) };
  };
  const coldParse = cold('-');
  cold(cacheDir); // fill
  const coldCached = cold(cacheDir);
  fs.rmSync(cacheDir, { recursive: true, force: true });
  // kvlint warm: in this process
  const warmMs: number[] = [];
  const parseMs: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const m = loadKconfig(new KernelTree(linux), { arch: c.arch });
    const t1 = performance.now();
    const run = runConf(m, { kind: 'olddefconfig', source: { name: '.config', text: oracle.dotconfig } });
    warmMs.push(performance.now() - t0);
    parseMs.push(t1 - t0);
    if (run.dotconfig !== oracle.dotconfig) throw new Error(`${c.target}: kvlint's olddefconfig differs from conf's`);
  }
  const kv = runMakeTargets(model, [c.target]);
  const confMed = median(confMs);
  const confCpuMed = median(confCpu);
  const x = (v: { wall: number; cpu: number }) =>
    `${v.wall.toFixed(0)} ms wall (${(v.wall / confMed).toFixed(2)}x conf), ${v.cpu.toFixed(0)} ms CPU (${(v.cpu / confCpuMed).toFixed(2)}x conf)`;
  console.log(
    `${c.arch} ${c.target} [median of ${runs}, load average ${fs.readFileSync('/proc/loadavg', 'utf8').split(' ')[0]}]\n` +
      `  conf --olddefconfig:                      ${confMed.toFixed(0)} ms wall, ${confCpuMed.toFixed(0)} ms CPU, including the compilers its $(shell,…) calls run (.config unchanged: ${same})\n` +
      `  kvlint fresh process, parsing:            ${x(coldParse)}\n` +
      `  kvlint fresh process, model cache warm:   ${x(coldCached)}\n` +
      `  kvlint in-process parse+olddefconfig:     ${median(warmMs).toFixed(0)} ms wall (parse ${median(parseMs).toFixed(0)} ms)\n` +
      `  kvlint ${c.target} identical to conf's: ${kv.dotconfig === oracle.dotconfig}`,
  );
}
