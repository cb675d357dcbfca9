import type { Generator } from './types.js';

/**
 * A command that only echoes fixed text into its target (`echo "#include <asm-generic/$*.h>" > $@`, the
 * asm-generic wrappers of scripts/Makefile.asm-generic): the text, with the shell's quoting removed. Anything
 * else in the command (pipes, several commands, expansions left for the shell) makes it not this generator's.
 */
export const echoToTarget: Generator = (ctx) => {
  if (ctx.rule.kind !== 'cmd') return undefined;
  const m = /^\s*[@+-]*\s*echo\s+(.*?)\s*>\s*(\S+)\s*$/s.exec(ctx.rule.command);
  if (!m || m[2]!.replace(/^\.\//, '') !== ctx.rule.target) return undefined;
  const words = shellWords(m[1]!);
  if (words === undefined) return undefined;
  return words.join(' ') + '\n';
};

/** POSIX shell words of fixed text (quotes and backslashes removed); undefined if it would expand anything */
export function shellWords(s: string): string[] | undefined {
  const out: string[] = [];
  let cur = '';
  let inWord = false;
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c === ' ' || c === '\t' || c === '\n') {
      if (inWord) out.push(cur);
      cur = '';
      inWord = false;
      continue;
    }
    inWord = true;
    if (c === "'") {
      const j = s.indexOf("'", i + 1);
      if (j < 0) return undefined;
      cur += s.slice(i + 1, j);
      i = j;
    } else if (c === '"') {
      let j = i + 1;
      for (; j < s.length && s[j] !== '"'; j++) {
        const d = s[j]!;
        if (d === '$' || d === '`') return undefined;
        if (d === '\\' && j + 1 < s.length && '$`"\\\n'.includes(s[j + 1]!)) {
          if (s[j + 1] !== '\n') cur += s[j + 1];
          j++;
        } else cur += d;
      }
      if (j >= s.length) return undefined;
      i = j;
    } else if (c === '\\') {
      if (i + 1 < s.length && s[i + 1] !== '\n') cur += s[i + 1];
      i++;
    } else if ('$`|&;<>()*?['.includes(c)) return undefined;
    else cur += c;
  }
  if (inWord) out.push(cur);
  return out;
}
