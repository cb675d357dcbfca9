import * as fs from 'node:fs';
import * as path from 'node:path';
import { InputError } from '../core/errors.js';
import { packageRoot } from '../tree/tree.js';

/**
 * A toolchain profile: what one compiler (and its binutils) answers to the questions a kernel tree asks while
 * configuring — so that kvlint never has to run them. One small JSON file per compiler under toolchains/.
 * See src/toolchain/README.md for the format.
 */
export interface ToolchainProfile {
  /** format version of this file */
  format: 1;
  /** file-stem style name, e.g. "arm-linux-gnueabihf-gcc-12" */
  name: string;
  /** compiler family */
  kind: 'gcc' | 'clang';
  /** compiler version, e.g. "12.2.0" */
  version: string;
  /** target triple, e.g. "arm-linux-gnueabihf" */
  target: string;
  /** kernel SRCARCH names this profile is the default for */
  defaultFor?: string[];
  /** how the answers were obtained (command line, date, host) */
  provenance?: string;
  /**
   * Environment the kernel's make exports to Kconfig that depends on the toolchain: CC, LD, CROSS_COMPILE,
   * CC_VERSION_TEXT, HOSTCC, PAHOLE, RUSTC, BINDGEN, CLANG_FLAGS, …
   */
  env: Record<string, string>;
  /** $(cc-option,FLAG) answers, keyed by FLAG */
  ccOption?: Record<string, boolean>;
  /** $(as-instr,INSTR) answers, keyed by the instruction text as written after expansion */
  asInstr?: Record<string, boolean>;
  /** $(ld-option,FLAG) answers, keyed by FLAG */
  ldOption?: Record<string, boolean>;
  /** $(if-success,CMD,…) / $(success,CMD) / $(failure,CMD): does CMD exit 0? keyed by CMD after expansion */
  success?: Record<string, boolean>;
  /** $(shell,CMD) output (after conf's newline processing), keyed by CMD after expansion */
  shell?: Record<string, string>;
  /**
   * Compiler-predefined macros (`CC -dM -E` per flag set), for the C preprocessor stage; written by
   * src/toolchain/predefined*.ts. Kept opaque here so both stages extend the same file.
   */
  predefined?: unknown;
  /** anything else later stages add */
  [extra: string]: unknown;
}

/** Text that stands for the tree root in profile keys (commands mention $(srctree)/scripts/…). */
export const SRCTREE_KEY = '$(srctree)';

export function toolchainsDir(): string {
  return path.join(packageRoot(), 'toolchains');
}

export function parseProfile(text: string, file: string): ToolchainProfile {
  let j: unknown;
  try {
    j = JSON.parse(text);
  } catch (e) {
    throw new InputError(`toolchain profile ${file}: not valid JSON (${(e as Error).message})`);
  }
  const p = j as Partial<ToolchainProfile>;
  if (!p || typeof p !== 'object' || p.format !== 1 || typeof p.name !== 'string' || typeof p.env !== 'object') {
    throw new InputError(`toolchain profile ${file}: expected {"format":1,"name":…,"env":{…},…}`);
  }
  for (const k of ['ccOption', 'asInstr', 'ldOption', 'success'] as const) {
    const m = p[k];
    if (m === undefined) continue;
    if (typeof m !== 'object' || Object.values(m).some((v) => typeof v !== 'boolean')) {
      throw new InputError(`toolchain profile ${file}: "${k}" must map strings to true/false`);
    }
  }
  if (p.shell !== undefined && (typeof p.shell !== 'object' || Object.values(p.shell).some((v) => typeof v !== 'string'))) {
    throw new InputError(`toolchain profile ${file}: "shell" must map commands to their output`);
  }
  return p as ToolchainProfile;
}

export function loadProfileFile(file: string): ToolchainProfile {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    throw new InputError(`toolchain profile not found: ${file}`);
  }
  return parseProfile(text, file);
}

/** Bundled profiles (toolchains/*.json); each call gets its own objects (probing adds answers to them). */
export function bundledProfiles(): ToolchainProfile[] {
  const dir = toolchainsDir();
  let names: string[];
  try {
    names = fs.readdirSync(dir).filter((n) => n.endsWith('.json')).sort();
  } catch {
    return [];
  }
  return names.map((n) => loadProfileFile(path.join(dir, n)));
}

/** The default profile for an architecture (SRCARCH), or undefined when none is bundled. */
export function defaultProfile(srcarch: string): ToolchainProfile | undefined {
  return bundledProfiles().find((p) => p.defaultFor?.includes(srcarch));
}

/** A profile with no answers, for trees that ask nothing (or to see every question as a diagnostic). */
export function emptyProfile(srcarch: string): ToolchainProfile {
  return { format: 1, name: `none-${srcarch}`, kind: 'gcc', version: '', target: '', env: {} };
}

/** Serialise with sorted keys so that re-probing gives small diffs. */
export function formatProfile(p: ToolchainProfile): string {
  const sortObj = (o: unknown): unknown => {
    if (!o || typeof o !== 'object' || Array.isArray(o)) return o;
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(o as object).sort()) out[k] = sortObj((o as Record<string, unknown>)[k]);
    return out;
  };
  const head: Record<string, unknown> = {};
  for (const k of ['format', 'name', 'kind', 'version', 'target', 'defaultFor', 'provenance', 'env']) {
    if (p[k] !== undefined) head[k] = k === 'env' ? sortObj(p[k]) : p[k];
  }
  for (const k of Object.keys(p)) if (!(k in head)) head[k] = sortObj(p[k]);
  return JSON.stringify(head, null, 2) + '\n';
}
