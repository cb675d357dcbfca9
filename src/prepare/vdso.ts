import { sedExpressions, sedRun } from './sed.js';
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
  const out = sedRun(exprs, [...names].map((n) => `0000000000000000 T ${n}`).join('\n'));
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

