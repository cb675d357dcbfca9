import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { TokenStream } from '../src/core/tokens.js';
import { tokensFromPreprocessed } from '../test/support/gcc-e.js';

/**
 * Shared pieces of the facts benchmarks: read a real build's .cmd files, re-run each compile command as `gcc -E`
 * (output cached outside both trees), and tokenise the result.
 */

export function shellWords(s: string): string[] {
  const out: string[] = [];
  let cur: string | null = null;
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c === ' ' || c === '\t' || c === '\n') {
      if (cur !== null) out.push(cur), (cur = null);
      continue;
    }
    if (c === ';') {
      if (cur !== null) out.push(cur), (cur = null);
      out.push(c);
      continue;
    }
    cur ??= '';
    if (c === "'") {
      const j = s.indexOf("'", i + 1);
      cur += s.slice(i + 1, j < 0 ? s.length : j);
      i = j < 0 ? s.length : j;
    } else if (c === '"') {
      let j = i + 1;
      for (; j < s.length && s[j] !== '"'; j++) {
        if (s[j] === '\\' && j + 1 < s.length) cur += s[++j];
        else cur += s[j];
      }
      i = j;
    } else if (c === '\\' && i + 1 < s.length) cur += s[++i];
    else cur += c;
  }
  if (cur !== null) out.push(cur);
  return out;
}

export interface UnitCmd {
  object: string;
  source: string;
  /** absolute path of the source */
  sourceAbs: string;
  language: 'c' | 'assembler-with-cpp';
  gcc: string;
  /** compile arguments without -c/-o/-Wp,-MMD and without the source */
  args: string[];
}

/** the compile command of `object` (objtree-relative) from its .cmd file, or undefined */
export function readCmd(objtree: string, srctree: string, object: string): UnitCmd | undefined {
  const cmdFile = path.join(objtree, path.dirname(object), `.${path.basename(object)}.cmd`);
  if (!fs.existsSync(cmdFile)) return undefined;
  const text = fs.readFileSync(cmdFile, 'latin1');
  const m = /^cmd_\S+ := (.*)$/m.exec(text);
  if (!m) return undefined;
  let words = shellWords(m[1]!);
  const semi = words.indexOf(';');
  if (semi >= 0) words = words.slice(0, semi);
  const gccIdx = words.findIndex((w) => /gcc$/.test(w));
  if (gccIdx < 0) return undefined;
  const gcc = words[gccIdx]!;
  const rest = words.slice(gccIdx + 1);
  const args: string[] = [];
  let src: string | undefined;
  for (let i = 0; i < rest.length; i++) {
    const w = rest[i]!;
    if (w === '-c') continue;
    if (w === '-o') {
      i++;
      continue;
    }
    if (w.startsWith('-Wp,-MMD') || w.startsWith('-Wp,-MD')) continue;
    if (!w.startsWith('-') && /\.(c|S)$/.test(w) && (i === rest.length - 1 || !rest[i - 1]?.match(/^-(I|include|o|D|U|isystem|MF|MT)$/))) {
      src = w;
      continue;
    }
    args.push(w);
  }
  if (!src) return undefined;
  const sourceAbs = path.isAbsolute(src) ? src : path.join(objtree, src);
  const source = sourceAbs.startsWith(srctree + '/') ? sourceAbs.slice(srctree.length + 1) : path.relative(objtree, sourceAbs);
  return { object, source, sourceAbs, language: src.endsWith('.S') ? 'assembler-with-cpp' : 'c', gcc, args };
}

export function cacheRoot(): string {
  return path.join(process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache'), 'kvlint', 'oracle');
}

/** gcc -E of a unit (cached under ~/.cache/kvlint/oracle/<name>/), tokenised */
export function preprocessWithGcc(objtree: string, srctree: string, u: UnitCmd, name: string): TokenStream {
  const out = path.join(cacheRoot(), name, u.object + (u.language === 'c' ? '.i' : '.s'));
  if (!fs.existsSync(out)) {
    fs.mkdirSync(path.dirname(out), { recursive: true });
    execFileSync(u.gcc, ['-E', ...u.args, '-o', out + '.tmp', u.sourceAbs], { cwd: objtree, stdio: ['ignore', 'ignore', 'pipe'] });
    fs.renameSync(out + '.tmp', out);
  }
  const text = fs.readFileSync(out, 'latin1');
  const root = srctree.endsWith('/') ? srctree : srctree + '/';
  return tokensFromPreprocessed(text, {
    asm: u.language !== 'c',
    mapFile: (p) => (p.startsWith(root) ? p.slice(root.length) : p.startsWith('./') ? p.slice(2) : p),
  });
}

/** the flags extractFacts cares about (-f*, -m*, -O*, -pg) */
export function factFlags(args: string[]): string[] {
  return args.filter((a) => /^-(f|m|O|pg)/.test(a));
}
