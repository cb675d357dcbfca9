import type { BuiltObject, GenerateRule, ModuleInfo } from '../core/graph.js';
import { asmCompileRule, buildRules } from './prepare.js';
import type { Span } from '../core/types.js';
import type { KernelTree } from '../tree/tree.js';
import { type FileRule, MakeEvaluator } from './make/evaluator.js';
import { compilePattern, matchPattern, words } from './make/text.js';
import { Scope } from './make/vars.js';
import { objectFlagWords, toCompileCommand, withTargetVars } from './flags.js';
import type { TreeHost } from './treehost.js';

/** A directory limit that stops runaway descent (cycles through ../ are caught separately). */
export const MAX_DIR_DEPTH = 40;

export interface DirOutcome {
  /** built-in objects in link order (this directory and below) */
  builtin: string[];
  /** module names in modules.order order */
  modorder: string[];
  /** lib-y objects of this directory (lib.a) */
  lib: string[];
}

interface Part {
  path: string;
  kind: 'c' | 'S' | undefined;
  source?: string;
  /** the rule target that generates the source */
  generated?: string;
  /** the object this one is made from (not compiled itself) */
  derived?: string;
  /** $* when a rule of the kbuild file (not kbuild's own $(obj)/%.o) compiles it */
  stem?: string;
}

/**
 * The rule make would use for `file`: an explicit one, else the pattern rule with the shortest stem among those
 * whose first prerequisite can be had (a source in the tree, or an object) — GNU make's choice since 3.82.
 */
function findRule(ev: MakeEvaluator, file: string, usable: (p: string) => boolean = () => true): (FileRule & { stem?: string }) | undefined {
  let best: (FileRule & { stem?: string }) | undefined;
  let bestStem = Infinity;
  for (const r of ev.fileRules) {
    if (r.target === file) return r;
    if (!r.target.includes('%')) continue;
    const stem = matchPattern(compilePattern(r.target), file);
    if (stem === undefined || stem.length >= bestStem) continue;
    const cand = { ...r, prereqs: r.prereqs.map((p) => p.replace('%', stem)), stem };
    if (cand.prereqs[0] !== undefined && !usable(cand.prereqs[0])) continue;
    best = cand;
    bestStem = stem.length;
  }
  return best;
}
/**
 * One make process per directory, as scripts/Makefile.build runs them: the directory's kbuild file is evaluated on
 * top of the environment exported by its parent, then the object lists are worked out as scripts/Makefile.lib does.
 */
export class KbuildWalker {
  readonly objects = new Map<string, BuiltObject>();
  readonly modules = new Map<string, ModuleInfo>();
  /** directories visited, in visiting order */
  readonly visited: string[] = [];
  /** objects in extra-y (compiled, linked only if named as head objects) */
  readonly extra: string[] = [];
  readonly dirSeconds = new Map<string, number>();
  /** lib-y objects (lib.a) per directory */
  readonly libByDir = new Map<string, string[]>();
  /** files the directories' own rules generate while they are built (src/kbuild/prepare.ts buildRules) */
  readonly generated: GenerateRule[] = [];
  private readonly visiting = new Set<string>();

  constructor(
    readonly tree: KernelTree,
    readonly host: TreeHost,
    /** variables every sub-make reads itself: auto.conf, Kbuild.include, Makefile.compiler */
    readonly defs: Scope,
    /** maps a make path to the CompileCommand spelling */
    readonly mapPath: (p: string) => string,
    /** directories whose lib.a is linked into vmlinux */
    readonly libDirs: Set<string>,
  ) {}

  private kbuildFile(dir: string): string | undefined {
    const base = dir === '.' ? '' : `${dir}/`;
    if (this.tree.isFile(`${base}Kbuild`)) return `${base}Kbuild`;
    if (this.tree.isFile(`${base}Makefile`)) return `${base}Makefile`;
    return undefined;
  }

  visit(dir: string, env: Map<string, string>, needBuiltin: boolean, needModorder: boolean, from: Span, depth = 0): DirOutcome {
    const empty: DirOutcome = { builtin: [], modorder: [], lib: [] };
    if (depth > MAX_DIR_DEPTH) {
      this.host.report('B005', `directory nesting deeper than ${MAX_DIR_DEPTH} at ${dir} (limit: MAX_DIR_DEPTH)`, from);
      return empty;
    }
    if (this.visiting.has(dir)) {
      this.host.report('B003', `directory ${dir} descends into itself`, from);
      return empty;
    }
    const file = this.kbuildFile(dir);
    if (file === undefined) {
      this.host.report('B012', `no Kbuild or Makefile in ${dir}/ (kbuild would fail here)`, from);
      return empty;
    }
    const t0 = performance.now();
    this.visiting.add(dir);
    this.visited.push(dir);
    const { ev, text } = this.subMake(dir, file, env, needBuiltin, needModorder, true);
    for (const r of buildRules(ev, dir)) {
      this.generated.push(r);
      // a generated header read from a compiled .s (filechk offsets of X.s): that .s is kbuild's %.s: %.c of the dir
      for (const p of r.prereqs) {
        if (!p.endsWith('.s')) continue;
        const cc = asmCompileRule(this, ev, dir, p, r.span);
        if (cc) this.generated.push(cc);
      }
    }

    const L = (n: string): string[] => words(ev.value(n));
    const objY = L('obj-y');
    const objYSet = new Set(objY);
    let objM = L('obj-m').filter((o) => !objYSet.has(o));
    const libY = sortUnique([...L('lib-y'), ...L('lib-m')]).filter((o) => !objYSet.has(o));
    const subdirYm = sortUnique([...L('subdir-y'), ...L('subdir-m'), ...[...objY, ...objM].filter((o) => o.endsWith('/')).map((o) => o.slice(0, -1))]);
    if (needModorder) objM = [...objY.filter((o) => o.endsWith('/')).map((o) => `${o}modules.order`), ...objM.map((o) => (o.endsWith('/') ? `${o}modules.order` : o))];
    else objM = objM.filter((o) => !o.endsWith('/'));
    const objYl = needBuiltin ? objY.map((o) => (o.endsWith('/') ? `${o}built-in.a` : o)) : objY.filter((o) => !o.endsWith('/'));

    const suffixSearch = (m: string, sufs: string[]): string[] => {
      const stem = m.endsWith('.o') ? m.slice(0, -2) : m;
      return sufs.flatMap((s) => L(`${stem}${s}`));
    };
    const isMulti = (m: string, sufs: string[]): boolean => m.endsWith('.o') && [...sufs, '-'].some((s) => ev.value(`${m.slice(0, -2)}${s}`).trim() !== '');
    const ySufs = ['-objs', '-y'];
    const mSufs = ['-objs', '-y', '-m'];
    const multiY = sortUnique(objYl.filter((m) => isMulti(m, ySufs)));
    const multiM = sortUnique(objM.filter((m) => isMulti(m, mSufs)));
    const multiYm = [...multiY, ...multiM];
    const realSearch = (list: string[], sufs: string[]): string[] => list.flatMap((m) => (isMulti(m, sufs) ? suffixSearch(m, sufs) : [m]));
    const realY = realSearch(objYl, ySufs);
    const realM = realSearch(objM, mSufs);
    const prefix = (o: string): string => normalizePath(dir === '.' ? o : `${dir}/${o}`);
    const realMSet = new Set(realM.map(prefix));
    const extraY = L('extra-y');

    // composite objects each part belongs to (kbuild's modname-multi), computed once per directory
    const composites = new Map<string, string[]>();
    for (const m of multiYm) {
      for (const part of new Set(suffixSearch(m, mSufs))) {
        const l = composites.get(part);
        if (l) l.push(m);
        else composites.set(part, [m]);
      }
    }
    const modnamesOf = (rel: string): string[] => sortUnique((composites.get(rel) ?? []).map((m) => m.slice(0, -2)));
    const parentsOf = (rel: string): string[] => (composites.get(rel) ?? []).map(prefix);

    let index: Map<string, number> | undefined;
    const span = (o: string): Span => ({ file, line: lineMentioning((index ??= wordLines(text.split('\n'))), o), col: 1 });
    const addObject = (rel: string, role: { builtin: boolean; lib?: boolean; module?: string }): void => {
      const path = prefix(rel);
      const existing = this.objects.get(path);
      if (existing) {
        // the same object again (e.g. obj-y and a composite): keep the first, merge roles
        existing.builtin ||= role.builtin;
        if (role.module && !existing.module) existing.module = role.module;
        return;
      }
      const part = this.resolveSource(path, ev, dir === '.' ? rel : `${dir}/${rel}`);
      const obj: BuiltObject = { path, builtin: role.builtin, span: span(rel), cmd: emptyCmd(part.kind) };
      if (part.source !== undefined) obj.source = part.source;
      if (role.lib) obj.lib = true;
      if (role.module) obj.module = role.module;
      if (part.kind !== undefined) {
        ev.span = obj.span;
        const partOfModule = realMSet.has(path);
        const fw = this.withTargets(ev, dir, [...parentsOf(rel), dir === "." ? rel : `${dir}/${rel}`], () =>
          objectFlagWords(ev, {
            target: path,
            rel,
            obj: dir,
            kind: part.kind!,
            partOfModule,
            // kbuild finds the composite through $*, the stem of the rule that compiles the object: with a rule of
            // the kbuild file (e.g. $(obj)/aes-glue-%.o) that is not the object's name, and no composite is found
            modnames: modnamesOf(part.stem !== undefined ? `${part.stem}.o` : rel),
            parents: parentsOf(rel),
            outOfTree: this.host.paths.outOfTree,
          }),
        );
        obj.cmd = toCompileCommand(fw, part.kind, this.mapPath);
      }
      if (part.derived !== undefined) obj.derivedFrom = normalizePath(part.derived);
      else if (part.source === undefined) {
        if (part.generated !== undefined) obj.generatedSource = part.generated.endsWith('.asn1') ? `${part.generated}.c` : part.generated;
        this.host.report('B010', `no source for ${path} in the tree (${part.generated ? `generated at build time from ${part.generated}` : 'generated at build time, or missing'})`, obj.span);
      }
      this.objects.set(path, obj);
    };

    // child directories: visit every subdir-ym, as Makefile.build's $(subdir-ym) rule does
    const subdirBuiltin = new Set(realY.filter((o) => o.endsWith('/built-in.a')).map((o) => o.slice(0, -'/built-in.a'.length)));
    const subdirModorder = new Set(objM.filter((o) => o.endsWith('/modules.order')).map((o) => o.slice(0, -'/modules.order'.length)));
    const childEnv = this.childEnvironment(ev, env);
    const children = new Map<string, DirOutcome>();
    for (const sd of subdirYm) {
      const child = normalizeDir(dir === '.' ? sd : `${dir}/${sd}`);
      if (child === undefined) {
        this.host.report('B003', `subdirectory ${sd} escapes the tree`, span(sd + '/'));
        continue;
      }
      children.set(sd, this.visit(child, childEnv, subdirBuiltin.has(sd), subdirModorder.has(sd), span(sd + '/'), depth + 1));
    }

    const outcome: DirOutcome = { builtin: [], modorder: [], lib: [] };
    // built-in.a: $(real-obj-y), duplicates dropped as make drops them from $^
    if (needBuiltin) {
      const seen = new Set<string>();
      for (const o of realY) {
        if (seen.has(o)) continue;
        seen.add(o);
        if (o.endsWith('/built-in.a')) {
          outcome.builtin.push(...(children.get(o.slice(0, -'/built-in.a'.length))?.builtin ?? []));
          continue;
        }
        addObject(o, { builtin: true });
        outcome.builtin.push(prefix(o));
      }
    } else {
      const dropped = realY.filter((o) => !o.endsWith('/'));
      if (dropped.length > 0 && dir !== '.') {
        this.host.report('B011', `obj-y objects in ${dir}/ are not built: the directory is reached only through obj-m or subdir-y (${dropped.slice(0, 3).join(' ')}${dropped.length > 3 ? ' …' : ''})`, span(dropped[0]!));
      }
    }
    // lib.a
    const libLinked = this.libDirs.has(dir);
    for (const o of libY) {
      addObject(o, { builtin: libLinked, lib: true });
      outcome.lib.push(prefix(o));
    }
    if (outcome.lib.length > 0) this.libByDir.set(dir, outcome.lib);
    // modules: each .o of obj-m is a module (composite: its parts), listed in modules.order when need-modorder
    const seenM = new Set<string>();
    for (const m of objM) {
      if (seenM.has(m)) continue;
      seenM.add(m);
      if (m.endsWith('/modules.order')) {
        outcome.modorder.push(...(children.get(m.slice(0, -'/modules.order'.length))?.modorder ?? []));
        continue;
      }
      if (!m.endsWith('.o')) continue;
      const name = prefix(m.slice(0, -2));
      const parts = isMulti(m, mSufs) ? suffixSearch(m, mSufs) : [m];
      const members: string[] = [];
      for (const p of parts) {
        const pp = prefix(p);
        if (!members.includes(pp)) members.push(pp);
      }
      if (!needModorder) {
        this.host.report('B011', `module ${name}.ko is compiled but not listed in modules.order: ${dir}/ is reached through subdir-y`, span(m));
        continue;
      }
      for (const p of parts) addObject(p, { builtin: false, module: name });
      if (!this.modules.has(name)) this.modules.set(name, { name, objects: members, span: span(m) });
      outcome.modorder.push(name);
    }
    for (const e of extraY) {
      if (!e.endsWith('.o')) continue;
      addObject(e, { builtin: false });
      this.extra.push(prefix(e));
    }
    this.visiting.delete(dir);
    this.dirSeconds.set(dir, (performance.now() - t0) / 1000);
    return outcome;
  }

  /**
   * The make process scripts/Makefile.build runs for a directory (`$(MAKE) $(build)=dir`): the environment over the
   * shared definitions, Makefile.build's own initialisation, the directory's kbuild file, then the first part of
   * scripts/Makefile.lib. `keepRules` keeps the directory's rules with their recipes (src/kbuild/prepare.ts).
   */
  subMake(
    dir: string,
    file: string | undefined,
    env: Map<string, string>,
    needBuiltin: boolean,
    needModorder: boolean,
    keepRules = false,
    /** further command-line variables of the sub-make (`generic=…`) */
    cmdVars?: Map<string, string>,
  ): { ev: MakeEvaluator; text: string } {
    const envScope = new Scope(this.defs);
    for (const [k, v] of env) envScope.set(k, { flavor: 'simple', value: v, origin: 'environment', exported: true });
    const ev = new MakeEvaluator(this.host, envScope);
    ev.keepRules = keepRules;
    ev.define('obj', dir, 'command line');
    ev.define('need-builtin', needBuiltin ? '1' : '', 'command line');
    ev.define('need-modorder', needModorder ? '1' : '', 'command line');
    ev.define('src', dir);
    for (const v of INIT_EMPTY) ev.define(v, '');
    ev.define('kbuild-dir', dir === '.' ? `${ev.value('srctree')}/.` : `${ev.value('srctree')}/${dir}`);
    for (const [k, v] of cmdVars ?? []) if (k !== 'obj') ev.define(k, v, 'command line');
    const text = file === undefined ? '' : this.tree.readText(file);
    if (file !== undefined) ev.evalFile(text, file);

    // scripts/Makefile.lib, first part
    ev.assign('asflags-y', '+=', '$(EXTRA_AFLAGS)');
    ev.assign('ccflags-y', '+=', '$(EXTRA_CFLAGS)');
    ev.assign('cppflags-y', '+=', '$(EXTRA_CPPFLAGS)');
    ev.assign('KBUILD_AFLAGS', '+=', '$(subdir-asflags-y)');
    ev.assign('KBUILD_CFLAGS', '+=', '$(subdir-ccflags-y)');
    return { ev, text };
  }

  /** the kbuild file of a directory (Kbuild before Makefile), if it has one */
  kbuildFileOf(dir: string): string | undefined {
    return this.kbuildFile(dir);
  }

  /**
   * The compile command of `rel` (a path in directory `dir`, e.g. kernel/bounds.s of '.') as kbuild composes it for
   * an object of that directory: what Makefile.build's `%.s: %.c` and `%.o: %.c` rules both use.
   */
  commandFor(ev: MakeEvaluator, dir: string, relObject: string, kind: 'c' | 'S'): BuiltObject['cmd'] {
    const path = normalizePath(dir === '.' ? relObject : `${dir}/${relObject}`);
    const fw = this.withTargets(ev, dir, [dir === '.' ? relObject : `${dir}/${relObject}`], () =>
      objectFlagWords(ev, { target: path, rel: relObject, obj: dir, kind, partOfModule: false, modnames: [], parents: [], outOfTree: this.host.paths.outOfTree }),
    );
    return toCompileCommand(fw, kind, this.mapPath);
  }

  /**
   * Evaluate fn as make would while building the last of `targets` ($@ set, $* the stem of kbuild's
   * `$(obj)/%.o` pattern rule), with the target-specific variables of all of them applied (a composite's own apply
   * to its parts, which make builds as its prerequisites).
   */
  private withTargets<T>(ev: MakeEvaluator, obj: string, targets: string[], fn: () => T): T {
    const saved = { at: ev.get('@'), star: ev.get('*') };
    const t = targets[targets.length - 1]!;
    ev.define('@', t, 'automatic');
    const rel = obj === '.' ? t : t.startsWith(obj + '/') ? t.slice(obj.length + 1) : t;
    ev.define('*', rel.replace(/\.o$/, ''), 'automatic');
    try {
      if (ev.targetVars.length === 0) return fn();
      return withTargetVars(ev, ev.targetVars, targets, fn);
    } finally {
      for (const [name, v] of [['@', saved.at], ['*', saved.star]] as const) {
        if (v) ev.scope.set(name, v);
        else ev.scope.delete(name);
      }
    }
  }

  /** what a sub-make of this directory inherits: the parent's environment, updated by exported variables set here */
  private childEnvironment(ev: MakeEvaluator, env: Map<string, string>): Map<string, string> {
    const out = new Map(env);
    for (const [name, v] of ev.scope.ownEntries()) {
      if (v.origin === 'command line' || v.origin === 'automatic') continue;
      if (v.exported) out.set(name, ev.value(name));
      else if (v.exported === false) out.delete(name);
    }
    return out;
  }

  private readonly listings = new Map<string, Set<string>>();

  /** a file check through cached directory listings (one readdir per directory instead of stat per name) */
  private isFile(p: string): boolean {
    const k = p.lastIndexOf('/');
    const d = k < 0 ? '' : p.slice(0, k);
    let names = this.listings.get(d);
    if (!names) {
      names = new Set(this.tree.isDir(d) ? this.tree.listDir(d) : []);
      this.listings.set(d, names);
    }
    return names.has(p.slice(k + 1)) && this.tree.isFile(p);
  }

  /** the decoder and header scripts/asn1_compiler makes of a grammar (kbuild's rule, not a kbuild file's) */
  private asn1Rules(grammar: string, span: Span): void {
    const base = grammar.slice(0, -'.asn1'.length);
    const command = `scripts/asn1_compiler ${grammar} ${base}.asn1.c ${base}.asn1.h`;
    for (const target of [`${grammar}.c`, `${grammar}.h`]) {
      if (this.generated.some((g) => g.target === target)) continue;
      this.generated.push({ target, kind: 'cmd', name: 'asn1_compiler', args: [], command, prereqs: [grammar], dir: base.replace(/\/[^/]*$/, ''), span });
    }
  }

  private resolveSource(path: string, ev: MakeEvaluator, raw: string): Part {
    const stem = path.slice(0, -2);
    if (!path.endsWith('.o')) return { path, kind: undefined };
    if (this.isFile(`${stem}.c`)) return { path, kind: 'c', source: `${stem}.c` };
    if (this.isFile(`${stem}.S`)) return { path, kind: 'S', source: `${stem}.S` };
    // a rule of the kbuild file that makes this object: from a source elsewhere (lib-%.o: $(srctree)/lib/%.c), or
    // from another object (%.stub.o: %.o, objcopy) — then it is not compiled itself
    // a prerequisite is found in the source tree directly or, when relative, through VPATH = $(srctree)
    const inTree = (p: string): string | undefined => this.host.treePath(p) ?? (p.startsWith('/') ? undefined : p.replace(/^\.\//, ''));
    const rule = findRule(ev, raw, (p) => {
      if (p.endsWith('.o')) return true;
      const t = inTree(p);
      return t !== undefined && this.tree.isFile(t);
    });
    if (rule) {
      const first = rule.prereqs[0];
      if (first !== undefined) {
        const t = inTree(first);
        if ((first.endsWith('.c') || first.endsWith('.S')) && t !== undefined && this.tree.isFile(t)) {
          // make's $* for this rule: the pattern's stem, or for an explicit rule the target without .o
          return { path, kind: first.endsWith('.c') ? 'c' : 'S', source: this.tree.rel(t), stem: rule.stem ?? raw.slice(0, -2) };
        }
        if (first.endsWith('.o')) return { path, kind: undefined, derived: first };
      }
    }
    // generated sources are built in the objtree: a rule of the kbuild file says which kind; kbuild's own generators
    // (asn1, shipped files, tables) make C
    const rawStem = raw.slice(0, -2);
    for (const ext of ['S', 'c'] as const) {
      const r = findRule(ev, `${rawStem}.${ext}`);
      if (r) return { path, kind: ext, generated: normalizePath(`${rawStem}.${ext}`) };
    }
    // kbuild copies foo.c_shipped to foo.c verbatim
    if (this.isFile(`${stem}.c_shipped`)) return { path, kind: 'c', source: `${stem}.c_shipped` };
    // kbuild's own generators: foo.asn1 → foo.asn1.c and foo.asn1.h (scripts/Makefile.build's asn1_compiler rule)
    if (this.isFile(stem)) {
      if (stem.endsWith('.asn1')) this.asn1Rules(stem, ev.span);
      return { path, kind: 'c', generated: stem };
    }
    return { path, kind: 'c' };
  }

}


const INIT_EMPTY = [
  'obj-y', 'obj-m', 'lib-y', 'lib-m', 'always-y', 'always-m', 'targets', 'subdir-y', 'subdir-m',
  'EXTRA_AFLAGS', 'EXTRA_CFLAGS', 'EXTRA_CPPFLAGS', 'EXTRA_LDFLAGS',
  'asflags-y', 'ccflags-y', 'rustflags-y', 'cppflags-y', 'ldflags-y', 'subdir-asflags-y', 'subdir-ccflags-y',
];

function sortUnique(xs: string[]): string[] {
  return [...new Set(xs)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** "a/b/../c.o" → "a/c.o" (make's paths keep the '..', ar and the .cmd files name the normalised path) */
function normalizePath(p: string): string {
  return normalizeDir(p) ?? p;
}

function normalizeDir(p: string): string | undefined {
  const parts: string[] = [];
  for (const seg of p.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') {
      if (parts.length === 0) return undefined;
      parts.pop();
    } else parts.push(seg);
  }
  return parts.length === 0 ? '.' : parts.join('/');
}

function emptyCmd(kind: 'c' | 'S' | undefined): BuiltObject['cmd'] {
  return { includes: [], systemIncludes: [], defines: [], forcedIncludes: [], flags: [], language: kind === 'S' ? 'assembler-with-cpp' : 'c' };
}

/** the first line of a kbuild file naming the object (by its file name), else 1 */
function lineMentioning(index: Map<string, number>, rel: string): number {
  const base = rel.replace(/\/$/, '').split('/').pop()!;
  return index.get(base.replace(/\.o$/, '')) ?? 1;
}

/** word → first line, for the words of a kbuild file (split where object names end: blanks, '=', '/', ':', '+') */
function wordLines(lines: string[]): Map<string, number> {
  const m = new Map<string, number>();
  for (let i = 0; i < lines.length; i++) {
    for (const w of lines[i]!.split(/[\s=/:+]+/)) {
      const k = w.endsWith('.o') ? w.slice(0, -2) : w;
      if (k !== '' && !m.has(k)) m.set(k, i + 1);
    }
  }
  return m;
}
