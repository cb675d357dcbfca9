import type { GenContext, Generator } from './types.js';
import { shellWords } from './echo.js';

/**
 * Syscall headers and tables from a syscall.tbl: scripts/syscallhdr.sh and scripts/syscalltbl.sh (5.12 and later,
 * shared by the architectures) and ARM's arch/arm/tools/syscallnr.sh, in TypeScript. The command line kbuild would
 * run (options, input, output) is read from the rule.
 */

interface Invocation {
  script: string;
  args: string[];
}

/** `$(CONFIG_SHELL) path/to/script.sh ARGS…` → the script's tree path and its arguments */
function invocation(ctx: GenContext): Invocation | undefined {
  const words = shellWords(ctx.rule.command.replace(/^\s*[@+-]+/, ''));
  if (!words) return undefined;
  let i = 0;
  if (words[i] !== undefined && /(^|\/)(ba|da)?sh$/.test(words[i]!)) i++;
  const script = words[i];
  if (script === undefined) return undefined;
  return { script: treeRel(ctx, script), args: words.slice(i + 1) };
}

function treeRel(ctx: GenContext, p: string): string {
  if (ctx.srctree !== '.' && p.startsWith(ctx.srctree + '/')) return p.slice(ctx.srctree.length + 1);
  return p.replace(/^(\.\/)+/, '');
}

interface TableLine {
  nr: string;
  abi: string;
  name: string;
  native: string;
  compat: string;
  line: number;
}

/**
 * The lines `grep -E "^NUMBER[[:space:]]+(abi1|abi2)"` keeps, split as `read nr abi name native compat` splits
 * them (the last field takes the rest of the line). `hexNumbers`: syscallhdr.sh also accepts 0x… numbers.
 */
function tableLines(text: string, abis: string[] | undefined, hexNumbers: boolean): TableLine[] {
  const num = hexNumbers ? '[0-9A-Fa-fXx]+' : '[0-9]+';
  const re = new RegExp(`^${num}[ \\t\\v\\f\\r]+${abis && abis.length ? `(${abis.map(escapeRe).join('|')})` : ''}`);
  const out: TableLine[] = [];
  const lines = text.split('\n');
  for (let k = 0; k < lines.length; k++) {
    const l = lines[k]!;
    if (!re.test(l)) continue;
    const f = l.trim().split(/[ \t]+/);
    out.push({ nr: f[0]!, abi: f[1] ?? '', name: f[2] ?? '', native: f[3] ?? '', compat: f.slice(4).join(' '), line: k + 1 });
  }
  return out;
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** the shell's $((x)): decimal, 0x hex, leading-0 octal */
function shellNumber(s: string): bigint | undefined {
  if (/^0[xX][0-9a-fA-F]+$/.test(s)) return BigInt(s);
  if (/^0[0-7]+$/.test(s)) return BigInt('0o' + s.slice(1));
  if (/^[0-9]+$/.test(s)) return BigInt(s);
  return undefined;
}

/** the include guard syscallhdr.sh/syscallnr.sh derive from the output's file name */
function guardOf(prefix: string, out: string): string {
  const base = out.slice(out.lastIndexOf('/') + 1);
  return prefix + base.toUpperCase().replace(/[^A-Z0-9_]/g, '_').replace(/__/g, '_');
}

interface Parsed {
  abis?: string[];
  emitNr: boolean;
  offset: string;
  prefix: string;
  infile: string;
  outfile: string;
}

function parseOptions(args: string[], withNr: boolean): Parsed | undefined {
  const p: Parsed = { emitNr: false, offset: '', prefix: '', infile: '', outfile: '' };
  let i = 0;
  for (; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--abis') p.abis = (args[++i] ?? '').split(',');
    else if (withNr && a === '--emit-nr') p.emitNr = true;
    else if (withNr && a === '--offset') p.offset = args[++i] ?? '';
    else if (withNr && a === '--prefix') p.prefix = args[++i] ?? '';
    else if (a.startsWith('-')) return undefined;
    else break;
  }
  if (args.length - i !== 2) return undefined;
  p.infile = args[i]!;
  p.outfile = args[i + 1]!;
  return p;
}

export const syscallHeader: Generator = (ctx) => {
  const inv = invocation(ctx);
  if (!inv || inv.script !== 'scripts/syscallhdr.sh') return undefined;
  const o = parseOptions(inv.args, true);
  const input = o && ctx.readInput(o.infile);
  if (!o || !input) return undefined;
  const guard = guardOf('_UAPI_ASM_', o.outfile);
  const out = [`#ifndef ${guard}`, `#define ${guard}`, ''];
  let max: string | undefined;
  for (const l of tableLines(input.text, o.abis, true)) {
    max = l.nr;
    out.push(`#define __NR_${o.prefix}${l.name} ${o.offset ? `(${o.offset} + ${l.nr})` : l.nr}`);
  }
  if (o.emitNr) {
    const n = max === undefined ? 0n : shellNumber(max);
    if (n === undefined) ctx.problem(`syscall number '${max}' is not a number`, { file: input.file, line: 1, col: 1 });
    out.push('', '#ifdef __KERNEL__', `#define __NR_${o.prefix}syscalls ${(n ?? 0n) + 1n}`, '#endif');
  }
  out.push('', `#endif /* ${guard} */`);
  return out.join('\n') + '\n';
};

export const syscallTable: Generator = (ctx) => {
  const inv = invocation(ctx);
  if (!inv || inv.script !== 'scripts/syscalltbl.sh') return undefined;
  const o = parseOptions(inv.args, false);
  const input = o && ctx.readInput(o.infile);
  if (!o || !input) return undefined;
  const out: string[] = [];
  let nxt = 0n;
  for (const l of tableLines(input.text, o.abis, false)) {
    const nr = BigInt(l.nr);
    if (nxt > nr) {
      // the script stops with an error (the build fails); kvlint keeps what was made so far
      ctx.problem('syscall table is not sorted or duplicates the same syscall number', { file: input.file, line: l.line, col: 1 });
      break;
    }
    for (; nxt < nr; nxt++) out.push(`__SYSCALL(${nxt}, sys_ni_syscall)`);
    if (l.compat) out.push(`__SYSCALL_WITH_COMPAT(${l.nr}, ${l.native}, ${l.compat})`);
    else if (l.native) out.push(`__SYSCALL(${l.nr}, ${l.native})`);
    else out.push(`__SYSCALL(${l.nr}, sys_ni_syscall)`);
    nxt = nr + 1n;
  }
  return out.length ? out.join('\n') + '\n' : '';
};

/** arch/arm/tools/syscallnr.sh: __NR_syscalls, the highest number + 1 rounded up to the table's alignment */
export const armSyscallNr: Generator = (ctx) => {
  const inv = invocation(ctx);
  if (!inv || inv.script !== 'arch/arm/tools/syscallnr.sh' || inv.args.length !== 2) return undefined;
  const input = ctx.readInput(inv.args[0]!);
  if (!input) return undefined;
  const guard = guardOf('_ASM_ARM_', inv.args[1]!);
  const out = [`#ifndef ${guard}`, `#define ${guard} 1`, '', '/*', ' * This needs to be greater than __NR_last_syscall+1 in order to account', ' * for the padding in the syscall table.', ' */', ''];
  // `sort -n | tail -n1`: the line with the largest leading number (ties: the last in sort's order)
  let best: { n: bigint; line: string } | undefined;
  for (const l of input.text.split('\n')) {
    if (!/^[0-9A-Fa-fXx]+[ \t\v\f\r]+/.test(l)) continue;
    const lead = /^[0-9]*/.exec(l)![0];
    const n = lead === '' ? 0n : BigInt(lead);
    if (!best || n > best.n || (n === best.n && l > best.line)) best = { n, line: l };
  }
  if (best) {
    const nrText = best.line.trim().split(/[ \t]+/)[0]!;
    let nr = (shellNumber(nrText) ?? 0n) + 1n;
    let align = 1n;
    while (nr / (256n * align) > 0n) align *= 4n;
    nr = (nr + align - 1n) & ~(align - 1n);
    out.push(`/* aligned to ${align} */`, `#define __NR_syscalls ${nr}`);
  }
  out.push('', `#endif /* ${guard} */`);
  return out.join('\n') + '\n';
};
