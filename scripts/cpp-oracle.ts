/**
 * gcc -E as the oracle of kvlint's preprocessor: run the real compiler with a CompileCommand, read its predefined
 * macros (-dM), and compare token streams (whitespace and line markers ignored). Used by test/cpp and by
 * scripts/cpp-diff.ts / bench/cpp-bench.ts. Runs the compiler only on files given to it; writes nothing into trees.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { CompileCommand } from '../src/core/graph.js';
import { F_BOL, lex } from '../src/cpp/lexer.js';

const predefinedCache = new Map<string, Map<string, string>>();

/** flags that only matter for code generation / warnings / dependency files are left out of the -dM probe key */
function relevantFlags(flags: string[]): string[] {
  return flags.filter((f) => !/^-(W[^p]|Wp,|M[DFTQP]?$|MMD|c$|o$|g|fdiagnostics|fmacro-prefix-map|ffile-prefix-map|I|D|U|include)/.test(f));
}

/** the predefined macros of `gcc` with these flags (`gcc FLAGS -dM -E -x LANG /dev/null`) */
export function gccPredefined(gcc: string, flags: string[], asm: boolean): Map<string, string> {
  const rel = relevantFlags(flags);
  const key = gcc + '\0' + (asm ? 'asm' : 'c') + '\0' + rel.join('\0');
  let m = predefinedCache.get(key);
  if (m) return m;
  const out = execFileSync(gcc, [...rel, '-dM', '-E', '-x', asm ? 'assembler-with-cpp' : 'c', '/dev/null'], { encoding: 'latin1', stdio: ['ignore', 'pipe', 'pipe'] });
  m = parseDefines(out);
  predefinedCache.set(key, m);
  return m;
}

/** `#define NAME VALUE` lines (gcc -dM) to a map; function-like names keep their parameter list */
export function parseDefines(text: string): Map<string, string> {
  const m = new Map<string, string>();
  for (const line of text.split('\n')) {
    const r = /^#define ((?:[A-Za-z_]\w*)(?:\([^)]*\))?)(?: (.*))?$/.exec(line);
    if (r) m.set(r[1]!, r[2] ?? '');
  }
  return m;
}

export interface OracleRun {
  ok: boolean;
  out: string;
  stderr: string;
  ms: number;
}

/**
 * Run `gcc -E` on `file` with the command's includes, defines, forced includes and flags. Tree-relative paths are
 * made absolute under `root`; `autoconfDir` (holding generated/autoconf.h) is searched last.
 */
export function gccPreprocess(
  gcc: string,
  root: string,
  cmd: CompileCommand,
  file: string,
  /** generatedDir: where the generated files are (an objtree): every tree directory is searched there after the tree */
  opts: { autoconfDir?: string; generatedDir?: string; extra?: string[]; cwd?: string } = {},
): OracleRun {
  const abs = (p: string) => (path.isAbsolute(p) ? p : path.join(root, p));
  const args = ['-E', '-P', '-nostdinc'];
  const gen = (d: string) => (opts.generatedDir && !path.isAbsolute(d) ? [path.join(opts.generatedDir, d)] : []);
  for (const d of cmd.includes) for (const x of [abs(d), ...gen(d)]) args.push('-I' + x);
  for (const d of cmd.systemIncludes) for (const x of [abs(d), ...gen(d)]) args.push('-isystem', x);
  if (opts.autoconfDir) args.push('-idirafter', opts.autoconfDir);
  for (const f of cmd.forcedIncludes) args.push('-include', abs(f));
  for (const [k, v] of cmd.defines) args.push(v === null ? `-U${k}` : `-D${k}=${v}`);
  for (const f of cmd.flags) if (!/^-(Wp,|c$|o$|MD$|MMD$)/.test(f)) args.push(f);
  if (cmd.language === 'assembler-with-cpp') args.push('-x', 'assembler-with-cpp');
  args.push(...(opts.extra ?? []), abs(file));
  const t0 = performance.now();
  const r = spawnSync(gcc, args, { encoding: 'latin1', maxBuffer: 1 << 30, cwd: opts.cwd ?? root });
  return { ok: r.status === 0, out: r.stdout ?? '', stderr: r.stderr ?? '', ms: performance.now() - t0 };
}

/** write a configuration's generated files (src/prepare) under a new temporary directory, as an objtree has them */
export function generatedDir(files: Readonly<Record<string, string>>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kvlint-generated-'));
  for (const [rel, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), text);
  }
  return dir;
}

/** write autoconf text to <tmp>/generated/autoconf.h and return <tmp> */
export function autoconfDir(text: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kvlint-autoconf-'));
  fs.mkdirSync(path.join(dir, 'generated'));
  fs.writeFileSync(path.join(dir, 'generated', 'autoconf.h'), text);
  return dir;
}

/**
 * Token spellings of preprocessed text, with `#pragma`/`#ident` lines kept and line markers dropped; in assembler
 * mode a '\n' entry separates lines (blank lines collapse).
 */
export function outputTokens(text: string, asm: boolean): string[] {
  const l = lex(text, '<out>', asm ? 'asm' : 'c');
  const r: string[] = [];
  const n = l.count;
  for (let i = 0; i < n; i++) {
    const bol = (l.flags[i]! & F_BOL) !== 0;
    if (bol && !asm && l.text(i) === '#' && i + 1 < n && l.kind[i + 1] === 2 /* number: a line marker */) {
      while (i + 1 < n && !(l.flags[i + 1]! & F_BOL)) i++;
      continue;
    }
    if (asm && bol && r.length > 0) r.push('\n');
    r.push(l.text(i));
  }
  return r;
}

export interface TokenDiff {
  identical: boolean;
  /** index of the first differing token */
  at?: number;
  mine?: string;
  theirs?: string;
}

export function compareTokens(mine: string[], theirs: string[], context = 12): TokenDiff {
  const n = Math.min(mine.length, theirs.length);
  let i = 0;
  while (i < n && mine[i] === theirs[i]) i++;
  if (i === n && mine.length === theirs.length) return { identical: true };
  const show = (a: string[]) => a.slice(Math.max(0, i - context), i + context).join(' ').replace(/\n/g, '⏎');
  return { identical: false, at: i, mine: show(mine), theirs: show(theirs) };
}

export function haveCompiler(gcc: string): boolean {
  return spawnSync(gcc, ['--version'], { stdio: 'ignore' }).status === 0;
}
