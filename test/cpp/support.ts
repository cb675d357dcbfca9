import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { CompileCommand } from '../../src/core/graph.js';
import { type CppOptions, type CppResult, preprocess, renderGccE } from '../../src/cpp/index.js';
import { lex } from '../../src/cpp/lexer.js';
import { KernelTree } from '../../src/tree/tree.js';
import { haveCommand } from '../support/linux.js';

export function cmd(over: Partial<CompileCommand> = {}): CompileCommand {
  return { includes: [], systemIncludes: [], defines: [], forcedIncludes: [], flags: [], language: 'c', ...over };
}

/** preprocess `main` (plus other files) in an in-memory tree */
export function pp(files: Record<string, string>, main = 'main.c', opts: Partial<CppOptions> = {}): CppResult {
  const tree = KernelTree.fromFiles(files);
  return preprocess(tree, main, {
    cmd: cmd({ language: main.endsWith('.S') ? 'assembler-with-cpp' : 'c' }),
    autoconf: '',
    predefined: new Map(),
    srcPrefix: '',
    ...opts,
  });
}

export function out(files: Record<string, string>, main = 'main.c', opts: Partial<CppOptions> = {}): string {
  return renderGccE(pp(files, main, opts).tokens);
}

/** token spellings of preprocessed text, whitespace ignored; lines kept apart in asm mode */
export function tokenize(text: string, mode: 'c' | 'asm' = 'c'): string[] {
  const l = lex(text, 'x', mode);
  const r: string[] = [];
  for (let i = 0; i < l.count; i++) {
    if (mode === 'asm' && l.flags[i]! & 2 && r.length) r.push('\n');
    r.push(l.text(i));
  }
  return r;
}

export const HAVE_GCC = haveCommand('gcc');

/** run the host gcc -E -P (-undef: no predefined macros) on files written to a temp dir */
export function gccE(files: Record<string, string>, main = 'main.c', extra: string[] = []): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kvlint-cpp-'));
  try {
    for (const [p, c] of Object.entries(files)) {
      fs.mkdirSync(path.dirname(path.join(dir, p)), { recursive: true });
      fs.writeFileSync(path.join(dir, p), c);
    }
    const lang = main.endsWith('.S') ? ['-x', 'assembler-with-cpp'] : ['-std=gnu11'];
    return execFileSync('gcc', ['-E', '-P', '-undef', '-nostdinc', ...lang, ...extra, main], { cwd: dir, encoding: 'latin1', stdio: ['ignore', 'pipe', 'ignore'] });
  } catch (e) {
    const err = e as { stdout?: string };
    if (typeof err.stdout === 'string') return err.stdout;
    throw e;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
