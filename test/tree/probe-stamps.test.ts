import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { KernelTree } from '../../src/tree/tree.js';

// Existence answers vouched for by directory stamps (what a cached Kbuild graph depends on besides file contents).
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kvl-stamps-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

function makeTree(name: string): string {
  const root = path.join(tmp, name);
  fs.mkdirSync(path.join(root, 'drivers/x'), { recursive: true });
  fs.writeFileSync(path.join(root, 'drivers/x/a.c'), 'int a;\n');
  fs.writeFileSync(path.join(root, 'drivers/x/Makefile'), 'obj-y += a.o\n');
  fs.symlinkSync('a.c', path.join(root, 'drivers/x/link.c'));
  // directories last changed a minute ago: not "racy"
  const old = new Date(Date.now() - 60000);
  for (const d of ['', 'drivers', 'drivers/x']) fs.utimesSync(path.join(root, d), old, old);
  return root;
}

function ask(t: KernelTree) {
  return t.recordReads(() => {
    t.isFile('drivers/x/a.c');
    t.isFile('drivers/x/a.S');
    t.isFile('drivers/x/link.c');
    t.isDir('drivers/x');
    t.listDir('drivers/x');
  }, true).probes;
}

describe('existence answers checked by directory stamps', () => {
  it('an unchanged directory vouches for its answers (they are not asked again)', () => {
    const t = new KernelTree(makeTree('same'));
    const probes = ask(t);
    const stamps = t.stampProbes(probes, Date.now());
    expect(stamps.dirs.map(([d]) => d).sort()).toEqual(['drivers', 'drivers/x']);
    // the symlink's answer depends on its target, not on its directory
    expect(stamps.always).toEqual(['f:drivers/x/link.c']);
    expect(new KernelTree(t.root).probesHold(probes, stamps)).toBe(true);
    // a wrong answer under a stamped directory is taken as recorded: proof that it is not asked
    const doctored = new Map(probes).set('f:drivers/x/a.S', '1');
    expect(new KernelTree(t.root).probesHold(doctored, stamps)).toBe(true);
    // …but not under the symlink, which is always asked
    expect(new KernelTree(t.root).probesHold(new Map(probes).set('f:drivers/x/link.c', '0'), stamps)).toBe(false);
  });

  it('a file that appears or disappears changes its directory: the answers are asked again', () => {
    const root = makeTree('appear');
    const t = new KernelTree(root);
    const probes = ask(t);
    const stamps = t.stampProbes(probes, Date.now());
    fs.writeFileSync(path.join(root, 'drivers/x/a.S'), '/* asm */\n');
    expect(new KernelTree(root).probesHold(probes, stamps)).toBe(false);
    fs.rmSync(path.join(root, 'drivers/x/a.S'));
    fs.rmSync(path.join(root, 'drivers/x/a.c'));
    expect(new KernelTree(root).probesHold(probes, stamps)).toBe(false);
    fs.writeFileSync(path.join(root, 'drivers/x/a.c'), 'int a;\n');
    // (the same answers again, the directory's stamp changed: asked, and they hold)
    expect(new KernelTree(root).probesHold(probes, stamps)).toBe(true);
  });

  it('a directory changed around the time of the answers is not stamped', () => {
    const root = makeTree('racy');
    const t = new KernelTree(root);
    fs.writeFileSync(path.join(root, 'drivers/x/new.h'), '\n');
    const probes = ask(t);
    const stamps = t.stampProbes(probes, Date.now());
    expect(stamps.dirs.map(([d]) => d)).not.toContain('drivers/x');
    expect(new KernelTree(root).probesHold(new Map(probes).set('f:drivers/x/a.S', '1'), stamps)).toBe(false);
  });

  it('an overlay answers for its paths, whatever the directory stamps say', () => {
    const root = makeTree('overlay');
    const t = new KernelTree(root);
    const probes = ask(t);
    const stamps = t.stampProbes(probes, Date.now());
    expect(t.withOverlay(new Map([['drivers/x/a.S', '/* staged */\n']])).probesHold(probes, stamps)).toBe(false);
    expect(t.withOverlay(new Map([['drivers/x/a.c', null]])).probesHold(probes, stamps)).toBe(false);
    expect(t.withOverlay(new Map([['drivers/x/sub/b.c', 'int b;\n']])).probesHold(probes, stamps)).toBe(false);
    expect(t.withOverlay(new Map([['drivers/x/a.c', 'int a2;\n']])).probesHold(probes, stamps)).toBe(true);
  });

  it('a tree in memory stamps nothing', () => {
    const t = KernelTree.fromFiles({ 'drivers/x/a.c': 'int a;\n' });
    const probes = ask(t);
    const stamps = t.stampProbes(probes, Date.now());
    expect(stamps.dirs).toEqual([]);
    expect(t.probesHold(new Map(probes).set('f:drivers/x/a.S', '1'), stamps)).toBe(false);
  });
});
