import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { UnitFacts } from '../../src/core/facts.js';
import { haveCommand } from '../support/linux.js';
import { parseNm } from '../support/nm.js';
import { asmFacts as rawAsmFacts, binding, globals, undef } from './helpers.js';

const AS = 'arm-linux-gnueabihf-as';
const haveAs = haveCommand(AS);

/** facts of the snippet, checked against what the real assembler puts in the symbol table when it is installed */
function asmFacts(src: string, asFlags = ['-march=armv7-a', '-mfloat-abi=soft', '-mfpu=neon']): UnitFacts {
  const f = rawAsmFacts(src);
  if (haveAs && !/UNKNOWN_SYM/.test(src)) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kvlint-as-'));
    try {
      fs.writeFileSync(path.join(dir, 't.s'), src);
      execFileSync(AS, [...asFlags, '-o', path.join(dir, 't.o'), path.join(dir, 't.s')], { stdio: 'pipe' });
      const real = parseNm(execFileSync('arm-linux-gnueabihf-nm', [path.join(dir, 't.o')], { encoding: 'latin1' }));
      expect(undef(f), 'undefined symbols vs gas').toEqual([...real.undefined.keys()].sort());
      expect(globals(f), 'global symbols vs gas').toEqual([...real.defined.keys()].sort());
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }
  return f;
}

describe('assembler facts (.S after preprocessing)', () => {
  it('ENTRY()/ENDPROC() as the 6.1 linkage.h expands them: global, not exported', () => {
    const f = asmFacts(`
	.text
.globl v7wbi_flush_kern_tlb_range ; .align 0 ; v7wbi_flush_kern_tlb_range:
	dsb ish
	mov r0, r0, lsr #12
1:	mcr p15, 0, r0, c8, c3, 1
	add r0, r0, #1
	cmp r0, r1
	blo 1b
	bx lr
.type v7wbi_flush_kern_tlb_range, %function ; .size v7wbi_flush_kern_tlb_range, .-v7wbi_flush_kern_tlb_range
`);
    expect(globals(f)).toEqual(['v7wbi_flush_kern_tlb_range']);
    expect(f.defs[0]).toMatchObject({ kind: 'func', binding: 'global' });
    expect(f.exports).toEqual([]);
    expect(undef(f)).toEqual([]);
  });

  it('references: branches, literal pools, data words; registers and local labels are not symbols', () => {
    const f = asmFacts(`
	.text
	.globl foo
foo:	bl	bar
	b	baz
	ldr	r0, =qux
	adr	r1, .Llocal
	movw	r2, #:lower16:lowsym
	ldr	r3, [sp, #4]
	dmb	ish
	mrc	p15, 0, r0, c1, c0, 0
.Llocal:
	.word	table, foo
	.long	other - .
	.set	alias1, foo
	.set	aliasu, undefsym
	.globl	declared_only
	.weak	weakref
	bl	weakref
`);
    expect(undef(f)).toEqual(['bar', 'baz', 'declared_only', 'lowsym', 'other', 'qux', 'table', 'undefsym', 'weakref']);
    expect(f.refs.find((r) => r.name === 'weakref')?.weak).toBe(true);
    expect(binding(f, 'alias1')).toBe('local');
  });

  it('gas macros define symbols (define_tlb_functions style), with \\() and defaults', () => {
    const f = asmFacts(`
	.macro	define_fns name:req, flags_up:req, flags_smp
	.type	\\name\\()_fns, #object
	.globl	\\name\\()_fns
\\name\\()_fns:
	.long	\\name\\()_flush
	.ifb	\\flags_smp
	.long	\\flags_up
	.else
	.long	\\flags_smp
	.endif
	.endm
	.section ".rodata"
	define_fns v7wbi, v7wbi_up, flags_smp=v7wbi_smp
`);
    expect(globals(f)).toEqual(['v7wbi_fns']);
    expect(undef(f)).toEqual(['v7wbi_flush', 'v7wbi_smp']);
  });

  it('.irp, .rept and .if on .set values', () => {
    const f = asmFacts(`
	.set	HAVE_X, 1
	.irp	n, 1, 2, 3
	.globl	fn\\n
fn\\n:	bx	lr
	.endr
	.if	HAVE_X
	bl	with_x
	.else
	bl	without_x
	.endif
	.rept	2
	nop
	.endr
`);
    expect(globals(f)).toEqual(['fn1', 'fn2', 'fn3']);
    expect(undef(f)).toEqual(['with_x']);
  });

  it("'#' at the start of a line is a comment (cpp passes such lines of a .S file through)", () => {
    const f = asmFacts('\t# Tegra20 is a Cortex-A9 r1p1\n\tmov r0, r1\n# another one\n\tbl foo\n\tmov r0, #1\n');
    expect(undef(f)).toEqual(['foo']);
  });

  it('iWMMXt registers are not symbols', () => {
    const f = asmFacts('\ttmrc r2, wCon\n\ttmcr wCGR0, r1\n\twldrd wR0, [r1]\n\ttmrc r3, wCID\n\tbl bar\n', ['-mcpu=iwmmxt']);
    expect(undef(f)).toEqual(['bar']);
  });

  it('register aliases (.req) are not symbols', () => {
    const f = asmFacts(`
	rk	.req	r0
	rounds	.req	r1
	ldr	r2, [rk], #4
	subs	rounds, rounds, #1
	.unreq	rk
`);
    expect(undef(f)).toEqual([]);
  });

  it('missing macro arguments expand to nothing (.ifnb)', () => {
    const f = asmFacts(`
	.macro	add_only, op, ev, rc, s0
	.ifnb	\\s0
	vadd.u32	q1, q\\s0, \\rc
	.endif
	.endm
	add_only	p, 1
`);
    expect(undef(f)).toEqual([]);
  });

  it('exports in .S: asm-generic/export.h expands to a ___ksymtab section', () => {
    const f = asmFacts(`
.macro ___EXPORT_SYMBOL name,val,sec
	.section ___ksymtab\\sec+\\name,"a"
	.balign 4
__ksymtab_\\name:
	.long \\val, __kstrtab_\\name, 0
	.previous
	.section __ksymtab_strings,"aMS",%progbits,1
__kstrtab_\\name:
	.asciz "\\name"
	.previous
.endm
	.text
	.globl __do_div64 ; .align 0 ; __do_div64:
	bx lr
___EXPORT_SYMBOL __do_div64, __do_div64,
___EXPORT_SYMBOL __aeabi_uidiv, __aeabi_uidiv, _gpl
`);
    expect(f.exports.map((x) => [x.name, x.gpl])).toEqual([
      ['__do_div64', false],
      ['__aeabi_uidiv', true],
    ]);
    expect(undef(f)).toEqual(['__aeabi_uidiv']);
  });

  it('ARM unwind annotations: .fnend references the personality routine unless .cantunwind', () => {
    expect(undef(asmFacts(`\t.globl f\nf:\t.fnstart\n\t.save {r4, lr}\n\tpop {r4, pc}\n\t.fnend\n`))).toEqual(['__aeabi_unwind_cpp_pr0']);
    expect(undef(asmFacts(`\t.globl f\nf:\t.fnstart\n\t.cantunwind\n\tbx lr\n\t.fnend\n`))).toEqual([]);
  });

  it('a .if it cannot evaluate keeps both branches and says so', () => {
    const f = asmFacts(`\t.if UNKNOWN_SYM\n\tbl a_path\n\t.else\n\tbl b_path\n\t.endif\n`);
    expect(undef(f)).toEqual(['a_path', 'b_path']);
    expect(f.gaps?.[0]).toMatch(/unknown \.if/);
  });

  it('macro arguments separated by blanks, quoted strings kept whole (arch/arm/mm/proc-v7m.S: string cpu_elf_name "v7m")', () => {
    const f = asmFacts(`
	.macro	string name:req, string
	.type \\name , #object
\\name:
	.asciz "\\string"
	.size \\name , . - \\name
	.endm
	.section ".rodata"
	string cpu_elf_name "v7m"
	string cpu_v7m_name "ARMv7-M"
	.section ".proc.info.init", "a"
	.long cpu_elf_name
	.long cpu_v7m_name
`);
    expect(f.defs.map((d) => [d.name, d.binding])).toEqual([['cpu_elf_name', 'local'], ['cpu_v7m_name', 'local']]);
    expect(undef(f)).toEqual([]);
  });

  it('x86 (AT&T): `$` immediates are numbers or a symbol\'s address, prefixes come before the instruction', () => {
    const src = `
	.text
	.globl clear_it
clear_it:
	movl $4096/8, %ecx
	movq $0x123456789abcdef0, %rax
	movq $saved_context, %rdi
	cmpl $64, %edx; jb short_copy
	rep stosq
	lock; incl counter(%rip)
	rep movsb
	/* output condition code z*/
	jmp *%rax
	movl x86_pred_cmd (% rip), %eax
`;
    const f = rawAsmFacts(src, { arch: 'x86' });
    expect(undef(f)).toEqual(['counter', 'saved_context', 'short_copy', 'x86_pred_cmd']);
    if (haveCommand('as')) {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kvlint-as-'));
      try {
        fs.writeFileSync(path.join(dir, 't.s'), src);
        execFileSync('as', ['--64', '-o', path.join(dir, 't.o'), path.join(dir, 't.s')], { stdio: 'pipe' });
        const real = parseNm(execFileSync('nm', [path.join(dir, 't.o')], { encoding: 'latin1' }));
        expect(undef(f), 'undefined symbols vs gas').toEqual([...real.undefined.keys()].sort());
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    }
  });

  it('x86: quoted macro arguments are instruction sequences (ALTERNATIVE "lfence; jmp *%rax"), over .irp and GEN()-style lists', () => {
    const src = `
	.macro ALTERNATIVE_2 oldinstr, newinstr1, feature1, newinstr2, feature2
140:
	\\oldinstr
141:
	.pushsection .altinstructions,"a"
	.long 140b - .
	.popsection
	.pushsection .altinstr_replacement, "ax"
142:
	\\newinstr1
143:
	\\newinstr2
	.popsection
	.endm
	.macro THUNK reg
	.globl __thunk_\\reg
__thunk_\\reg:
	ALTERNATIVE_2 "call retpoline_\\reg", "lfence; jmp *%\\reg; int3", 1, "jmp *%\\reg", 2
	.endm
	.text
	THUNK rax
	THUNK r11
	.irp reg, rbx, "rcx"
	ALTERNATIVE_2 "testl %eax, %eax; jz skip_\\reg", "", 3, "sar $1, %\\reg; jb fixup", 4
	.endr
`;
    const f = rawAsmFacts(src, { arch: 'x86' });
    expect(undef(f)).toEqual(['fixup', 'retpoline_rax', 'retpoline_r11', 'skip_rbx', 'skip_rcx'].sort());
    expect(globals(f)).toEqual(['__thunk_r11', '__thunk_rax']);
    if (haveCommand('as')) {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kvlint-as-'));
      try {
        fs.writeFileSync(path.join(dir, 't.s'), src);
        execFileSync('as', ['--64', '-o', path.join(dir, 't.o'), path.join(dir, 't.s')], { stdio: 'pipe' });
        const real = parseNm(execFileSync('nm', [path.join(dir, 't.o')], { encoding: 'latin1' }));
        expect(undef(f), 'undefined symbols vs gas').toEqual([...real.undefined.keys()].sort());
        expect(globals(f), 'global definitions vs gas').toEqual([...real.defined.keys()].sort());
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    }
  });

  it('.rept … .endr on one line (x86 head_64.S PMDS) ends there; what follows runs once', () => {
    const src = `
	.data
	.globl level2_kernel_pgt
level2_kernel_pgt:
	i = 0 ; .rept 4 ; .quad (0) + (i << 21) ; i = i + 1 ; .endr ; .long after_one
	.if 0
	.rept 2 ; .long never ; .endr
	.endif
	.globl phys_base
phys_base:
	.quad 0
	.long later
`;
    const f = rawAsmFacts(src, { arch: 'x86' });
    expect(undef(f)).toEqual(['after_one', 'later']);
    expect(globals(f)).toEqual(['level2_kernel_pgt', 'phys_base']);
    if (haveCommand('as')) {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kvlint-as-'));
      try {
        fs.writeFileSync(path.join(dir, 't.s'), src);
        execFileSync('as', ['--64', '-o', path.join(dir, 't.o'), path.join(dir, 't.s')], { stdio: 'pipe' });
        const real = parseNm(execFileSync('nm', [path.join(dir, 't.o')], { encoding: 'latin1' }));
        expect(undef(f), 'undefined symbols vs gas').toEqual([...real.undefined.keys()].sort());
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    }
  });
});
