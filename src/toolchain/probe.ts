import { spawnSync } from 'node:child_process';
import { InputError } from '../core/errors.js';
import { type KconfigModel, loadKconfig, srcarchOf } from '../kconfig/load.js';
import type { KernelTree } from '../tree/tree.js';
import type { ToolchainProfile } from './profile.js';

/**
 * --probe-toolchain: run the compiler questions of a tree's Kconfig for real (the explicit opt-in) and record the
 * answers into a profile. The environment is the one the kernel's top-level Makefile exports to Kconfig for
 * `make ARCH=… CROSS_COMPILE=…` with GCC and binutils, so conf and kvlint see the same questions and answers.
 */

export interface ProbeOptions {
  /** CROSS_COMPILE prefix, e.g. "arm-linux-gnueabihf-" ("" for the host compiler) */
  crossCompile: string;
  /** start from this profile (answers already there are kept; missing ones are probed) */
  base?: ToolchainProfile;
  /** arches this profile becomes the default for */
  defaultFor?: string[];
  /** profile name (default: from the compiler) */
  name?: string;
}

function sh(cmd: string, env: Record<string, string>): { status: number; out: string } {
  const r = spawnSync('/bin/sh', ['-c', cmd], {
    env: { ...process.env, ...env },
    encoding: 'latin1',
    stdio: ['ignore', 'pipe', 'ignore'],
    timeout: 60_000,
  });
  return { status: r.status ?? 1, out: (r.stdout ?? '').trim() };
}

/** the toolchain variables the top-level Makefile exports (GCC/binutils flavour) */
export function makeToolchainEnv(crossCompile: string): Record<string, string> {
  const cc = `${crossCompile}gcc`;
  const env: Record<string, string> = {
    CROSS_COMPILE: crossCompile,
    CC: cc,
    LD: `${crossCompile}ld`,
    AR: `${crossCompile}ar`,
    NM: `${crossCompile}nm`,
    OBJCOPY: `${crossCompile}objcopy`,
    OBJDUMP: `${crossCompile}objdump`,
    READELF: `${crossCompile}readelf`,
    STRIP: `${crossCompile}strip`,
    HOSTCC: 'gcc',
    HOSTCXX: 'g++',
    PAHOLE: 'pahole',
    RUSTC: 'rustc',
    BINDGEN: 'bindgen',
  };
  // CC_VERSION_TEXT = $(subst $(pound),,$(shell LC_ALL=C $(CC) --version 2>/dev/null | head -n 1))
  env.CC_VERSION_TEXT = sh(`LC_ALL=C ${cc} --version 2>/dev/null | head -n 1`, {}).out.replace(/#/g, '');
  return env;
}

export function probeProfile(tree: KernelTree, arch: string, opts: ProbeOptions): { profile: ToolchainProfile; model: KconfigModel } {
  const env = { ...(opts.base?.env ?? {}), ...makeToolchainEnv(opts.crossCompile) };
  const cc = env.CC!;
  const version = sh(`${cc} -dumpfullversion 2>/dev/null || ${cc} -dumpversion`, env);
  if (version.status !== 0 || !version.out) throw new InputError(`--probe-toolchain: cannot run the compiler '${cc}'`);
  const target = sh(`${cc} -dumpmachine`, env).out;
  const isClang = /clang/i.test(env.CC_VERSION_TEXT ?? '');
  const major = version.out.split('.')[0];
  const profile: ToolchainProfile = {
    ...(opts.base ?? {}),
    format: 1,
    name: opts.name ?? opts.base?.name ?? `${opts.crossCompile}${isClang ? 'clang' : 'gcc'}-${major}`,
    kind: isClang ? 'clang' : 'gcc',
    version: version.out,
    target,
    env,
  };
  const defaultFor = new Set([...(opts.base?.defaultFor ?? []), ...(opts.defaultFor ?? [])]);
  if (defaultFor.size) profile.defaultFor = [...defaultFor].sort();
  const prov = `probed with ${env.CC_VERSION_TEXT} for ARCH=${arch} (${srcarchOf(arch)}) on Linux ${kernelRelease()}`;
  const old = opts.base?.provenance;
  profile.provenance = old && !old.includes(`ARCH=${arch} `) ? `${old}; ${prov}` : prov;
  const model = loadKconfig(tree, { arch, profile, probe: true });
  return { profile, model };
}

function kernelRelease(): string {
  return sh('uname -r', {}).out;
}
