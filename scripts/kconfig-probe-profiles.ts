/**
 * Re-record the bundled toolchain profiles (toolchains/*.json) by running the real compilers for the questions
 * Linux's Kconfig asks (the explicit --probe-toolchain opt-in, for the four profiled arches).
 *
 *   bench/kconfig.sh scripts/kconfig-probe-profiles [LINUX_DIR]
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { KernelTree } from '../src/tree/tree.js';
import { formatProfile, loadProfileFile, toolchainsDir } from '../src/toolchain/profile.js';
import { probeProfile } from '../src/toolchain/probe.js';

const linux = process.argv[2] ?? process.env.KVLINT_LINUX_DIR ?? path.join(process.env.HOME ?? '', '.cache/kvlint/linux-source-6.1');
const tree = new KernelTree(linux);
const targets = [
  { arch: 'x86', cross: '', file: 'x86_64-linux-gnu-gcc-12.json', defaultFor: ['x86'] },
  { arch: 'arm', cross: 'arm-linux-gnueabihf-', file: 'arm-linux-gnueabihf-gcc-12.json', defaultFor: ['arm'] },
  { arch: 'arm64', cross: 'aarch64-linux-gnu-', file: 'aarch64-linux-gnu-gcc-12.json', defaultFor: ['arm64'] },
  { arch: 'riscv', cross: 'riscv64-linux-gnu-', file: 'riscv64-linux-gnu-gcc-12.json', defaultFor: ['riscv'] },
];
const only = process.env.ARCHES?.split(',');
for (const t of targets) {
  if (only && !only.includes(t.arch)) continue;
  const file = path.join(toolchainsDir(), t.file);
  const base = fs.existsSync(file) && !process.env.FRESH ? loadProfileFile(file) : undefined;
  const t0 = performance.now();
  const { profile, model } = probeProfile(tree, t.arch, { crossCompile: t.cross, defaultFor: t.defaultFor, ...(base ? { base } : {}) });
  const errs = model.diagnostics.filter((d) => d.severity === 'error');
  for (const e of errs) console.error(`${t.arch}: ${e.primary.file}:${e.primary.line}: ${e.message}`);
  fs.writeFileSync(file, formatProfile(profile));
  const n = (o: object | undefined) => Object.keys(o ?? {}).length;
  console.log(
    `${t.arch}: ${profile.name} ${profile.version} ${profile.target}: cc-option ${n(profile.ccOption)}, as-instr ${n(profile.asInstr)}, ld-option ${n(profile.ldOption)}, success ${n(profile.success)}, shell ${n(profile.shell)} -> ${file} (${((performance.now() - t0) / 1000).toFixed(1)} s)`,
  );
}
