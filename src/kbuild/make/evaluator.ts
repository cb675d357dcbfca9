import type { Span } from '../../core/types.js';
import type { MakeHost } from './host.js';
import { callFunction, FUNCTIONS } from './functions.js';
import { compilePattern, isBlank, matchPattern, substRef } from './text.js';
import {
  collapseContinuations,
  endsWithContinuation,
  findAssign,
  firstWord,
  hasTopLevelColon,
  matchClose,
  parseCondArgs,
  splitArgs,
  stripCR,
  stripComment,
  topLevelColon,
  topLevelIndex,
  trimLeft,
  truncate,
} from './syntax.js';
import { type Flavor, type MakeVar, type Origin, Scope } from './vars.js';

/** A target-specific (or pattern-specific) variable assignment seen on a rule line: `target: NAME op value`. */
export interface TargetVar {
  target: string;
  name: string;
  op: AssignOp;
  /** expanded already for ':=' ; raw text for '=' and '+=' on a recursive base */
  value: string;
  span: Span;
}

/** a rule about an object or source file (recipes are not kept) */
export interface FileRule {
  /** the target, or the target pattern with '%' */
  target: string;
  prereqs: string[];
  span: Span;
}

/** a rule with its recipe, kept when MakeEvaluator.keepRules is set (src/kbuild/prepare.ts reads them) */
export interface MakeRule {
  /** the targets as expanded (a pattern rule's targets contain '%') */
  targets: string[];
  /** normal and order-only prerequisites, expanded, in order ('|' dropped) */
  prereqs: string[];
  /** recipe lines as written (the leading tab removed, continuations joined), unexpanded */
  recipe: string[];
  span: Span;
}

export type AssignOp = '=' | ':=' | '::=' | '+=' | '?=' | '!=';

interface CondFrame {
  /** this frame's current branch is taken */
  active: boolean;
  /** some branch of this frame was already taken */
  taken: boolean;
  /** the enclosing context was ignoring lines */
  outerIgnoring: boolean;
  sawElse: boolean;
  span: Span;
}

/** Internal limits (named in diagnostics). */
export const MAX_EXPANSION_DEPTH = 400;
export const MAX_INCLUDE_DEPTH = 60;

const CONDITIONALS = new Set(['ifeq', 'ifneq', 'ifdef', 'ifndef']);

/**
 * A GNU make subset evaluator: reads makefiles, keeps variables, evaluates conditionals, includes and functions,
 * records rules' target-specific variables, and skips recipes (nothing is ever executed). One instance is one make
 * process: a sub-make is a new instance on a Scope inheriting the exported variables.
 */
export class MakeEvaluator {
  readonly scope: Scope;
  readonly targetVars: TargetVar[] = [];
  /**
   * rules whose targets are objects or sources (foo.o, %.stub.o, %-core.S, …): target (pattern) and prerequisites,
   * so Kbuild can tell where an object without a same-named source comes from
   */
  readonly fileRules: FileRule[] = [];
  /** keep every rule with its recipe in `rules` (off for the directory walk: only the prepare stage needs them) */
  keepRules = false;
  readonly rules: MakeRule[] = [];
  private lastRule: MakeRule | undefined;
  /** the span of the line being evaluated (for diagnostics and for spans of values) */
  span: Span = { file: '<command line>', line: 0, col: 1 };
  private readonly expanding = new Set<string>();
  private depth = 0;
  private includeDepth = 0;
  /** $(call) argument frames: $(0), $(1), … */
  private readonly callFrames: string[][] = [];

  constructor(
    readonly host: MakeHost,
    parent?: Scope,
  ) {
    this.scope = new Scope(parent);
  }

  // ---------------------------------------------------------------------------------------------------- variables

  get(name: string): MakeVar | undefined {
    return this.scope.get(name);
  }

  /** define a variable from outside (command line, environment, default) */
  define(name: string, value: string, origin: Origin = 'file', flavor: Flavor = 'simple', exported = false): void {
    this.scope.set(name, { flavor, value, origin, exported });
  }

  /** the expanded value of a variable ('' when undefined) */
  value(name: string): string {
    return this.lookup(name);
  }

  /** variables marked for export, with their expanded values (what a sub-make sees in its environment) */
  exportedEnvironment(): Map<string, string> {
    const out = new Map<string, string>();
    for (const name of this.scope.names()) {
      const v = this.scope.get(name)!;
      if (!v.exported) continue;
      const saved = this.span;
      if (v.span) this.span = v.span;
      out.set(name, this.lookup(name));
      this.span = saved;
    }
    return out;
  }

  // ---------------------------------------------------------------------------------------------------- reading

  /** Evaluate a whole makefile text. `file` names it in spans. */
  evalFile(text: string, file: string): void {
    const saved = this.span;
    const list = this.scope.get('MAKEFILE_LIST');
    this.assign('MAKEFILE_LIST', '+=', ' ' + file, 'file', false, true);
    if (list === undefined) this.scope.get('MAKEFILE_LIST')!.flavor = 'simple';
    try {
      this.evalText(text, file, 1);
    } finally {
      this.span = saved;
    }
  }

  /** Evaluate makefile text whose first line is `firstLine` of `file` ($(eval) passes its caller's span). */
  evalText(text: string, file: string, firstLine: number): void {
    const lines = text.split('\n');
    const conds: CondFrame[] = [];
    let inRule = false;
    let i = 0;
    const ignoring = (): boolean => conds.length > 0 && !conds[conds.length - 1]!.active;
    while (i < lines.length) {
      const lineNo = firstLine + i;
      // gather one logical line: a line ending in an odd number of backslashes continues
      let raw = stripCR(lines[i]!);
      let j = i;
      while (endsWithContinuation(raw) && j + 1 < lines.length) {
        j++;
        raw = raw + '\n' + stripCR(lines[j]!);
      }
      i = j + 1;
      this.span = { file, line: lineNo, col: 1 };

      // recipe lines: a tab-led line after a rule line
      if (raw.startsWith('\t') && inRule) {
        if (this.lastRule && !ignoring()) this.lastRule.recipe.push(collapseContinuations(raw.slice(1)));
        // recipes never run; one that changes variables with $(eval …) changes what later commands get
        if (!ignoring() && raw.includes('$(eval ')) {
          this.host.report('B007', `recipe-time $(eval …) not modelled: '${truncate(raw.trim().replace(/\s+/g, ' '), 70)}'`, this.span);
        }
        continue;
      }

      const line = stripComment(collapseContinuations(raw));
      const trimmed = line.trim();
      if (trimmed === '') continue;
      const first = firstWord(trimmed);

      // conditionals are followed even while ignoring, to keep the nesting
      if (CONDITIONALS.has(first) || first === 'else' || first === 'endif') {
        this.conditional(first, trimmed, conds, ignoring());
        continue;
      }
      if (first === 'define' || ((first === 'override' || first === 'export' || first === 'private') && firstWord(trimmed.slice(first.length).trim()) === 'define')) {
        // read the body up to the matching endef (nested define/endef counted)
        let nest = 1;
        const body: string[] = [];
        let k = i;
        for (; k < lines.length; k++) {
          const l = stripCR(lines[k]!);
          const w = firstWord(l.trim());
          if (w === 'define' || (l.trim().startsWith('override define') || l.trim().startsWith('export define'))) nest++;
          else if (w === 'endef') {
            nest--;
            if (nest === 0) break;
          }
          body.push(l);
        }
        if (k >= lines.length) {
          this.host.report('B003', 'missing endef: unterminated define', this.span);
        }
        i = k + 1;
        if (ignoring()) continue;
        inRule = false;
        this.defineDirective(trimmed, body.join('\n'));
        continue;
      }
      if (ignoring()) continue;
      if (first === 'endef') {
        this.host.report('B003', 'extraneous endef', this.span);
        continue;
      }
      if (first === 'include' || first === '-include' || first === 'sinclude') {
        inRule = false;
        const rest = trimmed.slice(first.length);
        if (rest === '' || isBlank(rest[0])) {
          this.include(this.expand(rest), first !== 'include');
          continue;
        }
      }
      if (first === 'vpath') continue;
      if (first === 'undefine' || first === 'override' && firstWord(trimmed.slice(8).trim()) === 'undefine') {
        inRule = false;
        const names = this.expand(trimmed.slice(trimmed.indexOf('undefine') + 8)).trim().split(/\s+/);
        for (const n of names) if (n) this.scope.delete(n);
        continue;
      }
      // trailing whitespace belongs to the value (make keeps it, even before a comment)
      this.lastRule = undefined;
      const r = this.statement(line.replace(/^[ \t]+/, ''));
      if (r === 'rule') inRule = true;
      else if (r === 'assign') inRule = false;
    }
    for (const c of conds) this.host.report('B003', 'missing endif: unterminated conditional', c.span);
  }

  /** an assignment, export/unexport, or rule line */
  private statement(line: string): 'assign' | 'rule' | 'other' {
    let rest = line;
    let exported: boolean | undefined;
    let override = false;
    // modifiers
    for (;;) {
      const w = firstWord(rest);
      if ((w === 'export' || w === 'unexport' || w === 'override' || w === 'private') && (rest.length === w.length || isBlank(rest[w.length]))) {
        const after = rest.slice(w.length).trim();
        // 'export' alone, or a word list without an assignment
        if (w === 'export' || w === 'unexport') {
          if (after === '') return 'other'; // export everything: not modelled (kbuild marks variables explicitly)
          if (findAssign(after) === undefined && !hasTopLevelColon(after)) {
            for (const n of this.expand(after).trim().split(/\s+/)) {
              if (!n) continue;
              const v = this.scope.get(n);
              if (v) this.scope.set(n, { ...v, exported: w === 'export' });
              else if (w === 'export') this.pendingExport.add(n); // exported once it gets a value
              else this.pendingExport.delete(n);
            }
            return 'assign';
          }
          exported = w === 'export';
        }
        if (w === 'override') override = true;
        rest = after;
        continue;
      }
      break;
    }
    const a = findAssign(rest);
    if (a !== undefined) {
      const name = this.expand(rest.slice(0, a.index)).trim();
      let value = rest.slice(a.index + a.op.length);
      value = trimLeft(value);
      if (name === '') {
        this.host.report('B003', 'empty variable name', this.span);
        return 'assign';
      }
      this.assign(name, a.op, value, override ? 'override' : 'file', exported);
      return 'assign';
    }
    return this.rule(rest);
  }

  private readonly pendingExport = new Set<string>();

  /** Perform `name op value` (value unexpanded, as written). */
  assign(name: string, op: AssignOp, value: string, origin: Origin = 'file', exported?: boolean, quietAppend = false): void {
    const old = this.scope.get(name);
    const exp = exported ?? (old?.exported || this.pendingExport.has(name) || undefined);
    if (old && (old.origin === 'command line' || old.origin === 'override') && origin !== 'override' && !quietAppend) {
      // command-line variables win over makefile assignments (unless 'override')
      if (exp !== undefined && exp !== old.exported) this.scope.set(name, { ...old, exported: exp });
      return;
    }
    const setOrigin: Origin = old?.origin === 'override' && origin === 'override' ? 'override' : origin;
    switch (op) {
      case '=':
        this.scope.set(name, { flavor: 'recursive', value, origin: setOrigin, exported: exp, span: this.span });
        return;
      case ':=':
      case '::=':
        this.scope.set(name, { flavor: 'simple', value: this.expand(value), origin: setOrigin, exported: exp, span: this.span });
        return;
      case '?=':
        if (old === undefined) this.scope.set(name, { flavor: 'recursive', value, origin: setOrigin, exported: exp, span: this.span });
        else if (exp !== undefined) this.scope.set(name, { ...old, exported: exp });
        return;
      case '!=': {
        const out = this.shell(this.expand(value));
        this.scope.set(name, { flavor: 'simple', value: out, origin: setOrigin, exported: exp, span: this.span });
        return;
      }
      case '+=': {
        if (old === undefined) {
          this.scope.set(name, { flavor: 'recursive', value: trimLeft(value), origin: setOrigin, exported: exp, span: this.span });
          return;
        }
        const add = old.flavor === 'simple' ? this.expand(value) : value;
        const joined = old.value === '' ? trimLeft(add) : old.value + ' ' + trimLeft(add);
        const keepOrigin: Origin = old.origin === 'environment' ? setOrigin : old.origin === 'default' ? setOrigin : old.origin;
        this.scope.set(name, { flavor: old.flavor, value: joined, origin: keepOrigin, exported: exp ?? old.exported, span: this.span });
        return;
      }
    }
  }

  private defineDirective(header: string, body: string): void {
    let rest = header;
    let exported: boolean | undefined;
    let origin: Origin = 'file';
    for (;;) {
      const w = firstWord(rest);
      if (w === 'export') exported = true;
      else if (w === 'override') origin = 'override';
      else if (w !== 'private') break;
      rest = rest.slice(w.length).trim();
    }
    rest = rest.slice('define'.length).trim();
    let op: AssignOp = '=';
    const m = /^(.*?)\s*(::=|:=|\+=|\?=|!=|=)$/.exec(rest);
    let name = rest;
    if (m) {
      name = m[1]!;
      op = m[2] as AssignOp;
    }
    name = this.expand(name).trim();
    if (op === '+=') {
      const old = this.scope.get(name);
      if (old) {
        const add = old.flavor === 'simple' ? this.expand(body) : body;
        this.scope.set(name, { ...old, value: old.value === '' ? add : old.value + '\n' + add });
        return;
      }
      op = '=';
    }
    this.assign(name, op, body, origin, exported);
  }

  /** a rule line: records target-specific variables; prerequisites and recipes are not needed by kvlint */
  private rule(line: string): 'rule' | 'other' {
    // an inline recipe after ';' is not part of the rule header
    const semi = topLevelIndex(line, ';');
    const head = semi < 0 ? line : line.slice(0, semi);
    const colon = topLevelColon(head);
    if (colon < 0) {
      // no separator in the text: it may expand to nothing ($(eval …), $(foreach …) used for effect)
      const expanded = this.expand(head);
      if (expanded.trim() === '') return 'other';
      if (expanded.includes(':')) return 'rule';
      this.host.report('B003', `missing separator: '${truncate(head.trim())}'`, this.span);
      return 'other';
    }
    const targets = this.expand(head.slice(0, colon)).trim();
    let after = head.slice(colon + 1);
    if (after.startsWith(':')) after = after.slice(1); // double-colon rule
    const a = findAssign(after);
    if (a !== undefined && semi < 0) {
      // target-specific variable: `targets: [override|export|private] NAME op value`
      let nameText = after.slice(0, a.index).trim();
      for (;;) {
        const w = firstWord(nameText);
        if ((w === 'override' || w === 'export' || w === 'private' || w === 'unexport') && nameText.length > w.length) nameText = nameText.slice(w.length).trim();
        else break;
      }
      const name = this.expand(nameText).trim();
      const raw = trimLeft(after.slice(a.index + a.op.length));
      const value = a.op === ':=' || a.op === '::=' ? this.expand(raw) : raw;
      for (const t of targets.split(/\s+/)) {
        if (t) this.targetVars.push({ target: t, name, op: a.op, value, span: this.span });
      }
      return 'rule';
    }
    // prerequisites may call functions with side effects ($(eval)); expand them as make does
    let prereqs = this.expand(after);
    let tlist = targets.split(/\s+/).filter((t) => t !== '');
    // static pattern rule: targets: target-pattern: prereq-patterns
    const second = topLevelColon(after);
    if (second >= 0) {
      const pat = this.expand(after.slice(0, second)).trim();
      prereqs = this.expand(after.slice(second + 1));
      tlist = tlist.filter((t) => matchPattern(compilePattern(pat), t) !== undefined).length > 0 ? [pat] : tlist;
    }
    if (this.keepRules && tlist.length > 0) {
      const r: MakeRule = { targets: tlist, prereqs: prereqs.split(/\s+/).filter((w) => w !== '' && w !== '|'), recipe: [], span: this.span };
      if (semi >= 0) r.recipe.push(line.slice(semi + 1).trim());
      this.rules.push(r);
      this.lastRule = r;
    }
    const interesting = tlist.filter((t) => /\.(o|c|S)$/.test(t));
    if (interesting.length > 0) {
      const pre = prereqs.split(/\s+/).filter((w) => w !== '' && w !== 'FORCE' && !w.startsWith('|'));
      for (const t of interesting) this.fileRules.push({ target: t, prereqs: pre, span: this.span });
    }
    // a rule whose targets expand to nothing still owns the recipe lines that follow (make ignores them)
    return 'rule';
  }

  private conditional(kw: string, line: string, conds: CondFrame[], ignoringNow: boolean): void {
    if (kw === 'endif') {
      if (conds.length === 0) this.host.report('B003', 'extraneous endif', this.span);
      else conds.pop();
      return;
    }
    if (kw === 'else') {
      const top = conds[conds.length - 1];
      if (!top) {
        this.host.report('B003', 'extraneous else', this.span);
        return;
      }
      if (top.sawElse) this.host.report('B003', 'only one else per conditional', this.span);
      const rest = line.slice(4).trim();
      if (rest !== '') {
        // else ifeq … : a chained condition
        const w = firstWord(rest);
        if (!CONDITIONALS.has(w)) {
          this.host.report('B003', `extraneous text after else: '${truncate(rest)}'`, this.span);
          return;
        }
        if (top.outerIgnoring || top.taken) {
          top.active = false;
          return;
        }
        const v = this.testCondition(w, rest.slice(w.length));
        top.active = v;
        top.taken = v;
        return;
      }
      top.sawElse = true;
      top.active = !top.outerIgnoring && !top.taken;
      top.taken = true;
      return;
    }
    const frame: CondFrame = { active: false, taken: false, outerIgnoring: ignoringNow, sawElse: false, span: this.span };
    if (!ignoringNow) {
      const v = this.testCondition(kw, line.slice(kw.length));
      frame.active = v;
      frame.taken = v;
    }
    conds.push(frame);
  }

  private testCondition(kw: string, argText: string): boolean {
    const text = argText.trim();
    if (kw === 'ifdef' || kw === 'ifndef') {
      const name = this.expand(text).trim();
      const v = this.scope.get(name);
      const defined = v !== undefined && v.value !== '';
      return kw === 'ifdef' ? defined : !defined;
    }
    const args = parseCondArgs(text);
    if (!args) {
      this.host.report('B003', `invalid syntax in conditional: '${truncate(text)}'`, this.span);
      return false;
    }
    const eq = this.expand(args[0]) === this.expand(args[1]);
    return kw === 'ifeq' ? eq : !eq;
  }

  private include(files: string, optional: boolean): void {
    if (this.includeDepth >= MAX_INCLUDE_DEPTH) {
      this.host.report('B005', `include nesting deeper than ${MAX_INCLUDE_DEPTH} (limit: MAX_INCLUDE_DEPTH)`, this.span);
      return;
    }
    for (const f of files.trim().split(/\s+/)) {
      if (!f) continue;
      const got = this.host.readMakefile(f);
      if (!got) {
        if (!optional) this.host.report('B002', `included makefile not found: ${f}`, this.span);
        continue;
      }
      this.includeDepth++;
      try {
        this.evalFile(got.text, got.display);
      } finally {
        this.includeDepth--;
      }
    }
  }

  // ---------------------------------------------------------------------------------------------------- expansion

  /** Expand `s` in the current scope. */
  expand(s: string): string {
    if (s.indexOf('$') < 0) return s;
    if (++this.depth > MAX_EXPANSION_DEPTH) {
      this.depth--;
      this.host.report('B005', `expansion deeper than ${MAX_EXPANSION_DEPTH} levels (limit: MAX_EXPANSION_DEPTH)`, this.span);
      return '';
    }
    try {
      return this.expandInner(s);
    } finally {
      this.depth--;
    }
  }

  private expandInner(s: string): string {
    let out = '';
    let i = 0;
    const n = s.length;
    while (i < n) {
      const d = s.indexOf('$', i);
      if (d < 0) {
        out += s.slice(i);
        break;
      }
      out += s.slice(i, d);
      if (d + 1 >= n) break; // a lone trailing '$' expands to nothing
      const c = s[d + 1]!;
      if (c === '$') {
        out += '$';
        i = d + 2;
        continue;
      }
      if (c === '(' || c === '{') {
        const close = c === '(' ? ')' : '}';
        const end = matchClose(s, d + 2, c, close);
        if (end < 0) {
          this.host.report('B003', 'unterminated variable reference', this.span);
          out += s.slice(d);
          break;
        }
        out += this.reference(s.slice(d + 2, end), c, close);
        i = end + 1;
        continue;
      }
      out += this.lookup(c);
      i = d + 2;
    }
    return out;
  }

  /** the text inside $( … ) */
  private reference(inner: string, open: string, close: string): string {
    const fm = /^([a-z-]+)[ \t]/.exec(inner);
    if (fm && FUNCTIONS.has(fm[1]!)) {
      const name = fm[1]!;
      let p = fm[0].length;
      while (p < inner.length && isBlank(inner[p])) p++;
      const max = FUNCTIONS.get(name)!;
      const args = splitArgs(inner.slice(p), open, close, max);
      return callFunction(this, name, args);
    }
    const text = inner.includes('$') ? this.expand(inner) : inner;
    const colon = text.indexOf(':');
    if (colon >= 0) {
      const eq = text.indexOf('=', colon + 1);
      if (eq >= 0) {
        return substRef(this.lookup(text.slice(0, colon)), text.slice(colon + 1, eq), text.slice(eq + 1));
      }
    }
    return this.lookup(text);
  }

  /** the expanded value of variable `name` ($(1) etc. inside $(call) included) */
  lookup(name: string): string {
    if (this.callFrames.length > 0 && /^\d+$/.test(name)) {
      const f = this.callFrames[this.callFrames.length - 1]!;
      return f[Number(name)] ?? '';
    }
    const v = this.scope.get(name);
    if (v === undefined) {
      if (name === 'D' || name === 'F') return '';
      if (name.length === 2 && (name[1] === 'D' || name[1] === 'F') && '@<*^?+|'.includes(name[0]!)) {
        const base = this.scope.get(name[0]!)?.value ?? '';
        return base
          .split(/\s+/)
          .filter((w) => w !== '')
          .map((w) => {
            const k = w.lastIndexOf('/');
            return name[1] === 'D' ? (k < 0 ? '.' : w.slice(0, k) || '/') : w.slice(k + 1);
          })
          .join(' ');
      }
      return '';
    }
    if (v.flavor === 'simple') return v.value;
    if (this.expanding.has(name)) {
      this.host.report('B005', `recursive variable '${name}' references itself (eventually)`, this.span);
      return '';
    }
    this.expanding.add(name);
    try {
      return this.expand(v.value);
    } finally {
      this.expanding.delete(name);
    }
  }

  /** $(call name,args…): bind $(0)…$(n) and expand the variable's value */
  call(name: string, args: string[]): string {
    const v = this.scope.get(name);
    // helpers that would run the toolchain (cc-option, …) are answered by the host — when the tree defines them
    const hook = v === undefined ? undefined : this.host.callHook?.(name, args, this.span);
    if (hook !== undefined) return hook;
    if (v === undefined) {
      if (FUNCTIONS.has(name)) return callFunction(this, name, args.map((a) => a.replace(/\$/g, '$$$$')));
      return '';
    }
    this.callFrames.push([name, ...args]);
    try {
      if (v.flavor === 'simple') return v.value;
      // $(call) may legitimately recurse; the depth limit stops runaway recursion
      return this.expand(v.value);
    } finally {
      this.callFrames.pop();
    }
  }

  /** run `fn` with a temporary simple variable (foreach, let) */
  withVar<T>(name: string, value: string, fn: () => T): T {
    const frames = this.callFrames;
    // a foreach variable named like a call argument shadows it: leave call frames alone, names differ in practice
    void frames;
    const had = this.scope.get(name);
    this.scope.set(name, { flavor: 'simple', value, origin: 'automatic' });
    try {
      return fn();
    } finally {
      if (had) this.scope.set(name, had);
      else this.scope.delete(name);
    }
  }

  /** $(eval text) */
  evalString(text: string): void {
    const saved = this.span;
    try {
      this.evalText(text, saved.file, saved.line);
    } finally {
      this.span = saved;
    }
  }

  shell(command: string): string {
    const ans = this.host.shell?.(command, this.span);
    if (ans !== undefined) return ans;
    this.host.report('B001', `$(shell ${truncate(command.trim(), 80)}) not executed; its value is taken as empty`, this.span);
    return '';
  }
}
