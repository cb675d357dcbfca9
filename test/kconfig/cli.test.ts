import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { CliIO } from '../../src/cli/context.js';
import { main } from '../../src/cli/main.js';

/** `kvlint config` on the bundled fixture tree (the default tree). */

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kvlint-config-cli-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

async function run(args: string[]) {
  let out = '';
  let err = '';
  const io: CliIO = {
    stdout: (s) => (out += s),
    stderr: (s) => (err += s),
    isTTY: false,
    stderrTTY: false,
    cwd: tmp,
    env: { XDG_CACHE_HOME: path.join(tmp, 'cache') },
  };
  const code = await main(['config', ...args], io);
  return { code, out, err };
}

describe('kvlint config', () => {
  it('prints the .config of a defconfig with overrides, like conf', async () => {
    const r = await run(['--defconfig', 'multi_v7_defconfig', '--config', 'SMP=n']);
    expect(r.code).toBe(0);
    expect(r.err).toBe('');
    expect(r.out).toMatch(/^#\n# Automatically generated file; DO NOT EDIT.\n# kvlint fixture arm kernel configuration\n#\n/);
    expect(r.out).toContain('# CONFIG_SMP is not set\n');
    expect(r.out).toContain('CONFIG_ZSMALLOC=m\n');
  });

  it('--autoconf prints autoconf.h; -o writes a file', async () => {
    const file = path.join(tmp, 'autoconf.h');
    const r = await run(['--defconfig', 'multi_v7_defconfig', '--set', 'SMP=y', '--autoconf', '-o', file]);
    expect(r.code).toBe(0);
    expect(r.out).toBe('');
    const h = fs.readFileSync(file, 'utf8');
    expect(h).toContain('#define CONFIG_SMP_ON_UP 1\n');
    expect(h).toContain('#define CONFIG_ZSMALLOC_MODULE 1\n');
  });

  it('--explain tells why, with Kconfig locations', async () => {
    const r = await run(['--defconfig', 'multi_v7_defconfig', '--config', 'SMP=n', '--explain', 'SMP_ON_UP']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^CONFIG_SMP_ON_UP=n \(bool.*\[arch\/arm\/Kconfig:44\]\n/);
    expect(r.out).toContain('depends on SMP [=n] && MMU [=y] → n');
  });

  it('an override that cannot apply is a warning with the reason, exit 0', async () => {
    const r = await run(['--defconfig', 'multi_v7_defconfig', '--config', 'SMP=n', '--config', 'SMP_ON_UP=y', '--config', 'NO_SUCH=y']);
    expect(r.code).toBe(0);
    expect(r.err).toContain('kvlint: warning: arch/arm/Kconfig:44: override SMP_ON_UP=y did not take effect: unmet dependencies: depends on SMP [=n] && MMU [=y]\n');
    expect(r.err).toContain('override NO_SUCH=y did not take effect: CONFIG_NO_SUCH is not defined in the Kconfig files of ARCH=arm');
    expect(r.out).not.toContain('CONFIG_SMP_ON_UP=y');
  });

  it('without a base says it uses alldefconfig; --quiet silences it', async () => {
    const r = await run([]);
    expect(r.err).toMatch(/alldefconfig semantics/);
    expect((await run(['--quiet'])).err).toBe('');
  });

  it('usage and input errors exit 2 with a one-line reason', async () => {
    expect((await run(['--defconfig', 'nope'])).err).toMatch(/^kvlint: no defconfig 'nope' for ARCH=arm/);
    expect((await run(['--defconfig', 'nope'])).code).toBe(2);
    const both = await run(['--defconfig', 'multi_v7_defconfig', '--allyesconfig']);
    expect(both.code).toBe(2);
    expect((await run(['--axis', 'SMP'])).code).toBe(2);
  });

  it('--probe-toolchain records a profile (nothing to ask in the fixture tree)', async () => {
    const file = path.join(tmp, 'probed.json');
    const r = await run(['--defconfig', 'multi_v7_defconfig', '--probe-toolchain', '--cross-compile', '', '--profile', file, '-o', path.join(tmp, 'c')]);
    expect(r.code).toBe(0);
    expect(r.err).toContain(`toolchain answers recorded in ${file}`);
    const p = JSON.parse(fs.readFileSync(file, 'utf8'));
    expect(p.format).toBe(1);
    expect(p.env.CC).toBe('gcc');
    // and it is usable as --profile
    expect((await run(['--defconfig', 'multi_v7_defconfig', '--profile', file])).code).toBe(0);
  });
});
