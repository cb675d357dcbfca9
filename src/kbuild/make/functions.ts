import type { MakeEvaluator } from './evaluator.js';
import {
  basenameOf,
  compilePattern,
  dirOf,
  matchPattern,
  normalizeAbs,
  notdirOf,
  patsubst,
  suffixOf,
  words,
} from './text.js';

/** GNU make functions kvlint evaluates, with their maximum argument counts (0: any number). */
export const FUNCTIONS = new Map<string, number>([
  ['subst', 3],
  ['patsubst', 3],
  ['strip', 1],
  ['findstring', 2],
  ['filter', 2],
  ['filter-out', 2],
  ['sort', 1],
  ['word', 2],
  ['wordlist', 3],
  ['words', 1],
  ['firstword', 1],
  ['lastword', 1],
  ['dir', 1],
  ['notdir', 1],
  ['suffix', 1],
  ['basename', 1],
  ['addsuffix', 2],
  ['addprefix', 2],
  ['join', 2],
  ['wildcard', 1],
  ['realpath', 1],
  ['abspath', 1],
  ['if', 3],
  ['or', 0],
  ['and', 0],
  ['foreach', 3],
  ['call', 0],
  ['value', 1],
  ['eval', 1],
  ['origin', 1],
  ['flavor', 1],
  ['shell', 1],
  ['error', 1],
  ['warning', 1],
  ['info', 1],
  ['let', 3],
  ['intcmp', 5],
  ['file', 2],
]);

/** Functions whose arguments are expanded lazily by the function itself. */
const LAZY = new Set(['if', 'or', 'and', 'foreach', 'let']);

function filterWords(ev: MakeEvaluator, patText: string, text: string, keep: boolean): string {
  void ev;
  const pats = words(patText).map(compilePattern);
  return words(text)
    .filter((w) => pats.some((p) => matchPattern(p, w) !== undefined) === keep)
    .join(' ');
}

function num(ev: MakeEvaluator, s: string, fn: string): number {
  const t = s.trim();
  if (!/^-?\d+$/.test(t)) {
    ev.host.report('B003', `non-numeric argument to $(${fn}): '${t}'`, ev.span);
    return 0;
  }
  return Number(t);
}

export function callFunction(ev: MakeEvaluator, name: string, rawArgs: string[]): string {
  const a = LAZY.has(name) ? rawArgs : rawArgs.map((x) => ev.expand(x));
  const arg = (i: number): string => a[i] ?? '';
  switch (name) {
    case 'subst': {
      const from = arg(0);
      if (from === '') return arg(2) + arg(1);
      return arg(2).split(from).join(arg(1));
    }
    case 'patsubst':
      return patsubst(arg(0).trim(), arg(1).trim(), arg(2));
    case 'strip':
      return words(arg(0)).join(' ');
    case 'findstring':
      return arg(1).includes(arg(0)) ? arg(0) : '';
    case 'filter':
      return filterWords(ev, arg(0), arg(1), true);
    case 'filter-out':
      return filterWords(ev, arg(0), arg(1), false);
    case 'sort':
      return [...new Set(words(arg(0)))].sort(byteCompare).join(' ');
    case 'word': {
      const n = num(ev, arg(0), 'word');
      if (n <= 0) {
        ev.host.report('B003', 'first argument to $(word) must be greater than 0', ev.span);
        return '';
      }
      return words(arg(1))[n - 1] ?? '';
    }
    case 'wordlist': {
      const s = num(ev, arg(0), 'wordlist');
      const e = num(ev, arg(1), 'wordlist');
      return words(arg(2))
        .slice(Math.max(0, s - 1), Math.max(0, e))
        .join(' ');
    }
    case 'words':
      return String(words(arg(0)).length);
    case 'firstword':
      return words(arg(0))[0] ?? '';
    case 'lastword': {
      const w = words(arg(0));
      return w[w.length - 1] ?? '';
    }
    case 'dir':
      return words(arg(0)).map(dirOf).join(' ');
    case 'notdir':
      return words(arg(0)).map(notdirOf).join(' ');
    case 'suffix':
      return words(arg(0))
        .map(suffixOf)
        .filter((x): x is string => x !== undefined)
        .join(' ');
    case 'basename':
      return words(arg(0)).map(basenameOf).join(' ');
    case 'addsuffix':
      return words(arg(1))
        .map((w) => w + arg(0))
        .join(' ');
    case 'addprefix':
      return words(arg(1))
        .map((w) => arg(0) + w)
        .join(' ');
    case 'join': {
      const x = words(arg(0));
      const y = words(arg(1));
      const out: string[] = [];
      for (let i = 0; i < Math.max(x.length, y.length); i++) out.push((x[i] ?? '') + (y[i] ?? ''));
      return out.join(' ');
    }
    case 'wildcard':
      return words(arg(0))
        .flatMap((p) => ev.host.wildcard(p))
        .join(' ');
    case 'realpath':
    case 'abspath': {
      const cwd = ev.value('CURDIR') || '/';
      return words(arg(0))
        .map((w) => normalizeAbs(w.startsWith('/') ? w : cwd + '/' + w))
        .filter((p) => name === 'abspath' || ev.host.wildcard(p).length > 0)
        .join(' ');
    }
    case 'if': {
      const cond = ev.expand(arg(0)).trim();
      return cond !== '' ? ev.expand(arg(1)) : a.length > 2 ? ev.expand(arg(2)) : '';
    }
    case 'or': {
      for (const x of a) {
        const v = ev.expand(x).trim();
        if (v !== '') return v;
      }
      return '';
    }
    case 'and': {
      let last = '';
      for (const x of a) {
        last = ev.expand(x).trim();
        if (last === '') return '';
      }
      return last;
    }
    case 'foreach': {
      const v = ev.expand(arg(0)).trim();
      const list = words(ev.expand(arg(1)));
      const body = arg(2);
      const out: string[] = [];
      for (const w of list) out.push(ev.withVar(v, w, () => ev.expand(body)));
      return out.join(' ');
    }
    case 'let': {
      const names = words(ev.expand(arg(0)));
      const vals = words(ev.expand(arg(1)));
      const bind = (i: number): string => {
        if (i >= names.length) return ev.expand(arg(2));
        const value = i === names.length - 1 ? vals.slice(i).join(' ') : vals[i] ?? '';
        return ev.withVar(names[i]!, value, () => bind(i + 1));
      };
      return bind(0);
    }
    case 'call':
      return ev.call(arg(0).trim(), a.slice(1));
    case 'value':
      return ev.get(arg(0).trim())?.value ?? '';
    case 'eval':
      ev.evalString(arg(0));
      return '';
    case 'origin': {
      const v = ev.get(arg(0).trim());
      return v === undefined ? 'undefined' : v.origin;
    }
    case 'flavor': {
      const v = ev.get(arg(0).trim());
      return v === undefined ? 'undefined' : v.flavor;
    }
    case 'shell':
      return ev.shell(arg(0));
    case 'error':
      ev.host.report('B004', `$(error ${arg(0).trim()})`, ev.span);
      return '';
    case 'warning':
      ev.host.message?.('warning', arg(0), ev.span);
      return '';
    case 'info':
      ev.host.message?.('info', arg(0), ev.span);
      return '';
    case 'intcmp': {
      const x = num(ev, arg(0), 'intcmp');
      const y = num(ev, arg(1), 'intcmp');
      if (a.length <= 2) return x === y ? String(x) : '';
      if (x < y) return arg(2);
      if (x === y) return a.length > 3 ? arg(3) : '';
      return a.length > 4 ? arg(4) : a.length > 3 ? arg(3) : '';
    }
    case 'file':
      // writing files is never done; reading is not needed by any Makefile kvlint evaluates
      ev.host.report('B003', '$(file …) is not supported; taken as empty', ev.span);
      return '';
  }
  return '';
}

function byteCompare(x: string, y: string): number {
  return x < y ? -1 : x > y ? 1 : 0;
}
