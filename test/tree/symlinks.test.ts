import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { KernelTree } from '../../src/tree/tree.js';

// A tree on disk whose symlinks point inside and outside it: what is outside never reads as part of the tree.
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kvl-tree-'));
const root = path.join(tmp, 'tree');
const outside = path.join(tmp, 'outside');
fs.mkdirSync(path.join(root, 'drivers/x'), { recursive: true });
fs.mkdirSync(outside);
fs.writeFileSync(path.join(outside, 'secret.h'), 'outside\n');
fs.writeFileSync(path.join(root, 'drivers/x/a.c'), 'int a;\n');
fs.symlinkSync(path.join(outside, 'secret.h'), path.join(root, 'drivers/x/leak.h'));
fs.symlinkSync(outside, path.join(root, 'drivers/out'));
fs.symlinkSync('x', path.join(root, 'drivers/alias'));
fs.symlinkSync('a.c', path.join(root, 'drivers/x/b.c'));
fs.symlinkSync('nowhere.c', path.join(root, 'drivers/x/dangling.c'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('KernelTree on disk, symlinks', () => {
  const t = new KernelTree(root);

  it('answers for plain files and directories', () => {
    expect(t.isFile('drivers/x/a.c')).toBe(true);
    expect(t.isDir('drivers/x')).toBe(true);
    expect(t.isFile('drivers/x')).toBe(false);
    expect(t.isFile('drivers/x/missing.c')).toBe(false);
    expect(t.tryReadText('drivers/x/a.c')).toBe('int a;\n');
  });

  it('follows links that stay inside the tree', () => {
    expect(t.isFile('drivers/x/b.c')).toBe(true);
    expect(t.isDir('drivers/alias')).toBe(true);
    expect(t.isFile('drivers/alias/a.c')).toBe(true);
    expect(t.tryReadText('drivers/alias/b.c')).toBe('int a;\n');
  });

  it('never reads through a link that leaves the tree, a file or a directory above it', () => {
    expect(t.isFile('drivers/x/leak.h')).toBe(false);
    expect(t.tryReadText('drivers/x/leak.h')).toBeUndefined();
    expect(t.isDir('drivers/out')).toBe(false);
    expect(t.isFile('drivers/out/secret.h')).toBe(false);
    expect(t.tryReadText('drivers/out/secret.h')).toBeUndefined();
    expect(() => t.abs('drivers/out/secret.h')).toThrow(/escapes the tree root through a symlink/);
    expect(() => t.abs('drivers/x/leak.h')).toThrow(/escapes the tree root through a symlink/);
  });

  it('a path through a file is nothing (ENOTDIR is an answer, not an error)', () => {
    expect(t.isFile('drivers/x/a.c/Kconfig')).toBe(false);
    expect(t.isDir('drivers/x/a.c/sub')).toBe(false);
    expect(t.exists('drivers/x/a.c/Kconfig')).toBe(false);
    expect(t.tryReadText('drivers/x/a.c/Kconfig')).toBeUndefined();
  });

  it('a dangling link is nothing', () => {
    expect(t.isFile('drivers/x/dangling.c')).toBe(false);
    expect(t.exists('drivers/x/dangling.c')).toBe(false);
  });
});
