import * as path from 'node:path';
import { InputError } from '../core/errors.js';
import { type ToolchainProfile, bundledProfiles, loadProfileFile, parseProfile } from '../toolchain/profile.js';
import type { KernelTree } from '../tree/tree.js';
import type { Settings } from './types.js';

/**
 * The toolchain profile `.kvlint.json` names, or undefined when it names none (the caller then uses the
 * architecture's default, src/toolchain defaultProfile). A profile file inside the tree is read through the tree;
 * one outside (absolute, or a relative path leaving the tree) from disk. Not found: an InputError at the setting.
 */
export function loadToolchain(settings: Settings, tree: KernelTree): ToolchainProfile | undefined {
  const t = settings.toolchain;
  if (!t) return undefined;
  if (t.kind === 'bundled') {
    const all = bundledProfiles();
    const p = all.find((x) => x.name === t.ref);
    if (!p) {
      throw new InputError(`toolchain '${t.ref}' is not a bundled profile (bundled: ${all.map((x) => x.name).join(', ') || 'none'}); name a profile file instead`, t.span);
    }
    return p;
  }
  const inTree = !path.isAbsolute(t.ref) && !path.posix.normalize(t.ref).startsWith('../');
  if (inTree) {
    const text = tree.tryReadText(t.ref);
    if (text === undefined) throw new InputError(`toolchain profile ${t.ref} not found in the tree`, t.span);
    return parseProfile(text, t.ref);
  }
  try {
    return loadProfileFile(path.resolve(tree.root, t.ref));
  } catch (e) {
    throw new InputError((e as Error).message, t.span);
  }
}
