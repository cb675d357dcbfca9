import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { InputError } from '../../src/core/errors.js';
import {
  BACKUP_SUFFIX,
  HOOK_MARKER,
  type HookCommand,
  hookScript,
  hookStatus,
  installHook,
  locateHook,
  thisKvlint,
  uninstallHook,
} from '../../src/cli/commands/hook.js';
import type { CliIO } from '../../src/cli/context.js';
import { main } from '../../src/cli/main.js';

/**
 * The pre-commit hook plumbing, in throwaway git repositories. A stand-in kvlint (a node script that records its
 * arguments and working directory, and exits with the status in $FAKE_STATUS) shows what the installed hook runs
 * and that git honours its exit status.
 */
let tmp: string;
let repo: string;
let fake: HookCommand;
let record: string;

function git(args: string[], cwd = repo, env: NodeJS.ProcessEnv = {}): { status: number; out: string } {
  const r = spawnSync('git', args, {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.invalid', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.invalid', ...env },
  });
  return { status: r.status ?? -1, out: `${r.stdout}${r.stderr}` };
}

function commit(file: string, env: NodeJS.ProcessEnv = {}): { status: number; out: string } {
  fs.writeFileSync(path.join(repo, file), `${Math.random()}\n`);
  expect(git(['add', file]).status).toBe(0);
  return git(['commit', '-q', '-m', `change ${file}`], repo, env);
}

beforeEach(() => {
  tmp = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'kvlint-hook-')));
  repo = path.join(tmp, 'repo');
  fs.mkdirSync(repo);
  execFileSync('git', ['init', '-q', repo]);
  record = path.join(tmp, 'record.json');
  const bin = path.join(tmp, 'fake-kvlint.js');
  fs.writeFileSync(
    bin,
    `require('fs').writeFileSync(${JSON.stringify(record)}, JSON.stringify({ argv: process.argv.slice(2), cwd: process.cwd() }));\n` +
      `process.exit(Number(process.env.FAKE_STATUS || 0));\n`,
  );
  fake = { node: process.execPath, bin };
});

afterEach(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
});

const recorded = () => JSON.parse(fs.readFileSync(record, 'utf8')) as { argv: string[]; cwd: string };

describe('kvlint hook', () => {
  test('install writes an executable, marked pre-commit hook that runs check --staged; its status decides the commit', () => {
    const r = installHook(repo, { command: fake });
    expect(r).toEqual({ action: 'installed', hook: path.join(repo, '.git/hooks/pre-commit'), treeRel: '.' });
    const text = fs.readFileSync(r.hook, 'utf8');
    expect(text.startsWith('#!/bin/sh\n')).toBe(true);
    expect(text).toContain(HOOK_MARKER);
    expect(fs.statSync(r.hook).mode & 0o111).toBe(0o111);

    const ok = commit('a.c');
    expect(ok.status, ok.out).toBe(0);
    expect(recorded()).toEqual({ argv: ['check', '--staged', '.'], cwd: repo });

    fs.rmSync(record);
    const blocked = commit('b.c', { FAKE_STATUS: '1' });
    expect(blocked.status).not.toBe(0);
    expect(fs.existsSync(record)).toBe(true);
    expect(git(['log', '--oneline']).out.trim().split('\n')).toHaveLength(1);
    // --no-verify skips it
    expect(git(['commit', '-q', '--no-verify', '-m', 'skip'], repo, { FAKE_STATUS: '1' }).status).toBe(0);
  });

  test('installing again changes nothing; a stale hook of ours is updated', () => {
    installHook(repo, { command: fake });
    expect(installHook(repo, { command: fake }).action).toBe('unchanged');
    expect(installHook(repo, { command: { ...fake, bin: '/elsewhere/kvlint.js' } }).action).toBe('updated');
    expect(fs.readFileSync(path.join(repo, '.git/hooks/pre-commit'), 'utf8')).toContain(`KVLINT_BIN='/elsewhere/kvlint.js'`);
  });

  test('a foreign hook is never replaced without --force; with it, it is kept and uninstall puts it back', () => {
    const hook = path.join(repo, '.git/hooks/pre-commit');
    const foreign = '#!/bin/sh\necho theirs\n';
    fs.writeFileSync(hook, foreign, { mode: 0o755 });
    expect(() => installHook(repo, { command: fake })).toThrow(InputError);
    expect(() => installHook(repo, { command: fake })).toThrow(/exists and was not written by kvlint: not replacing it \(use --force/);
    expect(fs.readFileSync(hook, 'utf8')).toBe(foreign);
    expect(hookStatus(repo).state).toBe('foreign');
    expect(() => uninstallHook(repo)).toThrow(/was not written by kvlint: leaving it in place/);
    expect(fs.readFileSync(hook, 'utf8')).toBe(foreign);

    const r = installHook(repo, { command: fake, force: true });
    expect(r).toMatchObject({ action: 'replaced', backup: hook + BACKUP_SUFFIX });
    expect(fs.readFileSync(hook + BACKUP_SUFFIX, 'utf8')).toBe(foreign);
    expect(hookStatus(repo).state).toBe('installed');
    // a second --force over our own hook does not touch the kept one
    expect(installHook(repo, { command: fake, force: true }).action).toBe('unchanged');
    expect(fs.readFileSync(hook + BACKUP_SUFFIX, 'utf8')).toBe(foreign);

    expect(uninstallHook(repo)).toEqual({ action: 'restored', hook, backup: hook + BACKUP_SUFFIX });
    expect(fs.readFileSync(hook, 'utf8')).toBe(foreign);
    expect(fs.existsSync(hook + BACKUP_SUFFIX)).toBe(false);
  });

  test('--force refuses to overwrite an earlier backup', () => {
    const hook = path.join(repo, '.git/hooks/pre-commit');
    fs.writeFileSync(hook, '#!/bin/sh\nexit 0\n');
    fs.writeFileSync(hook + BACKUP_SUFFIX, 'older\n');
    expect(() => installHook(repo, { command: fake, force: true })).toThrow(/already exists \(an earlier --force\)/);
    expect(fs.readFileSync(hook + BACKUP_SUFFIX, 'utf8')).toBe('older\n');
    expect(fs.readFileSync(hook, 'utf8')).toBe('#!/bin/sh\nexit 0\n');
  });

  test('uninstall removes our hook; without one it says so', () => {
    installHook(repo, { command: fake });
    expect(uninstallHook(repo).action).toBe('removed');
    expect(fs.existsSync(path.join(repo, '.git/hooks/pre-commit'))).toBe(false);
    expect(uninstallHook(repo).action).toBe('absent');
    expect(hookStatus(repo).state).toBe('absent');
    expect(commit('c.c').status).toBe(0);
    expect(fs.existsSync(record)).toBe(false);
  });

  test('core.hooksPath is honoured (relative to the top of the working tree, or absolute)', () => {
    expect(git(['config', 'core.hooksPath', '.githooks']).status).toBe(0);
    const r = installHook(path.join(repo), { command: fake });
    expect(r.hook).toBe(path.join(repo, '.githooks/pre-commit'));
    expect(commit('a.c').status).toBe(0);
    expect(recorded().argv).toEqual(['check', '--staged', '.']);

    const abs = path.join(tmp, 'shared-hooks');
    expect(git(['config', 'core.hooksPath', abs]).status).toBe(0);
    fs.mkdirSync(path.join(repo, 'sub'));
    expect(installHook(path.join(repo, 'sub'), { command: fake }).hook).toBe(path.join(abs, 'pre-commit'));
  });

  test('a kernel tree in a subdirectory: the hook checks that directory', () => {
    const tree = path.join(repo, 'src', 'linux');
    fs.mkdirSync(tree, { recursive: true });
    const r = installHook(tree, { command: fake });
    expect(r.treeRel).toBe('src/linux');
    expect(locateHook(tree).top).toBe(repo);
    expect(commit('x.c').status).toBe(0);
    expect(recorded()).toEqual({ argv: ['check', '--staged', 'src/linux'], cwd: repo });
  });

  test('paths with quotes and spaces survive the shell', () => {
    const bin = path.join(tmp, "it's a dir", 'kv lint.js');
    fs.mkdirSync(path.dirname(bin));
    fs.copyFileSync(fake.bin, bin);
    installHook(repo, { command: { node: process.execPath, bin } });
    expect(commit('a.c').status).toBe(0);
    expect(recorded().argv).toEqual(['check', '--staged', '.']);
  });

  test('when kvlint is gone the hook blocks the commit and says why', () => {
    installHook(repo, { command: { node: process.execPath, bin: path.join(tmp, 'gone.js') } });
    const r = commit('a.c', { PATH: '/usr/bin:/bin' });
    expect(r.status).not.toBe(0);
    expect(r.out).toContain('kvlint pre-commit hook: kvlint not found');
    expect(r.out).toContain('kvlint hook uninstall');
  });

  test('outside a git working tree: a clear input error', () => {
    const plain = path.join(tmp, 'plain');
    fs.mkdirSync(plain);
    expect(() => installHook(plain, { command: fake })).toThrow(/is not inside a git working tree/);
    expect(() => installHook(path.join(tmp, 'nope'))).toThrow(/no such directory/);
  });

  test('the hook script starts this kvlint installation by default', () => {
    const t = hookScript('.', thisKvlint());
    expect(t).toContain(`KVLINT_NODE='${process.execPath}'`);
    expect(t).toMatch(/KVLINT_BIN='.*\/bin\/kvlint\.js'/);
    expect(fs.existsSync(thisKvlint().bin)).toBe(true);
  });

  test('through the command line: exit codes and messages', async () => {
    const out: string[] = [];
    const err: string[] = [];
    const io: CliIO = { stdout: (s) => void out.push(s), stderr: (s) => void err.push(s), isTTY: false, stderrTTY: false, cwd: repo, env: {} };
    expect(await main(['hook', 'status'], io)).toBe(0);
    expect(out.pop()).toBe(`not installed: no ${path.join(repo, '.git/hooks/pre-commit')}\n`);
    expect(await main(['hook', 'install'], io)).toBe(0);
    expect(out.pop()).toBe(`kvlint: installed ${path.join(repo, '.git/hooks/pre-commit')} (runs kvlint check --staged .)\n`);
    expect(await main(['hook', 'status', '.'], io)).toBe(0);
    expect(out.pop()).toMatch(/^installed: /);
    expect(await main(['hook', 'uninstall', '-q'], io)).toBe(0);
    expect(out).toEqual([]);
    fs.writeFileSync(path.join(repo, '.git/hooks/pre-commit'), '#!/bin/sh\n');
    expect(await main(['hook', 'install'], io)).toBe(2);
    expect(err.pop()).toMatch(/^kvlint: .*pre-commit exists and was not written by kvlint/);
    expect(await main(['hook', 'install', '--force'], io)).toBe(0);
    expect(out.pop()).toMatch(/the previous hook is kept as .*pre-commit\.kvlint-backup\n$/);
    expect(await main(['hook', 'remove'], io)).toBe(2);
    expect(err.pop()).toMatch(/Invalid values|Choices/);
  });
});
