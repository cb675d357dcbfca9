import { srcarchOf } from '../core/arch.js';
import { bundledProfiles, defaultProfile, type ToolchainProfile as ToolchainFile } from '../toolchain/profile.js';
import { TableProfile, type ToolchainProfile } from './profile.js';

type Table = ConstructorParameters<typeof TableProfile>[3];

/**
 * The Kbuild view of a toolchain profile (toolchains/*.json, src/toolchain): the answers to the Makefiles' probes
 * (cc-option, as-instr, ld-option, try-run commands, toolchain $(shell) queries) live in its "kbuild" section, as
 * scripts/ground-truth/probe-toolchain.ts measures them — one file per compiler holds every answer kvlint uses, for
 * Kconfig, Kbuild and the preprocessor alike. A profile without that section borrows the bundled one of the same
 * compiler (CROSS_COMPILE, kind and major version); else it answers nothing (every probe then reported as B006).
 */
export function kbuildProfileFrom(file: ToolchainFile): ToolchainProfile {
  const cross = file.env['CROSS_COMPILE'] ?? '';
  const own = tableOf(file);
  if (own) return new TableProfile(file.name, cross, file.kind, own);
  const major = file.version.split('.')[0] ?? '';
  const same = bundledProfiles().find((b) => (b.env['CROSS_COMPILE'] ?? '') === cross && b.kind === file.kind && b.version.split('.')[0] === major && tableOf(b));
  return new TableProfile(file.name, cross, file.kind, (same && tableOf(same)) ?? { cc: {}, as: {}, instr: {}, ld: {} });
}

/** The Kbuild answers of the bundled default profile of an architecture (make's ARCH or SRCARCH). */
export function profileFor(arch: string): ToolchainProfile | undefined {
  const f = defaultProfile(srcarchOf(arch));
  return f ? kbuildProfileFrom(f) : undefined;
}

function tableOf(file: ToolchainFile): Table | undefined {
  const own = file['kbuild'] as Partial<Table> | undefined;
  if (!own || typeof own !== 'object') return undefined;
  return { cc: own.cc ?? {}, as: own.as ?? {}, instr: own.instr ?? {}, ld: own.ld ?? {}, run: own.run ?? {}, shell: own.shell ?? {} };
}
