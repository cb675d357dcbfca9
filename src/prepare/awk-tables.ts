import type { GenContext, Generator } from './types.js';
import { shellWords } from './echo.js';

/**
 * Headers kbuild makes with an awk script over a table of the tree (`$(AWK) -f SCRIPT TABLE > $@`): ARM's
 * mach-types.h (arch/arm/tools/gen-mach-types), arm64's cpucaps.h and sysreg-defs.h (arch/arm64/tools/gen-*.awk).
 * Each script is rewritten here in TypeScript, following the 6.1 script; the tree's script is never run.
 */

interface AwkRun {
  script: string;
  input: { text: string; file: string };
  /** the input as the command names it (awk's FILENAME) */
  spelled: string;
}

function awkRun(ctx: GenContext): AwkRun | undefined {
  const cmd = ctx.rule.command.replace(/^.*?;\s*(?=\S*awk\b)/s, ''); // "mkdir -p …; awk -f …"
  const m = /^\s*[@+-]*\s*(\S*awk)\s+(.*?)\s*>\s*(\S+)\s*$/s.exec(cmd);
  if (!m) return undefined;
  const words = shellWords(m[2]!);
  if (!words || words[0] !== '-f' || words.length !== 3) return undefined;
  const input = ctx.readInput(words[2]!);
  if (!input) return undefined;
  const s = words[1]!;
  return { script: s.slice(s.lastIndexOf('/') + 1), input, spelled: words[2]! };
}

/** awk's default field splitting: runs of blanks, leading and trailing ones ignored */
function fields(line: string): string[] {
  const t = line.trim();
  return t === '' ? [] : t.split(/[ \t\n]+/);
}

/** the records awk reads: lines, without the empty one after a final newline */
export function records(text: string): string[] {
  const r = text.split('\n');
  if (r.length > 0 && r[r.length - 1] === '') r.pop();
  return r;
}

const pad = (s: string, n: number) => (s.length >= n ? s : s + ' '.repeat(n - s.length));

/** awk's %d of a field: the leading number of the string */
function awkInt(s: string): string {
  const m = /^\s*[-+]?\d+/.exec(s);
  return m ? String(Number.parseInt(m[0], 10)) : '0';
}

export const machTypes: Generator = (ctx) => {
  const run = awkRun(ctx);
  if (!run || run.script !== 'gen-mach-types') return undefined;
  const ents: { is: string; config: string; type: string; num: string }[] = [];
  for (const line of records(run.input.text)) {
    if (line.startsWith('#') || /^[ \t]*$/.test(line)) continue;
    const f = fields(line);
    if (f.length === 4 || f.length === 3) ents.push({ is: `machine_is_${f[0]}`, config: `CONFIG_${f[1]}`, type: `MACH_TYPE_${f[2]}`, num: f[3] ?? '' });
  }
  const o: string[] = [];
  o.push('/*\n', ` * This was automagically generated from ${run.spelled}!\n`, ' * Do NOT edit\n', ' */\n\n');
  o.push('#ifndef __ASM_ARM_MACH_TYPE_H\n', '#define __ASM_ARM_MACH_TYPE_H\n\n');
  o.push('#ifndef __ASSEMBLY__\n', "/* The type of machine we're running on */\n", 'extern unsigned int __machine_arch_type;\n', '#endif\n\n');
  o.push('/* see arch/arm/kernel/arch.c for a description of these */\n');
  for (const e of ents) if (e.num !== '') o.push(`#define ${pad(e.type, 30)} ${awkInt(e.num)}\n`);
  o.push('\n');
  for (const e of ents) {
    if (e.num === '') continue;
    o.push(`#ifdef ${e.config}\n`, '# ifdef machine_arch_type\n', '#  undef machine_arch_type\n', '#  define machine_arch_type\t__machine_arch_type\n');
    o.push('# else\n', `#  define machine_arch_type\t${e.type}\n`, '# endif\n', `# define ${e.is}()\t(machine_arch_type == ${e.type})\n`);
    o.push('#else\n', `# define ${e.is}()\t(0)\n`, '#endif\n\n');
  }
  o.push('/*\n * These have not yet been registered\n */\n');
  for (const e of ents) if (e.num === '') o.push(`/* #define ${pad(e.type, 30)} <<not registered>> */\n`);
  for (const e of ents) if (e.num === '') o.push(`#define ${e.is}()\t(0)\n`);
  o.push('\n#ifndef machine_arch_type\n', '#define machine_arch_type\t__machine_arch_type\n', '#endif\n\n', '#endif\n');
  return o.join('');
};

export const arm64Cpucaps: Generator = (ctx) => {
  const run = awkRun(ctx);
  if (!run || run.script !== 'gen-cpucaps.awk') return undefined;
  const o = ['#ifndef __ASM_CPUCAPS_H\n', '#define __ASM_CPUCAPS_H\n', '\n', '/* Generated file - do not edit */\n', '\n'];
  let n = 0;
  const lines = records(run.input.text);
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i]!;
    if (l === '' || l.startsWith('#')) continue;
    if (/^[vA-Z0-9_]+$/.test(l)) {
      o.push(`#define ARM64_${pad(l, 30)}\t${n++}\n`);
      continue;
    }
    ctx.problem('unhandled statement (gen-cpucaps.awk stops here)', { file: run.input.file, line: i + 1, col: 1 });
    break;
  }
  o.push(`#define ARM64_NCAPS\t\t\t\t${n}\n`, '\n', '#endif /* __ASM_CPUCAPS_H */\n');
  return o.join('');
};

class AwkFatal extends Error {}

/** arch/arm64/tools/gen-sysreg.awk: Sysreg / SysregFields blocks with Res0/Res1/Field/Raz/Enum lines */
export const arm64Sysreg: Generator = (ctx) => {
  const run = awkRun(ctx);
  if (!run || run.script !== 'gen-sysreg.awk') return undefined;
  const o: string[] = ['#ifndef __ASM_SYSREG_DEFS_H\n', '#define __ASM_SYSREG_DEFS_H\n', '\n', '/* Generated file - do not edit */\n', '\n'];
  const define = (name: string, val: string | number) => o.push(`${pad('#define ' + name, 48)}${val}\n`);
  let block = 'None';
  let reg = '';
  let res0 = '';
  let res1 = '';
  let nextBit = 0;
  let msb = 0;
  let lsb = 0;
  let field = '';
  let nr = 0;
  const fatal = (msg: string): never => {
    ctx.problem(`${msg} (gen-sysreg.awk stops here)`, { file: run.input.file, line: nr, col: 1 });
    throw new AwkFatal(msg);
  };
  const changeBlock = (self: string, prev: string, next: string) => {
    if (block !== prev) fatal(`unexpected ${self} (inside ${block})`);
    block = next;
  };
  let nf = 0;
  const expectFields = (n: number) => {
    if (nf !== n) fatal(`${nf} fields found where ${n} expected`);
  };
  const defineField = (r: string, f: string, hi: number, lo: number) => {
    define(`${r}_${f}`, `GENMASK(${hi}, ${lo})`);
    define(`${r}_${f}_MASK`, `GENMASK(${hi}, ${lo})`);
    define(`${r}_${f}_SHIFT`, lo);
    define(`${r}_${f}_WIDTH`, hi - lo + 1);
  };
  const parseBitdef = (r: string, f: string, bitdef: string) => {
    const parts = bitdef.split(':');
    if (/^[0-9]+$/.test(bitdef)) msb = lsb = Number(bitdef);
    else if (parts.length === 2) {
      msb = Number(parts[0]);
      lsb = Number(parts[1]);
    } else fatal(`invalid bit-range definition '${bitdef}'`);
    if (msb !== nextBit) fatal(`${r}.${f} starts at ${msb} not ${nextBit}`);
    if (msb > 63 || msb < 0) fatal(`${r}.${f} invalid high bit in '${bitdef}'`);
    if (lsb > 63 || lsb < 0) fatal(`${r}.${f} invalid low bit in '${bitdef}'`);
    if (msb < lsb) fatal(`${r}.${f} invalid bit-range '${bitdef}'`);
    nextBit = lsb - 1;
  };
  try {
    for (const line of records(run.input.text)) {
      nr++;
      const f = fields(line);
      nf = f.length;
      if (line === '' || /^[\t ]*#/.test(line)) continue;
      if (line.startsWith('SysregFields')) {
        changeBlock('SysregFields', 'None', 'SysregFields');
        expectFields(2);
        reg = f[1]!;
        res0 = res1 = 'UL(0)';
        nextBit = 63;
      } else if (line.startsWith('EndSysregFields')) {
        if (nextBit > 0) fatal(`Unspecified bits in ${reg}`);
        changeBlock('EndSysregFields', 'SysregFields', 'None');
        define(`${reg}_RES0`, `(${res0})`);
        define(`${reg}_RES1`, `(${res1})`);
        o.push('\n');
        reg = res0 = res1 = '';
      } else if (line.startsWith('Sysreg')) {
        changeBlock('Sysreg', 'None', 'Sysreg');
        expectFields(7);
        const [, name, op0, op1, crn, crm, op2] = f as [string, string, string, string, string, string, string];
        reg = name;
        res0 = res1 = 'UL(0)';
        define(`REG_${reg}`, `S${op0}_${op1}_C${crn}_C${crm}_${op2}`);
        define(`SYS_${reg}`, `sys_reg(${op0}, ${op1}, ${crn}, ${crm}, ${op2})`);
        define(`SYS_${reg}_Op0`, op0);
        define(`SYS_${reg}_Op1`, op1);
        define(`SYS_${reg}_CRn`, crn);
        define(`SYS_${reg}_CRm`, crm);
        define(`SYS_${reg}_Op2`, op2);
        o.push('\n');
        nextBit = 63;
      } else if (line.startsWith('EndSysreg')) {
        if (nextBit > 0) fatal(`Unspecified bits in ${reg}`);
        changeBlock('EndSysreg', 'Sysreg', 'None');
        if (res0 !== '') define(`${reg}_RES0`, `(${res0})`);
        if (res1 !== '') define(`${reg}_RES1`, `(${res1})`);
        if (res0 !== '' || res1 !== '') o.push('\n');
        reg = res0 = res1 = '';
      } else if (line.startsWith('Fields') && block === 'Sysreg') {
        expectFields(2);
        if (nextBit !== 63) fatal(`Some fields already defined for ${reg}`);
        o.push(`/* For ${reg} fields see ${f[1]} */\n`, '\n');
        nextBit = 0;
        res0 = res1 = '';
      } else if (line.startsWith('Res0') && (block === 'Sysreg' || block === 'SysregFields')) {
        expectFields(2);
        parseBitdef(reg, 'RES0', f[1]!);
        res0 += ` | GENMASK_ULL(${msb}, ${lsb})`;
      } else if (line.startsWith('Res1') && (block === 'Sysreg' || block === 'SysregFields')) {
        expectFields(2);
        parseBitdef(reg, 'RES1', f[1]!);
        res1 += ` | GENMASK_ULL(${msb}, ${lsb})`;
      } else if (line.startsWith('Field') && (block === 'Sysreg' || block === 'SysregFields')) {
        expectFields(3);
        field = f[2]!;
        parseBitdef(reg, field, f[1]!);
        defineField(reg, field, msb, lsb);
        o.push('\n');
      } else if (line.startsWith('Raz') && (block === 'Sysreg' || block === 'SysregFields')) {
        expectFields(2);
        parseBitdef(reg, field, f[1]!);
      } else if (line.startsWith('Enum')) {
        changeBlock('Enum', 'Sysreg', 'Enum');
        expectFields(3);
        field = f[2]!;
        parseBitdef(reg, field, f[1]!);
        defineField(reg, field, msb, lsb);
      } else if (line.startsWith('EndEnum')) {
        changeBlock('EndEnum', 'Enum', 'Sysreg');
        field = '';
        o.push('\n');
      } else if (/0b[01]+/.test(line) && block === 'Enum') {
        expectFields(2);
        define(`${reg}_${field}_${f[1]}`, `UL(${f[0]})`);
      } else fatal('unhandled statement');
    }
  } catch (e) {
    if (!(e instanceof AwkFatal)) throw e;
  }
  o.push('#endif /* __ASM_SYSREG_DEFS_H */\n');
  return o.join('');
};
