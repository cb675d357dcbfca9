import type { Diagnostic, Span, Config } from '../core/types.js';
import type { KernelTree } from '../tree/tree.js';
import type { MakeDiagCode, MakeHost } from './make/host.js';
import { autoConf } from './config.js';
import type { ToolchainProfile } from './profile.js';
import { norm } from './profile.js';

const RULE_NAMES: Record<string, string> = {
  B001: 'makefile-shell-not-executed',
  B002: 'makefile-include-missing',
  B003: 'makefile-syntax',
  B004: 'makefile-error-reached',
  B005: 'makefile-expansion-limit',
  B006: 'toolchain-probe-unanswered',
  B007: 'makefile-recipe-eval',
  B010: 'kbuild-object-without-source',
  B011: 'kbuild-obj-y-not-linked',
  B012: 'kbuild-kbuild-file-missing',
};

/**
 * Paths as the real make sees them: with an output directory (objtree) the build runs there, `srctree` is the tree's
 * absolute path, and relative paths name files in the objtree; without one, both are '.'.
 */
export interface PathModel {
  srctree: string;
  /** absolute directory make runs in */
  curdir: string;
  outOfTree: boolean;
  /** absolute spellings of the tree root (its real path, and the path it was opened with) */
  rootAliases?: string[];
}

/**
 * The MakeHost of a kernel tree: makefiles and $(wildcard) come from the read-only KernelTree; the objtree is never
 * read (include/config/auto.conf is synthesised from the Config); toolchain probes come from the profile; $(shell)
 * is never executed.
 */
export class TreeHost implements MakeHost {
  readonly diagnostics: Diagnostic[] = [];
  private readonly seen = new Set<string>();
  /** probes the profile could not answer (flags → how often), for building profile tables */
  readonly unanswered = new Map<string, number>();
  /** every probe asked, with the answer given */
  readonly probes = new Map<string, boolean>();
  private readonly autoConfText: string;

  constructor(
    readonly tree: KernelTree,
    readonly paths: PathModel,
    readonly config: Config,
    readonly profile: ToolchainProfile | undefined,
  ) {
    this.autoConfText = autoConf(config);
  }

  /** tree-relative path for a make path, or undefined if it is not in the source tree */
  treePath(p: string): string | undefined {
    const st = this.paths.srctree;
    if (st !== '.' && (p === st || p.startsWith(st + '/'))) return p.slice(st.length + 1);
    if (p.startsWith('/')) {
      for (const root of this.paths.rootAliases ?? [this.tree.root]) {
        if (p === root) return '';
        if (p.startsWith(root + '/')) return p.slice(root.length + 1);
      }
      return undefined;
    }
    if (!this.paths.outOfTree) return p.startsWith('./') ? p.slice(2) : p;
    return undefined;
  }

  readMakefile(p: string): { text: string; display: string } | undefined {
    const rel = this.objtreeRel(p);
    if (rel === 'include/config/auto.conf') return { text: this.autoConfText, display: 'include/config/auto.conf' };
    // dependencies of auto.conf on Kconfig files: only used to re-run syncconfig, never needed here
    if (rel === 'include/config/auto.conf.cmd') return { text: '', display: 'include/config/auto.conf.cmd' };
    let t = this.treePath(p);
    if (t === undefined && !p.startsWith('/')) t = p.startsWith('./') ? p.slice(2) : p; // --include-dir=$(srctree)
    if (t === undefined) return undefined;
    const text = this.tree.tryReadText(t);
    return text === undefined ? undefined : { text, display: this.tree.rel(t) };
  }

  /** the objtree-relative form of a relative path (or of an absolute one under the objtree) */
  private objtreeRel(p: string): string | undefined {
    if (p.startsWith('/')) {
      const c = this.paths.curdir;
      return p.startsWith(c + '/') ? p.slice(c.length + 1) : undefined;
    }
    return p.startsWith('./') ? p.slice(2) : p;
  }

  wildcard(pattern: string): string[] {
    const t = this.treePath(pattern);
    if (t === undefined) return [];
    const prefix = pattern.slice(0, pattern.length - t.length);
    if (!/[*?[]/.test(t)) return this.tree.exists(t) ? [pattern] : [];
    return globTree(this.tree, t).map((m) => prefix + m);
  }

  /** $(shell) commands nobody answered (command → count): what a profile could add */
  readonly unansweredShells = new Map<string, number>();

  /** the source tree's path in a command or flag, written as $(srctree) (profile keys do not depend on it) */
  private srctreeKey(s: string): string {
    const st = this.paths.srctree;
    // in the source tree kbuild spells it '.': a word (or a flag's value) starting with './' (-fmacro-prefix-map=./=)
    if (st === '.') return s.replace(/(^|[\s=])\.\//g, '$1$(srctree)/');
    return s.split(st + '/').join('$(srctree)/');
  }

  shell(command: string): string | undefined {
    const key = norm(this.srctreeKey(command));
    const out = this.profile?.shellOutput?.(key);
    if (out === undefined && this.quiet === 0) this.unansweredShells.set(key, (this.unansweredShells.get(key) ?? 0) + 1);
    return out;
  }

  callHook(name: string, args: string[], span: Span): string | undefined {
    const a = (i: number): string => args[i] ?? '';
    const ask = (kind: 'cc' | 'as' | 'instr' | 'ld' | 'run', raw: string): boolean => {
      // the source tree's own path (e.g. -fmacro-prefix-map=$(srctree)/=) does not change the answer
      const q = this.srctreeKey(raw);
      const key = `${kind}:${norm(q)}`;
      let ans: boolean | undefined;
      if (this.profile) {
        ans =
          kind === 'cc'
            ? this.profile.ccAccepts(q)
            : kind === 'as'
              ? this.profile.asAccepts(q)
              : kind === 'instr'
                ? this.profile.asInstr(q)
                : kind === 'ld'
                  ? this.profile.ldAccepts(q)
                  : this.profile.runSucceeds?.(q);
      }
      if (ans === undefined) {
        // a recipe's probe (expanded quietly, as make would only when running it) is not a flag of any unit
        if (this.quiet === 0) this.unanswered.set(key, (this.unanswered.get(key) ?? 0) + 1);
        const shown = norm(q).length > 90 ? norm(q).slice(0, 89) + '…' : norm(q);
        this.report('B006', `no toolchain answer for ${kind}-probe '${shown}' (${this.profile?.name ?? 'no profile'}); taken as ${kind === 'run' ? 'failing' : 'unsupported'}`, span);
        ans = false;
      }
      this.probes.set(key, ans);
      return ans;
    };
    switch (name) {
      case 'cc-option':
        return ask('cc', a(0)) ? a(0) : a(1);
      case '__cc-option':
        // $(call __cc-option, $(CC), context flags, option, fallback)
        return ask('cc', a(2)) ? a(2) : a(3);
      case 'cc-option-yn':
        return ask('cc', a(0)) ? 'y' : 'n';
      case 'cc-disable-warning':
        return ask('cc', '-W' + a(0).trim()) ? '-Wno-' + a(0).trim() : '';
      case 'as-option':
        return ask('as', a(0)) ? a(0) : a(1);
      case 'as-instr':
        return ask('instr', a(0)) ? a(1) : a(2);
      case 'ld-option':
        return ask('ld', a(0)) ? a(0) : a(1);
      case 'cc-cross-prefix':
        return '';
      case 'gcc-min-version':
      case 'clang-min-version': {
        const v = this.config.values.get(name === 'gcc-min-version' ? 'GCC_VERSION' : 'CLANG_VERSION');
        const have = typeof v === 'string' ? Number(v) : 0;
        return have >= Number(a(0).trim()) && have > 0 ? 'y' : '';
      }
      case 'try-run':
        // any other probe written directly with try-run: the command itself is the question
        return ask('run', a(0)) ? a(1) : a(2);
    }
    return undefined;
  }

  private quiet = 0;

  quietly<T>(fn: () => T): T {
    this.quiet++;
    try {
      return fn();
    } finally {
      this.quiet--;
    }
  }

  report(code: MakeDiagCode | 'B010' | 'B011' | 'B012', message: string, span: Span): void {
    if (this.quiet > 0) return;
    const key = `${code}|${span.file}|${span.line}|${message}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    this.diagnostics.push({
      code,
      rule: RULE_NAMES[code] ?? 'kbuild',
      severity: code === 'B003' || code === 'B004' || code === 'B012' ? 'error' : code === 'B011' ? 'warning' : 'info',
      message,
      primary: span,
      trace: [],
      configs: [this.config.ref],
      fingerprint: `${code}:${span.file}:${message}`,
    });
  }
}

/** glob a tree-relative pattern ('*', '?', '[…]' in any component) */
export function globTree(tree: KernelTree, pattern: string): string[] {
  const parts = pattern.split('/');
  let cur: string[] = [''];
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i]!;
    const next: string[] = [];
    const last = i === parts.length - 1;
    if (!/[*?[]/.test(part)) {
      for (const c of cur) {
        const p = c === '' ? part : `${c}/${part}`;
        if (last ? tree.exists(p) : tree.isDir(p)) next.push(p);
      }
    } else {
      const re = globToRegExp(part);
      for (const c of cur) {
        if (!tree.isDir(c)) continue;
        for (const name of tree.listDir(c)) {
          if (name.startsWith('.') && !part.startsWith('.')) continue;
          if (!re.test(name)) continue;
          const p = c === '' ? name : `${c}/${name}`;
          if (last || tree.isDir(p)) next.push(p);
        }
      }
    }
    cur = next;
  }
  return cur.sort();
}

function globToRegExp(g: string): RegExp {
  let r = '^';
  for (let i = 0; i < g.length; i++) {
    const c = g[i]!;
    if (c === '*') r += '[^/]*';
    else if (c === '?') r += '[^/]';
    else if (c === '[') {
      const j = g.indexOf(']', i + 1);
      if (j < 0) r += '\\[';
      else {
        r += '[' + g.slice(i + 1, j).replace(/^!/, '^').replace(/\\/g, '\\\\') + ']';
        i = j;
      }
    } else r += c.replace(/[.+^${}()|\\]/g, '\\$&');
  }
  return new RegExp(r + '$');
}
