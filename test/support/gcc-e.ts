import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { TokKind, type TokenStream } from '../../src/core/tokens.js';
import { lex } from '../../src/cpp/lexer.js';
import type { Span, TraceStep } from '../../src/core/types.js';

/**
 * Test support: a TokenStream made from `gcc -E` output, so that symbol facts can be developed and measured
 * independently of kvlint's own preprocessor (an upper bound on facts accuracy). Positions come from gcc's
 * linemarkers; there are no macro traces.
 *
 * The tokens come from kvlint's own lexer; only gcc's linemarkers are interpreted here.
 */

class ArrayTokenStream implements TokenStream {
  texts: string[] = [];
  kinds: number[] = [];
  files: string[] = [];
  fileIdx: number[] = [];
  lines: number[] = [];
  cols: number[] = [];
  spaces: boolean[] = [];
  get length(): number {
    return this.texts.length;
  }
  kind(i: number): TokKind {
    return this.kinds[i] as TokKind;
  }
  text(i: number): string {
    return this.texts[i]!;
  }
  span(i: number): Span {
    return { file: this.files[this.fileIdx[i]!]!, line: this.lines[i]!, col: this.cols[i]! };
  }
  site(i: number): Span {
    return this.span(i);
  }
  spaceBefore(i: number): boolean {
    return this.spaces[i]!;
  }
  trace(_i: number): TraceStep[] {
    return [];
  }
}

/**
 * Tokenise preprocessed text with kvlint's lexer (src/cpp/lexer.ts), turning gcc's linemarkers into positions.
 * `mapFile` turns linemarker paths into tree-relative paths. In assembler mode lines are statements: a Newline
 * token ends each line that has tokens.
 */
export function tokensFromPreprocessed(
  text: string,
  opts: { asm?: boolean; mapFile?: (p: string) => string } = {},
): TokenStream {
  const ts = new ArrayTokenStream();
  const mapFile = opts.mapFile ?? ((p: string) => p);
  const lx = lex(text, '<gcc -E>', opts.asm ? 'asm' : 'c');
  const fileIds = new Map<string, number>();
  const fileId = (f: string): number => {
    let id = fileIds.get(f);
    if (id === undefined) {
      id = ts.files.length;
      ts.files.push(f);
      fileIds.set(f, id);
    }
    return id;
  };
  let fid = fileId('<unknown>');
  let delta = 0; // source line = output line + delta
  let lastLine = -1;
  const n = lx.count;
  for (let i = 0; i < n; i++) {
    const line = lx.line[i]!;
    if (lx.atLineStart(i) && lx.text(i) === '#') {
      // linemarker (# N "file" flags) or #pragma / #ident: the whole line
      let j = i + 1;
      while (j < n && lx.line[j] === line) j++;
      if (i + 2 < j && lx.kind[i + 1] === TokKind.Number && lx.kind[i + 2] === TokKind.String) {
        const target = Number(lx.text(i + 1));
        const f = lx.text(i + 2).slice(1, -1).replace(/\\(.)/g, '$1');
        fid = fileId(mapFile(f));
        delta = target - (line + 1);
      }
      i = j - 1;
      continue;
    }
    if (opts.asm && lastLine >= 0 && line !== lastLine) {
      ts.texts.push('\n');
      ts.kinds.push(TokKind.Newline);
      ts.fileIdx.push(fid);
      ts.lines.push(lastLine + delta);
      ts.cols.push(1);
      ts.spaces.push(false);
    }
    lastLine = line;
    ts.texts.push(lx.text(i));
    ts.kinds.push(lx.kind[i]!);
    ts.fileIdx.push(fid);
    ts.lines.push(line + delta);
    ts.cols.push(lx.col[i]!);
    ts.spaces.push(lx.spaceBefore(i));
  }
  if (opts.asm && lastLine >= 0) {
    ts.texts.push('\n');
    ts.kinds.push(TokKind.Newline);
    ts.fileIdx.push(fid);
    ts.lines.push(lastLine + delta);
    ts.cols.push(1);
    ts.spaces.push(false);
  }
  return ts;
}

/** Run `gcc -E` on a file with the given flags and return its TokenStream (file paths made relative to `root`). */
export function gccE(
  gcc: string,
  args: string[],
  opts: { cwd: string; root: string; asm?: boolean },
): TokenStream {
  const out = execFileSync(gcc, ['-E', ...args], { cwd: opts.cwd, maxBuffer: 1 << 30, encoding: 'latin1' });
  return tokensFromPreprocessed(out, { asm: opts.asm ?? false, mapFile: relativeTo(opts.root) });
}

export function relativeTo(root: string): (p: string) => string {
  const r = root.endsWith('/') ? root : root + '/';
  return (p: string) => {
    if (p.startsWith(r)) return p.slice(r.length);
    if (p.startsWith('./')) return p.slice(2);
    return p;
  };
}

/** cached variant: preprocessed text stored under dir keyed by name (for slow real-tree runs) */
export function gccECached(
  gcc: string,
  args: string[],
  opts: { cwd: string; root: string; asm?: boolean; cacheFile: string },
): TokenStream {
  let out: string;
  if (fs.existsSync(opts.cacheFile)) out = fs.readFileSync(opts.cacheFile, 'latin1');
  else {
    out = execFileSync(gcc, ['-E', ...args], { cwd: opts.cwd, maxBuffer: 1 << 30, encoding: 'latin1' });
    fs.mkdirSync(path.dirname(opts.cacheFile), { recursive: true });
    fs.writeFileSync(opts.cacheFile, out, 'latin1');
  }
  return tokensFromPreprocessed(out, { asm: opts.asm ?? false, mapFile: relativeTo(opts.root) });
}
