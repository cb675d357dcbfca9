import type { GenerateRule } from '../core/graph.js';
import type { Span } from '../core/types.js';
import { withTargetVars } from './flags.js';
import type { MakeEvaluator, MakeRule } from './make/evaluator.js';
import { compilePattern, matchPattern, words } from './make/text.js';
import type { KbuildWalker } from './walk.js';

/**
 * What `make prepare` generates, found the way make finds it: from the `prepare` goal of the top Makefile, through
 * the prerequisites and recipes of its rules, into the sub-makes the recipes start (`$(MAKE) $(build)=DIR goal`,
 * `$(MAKE) -f scripts/Makefile.asm-generic obj=…`). Each file target whose recipe runs a kbuild command
 * (`$(call filechk,NAME)`, `$(call if_changed,NAME)`, `$(call cmd,NAME)`) becomes a GenerateRule; nothing is run.
 * Host programs (sub-makes of scripts/ and tools/, `$(MAKE) -C …`) and header installation are not followed: they
 * make nothing the target's compiler reads.
 */
export function prepareRules(top: MakeEvaluator, walker: KbuildWalker, env: Map<string, string>): GenerateRule[] {
  const p = new PrepareWalk(walker, env);
  p.make({ id: 0, ev: top, dir: '.' }, 'prepare', 0);
  return p.out;
}

interface MakeProcess {
  /** distinct per make process (the top make and the `$(build)=.` sub-make share a directory) */
  id: number;
  ev: MakeEvaluator;
  /** the directory of a $(build)= sub-make ('.' for the top make) */
  dir: string;
}

/** what a recipe line's kbuild command looks like: $(call filechk,NAME[,ARGS]) / $(call if_changed,NAME) / … */
const CALL_RE = /\$\(call\s+(filechk|if_changed|if_changed_dep|if_changed_rule|cmd|cmd_and_fixdep|if_changed_except),\s*([A-Za-z0-9_.-]+)\s*((?:,[^,)]*)*)\)/;
const MAX_DEPTH = 30;

class PrepareWalk {
  readonly out: GenerateRule[] = [];
  private readonly done = new Set<string>();
  private readonly dirs = new Map<string, MakeProcess | null>();
  private readonly phony = new WeakMap<MakeEvaluator, Set<string>>();

  constructor(
    readonly walker: KbuildWalker,
    readonly env: Map<string, string>,
  ) {}

  make(proc: MakeProcess, goal: string, depth: number): void {
    const key = `${proc.id}\0${norm(goal)}`;
    if (this.done.has(key) || depth > MAX_DEPTH || goal === 'FORCE') return;
    this.done.add(key);
    const phony = this.phonyOf(proc.ev);
    const found = this.rulesFor(proc.ev, goal);
    if (found.length === 0) {
      if (goal.endsWith('.s')) this.compileToAsm(proc, goal, { file: proc.dir === '.' ? 'Kbuild' : `${proc.dir}/Makefile`, line: 1, col: 1 });
      return;
    }
    const prereqs: string[] = [];
    for (const f of found) for (const pr of f.prereqs) if (pr !== 'FORCE' && !prereqs.includes(pr)) prereqs.push(pr);
    for (const pr of prereqs) this.make(proc, pr, depth + 1);
    const withRecipe = found.filter((f) => f.rule.recipe.length > 0);
    const r = withRecipe[withRecipe.length - 1];
    if (!r) {
      // kbuild's own `$(obj)/%.s: $(src)/%.c` (scripts/Makefile.build, not evaluated): a .s nobody else makes
      if (goal.endsWith('.s')) this.compileToAsm(proc, goal, found[0]!.rule.span);
      return;
    }
    for (const line of r.rule.recipe) {
      if (line.includes('$(MAKE)')) this.subMake(proc, line, goal, r, depth);
    }
    if (phony.has(goal)) return;
    const g = generateRule(proc.ev, proc.dir, goal, r, prereqs.filter((x) => !phony.has(x)));
    // 3.x's top Kbuild compiles kernel/bounds.s with a rule of its own ($(call if_changed_dep,cc_s_c)): the same
    // compile as kbuild's %.s: %.c, whose command kvlint derives
    if (g && g.name === 'cc_s_c' && goal.endsWith('.s')) this.compileToAsm(proc, goal, r.rule.span);
    else if (g) this.out.push(g);
  }

  /** the rules make would use for `target`: its explicit rules, else the matching pattern rule with the shortest stem */
  private rulesFor(ev: MakeEvaluator, target: string): { rule: MakeRule; prereqs: string[]; stem?: string }[] {
    const explicit: { rule: MakeRule; prereqs: string[] }[] = [];
    // `$(obj)/x` of the top directory is `./x` (3.x's Kbuild: $(obj)/$(bounds-file))
    const want = norm(target);
    for (const r of ev.rules) if (r.targets.includes(target) || r.targets.some((t) => norm(t) === want)) explicit.push({ rule: r, prereqs: r.prereqs });
    if (explicit.some((e) => e.rule.recipe.length > 0)) return explicit;
    let best: { rule: MakeRule; prereqs: string[]; stem: string } | undefined;
    for (const r of ev.rules) {
      if (r.recipe.length === 0) continue;
      for (const t of r.targets) {
        if (!t.includes('%')) continue;
        const stem = matchPattern(compilePattern(t), target);
        if (stem === undefined || (best && stem.length >= best.stem.length)) continue;
        best = { rule: r, prereqs: r.prereqs.map((x) => x.replace('%', stem)), stem };
      }
    }
    return best ? [...explicit, best] : explicit;
  }

  private phonyOf(ev: MakeEvaluator): Set<string> {
    let s = this.phony.get(ev);
    if (!s) {
      s = new Set(words(ev.value('PHONY')));
      for (const r of ev.rules) if (r.targets.includes('.PHONY')) for (const x of r.prereqs) s.add(x);
      this.phony.set(ev, s);
    }
    return s;
  }

  /** a recipe line that runs make again: follow Makefile.build and Makefile.asm-generic sub-makes */
  private subMake(proc: MakeProcess, line: string, goal: string, r: { rule: MakeRule; prereqs: string[]; stem?: string }, depth: number): void {
    const ws = words(inRule(proc.ev, goal, r, () => proc.ev.expand(line)));
    let file: string | undefined;
    const vars = new Map<string, string>();
    const goals: string[] = [];
    for (let i = 0; i < ws.length; i++) {
      const w = ws[i]!;
      if (w === '-f' || w === '--file') file = ws[++i];
      else if (w === '-C' || w === '--directory') return; // another build (tools/objtool, …)
      else if (w.startsWith('-')) continue;
      else if (/^[A-Za-z_][A-Za-z0-9_-]*=/.test(w)) vars.set(w.slice(0, w.indexOf('=')), w.slice(w.indexOf('=') + 1));
      // the command itself: `make`, or `@make` from $(Q)$(MAKE)
      else if (!/^[@+-]*(make)?$/.test(w) && !w.startsWith('$')) goals.push(w);
    }
    if (file === undefined) return;
    const obj = vars.get('obj');
    if (obj === undefined) return;
    const dir = norm(obj);
    if (/(^|\/)Makefile\.asm-generic$/.test(file)) {
      const sub = this.asmGeneric(file, dir, vars);
      if (sub) this.make(sub, 'all', depth + 1);
      return;
    }
    if (!/(^|\/)Makefile\.build$/.test(file) || dir === 'scripts' || dir.startsWith('scripts/') || dir.startsWith('tools/')) return;
    const sub = this.dirProcess(dir);
    if (!sub) return;
    // the default goal's generated files: always-y (5.x+), always (≤5.x)
    const want = goals.length > 0 ? goals : [...words(sub.ev.value('always-y')), ...words(sub.ev.value('always'))].map((a) => (dir === '.' ? a : `${dir}/${a}`));
    for (const g of want) this.make(sub, g, depth + 1);
  }

  /** the make process of `$(MAKE) $(build)=dir` (evaluated once) */
  private dirProcess(dir: string): MakeProcess | null {
    let p = this.dirs.get(dir);
    if (p !== undefined) return p;
    const file = this.walker.kbuildFileOf(dir);
    p = file === undefined ? null : { id: this.dirs.size + 1, ev: this.walker.subMake(dir, file, this.env, false, false, true).ev, dir };
    this.dirs.set(dir, p);
    return p;
  }

  /** `$(MAKE) -f $(srctree)/scripts/Makefile.asm-generic obj=DIR generic=DIR` */
  private asmGeneric(file: string, dir: string, vars: Map<string, string>): MakeProcess | null {
    const key = `asm-generic:${dir}`;
    let p = this.dirs.get(key);
    if (p !== undefined) return p;
    const mk = this.walker.host.readMakefile(file);
    p = null;
    if (mk) {
      const { ev } = this.walker.subMake(dir, undefined, this.env, false, false, true, vars);
      ev.evalFile(mk.text, mk.display);
      p = { id: this.dirs.size + 1, ev, dir };
    }
    this.dirs.set(key, p);
    return p;
  }

  /** kernel/bounds.s from kernel/bounds.c: compiled with the directory's c_flags, then read by `filechk offsets` */
  private compileToAsm(proc: MakeProcess, goal: string, span: Span): void {
    const r = asmCompileRule(this.walker, proc.ev, proc.dir, goal, span);
    if (r) this.out.push(r);
  }
}

/**
 * The cc_s_c rule of `goal` (X.s, from X.c in the tree) in directory `dir`: kbuild's `%.s: %.c` with the object's
 * own compile command (c_flags, the directory's and the object's CFLAGS), as the walker derives it for X.o.
 */
export function asmCompileRule(walker: KbuildWalker, ev: MakeEvaluator, dir: string, goal: string, span: Span): GenerateRule | undefined {
  const t = norm(goal);
  const stem = t.slice(0, -2);
  const source = walker.host.treePath(`${stem}.c`) ?? `${stem}.c`;
  if (!walker.tree.isFile(source)) return undefined;
  const rel = dir === '.' ? `${stem}.o` : stem.startsWith(dir + '/') ? `${stem.slice(dir.length + 1)}.o` : `${stem}.o`;
  const cmd = walker.commandFor(ev, dir, rel, 'c');
  return { target: t, kind: 'cmd', name: 'cc_s_c', args: [], command: '', prereqs: [source], dir, span, source, cmd };
}

type FoundRule = { rule: MakeRule; prereqs: string[]; stem?: string };

/**
 * The GenerateRule of `target` made by rule `r` of make process `ev` (directory `dir`), when its recipe runs a kbuild
 * command (`$(call filechk,NAME,…)`, `$(call if_changed,NAME)`, …); undefined otherwise. The command is expanded as
 * make expands it for the target, with the host's reports silenced (a recipe's $(shell …) is not a makefile's).
 */
export function generateRule(ev: MakeEvaluator, dir: string, target: string, r: FoundRule, prereqs: string[]): GenerateRule | undefined {
  for (const line of r.rule.recipe) {
    const m = CALL_RE.exec(line);
    if (!m) continue;
    const kind = m[1] === 'filechk' ? 'filechk' : 'cmd';
    const name = m[2]!;
    const args = m[3] ? m[3].split(',').slice(1).map((a) => a.trim()) : [];
    const def = ev.get(`${kind}_${name}`);
    const command = def === undefined ? '' : kind === 'filechk' ? def.value : quietly(ev, () => inRule(ev, target, r, () => ev.expand(def.value)));
    return { target: norm(target), kind, name, args, command, prereqs, dir, span: r.rule.span };
  }
  return undefined;
}

/**
 * The build-time generation rules of one directory's make process: each explicit, non-phony file target (not an
 * object) whose recipe runs a kbuild command — e.g. lib/crc32table.h, security/selinux/flask.h. Pattern rules are
 * kept with their '%' (an include that matches one is generated too).
 */
export function buildRules(ev: MakeEvaluator, dir: string): GenerateRule[] {
  const out: GenerateRule[] = [];
  const phony = new Set(words(ev.value('PHONY')));
  for (const r of ev.rules) {
    if (r.recipe.length === 0 || !r.recipe.some((l) => CALL_RE.test(l))) continue;
    const prereqs = r.prereqs.filter((x) => x !== 'FORCE' && !phony.has(x));
    for (const t of r.targets) {
      if (phony.has(t) || t === 'FORCE' || /\.(o|a|ko|mod|so|lds|dtb|bin|cmd)$/.test(t) || t.startsWith('.')) continue;
      const g = generateRule(ev, dir, t, { rule: r, prereqs }, prereqs);
      if (g) out.push(g);
    }
  }
  return out;
}

function quietly<T>(ev: MakeEvaluator, fn: () => T): T {
  return ev.host.quietly ? ev.host.quietly(fn) : fn();
}

/** evaluate `fn` as make does while running the recipe of `target` (automatic and target-specific variables) */
function inRule<T>(ev: MakeEvaluator, target: string, r: FoundRule, fn: () => T): T {
  const normal = r.prereqs.filter((x) => x !== 'FORCE');
  const auto: [string, string][] = [
    ['@', target],
    ['<', r.prereqs[0] ?? ''],
    ['^', [...new Set(normal)].join(' ')],
    ['+', normal.join(' ')],
    ['*', r.stem ?? target.replace(/\.[^./]*$/, '')],
  ];
  const saved = auto.map(([n]) => [n, ev.get(n)] as const);
  for (const [n, v] of auto) ev.define(n, v, 'automatic');
  try {
    return withTargetVars(ev, ev.targetVars, [target], fn);
  } finally {
    for (const [n, v] of saved) {
      if (v) ev.scope.set(n, v);
      else ev.scope.delete(n);
    }
  }
}

function norm(p: string): string {
  return p.replace(/^(\.\/)+/, '').replace(/\/+/g, '/');
}
