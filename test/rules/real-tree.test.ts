import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Diagnostic } from '../../src/core/types.js';
import { runCheck } from '../../src/engine/check.js';
import { defaultSettings } from '../../src/settings/index.js';
import { KernelTree } from '../../src/tree/tree.js';
import { rules } from '../../rules/index.js';
import { LINUX_SKIP_REASON, cacheDir, linuxDir } from '../support/linux.js';
import { injection } from './inject.js';

/**
 * Issue 7 acceptance: on linux-source-6.1 with injected breaks of each X-rule kind (test/rules/inject.ts, laid over
 * the tree in memory: the tree on disk is never written), each break is reported with the right code and nothing
 * else is — compared with the same run on the unmodified tree (findings present there are the engine's own gaps on
 * this configuration, printed with the timings; see the report in the test output).
 *
 * Configuration: ARCH=arm allnoconfig + MODULES=y (~550 units, the smallest configuration that has modules) plus the
 * injected drivers/kvlint/ (KVLINT_TEST=m, KVLINT_BUILTIN=y). Generated headers (asm-offsets.h, the generic-y
 * wrappers) come from an ARM O= directory prepared by scripts/cpp-oracle-prepare.sh arm-up (KVLINT_ARM_UP_OBJTREE).
 */
const linux = linuxDir();
const OBJTREE = process.env.KVLINT_ARM_UP_OBJTREE ?? path.join(cacheDir(), 'oracle', 'arm-multi_v7-smp-n');
const haveObjtree = fs.existsSync(path.join(OBJTREE, 'arch/arm/include/generated/asm'));
if (linux && !haveObjtree && process.env.KVLINT_REQUIRE_LINUX === '1') {
  throw new Error(`no prepared ARM O= directory at ${OBJTREE}: run scripts/cpp-oracle-prepare.sh arm-up`);
}

const X_RULES = rules.filter((r) => r.meta.code.startsWith('X')).map((r) => r.meta.code);

function line(d: Diagnostic): string {
  return `${d.code} ${d.message}`;
}

describe.skipIf(!linux || !haveObjtree)(`real tree: injected breaks (${linux ? OBJTREE : LINUX_SKIP_REASON})`, () => {
  it('reports each injected break with its code, and nothing else', async () => {
    // through the real path: the tree may be a symlink (~/.cache/kvlint/linux-source-6.1)
    const base = new KernelTree(fs.realpathSync(linux!));
    const inj = injection(base);
    const injected = base.withOverlay(new Map(Object.entries(inj.files)));
    const settings = defaultSettings();
    const common = { settings, objtree: OBJTREE, only: X_RULES };
    const selection = (overrides: Record<string, string>) => ({ arch: 'arm', base: { kind: 'allnoconfig' as const }, overrides, axes: [] });

    const t0 = performance.now();
    const clean = await runCheck({ ...common, tree: base, selection: selection({ MODULES: 'y' }) });
    const t1 = performance.now();
    const broken = await runCheck({ ...common, tree: injected, selection: selection({ MODULES: 'y', ...inj.overrides }) });
    const t2 = performance.now();

    const before = new Set(clean.diagnostics.filter((d) => d.code.startsWith('X')).map((d) => d.fingerprint));
    const fresh = broken.diagnostics.filter((d) => d.code.startsWith('X') && !before.has(d.fingerprint));
    const report = [
      `clean run: ${Math.round(t1 - t0)} ms, ${clean.run.runs[0]!.stats.units} units (${clean.run.runs[0]!.stats.reused} from the cache)`,
      `injected run: ${Math.round(t2 - t1)} ms, ${broken.run.runs[0]!.stats.units} units (${broken.run.runs[0]!.stats.reused} from the cache)`,
      `X findings on the unmodified tree (engine gaps, not real failures): ${before.size}`,
      ...clean.diagnostics.filter((d) => d.code.startsWith('X')).map((d) => `  ${line(d)} (${d.primary.file}:${d.primary.line})`),
      'new findings with the injected breaks:',
      ...fresh.map((d) => `  ${line(d)} (${d.primary.file}:${d.primary.line})`),
    ];
    console.log(report.join('\n'));
    expect(fresh.map(line).sort()).toEqual(inj.expected.map((e) => `${e.code} ${e.message}`).sort());
    // every new finding points into the injected code
    for (const d of fresh) expect(d.primary.file.startsWith('drivers/kvlint/'), line(d)).toBe(true);
  }, 3_600_000);
});
