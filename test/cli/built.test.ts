import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundledTreePath, packageRoot } from '../../src/tree/tree.js';

/**
 * kvlint as users run it: compiled JavaScript (the worker pool needs it), started as a process. The build goes to a
 * temporary directory laid out like the package.
 */
describe('compiled kvlint', () => {
  const root = packageRoot();
  let dir: string;

  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kvlint-built-'));
    execFileSync(process.execPath, [path.join(root, 'node_modules/typescript/bin/tsc'), '-p', path.join(root, 'tsconfig.build.json'), '--outDir', path.join(dir, 'dist')], { cwd: root });
    fs.copyFileSync(path.join(root, 'package.json'), path.join(dir, 'package.json'));
    for (const d of ['node_modules', 'toolchains', 'fixtures']) fs.symlinkSync(path.join(root, d), path.join(dir, d));
    fs.mkdirSync(path.join(dir, 'bin'));
    fs.copyFileSync(path.join(root, 'bin/kvlint.js'), path.join(dir, 'bin/kvlint.js'));
  }, 300_000);
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  function kvlint(args: string[], timeout?: number) {
    const r = spawnSync(process.execPath, [path.join(dir, 'bin/kvlint.js'), ...args], {
      encoding: 'utf8',
      cwd: dir,
      env: { ...process.env, KVLINT_CACHE_DIR: path.join(dir, 'cache') },
      ...(timeout ? { timeout } : {}),
    });
    return { code: r.status, stdout: r.stdout, stderr: r.stderr };
  }

  /** A git repository of the bundled tree (committed) whose zram_drv.c now calls mem_init (a new X001), unstaged. */
  function repoWithNewCall(name: string) {
    const repo = path.join(dir, name);
    fs.cpSync(bundledTreePath(), repo, { recursive: true });
    const git = (...a: string[]) => execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...a], { cwd: repo });
    git('init', '-q');
    git('add', '.');
    git('commit', '-qm', 'base');
    const zram = path.join(repo, 'drivers/staging/zram/zram_drv.c');
    fs.writeFileSync(zram, fs.readFileSync(zram, 'utf8').replace('static int __init zram_init(void)\n{', 'extern void mem_init(void);\n\nstatic int __init zram_init(void)\n{\n\tmem_init();'));
    return { repo, git };
  }

  it('gives the same findings with a worker pool as in one thread', () => {
    const one = kvlint(['check', bundledTreePath(), '--jobs', '1', '--no-cache', '--format', 'json']);
    const two = kvlint(['check', bundledTreePath(), '--jobs', '2', '--no-cache', '--format', 'json']);
    expect(one.stderr).toBe('');
    expect(two.stderr).toBe('');
    expect(one.code).toBe(1);
    expect(two.code).toBe(1);
    const strip = (s: string) => {
      const j = JSON.parse(s) as { summary: Record<string, unknown> };
      delete j.summary.durationMs;
      return j;
    };
    expect(strip(two.stdout)).toEqual(strip(one.stdout));
  });

  it('runs from the bin with no tree argument (the README command): the founding error, exit 1', () => {
    const r = kvlint(['check']);
    expect(r.stdout).toContain('error[X001] "v7wbi_flush_kern_tlb_range" [drivers/staging/zsmalloc/zsmalloc.ko] undefined!');
    expect(r.stdout.match(/^error\[/gm)).toHaveLength(1);
    expect(r.code).toBe(1);
    const smpY = kvlint(['check', '--config', 'SMP=y']);
    expect(smpY.code).toBe(0);
  });

  it('--staged with workers: the change units analysed ahead of time give exactly the staged finding', () => {
    const { repo, git } = repoWithNewCall('staged-repo');
    git('add', 'drivers/staging/zram/zram_drv.c');
    // a header too: every unit including it is analysed again for the change
    const glue = path.join(repo, 'arch/arm/include/asm/glue.h');
    fs.appendFileSync(glue, '\n/* touched */\n');
    git('add', 'arch/arm/include/asm/glue.h');
    for (let i = 0; i < 2; i++) {
      const r = kvlint(['check', '--staged', '--jobs', '2', '--format', 'gcc', repo]);
      expect(r.stderr).toBe('');
      expect(r.stdout.split('\n').filter((l) => / error: /.test(l))).toEqual([
        // tree-relative, as modpost and kbuild print paths, from whatever directory kvlint runs in
        expect.stringMatching(/^drivers\/staging\/zram\/zram_drv\.c:\d+:\d+: error: "mem_init" \[drivers\/staging\/zram\/zram\.ko\] undefined! \[X001\]$/),
      ]);
      expect(r.code).toBe(1);
    }
  });

  it('--staged that fails after the change units started early still ends (exit 2, the reason, no thread left running)', () => {
    const { repo, git } = repoWithNewCall('early-fail-repo');
    git('add', 'drivers/staging/zram/zram_drv.c');
    // a first run leaves the hints that make the next one start the changed unit as soon as git names it
    expect(kvlint(['check', '--staged', '--jobs', '2', '--format', 'gcc', repo], 120_000).code).toBe(1);
    // the staged settings are invalid (the ones on disk are not): the run fails once git has answered
    const settings = path.join(repo, '.kvlint.json');
    fs.writeFileSync(settings, '{ "bogusKey": 1 }\n');
    git('add', '.kvlint.json');
    fs.writeFileSync(settings, '{}\n');
    const r = kvlint(['check', '--staged', '--jobs', '2', '--format', 'gcc', repo], 60_000);
    expect(r.stderr).toContain("unknown key 'bogusKey'");
    expect(r.code).toBe(2);
  });

  it('UnitPrefetch: the change unit comes from the prefetch thread, the same as analysed in the change run', () => {
    const { repo, git } = repoWithNewCall('prefetch-repo');
    git('add', 'drivers/staging/zram/zram_drv.c');
    const d = (p: string) => JSON.stringify(path.join(dir, 'dist/src', p));
    // the base run gives the job to the thread and then runs to its end without the main thread returning to its
    // event loop (plus a busy second): the thread must have been given the job synchronously
    const script = `
      import { stagedTrees } from ${d('engine/git.js')};
      import { runCheck } from ${d('engine/check.js')};
      import { loadSettings } from ${d('settings/index.js')};
      const ch = await stagedTrees(${JSON.stringify(repo)});
      const changed = new Set(ch.changed);
      const common = { selection: { overrides: { SMP: 'n' }, axes: [] }, settings: loadSettings(ch.change), cacheDir: null, jobs: 2, onlyFiles: changed };
      const base = await runCheck({ ...common, tree: ch.base, prefetchFor: { tree: ch.change, changed, addedOrRemoved: false } });
      for (const t = Date.now(); Date.now() - t < 1000; );
      const reuse = { result: base.run, changed, addedOrRemoved: false };
      const change = await runCheck({ ...common, tree: ch.change, prefetched: base.prefetch, cache: base.run.cache.derive(ch.change, ch.changed), reuse });
      const alone = await runCheck({ ...common, tree: ch.change, jobs: 1 });
      const key = (r) => JSON.stringify(r.diagnostics.map((x) => [x.fingerprint, x.primary, x.message]));
      console.log(JSON.stringify({ prefetched: change.run.runs.map((r) => r.stats.prefetched), same: key(change) === key(alone), x001: change.diagnostics.filter((x) => x.code === 'X001').map((x) => x.fingerprint) }));
    `;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', cwd: dir });
    expect(r.stderr).toBe('');
    const out = JSON.parse(r.stdout) as { prefetched: number[]; same: boolean; x001: string[] };
    // the bundled tree has fewer units than the worker threshold: an explicit --jobs starts the thread anyway
    expect(out.prefetched).toEqual([1]);
    expect(out.same).toBe(true);
    expect(out.x001.filter((f) => f.includes('mem_init'))).toHaveLength(1);
  });

  it('UnitPrefetch: the next run starts the previous run\'s job for the same source before its configuration is known', () => {
    const { repo } = repoWithNewCall('speculate-repo');
    const zram = path.join(repo, 'drivers/staging/zram/zram_drv.c');
    const text = fs.readFileSync(zram, 'utf8');
    const d = (p: string) => JSON.stringify(path.join(dir, 'dist/src', p));
    const script = `
      import * as fs from 'node:fs';
      import { execFileSync } from 'node:child_process';
      import { stagedTrees } from ${d('engine/git.js')};
      import { runCheck } from ${d('engine/check.js')};
      import { loadSettings } from ${d('settings/index.js')};
      const repo = ${JSON.stringify(repo)};
      const cacheDir = ${JSON.stringify(path.join(dir, 'speculate-cache'))};
      const out = [];
      for (const n of [1, 2]) {
        fs.writeFileSync(${JSON.stringify(zram)}, ${JSON.stringify(text)} + '\\n/* change ' + n + ' */\\n');
        execFileSync('git', ['add', 'drivers/staging/zram/zram_drv.c'], { cwd: repo });
        const ch = await stagedTrees(repo);
        const changed = new Set(ch.changed);
        const common = { selection: { overrides: { SMP: 'n' }, axes: [] }, settings: loadSettings(ch.change), cacheDir, jobs: 2, onlyFiles: changed };
        const base = await runCheck({ ...common, tree: ch.base, prefetchFor: { tree: ch.change, changed, addedOrRemoved: false }, fingerprintsOnly: true });
        const reuse = { result: base.run, changed, addedOrRemoved: false, newOnly: true };
        const change = await runCheck({ ...common, tree: ch.change, prefetched: base.prefetch, cache: base.run.cache.derive(ch.change, ch.changed), reuse });
        out.push({ speculated: base.prefetch.speculated, posted: base.prefetch.posted, prefetched: change.run.runs.map((r) => r.stats.prefetched), x001: change.diagnostics.filter((x) => x.code === 'X001').length });
      }
      console.log(JSON.stringify(out));
    `;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', cwd: dir });
    expect(r.stderr).toBe('');
    const [first, second] = JSON.parse(r.stdout) as { speculated: number; posted: number; prefetched: number[]; x001: number }[];
    // the first run has nothing to go by; the second starts the same job at once, and the base run's job is that one
    expect(first).toMatchObject({ speculated: 0, posted: 1, prefetched: [1] });
    expect(second).toMatchObject({ speculated: 1, posted: 1, prefetched: [1] });
    // the staged change calls mem_init (a new X001) in both runs; the comment changes nothing else
    expect(first!.x001).toBeGreaterThan(0);
    expect(second!.x001).toBe(first!.x001);
  });

  it('the worker pool works when node was started with --input-type=module -e (workers inherit node options)', () => {
    const main = path.join(dir, 'dist/src/cli/main.js');
    const script = `import { main } from ${JSON.stringify(main)}; process.exitCode = await main(process.argv.slice(1));`;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script, 'check', bundledTreePath(), '--jobs', '2', '--no-cache', '--format', 'gcc'], {
      encoding: 'utf8',
      cwd: dir,
    });
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain('"v7wbi_flush_kern_tlb_range" [drivers/staging/zsmalloc/zsmalloc.ko] undefined! [X001]');
    expect(r.status).toBe(1);
  });

  it('abandons a unit that does not finish within its budget (E001, exit 2) and keeps every other result', () => {
    // a macro bomb: an initializer of 2^23 elements to expand and parse, far over a 2 s budget
    const tree = path.join(dir, 'bomb-tree');
    fs.cpSync(bundledTreePath(), tree, { recursive: true });
    const lines = ['#define B0 1'];
    for (let i = 1; i <= 23; i++) lines.push(`#define B${i} B${i - 1}, B${i - 1}`);
    fs.writeFileSync(path.join(tree, 'arch/arm/mm/bomb.c'), lines.join('\n') + '\nint bomb_values[] = { B23 };\n');
    fs.appendFileSync(path.join(tree, 'arch/arm/mm/Makefile'), 'obj-y\t+=\tbomb.o\n');
    const t0 = Date.now();
    const r = spawnSync(process.execPath, [path.join(dir, 'bin/kvlint.js'), 'check', tree, '--config', 'SMP=n', '--jobs', '2', '--no-cache', '--format', 'gcc'], {
      encoding: 'utf8',
      env: { ...process.env, KVLINT_UNIT_BUDGET_MS: '2000' },
    });
    expect(r.stdout + r.stderr).toContain('analysis of arch/arm/mm/bomb.c did not finish within 2 s and was abandoned');
    expect(r.stdout).toContain('"v7wbi_flush_kern_tlb_range" [drivers/staging/zsmalloc/zsmalloc.ko] undefined!');
    expect(r.status).toBe(2);
    expect(Date.now() - t0).toBeLessThan(120_000);
  }, 180_000);
});
