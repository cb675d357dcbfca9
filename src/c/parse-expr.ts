import { TokKind } from '../core/tokens.js';
import type { Designator, Expr, Init } from './ast.js';
import { type Parser, ParseError } from './parser.js';
import { parseBlock } from './parse-stmt.js';
import type { CType } from './types.js';

const PREC: Record<string, number> = {
  '||': 1, '&&': 2, '|': 3, '^': 4, '&': 5, '==': 6, '!=': 6, '<': 7, '>': 7, '<=': 7, '>=': 7, '<<': 8, '>>': 8,
  '+': 9, '-': 9, '*': 10, '/': 10, '%': 10,
};
const ASSIGN = new Set(['=', '*=', '/=', '%=', '+=', '-=', '<<=', '>>=', '&=', '^=', '|=']);

/** builtins whose arguments include type names */
const TYPE_BUILTINS = new Set(['__builtin_offsetof', '__builtin_types_compatible_p', '__builtin_va_arg', 'offsetof', '__builtin_convertvector']);

export function parseExpr(p: Parser): Expr {
  let e = parseAssignExpr(p);
  while (p.at(',')) {
    const tok = p.pos++;
    const r = parseAssignExpr(p);
    e = { k: 'comma', tok, l: e, r };
  }
  return e;
}

export function parseAssignExpr(p: Parser): Expr {
  const l = parseCond(p);
  if (p.kindAt() === TokKind.Punct && ASSIGN.has(p.t())) {
    const tok = p.pos;
    const op = p.t();
    p.pos++;
    const r = parseAssignExpr(p);
    markMutated(l, false);
    return { k: 'assign', tok, op, l, r };
  }
  return l;
}

function parseCond(p: Parser): Expr {
  const c = parseBinary(p, 1);
  if (p.at('?')) {
    const tok = p.pos++;
    let a: Expr | undefined;
    if (!p.at(':')) a = parseExpr(p);
    p.expect(':');
    const b = parseCond(p);
    return { k: 'cond', tok, c, a, b };
  }
  return c;
}

function parseBinary(p: Parser, min: number): Expr {
  let l = parseCast(p);
  for (;;) {
    if (p.kindAt() !== TokKind.Punct) return l;
    const op = p.t();
    const prec = PREC[op];
    if (prec === undefined || prec < min) return l;
    const tok = p.pos++;
    const r = parseBinary(p, prec + 1);
    if (op === '==' || op === '!=') {
      // comparing addresses (typecheck()'s `&__dummy == &__dummy2`) does not make them escape
      unescape(l);
      unescape(r);
    }
    l = { k: 'bin', tok, op, l, r };
  }
}

function parseCast(p: Parser): Expr {
  if (p.at('(') && p.isTypeStart(1)) {
    const tok = p.pos;
    const close = p.toks.match[p.pos]!;
    p.pos++;
    const type = p.parseTypeName();
    if (p.pos !== close) p.fail('unexpected token in type name');
    p.pos = close + 1;
    if (p.at('{')) {
      const init = parseInitializer(p);
      return parsePostfix(p, { k: 'complit', tok, type: completeArray(p, type, init), init });
    }
    const e = parseCast(p);
    return { k: 'cast', tok, type, e };
  }
  return parseUnary(p);
}

function completeArray(p: Parser, t: CType, init: Init): CType {
  if (t.k === 'array' && t.len === undefined && init.k === 'list') {
    let idx = 0;
    let max = 0;
    for (const it of init.items) {
      idx++;
      if (idx > max) max = idx;
    }
    void p;
    return { ...t, len: max };
  }
  return t;
}

function parseUnary(p: Parser): Expr {
  const tok = p.pos;
  const w = p.t();
  if (p.kindAt() === TokKind.Punct) {
    if (w === '++' || w === '--') {
      p.pos++;
      const e = parseUnary(p);
      markMutated(e, false);
      return { k: 'un', tok, op: w, e };
    }
    if (w === '&&' && p.isIdentAt(1)) {
      p.pos += 2;
      return { k: 'labeladdr', tok, name: p.toks.text[tok + 1]! };
    }
    if (w === '&' || w === '*' || w === '+' || w === '-' || w === '~' || w === '!') {
      p.pos++;
      const e = parseCast(p);
      if (w === '&') markMutated(e, true);
      return { k: 'un', tok, op: w, e };
    }
  } else if (p.isIdentAt()) {
    if (w === 'sizeof' || w === '_Alignof' || w === '__alignof__' || w === '__alignof' || w === 'alignof') {
      p.pos++;
      const align = w !== 'sizeof';
      if (p.at('(') && p.isTypeStart(1)) {
        const close = p.toks.match[p.pos]!;
        p.pos++;
        const type = p.parseTypeName();
        p.pos = close + 1;
        if (p.at('{')) {
          // sizeof (T){…}: a compound literal
          const init = parseInitializer(p);
          const e = parsePostfix(p, { k: 'complit', tok, type: completeArray(p, type, init), init });
          return { k: 'sizeof', tok, e, align };
        }
        return { k: 'sizeof', tok, type, align };
      }
      const e = parseUnary(p);
      return { k: 'sizeof', tok, e, align };
    }
    if (w === '__extension__') {
      p.pos++;
      return parseCast(p);
    }
    if (w === '__real__' || w === '__imag__' || w === '__real' || w === '__imag') {
      p.pos++;
      const e = parseCast(p);
      return { k: 'un', tok, op: w, e };
    }
  }
  return parsePostfix(p, parsePrimary(p));
}

function parsePostfix(p: Parser, e: Expr): Expr {
  for (;;) {
    const tok = p.pos;
    if (p.kindAt() !== TokKind.Punct) return e;
    const w = p.t();
    if (w === '[') {
      const close = p.toks.match[p.pos]!;
      p.pos++;
      const i = parseExpr(p);
      p.pos = close + 1;
      e = { k: 'index', tok, e, i };
    } else if (w === '(') {
      const close = p.toks.match[p.pos]!;
      if (close < 0) p.fail('unbalanced call');
      p.pos++;
      const args: Expr[] = [];
      while (p.pos < close) {
        args.push(parseAssignExpr(p));
        if (!p.eat(',')) break;
      }
      if (p.pos !== close) p.fail('unexpected token in call arguments');
      p.pos = close + 1;
      e = { k: 'call', tok, fn: e, args };
    } else if (w === '.' || w === '->') {
      p.pos++;
      if (!p.isIdentAt()) p.fail('expected member name');
      const name = p.t();
      p.pos++;
      e = { k: 'member', tok, e, name, arrow: w === '->' };
    } else if (w === '++' || w === '--') {
      p.pos++;
      markMutated(e, false);
      e = { k: 'post', tok, op: w, e };
    } else return e;
  }
}

function parsePrimary(p: Parser): Expr {
  const tok = p.pos;
  const kind = p.kindAt();
  const w = p.t();
  if (kind === TokKind.Number) {
    p.pos++;
    return { k: 'num', tok, text: w };
  }
  if (kind === TokKind.Char) {
    p.pos++;
    return { k: 'chr', tok, text: w };
  }
  if (kind === TokKind.String) {
    const toks: number[] = [];
    while (p.kindAt() === TokKind.String) toks.push(p.pos++);
    return { k: 'str', tok, toks };
  }
  if (kind === TokKind.Punct && w === '(') {
    const close = p.toks.match[p.pos]!;
    if (close < 0) p.fail('unbalanced (');
    if (p.t(1) === '{') {
      p.pos++;
      const body = parseBlock(p);
      p.pos = close + 1;
      return { k: 'stmtexpr', tok, body };
    }
    p.pos++;
    const e = parseExpr(p);
    if (p.pos !== close) p.fail(`expected ) before '${p.t()}'`);
    p.pos = close + 1;
    return e;
  }
  if (kind !== TokKind.Ident) p.fail(`expected expression before '${w}'`);
  p.pos++;
  if (w === '__func__' || w === '__FUNCTION__' || w === '__PRETTY_FUNCTION__') return { k: 'str', tok, toks: [] };
  if (w === '_Generic') return parseGeneric(p, tok);
  if (TYPE_BUILTINS.has(w) && p.at('(')) return parseTypeBuiltin(p, tok, w);
  if (w === '__builtin_choose_expr' && p.at('(')) {
    const close = p.toks.match[p.pos]!;
    p.pos++;
    const c = parseAssignExpr(p);
    p.expect(',');
    const a = parseAssignExpr(p);
    p.expect(',');
    const b = parseAssignExpr(p);
    p.pos = close + 1;
    return { k: 'choose', tok, c, a, b };
  }
  const b = p.lookup(w);
  if (b) {
    if (b.k === 'local') return { k: 'id', tok, name: w, local: b.v };
    if (b.k === 'global') return { k: 'id', tok, name: w, sym: b.g };
    if (b.k === 'enumc') return { k: 'id', tok, name: w, ec: b.c };
    p.pos--;
    p.fail(`unexpected type name '${w}'`);
  }
  if ((w.startsWith('__builtin_') || w.startsWith('__sync_') || w.startsWith('__atomic_')) && p.at('(')) {
    const close = p.toks.match[p.pos]!;
    p.pos++;
    const args: Expr[] = [];
    while (p.pos < close) {
      args.push(parseAssignExpr(p));
      if (!p.eat(',')) break;
    }
    p.pos = close + 1;
    return { k: 'builtin', tok, name: w, args };
  }
  return { k: 'id', tok, name: w };
}

function parseGeneric(p: Parser, tok: number): Expr {
  const close = p.toks.match[p.pos]!;
  p.pos++;
  const ctl = parseAssignExpr(p);
  const assoc: { type: CType | undefined; e: Expr }[] = [];
  while (p.eat(',')) {
    let type: CType | undefined;
    if (p.t() === 'default') p.pos++;
    else type = p.parseTypeName();
    p.expect(':');
    assoc.push({ type, e: parseAssignExpr(p) });
  }
  p.pos = close + 1;
  return { k: 'generic', tok, ctl, assoc };
}

function parseTypeBuiltin(p: Parser, tok: number, w: string): Expr {
  const close = p.toks.match[p.pos]!;
  p.pos++;
  try {
    if (w === '__builtin_offsetof' || w === 'offsetof') {
      const type = p.parseTypeName();
      p.expect(',');
      const path: (string | Expr)[] = [];
      for (;;) {
        if (p.eat('.')) continue;
        if (p.isIdentAt()) {
          path.push(p.t());
          p.pos++;
        } else if (p.at('[')) {
          const c = p.toks.match[p.pos]!;
          p.pos++;
          path.push(parseExpr(p));
          p.pos = c + 1;
        } else break;
      }
      return { k: 'offsetof', tok, type, path };
    }
    if (w === '__builtin_types_compatible_p') {
      const a = p.parseTypeName();
      p.expect(',');
      const b = p.parseTypeName();
      return { k: 'typescompat', tok, a, b };
    }
    if (w === '__builtin_va_arg') {
      const e = parseAssignExpr(p);
      p.expect(',');
      const type = p.parseTypeName();
      return { k: 'vaarg', tok, e, type };
    }
    // __builtin_convertvector(e, T)
    const e = parseAssignExpr(p);
    return e;
  } finally {
    p.pos = close + 1;
  }
}

export function parseInitializer(p: Parser): Init {
  if (!p.at('{')) return { k: 'expr', e: parseAssignExpr(p) };
  const tok = p.pos;
  const close = p.toks.match[p.pos]!;
  if (close < 0) p.fail('unbalanced initialiser');
  p.pos++;
  const items: { desig: Designator[]; init: Init }[] = [];
  while (p.pos < close) {
    const desig: Designator[] = [];
    for (;;) {
      if (p.at('.') && p.isIdentAt(1)) {
        desig.push({ k: 'field', name: p.t(1) });
        p.pos += 2;
      } else if (p.at('[')) {
        const c = p.toks.match[p.pos]!;
        p.pos++;
        const lo = parseCond(p);
        let hi: Expr | undefined;
        if (p.eat('...')) hi = parseCond(p);
        p.pos = c + 1;
        desig.push(hi ? { k: 'index', lo, hi } : { k: 'index', lo });
      } else if (desig.length === 0 && p.isIdentAt() && p.t(1) === ':' && p.kindAt(1) === TokKind.Punct) {
        desig.push({ k: 'field', name: p.t() });
        p.pos += 2;
        break;
      } else break;
    }
    if (desig.length) p.eat('=');
    items.push({ desig, init: parseInitializer(p) });
    if (!p.eat(',')) break;
  }
  if (p.pos !== close) throw new ParseError(p.pos, `unexpected '${p.t()}' in initialiser`);
  p.pos = close + 1;
  return { k: 'list', tok, items };
}

/** note that an lvalue's variable is written (or its address taken): no constant propagation through it */
export function markMutated(e: Expr, addr: boolean): void {
  for (;;) {
    switch (e.k) {
      case 'id':
        if (e.local) {
          e.local.mutated = true;
          if (addr) e.local.addrRefs = (e.local.addrRefs ?? 0) + 1;
        }
        return;
      case 'member':
        if (e.arrow) return;
        e = e.e;
        continue;
      case 'index':
        if (e.e.k === 'id' && e.e.local && e.e.local.type.k !== 'array') return; // p[i] = … writes through p
        e = e.e;
        continue;
      case 'cast':
        e = e.e;
        continue;
      case 'comma':
        e = e.r;
        continue;
      case 'stmtexpr':
      case 'cond':
      default:
        return;
    }
  }
}

function unescape(e: Expr): void {
  if (e.k === 'un' && e.op === '&' && e.e.k === 'id' && e.e.local && e.e.local.addrRefs) e.e.local.addrRefs--;
}
