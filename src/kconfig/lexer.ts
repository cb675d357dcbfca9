import type { KernelTree } from '../tree/tree.js';
import { DIALECT_6_1, type KconfigDialect } from './dialect.js';
import { MacroError, type MacroExpander } from './macro.js';

/**
 * Kconfig tokenizer with conf's lexical rules (scripts/kconfig/lexer.l, read to learn): keywords are recognised
 * anywhere, words are [A-Za-z0-9_-]+, a word containing '$' is macro-expanded on the spot, quoted strings expand
 * `$(…)` inside, `help` text is measured by indentation, `NAME = value` lines are variable assignments, and
 * `source` switches to another file in the middle of the token stream.
 *
 * Older trees' lexers (zconf.l, ≤4.19; src/kconfig/dialect.ts) had two states per line: COMMAND, where a statement
 * keyword starts the line, then PARAM, where only `if` and `on` are keywords and words may hold '/' and '.' (so
 * `source kernel/Kconfig.hz` needs no quotes); 3.x dropped unknown characters silently and knew no `$(…)`.
 */

export type Tok =
  | 'EOF'
  | 'EOL'
  | 'WORD'
  | 'WORD_QUOTE'
  | 'HELPTEXT'
  | 'ASSIGN_VAL'
  | 'bool'
  | 'choice'
  | 'comment'
  | 'config'
  | 'def_bool'
  | 'def_tristate'
  | 'default'
  | 'depends'
  | 'endchoice'
  | 'endif'
  | 'endmenu'
  | 'help'
  | 'hex'
  | 'if'
  | 'imply'
  | 'int'
  | 'mainmenu'
  | 'menu'
  | 'menuconfig'
  | 'modules'
  | 'on'
  | 'optional'
  | 'prompt'
  | 'range'
  | 'select'
  | 'source'
  | 'string'
  | 'tristate'
  | 'visible'
  | '||'
  | '&&'
  | '='
  | '!='
  | '<'
  | '<='
  | '>'
  | '>='
  | '!'
  | '('
  | ')'
  | ':='
  | '+=';

const KEYWORDS = new Set<string>([
  'bool', 'choice', 'comment', 'config', 'def_bool', 'def_tristate', 'default', 'depends', 'endchoice', 'endif',
  'endmenu', 'help', 'hex', 'if', 'imply', 'int', 'mainmenu', 'menu', 'menuconfig', 'modules', 'on', 'optional',
  'prompt', 'range', 'select', 'source', 'string', 'tristate', 'visible',
]);

/** keywords a line may start with (TF_COMMAND of the stateful lexers): every statement keyword but `on` */
const COMMAND_KEYWORDS = new Set([...KEYWORDS].filter((k) => k !== 'on' && k !== 'modules'));

export interface Token {
  type: Tok;
  value: string;
  file: string;
  line: number;
}

interface FileState {
  name: string;
  text: string;
  pos: number;
  line: number;
  /** line of the `source` statement in the parent (for messages) */
  sourcedAt?: { file: string; line: number };
}

export interface LexMessages {
  warning(file: string, line: number, msg: string): void;
}

export class LexError extends Error {
  constructor(message: string, readonly file: string, readonly line: number) {
    super(message);
    this.name = 'LexError';
  }
}

/** files larger than this are refused (a named internal limit) */
export const MAX_KCONFIG_FILE = 8 * 1024 * 1024;
/** `source` nesting limit (conf detects true recursion; this only bounds pathological depth) */
export const MAX_SOURCE_DEPTH = 64;

export class Lexer {
  private stack: FileState[] = [];
  private prevToken: Tok = 'EOL';
  private prevPrevToken: Tok = 'EOL';
  private mode: 'initial' | 'help' | 'assign' = 'initial';
  /** file/line of the first token of the current statement (conf's zconf_lineno) */
  stmtFile = '';
  stmtLine = 0;
  /** every Kconfig file read, in order of first use */
  readonly files: string[] = [];
  private readonly fileSet = new Set<string>();

  /** COMMAND/PARAM state of the current line (stateful dialects) */
  private lineState: 'command' | 'param' = 'command';

  constructor(
    private readonly tree: KernelTree,
    private readonly macro: MacroExpander,
    private readonly msg: LexMessages,
    private readonly dialect: KconfigDialect = DIALECT_6_1,
  ) {}

  get currentFile(): string {
    return this.stack.length ? this.stack[this.stack.length - 1]!.name : '<none>';
  }
  get currentLine(): number {
    return this.stack.length ? this.stack[this.stack.length - 1]!.line : 0;
  }

  /** start reading `name` (the top-level Kconfig, or a `source`d file) */
  pushFile(name: string, from?: { file: string; line: number }): void {
    let rel: string;
    try {
      rel = this.tree.rel(name);
    } catch {
      throw new LexError(`can't open file "${name}": path escapes the tree`, from?.file ?? name, from?.line ?? 0);
    }
    for (const f of this.stack) {
      if (f.name === rel) {
        const chain = [...this.stack].reverse().map((s) => `${s.name}:${s.line}`);
        throw new LexError(
          `Recursive inclusion detected. Inclusion path: current file : ${rel}; included from: ${chain.join(', ')}`,
          from?.file ?? rel,
          from?.line ?? 0,
        );
      }
    }
    if (this.stack.length >= MAX_SOURCE_DEPTH) {
      throw new LexError(`source nesting deeper than ${MAX_SOURCE_DEPTH} (limit: MAX_SOURCE_DEPTH)`, from?.file ?? rel, from?.line ?? 0);
    }
    let text: string | undefined;
    try {
      text = this.tree.tryReadText(rel);
    } catch {
      text = undefined;
    }
    if (text === undefined) {
      throw new LexError(from ? `can't open file "${name}"` : `can't find file ${name}`, from?.file ?? rel, from?.line ?? 0);
    }
    if (text.length > MAX_KCONFIG_FILE) {
      throw new LexError(`file larger than ${MAX_KCONFIG_FILE} bytes (limit: MAX_KCONFIG_FILE)`, rel, 1);
    }
    if (!this.fileSet.has(rel)) {
      this.fileSet.add(rel);
      this.files.push(rel);
    }
    const st: FileState = { name: rel, text, pos: 0, line: 1 };
    if (from) st.sourcedAt = from;
    this.stack.push(st);
  }

  /** the parser saw `help` EOL: the next token is the help text */
  startHelp(): void {
    this.mode = 'help';
  }

  /** second-stage lexer: drops redundant EOLs, tracks statement positions, enters assignment mode */
  next(): Token {
    for (;;) {
      const t = this.lex1();
      if (this.prevToken === 'EOL' || this.prevToken === 'HELPTEXT') {
        if (t.type === 'EOL') continue;
        this.stmtFile = t.file;
        this.stmtLine = t.line;
      }
      if (this.prevPrevToken === 'EOL' && this.prevToken === 'WORD' && (t.type === '=' || t.type === ':=' || t.type === '+=')) {
        this.mode = 'assign';
      }
      this.prevPrevToken = this.prevToken;
      this.prevToken = t.type;
      return t;
    }
  }

  private tok(type: Tok, value: string, f: FileState, line = f.line): Token {
    return { type, value, file: f.name, line };
  }

  private lex1(): Token {
    for (;;) {
      const f = this.stack[this.stack.length - 1];
      if (!f) return { type: 'EOF', value: '', file: '<none>', line: 0 };
      if (this.mode === 'help') return this.lexHelp(f);
      if (this.mode === 'assign') {
        const t = this.lexAssign(f);
        if (t) return t;
        continue;
      }
      const s = f.text;
      if (f.pos >= s.length) {
        // end of file: back to the including file, which sees an end of line
        if (this.prevToken !== 'EOL' && this.prevToken !== 'HELPTEXT' && this.dialect.warnNoNewline) {
          this.msg.warning(f.name, f.line, 'no new line at end of file');
        }
        this.stack.pop();
        this.lineState = 'command';
        if (this.stack.length === 0) return { type: 'EOF', value: '', file: f.name, line: f.line };
        return this.tok('EOL', '', this.stack[this.stack.length - 1]!);
      }
      const c = s.charCodeAt(f.pos);
      if (c === 0x23 /* # */) {
        while (f.pos < s.length && s.charCodeAt(f.pos) !== 0x0a) f.pos++;
        continue;
      }
      if (c === 0x20 || c === 0x09) {
        f.pos++;
        continue;
      }
      if (c === 0x5c /* \ */ && s.charCodeAt(f.pos + 1) === 0x0a) {
        f.pos += 2;
        f.line++;
        continue;
      }
      if (c === 0x0a) {
        const t = this.tok('EOL', '', f);
        f.pos++;
        f.line++;
        this.lineState = 'command';
        return t;
      }
      if (this.dialect.stateful) {
        const t = this.statefulWord(f, c);
        if (t === null) continue;
        if (t) return t;
      }
      if (c === 0x24 && !this.dialect.macros) {
        // no macro language: '$' is a character the lexer does not know
        f.pos++;
        if (!this.dialect.silentUnknownChars) this.msg.warning(f.name, f.line, "ignoring unsupported character '$'");
        continue;
      }
      if (isWordChar(c) || c === 0x24 /* $ */) {
        let e = f.pos;
        let dollar = false;
        for (; e < s.length; e++) {
          const d = s.charCodeAt(e);
          if (d === 0x24) dollar = true;
          else if (!isWordChar(d)) break;
        }
        if (!dollar) {
          const w = s.slice(f.pos, e);
          const line = f.line;
          f.pos = e;
          if (KEYWORDS.has(w)) return this.tok(w as Tok, w, f, line);
          return this.tok('WORD', w, f, line);
        }
        const line = f.line;
        const eol = lineEnd(s, f.pos);
        let r: { out: string; end: number };
        try {
          r = this.macro.expandOneToken(s.slice(0, eol), f.pos);
        } catch (err) {
          throw this.macroFail(err, f);
        }
        f.pos = r.end;
        if (r.out.length) return this.tok('WORD', r.out, f, line);
        continue;
      }
      if (c === 0x22 || c === 0x27) return this.lexString(f, c);
      const d = s.charCodeAt(f.pos + 1);
      let op: Tok | undefined;
      let len = 1;
      switch (c) {
        case 0x7c /* | */:
          if (d === 0x7c) [op, len] = ['||', 2];
          break;
        case 0x26 /* & */:
          if (d === 0x26) [op, len] = ['&&', 2];
          break;
        case 0x21 /* ! */:
          [op, len] = d === 0x3d ? ['!=', 2] : ['!', 1];
          break;
        case 0x3c /* < */:
          [op, len] = d === 0x3d ? ['<=', 2] : ['<', 1];
          break;
        case 0x3e /* > */:
          [op, len] = d === 0x3d ? ['>=', 2] : ['>', 1];
          break;
        case 0x3a /* : */:
          if (d === 0x3d) [op, len] = [':=', 2];
          break;
        case 0x2b /* + */:
          if (d === 0x3d) [op, len] = ['+=', 2];
          break;
        case 0x3d /* = */:
          op = '=';
          break;
        case 0x28:
          op = '(';
          break;
        case 0x29:
          op = ')';
          break;
        default:
          break;
      }
      if (op && !this.dialect.relational && (op === '<' || op === '<=' || op === '>' || op === '>=')) op = undefined;
      if (op && !this.dialect.assignments && (op === ':=' || op === '+=')) op = undefined;
      if (op && this.dialect.stateful && this.lineState === 'command' && op === '=' && !this.dialect.assignments) op = undefined;
      if (op) {
        const t = this.tok(op, op, f);
        f.pos += len;
        return t;
      }
      const one = s[f.pos]!;
      f.pos++;
      if (!this.dialect.silentUnknownChars) this.msg.warning(f.name, f.line, `ignoring unsupported character '${one}'`);
    }
  }

  /**
   * A word of the stateful lexers at f.pos (c its first character): a keyword only where the line's state allows
   * one. undefined when c starts no word here (the common rules go on), null when characters were consumed and
   * nothing is returned (3.x's `---` in PARAM, dropped dashes before a command word).
   */
  private statefulWord(f: FileState, c: number): Token | undefined | null {
    const s = f.text;
    const d = this.dialect;
    if (this.lineState === 'command') {
      const inWord = (x: number) => isWordChar(x) && !(d.commandWordNoDash && x === 0x2d);
      if (!inWord(c)) {
        // 3.x: any other character before the command word is dropped (`---help---` lexes as help)
        if (d.silentUnknownChars && c === 0x2d) {
          f.pos++;
          return null;
        }
        return undefined;
      }
      let e = f.pos;
      while (e < s.length && inWord(s.charCodeAt(e))) e++;
      const w = s.slice(f.pos, e);
      const line = f.line;
      f.pos = e;
      const kw = w === 'boolean' && d.booleanKeyword ? 'bool' : w === '---help---' ? 'help' : w;
      if (COMMAND_KEYWORDS.has(kw) && (kw !== 'imply' || d.imply)) {
        this.lineState = 'param';
        return this.tok(kw as Tok, w === '---help---' ? 'help' : kw, f, line);
      }
      // 3.x: any first word puts the line into PARAM; 4.19: a variable name of an assignment stays in COMMAND
      if (!d.assignments) this.lineState = 'param';
      return this.tok('WORD', w, f, line);
    }
    // PARAM: words of [A-Za-z0-9_-/.]; `---` ignored (3.x)
    const inParam = (x: number) => isWordChar(x) || x === 0x2f || x === 0x2e;
    if (!inParam(c)) return undefined;
    if (d.silentUnknownChars && s.startsWith('---', f.pos)) {
      f.pos += 3;
      return null;
    }
    let e = f.pos;
    let dollar = false;
    for (; e < s.length; e++) {
      const x = s.charCodeAt(e);
      if (x === 0x24 && d.macros) dollar = true;
      else if (!inParam(x)) break;
    }
    if (dollar) return undefined; // a macro word: the common rule expands it
    const w = s.slice(f.pos, e);
    const line = f.line;
    f.pos = e;
    if (w === 'if' || w === 'on') return this.tok(w, w, f, line);
    return this.tok('WORD', w, f, line);
  }

  private macroFail(err: unknown, f: FileState): Error {
    if (err instanceof MacroError) return new LexError(err.message, f.name, f.line);
    return err as Error;
  }

  private lexAssign(f: FileState): Token | undefined {
    const s = f.text;
    while (f.pos < s.length && (s.charCodeAt(f.pos) === 0x20 || s.charCodeAt(f.pos) === 0x09)) f.pos++;
    if (f.pos >= s.length) {
      this.mode = 'initial';
      return undefined;
    }
    if (s.charCodeAt(f.pos) === 0x0a) {
      this.mode = 'initial';
      const t = this.tok('EOL', '', f);
      f.pos++;
      f.line++;
      return t;
    }
    const e = lineEnd(s, f.pos);
    const v = s.slice(f.pos, e);
    f.pos = e;
    return this.tok('ASSIGN_VAL', v, f);
  }

  private lexString(f: FileState, quote: number): Token {
    const s = f.text;
    const line = f.line;
    f.pos++;
    let out = '';
    while (f.pos < s.length) {
      const c = s.charCodeAt(f.pos);
      if (c === 0x24 /* $ */ && this.dialect.macros) {
        const eol = lineEnd(s, f.pos);
        let r: { out: string; end: number };
        try {
          r = this.macro.expandDollar(s.slice(0, eol), f.pos + 1);
        } catch (err) {
          throw this.macroFail(err, f);
        }
        out += r.out;
        f.pos = r.end;
        continue;
      }
      if (c === 0x5c /* \ */) {
        const d = s.charCodeAt(f.pos + 1);
        if (f.pos + 1 < s.length && d !== 0x0a) {
          out += s[f.pos + 1];
          f.pos += 2;
        } else f.pos++;
        continue;
      }
      if (c === 0x22 || c === 0x27) {
        f.pos++;
        if (c === quote) return this.tok('WORD_QUOTE', out, f, line);
        out += String.fromCharCode(c);
        continue;
      }
      if (c === 0x0a) {
        this.msg.warning(f.name, f.line, 'multi-line strings not supported');
        return this.tok('WORD_QUOTE', out, f, line);
      }
      let e = f.pos + 1;
      while (e < s.length) {
        const d = s.charCodeAt(e);
        if ((d === 0x24 && this.dialect.macros) || d === 0x22 || d === 0x27 || d === 0x5c || d === 0x0a) break;
        e++;
      }
      out += s.slice(f.pos, e);
      f.pos = e;
    }
    return this.tok('WORD_QUOTE', out, f, line);
  }

  /** help text: indentation of the first line sets the level; a less indented line ends it */
  private lexHelp(f: FileState): Token {
    const s = f.text;
    const startLine = f.line;
    let text = '';
    let lastTs = 0;
    let firstTs = 0;
    const end = (): Token => {
      this.mode = 'initial';
      this.lineState = 'command';
      return this.tok('HELPTEXT', text, f, startLine);
    };
    for (;;) {
      if (f.pos >= s.length) return end();
      let p = f.pos;
      while (p < s.length && (s.charCodeAt(p) === 0x20 || s.charCodeAt(p) === 0x09)) p++;
      if (p < s.length && s.charCodeAt(p) === 0x0a) {
        // [ \t]*\n, possibly with trailing context [^ \t\n]
        f.pos = p + 1;
        f.line++;
        if (f.pos < s.length) {
          const d = s.charCodeAt(f.pos);
          if (d !== 0x20 && d !== 0x09 && d !== 0x0a) return end();
        }
        text += '\n';
        continue;
      }
      if (p > f.pos) {
        // [ \t]+ : indentation
        let ts = 0;
        for (let i = f.pos; i < p; i++) ts = s.charCodeAt(i) === 0x09 ? (ts & ~7) + 8 : ts + 1;
        f.pos = p;
        lastTs = ts;
        if (firstTs) {
          if (ts < firstTs) return end();
          text += ' '.repeat(ts - firstTs);
        }
        continue;
      }
      if (p >= s.length) return end();
      // [^ \t\n].* : a line of text, trailing blanks dropped
      const e = lineEnd(s, f.pos);
      let t = e;
      while (t > f.pos && (s.charCodeAt(t - 1) === 0x20 || s.charCodeAt(t - 1) === 0x09)) t--;
      text += s.slice(f.pos, t);
      f.pos = e;
      if (!firstTs) firstTs = lastTs;
    }
  }
}

function isWordChar(c: number): boolean {
  return (
    (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x5f || c === 0x2d
  );
}

function lineEnd(s: string, pos: number): number {
  const i = s.indexOf('\n', pos);
  return i < 0 ? s.length : i;
}
