/**
 * Word and pattern helpers with GNU make's semantics (whitespace-separated words, one '%' wildcard per pattern,
 * backslash-escaped '%').
 */

const WS = /[ \t\n\r\f\v]+/;

export function words(s: string): string[] {
  const t = s.trim();
  return t === '' ? [] : t.split(WS);
}

export function isBlank(c: string | undefined): boolean {
  return c === ' ' || c === '\t';
}

/** A compiled make pattern: text before the (first unescaped) '%', text after it, or a literal when it has none. */
export interface Pattern {
  prefix: string;
  suffix: string;
  wild: boolean;
}

export function compilePattern(p: string): Pattern {
  // GNU make: '\%' is a literal percent; '\\' before '%' quotes the backslash. Kernel Makefiles do not use either,
  // but handle the plain escape so a literal percent does not become a wildcard.
  let i = 0;
  while (i < p.length) {
    const c = p[i];
    if (c === '\\' && p[i + 1] === '%') {
      i += 2;
      continue;
    }
    if (c === '%') {
      return { prefix: unescapePct(p.slice(0, i)), suffix: unescapePct(p.slice(i + 1)), wild: true };
    }
    i++;
  }
  return { prefix: unescapePct(p), suffix: '', wild: false };
}

function unescapePct(s: string): string {
  return s.includes('\\%') ? s.replace(/\\%/g, '%') : s;
}

/** The stem if `word` matches, else undefined. */
export function matchPattern(pat: Pattern, word: string): string | undefined {
  if (!pat.wild) return word === pat.prefix ? '' : undefined;
  if (word.length < pat.prefix.length + pat.suffix.length) return undefined;
  if (!word.startsWith(pat.prefix) || !word.endsWith(pat.suffix)) return undefined;
  return word.slice(pat.prefix.length, word.length - pat.suffix.length);
}

/** $(patsubst from,to,text) for one word. */
export function patsubstWord(from: Pattern, to: Pattern, word: string): string {
  const stem = matchPattern(from, word);
  if (stem === undefined) return word;
  if (!from.wild) return to.wild ? to.prefix + to.suffix : to.prefix; // literal match: replacement as written
  return to.wild ? to.prefix + stem + to.suffix : to.prefix;
}

export function patsubst(from: string, to: string, text: string): string {
  const f = compilePattern(from);
  const t = compilePattern(to);
  return words(text).map((w) => patsubstWord(f, t, w)).join(' ');
}

/** $(var:a=b) without a '%': replace the suffix a of each word by b. */
export function substRef(value: string, from: string, to: string): string {
  if (from.includes('%')) return patsubst(from, to, value);
  return patsubst('%' + from, '%' + to, value);
}

export function dirOf(w: string): string {
  const i = w.lastIndexOf('/');
  return i < 0 ? './' : w.slice(0, i + 1);
}

export function notdirOf(w: string): string {
  const i = w.lastIndexOf('/');
  return i < 0 ? w : w.slice(i + 1);
}

export function suffixOf(w: string): string | undefined {
  const n = notdirOf(w);
  const i = n.lastIndexOf('.');
  return i < 0 ? undefined : n.slice(i);
}

export function basenameOf(w: string): string {
  const slash = w.lastIndexOf('/');
  const dot = w.lastIndexOf('.');
  return dot > slash ? w.slice(0, dot) : w;
}

/** Normalise an absolute path textually ('.', '..', repeated slashes), as $(abspath) does. */
export function normalizeAbs(p: string): string {
  const out: string[] = [];
  for (const seg of p.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') out.pop();
    else out.push(seg);
  }
  return '/' + out.join('/');
}
