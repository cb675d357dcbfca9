import { describe, expect, test } from 'vitest';
import type { GenerateRule } from '../../src/core/graph.js';
import type { Config } from '../../src/core/types.js';
import { generatedSet, prepare } from '../../src/prepare/index.js';
import { shellWords } from '../../src/prepare/echo.js';
import { timeconst } from '../../src/prepare/timeconst.js';
import { KernelTree } from '../../src/tree/tree.js';

const span = { file: 'Makefile', line: 1, col: 1 };
const config = (values: Record<string, string | 0 | 1 | 2> = {}): Config => ({
  arch: 'arm',
  values: new Map(Object.entries(values)),
  base: { kind: 'allnoconfig' },
  overrides: {},
  ref: { id: 'arm', arch: 'arm', label: 'arm', overrides: {} },
});
const rule = (r: Partial<GenerateRule> & Pick<GenerateRule, 'target' | 'name'>): GenerateRule => ({
  kind: 'cmd', args: [], command: '', prereqs: [], dir: '.', span, ...r,
});
const run = (files: Record<string, string>, rules: GenerateRule[], values: Record<string, string | 0 | 1 | 2> = {}, top: Record<string, string> = {}) =>
  prepare({ tree: KernelTree.fromFiles(files, '/mem-prepare'), config: config(values), rules, top, srctree: '.' });

describe('shell words of echoed text', () => {
  test('quotes and backslashes removed; anything the shell would expand is not fixed text', () => {
    expect(shellWords(`"#include <asm-generic/a.h>"`)).toEqual(['#include <asm-generic/a.h>']);
    expect(shellWords(`'a  b' c\\ d "e\\"f"`)).toEqual(['a  b', 'c d', 'e"f']);
    expect(shellWords(`"$HOME"`)).toBeUndefined();
    expect(shellWords('a | b')).toBeUndefined();
    expect(shellWords('"unterminated')).toBeUndefined();
  });
});

describe('generators', () => {
  test('an echo-only command (the asm-generic wrappers) makes its text', () => {
    const r = run({}, [rule({ target: 'arch/x/include/generated/asm/rwonce.h', name: 'wrap', command: 'echo "#include <asm-generic/rwonce.h>" > arch/x/include/generated/asm/rwonce.h' })]);
    expect(r.set.files['arch/x/include/generated/asm/rwonce.h']).toBe('#include <asm-generic/rwonce.h>\n');
    expect(r.gaps).toEqual([]);
  });

  test("3.x's bounds.h: the top Kbuild's own recipe (echoes, then sed -ne $(sed-y) over kernel/bounds.s), lines joined by backslash-newline", () => {
    const sedY = '"/^->/{s:->#\\(.*\\):/* \\1 */:; \\\n\ts:^->\\([^ ]*\\) [\\$$#]*\\([^ ]*\\) \\(.*\\):#define \\1 \\2 /* \\3 */:; \\\n\ts:->::; p;}"';
    const command = `\t(set -e; \\\n\t echo "#ifndef __LINUX_BOUNDS_H__"; \\\n\t echo "#define __LINUX_BOUNDS_H__"; \\\n\t echo "/*"; \\\n\t echo " * DO NOT MODIFY."; \\\n\t echo " *"; \\\n\t echo " */"; \\\n\t echo ""; \\\n\t sed -ne \t${sedY} kernel/bounds.s; \\\n\t echo ""; \\\n\t echo "#endif" ) > include/generated/bounds.h`;
    const cc = { includes: [], systemIncludes: [], defines: [], forcedIncludes: [], flags: [], language: 'c' as const };
    const r = prepare({
      tree: KernelTree.fromFiles({ 'kernel/bounds.c': '' }, '/mem-prepare'),
      config: config(),
      rules: [
        rule({ target: 'kernel/bounds.s', name: 'cc_s_c', source: 'kernel/bounds.c', cmd: cc, prereqs: ['kernel/bounds.c'] }),
        rule({ target: 'include/generated/bounds.h', name: 'bounds', command, prereqs: ['kernel/bounds.s', 'Kbuild'] }),
      ],
      top: {},
      srctree: '.',
      offsets: () => ({ lines: [{ kind: 'define', name: 'NR_PAGEFLAGS', value: 22n, expr: '__NR_PAGEFLAGS', span }, { kind: 'blank' }, { kind: 'comment', text: 'more' }], diagnostics: [] }),
    });
    expect(r.set.files['include/generated/bounds.h']).toBe(
      '#ifndef __LINUX_BOUNDS_H__\n#define __LINUX_BOUNDS_H__\n/*\n * DO NOT MODIFY.\n *\n */\n\n#define NR_PAGEFLAGS 22 /* __NR_PAGEFLAGS */\n\n/* more */\n\n#endif\n',
    );
    expect(r.gaps).toEqual([]);
  });

  test('a command kvlint does not know is a named gap with the makefile line; files nobody includes are not', () => {
    const r = run({}, [
      rule({ target: 'include/generated/x.h', name: 'mystery', command: 'perl gen.pl > include/generated/x.h', span: { file: 'a/Makefile', line: 7, col: 1 } }),
      rule({ target: '.checked-atomic-long.h', name: 'check_sha1', command: 'sha1sum …' }),
    ]);
    expect(r.set.files).toEqual({});
    expect(r.gaps).toEqual(["include/generated/x.h: made by kbuild's cmd_mystery (a/Makefile:7), which kvlint does not synthesise"]);
  });

  test("version.h follows the lines the tree's filechk_version.h echoes; utsrelease.h and kernel.release from the top Makefile", () => {
    const clamped = `if [ $(SUBLEVEL) -gt 255 ]; then echo …; fi; echo '#define KERNEL_VERSION(a,b,c) (((a) << 16) + ((b) << 8) +  \\
\t((c) > 255 ? 255 : (c)))'; echo \\#define LINUX_VERSION_MAJOR $(VERSION); echo \\#define LINUX_VERSION_PATCHLEVEL $(PATCHLEVEL); echo \\#define LINUX_VERSION_SUBLEVEL $(SUBLEVEL)`;
    const old = `(echo \\#define LINUX_VERSION_CODE $(shell expr …); echo '#define KERNEL_VERSION(a,b,c) (((a) << 16) + ((b) << 8) + (c))';)`;
    const top = { VERSION: '5', PATCHLEVEL: '4', SUBLEVEL: '300', EXTRAVERSION: '-rc1', KERNELVERSION: '5.4.300-rc1' };
    const r = run({ localversion: '-vendor\n' }, [
      rule({ target: 'include/config/kernel.release', kind: 'filechk', name: 'kernel.release' }),
      rule({ target: 'include/generated/uapi/linux/version.h', kind: 'filechk', name: 'version.h', command: clamped }),
      rule({ target: 'include/generated/utsrelease.h', kind: 'filechk', name: 'utsrelease.h' }),
      rule({ target: 'old/version.h', kind: 'filechk', name: 'version.h', command: old }),
    ], { LOCALVERSION: '-lv' }, top);
    expect(r.set.files['include/config/kernel.release']).toBe('5.4.300-rc1-vendor-lv\n');
    expect(r.set.files['include/generated/uapi/linux/version.h']).toBe(
      '#define LINUX_VERSION_CODE 328959\n#define KERNEL_VERSION(a,b,c) (((a) << 16) + ((b) << 8) + ((c) > 255 ? 255 : (c)))\n' +
        '#define LINUX_VERSION_MAJOR 5\n#define LINUX_VERSION_PATCHLEVEL 4\n#define LINUX_VERSION_SUBLEVEL 300\n',
    );
    expect(r.set.files['include/generated/utsrelease.h']).toBe('#define UTS_RELEASE "5.4.300-rc1-vendor-lv"\n');
    // before the clamp: a sublevel past 255 runs into the patchlevel (5.4.300 = 5.5.44), and no MAJOR/… lines
    expect(r.set.files['old/version.h']).toBe('#define LINUX_VERSION_CODE 329004\n#define KERNEL_VERSION(a,b,c) (((a) << 16) + ((b) << 8) + (c))\n');
  });

  test('syscall headers and tables from a syscall.tbl, as scripts/syscallhdr.sh and syscalltbl.sh make them', () => {
    const tbl = '# comment\n0\tcommon\tread\tsys_read\n1\tx32\tonly_x32\tsys_x\n2\tcommon\tbar\tsys_bar\tcompat_sys_bar\n4\tcommon\tnone\n';
    const r = run({ 'arch/x/syscall.tbl': tbl }, [
      rule({ target: 'gen/uapi/asm/unistd_64.h', name: 'syshdr', command: 'sh ./scripts/syscallhdr.sh --abis common --emit-nr --offset BASE --prefix p_ arch/x/syscall.tbl gen/uapi/asm/unistd_64.h' }),
      rule({ target: 'gen/asm/syscalls_64.h', name: 'systbl', command: 'sh ./scripts/syscalltbl.sh --abis common arch/x/syscall.tbl gen/asm/syscalls_64.h' }),
    ]);
    expect(r.set.files['gen/uapi/asm/unistd_64.h']).toBe(
      '#ifndef _UAPI_ASM_UNISTD_64_H\n#define _UAPI_ASM_UNISTD_64_H\n\n#define __NR_p_read (BASE + 0)\n#define __NR_p_bar (BASE + 2)\n' +
        '#define __NR_p_none (BASE + 4)\n\n#ifdef __KERNEL__\n#define __NR_p_syscalls 5\n#endif\n\n#endif /* _UAPI_ASM_UNISTD_64_H */\n',
    );
    expect(r.set.files['gen/asm/syscalls_64.h']).toBe(
      '__SYSCALL(0, sys_read)\n__SYSCALL(1, sys_ni_syscall)\n__SYSCALL_WITH_COMPAT(2, sys_bar, compat_sys_bar)\n__SYSCALL(3, sys_ni_syscall)\n__SYSCALL(4, sys_ni_syscall)\n',
    );
  });

  test('a malformed syscall table is a diagnostic with its file:line, and the run goes on', () => {
    const r = run({ 't.tbl': '3\tcommon\ta\tsys_a\n2\tcommon\tb\tsys_b\n' }, [
      rule({ target: 'out.h', name: 'systbl', command: 'sh scripts/syscalltbl.sh --abis common t.tbl out.h' }),
      rule({ target: 'after.h', name: 'wrap', command: 'echo "ok" > after.h' }),
    ]);
    expect(r.diagnostics.map((d) => [d.code, `${d.primary.file}:${d.primary.line}`, d.message])).toEqual([
      ['B021', 't.tbl:2', 'out.h: syscall table is not sorted or duplicates the same syscall number'],
    ]);
    expect(r.set.files['out.h']).toBe('__SYSCALL(0, sys_ni_syscall)\n__SYSCALL(1, sys_ni_syscall)\n__SYSCALL(2, sys_ni_syscall)\n__SYSCALL(3, sys_a)\n');
    expect(r.set.files['after.h']).toBe('ok\n');
  });

  test("ARM's __NR_syscalls: the highest number plus one, rounded up to the table's alignment", () => {
    const r = run({ 'arm.tbl': '0\tcommon\ta\n400\tcommon\tb\n7\tcommon\tc\n' }, [
      rule({ target: 'gen/asm/unistd-nr.h', name: 'sysnr', command: 'sh ./arch/arm/tools/syscallnr.sh arm.tbl gen/asm/unistd-nr.h' }),
    ]);
    expect(r.set.files['gen/asm/unistd-nr.h']).toContain('/* aligned to 4 */\n#define __NR_syscalls 404\n');
    expect(r.set.files['gen/asm/unistd-nr.h']!.startsWith('#ifndef _ASM_ARM_UNISTD_NR_H\n#define _ASM_ARM_UNISTD_NR_H 1\n')).toBe(true);
  });

  test('mach-types.h: registered machines get numbers and machine_is_*(), unregistered ones a comment', () => {
    const r = run({ 'arch/arm/tools/mach-types': '# db\nfoo\tARCH_FOO\tFOO\t12\nbar\tMACH_BAR\tBAR\n' }, [
      rule({ target: 'gen/mach-types.h', name: 'gen_mach', command: 'awk -f arch/arm/tools/gen-mach-types arch/arm/tools/mach-types > gen/mach-types.h' }),
    ]);
    const t = r.set.files['gen/mach-types.h']!;
    expect(t).toContain(' * This was automagically generated from arch/arm/tools/mach-types!\n');
    expect(t).toContain('#define MACH_TYPE_FOO                  12\n');
    expect(t).toContain('#ifdef CONFIG_ARCH_FOO\n');
    expect(t).toContain('# define machine_is_foo()\t(machine_arch_type == MACH_TYPE_FOO)\n');
    expect(t).toContain('/* #define MACH_TYPE_BAR                  <<not registered>> */\n#define machine_is_bar()\t(0)\n');
  });

  test('arm64 cpucaps.h and sysreg-defs.h; a statement the awk script rejects is a diagnostic at its line', () => {
    const sysreg = 'Sysreg\tR_EL1\t3\t0\t1\t2\t3\nRes0\t63:8\nEnum\t7:4\tF\n\t0b0000\tNI\n\t0b0001\tIMP\nEndEnum\nField\t3:0\tG\nEndSysreg\n';
    const r = run({ caps: 'A\n# c\nB_2\n', sysreg, bad: 'Sysreg\tX\t1\n' }, [
      rule({ target: 'g/cpucaps.h', name: 'gen_cpucaps', command: 'mkdir -p g/; awk -f arch/arm64/tools/gen-cpucaps.awk caps > g/cpucaps.h' }),
      rule({ target: 'g/sysreg-defs.h', name: 'gen_sysreg', command: 'mkdir -p g/; awk -f arch/arm64/tools/gen-sysreg.awk sysreg > g/sysreg-defs.h' }),
      rule({ target: 'g/bad.h', name: 'gen_sysreg', command: 'awk -f arch/arm64/tools/gen-sysreg.awk bad > g/bad.h' }),
    ]);
    expect(r.set.files['g/cpucaps.h']).toBe(
      '#ifndef __ASM_CPUCAPS_H\n#define __ASM_CPUCAPS_H\n\n/* Generated file - do not edit */\n\n' +
        `#define ARM64_${'A'.padEnd(30)}\t0\n#define ARM64_${'B_2'.padEnd(30)}\t1\n#define ARM64_NCAPS\t\t\t\t2\n\n#endif /* __ASM_CPUCAPS_H */\n`,
    );
    const d = (n: string, v: string) => `${('#define ' + n).padEnd(48)}${v}\n`;
    expect(r.set.files['g/sysreg-defs.h']).toBe(
      '#ifndef __ASM_SYSREG_DEFS_H\n#define __ASM_SYSREG_DEFS_H\n\n/* Generated file - do not edit */\n\n' +
        d('REG_R_EL1', 'S3_0_C1_C2_3') + d('SYS_R_EL1', 'sys_reg(3, 0, 1, 2, 3)') + d('SYS_R_EL1_Op0', '3') + d('SYS_R_EL1_Op1', '0') +
        d('SYS_R_EL1_CRn', '1') + d('SYS_R_EL1_CRm', '2') + d('SYS_R_EL1_Op2', '3') + '\n' +
        d('R_EL1_F', 'GENMASK(7, 4)') + d('R_EL1_F_MASK', 'GENMASK(7, 4)') + d('R_EL1_F_SHIFT', '4') + d('R_EL1_F_WIDTH', '4') +
        d('R_EL1_F_NI', 'UL(0b0000)') + d('R_EL1_F_IMP', 'UL(0b0001)') + '\n' +
        d('R_EL1_G', 'GENMASK(3, 0)') + d('R_EL1_G_MASK', 'GENMASK(3, 0)') + d('R_EL1_G_SHIFT', '0') + d('R_EL1_G_WIDTH', '4') + '\n' +
        d('R_EL1_RES0', '(UL(0) | GENMASK_ULL(63, 8))') + d('R_EL1_RES1', '(UL(0))') + '\n#endif /* __ASM_SYSREG_DEFS_H */\n',
    );
    expect(r.diagnostics.map((x) => `${x.primary.file}:${x.primary.line}: ${x.message}`)).toEqual([
      'bad:1: g/bad.h: 3 fields found where 7 expected (gen-sysreg.awk stops here)',
    ]);
  });

  test('timeconst.h for HZ=100 and HZ=300 (values of kernel/time/timeconst.bc)', () => {
    const t100 = timeconst(100n);
    expect(t100).toContain('#define HZ_TO_MSEC_MUL32\tU64_C(0xA0000000)\n#define HZ_TO_MSEC_ADJ32\tU64_C(0x0)\n#define HZ_TO_MSEC_SHR32\t28\n');
    expect(t100).toContain('#define MSEC_TO_HZ_MUL32\tU64_C(0xCCCCCCCD)\n#define MSEC_TO_HZ_ADJ32\tU64_C(0x733333333)\n#define MSEC_TO_HZ_SHR32\t35\n');
    expect(t100).toContain('#define HZ_TO_MSEC_NUM\t\t10\n#define HZ_TO_MSEC_DEN\t\t1\n');
    const t300 = timeconst(300n);
    expect(t300).toContain('#define HZ_TO_USEC_NUM\t\t10000\n#define HZ_TO_USEC_DEN\t\t3\n');
    expect(timeconst(1n)).toContain('#error Totally bogus HZ value!\n');
    const r = run({}, [rule({ target: 'include/generated/timeconst.h', kind: 'filechk', name: 'gentimeconst' })], { HZ: 'abc' });
    expect(r.diagnostics[0]!.message).toBe("include/generated/timeconst.h: CONFIG_HZ is 'abc': timeconst.h is made for HZ=0");
  });

  test('the set id is a content hash: equal files, equal ids, whatever the order', () => {
    const a = generatedSet(new Map([['x', '1'], ['y', '2']]));
    const b = generatedSet(new Map([['y', '2'], ['x', '1']]));
    expect(a.id).toBe(b.id);
    expect(generatedSet(new Map([['x', '1'], ['y', '3']])).id).not.toBe(a.id);
    expect(generatedSet(new Map()).id).toBe('');
  });
});
