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
import { loadKconfig, runConf, runMakeTargets } from '../src/kconfig/index.js';
import { CROSS, oracleBuildDir, runOracle } from '../test/kconfig/oracle.js';

const argv = process.argv.slice(2);
const runsAt = argv.indexOf('--runs');
const runs = runsAt >= 0 ? Number(argv.splice(runsAt, 2)[1]) : 7;
const childAt = argv.indexOf('--child');
const linux = argv.filter((a) => !a.startsWith('--'))[0] ?? process.env.KVLINT_LINUX_DIR ?? path.join(process.env.HOME ?? '', '.cache/kvlint/linux-source-6.1');

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
};

if (childAt >= 0) {
  // child: one cold run; prints milliseconds spent after process start
  const [arch, cfgFile] = argv.slice(childAt + 1);
  const tree = new KernelTree(linux);
  const model = loadKconfig(tree, { arch: arch! });
  const run = runConf(model, { kind: 'olddefconfig', source: { name: '.config', text: fs.readFileSync(cfgFile!, 'latin1') } });
  if (!run.dotconfig) throw new Error('no output');
  console.log(JSON.stringify({ ms: performance.now() }));
  process.exit(0);
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
  const env = { ...model.profile.env, PATH: process.env.PATH ?? '', srctree: linux, ARCH: c.arch, SRCARCH: model.srcarch, KERNELVERSION: '6.1', KCONFIG_CONFIG: cfg };
  const confMs: number[] = [];
  for (let i = 0; i < runs; i++) {
    fs.writeFileSync(cfg, oracle.dotconfig);
    const t0 = performance.now();
    const r = spawnSync(confBin, ['-s', '--olddefconfig', 'Kconfig'], { cwd: dir, env, encoding: 'latin1' });
    confMs.push(performance.now() - t0);
    if (r.status !== 0) throw new Error(`conf failed: ${r.stderr}`);
  }
  const same = fs.readFileSync(cfg, 'latin1') === oracle.dotconfig;

  // kvlint cold: fresh processes
  fs.writeFileSync(cfg, oracle.dotconfig);
  const coldMs: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const r = spawnSync(process.execPath, [self, '--child', c.arch, cfg, linux], { encoding: 'utf8' });
    coldMs.push(performance.now() - t0);
    if (r.status !== 0) throw new Error(`kvlint child failed: ${r.stderr}`);
  }
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
  const cold = median(coldMs);
  const confMed = median(confMs);
  console.log(
    `${c.arch} ${c.target}: conf olddefconfig ${confMed.toFixed(0)} ms (output unchanged: ${same}); kvlint cold process ${cold.toFixed(0)} ms (${(cold / confMed).toFixed(2)}x conf), warm ${median(warmMs).toFixed(0)} ms (parse ${median(parseMs).toFixed(0)} ms) (${(median(warmMs) / confMed).toFixed(2)}x conf); defconfig identical to conf: ${kv.dotconfig === oracle.dotconfig}  [median of ${runs}]`,
  );
}
