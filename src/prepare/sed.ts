import { shellWords } from './echo.js';
import type { Generator } from './types.js';

/**
 * `sed -n -e 's/RE/REPL/p' …` as kbuild scripts and commands use it to cut tables out of headers: the expressions
 * parsed (basic regular expressions with GNU's \+ \? \|, and \1…\9, & and \t \n in replacements) and run line by
 * line. Only substitutions are supported: anything else makes the caller give up (and name the file as a gap).
 */
export interface SedSubst {
  re: RegExp;
  repl: string;
  print: boolean;
}

/** the `-e 's/RE/REPL/[p]'` expressions of a script's `sed -n` call, if that is all it does */
export function sedExpressions(script: string): SedSubst[] | undefined {
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

/** `sed -n` of the expressions over text: the lines printed */
export function sedRun(exprs: SedSubst[], text: string): string[] {
  const out: string[] = [];
  const lines = text.split('\n');
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  for (let line of lines) {
    for (const e of exprs) {
      if (!e.re.test(line)) continue;
      line = line.replace(e.re, e.repl);
      if (e.print) out.push(line);
    }
  }
  return out;
}

/**
 * A command that is one `sed -n 's/…/…/p' INPUT > TARGET` (drivers/scsi's scsi_devinfo_tbl.c from
 * include/scsi/scsi_devinfo.h): the lines it prints.
 */
export const sedToTarget: Generator = (ctx) => {
  if (ctx.rule.kind !== 'cmd') return undefined;
  const m = /^\s*[@+-]*\s*sed\s+-n\s+(.*?)\s*>\s*(\S+)\s*$/s.exec(ctx.rule.command);
  if (!m || m[2]!.replace(/^\.\//, '') !== ctx.rule.target) return undefined;
  const words = shellWords(m[1]!);
  if (!words || words.length < 2) return undefined;
  const exprs: SedSubst[] = [];
  let i = 0;
  for (; i < words.length - 1; i++) {
    const w = words[i]!;
    if (w === '-e') continue;
    const s = parseSubst(w);
    if (!s) return undefined;
    exprs.push(s);
  }
  const input = ctx.readInput(words[words.length - 1]!);
  if (!input || exprs.length === 0) return undefined;
  const lines = sedRun(exprs, input.text);
  return lines.length ? lines.join('\n') + '\n' : '';
};

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
      else out += '\\' + n;
    } else if (c === '[') {
      const j = bre.indexOf(']', i + 2);
      if (j < 0) return undefined;
      out += bre.slice(i, j + 1).replace(/\[:space:\]/g, '\\s').replace(/\[:alnum:\]/g, 'A-Za-z0-9').replace(/\[:upper:\]/g, 'A-Z').replace(/\[:digit:\]/g, '0-9');
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
