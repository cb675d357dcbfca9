import type { Expr, Sym } from './model.js';

/** Print an expression the way Kconfig writes them (A && (B || !C), FOO=y), optionally with values: A [=y]. */
export function exprToString(e: Expr | null, value?: (s: Sym) => string): string {
  if (!e) return 'y';
  return pr(e, 0, value);
}

const PREC = { or: 1, and: 2, not: 3, cmp: 4, sym: 5 } as const;

function symText(s: Sym, value?: (s: Sym) => string): string {
  const name = s.isConst && s.name !== 'y' && s.name !== 'm' && s.name !== 'n' ? `"${s.name}"` : s.displayName();
  if (!value || s.isConst) return name;
  return `${name} [=${value(s)}]`;
}

function pr(e: Expr, outer: number, value?: (s: Sym) => string): string {
  const p = PREC[e.t];
  let s: string;
  switch (e.t) {
    case 'sym':
      s = symText(e.s, value);
      break;
    case 'not':
      s = `!${pr(e.e, p, value)}`;
      break;
    case 'and':
      s = `${pr(e.l, p, value)} && ${pr(e.r, p, value)}`;
      break;
    case 'or':
      s = `${pr(e.l, p, value)} || ${pr(e.r, p, value)}`;
      break;
    case 'cmp':
      s = `${symText(e.l, value)}${e.op}${symText(e.r, value)}`;
      break;
  }
  return p < outer ? `(${s})` : s;
}
