/**
 * Whole-tree `kvlint check` of one real configuration (issue 5): phases timed — Kconfig, Kbuild, preprocessing and
 * symbol facts (CPU summed over the analysis threads, and the wall time of the unit phase), link, rules — next to the
 * wall time of the real build of the same configuration on this machine (the `real` line that `time make` wrote at
 * the end of the build log). A cold run (empty unit cache), then a warm one; with --axis SMP a second configuration
 * shows what footprints save.
 *
 *   scripts/ground-truth/run-ts.sh bench/check-real.ts [--arch arm] [--defconfig multi_v7_defconfig]
 *       [--objtree /work/kbuild/arm] [--build-log /work/kbuild/arm.build.log] [--jobs N] [--axis SMP] [--no-warm]
 *       [--set SYM=VAL,…] [--cache-dir DIR]   (default: a temporary one, removed at the end; an empty DIR makes the first run cold)
 *
 * Prints the findings of the rules it ran (default X001) — on the configuration the real build linked, none.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runCheck } from '../src/engine/check.js';
import { parseAxis } from '../src/matrix/selection.js';
import { loadSettings } from '../src/settings/index.js';
import { KernelTree } from '../src/tree/tree.js';
import { linuxDir } from '../test/support/linux.js';

const argv = process.argv.slice(2);
const opt = (name: string, dflt?: string) => {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : dflt;
};
const treeDir = opt('--tree') ?? linuxDir();
if (!treeDir) {
  console.error('no Linux tree (scripts/get-linux.sh)');
  process.exit(2);
}
const arch = opt('--arch', 'arm')!;
const defconfig = opt('--defconfig', 'multi_v7_defconfig')!;
const objtree = opt('--objtree', '/work/kbuild/arm');
const buildLog = opt('--build-log', objtree ? `${objtree}.build.log` : undefined);
const jobs = opt('--jobs') ? Number(opt('--jobs')) : undefined;
const axis = opt('--axis');
/** --set SYM=VAL[,SYM=VAL…]: overrides on top of the defconfig */
const overrides = Object.fromEntries((opt('--set') ?? '').split(',').filter(Boolean).map((a) => a.split('=') as [string, string]));
const rules = (opt('--rule', 'X001') ?? '').split(',').filter(Boolean);

function realBuildWall(): string {
  if (!buildLog || !fs.existsSync(buildLog)) return 'real build: no build log (--build-log)';
  const m = /^real\s+(\d+)m([\d.]+)s/m.exec(fs.readFileSync(buildLog, 'latin1').slice(-4000));
  if (!m) return `real build: no "real" line at the end of ${buildLog}`;
  return `real build (make -j2, same machine, ${buildLog}): ${(Number(m[1]) * 60 + Number(m[2])).toFixed(0)} s wall`;
}

const s = (ms: number) => (ms / 1000).toFixed(1).padStart(7) + ' s';
const tree = new KernelTree(treeDir);
const keepCache = opt('--cache-dir');
const cacheDir = keepCache ? path.resolve(keepCache) : fs.mkdtempSync(path.join(os.tmpdir(), 'kvlint-bench-check-'));

async function once(label: string): Promise<void> {
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const r = await runCheck({
    tree,
    selection: { arch, base: { kind: 'defconfig', name: defconfig }, overrides, axes: axis ? [parseAxis(axis)] : [] },
    settings: loadSettings(tree),
    ...(objtree ? { objtree } : {}),
    ...(jobs ? { jobs } : {}),
    only: rules,
    cacheDir,
  });
  const wall = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  console.log(`${label}: ${s(wall)} wall, ${s((cpu.user + cpu.system) / 1000)} CPU (all threads), peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`);
  for (const run of r.run.runs) {
    const m = run.stats.ms;
    console.log(
      `  ${run.ref.id}: ${run.stats.units} units (${run.stats.reused} reused)` +
        `\n    kconfig ${s(m.kconfig)} | kbuild ${s(m.kbuild)} | units ${s(m.units)} wall (thread time: preprocess ${s(m.cpp)} + facts ${s(m.facts)}) | link ${s(m.link)} | rules ${s(m.rules)}`,
    );
  }
  const errors = r.diagnostics.filter((d) => d.severity === 'error');
  console.log(`  findings: ${r.diagnostics.length} (${errors.length} errors) from ${rules.join(',') || 'no rules'}; gaps ${r.run.gaps.length}`);
  for (const d of r.diagnostics.slice(0, 20)) console.log(`    ${d.code} ${d.message} (${d.primary.file}:${d.primary.line})`);
}

console.log(`kvlint check ${treeDir} --arch ${arch} --defconfig ${defconfig}${axis ? ` --axis ${axis}` : ''}${objtree ? ` --objtree ${objtree}` : ''}`);
console.log(realBuildWall());
await once(keepCache ? `first run (unit cache ${cacheDir})` : 'cold (empty unit cache)');
if (!argv.includes('--no-warm')) await once('warm (same process, unit cache on disk)');
if (!keepCache) fs.rmSync(cacheDir, { recursive: true, force: true });
