import type { CType, EnumConst } from './types.js';

/**
 * The light AST of function bodies and initialisers. Identifiers are resolved while parsing (the parser keeps
 * the scopes), so later passes never look names up again. `tok` is the index of the token a node starts at (for
 * spans and traces of the facts that come out of it).
 */

export interface Attr {
  /** name without surrounding underscores: "weak", "alias", "section", … */
  name: string;
  /** token range of the argument list, exclusive of the parentheses */
  args?: [number, number];
}

export interface LocalVar {
  name: string;
  type: CType;
  /** assigned, incremented or address-taken after its declaration (no constant propagation then) */
  mutated: boolean;
  /** its address escapes (`&x` other than in a == / != comparison): -fstack-protector-strong protects the frame */
  addrTaken: boolean;
  /** count of `&x` uses minus those that only compare addresses (set while parsing) */
  addrRefs?: number;
  isStatic: boolean;
  /** a parameter of the function (index) */
  param?: number;
  init?: Init;
  /** for `static` locals and `extern` block declarations that name a file-scope object */
  global?: GSym;
  /** __attribute__((cleanup(fn))): fn is called when the variable goes out of scope */
  cleanup?: string;
  /** never read (only stored to, directly or through write-only pointer parameters): decided lazily */
  writeOnly?: boolean;
  tok: number;
}

/** A file-scope function or object (all declarations of one name merged). */
export interface GSym {
  name: string;
  /** the assembler name (asm("label") after the declarator), else the C name */
  asmName: string;
  kind: 'func' | 'var';
  type: CType;
  isStatic: boolean;
  isExtern: boolean;
  isInline: boolean;
  /** gnu_inline semantics (the kernel's `inline` has it) */
  gnuInline: boolean;
  /** every declaration said `inline` (C99 inline definitions are not emitted then) */
  allInline?: boolean;
  /** the definition was `extern inline` (gnu89: never emitted, only inlined) */
  gnuExternInline?: boolean;
  alwaysInline: boolean;
  weak: boolean;
  used: boolean;
  /** __attribute__((error/warning)): a call that survives is a build error, so a kept call never links */
  diagnoseOnCall: boolean;
  alias?: string;
  section?: string;
  constQual: boolean;
  /** function definition: token range of the body '{' .. '}' */
  body?: [number, number];
  /** parameter names of the definition */
  paramNames?: (string | undefined)[];
  /** object definition: token range of the initialiser (after '=') */
  init?: [number, number];
  /** has a definition (body, initialiser, or a tentative definition) */
  defined: boolean;
  /** token of the defining (or first) declarator name */
  tok: number;
  attrs: Attr[];
  /** cleanup(fn) and similar attribute references resolved at declaration */
  cleanup?: string;
  /** declarations of the name seen (to tell uses of the name from its declarations) */
  declCount: number;
  /** parsed lazily */
  fn?: FuncDef;
  initAst?: Init | null;
}

export interface FuncDef {
  sym: GSym;
  params: LocalVar[];
  body: Stmt;
  locals: LocalVar[];
  localSet: Set<LocalVar>;
  /** has a local array, a local whose address is taken, or alloca: -fstack-protector-strong instruments it */
  stackProtect: boolean;
  /** local arrays whose address escapes (decayed to a pointer somewhere) */
  escapingArrays: Set<LocalVar>;
  /** locals (and parameters) the body refers to */
  used: Set<LocalVar>;
  /** locals whose value the body reads (not only assigns); `&v` passed to a call is in addrArgs instead */
  read: Set<LocalVar>;
  /** call arguments `&v` of locals (resolved lazily: the callee may only store through the pointer) */
  addrArgs: Map<LocalVar, { call: Expr & { k: 'call' }; arg: number }[]>;
  /** estimated size in gcc insns (cached) */
  insns?: number;
  /** operand pairs of `%` in the body (cached) */
  remKeys?: Set<string>;
}

export type Expr =
  | { k: 'id'; tok: number; name: string; local?: LocalVar; sym?: GSym; ec?: EnumConst; t?: CType }
  | { k: 'num'; tok: number; text: string; t?: CType }
  | { k: 'str'; tok: number; toks: number[]; t?: CType }
  | { k: 'chr'; tok: number; text: string; t?: CType }
  | { k: 'bin'; tok: number; op: string; l: Expr; r: Expr; t?: CType }
  | { k: 'assign'; tok: number; op: string; l: Expr; r: Expr; t?: CType }
  | { k: 'un'; tok: number; op: string; e: Expr; t?: CType }
  | { k: 'post'; tok: number; op: string; e: Expr; t?: CType }
  | { k: 'cond'; tok: number; c: Expr; a: Expr | undefined; b: Expr; t?: CType }
  | { k: 'call'; tok: number; fn: Expr; args: Expr[]; t?: CType }
  | { k: 'member'; tok: number; e: Expr; name: string; arrow: boolean; t?: CType }
  | { k: 'index'; tok: number; e: Expr; i: Expr; t?: CType }
  | { k: 'cast'; tok: number; type: CType; e: Expr; t?: CType }
  | { k: 'sizeof'; tok: number; type?: CType; e?: Expr; align?: boolean; t?: CType }
  | { k: 'complit'; tok: number; type: CType; init: Init; t?: CType }
  | { k: 'stmtexpr'; tok: number; body: Stmt & { k: 'block' }; t?: CType }
  | { k: 'comma'; tok: number; l: Expr; r: Expr; t?: CType }
  | { k: 'offsetof'; tok: number; type: CType; path: (string | Expr)[]; t?: CType }
  | { k: 'typescompat'; tok: number; a: CType; b: CType; t?: CType }
  | { k: 'choose'; tok: number; c: Expr; a: Expr; b: Expr; t?: CType }
  | { k: 'generic'; tok: number; ctl: Expr; assoc: { type: CType | undefined; e: Expr }[]; t?: CType }
  | { k: 'vaarg'; tok: number; e: Expr; type: CType; t?: CType }
  | { k: 'labeladdr'; tok: number; name: string; t?: CType }
  /** __builtin_* with no declaration: evaluated specially */
  | { k: 'builtin'; tok: number; name: string; args: Expr[]; t?: CType }
  | { k: 'bad'; tok: number; t?: CType };

export type Init =
  | { k: 'expr'; e: Expr }
  | { k: 'list'; tok: number; items: { desig: Designator[]; init: Init }[] };

export type Designator = { k: 'field'; name: string } | { k: 'index'; lo: Expr; hi?: Expr };

export interface AsmStmt {
  k: 'asm';
  tok: number;
  /** string literal tokens of the template */
  template: number[];
  operands: Expr[];
  /** the first `nout` operands are outputs (written) */
  nout: number;
  /** `asm goto` label names */
  labels: string[];
  /** symbolic operand names (`[size] "i" (…)`, referenced as %[size]), by operand index */
  names?: Map<string, number>;
}

export type Stmt =
  | { k: 'block'; tok: number; items: Stmt[] }
  | { k: 'decl'; tok: number; vars: LocalVar[] }
  | { k: 'expr'; tok: number; e: Expr }
  | { k: 'if'; tok: number; c: Expr; a: Stmt; b?: Stmt }
  | { k: 'while'; tok: number; c: Expr; body: Stmt }
  | { k: 'do'; tok: number; body: Stmt; c: Expr }
  | { k: 'for'; tok: number; init?: Stmt; c?: Expr; step?: Expr; body: Stmt }
  | { k: 'switch'; tok: number; c: Expr; body: Stmt }
  | { k: 'case'; tok: number; lo: Expr; hi?: Expr; s: Stmt }
  | { k: 'default'; tok: number; s: Stmt }
  | { k: 'label'; tok: number; name: string; s: Stmt }
  | { k: 'goto'; tok: number; name?: string; e?: Expr }
  | { k: 'break'; tok: number }
  | { k: 'continue'; tok: number }
  | { k: 'return'; tok: number; e?: Expr }
  | AsmStmt
  | { k: 'empty'; tok: number };
