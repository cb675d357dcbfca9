/**
 * Read kbuild's saved command lines (`.foo.o.cmd` / `.foo.i.cmd` in an O= build directory) and turn them into the
 * CompileCommand the preprocessor takes, plus the exact argv to run gcc -E as the oracle. Facts only: nothing from
 * the tree is executed.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { CompileCommand } from '../src/core/graph.js';

/** POSIX-shell-like split of one command (quotes and backslashes), stopping at an unquoted ';' */
export function shellSplit(s: string): string[] {
  const out: string[] = [];
  let cur = '';
  let has = false;
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c === "'") {
      const e = s.indexOf("'", i + 1);
      cur += s.slice(i + 1, e < 0 ? s.length : e);
      i = e < 0 ? s.length : e;
      has = true;
    } else if (c === '"') {
      let j = i + 1;
      for (; j < s.length && s[j] !== '"'; j++) {
        if (s[j] === '\\' && j + 1 < s.length && '"\\$`'.includes(s[j + 1]!)) j++;
        cur += s[j];
      }
      i = j;
      has = true;
    } else if (c === '\\' && i + 1 < s.length) {
      cur += s[++i];
      has = true;
    } else if (c === ';') {
      break;
    } else if (c === ' ' || c === '\t' || c === '\n') {
      if (has) out.push(cur);
      cur = '';
      has = false;
    } else {
      cur += c;
      has = true;
    }
  }
  if (has) out.push(cur);
  return out;
}

export interface KbuildUnit {
  /** object path relative to the objtree, e.g. "mm/slub.o" */
  object: string;
  /** source path relative to the source tree */
  source: string;
  cmd: CompileCommand;
  /** the compiler argv as kbuild ran it (argv[0] is the compiler) */
  argv: string[];
  /** built into a module (-DMODULE) */
  module: boolean;
}

/**
 * Parse `cmd_<obj> := <compiler> …` of a .cmd file. Paths under `srctree` become tree-relative; relative paths are
 * relative to the objtree (make's cwd) and become absolute under it.
 */
export function parseCmdFile(text: string, objtree: string, srctree: string): KbuildUnit | null {
  const m = /^cmd_(\S+) := (.*)$/m.exec(text);
  if (!m) return null;
  // single-target preprocessing (.i from .c, .s from .S) stands for the object it belongs to
  const object = m[1]!.replace(/\.[is]$/, '.o');
  const argv = shellSplit(m[2]!);
  if (argv.length < 2 || !/gcc$|cc$|clang$/.test(argv[0]!)) return null;
  const st = srctree.endsWith('/') ? srctree : srctree + '/';
  const abs = (p: string) => (path.isAbsolute(p) ? path.normalize(p) : path.join(objtree, p));
  const mapPath = (p: string): string => {
    const a = abs(p);
    return a.startsWith(st) ? a.slice(st.length) : a;
  };
  const cmd: CompileCommand = { includes: [], systemIncludes: [], defines: [], forcedIncludes: [], flags: [], language: 'c' };
  let source: string | undefined;
  let compile = false;
  for (let i = 1; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '-c' || a === '-E' || a === '-S') compile = true;
    else if (a === '-o') i++;
    else if (a === '-I') cmd.includes.push(mapPath(argv[++i]!));
    else if (a.startsWith('-I')) cmd.includes.push(mapPath(a.slice(2)));
    else if (a === '-isystem') cmd.systemIncludes.push(mapPath(argv[++i]!));
    else if (a === '-include') cmd.forcedIncludes.push(mapPath(argv[++i]!));
    else if (a === '-D') pushDefine(cmd, argv[++i]!);
    else if (a.startsWith('-D')) pushDefine(cmd, a.slice(2));
    else if (a === '-U') cmd.defines.push([argv[++i]!, null]);
    else if (a.startsWith('-U')) cmd.defines.push([a.slice(2), null]);
    else if (a.startsWith('-Wp,')) continue;
    else if (a === '-x') {
      if (argv[++i] === 'assembler-with-cpp') cmd.language = 'assembler-with-cpp';
    } else if (!a.startsWith('-') && /\.(c|S)$/.test(a)) source = mapPath(a);
    else cmd.flags.push(a);
  }
  if (!compile || !source) return null;
  if (source.endsWith('.S')) cmd.language = 'assembler-with-cpp';
  return { object, source, cmd, argv, module: cmd.defines.some(([k]) => k === 'MODULE') };
}

function pushDefine(cmd: CompileCommand, d: string): void {
  const eq = d.indexOf('=');
  cmd.defines.push(eq < 0 ? [d, '1'] : [d.slice(0, eq), d.slice(eq + 1)]);
}

/** argv for `gcc -E -P -o -` from the original command (dependency-file options and -c/-o removed) */
export function oracleArgv(u: KbuildUnit): string[] {
  const r: string[] = [];
  const argv = u.argv;
  for (let i = 1; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '-c') continue;
    if (a === '-o') {
      i++;
      continue;
    }
    if (a.startsWith('-Wp,')) continue;
    r.push(a);
  }
  return [argv[0]!, '-E', '-P', '-o', '-', ...r];
}

/**
 * kbuild's saved command line of an object in an objtree: its own `.foo.o.cmd` (a full build) or that of a
 * single-target `make foo.i` / `make foo.s` (`.foo.i.cmd` / `.foo.s.cmd`, after `prepare` only); undefined if none
 */
export function cmdFileOf(objtree: string, object: string): string | undefined {
  const base = object.replace(/\.o$/, '');
  for (const ext of ['.o', '.i', '.s']) {
    const f = path.join(objtree, path.dirname(base), `.${path.basename(base)}${ext}.cmd`);
    if (fs.existsSync(f)) return f;
  }
  return undefined;
}

/** every `.*.o.cmd` under the objtree that compiles a C or assembler source of the tree with the target compiler */
export function listUnits(objtree: string, srctree: string, compiler: RegExp): KbuildUnit[] {
  const units: KbuildUnit[] = [];
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) {
        if (dir === objtree && (e.name === 'scripts' || e.name === 'tools' || e.name === 'usr' || e.name === 'source')) continue;
        walk(p);
      } else if (e.name.startsWith('.') && /\.[ois]\.cmd$/.test(e.name)) {
        const u = parseCmdFile(fs.readFileSync(p, 'latin1'), objtree, srctree);
        if (u && compiler.test(path.basename(u.argv[0]!)) && !path.isAbsolute(u.source)) units.push(u);
      }
    }
  };
  walk(objtree);
  // one command per object: an object's own .o.cmd wins over a single-target .i/.s one
  const by = new Map<string, KbuildUnit>();
  for (const u of units) {
    const prev = by.get(u.object);
    if (!prev || (prev.argv.includes('-E') && !u.argv.includes('-E'))) by.set(u.object, u);
  }
  return [...by.values()].sort((a, b) => (a.object < b.object ? -1 : a.object > b.object ? 1 : 0));
}

/** seeded shuffle (mulberry32) so that "a fixed random sample" stays fixed */
export function sample<T>(items: T[], n: number, seed: number): T[] {
  let s = seed >>> 0;
  const rnd = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const a = items.slice();
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a.slice(0, n);
}
