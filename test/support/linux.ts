import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/**
 * Where the real Linux 6.1 tree is (scripts/get-linux.sh puts it there), or undefined. Real-tree conformance tests
 * skip with a visible reason when it is absent, except under CI (KVLINT_REQUIRE_LINUX=1, set by .ci/run), where
 * absence is a failure.
 */
export function cacheDir(): string {
  return path.join(process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache'), 'kvlint');
}

export function linuxDir(): string | undefined {
  const dir = process.env.KVLINT_LINUX_DIR ?? path.join(cacheDir(), 'linux-source-6.1');
  if (fs.existsSync(path.join(dir, 'Makefile')) && fs.existsSync(path.join(dir, 'Kconfig'))) return dir;
  if (process.env.KVLINT_REQUIRE_LINUX === '1') {
    throw new Error(`KVLINT_REQUIRE_LINUX=1 but no Linux tree at ${dir}: run scripts/get-linux.sh --toolchains`);
  }
  return undefined;
}

export const LINUX_SKIP_REASON =
  'real Linux tree not installed (run scripts/get-linux.sh --toolchains, or set KVLINT_LINUX_DIR); CI sets KVLINT_REQUIRE_LINUX=1 so this never skips there';

/** true if `cmd` is on PATH */
export function haveCommand(cmd: string): boolean {
  return (process.env.PATH ?? '').split(path.delimiter).some((d) => fs.existsSync(path.join(d, cmd)));
}
