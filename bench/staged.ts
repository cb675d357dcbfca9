/**
 * Warm `kvlint check --staged` for a one-file change (issue 7: target ≤ 2 s warm), on the bundled tree and, when
 * installed, on the real Linux tree. The real tree is never written: its git repository lives in a temporary
 * GIT_DIR whose work tree is the tree, and the staged change is a blob put straight into that index.
 *
 *   scripts/ground-truth/run-ts.sh bench/staged.ts [--real] [--runs N] [--cache-dir DIR] [--git-dir DIR]
 *
 * It runs the kvlint compiled with it (so a unit cache warmed by bench/check-real.ts, compiled the same way, is
 * valid: the cache is tagged with the analysis code). `--cache-dir` starts from (and keeps) that cache, so the real
 * tree's "cold" run is only as cold as the cache given; without it a fresh temporary cache is used. KVLINT_OBJTREE:
 * the kbuild output directory for generated headers (the same as the warming run's --objtree).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { bundledTreePath } from '../src/tree/tree.js';
import { linuxDir } from '../test/support/linux.js';

const args = process.argv.slice(2);
const runs = Number(args[args.indexOf('--runs') + 1] || 3) || 3;
// the CLI compiled next to this file (run-ts.sh: node_modules/.cache/kvlint-scripts; tsc: dist)
const mainUrl = pathToFileURL(path.join(path.dirname(fileURLToPath(import.meta.url)), '../src/cli/main.js')).href;
const launcher = ['--input-type=module', '-e', `import { main } from ${JSON.stringify(mainUrl)}; process.exitCode = await main(process.argv.slice(1));`];
const keepCache = args.includes('--cache-dir') ? path.resolve(args[args.indexOf('--cache-dir') + 1]!) : undefined;
const cacheDir = keepCache ?? fs.mkdtempSync(path.join(os.tmpdir(), 'kvlint-bench-staged-cache-'));

function timeCheck(tree: string, env: NodeJS.ProcessEnv, extra: string[]): { ms: number; code: number | null; out: string } {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [...launcher, 'check', '--staged', '--quiet', '--format', 'gcc', '--cache-dir', cacheDir, ...extra, tree], { encoding: 'utf8', env });
  return { ms: performance.now() - t0, code: r.status, out: (r.stdout + r.stderr).slice(0, 400) };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function bench(label: string, tree: string, env: NodeJS.ProcessEnv, stage: (i: number) => void, extra: string[] = []): void {
  stage(0);
  const cold = timeCheck(tree, env, extra);
  const warm: number[] = [];
  const codes = new Set<number | null>();
  for (let i = 1; i <= runs; i++) {
    stage(i);
    const r = timeCheck(tree, env, extra);
    warm.push(r.ms);
    codes.add(r.code);
  }
  console.log(`${label}: cold ${(cold.ms / 1000).toFixed(2)} s (exit ${cold.code}); warm one-file change, median of ${runs}: ${(median(warm) / 1000).toFixed(2)} s [${warm.map((w) => (w / 1000).toFixed(2)).join(', ')}] (exit ${[...codes].join('/')})`);
  if (cold.code !== 0) console.log(`  ${cold.out}`);
}

// ---- the bundled tree, in a temporary repository
{
  const repo = fs.mkdtempSync(path.join(os.tmpdir(), 'kvlint-bench-staged-'));
  fs.cpSync(bundledTreePath(), repo, { recursive: true });
  const git = (...a: string[]) => execFileSync('git', ['-c', 'user.name=b', '-c', 'user.email=b@example.com', ...a], { cwd: repo });
  git('init', '-q');
  git('add', '.');
  git('commit', '-qm', 'base');
  const f = path.join(repo, 'drivers/staging/zram/zram_drv.c');
  const text = fs.readFileSync(f, 'utf8');
  bench('bundled tree (2 configurations, 31 units)', repo, process.env, (i) => {
    fs.writeFileSync(f, text + `\n/* change ${i} */\n`);
    git('add', 'drivers/staging/zram/zram_drv.c');
  });
  fs.rmSync(repo, { recursive: true, force: true });
}

// ---- the real tree (read-only): GIT_DIR outside it
if (args.includes('--real')) {
  const tree = linuxDir();
  if (!tree) {
    console.log('real tree: not installed (scripts/get-linux.sh)');
  } else {
    // --git-dir DIR: keep the repository between runs (building it takes a minute)
    const keepGit = args.includes('--git-dir') ? path.resolve(args[args.indexOf('--git-dir') + 1]!) : undefined;
    const gitDir = keepGit ?? fs.mkdtempSync(path.join(os.tmpdir(), 'kvlint-bench-gitdir-'));
    const env = { ...process.env, GIT_DIR: gitDir, GIT_WORK_TREE: tree };
    const git = (...a: string[]) => execFileSync('git', ['-c', 'user.name=b', '-c', 'user.email=b@example.com', ...a], { cwd: tree, env, maxBuffer: 1 << 30 });
    if (!keepGit || spawnSync('git', ['rev-parse', '-q', '--verify', 'HEAD'], { cwd: tree, env }).status !== 0) {
      console.log('real tree: building a git index of the tree in GIT_DIR …');
      git('init', '-q');
      // -f: Debian's linux-source .gitignore ignores everything at the top level
      git('add', '-A', '-f', '.');
      git('commit', '-qm', 'base');
    }
    const rel = 'drivers/char/mem.c';
    const text = fs.readFileSync(path.join(tree, rel), 'utf8');
    const stage = (content: string) => {
      const blob = execFileSync('git', ['hash-object', '-w', '--stdin'], { cwd: tree, env, input: content }).toString().trim();
      git('update-index', '--cacheinfo', `100644,${blob},${rel}`);
    };
    const flags = ['--arch', 'arm', '--defconfig', 'multi_v7_defconfig', ...(process.env.KVLINT_OBJTREE ? ['--objtree', process.env.KVLINT_OBJTREE] : [])];
    // a comment: the unit's symbols stay the same
    bench('real tree, ARM multi_v7_defconfig, a comment in drivers/char/mem.c', tree, env, (i) => stage(text + `\n/* change ${i} */\n`), flags);
    // a new function calling a vmlinux function: the unit's definitions and references change
    bench(
      'real tree, ARM multi_v7_defconfig, a new function in drivers/char/mem.c',
      tree,
      env,
      (i) => stage(text + `\nint kvlint_bench_${i}(unsigned long pfn);\nint kvlint_bench_${i}(unsigned long pfn)\n{\n\treturn page_is_ram(pfn + ${i});\n}\n`),
      flags,
    );
    if (keepGit) git('reset', '-q');
    else fs.rmSync(gitDir, { recursive: true, force: true });
  }
}
if (!keepCache) fs.rmSync(cacheDir, { recursive: true, force: true });
