import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { sinceTrees, stagedTrees } from '../../src/engine/git.js';
import { blobId } from '../../src/tree/tree.js';

/**
 * The two trees of a --staged / --since run, and the content hashes they take from git instead of reading files:
 * each must be the hash of the content that tree shows.
 */
describe('trees of a change, from git', () => {
  const repo = fs.mkdtempSync(path.join(os.tmpdir(), 'kvlint-git-trees-'));
  const git = (...a: string[]) => execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...a], { cwd: repo, encoding: 'utf8' });
  const hashOf = (rel: string) => git('hash-object', rel).trim();
  afterAll(() => fs.rmSync(repo, { recursive: true, force: true }));
  git('init', '-q');
  fs.mkdirSync(path.join(repo, 'k'));
  fs.writeFileSync(path.join(repo, 'k/a.c'), 'int a;\n');
  fs.writeFileSync(path.join(repo, 'k/b.h'), '#define B 1\n');
  fs.writeFileSync(path.join(repo, 'k/c.c'), 'int c;\n');
  git('add', '.');
  git('commit', '-qm', 'one');
  const headA = hashOf('k/a.c');
  const headC = hashOf('k/c.c');

  it('--staged: base shows HEAD, change shows the index; hashes agree with the content shown', async () => {
    fs.writeFileSync(path.join(repo, 'k/a.c'), 'int a = 1;\n');
    git('add', 'k/a.c');
    const stagedA = hashOf('k/a.c');
    // an unstaged edit on top: neither tree shows it
    fs.writeFileSync(path.join(repo, 'k/a.c'), 'int a = 2;\n');
    fs.writeFileSync(path.join(repo, 'k/c.c'), 'int c = 2;\n');
    const t = await stagedTrees(repo);
    expect(t.changed).toEqual(['k/a.c']);
    expect(t.base.readText('k/a.c')).toBe('int a;\n');
    expect(t.base.hash('k/a.c')).toBe(headA);
    expect(t.change.readText('k/a.c')).toBe('int a = 1;\n');
    expect(t.change.hash('k/a.c')).toBe(stagedA);
    for (const tree of [t.base, t.change]) {
      expect(tree.readText('k/c.c')).toBe('int c;\n');
      expect(tree.hash('k/c.c')).toBe(headC);
      expect(tree.hash('k/b.h')).toBe(blobId('#define B 1\n'));
    }
    git('reset', '-q', '--hard');
  });

  it('--since REV: base shows REV, change the working tree, untracked files included', async () => {
    fs.writeFileSync(path.join(repo, 'k/a.c'), 'int a = 3;\n');
    fs.writeFileSync(path.join(repo, 'k/new.c'), 'int n;\n');
    const t = await sinceTrees(repo, 'HEAD');
    expect(t.changed).toEqual(['k/a.c']);
    expect(t.base.hash('k/a.c')).toBe(headA);
    expect(t.change.hash('k/a.c')).toBe(blobId('int a = 3;\n'));
    expect(t.change.hash('k/new.c')).toBe(blobId('int n;\n'));
    expect(t.change.hash('k/c.c')).toBe(headC);
    git('reset', '-q', '--hard');
    fs.rmSync(path.join(repo, 'k/new.c'));
  });

  it('takes no hash from git when checkout may convert contents (.gitattributes eol)', async () => {
    fs.writeFileSync(path.join(repo, '.gitattributes'), '*.c text eol=crlf\n');
    git('add', '.gitattributes');
    git('commit', '-qm', 'attrs');
    // a file whose bytes on disk differ from its blob: the hash must describe the bytes
    fs.writeFileSync(path.join(repo, 'k/c.c'), 'int c;\r\n');
    const t = await stagedTrees(repo);
    expect(t.change.hash('k/c.c')).toBe(blobId(t.change.readText('k/c.c')));
  });
});
