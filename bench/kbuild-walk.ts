/**
 * Times kvlint's Kbuild evaluation of a real tree (top Makefile + every directory the configuration reaches) and
 * prints it next to the real build's wall time on this machine when known.
 *
 *   scripts/ground-truth/run-ts.sh bench/kbuild-walk.ts [TREE] [DOTCONFIG] [ARCH] [BUILD_LOG]
 * defaults: ~/.cache/kvlint/linux-source-6.1, test/data/arm-multi_v7/config.gz, arm, /work/kbuild/arm.build.log
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { evalKbuild, parseDotConfig } from '../src/kbuild/index.js';
import { KernelTree, packageRoot } from '../src/tree/tree.js';

const treeDir = process.argv[2] ?? process.env.KVLINT_LINUX_DIR ?? path.join(os.homedir(), '.cache/kvlint/linux-source-6.1');
const cfgFile = process.argv[3] ?? path.join(packageRoot(), 'test/data/arm-multi_v7/config.gz');
const arch = process.argv[4] ?? 'arm';
const buildLog = process.argv[5] ?? '/work/kbuild/arm.build.log';
const cfgText = cfgFile.endsWith('.gz') ? gunzipSync(fs.readFileSync(cfgFile)).toString('utf8') : fs.readFileSync(cfgFile, 'utf8');
const config = parseDotConfig(cfgText, arch);

const runs: number[] = [];
const cpus: number[] = [];
let last: ReturnType<typeof evalKbuild> | undefined;
for (let i = 0; i < 5; i++) {
  const tree = new KernelTree(treeDir); // a fresh tree: file reads are part of the cost (OS cache warm after run 1)
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  last = evalKbuild(tree, config, { objtree: '/nonexistent/objtree' });
  runs.push((performance.now() - t0) / 1000);
  const c = process.cpuUsage(c0);
  cpus.push((c.user + c.system) / 1e6);
  console.log(
    `run ${i + 1}: ${runs[i]!.toFixed(2)} s wall, ${cpus[i]!.toFixed(2)} s CPU (top Makefile ${last.stats.topSeconds.toFixed(2)} s, walk ${last.stats.walkSeconds.toFixed(2)} s; ` +
      `${last.stats.directories} directories, ${last.graph.objects.size} objects, ${last.graph.modules.length} modules, ${last.graph.builtin.length} built-in)`,
  );
}
const sorted = [...runs].sort((a, b) => a - b);
const median = sorted[Math.floor(sorted.length / 2)]!;
const cpuMedian = [...cpus].sort((a, b) => a - b)[Math.floor(cpus.length / 2)]!;
console.log(
  `kbuild walk: first ${runs[0]!.toFixed(2)} s, median ${median.toFixed(2)} s wall (${cpuMedian.toFixed(2)} s CPU), best ${sorted[0]!.toFixed(2)} s; ` +
    `heap ${(process.memoryUsage().heapUsed / 2 ** 20).toFixed(0)} MiB; load average ${os.loadavg()[0]!.toFixed(1)} on ${os.cpus().length} CPUs`,
);
let real: string | undefined;
try {
  real = /^real\s+(\S+)/m.exec(fs.readFileSync(buildLog, 'utf8'))?.[1];
} catch {
  /* no log */
}
if (real) {
  const m = /(\d+)m([\d.]+)s/.exec(real);
  const secs = m ? Number(m[1]) * 60 + Number(m[2]) : NaN;
  console.log(`real build (make -j2, same machine, ${buildLog}): ${real} = ${secs.toFixed(0)} s; kvlint's Kbuild walk is ${(secs / median).toFixed(0)}x faster`);
} else console.log('real build wall time: unknown (no build log)');
