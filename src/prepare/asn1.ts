import type { GenContext, Generator } from './types.js';
import { shellWords } from './echo.js';

/**
 * FOO.asn1.h and FOO.asn1.c from a grammar FOO.asn1, as scripts/asn1_compiler (6.1) writes them for kbuild's
 * `$(obj)/%.asn1.c $(obj)/%.asn1.h: $(src)/%.asn1` rule: the header declares the decoder and the action functions,
 * the C file holds the BER decoder's byte-code machine. The host program is never built or run; its tokeniser,
 * parser and two-pass renderer are rewritten here in TypeScript, quirks included (a `-- … --` comment in the middle
 * of a line leaves a copy of the line's tail behind, keyword look-up is a binary search whose order is not the
 * table's, names longer than 255 characters are cut to their length modulo 256, tags and action indices are
 * 8-bit). What the tool rejects is a problem at the grammar's line, and nothing is made.
 */

// ASN.1 keywords, in the order of the tool's keyword table (a token's type is its index here)
const DIRECTIVES = [
  'ABSENT', 'ALL', 'ANY', 'APPLICATION', 'AUTOMATIC', 'BEGIN', 'BIT', 'BMPString', 'BOOLEAN', 'BY', 'CHARACTER',
  'CHOICE', 'CLASS', 'COMPONENT', 'COMPONENTS', 'CONSTRAINED', 'CONTAINING', 'DEFAULT', 'DEFINED', 'DEFINITIONS',
  'EMBEDDED', 'ENCODED', 'ENCODING-CONTROL', 'END', 'ENUMERATED', 'EXCEPT', 'EXPLICIT', 'EXPORTS', 'EXTENSIBILITY',
  'EXTERNAL', 'FALSE', 'FROM', 'GeneralString', 'GeneralizedTime', 'GraphicString', 'IA5String', 'IDENTIFIER',
  'IMPLICIT', 'IMPLIED', 'IMPORTS', 'INCLUDES', 'INSTANCE', 'INSTRUCTIONS', 'INTEGER', 'INTERSECTION',
  'ISO646String', 'MAX', 'MIN', 'MINUS-INFINITY', 'NULL', 'NumericString', 'OBJECT', 'OCTET', 'OF', 'OPTIONAL',
  'ObjectDescriptor', 'PATTERN', 'PDV', 'PLUS-INFINITY', 'PRESENT', 'PRIVATE', 'PrintableString', 'REAL',
  'RELATIVE-OID', 'SEQUENCE', 'SET', 'SIZE', 'STRING', 'SYNTAX', 'T61String', 'TAGS', 'TRUE', 'TeletexString',
  'UNION', 'UNIQUE', 'UNIVERSAL', 'UTCTime', 'UTF8String', 'UniversalString', 'VideotexString', 'VisibleString',
  'WITH',
] as const;

type Directive = (typeof DIRECTIVES)[number];
const kw = (d: Directive): number => DIRECTIVES.indexOf(d);

// the other token types follow the keywords
const T_ASSIGN = DIRECTIVES.length;
const T_OPEN_CURLY = T_ASSIGN + 1;
const T_CLOSE_CURLY = T_ASSIGN + 2;
const T_OPEN_SQUARE = T_ASSIGN + 3;
const T_CLOSE_SQUARE = T_ASSIGN + 4;
const T_OPEN_ACTION = T_ASSIGN + 5;
const T_CLOSE_ACTION = T_ASSIGN + 6;
const T_COMMA = T_ASSIGN + 7;
const T_NUMBER = T_ASSIGN + 8;
const T_TYPE_NAME = T_ASSIGN + 9;
const T_ELEMENT_NAME = T_ASSIGN + 10;

// the universal tag a keyword starts an element with (everything else: 0); UniversalString really gets UTCTime's
const KEYWORD_TAG = new Map<number, number>([
  [kw('BOOLEAN'), 1], [kw('INTEGER'), 2], [kw('BIT'), 3], [kw('OCTET'), 4], [kw('NULL'), 5], [kw('OBJECT'), 6],
  [kw('ObjectDescriptor'), 7], [kw('EXTERNAL'), 8], [kw('REAL'), 9], [kw('ENUMERATED'), 10], [kw('UTF8String'), 12],
  [kw('RELATIVE-OID'), 13], [kw('SEQUENCE'), 16], [kw('SET'), 17], [kw('NumericString'), 18],
  [kw('PrintableString'), 19], [kw('T61String'), 20], [kw('TeletexString'), 20], [kw('VideotexString'), 21],
  [kw('IA5String'), 22], [kw('UTCTime'), 23], [kw('GeneralizedTime'), 24], [kw('GraphicString'), 25],
  [kw('VisibleString'), 26], [kw('GeneralString'), 27], [kw('UniversalString'), 23], [kw('CHARACTER'), 29],
  [kw('BMPString'), 30],
]);
const tagOf = (type: number) => KEYWORD_TAG.get(type) ?? 0;

const CLASS_NAMES = ['UNIV', 'APPL', 'CONT', 'PRIV'];
const METHOD_NAMES = ['PRIM', 'CONS'];
const UNIVERSAL_NAMES: (string | undefined)[] = [
  'EOC', 'BOOL', 'INT', 'BTS', 'OTS', 'NULL', 'OID', 'ODE', 'EXT', 'REAL', 'ENUM', 'EPDV', 'UTF8STR', 'RELOID',
  undefined, undefined, 'SEQ', 'SET', 'NUMSTR', 'PRNSTR', 'TEXSTR', 'VIDSTR', 'IA5STR', 'UNITIM', 'GENTIM', 'GRASTR',
  'VISSTR', 'GENSTR', 'UNISTR', 'CHRSTR', 'BMPSTR', undefined,
];

const UNIV = 0;
const APPL = 1;
const CONT = 2;
const PRIV = 3;
const CONS = 1;

interface Token {
  type: number;
  /** the token's text, as the tool stores it (cut to `size` characters) */
  text: string;
  /** 8-bit length */
  size: number;
  line: number;
}

/** what the tool reads past the last token: zeroed memory (keyword 0, no text) */
const NO_TOKEN: Token = { type: 0, text: '(null)', size: 0, line: 0 };

class Asn1Error extends Error {
  constructor(message: string, readonly line: number) {
    super(message);
  }
}

const isSpace = (c: number) => c === 32 || (c >= 9 && c <= 13);
const isDigit = (c: number) => c >= 48 && c <= 57;
const isUpper = (c: number) => c >= 65 && c <= 90;
const isLower = (c: number) => c >= 97 && c <= 122;
const isAlpha = (c: number) => isUpper(c) || isLower(c);
const DASH = 45;

/** memcmp's sign over the first n characters (latin1 text: one character per byte) */
function memcmp(a: string, b: string, n: number): number {
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i) || 0;
    const y = b.charCodeAt(i) || 0;
    if (x !== y) return x - y;
  }
  return 0;
}

/** glibc's bsearch: halving [l, u) until the comparison is 0 */
function bsearch<T>(n: number, at: (i: number) => T, cmp: (e: T) => number): T | undefined {
  let l = 0;
  let u = n;
  while (l < u) {
    const i = (l + u) >> 1;
    const c = cmp(at(i));
    if (c < 0) u = i;
    else if (c > 0) l = i + 1;
    else return at(i);
  }
  return undefined;
}

/** the keyword a capitalised word is, by the tool's comparison (a shorter keyword sorts after a longer word) */
function keyword(t: Token): number | undefined {
  const d = bsearch(DIRECTIVES.length, (i) => i, (i) => {
    const dir = DIRECTIVES[i]!;
    const c = memcmp(t.text, dir, Math.min(dir.length, t.size));
    return c !== 0 ? c : dir.length - t.size;
  });
  return d;
}

/**
 * A line with its `--` comments removed, the way the tool edits its buffer in place. A closed comment at the very
 * end of a line makes the tool find the same comment again forever; that is reported instead of looping.
 */
function stripComments(line: string, lineNo: number): number[] {
  const a: number[] = [];
  for (let i = 0; i < line.length; i++) a.push(line.charCodeAt(i));
  let nl = a.length;
  a.push(0); // the terminator where the newline was
  const dashAt = (from: number) => {
    for (let i = from; i < nl; i++) if (a[i] === DASH) return i;
    return -1;
  };
  let p = 0;
  let moves = 0;
  for (;;) {
    p = dashAt(p);
    if (p < 0) break;
    if (a[p + 1] !== DASH) {
      p++;
      continue;
    }
    let q = p + 2;
    let closed = -1;
    for (;;) {
      q = dashAt(q);
      if (q < 0) break;
      if (a[q + 1] === DASH) {
        closed = q + 2;
        break;
      }
      q++;
    }
    if (closed < 0) {
      nl = p; // runs to the end of the line
      break;
    }
    if (closed === nl || ++moves > 4 * (nl + 1) * (nl + 1)) {
      throw new Asn1Error('asn1_compiler never finishes on this line (a "-- … --" comment closes at its end)', lineNo);
    }
    // the rest of the line moves down over the comment; the end of the line stays where it was
    for (let k = 0; k < nl - closed; k++) a[p + k] = a[closed + k]!;
  }
  return a.slice(0, nl);
}

// the punctuation tokens, longest first
const PUNCTUATION: [string, number][] = [
  ['::=', T_ASSIGN], ['({', T_OPEN_ACTION], ['})', T_CLOSE_ACTION], ['{', T_OPEN_CURLY], ['}', T_CLOSE_CURLY],
  ['[', T_OPEN_SQUARE], [']', T_CLOSE_SQUARE], [',', T_COMMA],
];

function tokenise(text: string): Token[] {
  const tokens: Token[] = [];
  const lines = text.split('\n');
  // a final newline ends the last line; the tool sees no line after it
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  for (let ln = 0; ln < lines.length; ln++) {
    const line = ln + 1;
    const a = stripComments(lines[ln]!, line);
    const n = a.length;
    const word = (start: number, end: number, type: number) => {
      const size = (end - start) & 0xff;
      tokens.push({ type, text: String.fromCharCode(...a.slice(start, start + size)), size, line });
    };
    let p = 0;
    while (p < n) {
      while (p < n && isSpace(a[p]!)) p++;
      if (p >= n) break;
      const c = a[p]!;
      if (isAlpha(c)) {
        let q = p + 1;
        while (q < n && (isAlpha(a[q]!) || isDigit(a[q]!) || a[q] === DASH || a[q] === 95)) q++;
        word(p, q, T_TYPE_NAME);
        p = q;
        const t = tokens[tokens.length - 1]!;
        if (isLower(t.text.charCodeAt(0))) t.type = T_ELEMENT_NAME;
        else t.type = keyword(t) ?? T_TYPE_NAME;
        continue;
      }
      if (isDigit(c)) {
        let q = p + 1;
        while (q < n && isDigit(a[q]!)) q++;
        word(p, q, T_NUMBER);
        p = q;
        continue;
      }
      const punct = PUNCTUATION.find(([s]) => s.split('').every((ch, k) => p + k < n && a[p + k] === ch.charCodeAt(0)));
      if (punct) {
        tokens.push({ type: punct[1], text: punct[0], size: punct[0].length, line });
        p += punct[0].length;
        continue;
      }
      throw new Asn1Error(`unknown character in grammar: '${String.fromCharCode(c)}'`, line);
    }
  }
  return tokens;
}

const enum Compound {
  NotCompound,
  Set,
  SetOf,
  Sequence,
  SequenceOf,
  Choice,
  Any,
  TypeRef,
  TagOverride,
}

const F_IMPLICIT = 0x1;
const F_EXPLICIT = 0x2;
const F_TAG_SPECIFIED = 0x4;
const F_RENDERED = 0x8;
const F_SKIPPABLE = 0x10;
const F_CONDITIONAL = 0x20;

interface Action {
  name: string;
  index: number;
}

interface TypeDef {
  /** index of the name token */
  name: number;
  element?: Element;
  refs: number;
}

interface Element {
  typeDef?: TypeDef;
  name?: Token;
  /** the referenced type of a TypeRef */
  ref?: TypeDef;
  action?: Action;
  children: Element[];
  compound: Compound;
  cls: number;
  method: number;
  tag: number;
  entry: number;
  flags: number;
}

/** strtoul of a decimal digit string, as the 8 bits the tag keeps (saturating at ULONG_MAX) */
function tagNumber(digits: string): number {
  if (digits === '') return 0;
  const v = BigInt(digits);
  return v > 0xffffffffffffffffn ? 0xff : Number(v & 0xffn);
}

class Grammar {
  readonly types: TypeDef[] = [];
  private readonly index: TypeDef[];
  readonly actions: Action[] = [];
  readonly elements: Element[] = [];

  constructor(readonly tokens: Token[]) {
    for (let n = 0; n + 1 < tokens.length; n++) {
      if (tokens[n]!.type === T_TYPE_NAME && tokens[n + 1]!.type === T_ASSIGN) this.types.push({ name: n, refs: 0 });
    }
    if (this.types.length === 0) throw new Asn1Error('no defined types', tokens[tokens.length - 1]?.line ?? 1);
    this.index = [...this.types].sort((a, b) => this.byName(this.tok(a.name), this.tok(b.name)));
    for (let t = 0; t < this.types.length; t++) {
      const type = this.types[t]!;
      const end = t + 1 < this.types.length ? this.types[t + 1]!.name : tokens.length;
      const cur = { i: type.name + 2 };
      type.element = this.parseType(cur, end, undefined);
      type.element.typeDef = type;
      if (cur.i !== end) throw new Asn1Error(`parse error at token '${this.tok(cur.i).text}'`, this.lineAt(cur.i));
    }
  }

  tok(i: number): Token {
    return this.tokens[i] ?? NO_TOKEN;
  }

  private lineAt(i: number): number {
    return this.tokens[Math.min(i, this.tokens.length - 1)]?.line ?? 1;
  }

  private byName(a: Token, b: Token): number {
    return a.size !== b.size ? a.size - b.size : memcmp(a.text, b.text, a.size);
  }

  private elem(): Element {
    const e: Element = { children: [], compound: Compound.NotCompound, cls: UNIV, method: 0, tag: 0, entry: 0, flags: 0 };
    this.elements.push(e);
    return e;
  }

  private fail(what: string, i: number): never {
    throw new Asn1Error(`${what} '${this.tok(i).text}'`, this.lineAt(i));
  }

  private parseType(cur: { i: number }, end: number, name: Token | undefined): Element {
    const eof = () => new Asn1Error('unexpectedly hit EOF', this.lineAt(end - 1));
    const next = (orElse: () => Error = eof) => {
      cur.i++;
      if (cur.i >= end) throw orElse();
    };
    const top = this.elem();
    let el = top;
    el.tag = tagOf(this.tok(cur.i).type);
    el.name = name;
    let labelled = false;
    let implicit = false;
    if (this.tok(cur.i).type === T_OPEN_SQUARE) {
      next();
      const t = this.tok(cur.i).type;
      if (t === kw('UNIVERSAL')) el.cls = UNIV;
      else if (t === kw('APPLICATION')) el.cls = APPL;
      else if (t === kw('PRIVATE')) el.cls = PRIV;
      else if (t === T_NUMBER) el.cls = CONT;
      else this.fail('unrecognised tag class token', cur.i);
      if (t !== T_NUMBER) next();
      if (this.tok(cur.i).type !== T_NUMBER) this.fail('missing tag number', cur.i);
      el.tag = ((el.tag & ~0x1f) | tagNumber(this.tok(cur.i).text)) & 0xff;
      el.flags |= F_TAG_SPECIFIED;
      next();
      if (this.tok(cur.i).type !== T_CLOSE_SQUARE) this.fail('missing closing square bracket', cur.i);
      next();
      labelled = true;
    }
    if (this.tok(cur.i).type === kw('IMPLICIT')) {
      el.flags |= F_IMPLICIT;
      implicit = true;
      next();
    } else if (this.tok(cur.i).type === kw('EXPLICIT')) {
      el.flags |= F_EXPLICIT;
      next();
    }
    if (labelled) {
      if (!implicit) el.method |= CONS;
      el.compound = implicit ? Compound.TagOverride : Compound.Sequence;
      const inner = this.elem();
      el.children = [inner];
      el = inner;
      el.tag = tagOf(this.tok(cur.i).type);
      el.name = name;
    }

    const t = this.tok(cur.i).type;
    const word = (w: Directive) => {
      next();
      if (this.tok(cur.i).type !== kw(w)) this.fail('unexpected token', cur.i);
      cur.i++;
    };
    switch (t) {
      case kw('ANY'):
        el.compound = Compound.Any;
        cur.i++;
        break;
      case kw('NULL'): case kw('BOOLEAN'): case kw('ENUMERATED'): case kw('INTEGER'):
      case kw('BMPString'): case kw('GeneralString'): case kw('GraphicString'): case kw('IA5String'):
      case kw('ISO646String'): case kw('NumericString'): case kw('PrintableString'): case kw('T61String'):
      case kw('TeletexString'): case kw('UniversalString'): case kw('UTF8String'): case kw('VideotexString'):
      case kw('VisibleString'): case kw('ObjectDescriptor'): case kw('GeneralizedTime'): case kw('UTCTime'):
        el.compound = Compound.NotCompound;
        cur.i++;
        break;
      case kw('EXTERNAL'):
        el.method = CONS;
        el.compound = Compound.NotCompound;
        cur.i++;
        break;
      case kw('BIT'): case kw('OCTET'):
        el.compound = Compound.NotCompound;
        word('STRING');
        break;
      case kw('OBJECT'):
        el.compound = Compound.NotCompound;
        word('IDENTIFIER');
        break;
      case T_TYPE_NAME: {
        el.compound = Compound.TypeRef;
        const key = this.tok(cur.i);
        const ref = bsearch(this.index.length, (i) => this.index[i]!, (ty) => this.byName(key, this.tok(ty.name)));
        if (!ref) this.fail('undefined type', cur.i);
        el.ref = ref;
        ref.refs++;
        cur.i++;
        break;
      }
      case kw('CHOICE'):
        el.compound = Compound.Choice;
        cur.i++;
        el.children = this.parseCompound(cur, end, true);
        break;
      case kw('SEQUENCE'): case kw('SET'): {
        const seq = t === kw('SEQUENCE');
        el.compound = seq ? Compound.Sequence : Compound.Set;
        el.method = CONS;
        next();
        if (this.tok(cur.i).type === kw('OF')) {
          el.compound = seq ? Compound.SequenceOf : Compound.SetOf;
          next(seq ? eof : () => new Asn1Error(`unexpected token '${this.tok(cur.i).text}'`, this.lineAt(cur.i)));
          el.children = [this.parseType(cur, end, undefined)];
        } else el.children = this.parseCompound(cur, end, !seq);
        break;
      }
      default:
        this.fail('this token does not introduce a type:', cur.i);
    }

    if (cur.i < end && (this.tok(cur.i).type === kw('OPTIONAL') || this.tok(cur.i).type === kw('DEFAULT'))) {
      cur.i++;
      top.flags |= F_SKIPPABLE;
    }
    if (cur.i < end && this.tok(cur.i).type === T_OPEN_ACTION) {
      next();
      if (this.tok(cur.i).type !== T_ELEMENT_NAME) this.fail('not an action function name:', cur.i);
      el.action = this.action(this.tok(cur.i).text);
      next();
      if (this.tok(cur.i).type !== T_CLOSE_ACTION) this.fail('missing close action, got', cur.i);
      cur.i++;
    }
    return top;
  }

  /** the action of that name, kept in the tool's list sorted by strcmp */
  private action(name: string): Action {
    let k = 0;
    while (k < this.actions.length && this.actions[k]!.name < name) k++;
    if (this.actions[k]?.name === name) return this.actions[k]!;
    const a = { name, index: 0 };
    this.actions.splice(k, 0, a);
    return a;
  }

  private parseCompound(cur: { i: number }, end: number, alternates: boolean): Element[] {
    const eof = () => new Asn1Error('unexpectedly hit EOF', this.lineAt(end - 1));
    if (this.tok(cur.i).type !== T_OPEN_CURLY) this.fail('expected a compound to start with a brace, not', cur.i);
    cur.i++;
    if (cur.i >= end) throw eof();
    if (this.tok(cur.i).type === T_OPEN_CURLY) throw new Asn1Error('empty compound', this.lineAt(cur.i));
    const children: Element[] = [];
    for (;;) {
      let name: Token | undefined;
      if (this.tok(cur.i).type === T_ELEMENT_NAME) {
        name = this.tok(cur.i);
        cur.i++;
        if (cur.i >= end) throw eof();
      }
      const e = this.parseType(cur, end, name);
      if (alternates) e.flags |= F_SKIPPABLE | F_CONDITIONAL;
      children.push(e);
      if (cur.i >= end) throw eof();
      if (this.tok(cur.i).type !== T_COMMA) break;
      cur.i++;
      if (cur.i >= end) throw eof();
    }
    children[0]!.flags &= ~F_CONDITIONAL;
    if (this.tok(cur.i).type !== T_CLOSE_CURLY) this.fail('expected compound closure, got', cur.i);
    cur.i++;
    return children;
  }
}

/** the two passes of the machine's rendering: the first only counts entries (out-of-line jump targets) */
class Renderer {
  private entries = 0;
  private depth = 1;
  private queue: Element[] = [];
  out: string[] | undefined;

  constructor(private readonly g: Grammar) {}

  run(out: string[] | undefined): void {
    this.out = out;
    this.entries = 0;
    this.queue = [];
    this.element(this.g.types[0]!.element!, undefined);
    this.op('ASN1_OP_COMPLETE,\n');
    this.outOfLine();
  }

  private op(text: string): void {
    this.out?.push(`\t[${String(this.entries).padStart(4)}] =${' '.repeat(this.depth)}${text}`);
    this.entries++;
  }

  private more(text: string): void {
    this.out?.push(text);
  }

  private outOfLine(): void {
    for (let k = 0; k < this.queue.length; k++) {
      const e = this.queue[k]!;
      this.more('\n');
      const entry = (e.entry = this.entries);
      this.depth++;
      for (const c of e.children) this.element(c, undefined);
      this.depth--;
      const act = e.action ? '_ACT' : '';
      if (e.compound === Compound.Sequence) this.op(`ASN1_OP_END_SEQ${act},\n`);
      else if (e.compound === Compound.SequenceOf || e.compound === Compound.SetOf) {
        this.op(`ASN1_OP_END_${e.compound === Compound.SequenceOf ? 'SEQ' : 'SET'}_OF${act},\n`);
        this.op(`_jump_target(${entry}),\n`);
      } else if (e.compound === Compound.Set) this.op(`ASN1_OP_END_SET${act},\n`);
      if (e.action) this.op(`_action(ACT_${e.action.name}),\n`);
      this.op('ASN1_OP_RETURN,\n');
    }
  }

  /** a jump to the element's out-of-line body, queued the first time */
  private jump(e: Element): void {
    this.op(`_jump_target(${e.entry}),`);
    if (e.typeDef) this.more(`\t\t// --> ${this.g.tok(e.typeDef.name).text}`);
    this.more('\n');
    if (!(e.flags & F_RENDERED)) {
      e.flags |= F_RENDERED;
      this.queue.push(e);
    }
  }

  private element(e: Element, tag: Element | undefined): void {
    const skippable = !!(e.flags & F_SKIPPABLE) || !!(tag && tag.flags & F_SKIPPABLE);
    const outOfLine = (e.typeDef !== undefined && e.typeDef.refs > 1) || skippable;
    if (e.typeDef) this.more(`\t// ${this.g.tok(e.typeDef.name).text}\n`);
    const cond = e.flags & F_CONDITIONAL || (tag && tag.flags & F_CONDITIONAL) ? 'COND_' : '';
    const act = e.action ? '_ACT' : '';
    const skip = skippable ? '_OR_SKIP' : '';

    let withTag = true;
    switch (e.compound) {
      case Compound.Any:
        this.op(`ASN1_OP_${cond}MATCH_ANY${act}${skip},`);
        if (e.name) this.more(`\t\t// ${e.name.text}`);
        this.more('\n');
        withTag = false;
        break;
      case Compound.TagOverride:
        this.element(e.children[0]!, e);
        return;
      case Compound.Sequence: case Compound.SequenceOf: case Compound.Set: case Compound.SetOf:
        this.op(`ASN1_OP_${cond}MATCH${outOfLine ? '_JUMP' : ''}${skip},`);
        break;
      case Compound.Choice:
        withTag = false;
        break;
      case Compound.TypeRef:
        if (e.cls === UNIV && e.method === 0 && e.tag === 0) {
          withTag = false;
          break;
        }
        this.op(`ASN1_OP_${cond}MATCH${act}${skip},`);
        break;
      default:
        this.op(`ASN1_OP_${cond}MATCH${act}${skip},`);
    }

    if (withTag) {
      const named = tag ?? e;
      if (named.name) this.more(`\t\t// ${named.name.text}`);
      this.more('\n');
      const t = tag && tag.flags & F_TAG_SPECIFIED ? tag : e;
      const method = METHOD_NAMES[t.method | e.method]!;
      if (t.cls === UNIV && t.tag !== 14 && t.tag !== 15 && t.tag !== 31) {
        const u = UNIVERSAL_NAMES[t.tag];
        if (u === undefined) throw new Asn1Error(`universal tag ${t.tag} is out of the tool's table`, 0);
        this.op(`_tag(${CLASS_NAMES[t.cls]}, ${method}, ${u}),\n`);
      } else this.op(`_tagn(${CLASS_NAMES[t.cls]}, ${method}, ${String(t.tag).padStart(2)}),\n`);
      tag = undefined;
    }

    switch (e.compound) {
      case Compound.TypeRef:
        this.element(e.ref!.element!, tag);
        if (e.action) this.op(`ASN1_OP_${skippable ? 'MAYBE_' : ''}ACT,\n`);
        break;
      case Compound.Sequence:
        if (outOfLine) return this.jump(e);
        this.depth++;
        for (const c of e.children) this.element(c, undefined);
        this.depth--;
        this.op(`ASN1_OP_END_SEQ${act},\n`);
        break;
      case Compound.SequenceOf: case Compound.SetOf: {
        if (outOfLine) return this.jump(e);
        const entry = this.entries;
        this.depth++;
        this.element(e.children[0]!, undefined);
        this.depth--;
        this.op(`ASN1_OP_END_${e.compound === Compound.SequenceOf ? 'SEQ' : 'SET'}_OF${act},\n`);
        this.op(`_jump_target(${entry}),\n`);
        break;
      }
      case Compound.Set:
        throw new Asn1Error('the ASN.1 SET type is not supported by asn1_compiler', this.g.tok(e.typeDef?.name ?? 0).line);
      case Compound.Choice:
        for (const c of e.children) this.element(c, c);
        if (!skippable) this.op('ASN1_OP_COND_FAIL,\n');
        if (e.action) this.op('ASN1_OP_ACT,\n');
        break;
      default:
        break;
    }
    if (e.action) this.op(`_action(ACT_${e.action.name}),\n`);
  }
}

export interface Asn1Output {
  header: string;
  source: string;
}

/** what asn1_compiler writes for `grammar` (its name: the grammar file's base name up to the first dot) */
export function compileAsn1(text: string, name: string): Asn1Output {
  const g = new Grammar(tokenise(text));
  const h: string[] = [];
  const banner = ['/*\n', ' * Automatically generated by asn1_compiler.  Do not edit\n', ' *\n', ` * ASN.1 parser for ${name}\n`, ' */\n'];
  h.push(...banner, '#include <linux/asn1_decoder.h>\n', '\n', `extern const struct asn1_decoder ${name}_decoder;\n`, '\n');
  const c: string[] = [...banner, '#include <linux/asn1_ber_bytecode.h>\n', `#include "${name}.asn1.h"\n`, '\n'];
  g.actions.forEach((a, k) => {
    a.index = k & 0xff;
    h.push(`extern int ${a.name}(void *, size_t, unsigned char, const void *, size_t);\n`);
  });
  h.push('\n');
  c.push(`enum ${name}_actions {\n`);
  for (const a of g.actions) c.push(`\tACT_${a.name} = ${a.index},\n`);
  c.push(`\tNR__${name}_actions = ${g.actions.length}\n`, '};\n', '\n');
  c.push(`static const asn1_action_t ${name}_action_table[NR__${name}_actions] = {\n`);
  for (const a of g.actions) c.push(`\t[${String(a.index).padStart(4)}] = ${a.name},\n`);
  c.push('};\n');

  const r = new Renderer(g);
  r.run(undefined);
  for (const e of g.elements) e.flags &= ~F_RENDERED;
  c.push('\n', `static const unsigned char ${name}_machine[] = {\n`);
  r.run(c);
  c.push('};\n', '\n', `const struct asn1_decoder ${name}_decoder = {\n`, `\t.machine = ${name}_machine,\n`);
  c.push(`\t.machlen = sizeof(${name}_machine),\n`, `\t.actions = ${name}_action_table,\n`, '};\n');
  return { header: h.join(''), source: c.join('') };
}

function rel(ctx: GenContext, p: string): string {
  if (ctx.srctree !== '.' && p.startsWith(ctx.srctree + '/')) p = p.slice(ctx.srctree.length + 1);
  return p.replace(/^(\.\/)+/, '');
}

export const asn1Header: Generator = (ctx) => {
  const words = shellWords(ctx.rule.command.replace(/^\s*[@+-]+/, ''));
  if (!words || words[0] === undefined || !/(^|\/)asn1_compiler$/.test(words[0])) return undefined;
  const args = words.slice(1);
  while (args.length > 3 && (args[0] === '-v' || args[0] === '-d')) args.shift();
  if (args.length !== 3) return undefined; // the tool prints its usage and fails
  const [grammar, cFile, hFile] = [args[0]!, rel(ctx, args[1]!), rel(ctx, args[2]!)];
  if (ctx.rule.target !== hFile && ctx.rule.target !== cFile) return undefined;
  const input = ctx.readInput(grammar);
  if (!input) return undefined;
  const base = grammar.slice(grammar.lastIndexOf('/') + 1);
  const name = base.includes('.') ? base.slice(0, base.indexOf('.')) : base;
  let out: Asn1Output;
  try {
    out = compileAsn1(input.text, name);
  } catch (e) {
    if (!(e instanceof Asn1Error)) throw e;
    ctx.problem(`${e.message} (asn1_compiler stops here)`, { file: input.file, line: Math.max(e.line, 1), col: 1 });
    return undefined;
  }
  if (ctx.rule.target === hFile) {
    ctx.also(cFile, out.source);
    return out.header;
  }
  ctx.also(hFile, out.header);
  return out.source;
};
