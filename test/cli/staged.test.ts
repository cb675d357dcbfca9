import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundledTreePath } from '../../src/tree/tree.js';
import { runCli } from '../support/cli.js';

/**
 * The pre-commit scenario of issue 7 in a temporary git repository holding the bundled tree: a staged break is
 * reported alone (the tree's existing SMP=n finding is not the change's), an unrelated change passes, and neither
 * the working tree nor the index changes.
 */
describe('kvlint check --staged / --since', () => {
  let repo: string;
  const git = (...args: string[]) => execFileSync('git', args, { cwd: repo, encoding: 'utf8' });

  function snapshot(): string {
    const h = createHash('sha1');
    const walk = (dir: string) => {
      for (const e of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
        const p = path.join(dir, e.name);
        if (e.name === '.git') continue;
        if (e.isDirectory()) walk(p);
        else h.update(p).update(fs.readFileSync(p));
      }
    };
    walk(repo);
    h.update(fs.readFileSync(path.join(repo, '.git', 'index')));
    return h.digest('hex');
  }

  beforeAll(() => {
    repo = fs.mkdtempSync(path.join(os.tmpdir(), 'kvlint-staged-'));
    fs.cpSync(bundledTreePath(), repo, { recursive: true });
    git('init', '-q');
    git('-c', 'user.name=t', '-c', 'user.email=t@example.com', 'add', '.');
    git('-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '-qm', 'fixture');
  });
  afterAll(() => fs.rmSync(repo, { recursive: true, force: true }));

  const zram = () => path.join(repo, 'drivers/staging/zram/zram_drv.c');

  it('exits 1 with exactly the finding a staged change introduces, without touching tree or index', async () => {
    const text = fs.readFileSync(zram(), 'utf8');
    // zram (a module) starts calling a vmlinux function that is not exported
    fs.writeFileSync(zram(), text.replace('static int __init zram_init(void)\n{', 'extern void mem_init(void);\n\nstatic int __init zram_init(void)\n{\n\tmem_init();'));
    git('add', 'drivers/staging/zram/zram_drv.c');
    // an unstaged edit on top must not count: the index is what gets committed
    fs.appendFileSync(zram(), '\n/* unstaged */\n');
    const before = snapshot();
    const r = await runCli(['check', '--staged', '--format', 'json', repo]);
    expect(snapshot()).toBe(before);
    expect(r.stderr).toBe('');
    const report = JSON.parse(r.stdout) as { diagnostics: { code: string; message: string }[] };
    expect(report.diagnostics.map((d) => `${d.code} ${d.message}`)).toEqual([
      'X001 "mem_init" [drivers/staging/zram/zram.ko] undefined!',
    ]);
    expect(r.code).toBe(1);
    git('checkout', '-q', 'HEAD', '--', 'drivers/staging/zram/zram_drv.c');
    fs.writeFileSync(zram(), text);
  });

  it('exits 0 for a staged change that breaks nothing, though the tree has a known finding', async () => {
    const printk = path.join(repo, 'kernel/printk.c');
    fs.appendFileSync(printk, '\n/* a comment */\n');
    git('add', 'kernel/printk.c');
    const before = snapshot();
    const r = await runCli(['check', '--staged', repo]);
    expect(snapshot()).toBe(before);
    expect(r.code).toBe(0);
    git('reset', '-q', 'HEAD', '--', 'kernel/printk.c');
    git('checkout', '-q', '--', 'kernel/printk.c');
  });

  it('tree-wide rules (K004) report what the staged files introduce', async () => {
    const text = fs.readFileSync(zram(), 'utf8');
    fs.writeFileSync(zram(), text + '\n#ifdef CONFIG_ZRAM_NO_SUCH_OPTION\nint zram_unused;\n#endif\n');
    git('add', 'drivers/staging/zram/zram_drv.c');
    const r = await runCli(['check', '--staged', '--format', 'gcc', repo]);
    expect(r.stdout).toMatch(/zram_drv\.c:\d+:\d+: warning: symbol ZRAM_NO_SUCH_OPTION is referenced but not defined in any Kconfig file \[K004\]/);
    expect(r.stdout.match(/\[K004\]/g)).toHaveLength(1);
    git('reset', '-q', 'HEAD', '--', 'drivers/staging/zram/zram_drv.c');
    fs.writeFileSync(zram(), text);
  });

  it('tree-wide rules (K004) read a staged directory Makefile above built objects, and not one above none', async () => {
    const mk = path.join(repo, 'drivers/staging/Makefile');
    const text = fs.readFileSync(mk, 'utf8');
    fs.writeFileSync(mk, text + 'obj-$(CONFIG_STAGING_NO_SUCH_DIR)\t+= nosuch/\n');
    const orphan = path.join(repo, 'drivers/staging/zram/unused/Makefile');
    fs.mkdirSync(path.dirname(orphan));
    fs.writeFileSync(orphan, 'obj-$(CONFIG_ORPHAN_NO_SUCH_OPTION) += x.o\n');
    git('add', 'drivers/staging/Makefile', 'drivers/staging/zram/unused/Makefile');
    const r = await runCli(['check', '--staged', '--format', 'gcc', repo]);
    expect(r.stdout).toMatch(/drivers\/staging\/Makefile:\d+:\d+: warning: symbol STAGING_NO_SUCH_DIR is referenced but not defined in any Kconfig file \[K004\]/);
    // (a makefile kbuild never reads is not part of what the run read)
    expect(r.stdout).not.toContain('ORPHAN_NO_SUCH_OPTION');
    expect(r.stdout.match(/\[K004\]/g)).toHaveLength(1);
    git('reset', '-q', 'HEAD', '--', 'drivers/staging/Makefile', 'drivers/staging/zram/unused/Makefile');
    fs.writeFileSync(mk, text);
    fs.rmSync(path.dirname(orphan), { recursive: true });
  });

  it('--since REV reports what the working tree introduced after REV', async () => {
    const text = fs.readFileSync(zram(), 'utf8');
    fs.writeFileSync(zram(), text.replace('static void __exit zram_exit(void)\n{', 'extern void setup_arch(char **);\n\nstatic void __exit zram_exit(void)\n{\n\tsetup_arch(0);'));
    const r = await runCli(['check', '--since', 'HEAD', '--format', 'gcc', repo]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('"setup_arch" [drivers/staging/zram/zram.ko] undefined! [X001]');
    expect(r.stdout).not.toContain('v7wbi_flush_kern_tlb_range');
    git('checkout', '-q', '--', '.');
  });

  it('says so when the tree is not in a git repository', async () => {
    // (the bundled tree itself lives inside kvlint's own repository: use a plain copy)
    const plain = fs.mkdtempSync(path.join(os.tmpdir(), 'kvlint-nogit-'));
    fs.cpSync(bundledTreePath(), plain, { recursive: true });
    const r2 = await runCli(['check', '--staged', plain]);
    fs.rmSync(plain, { recursive: true, force: true });
    expect(r2.code).toBe(2);
    expect(r2.stderr).toMatch(/not inside a git repository/);
  });
});
