import type { Span } from '../core/types.js';
import type { ResolvedInclude, SourceFile } from './include.js';
import { F_BOL, idents, K_IDENT, K_NUMBER, K_PUNCT, K_STRING, type Lexed, P_HASH, P_LPAREN, P_NOT, P_RPAREN } from './lexer.js';
import { type DefineError, Macro, O_SOURCE, parseDefine } from './macro.js';
import type { Preprocessor } from './preprocessor.js';
import { isPunct, K_EOF, type Tok } from './tok.js';

/**
 * Directive handling (cpplib directives.cc): conditionals, #define/#undef, #include/#include_next/#import, #line
 * and linemarkers, #error/#warning, #pragma (once, push_macro/pop_macro, GCC system_header/poison/warning/error;
 * others are printed as gcc -E prints them), #ident/#sccs, #assert/#unassert (accepted, no effect).
 */

const D = (s: string) => idents.intern(s);
const D_DEFINE = D('define');
const D_UNDEF = D('undef');
const D_INCLUDE = D('include');
const D_INCLUDE_NEXT = D('include_next');
const D_IMPORT = D('import');
const D_IF = D('if');
const D_IFDEF = D('ifdef');
const D_IFNDEF = D('ifndef');
const D_ELIF = D('elif');
const D_ELIFDEF = D('elifdef');
const D_ELIFNDEF = D('elifndef');
const D_ELSE = D('else');
const D_ENDIF = D('endif');
const D_LINE = D('line');
const D_ERROR = D('error');
const D_WARNING = D('warning');
const D_PRAGMA = D('pragma');
const D_IDENT = D('ident');
const D_SCCS = D('sccs');
const D_ASSERT = D('assert');
const D_UNASSERT = D('unassert');
const DEFINED = D('defined');
const ONCE = D('once');
const PUSH_MACRO = D('push_macro');
const POP_MACRO = D('pop_macro');
const GCC = D('GCC');
const SYSTEM_HEADER = D('system_header');
const POISON = D('poison');
const DEPENDENCY = D('dependency');
const MESSAGE = D('message');
const REDEFINE_EXTNAME = D('redefine_extname');

const CONDITIONAL = new Set([D_IF, D_IFDEF, D_IFNDEF, D_ELIF, D_ELIFDEF, D_ELIFNDEF, D_ELSE, D_ENDIF]);
const KNOWN = new Set([
  D_DEFINE, D_UNDEF, D_INCLUDE, D_INCLUDE_NEXT, D_IMPORT, D_LINE, D_ERROR, D_WARNING, D_PRAGMA, D_IDENT, D_SCCS,
  D_ASSERT, D_UNASSERT, ...CONDITIONAL,
]);

interface PendingInclude {
  file: SourceFile;
  r: ResolvedInclude;
  from: Span;
}

/**
 * Handle the directive whose '#' is token `hashIdx` of the current file (pos is just past it). Returns false when
 * it is no directive (an assembler '#'), true otherwise; afterwards the file position is at the next line.
 */
export function handleDirective(pp: Preprocessor, hashIdx: number): boolean {
  const f = pp.frame;
  const lf = f.lf;
  const wasParsing = pp.parsingArgs;
  const wasPrevent = pp.preventExpansion;
  if (wasParsing) {
    pp.parsingArgs = 0;
    pp.preventExpansion = 0;
  }
  pp.inDirective = true;
  let handled = true;
  let pending: PendingInclude | null = null;
  const dname = pp.lexToken();
  try {
    if (dname.kind === K_EOF) {
      // the null directive
    } else if (dname.kind === K_IDENT && KNOWN.has(dname.val)) {
      const d = dname.val;
      if (CONDITIONAL.has(d)) conditional(pp, d, hashIdx);
      else if (!pp.skipping) {
        if (d === D_INCLUDE || d === D_INCLUDE_NEXT || d === D_IMPORT) {
          pp.directiveWantsPadding = true;
          pending = include(pp, d, hashIdx);
        } else if (d === D_DEFINE) define(pp, lf, hashIdx);
        else if (d === D_UNDEF) undef(pp);
        else if (d === D_LINE) line(pp, lf, hashIdx, null);
        else if (d === D_ERROR || d === D_WARNING) errorDirective(pp, lf, hashIdx, d === D_ERROR);
        else if (d === D_PRAGMA) pragma(pp, hashIdx);
        else if (d === D_IDENT || d === D_SCCS) ident(pp, lf, hashIdx);
        // #assert / #unassert: obsolete GCC extension, no effect on the token stream
      }
    } else if (dname.kind === K_NUMBER && !pp.unitAsm) {
      if (!pp.skipping) line(pp, lf, hashIdx, dname);
    } else if (pp.unitAsm) {
      // assembler: '# foo' is not a directive (a comment or a pseudo-op); the '#' is an ordinary token
      handled = false;
    } else if (!pp.skipping) {
      pp.diag('P006', 'cpp-syntax', 'error', `invalid preprocessing directive #${dname.text}`, pp.spanOf(dname.lf, dname.idx));
    }
  } finally {
    if (handled) pp.skipRestOfLine();
    pp.inDirective = false;
    pp.directiveWantsPadding = false;
    if (wasParsing) {
      pp.parsingArgs = wasParsing;
      pp.preventExpansion = wasPrevent;
    }
  }
  if (pending) enterInclude(pp, pending);
  return handled;
}

// ---------------------------------------------------------------- conditionals

function pushCond(pp: Preprocessor, skip: boolean, name: string, hashIdx: number): void {
  pp.conds.push({
    wasSkipping: pp.skipping,
    skipElses: pp.skipping || !skip,
    sawElse: false,
    lf: pp.frame.lf,
    idx: hashIdx,
    directive: name,
  });
  pp.skipping = skip;
}

/** the macro name operand of #ifdef/#ifndef/#undef (lex_macro_node) */
function macroName(pp: Preprocessor, directive: string): Tok | null {
  const t = pp.lexToken();
  if (t.kind === K_IDENT) {
    if (t.val === DEFINED && directive !== 'ifdef' && directive !== 'ifndef') {
      pp.diag('P006', 'cpp-syntax', 'error', '"defined" cannot be used as a macro name', pp.spanOf(t.lf, t.idx));
      return null;
    }
    return t;
  }
  const at = t.kind === K_EOF ? pp.spanOf(pp.frame.lf, Math.max(0, pp.frame.pos - 1)) : pp.spanOf(t.lf, t.idx);
  pp.diag('P006', 'cpp-syntax', 'error', t.kind === K_EOF ? `no macro name given in #${directive} directive` : 'macro names must be identifiers', at);
  return null;
}

function conditional(pp: Preprocessor, d: number, hashIdx: number): void {
  const f = pp.frame;
  const inFile = pp.conds.length > f.condBase;
  const top = inFile ? pp.conds[pp.conds.length - 1]! : null;
  const at = pp.spanOf(f.lf, hashIdx);
  if (d === D_IF || d === D_IFDEF || d === D_IFNDEF) {
    const name = d === D_IF ? 'if' : d === D_IFDEF ? 'ifdef' : 'ifndef';
    let skip = true;
    if (!pp.skipping) {
      if (d === D_IF) skip = !pp.evalCondition(hashIdx);
      else {
        const t = macroName(pp, name);
        if (t) {
          const m = pp.readDefined(t.val);
          pp.consult(t.val, m);
          skip = d === D_IFDEF ? m === undefined : m !== undefined;
        }
      }
    }
    pushCond(pp, skip, name, hashIdx);
    return;
  }
  if (d === D_ELIF || d === D_ELIFDEF || d === D_ELIFNDEF) {
    const name = d === D_ELIF ? 'elif' : d === D_ELIFDEF ? 'elifdef' : 'elifndef';
    if (!top) {
      pp.diag('P004', 'cpp-unbalanced-conditional', 'error', `#${name} without #if`, at);
      return;
    }
    if (top.sawElse) pp.diag('P004', 'cpp-unbalanced-conditional', 'error', `#${name} after #else`, at);
    if (top.skipElses) {
      pp.skipping = true;
      return;
    }
    if (d === D_ELIF) pp.skipping = !pp.evalCondition(hashIdx);
    else {
      const t = macroName(pp, name);
      let defined = false;
      if (t) {
        const m = pp.readDefined(t.val);
        pp.consult(t.val, m);
        defined = m !== undefined;
      }
      pp.skipping = d === D_ELIFDEF ? !defined : defined;
    }
    top.skipElses = !pp.skipping;
    return;
  }
  if (d === D_ELSE) {
    if (!top) {
      pp.diag('P004', 'cpp-unbalanced-conditional', 'error', '#else without #if', at);
      return;
    }
    if (top.sawElse) pp.diag('P004', 'cpp-unbalanced-conditional', 'error', '#else after #else', at);
    top.sawElse = true;
    pp.skipping = top.skipElses;
    top.skipElses = true;
    return;
  }
  // #endif
  if (!top) {
    pp.diag('P004', 'cpp-unbalanced-conditional', 'error', '#endif without #if', at);
    return;
  }
  pp.conds.pop();
  pp.skipping = top.wasSkipping;
}

// ---------------------------------------------------------------- #define / #undef

function define(pp: Preprocessor, lf: Lexed, hashIdx: number): void {
  const name = macroName(pp, 'define');
  if (!name) return;
  let cached = pp.s.cache.defines.get(lf);
  let res = cached?.get(hashIdx) as Macro | DefineError | undefined;
  if (res === undefined || name.lf !== lf) {
    const origin = pp.originOf(lf);
    // configuration, command-line and predefined macros are canonical by their text, so that the same CONFIG_X in
    // another configuration's autoconf.h is the same definition (header memo dependencies compare identities)
    const canonKey = origin !== O_SOURCE ? `${origin}|${pp.unitAsm ? 'a' : 'c'}|${lineText(lf, hashIdx)}` : '';
    const canon = canonKey ? (pp.s.cache.canonical.get(canonKey) as Macro | DefineError | undefined) : undefined;
    if (canon !== undefined) res = canon;
    else {
      const rest = pp.restOfLine();
      res = parseDefine(name.lf!, name.idx, rest, origin, pp.unitAsm);
      if (canonKey) pp.s.cache.canonical.set(canonKey, res);
    }
    if (name.lf === lf) {
      if (!cached) {
        cached = new Map();
        pp.s.cache.defines.set(lf, cached);
      }
      cached.set(hashIdx, res);
    }
  }
  if (!(res instanceof Macro)) {
    pp.diag('P006', 'cpp-syntax', 'error', res.message, pp.spanOf(lf, res.at));
    return;
  }
  if (res.origin === O_SOURCE) pp.touch(name.val);
  pp.setMacro(name.val, res);
}

function undef(pp: Preprocessor): void {
  const name = macroName(pp, 'undef');
  if (!name) return;
  if (pp.originOf(pp.frame.lf) === O_SOURCE) pp.touch(name.val);
  pp.setMacro(name.val, undefined);
}

// ---------------------------------------------------------------- #include

function include(pp: Preprocessor, d: number, hashIdx: number): PendingInclude | null {
  const f = pp.frame;
  const dname = d === D_INCLUDE ? 'include' : d === D_INCLUDE_NEXT ? 'include_next' : 'import';
  const at = pp.spanOf(f.lf, hashIdx);
  const t = pp.getNonPad();
  const h = pp.headerName(t);
  if (!h) {
    pp.diag('P006', 'cpp-syntax', 'error', `#${dname} expects "FILENAME" or <FILENAME>`, at);
    return null;
  }
  if (h.name === '') {
    pp.diag('P006', 'cpp-syntax', 'error', `empty filename in #${dname}`, at);
    return null;
  }
  const { file, r } = pp.findInclude(h.name, h.angle, d === D_INCLUDE_NEXT);
  if (!file || !r) {
    const shown = h.angle ? `<${h.name}>` : `"${h.name}"`;
    const made = pp.s.search.generatedMissing(h.name, h.angle, h.angle ? null : pp.currentDir());
    if (made !== undefined) {
      pp.gaps.push(`generated file ${shown} not synthesised (${made}): ${pp.mainGccPath.replace(/^\.\//, '')} is analysed without it (included from ${at.file}:${at.line})`);
      pp.diag('P003', 'cpp-missing-include', 'warning', `${h.name}: generated file not available (${made})`, at);
    } else if (looksGenerated(h.name)) {
      pp.gaps.push(`generated header ${shown} not found (included from ${at.file}:${at.line}); run kbuild's prepare into an objtree and pass it, or expect differences`);
      pp.diag('P003', 'cpp-missing-include', 'warning', `${h.name}: generated header not available`, at);
    } else {
      pp.diag('P003', 'cpp-missing-include', 'error', `${h.name}: No such file or directory`, at);
    }
    return null;
  }
  const once = pp.once.has(file.key);
  if (pp.memo?.recording) pp.memo.onceRead(file.key, once);
  if (once) return null;
  if (d === D_IMPORT) {
    pp.spoilMemo();
    if (pp.includeSet.has(file.key)) return null;
    pp.once.add(file.key);
  }
  // multiple-include optimisation: a guarded header whose guard is defined contributes nothing
  const lexed = pp.s.cache.lex(file, pp.s.mode);
  const g = guardOf(pp, lexed);
  if (g !== 0 && pp.readDefined(g) !== undefined) {
    if (!pp.includeSet.has(file.key)) {
      pp.includeSet.add(file.key);
      pp.includes.push(file.key);
    }
    return null;
  }
  if (pp.frames.length >= pp.s.limits.maxIncludeDepth) {
    pp.spoilMemo();
    const chain = pp.frames.slice(-6).map((fr) => fr.file.display);
    const cycle = pp.frames.some((fr) => fr.file.key === file.key);
    pp.diag('P007', 'cpp-limit', 'error',
      `#include nested depth ${pp.frames.length} exceeds maximum of ${pp.s.limits.maxIncludeDepth}${cycle ? ` (include cycle through ${file.display})` : ''}`,
      at, [`innermost includes: ${chain.join(' → ')} → ${file.display}`]);
    return null;
  }
  return { file, r, from: at };
}

function enterInclude(pp: Preprocessor, p: PendingInclude): void {
  pp.enterInclude(p.file, p.r, p.from);
}

function looksGenerated(name: string): boolean {
  return /(^|\/)generated\//.test(name) || /^(asm\/)?(asm-offsets|bounds|timeconst|utsrelease|compile|autoconf|vdso-offsets|syscall_table_\w+|unistd_\w+|kernel-offsets)\.h$/.test(name) ||
    /^(linux|asm)\/(version|utsrelease|compile)\.h$/.test(name);
}

/**
 * The include guard of a file (#ifndef X / #if !defined X ... #endif with nothing outside), or 0. Cached per lexed
 * file. cpplib uses the same rule to skip re-reading guarded headers.
 */
function guardOf(pp: Preprocessor, lf: Lexed): number {
  const cached = pp.s.cache.guards.get(lf);
  if (cached !== undefined) return cached;
  let g = 0;
  const n = lf.count;
  const isHash = (i: number) => i < n && lf.flags[i]! & F_BOL && lf.kind[i] === K_PUNCT && lf.val[i] === P_HASH;
  const id = (i: number, v: number) => i < n && lf.kind[i] === K_IDENT && lf.val[i] === v;
  if (isHash(0)) {
    let name = 0;
    let k = 1;
    if (id(1, D_IFNDEF) && k + 1 < n && lf.kind[2] === K_IDENT && (3 >= n || lf.flags[3]! & F_BOL)) {
      name = lf.val[2]!;
      k = 3;
    } else if (id(1, D_IF) && lf.kind[2] === K_PUNCT && lf.val[2] === P_NOT && id(3, DEFINED)) {
      if (lf.kind[4] === K_IDENT && (5 >= n || lf.flags[5]! & F_BOL)) {
        name = lf.val[4]!;
        k = 5;
      } else if (lf.kind[4] === K_PUNCT && lf.val[4] === P_LPAREN && lf.kind[5] === K_IDENT && lf.kind[6] === K_PUNCT && lf.val[6] === P_RPAREN && (7 >= n || lf.flags[7]! & F_BOL)) {
        name = lf.val[5]!;
        k = 7;
      }
    }
    if (name !== 0) {
      // find the #endif that closes the first conditional; it must be the last thing in the file
      let depth = 1;
      let i = k;
      let ok = false;
      for (; i < n; i++) {
        if (!isHash(i)) continue;
        const v = lf.kind[i + 1] === K_IDENT ? lf.val[i + 1]! : 0;
        if (v === D_IF || v === D_IFDEF || v === D_IFNDEF) depth++;
        else if (v === D_ENDIF) {
          depth--;
          if (depth === 0) {
            let j = i + 2;
            while (j < n && !(lf.flags[j]! & F_BOL)) j++;
            ok = j >= n;
            break;
          }
        } else if (depth === 1 && (v === D_ELSE || v === D_ELIF || v === D_ELIFDEF || v === D_ELIFNDEF)) break;
      }
      if (ok) g = name;
    }
  }
  pp.s.cache.guards.set(lf, g);
  return g;
}

// ---------------------------------------------------------------- #line, #error, #pragma, #ident

function line(pp: Preprocessor, lf: Lexed, hashIdx: number, marker: Tok | null): void {
  const toks: Tok[] = [];
  if (marker) toks.push(marker, ...pp.restOfLine());
  else {
    for (let t = pp.getNonPad(); t.kind !== K_EOF; t = pp.getNonPad()) toks.push(t);
  }
  const num = toks[0];
  if (!num || num.kind !== K_NUMBER || !/^[0-9]+$/.test(num.text)) {
    pp.diag('P006', 'cpp-syntax', 'error', `"${num ? num.text : ''}" after #line is not a positive integer`, pp.spanOf(lf, hashIdx));
    return;
  }
  // the line after the directive gets number N
  let last = hashIdx;
  while (last + 1 < lf.count && !(lf.flags[last + 1]! & F_BOL)) last++;
  const f = pp.frame;
  f.lineDelta = Number(num.text) - (lf.line[last]! + 1);
  const name = toks[1];
  if (name && name.kind === K_STRING) f.presumedName = name.text.slice(1, -1).replace(/\\(.)/g, '$1');
}

function errorDirective(pp: Preprocessor, lf: Lexed, hashIdx: number, isError: boolean): void {
  const text = lineText(lf, hashIdx);
  const msg = text.replace(/^#\s*(error|warning)\s*/, '');
  pp.diag(isError ? 'P001' : 'P002', isError ? 'cpp-error-directive' : 'cpp-warning-directive', isError ? 'error' : 'warning',
    `#${isError ? 'error' : 'warning'} ${msg}`.trimEnd(), pp.spanOf(lf, hashIdx));
}

/** the source text of the directive line starting at token i (splices removed) */
function lineText(lf: Lexed, i: number): string {
  const a = lf.start[i]!;
  let e = lf.src.indexOf('\n', a);
  if (e < 0) e = lf.src.length;
  return lf.src.slice(a, e).replace(/\/\*.*?\*\//g, ' ').replace(/\/\/.*$/, '').trim();
}

function pragma(pp: Preprocessor, hashIdx: number): void {
  const first = pp.lexToken();
  const at = pp.hashTok(hashIdx);
  if (first.kind === K_IDENT && (first.val === MESSAGE || first.val === REDEFINE_EXTNAME)) {
    // registered "with expansion" in gcc -E: the operands are macro-expanded
    const toks: Tok[] = [first];
    pp.inDirective = false;
    pp.inDeferredPragma = true;
    try {
      for (let t = pp.getToken(); t.kind !== K_EOF; t = pp.getToken()) toks.push(t);
    } finally {
      pp.inDeferredPragma = false;
      pp.inDirective = true;
    }
    pp.emitPragma(toks, at);
    return;
  }
  pragmaTokens(pp, first.kind === K_EOF ? [] : [first, ...pp.restOfLine()], at);
}

/**
 * A pragma given as tokens (from #pragma or a destringized _Pragma): the ones cpplib handles itself (once,
 * push_macro/pop_macro, GCC system_header/poison/dependency/warning/error) act and vanish; the others are printed.
 */
export function pragmaTokens(pp: Preprocessor, toks: Tok[], at: Tok): void {
  const f = pp.frame;
  const first = toks[0];
  const where = pp.spanOf(at.lf, at.idx);
  if (first && first.kind === K_IDENT) {
    if (first.val === ONCE) {
      if (pp.frames.length <= 1 || f.dirIdx === -2) pp.diag('P002', 'cpp-warning-directive', 'warning', '#pragma once in main file', where);
      pp.once.add(f.file.key);
      if (pp.memo?.recording) pp.memo.onceAdd(f.file.key);
      return;
    }
    if (first.val === PUSH_MACRO || first.val === POP_MACRO) {
      pp.spoilMemo();
      const rest = toks.slice(1);
      const s = rest.length >= 3 && isPunct(rest[0]!, P_LPAREN) && rest[1]!.kind === K_STRING && isPunct(rest[2]!, P_RPAREN) ? rest[1]!.text : null;
      if (!s) {
        pp.diag('P006', 'cpp-syntax', 'error', `invalid #pragma ${first.text} directive`, where);
        return;
      }
      const id = idents.intern(s.slice(s.indexOf('"') + 1, -1));
      let stack = pp.pushed.get(id);
      if (first.val === PUSH_MACRO) {
        if (!stack) pp.pushed.set(id, (stack = []));
        stack.push(pp.macros[id]);
      } else if (stack && stack.length) {
        pp.touch(id);
        pp.setMacro(id, stack.pop());
      }
      return;
    }
    if (first.val === GCC) {
      const second = toks[1];
      if (second && second.kind === K_IDENT && (second.val === SYSTEM_HEADER || second.val === POISON || second.val === DEPENDENCY)) {
        pp.out.lineChange();
        return;
      }
      if (second && second.kind === K_IDENT && (second.text === 'warning' || second.text === 'error')) {
        const msg = toks.slice(2).map((t) => (t.kind === K_STRING ? t.text.slice(1, -1) : t.text)).join(' ');
        const err = second.text === 'error';
        pp.diag(err ? 'P001' : 'P002', err ? 'cpp-error-directive' : 'cpp-warning-directive', err ? 'error' : 'warning', msg, where);
        return;
      }
    }
  }
  pp.emitPragma(toks, at);
}

function ident(pp: Preprocessor, lf: Lexed, hashIdx: number): void {
  const toks = pp.restOfLine();
  void lf;
  pp.out.directiveLine('ident', toks, pp.hashTok(hashIdx), pp.curProv);
}
