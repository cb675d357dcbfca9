import { describe, expect, it } from 'vitest';
import { loadKconfig, runConf } from '../../src/kconfig/index.js';
import { type ToolchainProfile, emptyProfile, formatProfile, parseProfile } from '../../src/toolchain/profile.js';
import { KernelTree } from '../../src/tree/tree.js';
import { realConf, runRealConf } from './realconf.js';

/**
 * Kconfig's toolchain questions are answered from the profile (never by running anything), missing answers are
 * K007 warnings and count as failures, and --probe-toolchain runs them the way conf does and records the answers.
 */

const include = `if-success = $(shell,{ $(1); } >/dev/null 2>&1 && echo "$(2)" || echo "$(3)")
success = $(if-success,$(1),y,n)
failure = $(if-success,$(1),n,y)
cc-option = $(success,$(CC) -Werror $(1) -c -x c /dev/null -o /dev/null)
`;

const files = {
  Kconfig: `${include}
config HAS_FOO
\tdef_bool $(cc-option,-mfoo)
config HAS_BAR
\tdef_bool $(cc-option,-mbar)
config TOOL_OK
\tdef_bool $(success,$(CC) --version)
config VERSION_TEXT
\tstring
\tdefault "$(shell,$(srctree)/scripts/ver.sh $(CC))"
config LINES
\tstring
\tdefault "$(shell,printf 'a\\nb\\n\\n')"
`,
  'scripts/ver.sh': 'echo "fake 1.0"\n',
};

function profile(extra: Partial<ToolchainProfile>): ToolchainProfile {
  return { ...emptyProfile('x86'), env: { CC: 'kvlint-test-cc' }, ...extra };
}

describe('toolchain answers', () => {
  it('come from the profile, keyed by helper argument, command and $(srctree)-relative shell command', () => {
    const p = profile({
      ccOption: { '-mfoo': true, '-mbar': false },
      success: { 'kvlint-test-cc --version': true },
      shell: { '$(srctree)/scripts/ver.sh kvlint-test-cc': 'fake 1.0', "printf 'a\\nb\\n\\n'": 'a b' },
    });
    const m = loadKconfig(KernelTree.fromFiles(files), { arch: 'x86', profile: p });
    expect(m.diagnostics).toEqual([]);
    const out = runConf(m, { kind: 'alldefconfig' }).dotconfig;
    expect(out).toContain('CONFIG_HAS_FOO=y\n');
    expect(out).not.toContain('CONFIG_HAS_BAR'); // n without a prompt: not written at all
    expect(out).toContain('CONFIG_TOOL_OK=y\n');
    expect(out).toContain('CONFIG_VERSION_TEXT="fake 1.0"\n');
    expect(out).toContain('CONFIG_LINES="a b"\n');
  });

  it('missing answers are K007 warnings naming the question, and count as failing', () => {
    const m = loadKconfig(KernelTree.fromFiles(files), { arch: 'x86', profile: profile({}) });
    const q = m.diagnostics.filter((d) => d.code === 'K007').map((d) => d.message);
    expect(q).toEqual(
      expect.arrayContaining([
        expect.stringContaining("command 'kvlint-test-cc -Werror -mfoo -c -x c /dev/null -o /dev/null'"),
        expect.stringContaining("shell '$(srctree)/scripts/ver.sh kvlint-test-cc'"),
      ]),
    );
    const out = runConf(m, { kind: 'alldefconfig' }).dotconfig;
    expect(out).not.toContain('CONFIG_HAS_FOO');
    expect(out).toContain('CONFIG_VERSION_TEXT=""\n');
  });

  it('probing runs the questions like conf and records helper-level answers', () => {
    // `true` and `false` stand in for a compiler that accepts / refuses everything
    for (const [cc, expectY] of [
      ['true', true],
      ['false', false],
    ] as const) {
      const p = profile({ env: { CC: cc } });
      const m = loadKconfig(KernelTree.fromFiles(files), { arch: 'x86', profile: p, probe: true });
      expect(m.diagnostics.filter((d) => d.code === 'K007')).toEqual([]);
      expect(p.ccOption).toEqual({ '-mfoo': expectY, '-mbar': expectY });
      // the command-level answers a helper was computed from are not kept twice
      expect(Object.keys(p.success ?? {})).toEqual([`${cc} --version`]);
      expect(p.shell?.["printf 'a\\nb\\n\\n'"]).toBe('a b');
      // the recorded profile answers the same questions without running anything
      const again = loadKconfig(KernelTree.fromFiles(files), { arch: 'x86', profile: parseProfile(formatProfile(p), 'p.json') });
      expect(again.diagnostics.filter((d) => d.code === 'K007')).toEqual([]);
      // (the in-memory tree has no script to run: its recorded answer is the empty output)
      expect(p.shell?.['$(srctree)/scripts/ver.sh ' + cc]).toBe('');
    }
  });
});

const conf = (() => {
  try {
    return realConf();
  } catch {
    return undefined;
  }
})();

describe.skipIf(!conf)('probe answers equal what conf computes itself', () => {
  it('same .config from conf (running the shell) and kvlint (probe)', () => {
    const real = { ...files, 'scripts/ver.sh': '#!/bin/sh\necho "fake 1.0"\n' };
    const r = runRealConf(real, ['--alldefconfig'], { env: { CC: 'true' } });
    expect(r.status).toBe(0);
    const m = loadKconfig(KernelTree.fromFiles(real), { arch: 'x86', profile: profile({ env: { CC: 'true' } }), probe: true });
    const kv = runConf(m, { kind: 'alldefconfig' }).dotconfig;
    // the version script is not executable in conf's copy either, so both see an empty answer
    expect(kv).toBe(r.dotconfig);
  });
});
