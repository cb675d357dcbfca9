import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { type ModelArgv, runModelCommand } from '../../src/cli/commands/model.js';
import type { CliIO } from '../../src/cli/context.js';
import { main } from '../../src/cli/main.js';
import type { UnmapFlush } from '../../src/model/link.js';
import { KernelTree } from '../../src/tree/tree.js';
import type { ConfigSelection } from '../../src/matrix/selection.js';

const repo = path.resolve(__dirname, '../..');
const fixture = path.join(repo, 'fixtures/trees/zsmalloc-arm');

function io(): CliIO & { out: string; err: string } {
  const b = {
    out: '',
    err: '',
    stdout: (s: string) => void (b.out += s),
    stderr: (s: string) => void (b.err += s),
    isTTY: false,
    stderrTTY: false,
    cwd: repo,
    env: {},
  };
  return b;
}

async function run(args: string[]) {
  const b = io();
  const code = await main(args, b);
  return { code, out: b.out, err: b.err };
}

/** The arguments of a printed replay command ("kvlint model zsmalloc … --replay '…'"). */
function replayArgs(cmd: string): string[] {
  const m = /^kvlint (.*) --replay '(.*)'$/.exec(cmd);
  if (!m) throw new Error(`not a replay command: ${cmd}`);
  return [...m[1]!.split(' '), '--replay', m[2]!];
}

describe('kvlint model zsmalloc', () => {
  it('prints the PASS/FAIL matrix, the failures and the cost table; exit 0 when everything claimed safe passes', async () => {
    const r = await run(['model', 'zsmalloc', '--ops', '300']);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const line = (prefix: string) => r.out.split('\n').find((l) => l.startsWith(prefix)) ?? '';
    expect(line('cpus=1 smp=off flush=none')).toMatch(/PASS\s+FAIL \(expected\)\s+LATENT_STALE/);
    expect(line('cpus=1 smp=off flush=local')).toMatch(/PASS\s+PASS/);
    expect(line('cpus=4 smp=on flush=local')).toMatch(/PASS\s+FAIL \(expected\)\s+LATENT_STALE$/);
    expect(line('cpus=4 smp=on flush=global')).toMatch(/PASS\s+PASS/);
    // several CPUs without SMP is not a configuration: no such row
    expect(r.out).not.toMatch(/cpus=4 smp=off/);
    expect(r.out).toMatch(/differential cpus=4 smp=on: copy vs pgtable\+global on the same trace: agree/);
    expect(r.out).toMatch(/shortest trace: \d+ steps \(first seen at step \d+ with seed 1\)/);
    expect(r.out).toMatch(/replay: kvlint model zsmalloc --cpus 4 --smp on --guard on --paths pgtable --flush local --replay '/);
    expect(r.out).toMatch(/^cost \(weights: armv7/m);
    expect(r.out).toMatch(/every combination claimed safe passed/);
  });

  it('exit 2 with a one-line reason on bad flags', async () => {
    const cases: [string[], RegExp][] = [
      [['--cpus', '4', '--smp', 'off'], /--cpus 4 needs --smp on/],
      [['--flush', 'sideways'], /--flush: 'sideways' is not none, local or global/],
      [['--ops', '0'], /--ops must be an integer from 1/],
      [['--era', '2099'], /--era must be 2013 or modern/],
      [['--arch', 'arm'], /--arch chooses a kernel configuration: it needs --tree/],
      [['--chain-size', '8'], /--chain-size applies to --era modern only/],
      [['--replay', 'T0 fly'], /--replay: trace step 1 'T0 fly'/],
      [['--fault', 'gremlins'], /--fault must be one of/],
      [['--tree', fixture, '--smp', 'on'], /--smp comes from the tree's configuration/],
    ];
    for (const [args, re] of cases) {
      const r = await run(['model', 'zsmalloc', ...args]);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.err, args.join(' ')).toMatch(re);
      expect(r.err.trim().split('\n'), args.join(' ')).toHaveLength(1);
      expect(r.out).toBe('');
    }
    const other = await run(['model', 'slab']);
    expect(other.code).toBe(2);
  });

  it('exit 1 when a combination claimed safe fails (a replayed nested map on the copy path)', async () => {
    const r = await run(['model', 'zsmalloc', '--cpus', '1', '--smp', 'off', '--paths', 'copy', '--replay', 'T0 alloc #1 3264; T0 alloc #2 3264; T0 map #2 wo; T0 map #1 wo']);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/FAIL \(claimed safe\)/);
    expect(r.out).toMatch(/NESTED_MAP/);
    expect(r.out).toMatch(/1 combination\(s\) claimed safe failed/);
  });

  it('fault injection: the broken copy path fails (not claimed safe), exit 0', async () => {
    const r = await run(['model', 'zsmalloc', '--cpus', '1', '--smp', 'off', '--paths', 'copy', '--fault', 'skip-copy-back-wo', '--ops', '300']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/cpus=1 smp=off\s+FAIL \(expected\)/);
    expect(r.out).toMatch(/LOST_WRITE/);
    expect(r.out).toMatch(/not claimed safe: fault injected: skip-copy-back-wo/);
    expect(r.out).toMatch(/differential cpus=1 smp=off: copy vs pgtable\+global on the same trace: diverge/);
  });

  it('json: a stable document; the same seed gives byte-identical output, another seed does not', async () => {
    const args = ['model', 'zsmalloc', '--ops', '300', '--format', 'json', '--cpus', '1,2', '--smp', 'on'];
    const a = await run(args);
    const b = await run(args);
    expect(a.code).toBe(0);
    expect(b.out).toBe(a.out);
    const c = await run([...args, '--seed', '2']);
    expect(c.out).not.toBe(a.out);
    const doc = JSON.parse(a.out);
    expect(doc).toMatchObject({ model: 'zsmalloc', era: '2013', pageSize: 4096, seed: 1, ops: 300, exitCode: 0 });
    const part = doc.parts[0];
    expect(part.link).toBeNull();
    expect(part.matrix).toHaveLength(6);
    const local2 = part.runs.find((r: { id: string }) => r.id === 'cpus=2 smp=on pgtable flush=local');
    expect(local2.verdict).toBe('fail');
    expect(local2.claimedSafe).toBe(false);
    expect(local2.failures[0]).toMatchObject({ invariant: 'LATENT_STALE', seed: 1 });
    expect(local2.counters.localFlushes).toBeGreaterThan(0);
    expect(local2.cost.profile).toBe('armv7');
    expect(part.differential.every((d: { agree: boolean }) => d.agree)).toBe(true);
  });

  it('stylish output is byte-identical for the same seed too', async () => {
    const args = ['model', 'zsmalloc', '--ops', '300', '--cpus', '2', '--smp', 'on', '--flush', 'none,local'];
    const a = await run(args);
    expect((await run(args)).out).toBe(a.out);
    expect(a.out).toMatch(/cpus=2 smp=on flush=none/);
  });

  it('runs the modern allocator with 16 KiB pages and the x86 weights', async () => {
    const r = await run(['model', 'zsmalloc', '--era', 'modern', '--chain-size', '4', '--page-size', '16384', '--cost', 'x86', '--cpus', '2', '--smp', 'on', '--ops', '300', '--format', 'json']);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.out);
    expect(doc).toMatchObject({ era: 'modern', pageSize: 16384, costProfile: 'x86' });
    const global = doc.parts[0].runs.find((x: { id: string }) => x.id === 'cpus=2 smp=on pgtable flush=global');
    expect(global.verdict).toBe('pass');
    expect(global.counters.straddlingMaps).toBeGreaterThan(0);
    expect(global.counters.ipis).toBeGreaterThan(0);
  });

  it('the printed replay command reproduces the failure from the shortest trace alone', async () => {
    const a = await run(['model', 'zsmalloc', '--ops', '300', '--format', 'json', '--cpus', '4', '--smp', 'on', '--paths', 'pgtable', '--flush', 'local']);
    const f = JSON.parse(a.out).parts[0].runs[0].failures[0];
    const again = await run([...replayArgs(f.replay), '--format', 'json']);
    const run0 = JSON.parse(again.out).parts[0].runs[0];
    expect(run0.failures.map((x: { invariant: string }) => x.invariant)).toContain(f.invariant);
    expect(run0.steps).toBe(f.trace.length);
    expect(JSON.parse(again.out).seed).toBeNull();
  });

  it('-o writes the report to a file', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kvlint-model-'));
    const file = path.join(dir, 'model.json');
    const r = await run(['model', 'zsmalloc', '--ops', '100', '--cpus', '1', '--smp', 'off', '--format', 'json', '-o', file]);
    expect(r.code).toBe(0);
    expect(r.out).toBe('');
    expect(JSON.parse(fs.readFileSync(file, 'utf8')).model).toBe('zsmalloc');
    fs.rmSync(dir, { recursive: true });
  });
});

describe('kvlint model zsmalloc --tree: the linter says which flush the unmap path calls', () => {
  const step = { kind: 'expand' as const, label: 'local_flush_tlb_kernel_range -> __cpu_flush_kern_tlb_range' };
  const entry = (smp: 'y' | 'n', flush: UnmapFlush['flush'], symbol: string, linksAsModule: boolean): UnmapFlush => ({
    flush,
    symbol,
    linksAsModule,
    trace: [step],
    config: { id: `arm:+SMP=${smp}`, arch: 'arm', label: `ARCH=arm alldefconfig, SMP=${smp}`, overrides: { SMP: smp } },
  });
  const argv = (extra: Partial<ModelArgv> = {}): ModelArgv => ({ allocator: 'zsmalloc', tree: fixture, ops: '300', ...extra });

  it('asks with the tree and the shared configuration flags, and runs each configuration as the tree builds it', async () => {
    const seen: { tree: KernelTree; sel: ConfigSelection }[] = [];
    const fake = async (tree: KernelTree, sel: ConfigSelection) => {
      seen.push({ tree, sel });
      return [entry('n', 'local', 'v7wbi_flush_kern_tlb_range', false), entry('y', 'local', 'cpu_tlb.flush_kern_range', true)];
    };
    const b = io();
    const code = await runModelCommand(argv({ arch: 'arm', config: ['ZSMALLOC=m'], axis: ['SMP'] }), b, { loadUnmapFlushFor: async () => fake });
    expect(seen).toHaveLength(1);
    expect(seen[0]!.tree.root).toBe(fixture);
    expect(seen[0]!.sel).toEqual({ arch: 'arm', overrides: { ZSMALLOC: 'm' }, axes: [{ symbol: 'SMP', values: ['y', 'n'] }] });
    // SMP=n: one CPU, the local flush is complete; SMP=y: four CPUs, the local flush leaves stale entries
    expect(b.out).toMatch(/ARCH=arm alldefconfig, SMP=n\n\s+unmap flush: local \(v7wbi_flush_kern_tlb_range\) — does not link as a module: "v7wbi_flush_kern_tlb_range" is not exported/);
    expect(b.out).toMatch(/cpus=1 smp=off flush=local\s+PASS\s+PASS/);
    expect(b.out).toMatch(/cpus=4 smp=on flush=local\s+PASS\s+FAIL \(claimed safe\)\s+LATENT_STALE/);
    expect(b.out).toMatch(/claimed safe: the tree builds it: cpu_tlb.flush_kern_range \(local flush\) in ARCH=arm alldefconfig, SMP=y/);
    expect(code).toBe(1);
  });

  it('a global flush on SMP passes: exit 0', async () => {
    const b = io();
    const code = await runModelCommand(argv(), b, {
      loadUnmapFlushFor: async () => async () => [entry('y', 'global', 'flush_tlb_kernel_range', false)],
    });
    expect(code).toBe(0);
    expect(b.out).toMatch(/cpus=4 smp=on flush=global\s+PASS\s+PASS/);
  });

  it('--cpus applies to SMP configurations; asking several CPUs of a UP configuration is a usage error', async () => {
    const b = io();
    await runModelCommand(argv({ cpus: '2' }), b, { loadUnmapFlushFor: async () => async () => [entry('y', 'global', 'flush_tlb_kernel_range', true)] });
    expect(b.out).toMatch(/cpus=2 smp=on flush=global/);
    await expect(
      runModelCommand(argv({ cpus: '2' }), io(), { loadUnmapFlushFor: async () => async () => [entry('n', 'local', 'v7wbi_flush_kern_tlb_range', false)] }),
    ).rejects.toThrow(/has CONFIG_SMP=n, which runs one CPU/);
  });

  it('refuses answers it cannot use', async () => {
    const noSmp = { ...entry('y', 'local', 'x', true), config: { id: 'arm:defconfig', arch: 'arm', label: 'ARCH=arm multi_v7_defconfig', overrides: {} } };
    await expect(runModelCommand(argv(), io(), { loadUnmapFlushFor: async () => async () => [noSmp] })).rejects.toThrow(
      /cannot tell whether CONFIG_SMP is set in ARCH=arm multi_v7_defconfig: add --config SMP=y or --config SMP=n/,
    );
    await expect(runModelCommand(argv(), io(), { loadUnmapFlushFor: async () => async () => [] })).rejects.toThrow(/no selected configuration/);
    const bad = async () => [{ flush: 'sometimes' }] as unknown as UnmapFlush[];
    await expect(runModelCommand(argv(), io(), { loadUnmapFlushFor: async () => bad })).rejects.toThrow(/malformed entry #1/);
  });

  it('through main, with the real linter query when the build has it', async () => {
    const r = await run(['model', 'zsmalloc', '--tree', fixture, '--ops', '200']);
    if (!fs.existsSync(path.join(repo, 'src/engine/zsmalloc-flush.ts'))) {
      expect(r.code).toBe(2);
      expect(r.err).toBe('kvlint: --tree needs the linter query unmapFlushFor (src/engine/zsmalloc-flush.ts), which this build does not have\n');
    } else {
      expect([0, 1]).toContain(r.code);
      expect(r.out).toMatch(/unmap flush: (none|local|global) \(/);
    }
  });
});
