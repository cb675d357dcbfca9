import type { CompileCommand } from '../core/graph.js';
import type { MakeEvaluator, TargetVar } from './make/evaluator.js';
import { compilePattern, matchPattern, words } from './make/text.js';

/**
 * Per-object compiler flags, computed the way scripts/Makefile.lib (Linux 6.1) composes c_flags and a_flags:
 *
 *   c_flags = NOSTDINC_FLAGS LINUXINCLUDE -include compiler_types.h _c_flags modkern_cflags basename_flags modname_flags
 *   a_flags = NOSTDINC_FLAGS LINUXINCLUDE _a_flags modkern_aflags
 *   _c_flags = (KBUILD_CPPFLAGS KBUILD_CFLAGS ccflags-y minus ccflags-remove-y) CFLAGS_<stem>.o, minus
 *              CFLAGS_REMOVE_<stem>.o, then the sanitizer/coverage additions, then -I $(srctree)/$(src)
 *              -I $(objtree)/$(obj) when building out of the source tree
 *
 * The values come from the directory's make evaluation (its kbuild file on top of the inherited environment), with
 * the target-specific variables of the object (and of the composite it is part of) applied.
 */
export interface ObjectFlagInput {
  /** object path as make names it ("drivers/foo/bar.o") */
  target: string;
  /** the object as the kbuild file names it, relative to obj ("bar.o", "../x/y.o") */
  rel: string;
  /** directory ("drivers/foo", or "." for the top) */
  obj: string;
  /** 'c' or 'S' */
  kind: 'c' | 'S';
  partOfModule: boolean;
  /** module name(s) the object is part of, relative to obj (kbuild's __modname), e.g. ["zsmalloc"] */
  modnames: string[];
  /** composite objects (targets) containing this one, whose target-specific variables it inherits */
  parents: string[];
  outOfTree: boolean;
}

/** Apply the target-specific variables that hold for `targets` (in order), run fn, restore. */
export function withTargetVars<T>(ev: MakeEvaluator, targetVars: TargetVar[], targets: string[], fn: () => T): T {
  const applicable: TargetVar[] = [];
  for (const t of targets) {
    for (const tv of targetVars) {
      if (tv.target === t) applicable.push(tv);
      else if (tv.target.includes('%') && matchPattern(compilePattern(tv.target), t) !== undefined) applicable.push(tv);
    }
  }
  if (applicable.length === 0) return fn();
  const saved = new Map<string, ReturnType<MakeEvaluator['get']>>();
  for (const tv of applicable) {
    if (!saved.has(tv.name)) saved.set(tv.name, ev.scope.get(tv.name) && { ...ev.scope.get(tv.name)! });
    const old = ev.scope.get(tv.name);
    switch (tv.op) {
      case ':=':
      case '::=':
        ev.scope.set(tv.name, { flavor: 'simple', value: tv.value, origin: 'file', exported: old?.exported });
        break;
      case '=':
        ev.scope.set(tv.name, { flavor: 'recursive', value: tv.value, origin: 'file', exported: old?.exported });
        break;
      case '?=':
        if (!old) ev.scope.set(tv.name, { flavor: 'recursive', value: tv.value, origin: 'file' });
        break;
      case '+=':
        if (!old) ev.scope.set(tv.name, { flavor: 'recursive', value: tv.value, origin: 'file' });
        else {
          const add = old.flavor === 'simple' ? ev.expand(tv.value) : tv.value;
          ev.scope.set(tv.name, { ...old, value: old.value === '' ? add : `${old.value} ${add}` });
        }
        break;
      case '!=':
        break;
    }
  }
  try {
    return fn();
  } finally {
    for (const [name, v] of saved) {
      if (v) ev.scope.set(name, v);
      else ev.scope.delete(name);
    }
  }
}

function filterOut(patterns: string[], list: string[]): string[] {
  if (patterns.length === 0) return list;
  const ps = patterns.map(compilePattern);
  return list.filter((w) => !ps.some((p) => matchPattern(p, w) !== undefined));
}

/** kbuild's "$(if $(patsubst n%,, A B C), …)": enabled unless the first non-empty setting starts with n */
function enabledBy(...settings: string[]): boolean {
  const s = settings.join('').trim();
  return s !== '' && !s.startsWith('n');
}

const nameFixToken = (s: string): string => s.replace(/-/g, '_').replace(/,/g, '_');
const stringify = (s: string): string => `'"${s}"'`;

/** The full flag word list of one object, as kbuild would pass it (minus -Wp,-MMD and -c/-o). */
export function objectFlagWords(ev: MakeEvaluator, inp: ObjectFlagInput): string[] {
  const stemRel = inp.rel;
  const targetStem = stemRel.replace(/\.[^./]*$/, '');
  const basetarget = targetStem.slice(targetStem.lastIndexOf('/') + 1);
  const w = (name: string): string[] => words(ev.value(name));
  const srctree = ev.value('srctree');
  const objtree = ev.value('objtree');

  const out: string[] = [...w('NOSTDINC_FLAGS'), ...w('LINUXINCLUDE')];
  if (inp.kind === 'c') out.push('-include', `${srctree}/include/linux/compiler_types.h`);

  const pre = inp.kind === 'c' ? 'CFLAGS' : 'AFLAGS';
  const base =
    inp.kind === 'c'
      ? filterOut(w('ccflags-remove-y'), [...w('KBUILD_CPPFLAGS'), ...w('KBUILD_CFLAGS'), ...w('ccflags-y')])
      : filterOut(w('asflags-remove-y'), [...w('KBUILD_CPPFLAGS'), ...w('KBUILD_AFLAGS'), ...w('asflags-y')]);
  const flags = filterOut(w(`${pre}_REMOVE_${targetStem}.o`), [...base, ...w(`${pre}_${targetStem}.o`)]);
  out.push(...flags);

  if (inp.kind === 'c') {
    const cfg = (n: string): string => ev.value(`CONFIG_${n}`);
    const per = (v: string): string => ev.value(`${v}_${basetarget}.o`) + ev.value(v);
    if (cfg('GCOV_KERNEL') === 'y' && enabledBy(per('GCOV_PROFILE'), cfg('GCOV_PROFILE_ALL'))) out.push(...w('CFLAGS_GCOV'));
    if (cfg('KASAN') === 'y' && cfg('KASAN_HW_TAGS') !== 'y') {
      out.push(...w(enabledBy(per('KASAN_SANITIZE'), 'y') ? 'CFLAGS_KASAN' : 'CFLAGS_KASAN_NOSANITIZE'));
    }
    if (cfg('KMSAN') === 'y') {
      if (enabledBy(per('KMSAN_SANITIZE'), 'y')) out.push(...w('CFLAGS_KMSAN'));
      if (!enabledBy(per('KMSAN_ENABLE_CHECKS'), 'y')) out.push('-mllvm', '-msan-disable-checks=1');
    }
    if (cfg('UBSAN') === 'y' && enabledBy(per('UBSAN_SANITIZE'), cfg('UBSAN_SANITIZE_ALL'))) out.push(...w('CFLAGS_UBSAN'));
    if (cfg('KCOV') === 'y' && enabledBy(per('KCOV_INSTRUMENT'), cfg('KCOV_INSTRUMENT_ALL'))) out.push(...w('CFLAGS_KCOV'));
    if (cfg('KCSAN') === 'y') {
      if (enabledBy(per('KCSAN_SANITIZE'), 'y')) out.push(...w('CFLAGS_KCSAN'));
      if (enabledBy(per('KCSAN_INSTRUMENT_BARRIERS'), 'n')) out.push('-D__KCSAN_INSTRUMENT_BARRIERS__');
    }
  }
  if (inp.outOfTree) out.push('-I', `${srctree}/${inp.obj}`, '-I', `${objtree}/${inp.obj}`);

  const modnames = inp.modnames.length > 0 ? inp.modnames : [basetarget];
  if (inp.kind === 'c') {
    if (inp.partOfModule) out.push(...w('KBUILD_CFLAGS_MODULE'), ...w('CFLAGS_MODULE'));
    else {
      out.push(...w('KBUILD_CFLAGS_KERNEL'), ...w('CFLAGS_KERNEL'));
      const modfile = modnames.map((m) => (inp.obj === '.' ? m : `${inp.obj}/${m}`)).join(' ');
      out.push(`-DKBUILD_MODFILE=${stringify(modfile)}`);
    }
    const modname = modnames.join(':');
    out.push(`-DKBUILD_BASENAME=${stringify(nameFixToken(basetarget))}`);
    out.push(`-DKBUILD_MODNAME=${stringify(nameFixToken(modname))}`, `-D__KBUILD_MODNAME=kmod_${nameFixToken(modname)}`);
  } else {
    if (inp.partOfModule) out.push(...w('KBUILD_AFLAGS_MODULE'), ...w('AFLAGS_MODULE'));
    else out.push(...w('KBUILD_AFLAGS_KERNEL'), ...w('AFLAGS_KERNEL'));
  }
  return out;
}

/** Flags kept in CompileCommand.flags: those that can change predefined macros or code generation choices. */
export function isMacroRelevantFlag(f: string): boolean {
  return (
    f.startsWith('-m') ||
    f.startsWith('-f') ||
    f.startsWith('-O') ||
    f.startsWith('-std=') ||
    f === '-ansi' ||
    f === '-nostdinc' ||
    f === '-undef' ||
    f === '-pg' ||
    f.startsWith('--target=')
  );
}

/** Strip one level of shell quoting the way the shell running the compile command would. */
export function shellUnquote(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c === "'") {
      const j = s.indexOf("'", i + 1);
      if (j < 0) return out + s.slice(i + 1);
      out += s.slice(i + 1, j);
      i = j;
    } else if (c === '"') {
      let j = i + 1;
      for (; j < s.length && s[j] !== '"'; j++) {
        if (s[j] === '\\' && j + 1 < s.length) {
          out += s[j + 1];
          j++;
        } else out += s[j];
      }
      i = j;
    } else if (c === '\\' && i + 1 < s.length) {
      out += s[i + 1];
      i++;
    } else out += c;
  }
  return out;
}

/**
 * Turn flag words into a CompileCommand. `mapPath` turns a path as make spelled it into the CompileCommand form
 * (tree-relative, or absolute for the objtree).
 */
export function toCompileCommand(flagWords: string[], kind: 'c' | 'S', mapPath: (p: string) => string): CompileCommand {
  const cmd: CompileCommand = {
    includes: [],
    systemIncludes: [],
    defines: [],
    forcedIncludes: [],
    flags: [],
    language: kind === 'c' ? 'c' : 'assembler-with-cpp',
  };
  for (let i = 0; i < flagWords.length; i++) {
    const f = flagWords[i]!;
    const next = (): string | undefined => (i + 1 < flagWords.length ? flagWords[++i] : undefined);
    if (f === '-I' || f === '-isystem' || f === '-idirafter' || f === '-iquote') {
      const d = next();
      if (d === undefined) break;
      (f === '-I' || f === '-iquote' ? cmd.includes : cmd.systemIncludes).push(mapPath(d));
    } else if (f.startsWith('-I')) cmd.includes.push(mapPath(f.slice(2)));
    else if (f.startsWith('-isystem')) cmd.systemIncludes.push(mapPath(f.slice(8)));
    else if (f.startsWith('-idirafter')) cmd.systemIncludes.push(mapPath(f.slice(10)));
    else if (f === '-include' || f === '-imacros') {
      const p = next();
      if (p !== undefined) cmd.forcedIncludes.push(mapPath(p));
    } else if (f === '-D' || f === '-U') {
      const d = next();
      if (d !== undefined) pushDefine(cmd, f, d);
    } else if (f.startsWith('-D') || f.startsWith('-U')) pushDefine(cmd, f.slice(0, 2), f.slice(2));
    else if (isMacroRelevantFlag(f)) cmd.flags.push(f);
  }
  return cmd;
}

function pushDefine(cmd: CompileCommand, kind: string, text: string): void {
  const t = shellUnquote(text);
  if (kind === '-U') {
    cmd.defines.push([t, null]);
    return;
  }
  const eq = t.indexOf('=');
  if (eq < 0) cmd.defines.push([t, '1']);
  else cmd.defines.push([t.slice(0, eq), t.slice(eq + 1)]);
}
