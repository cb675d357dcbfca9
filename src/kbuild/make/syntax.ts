/** Line-level syntax of makefiles: continuations, comments, operators outside references, argument splitting. */
import type { AssignOp } from './evaluator.js';


export function stripCR(l: string): string {
  return l.endsWith('\r') ? l.slice(0, -1) : l;
}

export function endsWithContinuation(l: string): boolean {
  let k = l.length - 1;
  let n = 0;
  while (k >= 0 && l[k] === '\\') {
    n++;
    k--;
  }
  return n % 2 === 1;
}

/** backslash-newline with the whitespace around it becomes one space (outside recipes) */
export function collapseContinuations(raw: string): string {
  if (!raw.includes('\n')) return raw;
  return raw.replace(/[ \t]*\\\n[ \t]*/g, ' ');
}

/** drop a comment: the first '#' not escaped by a backslash; '\#' becomes '#' */
export function stripComment(l: string): string {
  if (!l.includes('#')) return l;
  let out = '';
  for (let i = 0; i < l.length; i++) {
    const c = l[i]!;
    if (c === '\\' && l[i + 1] === '#') {
      out += '#';
      i++;
      continue;
    }
    if (c === '#') break;
    out += c;
  }
  return out;
}

export function firstWord(s: string): string {
  const m = /^[^\s]*/.exec(s);
  return m ? m[0] : '';
}

export function trimLeft(s: string): string {
  return s.replace(/^[ \t]+/, '');
}

export function truncate(s: string, n = 60): string {
  return s.length > n ? s.slice(0, n - 1) + '…' : s;
}

/** index of the matching close paren for an opening at `from - 1`, counting only the same paren kind */
export function matchClose(s: string, from: number, open: string, close: string): number {
  let count = 0;
  for (let i = from; i < s.length; i++) {
    const c = s[i];
    if (c === open) count++;
    else if (c === close) {
      if (count === 0) return i;
      count--;
    }
  }
  return -1;
}

/** split function arguments at top-level commas (only the reference's own paren kind nests), at most `max` (0 = any) */
export function splitArgs(s: string, open: string, close: string, max: number): string[] {
  const args: string[] = [];
  let count = 0;
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === open) count++;
    else if (c === close) count--;
    else if (c === ',' && count === 0 && (max === 0 || args.length < max - 1)) {
      args.push(s.slice(start, i));
      start = i + 1;
    }
  }
  args.push(s.slice(start));
  return args;
}

/** depth of $( … ) / ${ … } nesting before index i: used to find operators outside references */
export function scanTop(s: string, visit: (i: number) => boolean): void {
  let depth = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === '$' && (s[i + 1] === '(' || s[i + 1] === '{')) {
      depth++;
      i++;
      continue;
    }
    if (depth > 0) {
      if (c === '(' || c === '{') depth++;
      else if (c === ')' || c === '}') depth--;
      continue;
    }
    if (visit(i)) return;
  }
}

/** where the assignment operator of a line is, if it is an assignment (a ':' before any '=' makes it a rule) */
export function findAssign(s: string): { index: number; op: AssignOp } | undefined {
  let found: { index: number; op: AssignOp } | undefined;
  scanTop(s, (i) => {
    const c = s[i];
    if (c === '=') {
      const p = s[i - 1];
      if (p === '+' || p === '?' || p === '!') found = { index: i - 1, op: (p + '=') as AssignOp };
      else found = { index: i, op: '=' };
      return true;
    }
    if (c === ':') {
      if (s[i + 1] === '=') {
        found = { index: i, op: ':=' };
        return true;
      }
      if (s[i + 1] === ':' && s[i + 2] === '=') {
        found = { index: i, op: '::=' };
        return true;
      }
      return true; // a rule
    }
    return false;
  });
  return found;
}

export function topLevelIndex(s: string, ch: string): number {
  let at = -1;
  scanTop(s, (i) => {
    if (s[i] === ch) {
      at = i;
      return true;
    }
    return false;
  });
  return at;
}

export function topLevelColon(s: string): number {
  return topLevelIndex(s, ':');
}

export function hasTopLevelColon(s: string): boolean {
  return topLevelColon(s) >= 0;
}

/** `(a,b)`, `"a" "b"`, `'a' 'b'` */
export function parseCondArgs(t: string): [string, string] | undefined {
  if (t.startsWith('(')) {
    if (!t.endsWith(')')) return undefined;
    const inner = t.slice(1, -1);
    // the separating comma: first top-level comma counting parentheses
    let count = 0;
    for (let i = 0; i < inner.length; i++) {
      const c = inner[i];
      if (c === '(') count++;
      else if (c === ')') count--;
      else if (c === ',' && count === 0) return [inner.slice(0, i).trim(), inner.slice(i + 1).trim()];
    }
    return undefined;
  }
  const m = /^(["'])(.*?)\1\s+(["'])(.*?)\3$/.exec(t);
  if (m) return [m[2]!, m[4]!];
  return undefined;
}
