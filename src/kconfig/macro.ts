/**
 * The Kconfig macro language (Documentation/kbuild/kconfig-macro-language.rst): variables (`=`, `:=`, `+=`),
 * user functions with $(1)…, the built-ins info / warning-if / error-if / filename / lineno / shell, and
 * environment fallback. Semantics follow scripts/kconfig/preprocess.c; `$(shell,…)` and the success-style helpers
 * are answered by the host (a toolchain profile), never by running tree code unless the host chooses to probe.
 */

export type Flavor = 'recursive' | 'simple' | 'append';

interface Variable {
  value: string;
  flavor: 'recursive' | 'simple';
  expCount: number;
}

export interface MacroHost {
  /** environment variable, or undefined when unset */
  env(name: string): string | undefined;
  /** output of `$(shell,cmd)` after conf's post-processing (trailing newlines dropped, newlines -> spaces) */
  shell(cmd: string): string;
  /**
   * Answer for a call of a known helper (if-success with the command, or cc-option/ld-option/as-instr with their
   * argument) without expanding its body; undefined = not answered here, expand normally.
   */
  helper(name: string, args: string[]): string | undefined;
  /** the body of a helper the host did not answer was expanded to `result` (lets a probing host record it) */
  helperDone?(name: string, args: string[], result: string): void;
  info(msg: string): void;
  warning(msg: string): void;
  /** the current file name and line (for $(filename), $(lineno) and messages) */
  filename(): string;
  lineno(): number;
}

/** A fatal preprocessor error (conf prints it and exits). */
export class MacroError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MacroError';
  }
}

const FUNCTION_MAX_ARGS = 16;
const MAX_DEPTH = 1000;

export class MacroExpander {
  private readonly vars = new Map<string, Variable>();
  /** environment variables referenced (name -> value), like conf's env_list */
  readonly envRefs = new Map<string, string>();
  private depth = 0;

  constructor(private readonly host: MacroHost) {}

  addVariable(name: string, value: string, flavor: Flavor): void {
    let v = this.vars.get(name);
    let append = false;
    let fl: 'recursive' | 'simple';
    if (v) {
      if (flavor === 'append') {
        fl = v.flavor;
        append = true;
      } else fl = flavor;
    } else {
      fl = flavor === 'append' ? 'recursive' : flavor;
      v = { value: '', flavor: fl, expCount: 0 };
      this.vars.set(name, v);
    }
    v.flavor = fl;
    const nv = fl === 'simple' ? this.expandString(value) : value;
    v.value = append ? `${v.value} ${nv}` : nv;
  }

  hasVariable(name: string): boolean {
    return this.vars.has(name);
  }

  /** expand every $(…) of a whole string */
  expandString(s: string, args: string[] = []): string {
    return this.expand(s, 0, () => false, args).out;
  }

  /**
   * Expand from `pos` (which points at '$') until a token separator: conf's expand_one_token, used by the lexer
   * for words containing '$'. Returns the expansion and the index after the consumed input.
   */
  expandOneToken(s: string, pos: number): { out: string; end: number } {
    return this.expand(s, pos, (c) => !isTokenChar(c), []);
  }

  /** Expand one `$…` reference; `pos` points just after the '$'. */
  expandDollar(s: string, pos: number, args: string[] = []): { out: string; end: number } {
    if (s.charCodeAt(pos) !== 0x28 /* ( */) return { out: '$', end: pos };
    let q = pos + 1;
    let nest = 0;
    for (; q < s.length; q++) {
      const c = s.charCodeAt(q);
      if (c === 0x28) nest++;
      else if (c === 0x29) {
        if (nest-- === 0) break;
      }
    }
    if (q >= s.length) throw new MacroError(`unterminated reference to '${s.slice(pos + 1)}': missing ')'`);
    return { out: this.evalClause(s.slice(pos + 1, q), args), end: q + 1 };
  }

  private expand(s: string, pos: number, isEnd: (c: number) => boolean, args: string[]): { out: string; end: number } {
    let out = '';
    let start = pos;
    let p = pos;
    for (;;) {
      if (p < s.length && s.charCodeAt(p) === 0x24 /* $ */) {
        out += s.slice(start, p);
        const r = this.expandDollar(s, p + 1, args);
        out += r.out;
        p = r.end;
        start = p;
        continue;
      }
      if (p >= s.length || isEnd(s.charCodeAt(p))) break;
      p++;
    }
    out += s.slice(start, p);
    return { out, end: p };
  }

  private evalClause(clause: string, args: string[]): string {
    // $(1), $(2)…: arguments of the enclosing user-function call
    if (/^[0-9]+$/.test(clause)) {
      const n = Number(clause);
      if (n > 0 && n <= args.length) return args[n - 1]!;
    }
    const parts: string[] = [];
    let nest = 0;
    let prev = 0;
    for (let i = 0; i < clause.length; i++) {
      const c = clause.charCodeAt(i);
      if (nest === 0 && c === 0x2c /* , */) {
        if (parts.length >= FUNCTION_MAX_ARGS) throw new MacroError('too many function arguments');
        parts.push(clause.slice(prev, i));
        prev = i + 1;
      } else if (c === 0x28) nest++;
      else if (c === 0x29) nest--;
    }
    if (parts.length >= FUNCTION_MAX_ARGS) throw new MacroError('too many function arguments');
    parts.push(clause.slice(prev));

    if (++this.depth > MAX_DEPTH) throw new MacroError('Too deep recursive expansion');
    try {
      const name = this.expandString(parts[0]!, args);
      const argv = parts.slice(1).map((a) => this.expandString(a, args));

      const v = this.vars.get(name);
      if (v) {
        const answered = this.host.helper(name, argv);
        if (answered !== undefined) return answered;
        if (argv.length === 0 && v.expCount > 0) {
          throw new MacroError(`Recursive variable '${name}' references itself (eventually)`);
        }
        if (v.expCount > 1000) throw new MacroError('Too deep recursive expansion');
        v.expCount++;
        let res: string;
        try {
          res = v.flavor === 'recursive' ? this.expandString(v.value, argv) : v.value;
        } finally {
          v.expCount--;
        }
        this.host.helperDone?.(name, argv, res);
        return res;
      }

      const fn = this.builtin(name, argv);
      if (fn !== undefined) return fn;

      if (argv.length === 0 && name !== '') {
        const e = this.host.env(name);
        if (e !== undefined) {
          this.envRefs.set(name, e);
          return e;
        }
      }
      return '';
    } finally {
      this.depth--;
    }
  }

  private builtin(name: string, argv: string[]): string | undefined {
    const arity = (min: number, max: number) => {
      if (argv.length < min) throw new MacroError(`too few function arguments passed to '${name}'`);
      if (argv.length > max) throw new MacroError(`too many function arguments passed to '${name}'`);
    };
    switch (name) {
      case 'error-if':
        arity(2, 2);
        if (argv[0] === 'y') throw new MacroError(argv[1]!);
        return '';
      case 'filename':
        arity(0, 0);
        return this.host.filename();
      case 'info':
        arity(1, 1);
        this.host.info(argv[0]!);
        return '';
      case 'lineno':
        arity(0, 0);
        return String(this.host.lineno());
      case 'shell': {
        arity(1, 1);
        return this.host.shell(argv[0]!);
      }
      case 'warning-if':
        arity(2, 2);
        if (argv[0] === 'y') this.host.warning(argv[1]!);
        return '';
      default:
        return undefined;
    }
  }
}

/** conf's is_end_of_token: anything but [A-Za-z0-9_-] ends a token */
function isTokenChar(c: number): boolean {
  return (
    (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x5f || c === 0x2d
  );
}

/** conf's post-processing of `$(shell,…)` output: at most 4095 bytes, trailing newlines dropped, others -> space */
export function normalizeShellOutput(raw: string): string {
  let s = raw.length >= 4096 ? raw.slice(0, 4095) : raw;
  s = s.replace(/\n+$/, '');
  return s.replace(/\n/g, ' ');
}
