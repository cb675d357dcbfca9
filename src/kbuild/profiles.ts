import type { ToolchainProfile as ToolchainFile } from '../toolchain/profile.js';
import { TableProfile, type ToolchainProfile } from './profile.js';
import { TABLE as AARCH64_GCC12 } from './profiles/aarch64-gcc12.js';
import { TABLE as ARM_GCC12 } from './profiles/arm-gcc12.js';
import { TABLE as RISCV64_GCC12 } from './profiles/riscv64-gcc12.js';
import { TABLE as X86_64_GCC12 } from './profiles/x86_64-gcc12.js';

type Table = ConstructorParameters<typeof TableProfile>[3];

/** Measured tables bundled with kvlint, by CROSS_COMPILE and compiler major version. */
const BUNDLED: { arches: string[]; crossCompile: string; kind: 'gcc' | 'clang'; major: string; name: string; table: Table }[] = [
  { arches: ['arm'], crossCompile: 'arm-linux-gnueabihf-', kind: 'gcc', major: '12', name: 'arm-linux-gnueabihf-gcc 12.2', table: ARM_GCC12 },
  { arches: ['arm64'], crossCompile: 'aarch64-linux-gnu-', kind: 'gcc', major: '12', name: 'aarch64-linux-gnu-gcc 12.2', table: AARCH64_GCC12 },
  { arches: ['riscv'], crossCompile: 'riscv64-linux-gnu-', kind: 'gcc', major: '12', name: 'riscv64-linux-gnu-gcc 12.2', table: RISCV64_GCC12 },
  { arches: ['x86_64', 'x86'], crossCompile: 'x86_64-linux-gnu-', kind: 'gcc', major: '12', name: 'x86_64-linux-gnu-gcc 12.2', table: X86_64_GCC12 },
];

/**
 * The built-in profile for an architecture (Debian's cross gcc 12.2; tables measured on the 6.1 tree under the
 * arch's defconfig — multi_v7_defconfig for arm — so another configuration may ask questions they lack: B006).
 */
export function profileFor(arch: string): ToolchainProfile | undefined {
  const b = BUNDLED.find((x) => x.arches.includes(arch));
  return b ? new TableProfile(b.name, b.crossCompile, b.kind, b.table) : undefined;
}

/**
 * The Kbuild view of a toolchain profile file (src/toolchain, toolchains/*.json): its own "kbuild" section
 * ({cc, as, instr, ld} maps of Makefile probes, as scripts/ground-truth/probe-toolchain.ts measures them) when it has
 * one, else the bundled table measured for the same compiler, else no answers (every probe then reported as B006).
 */
export function kbuildProfileFrom(file: ToolchainFile): ToolchainProfile {
  const cross = file.env['CROSS_COMPILE'] ?? '';
  const own = file['kbuild'] as Partial<Table> | undefined;
  if (own && typeof own === 'object') {
    return new TableProfile(file.name, cross, file.kind, { cc: own.cc ?? {}, as: own.as ?? {}, instr: own.instr ?? {}, ld: own.ld ?? {}, run: own.run ?? {}, shell: own.shell ?? {} });
  }
  const major = file.version.split('.')[0] ?? '';
  const b = BUNDLED.find((x) => x.crossCompile === cross && x.kind === file.kind && x.major === major);
  if (b) return new TableProfile(file.name, cross, file.kind, b.table);
  return new TableProfile(file.name, cross, file.kind, { cc: {}, as: {}, instr: {}, ld: {} });
}
