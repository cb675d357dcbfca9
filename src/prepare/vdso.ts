import type { GenContext, Generator } from './types.js';

/**
 * include/generated/vdso-offsets.h (arm64, riscv; `$(NM) vdso.so.dbg | gen_vdso_offsets.sh | LC_ALL=C sort`): the
 * offsets of the vDSO's entry points in the linked vDSO image, which only a link can tell. kvlint writes the names
 * with the value 0 and names the gap: C that uses them (VDSO_SYMBOL()) compiles to the same symbol references
 * whatever the offsets are. The names are what the script's own `sed -n -e 's/…/…/p'` expressions keep of an nm
 * listing, fed with the identifiers of the vDSO's linker script (where its exported symbols are named: VERSION
 * blocks, `VDSO_x = y;` assignments).
 */
export const vdsoOffsets: Generator = (ctx) => {
  const m = /^\s*[@+-]*\s*(\S*nm)\s+(\S+)\s*\|\s*(\S+)\s*\|\s*LC_ALL=C\s+sort\s*>\s*(\S+)\s*$/.exec(ctx.rule.command);
  if (!m || m[4]!.replace(/^\.\//, '') !== ctx.rule.target) return undefined;
  const script = ctx.readInput(m[3]!);
  if (!script) return undefined;
  const exprs = sedExpressions(script.text);
  if (!exprs) return undefined;
  const dir = rel(ctx, m[2]!).replace(/\/[^/]*$/, '');
  const names = new Set<string>();
  for (const f of ctx.tree.isDir(dir) ? ctx.tree.listDir(dir) : []) if (f.endsWith('.lds.S')) linkerScriptNames(ctx, `${dir}/${f}`, names, 0);
  const out: string[] = [];
  for (const name of names) {
    let line = `0000000000000000 T ${name}`;
    let printed = false;
    for (const e of exprs) {
      if (!e.re.test(line)) continue;
      line = line.replace(e.re, e.repl);
      if (e.print) printed = true;
    }
    if (printed) out.push(line);
  }
  out.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  ctx.gap(`${ctx.rule.target}: vDSO entry point offsets need the linked vDSO: ${out.length} names defined with the value 0`);
  return out.length ? out.join('\n') + '\n' : '';
};

/**
 * Symbols a linker script names: assignment targets (`VDSO_sigtramp = __kernel_rt_sigreturn;`) and the globals of
 * its VERSION block; quoted #includes followed (compat_vdso.lds.S includes ../vdso/vdso.lds.S). Conditionals are
 * not evaluated: a name under an #ifdef counts too (an extra #define nobody reads).
 */
function linkerScriptNames(ctx: GenContext, file: string, names: Set<string>, depth: number): void {
  const raw = ctx.tree.tryReadText(file);
  if (raw === undefined || depth > 4) return;
  const text = raw.replace(/\/\*[\s\S]*?\*\//g, ' ');
  for (const inc of text.matchAll(/^\s*#\s*include\s+"([^"]+)"/gm)) {
    const d = file.replace(/\/[^/]*$/, '');
    linkerScriptNames(ctx, normalize(`${d}/${inc[1]}`), names, depth + 1);
  }
  const body = text.replace(/^\s*#.*$/gm, ' ');
  for (const a of body.matchAll(/(?:^|[;{}\s])([A-Za-z_][A-Za-z0-9_]*)\s*=(?!=)/g)) names.add(a[1]!);
  const v = /\bVERSION\s*\{([\s\S]*)\}/.exec(body);
  if (v) for (const g of v[1]!.matchAll(/([A-Za-z_][A-Za-z0-9_]*)\s*;/g)) names.add(g[1]!);
}

function normalize(p: string): string {
  const out: string[] = [];
  for (const seg of p.split('/')) {
    if (seg === '..') out.pop();
    else if (seg !== '.' && seg !== '') out.push(seg);
  }
  return out.join('/');
}

function rel(ctx: GenContext, p: string): string {
  if (ctx.srctree !== '.' && p.startsWith(ctx.srctree + '/')) return p.slice(ctx.srctree.length + 1);
  return p.replace(/^(\.\/)+/, '');
}

interface SedSubst {
  re: RegExp;
  repl: string;
  print: boolean;
}

/** the `-e 's/RE/REPL/[p]'` expressions of the script's `sed -n` call (basic regular expressions), if that is all */
function sedExpressions(script: string): SedSubst[] | undefined {
  const joined = script.replace(/\\\n/g, ' ');
  const call = /\bsed\s+-n\s+((?:-e\s+'[^']*'\s*)+)/.exec(joined);
  if (!call) return undefined;
  const out: SedSubst[] = [];
  for (const e of call[1]!.matchAll(/-e\s+'([^']*)'/g)) {
    const s = parseSubst(e[1]!);
    if (!s) return undefined;
    out.push(s);
  }
  return out;
}

function parseSubst(e: string): SedSubst | undefined {
  if (!e.startsWith('s') || e.length < 2) return undefined;
  const d = e[1]!;
  const parts: string[] = [];
  let cur = '';
  for (let i = 2; i < e.length; i++) {
    const c = e[i]!;
    if (c === '\\' && i + 1 < e.length) {
      cur += c + e[i + 1];
      i++;
    } else if (c === d) {
      parts.push(cur);
      cur = '';
    } else cur += c;
  }
  parts.push(cur);
  if (parts.length !== 3 || !/^p?$/.test(parts[2]!)) return undefined;
  const re = breToRegExp(parts[0]!);
  if (!re) return undefined;
  // replacement: \1…\9 are groups, \c is c, & is the whole match
  const esc: Record<string, string> = { t: '\t', n: '\n' };
  const repl = parts[1]!.replace(/\$/g, '$$$$').replace(/\\([1-9])|\\(.)|&/g, (_m, g: string, c: string) => (g ? `$${g}` : c !== undefined ? (esc[c] ?? c) : '$&'));
  return { re, repl, print: parts[2] === 'p' };
}

/** a POSIX basic regular expression (with GNU's \+ \? \|) as a JavaScript one */
function breToRegExp(bre: string): RegExp | undefined {
  let out = '';
  for (let i = 0; i < bre.length; i++) {
    const c = bre[i]!;
    if (c === '\\') {
      const n = bre[++i];
      if (n === undefined) return undefined;
      if ('(){}|+?'.includes(n)) out += n;
      else if (/[1-9]/.test(n)) out += '\\' + n;
      else out += '\\' + n;
    } else if (c === '[') {
      const j = bre.indexOf(']', i + 2);
      if (j < 0) return undefined;
      out += bre.slice(i, j + 1).replace(/\[:space:\]/g, '\\s').replace(/\[:alnum:\]/g, 'A-Za-z0-9');
      i = j;
    } else if ('(){}|+?'.includes(c)) out += '\\' + c;
    else out += c;
  }
  try {
    return new RegExp(out);
  } catch {
    return undefined;
  }
}
