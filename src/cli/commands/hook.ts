import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { InputError } from '../../core/errors.js';
import { packageRoot } from '../../tree/tree.js';
import type { KvCommand } from '../context.js';

/**
 * `kvlint hook install|uninstall|status [tree] [--force]`: the git pre-commit hook of the user's repository, which
 * runs `kvlint check --staged <tree>` before each commit. The hook is found where git looks for it
 * (`git rev-parse --git-path hooks`, which honours core.hooksPath and worktrees). A hook kvlint did not write is
 * never replaced without --force; then it is kept beside ours and put back by `uninstall`.
 */

/** The line that marks a hook as kvlint's own. */
export const HOOK_MARKER = '# kvlint-managed-hook (written by `kvlint hook install`)';
/** Where a foreign hook is kept while ours replaces it (--force). */
export const BACKUP_SUFFIX = '.kvlint-backup';

export interface HookLocation {
  /** top of the working tree */
  top: string;
  /** the hooks directory git uses */
  hooksDir: string;
  /** the pre-commit hook's path */
  hook: string;
  /** the kernel tree relative to `top` ('.' when it is the top) */
  treeRel: string;
}

/** Find the pre-commit hook of the git working tree that holds `treeDir`. */
export function locateHook(treeDir: string): HookLocation {
  const dir = path.resolve(treeDir);
  if (!fs.existsSync(dir)) throw new InputError(`no such directory: ${treeDir}`);
  let out: string;
  try {
    out = execFileSync('git', ['-C', dir, 'rev-parse', '--show-toplevel', '--git-path', 'hooks'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  } catch (e) {
    const msg = String((e as { stderr?: string }).stderr ?? (e as Error).message).trim().split('\n')[0];
    throw new InputError(`${treeDir} is not inside a git working tree (${msg})`);
  }
  const [top, hooks] = out.trimEnd().split('\n');
  if (!top || !hooks) throw new InputError(`${treeDir}: git did not name the working tree and its hooks directory`);
  const hooksDir = path.resolve(dir, hooks);
  const treeRel = path.relative(fs.realpathSync(top), fs.realpathSync(dir)).split(path.sep).join('/') || '.';
  return { top, hooksDir, hook: path.join(hooksDir, 'pre-commit'), treeRel };
}

export interface HookCommand {
  /** the node executable */
  node: string;
  /** kvlint's entry script (bin/kvlint.js) */
  bin: string;
}

/** How the hook starts kvlint: this very installation, with this node. */
export function thisKvlint(): HookCommand {
  return { node: process.execPath, bin: path.join(packageRoot(), 'bin', 'kvlint.js') };
}

/** The hook script. POSIX sh; git runs it at the top of the working tree. */
export function hookScript(treeRel: string, cmd: HookCommand): string {
  return `#!/bin/sh
${HOOK_MARKER}
# Checks what this commit changes: kvlint check --staged. Remove with \`kvlint hook uninstall\`;
# skip once with \`git commit --no-verify\`.
KVLINT_NODE=${shQuote(cmd.node)}
KVLINT_BIN=${shQuote(cmd.bin)}
KVLINT_TREE=${shQuote(treeRel)}
if [ -f "$KVLINT_BIN" ] && [ -x "$KVLINT_NODE" ]; then
  exec "$KVLINT_NODE" "$KVLINT_BIN" check --staged "$KVLINT_TREE"
elif command -v kvlint >/dev/null 2>&1; then
  exec kvlint check --staged "$KVLINT_TREE"
fi
echo "kvlint pre-commit hook: kvlint not found (was $KVLINT_BIN, and none on PATH)." >&2
echo "Reinstall kvlint, remove the hook with 'kvlint hook uninstall', or commit with --no-verify." >&2
exit 1
`;
}

function shQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

export function isOurs(hookPath: string): boolean {
  try {
    return fs.readFileSync(hookPath, 'utf8').includes(HOOK_MARKER);
  } catch {
    return false;
  }
}

export type InstallResult =
  | { action: 'installed' | 'updated' | 'unchanged'; hook: string; treeRel: string }
  | { action: 'replaced'; hook: string; treeRel: string; backup: string };

/** Write (or refresh) our pre-commit hook. A foreign hook is an error without `force`; with it, it is kept aside. */
export function installHook(treeDir: string, opts: { force?: boolean; command?: HookCommand } = {}): InstallResult {
  const loc = locateHook(treeDir);
  const script = hookScript(loc.treeRel, opts.command ?? thisKvlint());
  fs.mkdirSync(loc.hooksDir, { recursive: true });
  const exists = fs.existsSync(loc.hook) || isDanglingLink(loc.hook);
  if (exists && !isOurs(loc.hook)) {
    const backup = loc.hook + BACKUP_SUFFIX;
    if (!opts.force) {
      throw new InputError(
        `${display(loc.hook)} exists and was not written by kvlint: not replacing it (use --force to replace it; it would be kept as ${path.basename(backup)})`,
      );
    }
    if (fs.existsSync(backup) || isDanglingLink(backup)) {
      throw new InputError(`${display(backup)} already exists (an earlier --force): move it away first, nothing was changed`);
    }
    fs.renameSync(loc.hook, backup);
    writeExecutable(loc.hook, script);
    return { action: 'replaced', hook: loc.hook, treeRel: loc.treeRel, backup };
  }
  if (exists && fs.readFileSync(loc.hook, 'utf8') === script) {
    makeExecutable(loc.hook);
    return { action: 'unchanged', hook: loc.hook, treeRel: loc.treeRel };
  }
  writeExecutable(loc.hook, script);
  return { action: exists ? 'updated' : 'installed', hook: loc.hook, treeRel: loc.treeRel };
}

export type UninstallResult =
  | { action: 'removed' | 'absent'; hook: string }
  | { action: 'restored'; hook: string; backup: string };

/** Remove our hook (putting back a hook --force had kept aside). A foreign hook is never removed. */
export function uninstallHook(treeDir: string): UninstallResult {
  const loc = locateHook(treeDir);
  if (!fs.existsSync(loc.hook) && !isDanglingLink(loc.hook)) return { action: 'absent', hook: loc.hook };
  if (!isOurs(loc.hook)) {
    throw new InputError(`${display(loc.hook)} was not written by kvlint: leaving it in place`);
  }
  fs.rmSync(loc.hook);
  const backup = loc.hook + BACKUP_SUFFIX;
  if (fs.existsSync(backup) || isDanglingLink(backup)) {
    fs.renameSync(backup, loc.hook);
    return { action: 'restored', hook: loc.hook, backup };
  }
  return { action: 'removed', hook: loc.hook };
}

export type HookStatus = { state: 'installed' | 'foreign' | 'absent'; hook: string; treeRel: string };

export function hookStatus(treeDir: string): HookStatus {
  const loc = locateHook(treeDir);
  const state = isOurs(loc.hook) ? 'installed' : fs.existsSync(loc.hook) || isDanglingLink(loc.hook) ? 'foreign' : 'absent';
  return { state, hook: loc.hook, treeRel: loc.treeRel };
}

function isDanglingLink(p: string): boolean {
  try {
    return fs.lstatSync(p).isSymbolicLink();
  } catch {
    return false;
  }
}

function writeExecutable(p: string, text: string): void {
  fs.writeFileSync(p, text, { mode: 0o755 });
  makeExecutable(p);
}

function makeExecutable(p: string): void {
  fs.chmodSync(p, fs.statSync(p).mode | 0o111);
}

function display(p: string): string {
  const rel = path.relative(process.cwd(), p);
  return rel && !rel.startsWith('..') ? rel : p;
}

interface HookArgv {
  action: 'install' | 'uninstall' | 'status';
  tree?: string;
  force?: boolean;
  quiet?: boolean;
}

export const hookCommand: KvCommand = (ctx) => ({
  command: 'hook <action> [tree]',
  describe: 'install or remove the git pre-commit hook that runs `kvlint check --staged`',
  builder: (y) =>
    y
      .positional('action', { choices: ['install', 'uninstall', 'status'] as const, describe: 'what to do' })
      .positional('tree', { type: 'string', describe: 'the kernel tree inside the git repository (default: the current directory)' })
      .option('force', { type: 'boolean', describe: 'install: replace a pre-commit hook kvlint did not write (it is kept aside and restored by uninstall)' })
      .option('quiet', { alias: 'q', type: 'boolean', describe: 'print nothing on success' }),
  handler: (args) => {
    const argv = args as unknown as HookArgv;
    const tree = path.resolve(ctx.io.cwd, argv.tree ?? '.');
    const say = (s: string) => {
      if (!argv.quiet) ctx.io.stdout(s + '\n');
    };
    if (argv.action === 'install') {
      const r = installHook(tree, { force: argv.force ?? false });
      const runs = `kvlint check --staged ${r.treeRel}`;
      if (r.action === 'replaced') say(`kvlint: installed ${r.hook} (runs ${runs}); the previous hook is kept as ${r.backup}`);
      else if (r.action === 'unchanged') say(`kvlint: ${r.hook} is already installed (runs ${runs})`);
      else say(`kvlint: ${r.action} ${r.hook} (runs ${runs})`);
    } else if (argv.action === 'uninstall') {
      const r = uninstallHook(tree);
      if (r.action === 'absent') say(`kvlint: no pre-commit hook at ${r.hook}`);
      else if (r.action === 'restored') say(`kvlint: removed ${r.hook} and put back the hook kept at ${r.backup}`);
      else say(`kvlint: removed ${r.hook}`);
    } else {
      const s = hookStatus(tree);
      ctx.io.stdout(
        s.state === 'installed'
          ? `installed: ${s.hook} (runs kvlint check --staged ${s.treeRel})\n`
          : s.state === 'foreign'
            ? `not installed: ${s.hook} is another program's hook\n`
            : `not installed: no ${s.hook}\n`,
      );
    }
    ctx.exitCode = 0;
  },
});
