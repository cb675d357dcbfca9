import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { cacheDir } from '../support/linux.js';

/**
 * The real thing: run the kernel's own configuration targets (scripts/kconfig/conf via make) in an O= directory
 * under ~/.cache/kvlint/oracle/, never in the source tree, and return what conf wrote. Results are cached by
 * (tree, arch, compiler, targets, environment), so re-running a conformance check costs only kvlint's side.
 */

export interface OracleRun {
  dotconfig: string;
  autoconf: string;
  /** conf's stderr (warnings) */
  stderr: string;
  /** wall time of the make invocation (0 when served from the cache) */
  ms: number;
  cached: boolean;
}

export interface OracleSpec {
  linux: string;
  arch: string;
  crossCompile: string;
  targets: string[];
  seed?: number;
  allconfig?: string;
  /**
   * SYM=VAL overrides applied after the targets the way a user would: merge_config.sh -m .config <fragment>, then
   * make olddefconfig (what kvlint's --config / resolveConfig overrides promise to be)
   */
  overrides?: Record<string, string>;
  /** CC_VERSION_TEXT, part of the cache key */
  ccVersion: string;
}

/** the O= directory conf runs in: one per arch for the 6.1 tree, one per arch and tree for any other */
export function oracleBuildDir(arch: string, linux?: string): string {
  const base = `kconfig-${arch}`;
  if (!linux) return path.join(cacheDir(), 'oracle', base);
  const mk = fs.readFileSync(path.join(linux, 'Makefile'), 'latin1');
  const v = ['VERSION', 'PATCHLEVEL', 'SUBLEVEL'].map((k) => new RegExp(`^${k}\\s*=\\s*(\\S*)`, 'm').exec(mk)?.[1] ?? '').join('.');
  if (v === '6.1.192' || /^6\./.test(v)) return path.join(cacheDir(), 'oracle', base);
  return path.join(cacheDir(), 'oracle', `${base}-${v}-${createHash('sha1').update(fs.realpathSync(linux)).digest('hex').slice(0, 8)}`);
}

/**
 * The make target that brings autoconf.h in line with .config, by the tree's conf: `syncconfig` (4.17+), or 3.x's
 * `silentoldconfig` — the only mode of 3.x's conf that writes autoconf.h at all.
 */
export function syncTarget(linux: string): { target: string; always: boolean } {
  const conf = fs.readFileSync(path.join(linux, 'scripts/kconfig/conf.c'), 'latin1');
  if (conf.includes('syncconfig')) return { target: 'syncconfig', always: false };
  return { target: 'silentoldconfig', always: true };
}

function key(spec: OracleSpec): string {
  const mk = fs.readFileSync(path.join(spec.linux, 'Makefile'), 'latin1').slice(0, 400);
  return createHash('sha1')
    .update(JSON.stringify([fs.realpathSync(spec.linux), mk, spec.arch, spec.crossCompile, spec.targets, spec.seed, spec.allconfig, spec.ccVersion, 2, needsSync(spec) || syncTarget(spec.linux).always ? 'sync' : '', spec.overrides ?? null]) )
    .digest('hex');
}

/** several conf runs (explicit, or inside targets like tinyconfig and rv32_defconfig) leave a stale autoconf.h */
function needsSync(spec: OracleSpec): boolean {
  return (
    spec.targets.length > 1 ||
    spec.overrides !== undefined ||
    spec.targets.some((t) => t === 'tinyconfig' || /^rv(32|64)_defconfig$/.test(t) || t.endsWith('.config'))
  );
}

export function runOracle(spec: OracleSpec, opts: { noCache?: boolean } = {}): OracleRun {
  const resDir = path.join(cacheDir(), 'oracle', 'kconfig-results');
  const file = path.join(resDir, `${key(spec)}.json`);
  if (!opts.noCache && fs.existsSync(file)) {
    const r = JSON.parse(fs.readFileSync(file, 'utf8')) as OracleRun;
    return { ...r, cached: true, ms: 0 };
  }
  const dir = oracleBuildDir(spec.arch, spec.linux);
  const sync = syncTarget(spec.linux);
  fs.mkdirSync(dir, { recursive: true });
  for (const p of ['.config', '.config.old', 'include/config', 'include/generated']) {
    fs.rmSync(path.join(dir, p), { recursive: true, force: true });
  }
  const args = ['-s', '-C', spec.linux, `O=${dir}`, `ARCH=${spec.arch}`, `CROSS_COMPILE=${spec.crossCompile}`];
  if (spec.seed !== undefined) args.push(`KCONFIG_SEED=${spec.seed}`);
  if (spec.allconfig !== undefined) args.push(`KCONFIG_ALLCONFIG=${spec.allconfig}`);
  const env: Record<string, string> = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/root', LC_ALL: 'C' };
  const make = (extra: string[]) => {
    const r = spawnSync('make', [...args, ...extra], { env, encoding: 'latin1', maxBuffer: 64 << 20 });
    if (r.status !== 0) throw new Error(`oracle make ${[...args, ...extra].join(' ')} failed (${r.status}): ${r.stderr}`);
    return r.stderr ?? '';
  };
  const t0 = performance.now();
  let stderr = make(spec.targets);
  if (spec.overrides) {
    const frag = path.join(dir, 'kvlint-overrides.config');
    fs.writeFileSync(frag, Object.entries(spec.overrides).map(([k, v]) => (v === 'n' ? `# CONFIG_${k} is not set` : `CONFIG_${k}=${v}`)).join('\n') + '\n');
    const m = spawnSync('sh', [path.join(spec.linux, 'scripts/kconfig/merge_config.sh'), '-m', '-O', dir, path.join(dir, '.config'), frag], { env, cwd: dir, encoding: 'latin1' });
    if (m.status !== 0) throw new Error(`merge_config.sh failed: ${m.stderr}`);
    stderr += make(['olddefconfig']);
  }
  // after several steps autoconf.h on disk is the first one's (conf rewrites it only when auto.conf is missing);
  // the build regenerates it with syncconfig, so do that to get the header that goes with the final .config
  if (needsSync(spec) || sync.always) stderr += make([sync.target]);
  const ms = performance.now() - t0;
  const run: OracleRun = {
    dotconfig: fs.readFileSync(path.join(dir, '.config'), 'latin1'),
    autoconf: fs.readFileSync(path.join(dir, 'include/generated/autoconf.h'), 'latin1'),
    stderr,
    ms,
    cached: false,
  };
  fs.mkdirSync(resDir, { recursive: true });
  fs.writeFileSync(file, JSON.stringify(run));
  return run;
}

/** the conf binary built in the arch's oracle directory (after at least one oracle run) */
export function oracleConf(arch: string): string | undefined {
  const p = path.join(oracleBuildDir(arch), 'scripts/kconfig/conf');
  return fs.existsSync(p) ? p : undefined;
}

/** symbol -> value of a .config ("n" for "is not set") */
export function parseDotConfig(text: string): Map<string, string> {
  const m = new Map<string, string>();
  for (const line of text.split('\n')) {
    let r = /^CONFIG_([A-Za-z0-9_]+)=(.*)$/.exec(line);
    if (r) m.set(r[1]!, r[2]!);
    else if ((r = /^# CONFIG_([A-Za-z0-9_]+) is not set$/.exec(line))) m.set(r[1]!, 'n');
  }
  return m;
}

export interface Comparison {
  symbols: number;
  /** symbols whose value (or presence) differs */
  mismatches: { sym: string; kvlint: string | undefined; conf: string | undefined }[];
  dotconfigIdentical: boolean;
  autoconfIdentical: boolean;
}

export function compare(kv: { dotconfig: string; autoconf: string }, conf: { dotconfig: string; autoconf: string }): Comparison {
  const a = parseDotConfig(kv.dotconfig);
  const b = parseDotConfig(conf.dotconfig);
  const mismatches: Comparison['mismatches'] = [];
  for (const k of new Set([...a.keys(), ...b.keys()])) {
    if (a.get(k) !== b.get(k)) mismatches.push({ sym: k, kvlint: a.get(k), conf: b.get(k) });
  }
  return {
    symbols: b.size,
    mismatches,
    dotconfigIdentical: kv.dotconfig === conf.dotconfig,
    autoconfIdentical: kv.autoconf === conf.autoconf,
  };
}

/** the profiled compiler prefix per arch (the same compilers the bundled toolchain profiles were probed with) */
export const CROSS: Record<string, string> = {
  x86: '',
  arm: 'arm-linux-gnueabihf-',
  arm64: 'aarch64-linux-gnu-',
  riscv: 'riscv64-linux-gnu-',
};
