import { describe, expect, it } from 'vitest';
import { predefinedFor, predefinedKey } from '../../src/toolchain/predefined.js';
import { bundledProfiles } from '../../src/toolchain/profile.js';
import { haveCompiler } from '../../scripts/cpp-oracle.js';
import { gccPredefined } from '../../scripts/cpp-oracle.js';
import { cmd } from './support.js';

const arm = bundledProfiles().find((p) => p.name === 'arm-linux-gnueabihf-gcc-12')!;

describe('predefined macros from the toolchain profile', () => {
  it('an exact probed set for the multi_v7 C flags', () => {
    const flags = '-mlittle-endian -fno-strict-aliasing -fno-common -fshort-wchar -fno-PIE -std=gnu11 -fno-dwarf2-cfi-asm -mno-fdpic -fno-ipa-sra -mabi=aapcs-linux -mfpu=vfp -funwind-tables -mtp=cp15 -marm -Wa,-mno-warn-deprecated -march=armv7-a -msoft-float -Uarm -fno-delete-null-pointer-checks -O2'.split(' ');
    const sets = Object.keys((arm.predefined as { sets: Record<string, unknown> }).sets);
    const key = predefinedKey(cmd({ flags }));
    const exact = sets.find((k) => k === key);
    const r = predefinedFor(arm, cmd({ flags }));
    if (exact) expect(r.exact).toBe(true);
    expect(r.macros.get('__ARM_ARCH')).toBe('7');
    expect(r.macros.get('__SOFTFP__')).toBe('1');
    expect(r.macros.has('__ARM_PCS_VFP')).toBe(false);
    expect(r.macros.get('__OPTIMIZE__')).toBe('1');
    expect(r.attributes.get('error')).toBe(1);
    expect(r.builtins.get('__builtin_thread_pointer')).toBe(1);
  });

  it('the last -O level wins (kbuild appends a per-file -O0 after the global -O2): no __OPTIMIZE__, __NO_INLINE__', () => {
    const common = '-mlittle-endian -fno-strict-aliasing -fno-common -fshort-wchar -fno-PIE -std=gnu11 -marm -march=armv7-a -msoft-float -O2'.split(' ');
    for (const flags of [[...common, '-O0'], [...common, '-fno-kvlint-unknown', '-O0']]) {
      const r = predefinedFor(arm, cmd({ flags }));
      expect(r.macros.has('__OPTIMIZE__'), flags.join(' ')).toBe(false);
      expect(r.macros.get('__NO_INLINE__'), flags.join(' ')).toBe('1');
    }
    expect(predefinedKey(cmd({ flags: [...common, '-O0'] }))).not.toContain('-O2');
    // and -O2 after -O0 optimises
    expect(predefinedFor(arm, cmd({ flags: ['-O0', ...common] })).macros.get('__OPTIMIZE__')).toBe('1');
  });

  it.skipIf(!haveCompiler('arm-linux-gnueabihf-gcc'))('an unprobed flag set is approximated from the nearest probed one, and said so', () => {
    const flags = ['-std=gnu11', '-O0', '-march=armv7-a', '-marm', '-msoft-float', '-fno-PIE', '-fshort-wchar'];
    const r = predefinedFor(arm, cmd({ flags }));
    expect(r.exact).toBe(false);
    expect(r.gaps[0]).toMatch(/approximated for an unprobed flag set \(nearest probed set differs by \d+ flags/);
    const real = gccPredefined('arm-linux-gnueabihf-gcc', flags, false);
    const wrong = [...real].filter(([k, v]) => r.macros.get(k) !== v).map(([k]) => k);
    const extra = [...r.macros.keys()].filter((k) => !real.has(k));
    // close to what the compiler says for these flags
    expect(wrong.length + extra.length).toBeLessThan(8);
    expect(r.macros.has('__OPTIMIZE__')).toBe(false);
    expect(r.macros.get('__ARM_ARCH')).toBe('7');
  });
});
