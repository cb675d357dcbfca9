import { TokKind } from '../core/tokens.js';
import type { AsmStmt, Expr, FuncDef, GSym, LocalVar, Stmt } from './ast.js';
import { addrArgsOf, arraysEscaping, arraysInMemory, isConstArg, pointerScalarizable, readLocals, usedLocals } from './mutation.js';
import { markMutated, parseAssignExpr, parseExpr, parseInitializer } from './parse-expr.js';
import { ASM_KW, type Parser, ParseError, initCount } from './parser.js';
import { typeOf } from './sema.js';
import type { CType } from './types.js';

let depth = 0;

function nestedParse(p: Parser, f: GSym): FuncDef | undefined {
  depth++;
  try {
    f.fn = parseFunction(p, f);
    return f.fn;
  } catch {
    return undefined;
  } finally {
    depth--;
  }
}

/** Parse the body of a function definition (on demand: only kept functions and what they call). */
export function parseFunction(p: Parser, g: GSym): FuncDef | undefined {
  if (!g.body) return undefined;
  const [open, close] = g.body;
  return p.inRange(open, close + 1, p.file, () => {
    const cur = { locals: [] as LocalVar[], stackProtect: false };
    p.curFunc = cur;
    p.pushScope();
    const params: LocalVar[] = [];
    const ptypes = g.type.k === 'func' ? (g.type.params ?? []) : [];
    const names = g.paramNames ?? [];
    ptypes.forEach((t, i) => {
      const name = names[i];
      const v: LocalVar = { name: name ?? '', type: t, mutated: false, addrTaken: false, isStatic: false, param: i, tok: g.tok };
      params.push(v);
      cur.locals.push(v);
      if (name !== undefined) p.scope.ord.set(name, { k: 'local', v });
    });
    const body = parseBlock(p);
    p.popScope();
    for (const v of cur.locals) v.addrTaken = (v.addrRefs ?? 0) > 0;
    // an array handed to a static function that gets inlined and only reads it at constant offsets is still
    // split into registers
    const addrArgs = new Map<LocalVar, { call: Expr & { k: 'call' }; arg: number }[]>();
    const scalarizableArg = (call: Expr & { k: 'call' }, i: number, fields: boolean): boolean => {
      const f = call.fn.k === 'id' ? call.fn.sym : undefined;
      if (!f || !f.isStatic || !f.body || f === g || depth > 0) return false;
      const def = f.fn ?? nestedParse(p, f);
      const param = def?.params[i];
      if (!def || !param) return false;
      // parameters the call passes constants for are constants in the inlined body
      const constParams = new Set(def.params.filter((_, j) => call.args[j] !== undefined && isConstArg(call.args[j]!)));
      return pointerScalarizable(def.body, param, constParams, fields);
    };
    const inMemory = arraysInMemory(body, (call, i) => scalarizableArg(call, i, false));
    // `&local_struct` handed only to inlined functions that use its fields is not an escaping address either
    for (const [v, uses] of addrArgsOf(body)) {
      if (v.type.k !== 'record' || !v.addrRefs) continue;
      const ok = uses.filter(({ call, arg }) => scalarizableArg(call, arg, true)).length;
      v.addrRefs -= ok;
    }
    for (const v of cur.locals) v.addrTaken = (v.addrRefs ?? 0) > 0;
    const stackProtect =
      cur.stackProtect ||
      cur.locals.some(
        // gcc looks at the function's local variables only: an address-taken parameter does not count
        (v) => !v.isStatic && !v.global && v.param === undefined && (v.addrTaken || (v.type.k === 'array' ? inMemory.has(v) : hasArray(v.type))),
      );
    return { sym: g, params, body, locals: cur.locals, localSet: new Set(cur.locals), stackProtect, escapingArrays: arraysEscaping(body), used: usedLocals(body), read: readLocals(body, addrArgs), addrArgs };
  });
}

function hasArray(t: CType): boolean {
  if (t.k === 'array') return true;
  if (t.k === 'record') {
    const rec = t.rec;
    if (rec.resolve) rec.resolve();
    return (rec.members ?? []).some((m) => hasArray(m.type));
  }
  return false;
}

export function parseBlock(p: Parser): Stmt & { k: 'block' } {
  const tok = p.pos;
  if (!p.at('{')) p.fail('expected {');
  const close = p.toks.match[p.pos]!;
  if (close < 0) p.fail('unbalanced {');
  p.pos++;
  p.pushScope();
  const items: Stmt[] = [];
  try {
    while (p.pos < close) {
      const start = p.pos;
      try {
        items.push(parseBlockItem(p));
      } catch (e) {
        if (!(e instanceof ParseError)) throw e;
        p.errors.push({ tok: e.tok, message: e.message });
        p.pos = start;
        skipStatement(p, close);
        items.push({ k: 'empty', tok: start });
      }
    }
  } finally {
    p.popScope();
  }
  p.pos = close + 1;
  return { k: 'block', tok, items };
}

/** skip a broken statement: to the next ';' at this level, or over one braced group */
function skipStatement(p: Parser, limit: number): void {
  while (p.pos < limit) {
    if (p.at(';')) {
      p.pos++;
      return;
    }
    if (p.at('{')) {
      const m = p.toks.match[p.pos]!;
      p.pos = m < 0 ? limit : m + 1;
      return;
    }
    if (p.at('(') || p.at('[')) {
      const m = p.toks.match[p.pos]!;
      p.pos = m < 0 ? limit : m + 1;
      continue;
    }
    p.pos++;
  }
}

function parseBlockItem(p: Parser): Stmt {
  if (p.isIdentAt() && p.t() === '__label__') {
    p.skipToSemi();
    return { k: 'empty', tok: p.pos };
  }
  if (p.isTypeStart() && !(p.isIdentAt() && p.t(1) === ':' && p.kindAt(1) === TokKind.Punct)) return parseDecl(p);
  if (p.isIdentAt() && (p.t() === '_Static_assert' || p.t() === 'static_assert')) {
    p.pos++;
    p.skipGroup();
    p.eat(';');
    return { k: 'empty', tok: p.pos };
  }
  return parseStatement(p);
}

function parseDecl(p: Parser): Stmt {
  const tok = p.pos;
  const specs = p.parseSpecs();
  const vars: LocalVar[] = [];
  if (p.eat(';')) return { k: 'decl', tok, vars };
  for (;;) {
    const d = p.parseDeclarator(specs.type, 'no');
    const attrs = p.parseAttrs([...specs.attrs, ...d.attrs]);
    if (d.name === undefined) p.fail('declaration without a name');
    if (specs.storage === 'typedef') {
      p.scope.ord.set(d.name, { k: 'typedef', t: p.memberType(d.type, attrs, false) });
    } else if (d.type.k === 'func' || specs.storage === 'extern') {
      // block-scope declaration of a file-scope function or object
      const g = p.declareGlobal(d, { ...specs, storage: specs.storage === 'static' ? undefined : specs.storage }, attrs);
      p.scope.ord.set(d.name, { k: 'global', g });
    } else {
      const v: LocalVar = {
        name: d.name,
        type: p.memberType(d.type, attrs, false),
        mutated: false,
        addrTaken: false,
        isStatic: specs.storage === 'static',
        tok: d.nameTok,
      };
      for (const a of attrs) {
        if (a.name === 'cleanup' && a.args) v.cleanup = p.toks.text[a.args[0]];
      }
      p.scope.ord.set(d.name, { k: 'local', v });
      p.curFunc?.locals.push(v);
      if (p.eat('=')) {
        v.init = parseInitializer(p);
        if (v.type.k === 'array' && v.type.len === undefined) {
          const len =
            v.init.k === 'expr' && v.init.e.k === 'str'
              ? strLen(p, v.init.e) + 1
              : initCount(p, v.init, v.type.of);
          if (len !== undefined) v.type = { ...v.type, len };
        }
        if (v.type.k === 'unknown' && v.init.k === 'expr') v.type = typeOf(p, v.init.e);
      }
      vars.push(v);
    }
    if (p.eat(',')) continue;
    p.expect(';');
    return { k: 'decl', tok, vars };
  }
}

function strLen(p: Parser, e: Expr & { k: 'str' }): number {
  let n = 0;
  for (const t of e.toks) n += (p.toks.str(t) ?? '').length;
  return n;
}

function parseParenExpr(p: Parser): Expr {
  if (!p.at('(')) p.fail(`expected ( before '${p.t()}'`);
  const close = p.toks.match[p.pos]!;
  p.pos++;
  const e = parseExpr(p);
  if (p.pos !== close) p.fail(`expected ) before '${p.t()}'`);
  p.pos = close + 1;
  return e;
}

export function parseStatement(p: Parser): Stmt {
  const tok = p.pos;
  if (p.at('{')) return parseBlock(p);
  if (p.eat(';')) return { k: 'empty', tok };
  if (p.isIdentAt()) {
    const w = p.t();
    switch (w) {
      case 'if': {
        p.pos++;
        const c = parseParenExpr(p);
        const a = parseStatement(p);
        if (p.isIdentAt() && p.t() === 'else') {
          p.pos++;
          return { k: 'if', tok, c, a, b: parseStatement(p) };
        }
        return { k: 'if', tok, c, a };
      }
      case 'while': {
        p.pos++;
        const c = parseParenExpr(p);
        return { k: 'while', tok, c, body: parseStatement(p) };
      }
      case 'do': {
        p.pos++;
        const body = parseStatement(p);
        if (p.t() !== 'while') p.fail('expected while after do body');
        p.pos++;
        const c = parseParenExpr(p);
        p.expect(';');
        return { k: 'do', tok, body, c };
      }
      case 'for': {
        p.pos++;
        const close = p.toks.match[p.pos]!;
        p.expect('(');
        p.pushScope();
        try {
          let init: Stmt | undefined;
          if (p.isTypeStart()) init = parseDecl(p);
          else if (!p.eat(';')) {
            const e = parseExpr(p);
            p.expect(';');
            init = { k: 'expr', tok, e };
          }
          let c: Expr | undefined;
          if (!p.at(';')) c = parseExpr(p);
          p.expect(';');
          let step: Expr | undefined;
          if (p.pos < close) step = parseExpr(p);
          p.pos = close + 1;
          const body = parseStatement(p);
          const s: Stmt = { k: 'for', tok, body };
          if (init) s.init = init;
          if (c) s.c = c;
          if (step) s.step = step;
          return s;
        } finally {
          p.popScope();
        }
      }
      case 'switch': {
        p.pos++;
        const c = parseParenExpr(p);
        return { k: 'switch', tok, c, body: parseStatement(p) };
      }
      case 'case': {
        p.pos++;
        const lo = parseAssignExpr(p);
        let hi: Expr | undefined;
        if (p.eat('...')) hi = parseAssignExpr(p);
        p.expect(':');
        const s = parseCaseBody(p);
        return hi ? { k: 'case', tok, lo, hi, s } : { k: 'case', tok, lo, s };
      }
      case 'default':
        if (p.t(1) === ':') {
          p.pos += 2;
          return { k: 'default', tok, s: parseCaseBody(p) };
        }
        break;
      case 'goto': {
        p.pos++;
        if (p.eat('*')) {
          const e = parseExpr(p);
          p.expect(';');
          return { k: 'goto', tok, e };
        }
        const name = p.t();
        p.pos++;
        p.expect(';');
        return { k: 'goto', tok, name };
      }
      case 'break':
        p.pos++;
        p.expect(';');
        return { k: 'break', tok };
      case 'continue':
        p.pos++;
        p.expect(';');
        return { k: 'continue', tok };
      case 'return': {
        p.pos++;
        if (p.eat(';')) return { k: 'return', tok };
        const e = parseExpr(p);
        p.expect(';');
        return { k: 'return', tok, e };
      }
      default:
        if (ASM_KW.has(w)) return parseAsm(p);
        if (p.t(1) === ':' && p.kindAt(1) === TokKind.Punct && !p.isTypedefName(w)) {
          p.pos += 2;
          p.parseAttrs();
          return { k: 'label', tok, name: w, s: parseCaseBody(p) };
        }
    }
  }
  const e = parseExpr(p);
  p.expect(';');
  return { k: 'expr', tok, e };
}

/** the statement after a label (C23 allows a declaration or nothing before '}') */
function parseCaseBody(p: Parser): Stmt {
  if (p.at('}')) return { k: 'empty', tok: p.pos };
  if (p.isTypeStart() && !(p.isIdentAt() && p.t(1) === ':')) return parseDecl(p);
  return parseStatement(p);
}

export function parseAsm(p: Parser): AsmStmt {
  const tok = p.pos;
  p.pos++;
  let isGoto = false;
  while (p.isIdentAt()) {
    const w = p.t();
    if (w === 'goto') isGoto = true;
    else if (!/^(__)?(volatile|inline)(__)?$/.test(w)) break;
    p.pos++;
  }
  if (!p.at('(')) p.fail('expected ( after asm');
  const close = p.toks.match[p.pos]!;
  if (close < 0) p.fail('unbalanced asm');
  p.pos++;
  const template: number[] = [];
  while (p.pos < close && p.kindAt() === TokKind.String) template.push(p.pos++);
  const operands: Expr[] = [];
  const labels: string[] = [];
  let names: Map<string, number> | undefined;
  let section = 0;
  let nout = 0;
  while (p.pos < close) {
    if (p.at(':')) {
      section++;
      p.pos++;
      continue;
    }
    if (p.at('::')) {
      section += 2;
      p.pos++;
      continue;
    }
    if (p.eat(',')) continue;
    if (section === 4) {
      labels.push(p.t());
      p.pos++;
      continue;
    }
    if (section === 3) {
      p.pos++; // clobber strings
      continue;
    }
    // operand: [name] "constraint" ( expr )
    if (p.at('[')) {
      if (p.toks.isIdent(p.pos + 1) && p.toks.isPunct(p.pos + 2, ']')) (names ??= new Map()).set(p.toks.text[p.pos + 1]!, operands.length);
      p.skipGroup();
    }
    while (p.kindAt() === TokKind.String) p.pos++;
    if (p.at('(')) {
      const c = p.toks.match[p.pos]!;
      p.pos++;
      const e = parseExpr(p);
      p.pos = c + 1;
      if (section === 1) {
        markMutated(e, false);
        nout++;
      }
      operands.push(e);
    } else p.pos++;
  }
  p.pos = close + 1;
  p.eat(';');
  void isGoto;
  return { k: 'asm', tok, template, operands, nout, labels, ...(names ? { names } : {}) };
}
