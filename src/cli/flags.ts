import * as path from 'node:path';
import type { Argv } from 'yargs';
import { InputError } from '../core/errors.js';
import type { ConfigBase } from '../core/types.js';
import { type ConfigSelection, parseAssignment, parseAxis } from '../matrix/selection.js';
import { type ToolchainProfile, loadProfileFile } from '../toolchain/profile.js';
import { KernelTree, bundledTreePath } from '../tree/tree.js';

/**
 * The one flag vocabulary of CLI.md. Every command that needs a configuration calls `withConfigFlags`, and turns
 * the parsed argv into a ConfigSelection with `selectionFromArgv`.
 */
export function withConfigFlags<T>(y: Argv<T>) {
  return y
    .option('arch', { type: 'string', describe: 'architecture (kernel SRCARCH name: arm, arm64, x86, riscv, …)' })
    .option('from', { type: 'string', describe: 'start from an existing .config (resolved like olddefconfig)' })
    .option('defconfig', { type: 'string', describe: 'start from arch/$ARCH/configs/NAME' })
    .option('allnoconfig', { type: 'boolean', describe: 'start from allnoconfig' })
    .option('allyesconfig', { type: 'boolean', describe: 'start from allyesconfig' })
    .option('allmodconfig', { type: 'boolean', describe: 'start from allmodconfig' })
    .option('alldefconfig', { type: 'boolean', describe: 'start from alldefconfig' })
    .option('config', {
      alias: 'set',
      type: 'string',
      array: true,
      describe: 'override SYM=VAL on top of the base (repeatable)',
    })
    .option('axis', {
      type: 'string',
      array: true,
      describe: 'expand SYM[=v1,v2] into a matrix (default y,n; repeatable)',
    });
}

export function withOutputFlags<T>(y: Argv<T>, formats: readonly string[]) {
  return y
    .option('format', { type: 'string', choices: formats as string[], describe: 'output format' })
    .option('output', { alias: 'o', type: 'string', describe: 'write the output to FILE' })
    .option('color', { type: 'boolean', describe: 'colour the output (default: when stdout is a terminal)' })
    .option('quiet', { alias: 'q', type: 'boolean', describe: 'print only what was asked for' });
}

export interface ConfigArgv {
  arch?: string;
  from?: string;
  defconfig?: string;
  allnoconfig?: boolean;
  allyesconfig?: boolean;
  allmodconfig?: boolean;
  alldefconfig?: boolean;
  config?: string[];
  axis?: string[];
}

/** The selection the flags describe; `cwd` resolves --from (default: the process's). */
export function selectionFromArgv(argv: ConfigArgv, cwd = process.cwd()): ConfigSelection {
  const bases: ConfigBase[] = [];
  if (argv.from !== undefined) bases.push({ kind: 'file', path: path.resolve(cwd, argv.from) });
  if (argv.defconfig !== undefined) bases.push({ kind: 'defconfig', name: argv.defconfig });
  if (argv.allnoconfig) bases.push({ kind: 'allnoconfig' });
  if (argv.allyesconfig) bases.push({ kind: 'allyesconfig' });
  if (argv.allmodconfig) bases.push({ kind: 'allmodconfig' });
  if (argv.alldefconfig) bases.push({ kind: 'alldefconfig' });
  if (bases.length > 1) {
    throw new InputError('choose at most one of --from, --defconfig, --allnoconfig, --allyesconfig, --allmodconfig, --alldefconfig');
  }
  const overrides: Record<string, string> = {};
  for (const a of argv.config ?? []) {
    const [k, v] = parseAssignment(a);
    overrides[k] = v;
  }
  const sel: ConfigSelection = { overrides, axes: (argv.axis ?? []).map(parseAxis) };
  if (argv.arch !== undefined) sel.arch = argv.arch;
  if (bases[0]) sel.base = bases[0];
  return sel;
}

/** The tree a command analyses and where its build facts come from: `[tree]`, --objtree, --profile. */
export function withTreeFlags<T>(y: Argv<T>) {
  return y
    .positional('tree', { type: 'string', describe: 'kernel tree (default: the bundled zsmalloc/ARM fixture tree)' })
    .option('objtree', { type: 'string', describe: 'a kbuild output directory (O=) whose generated headers may be read' })
    .option('profile', { type: 'string', describe: 'toolchain profile file (answers $(cc-option,…) etc.)' });
}

export interface TreeArgv {
  tree?: string;
  objtree?: string;
  profile?: string;
}

/** The tree (read-only; default: the bundled fixture tree) and the --objtree/--profile analysis options. */
export function treeFromArgv(
  argv: TreeArgv,
  cwd: string,
): { tree: KernelTree; objtree?: string; profile?: ToolchainProfile } {
  const tree = new KernelTree(argv.tree === undefined ? bundledTreePath() : path.resolve(cwd, argv.tree));
  const out: { tree: KernelTree; objtree?: string; profile?: ToolchainProfile } = { tree };
  if (argv.objtree) out.objtree = path.resolve(cwd, argv.objtree);
  if (argv.profile) out.profile = loadProfileFile(path.resolve(cwd, argv.profile));
  return out;
}
