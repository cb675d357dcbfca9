import type { Diagnostic, Span } from '../core/types.js';
import type { KernelTree } from '../tree/tree.js';
import { kdiag, span } from './diagnostics.js';
import { DIALECT_6_1, type KconfigDialect } from './dialect.js';
import { LexError, Lexer, type Tok, type Token } from './lexer.js';
import { MacroError, type MacroExpander } from './macro.js';
import {
  type CmpOp,
  type Expr,
  F_ALLNOCONFIG_Y,
  F_NO_WRITE,
  F_OPTIONAL,
  type MenuNode,
  type Prop,
  type PropType,
  type Sym,
  type SymType,
  type SymbolTable,
  eAnd,
  eCmp,
  eNot,
  eSym,
} from './model.js';

/**
 * Kconfig parser: builds the menu tree, symbols and properties the way scripts/kconfig's grammar (parser.y) and
 * its actions (menu.c: menu_add_entry, menu_add_prompt, …) do, statement by statement. Symbol lookups happen in
 * source order, which fixes conf's symbol-table order (needed to reproduce autoconf.h and evaluation order).
 */

export interface ParseResult {
  root: MenuNode;
  props: Prop[];
  modulesSym: Sym | null;
  files: string[];
  diagnostics: Diagnostic[];
  fatal: boolean;
}

class SyntaxError extends Error {
  constructor(message: string, readonly tok: Token) {
    super(message);
  }
}

type Ctx = 'top' | 'menu' | 'if' | 'choice';

const TYPE_TOKENS: Partial<Record<Tok, SymType>> = {
  bool: 'bool',
  tristate: 'tristate',
  int: 'int',
  hex: 'hex',
  string: 'string',
};

export class Parser {
  private readonly lexer: Lexer;
  private readonly la: Token[] = [];
  readonly root: MenuNode;
  private currentMenu: MenuNode;
  private currentEntry: MenuNode;
  /** where the next entry is linked: as first child of `holder` ('list') or after it ('next') */
  private appendHolder: MenuNode;
  private appendField: 'list' | 'next' = 'list';
  readonly props: Prop[] = [];
  modulesSym: Sym | null = null;
  readonly diagnostics: Diagnostic[] = [];
  fatal = false;
  private stopped = false;

  constructor(
    tree: KernelTree,
    private readonly syms: SymbolTable,
    private readonly macro: MacroExpander,
    private readonly dialect: KconfigDialect = DIALECT_6_1,
  ) {
    this.lexer = new Lexer(
      tree,
      macro,
      {
        warning: (file, line, msg) => this.warn(span(file, line), msg),
      },
      dialect,
    );
    this.root = {
      sym: null,
      prompt: null,
      dep: null,
      visibility: null,
      parent: null,
      list: null,
      next: null,
      help: undefined,
      span: span('', 0),
      kind: 'root',
    };
    this.currentMenu = this.root;
    this.currentEntry = this.root;
    this.appendHolder = this.root;
  }

  get filename(): string {
    return this.lexer.currentFile;
  }
  get lineno(): number {
    return this.lexer.currentLine;
  }

  parse(file: string): ParseResult {
    this.root.span = span(file, 1);
    try {
      this.lexer.pushFile(file);
    } catch (e) {
      this.lexFailure(e);
      return this.result();
    }
    try {
      if (this.peek().type === 'mainmenu') {
        const t = this.take();
        this.statement(t, () => {
          const q = this.promptText();
          this.expectEol();
          this.addPrompt('menu', q.value, null, this.spanOf(t));
        });
      }
      const end = this.stmtList('top', null);
      if (end) this.error(this.spanOf(end), 'invalid statement');
      // 3.x expands `$SYM` in the title after the whole parse (before menu_finalize)
      const title = this.root.prompt;
      if (title && title.text !== undefined && this.dialect.symbolExpansion) title.text = this.expandSymbols(title.text);
    } catch (e) {
      if (e instanceof StopParse) {
        /* fatal error already reported */
      } else throw e;
    }
    this.root.span = span(file, 1);
    return this.result();
  }

  private result(): ParseResult {
    return {
      root: this.root,
      props: this.props,
      modulesSym: this.modulesSym,
      files: this.lexer.files,
      diagnostics: this.diagnostics,
      fatal: this.fatal,
    };
  }

  // ---- diagnostics ---------------------------------------------------------------------------------------------

  private error(sp: Span, msg: string): void {
    this.fatal = true;
    this.diagnostics.push(kdiag('syntax', 'error', msg, sp, { subject: `${sp.file}:${sp.line}:${msg}` }));
  }

  warn(sp: Span, msg: string): void {
    this.diagnostics.push(kdiag('warning', 'warning', msg, sp, { subject: `${sp.file}:${sp.line}:${msg}` }));
  }

  private lexFailure(e: unknown): never | void {
    if (e instanceof LexError) {
      this.error(span(e.file, e.line), e.message);
      return;
    }
    if (e instanceof MacroError) {
      this.error(span(this.lexer.currentFile, this.lexer.currentLine), e.message);
      return;
    }
    throw e;
  }

  private spanOf(t: Token): Span {
    return span(t.file, t.line);
  }

  // ---- token stream --------------------------------------------------------------------------------------------

  private fill(n: number): void {
    while (this.la.length < n) {
      if (this.stopped) {
        this.la.push({ type: 'EOF', value: '', file: this.lexer.currentFile, line: this.lexer.currentLine });
        continue;
      }
      try {
        this.la.push(this.lexer.next());
      } catch (e) {
        this.lexFailure(e);
        this.stopped = true;
        throw new StopParse();
      }
    }
  }

  private peek(n = 0): Token {
    this.fill(n + 1);
    return this.la[n]!;
  }

  private take(): Token {
    this.fill(1);
    return this.la.shift()!;
  }

  private expect(type: Tok): Token {
    const t = this.peek();
    if (t.type !== type) throw new SyntaxError(`syntax error, unexpected ${describe(t)}, expecting ${type}`, t);
    return this.take();
  }

  /** consume the end of line that ends a statement (never looks further) */
  private expectEol(): void {
    const t = this.peek();
    if (t.type === 'EOL' || t.type === 'EOF') {
      if (t.type === 'EOL') this.take();
      return;
    }
    throw new SyntaxError(`syntax error, unexpected ${describe(t)}, expecting end of line`, t);
  }

  private skipToEol(): void {
    for (;;) {
      const t = this.peek();
      if (t.type === 'EOF') return;
      this.take();
      if (t.type === 'EOL') return;
    }
  }

  /** run one statement's parser, turning syntax errors into diagnostics and resynchronising at the line end */
  private statement(first: Token, body: () => void): void {
    try {
      body();
    } catch (e) {
      this.recover(e, first);
    }
  }

  /** after a syntax error in the statement that started with `first`: report it, skip to the end of the line */
  private recover(e: unknown, first: Token): void {
    if (!(e instanceof SyntaxError)) throw e;
    this.error(this.spanOf(e.tok.type === 'EOL' || e.tok.type === 'EOF' ? first : e.tok), e.message);
    if (e.tok.type !== 'EOL') this.skipToEol();
    else this.take();
  }

  // ---- menu construction (menu.c) ------------------------------------------------------------------------------

  private addEntry(sym: Sym | null, kind: MenuNode['kind'], sp: Span): MenuNode {
    const node: MenuNode = {
      sym,
      prompt: null,
      dep: null,
      visibility: null,
      parent: this.currentMenu,
      list: null,
      next: null,
      help: undefined,
      span: sp,
      kind,
    };
    this.appendHolder[this.appendField] = node;
    this.appendHolder = node;
    this.appendField = 'next';
    this.currentEntry = node;
    if (sym) {
      sym.nodes.push(node);
      this.addProp('symbol', eSym(sym), null, sp);
    }
    return node;
  }

  private addMenu(): MenuNode {
    this.appendHolder = this.currentEntry;
    this.appendField = 'list';
    this.currentMenu = this.currentEntry;
    return this.currentMenu;
  }

  private endMenu(): void {
    this.appendHolder = this.currentMenu;
    this.appendField = 'next';
    this.currentMenu = this.currentMenu.parent ?? this.root;
  }

  private addProp(type: PropType, expr: Expr | null, dep: Expr | null, sp: Span): Prop {
    // every field present from the start keeps property objects one shape for the JIT
    const prop: Prop = {
      id: this.props.length,
      type,
      expr,
      visible: dep,
      text: undefined,
      lo: undefined,
      hi: undefined,
      span: sp,
      menu: this.currentEntry,
    };
    this.props.push(prop);
    if (this.currentEntry.sym) this.currentEntry.sym.props.push(prop);
    return prop;
  }

  private addPrompt(type: 'prompt' | 'menu' | 'comment', text: string, dep: Expr | null, sp: Span): Prop {
    const prop = this.addProp(type, null, dep, sp);
    if (/^\s/.test(text)) {
      this.warn(sp, 'leading whitespace ignored');
      text = text.replace(/^\s+/, '');
    }
    if (this.currentEntry.prompt) this.warn(sp, 'prompt redefined');
    if (type === 'prompt') {
      // every enclosing menu's `visible if` limits the prompt
      for (let m = this.currentEntry.parent; m; m = m.parent) {
        if (m.visibility) prop.visible = eAnd(prop.visible, m.visibility);
      }
    }
    this.currentEntry.prompt = prop;
    prop.text = text;
    return prop;
  }

  private setType(type: SymType, sp: Span): void {
    const sym = this.currentEntry.sym;
    if (!sym || sym.type === type) return;
    if (sym.type === 'unknown') {
      sym.type = type;
      return;
    }
    this.warn(sp, `ignoring type redefinition of '${sym.displayName()}' from '${typeName(sym.type)}' to '${typeName(type)}'`);
  }

  private addDep(e: Expr): void {
    this.currentEntry.dep = eAnd(this.currentEntry.dep, e);
  }

  // ---- grammar -------------------------------------------------------------------------------------------------

  /** statements until EOF or an end keyword (returned, consumed with its EOL) */
  private stmtList(ctx: Ctx, inChoice: boolean | null): Token | null {
    const choiceBody = inChoice === true;
    // zconf.y (≤4.19): a choice holds menuconfig and source entries too, and an `if` block anything, even in a choice
    const old = this.dialect.stateful;
    for (;;) {
      const t = this.peek();
      switch (t.type) {
        case 'EOF':
          return null;
        case 'EOL':
          this.take();
          continue;
        case 'endmenu':
        case 'endchoice':
        case 'endif':
          if (ctx === 'top') {
            this.take();
            this.error(this.spanOf(t), 'invalid statement');
            this.skipToEol();
            continue;
          }
          this.take();
          this.statement(t, () => this.expectEol());
          return t;
        case 'config':
          this.configStmt(false);
          continue;
        case 'menuconfig':
          if (choiceBody && !old) break;
          this.configStmt(true);
          continue;
        case 'choice':
          if (choiceBody) break;
          this.choiceStmt();
          continue;
        case 'comment':
          this.commentStmt();
          continue;
        case 'if':
          this.ifStmt(choiceBody && !old);
          continue;
        case 'menu':
          if (choiceBody) break;
          this.menuStmt();
          continue;
        case 'source':
          if (choiceBody && !old) break;
          this.sourceStmt();
          continue;
        case 'WORD': {
          const op = this.peek(1).type;
          if (!choiceBody && (op === '=' || op === ':=' || op === '+=')) {
            this.assignment();
            continue;
          }
          this.take();
          this.error(this.spanOf(t), `unknown statement "${t.value}"`);
          this.skipToEol();
          continue;
        }
        default:
          break;
      }
      this.take();
      this.error(this.spanOf(t), 'invalid statement');
      this.skipToEol();
    }
  }

  private endBlock(ctx: Ctx, opener: Token, inChoice: boolean): void {
    const end = this.stmtList(ctx, inChoice);
    if (!end) {
      this.error(this.spanOf(opener), 'missing end statement for this entry');
      return;
    }
    const name = end.type.slice(3);
    if (name !== ctx) {
      this.error(this.spanOf(end), `unexpected '${name}' within ${ctx} block`);
      return;
    }
    this.endMenu();
  }

  private configStmt(menuconfig: boolean): void {
    const t = this.take();
    let node: MenuNode | undefined;
    this.statement(t, () => {
      const w = this.expect('WORD');
      const sym = this.syms.lookup(w.value);
      this.expectEol();
      sym.flags |= F_OPTIONAL;
      node = this.addEntry(sym, menuconfig ? 'menuconfig' : 'config', this.spanOf(t));
    });
    if (!node) return;
    this.configOptions(false);
    if (menuconfig) {
      if (node.prompt) node.prompt.type = 'menu';
      else this.warn(node.span, 'warning: menuconfig statement without prompt');
    }
  }

  /** config_option_list / choice_option_list */
  private configOptions(choice: boolean): void {
    for (;;) {
      const t = this.peek();
      try {
        if (!this.configOption(t, choice)) return;
      } catch (e) {
        this.recover(e, t);
      }
    }
  }

  /** one option line (the option keyword `t` still unread); false when `t` does not start an option */
  private configOption(t: Token, choice: boolean): boolean {
    const type = TYPE_TOKENS[t.type];
    if (type && (!choice || type === 'bool' || type === 'tristate')) {
      this.take();
      if (this.peek().type === 'WORD_QUOTE' || (this.dialect.stateful && this.peek().type === 'WORD')) {
        const q = this.take();
        const cond = this.ifExpr();
        this.expectEol();
        this.addPrompt('prompt', q.value, cond, this.spanOf(t));
      } else this.expectEol();
      this.setType(type, this.spanOf(t));
      return true;
    }
    switch (t.type) {
      case 'prompt': {
        this.take();
        const q = this.promptText();
        const cond = this.ifExpr();
        this.expectEol();
        this.addPrompt('prompt', q.value, cond, this.spanOf(t));
        return true;
      }
      case 'default':
      case 'def_bool':
      case 'def_tristate': {
        if (choice && t.type !== 'default') return false;
        this.take();
        if (choice) {
          const w = this.expect('WORD');
          const s = this.syms.lookup(w.value);
          this.ref(s, w);
          const cond = this.ifExpr();
          this.expectEol();
          this.addProp('default', eSym(s), cond, this.spanOf(t));
          return true;
        }
        const e = this.expr();
        const cond = this.ifExpr();
        this.expectEol();
        this.addProp('default', e, cond, this.spanOf(t));
        if (t.type !== 'default') this.setType(t.type === 'def_bool' ? 'bool' : 'tristate', this.spanOf(t));
        return true;
      }
      case 'select':
      case 'imply': {
        if (choice) return false;
        this.take();
        const w = this.expect('WORD');
        const s = this.syms.lookup(w.value);
        this.ref(s, w);
        const cond = this.ifExpr();
        this.expectEol();
        this.addProp(t.type, eSym(s), cond, this.spanOf(t));
        return true;
      }
      case 'range': {
        if (choice) return false;
        this.take();
        const lo = this.symbol();
        const hi = this.symbol();
        const cond = this.ifExpr();
        this.expectEol();
        const p = this.addProp('range', eCmp('<=', lo, hi), cond, this.spanOf(t));
        p.lo = lo;
        p.hi = hi;
        return true;
      }
      case 'modules':
        if (choice) return false;
        this.take();
        this.expectEol();
        this.setModules(this.spanOf(t));
        return true;
      case 'optional':
        if (!choice) return false;
        this.take();
        this.expectEol();
        if (this.currentEntry.sym) this.currentEntry.sym.flags |= F_OPTIONAL;
        return true;
      case 'depends':
        this.dependsStmt();
        return true;
      case 'help':
        this.helpStmt();
        return true;
      case 'WORD':
        // older syntax kept for old trees: `---help---`, `option env=/defconfig_list/modules/allnoconfig_y`
        if (t.value === '---help---') {
          this.helpStmt();
          return true;
        }
        if (t.value === 'option' && !choice) {
          this.optionStmt();
          return true;
        }
        if (t.value === 'transitional' && this.peek(1).type === 'EOL') {
          this.take();
          this.take();
          return true;
        }
        return false;
      default:
        return false;
    }
  }

  private setModules(sp: Span): void {
    const sym = this.currentEntry.sym;
    if (!sym) return;
    if (this.modulesSym && this.modulesSym !== sym) {
      this.error(sp, `symbol '${sym.displayName()}' redefines option 'modules' already defined by symbol '${this.modulesSym.displayName()}'`);
      return;
    }
    this.modulesSym = sym;
  }

  private optionStmt(): void {
    const t = this.take();
    this.statement(t, () => {
      // `modules` is a keyword of the newer syntax, so `option modules` lexes as option + keyword
      const w = this.peek().type === 'modules' ? this.take() : this.expect('WORD');
      if (w.value === 'modules') {
        this.expectEol();
        this.setModules(this.spanOf(t));
        return;
      }
      if (w.value === 'env' && this.peek().type === '=') {
        this.take();
        const q = this.expect('WORD_QUOTE');
        this.expectEol();
        // old `option env="VAR"`: the symbol takes the environment variable's value as its default
        const v = this.macro.expandString(`$(${q.value})`);
        this.addProp('default', eSym(this.syms.lookupConst(v)), null, this.spanOf(t));
        if (this.currentEntry.sym) this.currentEntry.sym.flags |= F_NO_WRITE;
        return;
      }
      // defconfig_list: not written, except by 3.x's conf; allnoconfig_y: see conf.ts
      if (w.value === 'defconfig_list' && !this.dialect.writeDefconfigList && this.currentEntry.sym) this.currentEntry.sym.flags |= F_NO_WRITE;
      if (w.value === 'allnoconfig_y' && this.currentEntry.sym) this.currentEntry.sym.flags |= F_ALLNOCONFIG_Y;
      while (this.peek().type !== 'EOL' && this.peek().type !== 'EOF') this.take();
      this.expectEol();
    });
  }

  private dependsStmt(): void {
    const t = this.take();
    try {
      this.expect('on');
      const e = this.expr();
      this.expectEol();
      this.addDep(e);
    } catch (e) {
      this.recover(e, t);
    }
  }

  private helpStmt(): void {
    const t = this.take();
    this.statement(t, () => {
      this.expectEol();
      this.lexer.startHelp();
      const h = this.expect('HELPTEXT');
      const node = this.currentEntry;
      if (node.help !== undefined) {
        if (this.dialect.warnHelpText) this.warn(this.spanOf(t), `'${node.sym?.displayName() ?? '<choice>'}' defined with more than one help text -- only the last one will be used`);
      }
      if (/^[ \f\n\r\t\v]*$/.test(h.value)) {
        if (this.dialect.warnHelpText) this.warn(this.spanOf(t), `'${node.sym?.displayName() ?? '<choice>'}' defined with blank help text`);
      }
      node.help = h.value;
    });
  }

  private choiceStmt(): void {
    const t = this.take();
    let ok = false;
    this.statement(t, () => {
      let name: string | null = null;
      if (this.peek().type === 'WORD') name = this.take().value;
      this.expectEol();
      const sym = this.syms.lookupChoice(name);
      sym.flags |= F_NO_WRITE;
      this.addEntry(sym, 'choice', this.spanOf(t));
      this.addProp('choice', null, null, this.spanOf(t));
      ok = true;
    });
    if (!ok) return;
    this.configOptions(true);
    this.addMenu();
    this.endBlock('choice', t, true);
  }

  private ifStmt(inChoice: boolean): void {
    const t = this.take();
    let e: Expr | null = null;
    this.statement(t, () => {
      e = this.expr();
      this.expectEol();
    });
    this.addEntry(null, 'if', this.spanOf(t));
    if (e) this.addDep(e);
    this.addMenu();
    this.endBlock('if', t, inChoice);
  }

  private menuStmt(): void {
    const t = this.take();
    let text = '';
    this.statement(t, () => {
      text = this.promptText().value;
      this.expectEol();
    });
    this.addEntry(null, 'menu', this.spanOf(t));
    this.addPrompt('menu', text, null, this.spanOf(t));
    for (;;) {
      const o = this.peek();
      if (o.type === 'visible') {
        this.take();
        this.statement(o, () => {
          const cond = this.ifExpr();
          this.expectEol();
          this.currentEntry.visibility = eAnd(this.currentEntry.visibility, cond);
        });
      } else if (o.type === 'depends') this.dependsStmt();
      else break;
    }
    this.addMenu();
    this.endBlock('menu', t, false);
  }

  private commentStmt(): void {
    const t = this.take();
    let text: string | undefined;
    this.statement(t, () => {
      text = this.promptText().value;
      this.expectEol();
    });
    if (text === undefined) return;
    this.addEntry(null, 'comment', this.spanOf(t));
    this.addPrompt('comment', text, null, this.spanOf(t));
    while (this.peek().type === 'depends') this.dependsStmt();
  }

  private sourceStmt(): void {
    const t = this.take();
    let path: string | undefined;
    this.statement(t, () => {
      path = this.promptText().value;
      this.expectEol();
    });
    if (path === undefined) return;
    // 3.x: `source "arch/$SRCARCH/Kconfig"` names the symbol SRCARCH (option env="SRCARCH"), expanded right here
    if (this.dialect.symbolExpansion) path = this.expandSymbols(path);
    try {
      this.lexer.pushFile(path, { file: t.file, line: t.line });
    } catch (e) {
      this.lexFailure(e);
    }
  }

  private assignment(): void {
    const w = this.take();
    const op = this.take();
    this.statement(w, () => {
      let value = '';
      if (this.peek().type === 'ASSIGN_VAL') value = this.take().value;
      this.expectEol();
      const flavor = op.type === ':=' ? 'simple' : op.type === '+=' ? 'append' : 'recursive';
      try {
        this.macro.addVariable(w.value, value, flavor);
      } catch (e) {
        if (e instanceof MacroError) {
          this.error(this.spanOf(w), e.message);
          this.stopped = true;
          throw new StopParse();
        }
        throw e;
      }
    });
  }

  // ---- expressions ---------------------------------------------------------------------------------------------

  private ifExpr(): Expr | null {
    if (this.peek().type !== 'if') return null;
    this.take();
    return this.expr();
  }

  private expr(): Expr {
    let l = this.andExpr();
    while (this.peek().type === '||') {
      this.take();
      l = { t: 'or', l, r: this.andExpr(), mark: 0 };
    }
    return l;
  }

  private andExpr(): Expr {
    let l = this.unary();
    while (this.peek().type === '&&') {
      this.take();
      l = { t: 'and', l, r: this.unary(), mark: 0 };
    }
    return l;
  }

  private unary(): Expr {
    const t = this.peek();
    if (t.type === '!') {
      this.take();
      return eNot(this.unary());
    }
    if (t.type === '(') {
      this.take();
      const e = this.expr();
      this.expect(')');
      return e;
    }
    const l = this.symbol();
    const op = this.peek().type;
    if (op === '=' || op === '!=' || op === '<' || op === '<=' || op === '>' || op === '>=') {
      this.take();
      const r = this.symbol();
      return eCmp(op as CmpOp, l, r);
    }
    return eSym(l);
  }

  /** a prompt, title or path: a quoted string, or (stateful lexers, ≤4.19) a plain word */
  private promptText(): Token {
    if (this.dialect.stateful && this.peek().type === 'WORD') return this.take();
    return this.expect('WORD_QUOTE');
  }

  /**
   * sym_expand_string_value (3.x): each `$NAME` replaced by the string value of the symbol NAME as it stands while
   * parsing — an `option env` symbol's environment value (its constant default), a typeless symbol's own name,
   * nothing for a name no symbol has
   */
  private expandSymbols(text: string): string {
    return text.replace(/\$([A-Za-z0-9_]*)/g, (_m, name: string) => {
      const sym = this.syms.find(name);
      if (!sym) return '';
      if (sym.type === 'unknown') return name;
      for (const p of sym.props) {
        if (p.type === 'default' && p.expr && p.expr.t === 'sym' && !p.visible) return p.expr.s.name ?? '';
      }
      return '';
    });
  }

  private symbol(): Sym {
    const t = this.peek();
    if (t.type === 'WORD') {
      this.take();
      const s = this.syms.lookup(t.value);
      this.ref(s, t);
      return s;
    }
    if (t.type === 'WORD_QUOTE') {
      this.take();
      return this.syms.lookupConst(t.value);
    }
    throw new SyntaxError(`syntax error, unexpected ${describe(t)}, expecting a symbol`, t);
  }

  private ref(s: Sym, t: Token): void {
    if (s.refs.length < 4) s.refs.push(span(t.file, t.line));
  }
}

class StopParse extends Error {}

function describe(t: Token): string {
  switch (t.type) {
    case 'EOL':
      return 'end of line';
    case 'EOF':
      return 'end of file';
    case 'WORD':
      return `word '${t.value}'`;
    case 'WORD_QUOTE':
      return `string "${t.value}"`;
    default:
      return `'${t.type}'`;
  }
}

export function typeName(t: SymType): string {
  return t === 'int' ? 'integer' : t;
}
