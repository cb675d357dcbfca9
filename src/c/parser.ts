import { TokKind } from '../core/tokens.js';
import type { Attr, Expr, GSym, Init, LocalVar } from './ast.js';
import { evalConstExpr } from './consteval.js';
import { parseAssignExpr, parseExpr, parseInitializer } from './parse-expr.js';
import { typeOf } from './sema.js';
import type { Toks } from './toks.js';
import {
  BOOL, type CType, type EnumConst, type EnumDef, INT, INT128, type IntType, LLONG, SHORT, type RecordDef, SCHAR,
  type Target, UCHAR, UINT, UINT128, ULLONG, UNKNOWN, USHORT, VOID, alignOf, charType, longType, sizeOf,
} from './types.js';

export class ParseError extends Error {
  constructor(readonly tok: number, message: string) {
    super(message);
  }
}

export type Binding =
  | { k: 'typedef'; t: CType }
  | { k: 'local'; v: LocalVar }
  | { k: 'global'; g: GSym }
  | { k: 'enumc'; c: EnumConst };

export type TagBinding = { k: 'record'; rec: RecordDef } | { k: 'enum'; en: EnumDef };

export interface Scope {
  parent: Scope | undefined;
  ord: Map<string, Binding>;
  tags: Map<string, TagBinding>;
}

export interface Specs {
  storage: string | undefined;
  inline: boolean;
  type: CType;
  attrs: Attr[];
  constQ: boolean;
  /** a struct/union/enum was defined by these specifiers */
  definedTag: boolean;
}

export interface ParamInfo {
  name: string | undefined;
  type: CType;
  tok: number;
}

export interface Declarator {
  name: string | undefined;
  nameTok: number;
  type: CType;
  attrs: Attr[];
  asmLabel: string | undefined;
  /** parameters of the function declarator applied directly to the name */
  params: ParamInfo[] | undefined;
}

/** A top-level `asm("…")` statement: its string tokens. */
export interface TopAsm {
  tok: number;
  strings: number[];
}

const STORAGE = new Set(['typedef', 'extern', 'static', 'auto', 'register', '_Thread_local', '__thread']);
const QUALS = new Set([
  'const', '__const', '__const__', 'volatile', '__volatile', '__volatile__', 'restrict', '__restrict', '__restrict__',
  '__seg_gs', '__seg_fs', '_Nonnull', '_Nullable',
]);
const INLINE = new Set(['inline', '__inline', '__inline__']);
const TYPE_KW = new Set([
  'void', 'char', 'short', 'int', 'long', 'float', 'double', 'signed', '__signed', '__signed__', 'unsigned', '_Bool',
  '_Complex', '__complex__', '__int128', '__builtin_va_list', '_Float16', '_Float32', '_Float64', '_Float128', '__fp16',
  '__float128', 'struct', 'union', 'enum', 'typeof', '__typeof', '__typeof__', '__auto_type', '_Atomic',
]);
const ATTR_KW = new Set(['__attribute__', '__attribute']);
export const ASM_KW = new Set(['asm', '__asm__', '__asm']);

/** every word that can start or continue declaration specifiers (the rest can only be a typedef name) */
const SPEC_WORDS = new Set<string>([...STORAGE, ...QUALS, ...INLINE, ...TYPE_KW, ...ATTR_KW, '_Noreturn', '__extension__', '_Alignas']);

/** builtin typedef names gcc knows without a declaration */
const BUILTIN_TYPEDEFS: Record<string, (tg: Target) => CType> = {
  __int128_t: () => INT128,
  __uint128_t: () => UINT128,
  __builtin_va_list: (tg) => ({ k: 'ptr', to: VOID, align: tg.ptrSize }),
};

/**
 * Recursive-descent parser for preprocessed GNU C, built for symbol facts: it parses every file-scope declaration
 * (so that names resolve), but keeps function bodies, initialisers and struct member lists as token ranges that are
 * parsed only when something needs them (a kept function, a sizeof).
 */
export class Parser {
  pos = 0;
  end: number;
  scope: Scope;
  readonly file: Scope;
  readonly globals = new Map<string, GSym>();
  readonly topAsm: TopAsm[] = [];
  /** file-scope declarations skipped after a parse error (quality indicator) */
  errors: { tok: number; message: string }[] = [];
  /** the function whose body is being parsed */
  curFunc: { locals: LocalVar[]; stackProtect: boolean } | undefined;
  /** token budget guard for lazy parses */
  constructor(readonly toks: Toks, readonly tg: Target) {
    this.end = toks.n;
    this.file = { parent: undefined, ord: new Map(), tags: new Map() };
    this.scope = this.file;
  }

  // ---- token helpers ----
  t(o = 0): string {
    const i = this.pos + o;
    return i < this.end ? this.toks.text[i]! : '';
  }
  kindAt(o = 0): number {
    const i = this.pos + o;
    return i < this.end ? this.toks.kind[i]! : 0;
  }
  isIdentAt(o = 0): boolean {
    return this.kindAt(o) === TokKind.Ident;
  }
  /** the current token is punctuator p */
  at(p: string): boolean {
    return this.pos < this.end && this.toks.text[this.pos] === p && this.toks.kind[this.pos] !== TokKind.String;
  }
  eat(p: string): boolean {
    if (this.at(p)) {
      this.pos++;
      return true;
    }
    return false;
  }
  expect(p: string): void {
    if (!this.eat(p)) this.fail(`expected '${p}' before '${this.t()}'`);
  }
  fail(msg: string): never {
    throw new ParseError(this.pos, msg);
  }
  /** skip a bracketed group starting at the current token (which must be an opener) */
  skipGroup(): void {
    const m = this.toks.match[this.pos]!;
    if (m < 0 || m >= this.end) this.fail(`unbalanced '${this.t()}'`);
    this.pos = m + 1;
  }
  eof(): boolean {
    return this.pos >= this.end;
  }

  /** run fn over the token range [start, end) and restore the position afterwards */
  inRange<T>(start: number, end: number, scope: Scope, fn: () => T): T {
    const saved = { pos: this.pos, end: this.end, scope: this.scope, cur: this.curFunc };
    this.pos = start;
    this.end = end;
    this.scope = scope;
    try {
      return fn();
    } finally {
      this.pos = saved.pos;
      this.end = saved.end;
      this.scope = saved.scope;
      this.curFunc = saved.cur;
    }
  }

  // ---- scopes ----
  pushScope(): void {
    this.scope = { parent: this.scope, ord: new Map(), tags: new Map() };
  }
  popScope(): void {
    this.scope = this.scope.parent ?? this.file;
  }
  lookup(name: string): Binding | undefined {
    for (let s: Scope | undefined = this.scope; s; s = s.parent) {
      const b = s.ord.get(name);
      if (b) return b;
    }
    return undefined;
  }
  lookupTag(name: string): TagBinding | undefined {
    for (let s: Scope | undefined = this.scope; s; s = s.parent) {
      const b = s.tags.get(name);
      if (b) return b;
    }
    return undefined;
  }
  isTypedefName(name: string): boolean {
    const b = this.lookup(name);
    if (b) return b.k === 'typedef';
    return name in BUILTIN_TYPEDEFS;
  }

  /** does a declaration (or type name) start at pos+o? */
  isTypeStart(o = 0): boolean {
    if (!this.isIdentAt(o)) return false;
    const w = this.t(o);
    if (TYPE_KW.has(w) || QUALS.has(w) || STORAGE.has(w) || INLINE.has(w) || ATTR_KW.has(w)) return true;
    if (w === '_Noreturn' || w === '_Alignas' || w === '__extension__') {
      return w !== '__extension__' || this.isTypeStart(o + 1);
    }
    return this.isTypedefName(w);
  }

  // ---- attributes ----
  /** parse any number of __attribute__((…)) groups at the current position */
  parseAttrs(into: Attr[] = []): Attr[] {
    for (;;) {
      const w = this.t();
      if (ATTR_KW.has(w)) {
        this.pos++;
        if (!this.at('(')) this.fail('expected ( after __attribute__');
        const close = this.toks.match[this.pos]!;
        if (close < 0) this.fail('unbalanced __attribute__');
        // inner list: ( ( a, b(x), … ) )
        const innerOpen = this.pos + 1;
        if (this.toks.text[innerOpen] === '(' && this.toks.match[innerOpen]! === close - 1) {
          this.parseAttrList(innerOpen + 1, close - 1, into);
        }
        this.pos = close + 1;
      } else if (w === '_Alignas' || w === 'alignas') {
        this.pos++;
        const close = this.toks.match[this.pos]!;
        into.push({ name: 'aligned', args: [this.pos + 1, close] });
        this.pos = close + 1;
      } else if (this.at('[') && this.t(1) === '[') {
        // C2x [[attr]]: skip
        this.skipGroup();
      } else return into;
    }
  }

  private parseAttrList(start: number, end: number, into: Attr[]): void {
    let i = start;
    const tx = this.toks.text;
    while (i < end) {
      if (tx[i] === ',') {
        i++;
        continue;
      }
      const name = tx[i]!.replace(/^__(.*)__$/, '$1');
      i++;
      if (i < end && tx[i] === '(') {
        const c = this.toks.match[i]!;
        into.push({ name, args: [i + 1, c] });
        i = c + 1;
      } else into.push({ name });
    }
  }

  /** concatenated string arguments of an attribute (alias("x"), section("…")) */
  attrString(a: Attr): string | undefined {
    if (!a.args) return undefined;
    let s = '';
    let any = false;
    for (let i = a.args[0]; i < a.args[1]; i++) {
      const v = this.toks.str(i);
      if (v !== undefined) {
        s += v;
        any = true;
      }
    }
    return any ? s : undefined;
  }

  /** the integer argument of aligned(N) (16/8 by default: the target's biggest alignment) */
  attrAligned(a: Attr): number {
    if (!a.args || a.args[0] >= a.args[1]) return this.tg.ptrSize === 8 ? 16 : 8;
    return this.inRange(a.args[0], a.args[1], this.scope, () => {
      if (this.isTypeStart()) {
        const t = this.parseTypeName();
        return alignOf(t, this.tg) ?? 1;
      }
      const e = parseAssignExpr(this);
      const v = evalConstExpr(this, e);
      return v === undefined ? 1 : Number(v);
    });
  }

  // ---- declaration specifiers ----
  parseSpecs(): Specs {
    let storage: string | undefined;
    let inline = false;
    let constQ = false;
    let volatileQ = false;
    const attrs: Attr[] = [];
    let signed: boolean | undefined;
    let short = false;
    let longs = 0;
    let base: string | undefined;
    let named: CType | undefined;
    let definedTag = false;
    let sawSpec = false;
    for (;;) {
      if (!this.isIdentAt()) {
        if (this.at('[') && this.t(1) === '[') {
          this.skipGroup();
          continue;
        }
        break;
      }
      const w = this.t();
      if (!SPEC_WORDS.has(w)) {
        // only a typedef name can continue the specifiers
        if (!sawSpec && this.isTypedefName(w)) {
          const b = this.lookup(w);
          named = b && b.k === 'typedef' ? b.t : BUILTIN_TYPEDEFS[w]!(this.tg);
          sawSpec = true;
          this.pos++;
          continue;
        }
        break;
      }
      if (STORAGE.has(w)) {
        storage = w === '_Thread_local' || w === '__thread' ? (storage ?? 'thread') : w;
        this.pos++;
      } else if (QUALS.has(w)) {
        if (w.startsWith('__const') || w === 'const') constQ = true;
        else if (w.startsWith('__volatile') || w === 'volatile') volatileQ = true;
        this.pos++;
      } else if (INLINE.has(w)) {
        inline = true;
        this.pos++;
      } else if (w === '_Noreturn' || w === '__extension__') {
        this.pos++;
      } else if (ATTR_KW.has(w) || w === '_Alignas') {
        this.parseAttrs(attrs);
      } else if (w === 'signed' || w === '__signed' || w === '__signed__') {
        signed = true;
        sawSpec = true;
        this.pos++;
      } else if (w === 'unsigned') {
        signed = false;
        sawSpec = true;
        this.pos++;
      } else if (w === 'short') {
        short = true;
        sawSpec = true;
        this.pos++;
      } else if (w === 'long') {
        longs++;
        sawSpec = true;
        this.pos++;
      } else if (w === '_Complex' || w === '__complex__') {
        sawSpec = true;
        this.pos++;
      } else if (
        w === 'void' || w === 'char' || w === 'int' || w === 'float' || w === 'double' || w === '_Bool' ||
        w === '__int128' || w === '_Float16' || w === '_Float32' || w === '_Float64' || w === '_Float128' ||
        w === '__fp16' || w === '__float128'
      ) {
        base = w;
        sawSpec = true;
        this.pos++;
      } else if (w === 'struct' || w === 'union') {
        const r = this.parseRecordSpec();
        named = r.type;
        definedTag ||= r.defined;
        sawSpec = true;
      } else if (w === 'enum') {
        const r = this.parseEnumSpec();
        named = r.type;
        definedTag ||= r.defined;
        sawSpec = true;
      } else if (w === 'typeof' || w === '__typeof' || w === '__typeof__') {
        this.pos++;
        named = this.parseTypeofArg();
        sawSpec = true;
      } else if (w === '__auto_type') {
        named = UNKNOWN;
        sawSpec = true;
        this.pos++;
      } else if (w === '_Atomic') {
        this.pos++;
        if (this.at('(')) {
          const close = this.toks.match[this.pos]!;
          this.pos++;
          named = this.parseTypeName();
          this.pos = close + 1;
          sawSpec = true;
        }
      } else if (!sawSpec && this.isTypedefName(w)) {
        const b = this.lookup(w);
        named = b && b.k === 'typedef' ? b.t : BUILTIN_TYPEDEFS[w]!(this.tg);
        sawSpec = true;
        this.pos++;
      } else break;
    }
    let type: CType;
    if (named) type = named;
    else if (base === 'void') type = VOID;
    else if (base === '_Bool') type = BOOL;
    else if (base === 'char') type = signed === undefined ? charType(this.tg) : signed ? SCHAR : UCHAR;
    else if (base === 'float' || base === '_Float32') type = { k: 'float', size: 4 };
    else if (base === 'double' || base === '_Float64') type = { k: 'float', size: longs ? (this.tg.ptrSize === 8 ? 16 : 8) : 8 };
    else if (base === '_Float16' || base === '__fp16') type = { k: 'float', size: 2 };
    else if (base === '_Float128' || base === '__float128') type = { k: 'float', size: 16 };
    else if (base === '__int128') type = signed === false ? UINT128 : INT128;
    else if (short) type = signed === false ? USHORT : SHORT;
    else if (longs === 1) type = longType(this.tg, signed !== false);
    else if (longs >= 2) type = signed === false ? ULLONG : LLONG;
    else type = signed === false ? UINT : INT;
    // mode(QI/HI/SI/DI/TI) and aligned() on the declaration's type
    type = this.applyTypeAttrs(type, attrs);
    if (constQ && !type.cq) type = { ...type, cq: true } as CType;
    if (volatileQ && !type.vq) type = { ...type, vq: true } as CType;
    return { storage, inline, type, attrs, constQ, definedTag };
  }

  /** typeof ( type-name | expression ) */
  parseTypeofArg(): CType {
    if (!this.at('(')) this.fail('expected ( after typeof');
    const close = this.toks.match[this.pos]!;
    this.pos++;
    let t: CType;
    if (this.isTypeStart()) t = this.parseTypeName();
    else {
      const e = parseExpr(this);
      t = typeOf(this, e);
    }
    this.pos = close + 1;
    return t;
  }

  /** apply mode(...) (integer width) from attributes */
  applyTypeAttrs(type: CType, attrs: Attr[]): CType {
    for (const a of attrs) {
      if (a.name === 'mode' && a.args && (type.k === 'int' || type.k === 'enum')) {
        const m = this.toks.text[a.args[0]]!.replace(/^__(.*)__$/, '$1');
        const signed = type.k === 'int' ? type.signed : true;
        const size = m === 'QI' ? 1 : m === 'HI' ? 2 : m === 'SI' ? 4 : m === 'DI' ? 8 : m === 'TI' ? 16 : m === 'word' || m === 'pointer' ? this.tg.ptrSize : undefined;
        if (size !== undefined) {
          const rank = size === 1 ? 2 : size === 2 ? 3 : size === 4 ? 4 : size === 8 ? 6 : 7;
          type = { k: 'int', size, signed, rank };
        }
      }
    }
    return type;
  }

  // ---- struct / union / enum ----
  parseRecordSpec(): { type: CType; defined: boolean } {
    const kind = this.t() === 'union' ? 'union' : 'struct';
    this.pos++;
    const attrs = this.parseAttrs();
    let tag: string | undefined;
    if (this.isIdentAt() && !this.at('{')) {
      tag = this.t();
      this.pos++;
    }
    // attributes after the tag belong to the record only when a body follows; otherwise to the declaration
    const afterTag = this.pos;
    this.parseAttrs(attrs);
    if (!this.at('{')) this.pos = afterTag;
    if (this.at('{')) {
      let rec: RecordDef | undefined;
      if (tag !== undefined) {
        const own = this.scope.tags.get(tag);
        if (own && own.k === 'record' && !own.rec.complete && own.rec.body === undefined) rec = own.rec;
      }
      if (!rec) {
        rec = { kind, tag, complete: false, packed: false, alignAttr: 0 };
        if (tag !== undefined) this.scope.tags.set(tag, { k: 'record', rec });
      }
      const open = this.pos;
      const close = this.toks.match[open]!;
      if (close < 0 || close >= this.end) this.fail('unbalanced struct body');
      rec.body = [open, close];
      this.pos = close + 1;
      const after = this.parseAttrs();
      for (const a of [...attrs, ...after]) this.applyRecordAttr(rec, a);
      rec.complete = true;
      if (this.curFunc === undefined && this.scope === this.file) {
        // lazily parsed; nested tags and enumerators are file-scope names, so register those now
        this.scanNestedTags(open + 1, close);
        const r = rec;
        const scope = this.scope;
        r.resolve = () => this.resolveRecord(r, scope);
        r.members = undefined;
      } else {
        this.resolveRecord(rec, this.scope);
      }
      return { type: { k: 'record', rec }, defined: true };
    }
    if (tag === undefined) this.fail('struct without tag or body');
    const b = this.lookupTag(tag);
    if (b && b.k === 'record') return { type: { k: 'record', rec: b.rec }, defined: false };
    const rec: RecordDef = { kind, tag, complete: false, packed: false, alignAttr: 0 };
    // an undeclared tag names a new incomplete type (at file scope, or here)
    (this.scope === this.file || this.curFunc ? this.scope : this.file).tags.set(tag, { k: 'record', rec });
    return { type: { k: 'record', rec }, defined: false };
  }

  private applyRecordAttr(rec: RecordDef, a: Attr): void {
    if (a.name === 'packed') rec.packed = true;
    else if (a.name === 'aligned') rec.alignAttr = Math.max(rec.alignAttr, this.attrAligned(a));
  }

  /** register struct/union/enum definitions nested in a lazily parsed member list */
  private scanNestedTags(start: number, end: number): void {
    const tx = this.toks.text;
    for (let i = start; i < end; i++) {
      const w = tx[i];
      if ((w === 'struct' || w === 'union' || w === 'enum') && this.toks.kind[i] === TokKind.Ident) {
        // enum: parse it here (its constants are file-scope names); struct: only when tagged and defined
        let j = i + 1;
        while (j < end && ATTR_KW.has(tx[j]!)) j = this.toks.match[j + 1]! + 1;
        let tagged = false;
        if (j < end && this.toks.kind[j] === TokKind.Ident && tx[j] !== '{') {
          tagged = true;
          j++;
        }
        while (j < end && ATTR_KW.has(tx[j]!)) j = this.toks.match[j + 1]! + 1;
        if (j < end && tx[j] === '{') {
          if (w === 'enum' || tagged) {
            this.inRange(i, end, this.file, () => {
              if (w === 'enum') this.parseEnumSpec();
              else this.parseRecordSpec();
            });
          }
          if (w === 'enum') i = this.toks.match[j]!;
        }
      }
    }
  }

  resolveRecord(rec: RecordDef, scope: Scope): void {
    if (rec.members !== undefined || !rec.body) return;
    const [open, close] = rec.body;
    rec.members = [];
    const members = rec.members;
    rec.resolve = undefined;
    this.inRange(open + 1, close, scope, () => {
      while (!this.eof()) {
        try {
          if (this.eat(';')) continue;
          if (this.t() === '_Static_assert' || this.t() === 'static_assert') {
            this.pos++;
            this.skipGroup();
            this.eat(';');
            continue;
          }
          const specs = this.parseSpecs();
          if (this.at(';')) {
            // anonymous struct/union member
            if (specs.type.k === 'record') members.push({ name: undefined, type: specs.type, offset: 0 });
            this.pos++;
            continue;
          }
          for (;;) {
            let d: Declarator | undefined;
            if (!this.at(':')) d = this.parseDeclarator(specs.type, 'no');
            let bitWidth: number | undefined;
            if (this.eat(':')) {
              const e = parseCondOnly(this);
              const v = evalConstExpr(this, e);
              bitWidth = v === undefined ? 0 : Number(v);
            }
            const attrs = this.parseAttrs([...specs.attrs, ...(d?.attrs ?? [])]);
            let type = d?.type ?? specs.type;
            type = this.memberType(type, attrs, rec.packed);
            const m: { name: string | undefined; type: CType; offset: number; bitWidth?: number } = {
              name: d?.name,
              type,
              offset: 0,
            };
            if (bitWidth !== undefined) m.bitWidth = bitWidth;
            members.push(m);
            if (this.eat(',')) continue;
            break;
          }
          if (!this.eat(';') && !this.eof()) this.fail('expected ; after member');
        } catch (e) {
          if (!(e instanceof ParseError)) throw e;
          this.errors.push({ tok: e.tok, message: `in struct body: ${e.message}` });
          this.skipToSemi();
        }
      }
    });
  }

  /** the type of a member/variable with aligned/packed attributes applied */
  memberType(type: CType, attrs: Attr[], _packedRecord: boolean): CType {
    let t = this.applyTypeAttrs(type, attrs);
    for (const a of attrs) {
      if (a.name === 'aligned') {
        const n = this.attrAligned(a);
        const nat = alignOf(t, this.tg) ?? 1;
        t = { ...t, align: Math.max(n, nat) } as CType;
      } else if (a.name === 'packed' && t.align === undefined) {
        t = { ...t, align: 1 } as CType;
      }
    }
    return t;
  }

  parseEnumSpec(): { type: CType; defined: boolean } {
    this.pos++;
    const attrs = this.parseAttrs();
    let tag: string | undefined;
    if (this.isIdentAt() && !this.at('{')) {
      tag = this.t();
      this.pos++;
    }
    const afterTag = this.pos;
    this.parseAttrs(attrs);
    if (!this.at('{') && !this.at(':')) this.pos = afterTag;
    if (this.eat(':')) this.parseTypeName(); // C23 fixed underlying type
    if (this.at('{')) {
      let en: EnumDef | undefined;
      if (tag !== undefined) {
        const own = this.scope.tags.get(tag);
        if (own && own.k === 'enum' && !own.en.complete) en = own.en;
      }
      if (!en) {
        en = { tag, complete: false, consts: [], underlying: INT };
        if (tag !== undefined) this.scope.tags.set(tag, { k: 'enum', en });
      }
      const close = this.toks.match[this.pos]!;
      this.pos++;
      let prev: EnumConst | undefined;
      while (this.pos < close) {
        if (!this.isIdentAt()) this.fail('expected enumerator');
        const name = this.t();
        this.pos++;
        this.parseAttrs();
        let e: Expr | undefined;
        if (this.eat('=')) e = parseCondOnly(this);
        const c: EnumConst = { name, value: undefined, en };
        const before = prev;
        const scope = this.scope;
        c.resolve = () => {
          c.resolve = undefined; // cycle guard
          if (e) {
            const v = this.inRange(this.pos, this.pos, scope, () => evalConstExpr(this, e));
            c.value = v;
          } else if (!before) c.value = 0n;
          else {
            const pv = enumValue(before);
            c.value = pv === undefined ? undefined : pv + 1n;
          }
          return c.value;
        };
        en.consts.push(c);
        this.scope.ord.set(name, { k: 'enumc', c });
        prev = c;
        if (!this.eat(',')) break;
      }
      this.pos = close + 1;
      const after = this.parseAttrs();
      if ([...attrs, ...after].some((a) => a.name === 'packed')) en.underlying = UCHAR;
      en.complete = true;
      return { type: { k: 'enum', en }, defined: true };
    }
    if (tag === undefined) this.fail('enum without tag or body');
    const b = this.lookupTag(tag);
    if (b && b.k === 'enum') return { type: { k: 'enum', en: b.en }, defined: false };
    const en: EnumDef = { tag, complete: false, consts: [], underlying: INT };
    this.file.tags.set(tag, { k: 'enum', en });
    return { type: { k: 'enum', en }, defined: false };
  }

  // ---- declarators ----
  /**
   * Parse a declarator against `base`. mode 'no': a name is expected; 'yes': abstract (type names); 'maybe':
   * parameters (either).
   */
  parseDeclarator(base: CType, mode: 'no' | 'yes' | 'maybe'): Declarator {
    const attrs: Attr[] = [];
    const ptrConst: boolean[] = [];
    const ptrAttrs: Attr[] = [];
    for (;;) {
      if (this.eat('*')) {
        ptrConst.push(false);
        continue;
      }
      const w = this.t();
      if (this.isIdentAt() && (QUALS.has(w) || w === '_Atomic')) {
        if (ptrConst.length && (w === 'const' || w.startsWith('__const'))) ptrConst[ptrConst.length - 1] = true;
        this.pos++;
        continue;
      }
      if (this.isIdentAt() && ATTR_KW.has(w)) {
        this.parseAttrs(ptrAttrs);
        continue;
      }
      break;
    }
    let inner: Declarator | undefined;
    let name: string | undefined;
    let nameTok = this.pos;
    if (this.at('(') && this.isNestedDeclarator(mode)) {
      const close = this.toks.match[this.pos]!;
      this.pos++;
      inner = this.parseDeclarator(VOID, mode);
      this.pos = close + 1;
    } else if (this.isIdentAt() && mode !== 'yes' && !ASM_KW.has(this.t()) && !ATTR_KW.has(this.t())) {
      name = this.t();
      nameTok = this.pos;
      this.pos++;
    }
    // suffixes
    const suffixes: ({ k: 'arr'; len: number | undefined } | { k: 'fn'; params: ParamInfo[] | undefined; variadic: boolean })[] = [];
    let firstParams: ParamInfo[] | undefined;
    for (;;) {
      if (this.at('[')) {
        const close = this.toks.match[this.pos]!;
        this.pos++;
        let len: number | undefined;
        while (this.isIdentAt() && (QUALS.has(this.t()) || this.t() === 'static')) this.pos++;
        if (this.pos < close && !this.at('*')) {
          const e = parseAssignExpr(this);
          const v = evalConstExpr(this, e);
          len = v === undefined ? undefined : Number(v);
        }
        this.pos = close + 1;
        suffixes.push({ k: 'arr', len });
      } else if (this.at('(')) {
        const fn = this.parseParams();
        if (suffixes.length === 0) firstParams = fn.params ?? [];
        suffixes.push({ k: 'fn', params: fn.params, variadic: fn.variadic });
      } else break;
    }
    // asm label and trailing attributes
    let asmLabel: string | undefined;
    for (;;) {
      if (this.isIdentAt() && ASM_KW.has(this.t())) {
        this.pos++;
        const close = this.toks.match[this.pos]!;
        let s = '';
        for (let i = this.pos + 1; i < close; i++) s += this.toks.str(i) ?? '';
        asmLabel = s;
        this.pos = close + 1;
        continue;
      }
      if (this.isIdentAt() && (ATTR_KW.has(this.t()) || this.t() === '_Alignas')) {
        this.parseAttrs(attrs);
        continue;
      }
      break;
    }
    let t: CType = base;
    for (const c of ptrConst) t = c ? { k: 'ptr', to: t, cq: true } : { k: 'ptr', to: t };
    for (let i = suffixes.length - 1; i >= 0; i--) {
      const s = suffixes[i]!;
      if (s.k === 'arr') t = { k: 'array', of: t, len: s.len };
      else t = { k: 'func', ret: t, params: s.params?.map((p) => p.type), variadic: s.variadic };
    }
    if (inner) {
      const it = substitute(inner.type, t);
      return {
        name: inner.name,
        nameTok: inner.nameTok,
        type: it,
        attrs: [...inner.attrs, ...ptrAttrs, ...attrs],
        asmLabel: inner.asmLabel ?? asmLabel,
        // `int (f)(int a)`: the parentheses only wrap the name
        params: inner.params ?? (inner.type.k === 'void' ? firstParams : undefined),
      };
    }
    return { name, nameTok, type: t, attrs: [...ptrAttrs, ...attrs], asmLabel, params: firstParams };
  }

  /** at '(' in a declarator: a nested declarator (true) or a parameter list (false)? */
  private isNestedDeclarator(mode: 'no' | 'yes' | 'maybe'): boolean {
    const n1 = this.t(1);
    if (this.kindAt(1) === TokKind.Punct) return n1 === '*' || n1 === '(' || n1 === '^' || (n1 === '[' && mode !== 'no');
    if (this.kindAt(1) !== TokKind.Ident) return false;
    if (ATTR_KW.has(n1)) return true;
    if (mode === 'no') return !this.isTypeStartWord(n1);
    // abstract / param: an identifier that is not a type starts a nested declarator only when naming
    if (mode === 'maybe') return !this.isTypeStartWord(n1);
    return false;
  }

  private isTypeStartWord(w: string): boolean {
    return TYPE_KW.has(w) || QUALS.has(w) || STORAGE.has(w) || INLINE.has(w) || this.isTypedefName(w) || w === '...';
  }

  parseParams(): { params: ParamInfo[] | undefined; variadic: boolean } {
    const close = this.toks.match[this.pos]!;
    if (close < 0) this.fail('unbalanced parameter list');
    this.pos++;
    if (this.pos === close) {
      this.pos = close + 1;
      return { params: undefined, variadic: false };
    }
    if (this.t() === 'void' && this.pos + 1 === close) {
      this.pos = close + 1;
      return { params: [], variadic: false };
    }
    const params: ParamInfo[] = [];
    let variadic = false;
    this.pushScope();
    try {
      while (this.pos < close) {
        if (this.eat('...')) {
          variadic = true;
          break;
        }
        const specs = this.parseSpecs();
        const d = this.parseDeclarator(specs.type, 'maybe');
        let t = d.type;
        if (t.k === 'array') t = { k: 'ptr', to: t.of };
        else if (t.k === 'func') t = { k: 'ptr', to: t };
        params.push({ name: d.name, type: t, tok: d.nameTok });
        // a parameter name hides a typedef of the same name for the rest of the prototype
        if (d.name !== undefined && this.isTypedefName(d.name)) {
          this.scope.ord.set(d.name, {
            k: 'local',
            v: { name: d.name, type: t, mutated: false, addrTaken: false, isStatic: false, tok: d.nameTok },
          });
        }
        if (!this.eat(',')) break;
      }
    } finally {
      this.popScope();
    }
    this.pos = close + 1;
    return { params, variadic };
  }

  /** a type name (cast, sizeof, typeof, offsetof) */
  parseTypeName(): CType {
    const specs = this.parseSpecs();
    const d = this.parseDeclarator(specs.type, 'yes');
    return d.type;
  }

  // ---- file scope ----
  parseTranslationUnit(): void {
    while (!this.eof()) {
      const start = this.pos;
      try {
        this.parseExternalDecl();
      } catch (e) {
        if (!(e instanceof ParseError)) throw e;
        this.errors.push({ tok: e.tok, message: e.message });
        this.pos = Math.max(this.pos, start + 1);
        this.recoverTopLevel(start);
      }
    }
  }

  /** skip to the end of a broken file-scope declaration: the next ';' or a function body's '}' */
  private recoverTopLevel(start: number): void {
    this.pos = start;
    while (!this.eof()) {
      if (this.at(';')) {
        this.pos++;
        return;
      }
      if (this.at('{')) {
        const prev = this.toks.text[this.pos - 1];
        this.skipGroup();
        if (prev === ')') return; // a function body
        continue;
      }
      if (this.at('(') || this.at('[')) {
        this.skipGroup();
        continue;
      }
      this.pos++;
    }
  }

  skipToSemi(): void {
    while (!this.eof()) {
      if (this.at(';')) {
        this.pos++;
        return;
      }
      if (this.at('(') || this.at('[') || this.at('{')) {
        const m = this.toks.match[this.pos]!;
        if (m < 0 || m >= this.end) {
          this.pos = this.end;
          return;
        }
        this.pos = m + 1;
        continue;
      }
      this.pos++;
    }
  }

  private parseExternalDecl(): void {
    if (this.eat(';')) return;
    const w = this.t();
    if (ASM_KW.has(w)) {
      const tok = this.pos;
      this.pos++;
      while (this.isIdentAt() && (QUALS.has(this.t()) || this.t() === 'volatile')) this.pos++;
      const close = this.toks.match[this.pos]!;
      const strings: number[] = [];
      for (let i = this.pos + 1; i < close; i++) if (this.toks.kind[i] === TokKind.String) strings.push(i);
      this.topAsm.push({ tok, strings });
      this.pos = close + 1;
      this.eat(';');
      return;
    }
    if (w === '_Static_assert' || w === 'static_assert') {
      this.pos++;
      this.skipGroup();
      this.eat(';');
      return;
    }
    const specs = this.parseSpecs();
    if (this.eat(';')) return;
    let first = true;
    for (;;) {
      const d = this.parseDeclarator(specs.type, 'no');
      const attrs = [...specs.attrs, ...d.attrs];
      if (this.isIdentAt() && ATTR_KW.has(this.t())) this.parseAttrs(attrs);
      if (d.name === undefined) this.fail('declaration without a name');
      if (specs.storage === 'typedef') {
        this.file.ord.set(d.name, { k: 'typedef', t: this.memberType(d.type, attrs, false) });
      } else if (specs.storage === 'register') {
        // a global register variable (`register unsigned long sp asm("sp")`): no symbol
        this.file.ord.set(d.name, {
          k: 'local',
          v: { name: d.name, type: d.type, mutated: true, addrTaken: false, isStatic: false, tok: d.nameTok },
        });
      } else if (d.type.k === 'func' && first && this.at('{')) {
        const open = this.pos;
        const close = this.toks.match[open]!;
        if (close < 0) this.fail('unbalanced function body');
        const g = this.declareGlobal(d, specs, attrs);
        g.body = [open, close];
        g.defined = true;
        g.tok = d.nameTok;
        g.type = d.type;
        g.paramNames = d.params?.map((p) => p.name);
        if (specs.storage === 'extern' && specs.inline) g.gnuExternInline = true;
        this.pos = close + 1;
        return;
      } else {
        const g = this.declareGlobal(d, specs, attrs);
        if (this.eat('=')) {
          const start = this.pos;
          this.skipInitializer();
          g.init = [start, this.pos];
          g.defined = true;
          g.tok = d.nameTok;
          if (g.type.k === 'array' && g.type.len === undefined) {
            const len = this.initLength(start, this.pos, g.type.of);
            if (len !== undefined) g.type = { ...g.type, len };
          }
        } else if (g.kind === 'var' && specs.storage !== 'extern' && !g.defined) {
          g.defined = true; // tentative definition (-fno-common: a real one)
          g.tok = d.nameTok;
        }
      }
      first = false;
      if (this.eat(',')) continue;
      this.expect(';');
      return;
    }
  }

  /** skip an initialiser up to the ',' or ';' that ends it */
  skipInitializer(): void {
    while (!this.eof()) {
      if (this.at(',') || this.at(';')) return;
      if (this.at('(') || this.at('[') || this.at('{')) {
        this.skipGroup();
        continue;
      }
      this.pos++;
    }
  }

  /** element count implied by the initialiser of an array of unknown size */
  initLength(start: number, end: number, elem: CType): number | undefined {
    if (this.toks.kind[start] === TokKind.String) {
      let s = '';
      for (let i = start; i < end && this.toks.kind[i] === TokKind.String; i++) s += this.toks.str(i);
      return s.length + 1;
    }
    if (this.toks.text[start] !== '{') return undefined;
    return this.inRange(start, end, this.scope, () => {
      const init = parseInitializer(this);
      return initCount(this, init, elem);
    });
  }

  /** create or merge the file-scope symbol for a declarator */
  declareGlobal(d: Declarator, specs: Specs, attrs: Attr[]): GSym {
    const name = d.name!;
    const isFunc = d.type.k === 'func';
    let g = this.globals.get(name);
    if (!g) {
      g = {
        name,
        asmName: d.asmLabel ?? name,
        kind: isFunc ? 'func' : 'var',
        type: d.type,
        isStatic: specs.storage === 'static',
        isExtern: specs.storage === 'extern',
        isInline: specs.inline,
        gnuInline: false,
        alwaysInline: false,
        weak: false,
        used: false,
        diagnoseOnCall: false,
        constQual: specs.constQ,
        defined: false,
        tok: d.nameTok,
        attrs: [],
        declCount: 0,
      };
      this.globals.set(name, g);
    } else {
      if (specs.storage === 'static') g.isStatic = true;
      if (specs.storage !== 'extern') g.isExtern = false;
      if (specs.inline) g.isInline = true;
      if (d.asmLabel !== undefined) g.asmName = d.asmLabel;
      if (d.type.k === 'array' && d.type.len === undefined && g.type.k === 'array') {
        /* keep the known length */
      } else g.type = d.type;
      if (specs.constQ) g.constQual = true;
    }
    g.allInline = (g.allInline ?? true) && specs.inline;
    g.declCount++;
    for (const a of attrs) {
      g.attrs.push(a);
      switch (a.name) {
        case 'weak':
          g.weak = true;
          break;
        case 'used':
          g.used = true;
          break;
        case 'error':
        case 'warning':
          g.diagnoseOnCall = true;
          break;
        case 'alias': {
          const s = this.attrString(a);
          if (s !== undefined) {
            g.alias = s;
            g.defined = true;
            g.tok = d.nameTok;
          }
          break;
        }
        case 'section':
          g.section = this.attrString(a);
          break;
        case 'gnu_inline':
          g.gnuInline = true;
          break;
        case 'always_inline':
          g.alwaysInline = true;
          break;
        case 'constructor':
        case 'destructor':
          g.used = true;
          break;
      }
    }
    this.file.ord.set(name, { k: 'global', g });
    return g;
  }
}

/** `a ? b : c` level expression (bit-field widths, enumerator values: no commas, no assignments) */
function parseCondOnly(p: Parser): Expr {
  return parseAssignExpr(p);
}

/** an enumerator's value (evaluated on first use) */
export function enumValue(c: EnumConst): bigint | undefined {
  if (c.resolve) return c.resolve();
  return c.value;
}

/** replace the VOID placeholder at the bottom of a nested declarator's type with `t` */
function substitute(inner: CType, t: CType): CType {
  switch (inner.k) {
    case 'void':
      return t;
    case 'ptr':
      return { ...inner, to: substitute(inner.to, t) };
    case 'array':
      return { ...inner, of: substitute(inner.of, t) };
    case 'func':
      return { ...inner, ret: substitute(inner.ret, t) };
    default:
      return inner;
  }
}

/** number of elements an initialiser list gives an array of unknown size */
export function initCount(p: Parser, init: Init, _elem: CType): number | undefined {
  if (init.k !== 'list') return undefined;
  let idx = 0;
  let max = 0;
  for (const it of init.items) {
    const d = it.desig[0];
    if (d && d.k === 'index') {
      const v = evalConstExpr(p, d.hi ?? d.lo);
      if (v === undefined) return undefined;
      idx = Number(v);
    }
    idx++;
    if (idx > max) max = idx;
  }
  return max;
}

export function sizeOfOr(t: CType, tg: Target): number | undefined {
  return sizeOf(t, tg);
}

export type { IntType };
