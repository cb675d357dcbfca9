import type { Span } from '../core/types.js';

/**
 * The parsed Kconfig world: symbols, properties, menu nodes, expressions. Immutable once `finalize` has run;
 * per-configuration state (values, flags) lives in `State` (state.ts), so one model serves many configurations.
 *
 * The shapes follow scripts/kconfig (symbol, property, menu, expr), because kvlint must reproduce conf's results
 * exactly, including the order-dependent parts: the symbol table is iterated in conf's hash order (see `hashOrder`).
 */

export type SymType = 'unknown' | 'bool' | 'tristate' | 'int' | 'hex' | 'string';

/** Static symbol flags (set while parsing/finalizing). Values match nothing outside kvlint. */
export const F_CONST = 0x0001;
export const F_CHOICE = 0x0010;
export const F_CHOICEVAL = 0x0020;
export const F_OPTIONAL = 0x0100;
export const F_NO_WRITE = 0x1000;
/** `option allnoconfig_y` (4.x, 5.x): allnoconfig sets the symbol to y */
export const F_ALLNOCONFIG_Y = 0x2000;
/** dynamic flags (per configuration, see state.ts) */
export const F_VALID = 0x0080;
export const F_WRITE = 0x0200;
export const F_WRITTEN = 0x0800;
export const F_DEF_USER = 0x10000;
export const F_NEED_SET_CHOICE_VALUES = 0x100000;

export type CmpOp = '=' | '!=' | '<' | '<=' | '>' | '>=';

/**
 * Expressions. `mark` is scratch space for whole-model passes (the recursive-dependency check marks subtrees it
 * has cleared); expression trees share subtrees (every property of a menu shares its dependency chain).
 */
export type Expr =
  | { t: 'sym'; s: Sym; mark: number }
  | { t: 'not'; e: Expr; mark: number }
  | { t: 'and'; l: Expr; r: Expr; mark: number }
  | { t: 'or'; l: Expr; r: Expr; mark: number }
  | { t: 'cmp'; op: CmpOp; l: Sym; r: Sym; mark: number };

export type PropType = 'prompt' | 'menu' | 'comment' | 'default' | 'choice' | 'select' | 'imply' | 'range' | 'symbol';

export interface Prop {
  id: number;
  type: PropType;
  /** default value / select target / range bounds (as a '<=' cmp of lo, hi is not used: see lo/hi) */
  expr: Expr | null;
  /** condition under which the property applies (after finalize: including all inherited dependencies) */
  visible: Expr | null;
  /** prompt text (prompt/menu/comment) */
  text?: string | undefined;
  /** range bounds */
  lo?: Sym | undefined;
  hi?: Sym | undefined;
  span: Span;
  menu: MenuNode;
}

export class Sym {
  /** index into State arrays */
  readonly id: number;
  /** null for anonymous choices */
  readonly name: string | null;
  type: SymType = 'unknown';
  flags: number;
  readonly props: Prop[] = [];
  /** direct dependencies: OR of the dependencies of every definition */
  dirDep: Expr | null = null;
  /** reverse dependencies: OR of (selector && condition) */
  revDep: Expr | null = null;
  /** weak reverse dependencies: OR of (implier && condition) */
  implied: Expr | null = null;
  /** for a choice value: its choice; for a choice: its values, in order */
  choice: Sym | null = null;
  choiceValues: Sym[] = [];
  /** menu nodes defining this symbol (config/menuconfig/choice statements) */
  readonly nodes: MenuNode[] = [];
  /** conf's hash bucket (fnv32 of the name mod 9973; 0 for anonymous) */
  readonly bucket: number;
  /** places where the symbol is referenced (in expressions), for undefined-symbol diagnostics */
  refs: Span[] = [];

  constructor(id: number, name: string | null, flags: number) {
    this.id = id;
    this.name = name;
    this.flags = flags;
    this.bucket = name === null ? 0 : strhash(name) % SYMBOL_HASHSIZE;
  }

  get isChoice(): boolean {
    return (this.flags & F_CHOICE) !== 0;
  }
  get isChoiceValue(): boolean {
    return (this.flags & F_CHOICEVAL) !== 0;
  }
  get isConst(): boolean {
    return (this.flags & F_CONST) !== 0;
  }
  /** defined by a config/menuconfig/choice statement somewhere */
  get isDefined(): boolean {
    return this.nodes.length > 0;
  }
  displayName(): string {
    return this.name ?? '<choice>';
  }
}

export interface MenuNode {
  sym: Sym | null;
  prompt: Prop | null;
  dep: Expr | null;
  visibility: Expr | null;
  parent: MenuNode | null;
  /** first child */
  list: MenuNode | null;
  next: MenuNode | null;
  help?: string | undefined;
  span: Span;
  /** what statement made this node */
  kind: 'root' | 'config' | 'menuconfig' | 'choice' | 'menu' | 'comment' | 'if';
}

export const SYMBOL_HASHSIZE = 9973;

/** conf's symbol hash: 32-bit FNV-1a over the name's bytes (as signed chars, like C on x86). */
export function strhash(s: string): number {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) {
    let c = s.charCodeAt(i) & 0xff;
    if (c >= 0x80) c = (c - 0x100) >>> 0;
    h = Math.imul((h ^ c) >>> 0, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/**
 * The symbol table, with conf's lookup rules: 'y', 'm', 'n' are the three constant symbols; quoted strings are
 * constant symbols separate from same-named config symbols; anonymous choices are always new.
 */
export class SymbolTable {
  readonly yes: Sym;
  readonly mod: Sym;
  readonly no: Sym;
  /** every symbol in creation order (including y/m/n at ids 0..2, which are not in the hash table) */
  readonly all: Sym[] = [];
  private readonly byName = new Map<string, Sym>();
  private readonly constByName = new Map<string, Sym>();
  private readonly choiceByName = new Map<string, Sym>();
  private hashOrderCache: Sym[] | undefined;

  constructor() {
    this.yes = this.create('y', F_CONST);
    this.yes.type = 'tristate';
    this.mod = this.create('m', F_CONST);
    this.mod.type = 'tristate';
    this.no = this.create('n', F_CONST);
    this.no.type = 'tristate';
  }

  /** rebuild a table from names and static flags in creation order (ids 0..2 are y, m, n) */
  static restore(names: (string | null)[], flags: ArrayLike<number>): SymbolTable {
    const t = new SymbolTable();
    for (let i = 3; i < names.length; i++) {
      const name = names[i]!;
      const s = t.create(name, flags[i]!);
      if (name === null) continue;
      if (s.flags & F_CONST) t.constByName.set(name, s);
      else if (s.flags & F_CHOICE) t.choiceByName.set(name, s);
      else t.byName.set(name, s);
    }
    return t;
  }

  private create(name: string | null, flags: number): Sym {
    const s = new Sym(this.all.length, name, flags);
    this.all.push(s);
    this.hashOrderCache = undefined;
    return s;
  }

  private special(name: string): Sym | undefined {
    if (name.length === 1) {
      if (name === 'y') return this.yes;
      if (name === 'm') return this.mod;
      if (name === 'n') return this.no;
    }
    return undefined;
  }

  /** sym_lookup(name, 0) */
  lookup(name: string): Sym {
    const sp = this.special(name);
    if (sp) return sp;
    let s = this.byName.get(name);
    if (!s) {
      s = this.create(name, 0);
      this.byName.set(name, s);
    }
    return s;
  }

  /** sym_lookup(name, SYMBOL_CONST) */
  lookupConst(name: string): Sym {
    const sp = this.special(name);
    if (sp) return sp;
    let s = this.constByName.get(name);
    if (!s) {
      s = this.create(name, F_CONST);
      this.constByName.set(name, s);
    }
    return s;
  }

  /** sym_lookup(name, SYMBOL_CHOICE) */
  lookupChoice(name: string | null): Sym {
    if (name !== null) {
      const sp = this.special(name);
      if (sp) return sp;
      const old = this.choiceByName.get(name);
      if (old) return old;
    }
    const s = this.create(name, F_CHOICE);
    if (name !== null) this.choiceByName.set(name, s);
    return s;
  }

  /** sym_find(name): a non-constant symbol (config or choice) of that name, or undefined */
  find(name: string): Sym | undefined {
    const sp = this.special(name);
    if (sp) return sp;
    // conf's sym_find returns the first non-const symbol in the bucket, i.e. the most recently created one
    const a = this.byName.get(name);
    const b = this.choiceByName.get(name);
    if (a && b) return a.id > b.id ? a : b;
    return a ?? b;
  }

  /** symbols in the order conf's for_all_symbols visits them: buckets ascending, newest first within a bucket */
  hashOrder(): Sym[] {
    if (!this.hashOrderCache) {
      const buckets: Sym[][] = [];
      for (let i = this.all.length - 1; i >= 3; i--) {
        const s = this.all[i]!;
        (buckets[s.bucket] ??= []).push(s);
      }
      const out: Sym[] = [];
      for (const b of buckets) if (b) for (const s of b) out.push(s);
      this.hashOrderCache = out;
    }
    return this.hashOrderCache;
  }

  /** config symbols (named, not constant), in creation order */
  named(): Sym[] {
    return [...this.byName.values()];
  }
}

// ---- expression helpers -------------------------------------------------------------------------------------

export function eSym(s: Sym): Expr {
  return { t: 'sym', s, mark: 0 };
}
export function eNot(e: Expr): Expr {
  return { t: 'not', e, mark: 0 };
}
/** expr_alloc_and: null means "no condition" (y) */
export function eAnd(a: Expr | null, b: Expr | null): Expr | null {
  if (!a) return b;
  if (!b) return a;
  return { t: 'and', l: a, r: b, mark: 0 };
}
export function eOr(a: Expr | null, b: Expr | null): Expr | null {
  if (!a) return b;
  if (!b) return a;
  return { t: 'or', l: a, r: b, mark: 0 };
}
export function eCmp(op: CmpOp, l: Sym, r: Sym): Expr {
  return { t: 'cmp', op, l, r, mark: 0 };
}

/** every symbol an expression mentions */
export function exprSymbols(e: Expr | null, out: Set<Sym> = new Set()): Set<Sym> {
  if (!e) return out;
  switch (e.t) {
    case 'sym':
      out.add(e.s);
      break;
    case 'not':
      exprSymbols(e.e, out);
      break;
    case 'and':
    case 'or':
      exprSymbols(e.l, out);
      exprSymbols(e.r, out);
      break;
    case 'cmp':
      out.add(e.l);
      out.add(e.r);
      break;
  }
  return out;
}
