import type { ToolchainProfile as ToolchainFile } from '../toolchain/profile.js';
import { TableProfile, type ToolchainProfile } from './profile.js';
import { TABLE as ARM_GCC12 } from './profiles/arm-gcc12.js';

type Table = ConstructorParameters<typeof TableProfile>[3];

/** Measured tables bundled with kvlint, by CROSS_COMPILE and compiler major version. */
const BUNDLED: { crossCompile: string; kind: 'gcc' | 'clang'; major: string; name: string; table: Table }[] = [
  { crossCompile: 'arm-linux-gnueabihf-', kind: 'gcc', major: '12', name: 'arm-linux-gnueabihf-gcc 12.2', table: ARM_GCC12 },
];

/** The built-in profile for an architecture (Debian's cross gcc 12.2), or undefined. */
export function profileFor(arch: string): ToolchainProfile | undefined {
  if (arch === 'arm') {
    const b = BUNDLED[0]!;
    return new TableProfile(b.name, b.crossCompile, b.kind, b.table);
  }
  return undefined;
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
    return new TableProfile(file.name, cross, file.kind, { cc: own.cc ?? {}, as: own.as ?? {}, instr: own.instr ?? {}, ld: own.ld ?? {} });
  }
  const major = file.version.split('.')[0] ?? '';
  const b = BUNDLED.find((x) => x.crossCompile === cross && x.kind === file.kind && x.major === major);
  if (b) return new TableProfile(file.name, cross, file.kind, b.table);
  return new TableProfile(file.name, cross, file.kind, { cc: {}, as: {}, instr: {}, ld: {} });
}
