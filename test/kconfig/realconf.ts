import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { cacheDir, linuxDir } from '../support/linux.js';

/**
 * The kernel's own scripts/kconfig/conf (from linux-source-6.1, built once into an O= directory under
 * ~/.cache/kvlint/oracle/) run on small Kconfig trees written by the tests, for differential checks.
 */

let confPath: string | undefined | null = null;

/** path of conf, building it if needed; undefined when the Linux tree is absent */
export function realConf(): string | undefined {
  if (confPath !== null) return confPath;
  const linux = linuxDir();
  if (!linux) return (confPath = undefined);
  const dir = path.join(cacheDir(), 'oracle', 'kconfig-tool');
  const bin = path.join(dir, 'scripts/kconfig/conf');
  if (!fs.existsSync(bin)) {
    const r = spawnSync('make', ['-s', '-C', linux, `O=${dir}`, 'ARCH=x86', 'build_config'], { encoding: 'utf8' });
    if (r.status !== 0 || !fs.existsSync(bin)) throw new Error(`building conf failed: ${r.stderr}`);
  }
  return (confPath = bin);
}

export interface RealConfResult {
  status: number;
  dotconfig: string;
  autoconf: string;
  stdout: string;
  stderr: string;
}

/**
 * Run conf with `args` (e.g. ['--alldefconfig'] or ['--olddefconfig']) on a tree made of `files`; `dotconfig` is
 * the starting .config (for olddefconfig). Other inputs (defconfig files) go in `files` and are named by their
 * tree path in args.
 */
export function runRealConf(
  files: Record<string, string>,
  args: string[],
  opts: { dotconfig?: string; env?: Record<string, string> } = {},
): RealConfResult {
  const conf = realConf();
  if (!conf) throw new Error('conf is not available');
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'kvlint-conf-'));
  try {
    const src = path.join(base, 'src');
    const obj = path.join(base, 'obj');
    fs.mkdirSync(obj, { recursive: true });
    for (const [p, c] of Object.entries(files)) {
      fs.mkdirSync(path.dirname(path.join(src, p)), { recursive: true });
      fs.writeFileSync(path.join(src, p), c, 'latin1');
    }
    if (opts.dotconfig !== undefined) fs.writeFileSync(path.join(obj, '.config'), opts.dotconfig, 'latin1');
    const r = spawnSync(conf, ['-s', ...args, 'Kconfig'], {
      cwd: obj,
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', srctree: src, ...opts.env },
      encoding: 'latin1',
      input: '',
    });
    const read = (p: string) => (fs.existsSync(path.join(obj, p)) ? fs.readFileSync(path.join(obj, p), 'latin1') : '');
    return {
      status: r.status ?? -1,
      dotconfig: read('.config'),
      autoconf: read('include/generated/autoconf.h'),
      stdout: r.stdout ?? '',
      stderr: r.stderr ?? '',
    };
  } finally {
    fs.rmSync(base, { recursive: true, force: true });
  }
}
