/**
 * Times the allocator model: a 10^5-step workload generated and replayed on each path (and the differential
 * replay), then the default `kvlint model zsmalloc` matrix (generation, runs, shrinking). Prints the weighted cost
 * per straddling map next to the published figures the weights were calibrated to.
 *
 *   scripts/ground-truth/run-ts.sh bench/model-zsmalloc.ts [STEPS] [SEED]
 */
import { makeConfig } from '../src/model/config.js';
import { COST_PROFILES, cost } from '../src/model/cost.js';
import { differential } from '../src/model/differential.js';
import { generateTrace } from '../src/model/generate.js';
import { runMatrix } from '../src/model/matrix.js';
import { runTrace } from '../src/model/model.js';

const steps = Number(process.argv[2] ?? 100_000);
const seed = Number(process.argv[3] ?? 1);
const ms = (t0: number): string => (performance.now() - t0).toFixed(0).padStart(6) + ' ms';

for (const machine of [
  { cpus: 1, smp: false },
  { cpus: 4, smp: true },
]) {
  const base = makeConfig({ ...machine, path: 'copy' });
  let t0 = performance.now();
  const trace = generateTrace(base, { ops: steps, seed });
  console.log(`cpus=${machine.cpus} smp=${machine.smp ? 'on' : 'off'}: ${steps} steps (${trace.length} with speculative fills), seed ${seed}`);
  console.log(`  generate            ${ms(t0)}`);
  for (const [path, flush] of [['copy', 'none'], ['pgtable', 'none'], ['pgtable', 'local'], ['pgtable', 'global']] as const) {
    t0 = performance.now();
    const r = runTrace({ ...base, path, flush }, trace);
    const dt = performance.now() - t0;
    const c = r.counters;
    console.log(
      `  ${(path + (path === 'pgtable' ? `+${flush}` : '')).padEnd(18)}  ${dt.toFixed(0).padStart(6)} ms  ${((trace.length / dt) * 1000).toFixed(0).padStart(8)} steps/s` +
        `  maps ${c.maps} (straddling ${c.straddlingMaps})  violations: ${r.violations.map((v) => v.kind).join(', ') || 'none'}` +
        `  cycles/straddling map: armv7 ${cost(c, COST_PROFILES.armv7).perStraddlingMap}, x86 ${cost(c, COST_PROFILES.x86).perStraddlingMap}`,
    );
  }
  t0 = performance.now();
  const d = differential(base, trace);
  console.log(`  differential        ${ms(t0)}  copy vs pgtable+global: ${d.divergence ? 'DIVERGE: ' + d.divergence.message : 'agree'} (${d.copy.observations.length} observations)`);
}

console.log('published: x86 copy ~560 vs page-table ~760 cycles per straddling map; ARMv7 4-core page-table ~6.2x faster than copy');

for (const ops of [2000, steps]) {
  const t0 = performance.now();
  const m = runMatrix({
    cpus: [1, 4],
    smp: [true, false],
    paths: ['copy', 'pgtable'],
    flushes: ['none', 'local', 'global'],
    guards: [true],
    faults: [],
    era: '2013',
    pageSize: 4096,
    tlbCapacity: 64,
    ops,
    seed,
    specFill: 0.1,
    costProfile: 'armv7',
    shrinkBudget: 1500,
  });
  const replays = m.runs.reduce((n, r) => n + r.failures.reduce((k, f) => k + f.replays, 0), 0);
  const failures = m.runs.reduce((n, r) => n + r.failures.length, 0);
  console.log(
    `default matrix (kvlint model zsmalloc --ops ${ops}): ${m.runs.length} runs, ${failures} failures shrunk with ${replays} replays, ${m.unexpected} unexpected: ${ms(t0)}`,
  );
}
console.log(`heap used at the end: ${(process.memoryUsage().heapUsed / 2 ** 20).toFixed(0)} MiB`);
