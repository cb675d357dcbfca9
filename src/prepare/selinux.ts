import type { GenContext, Generator } from './types.js';
import { shellWords } from './echo.js';

/**
 * SELinux's class and permission headers: scripts/selinux/genheaders/genheaders (6.1), in TypeScript. The host
 * program has its input compiled in (classmap.h's secclass_map, initial_sid_to_string.h's names); here those two
 * headers are read from the tree and their initializers interpreted: object-like macros (the COMMON_*_PERMS lists)
 * expanded, adjacent string literals joined, and the `#if A > B` / `#error` guards of classmap.h checked against the
 * headers it includes. Anything else in those files (conditional blocks, designated initializers, …) is reported
 * as a problem and nothing is made.
 *
 * The headers are compiled into a host program without autoconf.h, so no CONFIG_ symbol is visible to them: the
 * 6.1 classmap.h has no configuration dependence, and a #ifdef in it would not be one either.
 */

const CLASSMAP = 'security/selinux/include/classmap.h';
const INITIAL_SIDS = 'security/selinux/include/initial_sid_to_string.h';
/** genheaders' -I directories (scripts/selinux/genheaders/Makefile), in order */
const INCLUDE_DIRS = ['include/uapi', 'include', 'security/selinux/include'];
/** `const char *perms[sizeof(unsigned) * 8 + 1]` */
const PERM_SLOTS = 33;

interface Tok {
  kind: 'str' | 'id' | 'num' | 'punct' | 'fn';
  text: string;
  file: string;
  line: number;
}

class Shape extends Error {
  constructor(message: string, readonly file: string, readonly line: number) {
    super(message);
  }
}

interface Line {
  text: string;
  line: number;
}

/** translation phases 2 and 3: backslash-newlines spliced, comments made one space; each line keeps its first line number */
function logicalLines(text: string, file: string): Line[] {
  const out: Line[] = [];
  let cur = '';
  let line = 1;
  let start = 1;
  for (let i = 0; i < text.length; ) {
    const c = text[i]!;
    const d = text[i + 1];
    if (c === '\\' && d === '\n') {
      line++;
      i += 2;
    } else if (c === '\n') {
      out.push({ text: cur, line: start });
      cur = '';
      start = ++line;
      i++;
    } else if (c === '/' && d === '*') {
      const end = text.indexOf('*/', i + 2);
      if (end < 0) throw new Shape('unterminated comment', file, line);
      for (let k = i; k < end; k++) if (text[k] === '\n') line++;
      cur += ' ';
      i = end + 2;
    } else if (c === '/' && d === '/') {
      while (i < text.length && text[i] !== '\n') {
        if (text[i] === '\\' && text[i + 1] === '\n') {
          line++;
          i++;
        }
        i++;
      }
      cur += ' ';
    } else if (c === '"' || c === "'") {
      // a literal, copied whole (an unterminated one stops at the end of the line)
      let k = i + 1;
      cur += c;
      while (k < text.length && text[k] !== c && text[k] !== '\n') {
        const esc = text[k] === '\\';
        if (esc && text[k + 1] === '\n') line++;
        else cur += text.slice(k, esc ? k + 2 : k + 1);
        k += esc ? 2 : 1;
      }
      if (text[k] === c) cur += c;
      i = text[k] === c ? k + 1 : k;
    } else {
      cur += c;
      i++;
    }
  }
  if (cur.trim() !== '') out.push({ text: cur, line: start });
  return out;
}

const TOKEN = /\s+|("(?:[^"\\\n]|\\.)*")|('(?:[^'\\\n]|\\.)*')|([A-Za-z_]\w*)|(\.?\d(?:[eEpP][+-]|[\w.])*)|(.)/gy;

function tokens(text: string, file: string, line: number): Tok[] {
  const out: Tok[] = [];
  TOKEN.lastIndex = 0;
  for (let m = TOKEN.exec(text); m; m = TOKEN.exec(text)) {
    if (m[1] !== undefined) out.push({ kind: 'str', text: m[1], file, line });
    else if (m[3] !== undefined) out.push({ kind: 'id', text: m[3], file, line });
    else if (m[4] !== undefined) out.push({ kind: 'num', text: m[4], file, line });
    else if (m[2] !== undefined || m[5] !== undefined) out.push({ kind: 'punct', text: (m[2] ?? m[5])!, file, line });
  }
  return out;
}

interface Macro {
  body: Tok[] | undefined; // undefined: function-like
}

/** object-like macros replaced (recursively, a macro not inside its own expansion); function-like ones marked */
function expand(toks: Tok[], macros: Map<string, Macro>, at: Tok | undefined, active: Set<string>): Tok[] {
  const out: Tok[] = [];
  for (const t of toks) {
    const m = t.kind === 'id' && !active.has(t.text) ? macros.get(t.text) : undefined;
    const here = at ?? t;
    if (!m) out.push({ ...t, file: here.file, line: here.line });
    else if (!m.body) out.push({ ...t, kind: 'fn', file: here.file, line: here.line });
    else out.push(...expand(m.body, macros, here, new Set([...active, t.text])));
  }
  return out;
}

/** a C integer constant (suffixes allowed) */
function cNumber(s: string): bigint | undefined {
  const m = /^(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)[uUlL]*$/.exec(s);
  if (!m) return undefined;
  const n = m[1]!;
  return /^0[0-7]+$/.test(n) ? BigInt('0o' + n.slice(1)) : BigInt(n);
}

/** the object-like #defines of a header, by name (a name defined twice differently: null, not known) */
function headerDefines(text: string, file: string): Map<string, string | null> {
  const out = new Map<string, string | null>();
  let lines: Line[];
  try {
    lines = logicalLines(text, file);
  } catch {
    return out;
  }
  for (const l of lines) {
    const m = /^\s*#\s*define\s+([A-Za-z_]\w*)(?!\()\s*(.*?)\s*$/.exec(l.text);
    if (!m) continue;
    const prev = out.get(m[1]!);
    out.set(m[1]!, prev === undefined || prev === m[2] ? m[2]! : null);
  }
  return out;
}

interface Unit {
  toks: Tok[];
  /** the first #if guard whose #error would fire */
  failed?: { message: string; file: string; line: number };
}

const COMPARE: Record<string, (a: bigint, b: bigint) => boolean> = {
  '>': (a, b) => a > b,
  '>=': (a, b) => a >= b,
  '<': (a, b) => a < b,
  '<=': (a, b) => a <= b,
  '==': (a, b) => a === b,
  '!=': (a, b) => a !== b,
};

/**
 * The headers as one translation unit (genheaders includes them in turn): the tokens outside directives, macros
 * expanded. Directives understood: #include (its object-like defines feed the guards), #define, #undef, and
 * `#if TERM OP TERM` blocks holding only #error lines.
 */
function scanUnit(ctx: GenContext, files: { file: string; text: string }[]): Unit {
  const macros = new Map<string, Macro>();
  const included: Map<string, string | null>[] = [];
  const unit: Unit = { toks: [] };
  const value = (name: string, file: string, line: number, depth = 0): bigint | undefined => {
    const n = cNumber(name);
    if (n !== undefined) return n;
    if (!/^[A-Za-z_]\w*$/.test(name)) return undefined;
    if (depth > 16) throw new Shape(`macro ${name} does not resolve to a number`, file, line);
    const local = macros.get(name);
    let body: string | null | undefined = local ? (local.body ?? []).map((t) => t.text).join(' ') : undefined;
    if (local && !local.body) return undefined;
    for (const d of included) if (body === undefined && d.has(name)) body = d.get(name)!;
    if (body === undefined) return 0n; // an unknown name in #if is 0
    if (body === null) return undefined;
    const inner = /^\(\s*([^()]*?)\s*\)$/.exec(body)?.[1] ?? body;
    return value(inner, file, line, depth + 1);
  };
  for (const { file, text } of files) {
    const dir = file.slice(0, file.lastIndexOf('/'));
    let guard: { fires: boolean | undefined; line: number } | undefined;
    for (const l of logicalLines(text, file)) {
      const d = /^\s*#\s*(\w*)\s*(.*?)\s*$/.exec(l.text);
      if (!d) {
        if (guard) throw new Shape('only #error lines are expected inside #if', file, l.line);
        unit.toks.push(...expand(tokens(l.text, file, l.line), macros, undefined, new Set()));
        continue;
      }
      const name = d[1]!;
      const rest = d[2]!;
      if (guard) {
        if (name === 'error') {
          if (guard.fires && !unit.failed) unit.failed = { message: `#error ${rest}`, file, line: l.line };
        } else if (name === 'endif') guard = undefined;
        else throw new Shape(`#${name} inside #if is not understood`, file, l.line);
        continue;
      }
      if (name === '') continue;
      if (name === 'include') {
        const m = /^(?:<([^>]+)>|"([^"]+)")$/.exec(rest);
        if (!m) throw new Shape(`#include ${rest} is not understood`, file, l.line);
        const dirs = m[2] !== undefined ? [dir, ...INCLUDE_DIRS] : INCLUDE_DIRS;
        for (const base of dirs) {
          const t = ctx.tree.tryReadText(`${base}/${m[1] ?? m[2]}`);
          if (t === undefined) continue;
          included.push(headerDefines(t, `${base}/${m[1] ?? m[2]}`));
          break;
        }
      } else if (name === 'define') {
        const m = /^([A-Za-z_]\w*)(\()?/.exec(rest);
        if (!m) throw new Shape(`#define ${rest} is not understood`, file, l.line);
        macros.set(m[1]!, { body: m[2] ? undefined : tokens(rest.slice(m[1]!.length), file, l.line) });
      } else if (name === 'undef') {
        macros.delete(rest);
      } else if (name === 'if') {
        const m = /^([A-Za-z_]\w*|\d\w*)\s*(>=|<=|==|!=|>|<)\s*([A-Za-z_]\w*|\d\w*)$/.exec(rest);
        if (!m) throw new Shape(`#if ${rest} is not understood`, file, l.line);
        const a = value(m[1]!, file, l.line);
        const b = value(m[3]!, file, l.line);
        // a side kvlint cannot evaluate: the guard is taken to pass
        guard = { fires: a !== undefined && b !== undefined ? COMPARE[m[2]!]!(a, b) : undefined, line: l.line };
      } else throw new Shape(`#${name} is not understood here`, file, l.line);
    }
    if (guard) throw new Shape('#if without #endif', file, guard.line);
  }
  return unit;
}

type Init = { kind: 'list'; items: Init[]; tok: Tok } | { kind: 'str'; value: string; tok: Tok } | { kind: 'null'; tok: Tok };

function parseInit(toks: Tok[], pos: number, last: Tok): [Init, number] {
  const t = toks[pos];
  if (!t) throw new Shape('initializer ends early', last.file, last.line);
  if (t.kind === 'punct' && t.text === '{') {
    const items: Init[] = [];
    let p = pos + 1;
    while (toks[p]?.text !== '}') {
      const [item, next] = parseInit(toks, p, last);
      items.push(item);
      p = next;
      const sep = toks[p];
      if (sep?.kind === 'punct' && sep.text === ',') p++;
      else if (!(sep?.kind === 'punct' && sep.text === '}')) throw new Shape(`'${sep?.text ?? 'end'}' where ',' or '}' was expected`, (sep ?? last).file, (sep ?? last).line);
    }
    return [{ kind: 'list', items, tok: t }, p + 1];
  }
  if (t.kind === 'str') {
    let value = '';
    let p = pos;
    for (; toks[p]?.kind === 'str'; p++) {
      const body = toks[p]!.text.slice(1, -1);
      if (body.includes('\\')) throw new Shape(`escape sequences in ${toks[p]!.text} are not understood`, t.file, t.line);
      value += body;
    }
    return [{ kind: 'str', value, tok: t }, p];
  }
  if ((t.kind === 'id' && t.text === 'NULL') || (t.kind === 'num' && cNumber(t.text) === 0n)) return [{ kind: 'null', tok: t }, pos + 1];
  if (t.kind === 'fn') throw new Shape(`function-like macro ${t.text} is not understood`, t.file, t.line);
  throw new Shape(`'${t.text}' is not a string or NULL`, t.file, t.line);
}

interface ArrayDecl {
  size: number | undefined;
  items: Init[];
  tok: Tok;
}

/** `… NAME[] = { … };` or `… NAME[N] = { … };` at file level */
function findArray(toks: Tok[], name: string, file: string): ArrayDecl {
  let depth = 0;
  for (let i = 0; i < toks.length; i++) {
    const t = toks[i]!;
    if (t.text === '{') depth++;
    else if (t.text === '}') depth--;
    if (depth !== 0 || t.kind !== 'id' || t.text !== name || toks[i + 1]?.text !== '[') continue;
    let p = i + 2;
    let size: number | undefined;
    if (toks[p]?.kind === 'num') size = Number(cNumber(toks[p++]!.text) ?? NaN);
    if (toks[p]?.text !== ']' || toks[p + 1]?.text !== '=' || toks[p + 2]?.text !== '{' || Number.isNaN(size)) {
      throw new Shape(`the declaration of ${name} is not understood`, t.file, t.line);
    }
    const [init, end] = parseInit(toks, p + 2, toks[toks.length - 1]!);
    if (toks[end]?.text !== ';') throw new Shape(`';' expected after the initializer of ${name}`, (toks[end] ?? t).file, (toks[end] ?? t).line);
    if (init.kind !== 'list') throw new Shape(`${name} is not initialised with a list`, t.file, t.line);
    if (size !== undefined && init.items.length > size) throw new Shape(`${name} has more initializers than elements`, t.file, t.line);
    return { size, items: init.items, tok: t };
  }
  throw new Shape(`no array ${name} found`, file, 1);
}

interface SecClass {
  name: string;
  perms: string[];
}

function classes(decl: ArrayDecl): SecClass[] {
  const out: SecClass[] = [];
  for (const item of decl.items) {
    if (item.kind !== 'list') throw new Shape('a class of secclass_map is not a { name, { perms } } entry', item.tok.file, item.tok.line);
    const [name, perms, ...more] = item.items;
    if (!name || name.kind === 'null') return out; // the terminating { NULL }
    if (name.kind !== 'str' || (perms && perms.kind !== 'list') || more.length) {
      throw new Shape('a class of secclass_map is not a { name, { perms } } entry', item.tok.file, item.tok.line);
    }
    const names: string[] = [];
    const list = perms?.items ?? [];
    if (list.length > PERM_SLOTS) throw new Shape(`class ${name.value} has more than ${PERM_SLOTS} permission slots`, item.tok.file, item.tok.line);
    for (const p of list) {
      if (p.kind === 'null') break;
      if (p.kind !== 'str') throw new Shape(`a permission of class ${name.value} is not a string`, p.tok.file, p.tok.line);
      if (names.length >= 32) throw new Shape(`too many permissions to fit into an access vector at (${name.value}, ${p.value})`, p.tok.file, p.tok.line);
      names.push(p.value);
    }
    if (names.length === list.length && list.length === PERM_SLOTS) {
      throw new Shape(`the permissions of class ${name.value} have no terminating NULL`, item.tok.file, item.tok.line);
    }
    out.push({ name: name.value, perms: names });
  }
  // zero-filled elements of a sized array end the table too
  if (decl.size !== undefined && decl.size > decl.items.length) return out;
  throw new Shape('secclass_map has no terminating { NULL } entry', decl.tok.file, decl.tok.line);
}

function initialSids(decl: ArrayDecl): { names: (string | undefined)[] } {
  const names: (string | undefined)[] = [];
  for (const item of decl.items) {
    if (item.kind === 'list') throw new Shape('an initial SID name is not a string or NULL', item.tok.file, item.tok.line);
    names.push(item.kind === 'str' ? item.value : undefined);
  }
  while (decl.size !== undefined && names.length < decl.size) names.push(undefined);
  return { names };
}

/** toupper in the C locale */
const upper = (s: string) => s.replace(/[a-z]+/g, (m) => m.toUpperCase());
/** printf's %-Ns (a negative width is the - flag with its magnitude) */
const left = (s: string, w: number) => s.padEnd(Math.abs(w));

function flaskH(map: SecClass[], sids: (string | undefined)[]): string {
  const o = ['/* This file is automatically generated.  Do not edit. */\n', '#ifndef _SELINUX_FLASK_H_\n#define _SELINUX_FLASK_H_\n\n'];
  map.forEach((c, i) => o.push(`#define SECCLASS_${left(upper(c.name), 39)} ${String(i + 1).padStart(2)}\n`));
  o.push('\n');
  for (let i = 1; i < sids.length; i++) {
    const s = sids[i];
    if (s !== undefined) o.push(`#define SECINITSID_${left(upper(s), 39)} ${String(i).padStart(2)}\n`);
  }
  o.push(`\n#define SECINITSID_NUM ${Math.max(sids.length, 1) - 1}\n`);
  o.push('\nstatic inline bool security_is_socket_class(u16 kern_tclass)\n', '{\n', '\tbool sock = false;\n\n', '\tswitch (kern_tclass) {\n');
  for (const c of map) if (upper(c.name).endsWith('SOCKET')) o.push(`\tcase SECCLASS_${upper(c.name)}:\n`);
  o.push('\t\tsock = true;\n', '\t\tbreak;\n', '\tdefault:\n', '\t\tbreak;\n', '\t}\n\n', '\treturn sock;\n', '}\n', '\n#endif\n');
  return o.join('');
}

function avPermissionsH(map: SecClass[]): string {
  const o = ['/* This file is automatically generated.  Do not edit. */\n', '#ifndef _SELINUX_AV_PERMISSIONS_H_\n#define _SELINUX_AV_PERMISSIONS_H_\n\n'];
  for (const c of map) {
    const name = upper(c.name);
    c.perms.forEach((p, j) => o.push(`#define ${name}__${left(upper(p), 39 - name.length)} 0x${((1 << j) >>> 0).toString(16).padStart(8, '0')}U\n`));
  }
  o.push('\n#endif\n');
  return o.join('');
}

/** `…/genheaders FLASK_H AV_PERMISSIONS_H` → the two outputs, objtree-relative */
function outputs(ctx: GenContext): [string, string] | undefined {
  const words = shellWords(ctx.rule.command.replace(/^\s*[@+-]+/, ''));
  if (!words || words.length !== 3 || !/(^|\/)genheaders$/.test(words[0]!)) return undefined;
  const rel = (p: string) => p.replace(/^(\.\/)+/, '');
  return [rel(words[1]!), rel(words[2]!)];
}

export const selinuxHeaders: Generator = (ctx) => {
  const outs = outputs(ctx);
  if (!outs || !outs.includes(ctx.rule.target)) return undefined;
  const files: { file: string; text: string }[] = [];
  for (const file of [CLASSMAP, INITIAL_SIDS]) {
    const text = ctx.tree.tryReadText(file);
    if (text === undefined) {
      ctx.problem(`${file} is missing (genheaders is compiled with it)`, { file, line: 1, col: 1 });
      return undefined;
    }
    files.push({ file, text });
  }
  let flask: string;
  let av: string;
  try {
    const unit = scanUnit(ctx, files);
    if (unit.failed) {
      ctx.problem(`${unit.failed.message} (genheaders does not compile)`, { file: unit.failed.file, line: unit.failed.line, col: 1 });
      return undefined;
    }
    const map = classes(findArray(unit.toks.filter((t) => t.file === CLASSMAP), 'secclass_map', CLASSMAP));
    const sids = initialSids(findArray(unit.toks.filter((t) => t.file === INITIAL_SIDS), 'initial_sid_to_string', INITIAL_SIDS));
    flask = flaskH(map, sids.names);
    av = avPermissionsH(map);
  } catch (e) {
    if (!(e instanceof Shape)) throw e;
    ctx.problem(e.message, { file: e.file, line: e.line, col: 1 });
    return undefined;
  }
  const [flaskOut, avOut] = outs;
  if (ctx.rule.target === flaskOut) {
    ctx.also(avOut, av);
    return flask;
  }
  ctx.also(flaskOut, flask);
  return av;
};
