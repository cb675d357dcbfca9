import { DIALECT_6_1, type KconfigDialect } from './dialect.js';
import { strtoll, strtoull } from './cnum.js';
import { stringValid } from './finalize.js';
import {
  type Expr,
  F_CHOICE,
  F_CONST,
  F_DEF_USER,
  F_NEED_SET_CHOICE_VALUES,
  F_NO_WRITE,
  F_VALID,
  F_WRITE,
  type Prop,
  type Sym,
  type SymType,
  type SymbolTable,
} from './model.js';

/**
 * Per-configuration evaluation state and conf's value computation (scripts/kconfig/symbol.c sym_calc_value and
 * friends, reimplemented): lazy, cached per symbol with a VALID flag, with conf's exact order of side effects —
 * a symbol being computed reads as n (or "") to whoever asks during its own computation, choices are resolved when
 * first needed, and which symbols get written depends on the path the computation took. Matching conf bit for bit
 * needs all of that, so the structure deliberately follows the original algorithm.
 */

export type Tri = 0 | 1 | 2;

export interface UnmetDep {
  sym: Sym;
  dirDep: Tri;
  /** selectors active at y / m when the warning fired */
  selectedBy: { expr: Expr; value: Tri }[];
}

export class Evaluator {
  readonly flags: Int32Array;
  readonly currTri: Uint8Array;
  readonly currVal: (string | null)[];
  readonly currChoice: (Sym | null)[];
  readonly defTri: Uint8Array;
  readonly defVal: (string | null)[];
  readonly defChoice: (Sym | null)[];
  readonly visible: Uint8Array;
  readonly dirDepTri: Uint8Array;
  readonly revDepTri: Uint8Array;
  readonly impliedTri: Uint8Array;
  readonly propVis: Uint8Array;
  modulesVal: Tri = 0;
  /** conf_changed */
  changed = true;
  readonly unmet = new Map<Sym, UnmetDep>();
  readonly modules: Sym;

  constructor(
    readonly syms: SymbolTable,
    modulesSym: Sym | null,
    propCount: number,
    /** the tree's conf (src/kconfig/dialect.ts) */
    readonly dialect: KconfigDialect = DIALECT_6_1,
  ) {
    const n = syms.all.length;
    this.flags = new Int32Array(n);
    for (const s of syms.all) this.flags[s.id] = s.flags;
    this.currTri = new Uint8Array(n);
    this.currVal = new Array<string | null>(n).fill(null);
    this.currChoice = new Array<Sym | null>(n).fill(null);
    this.defTri = new Uint8Array(n);
    this.defVal = new Array<string | null>(n).fill(null);
    this.defChoice = new Array<Sym | null>(n).fill(null);
    this.visible = new Uint8Array(n);
    this.dirDepTri = new Uint8Array(n);
    this.revDepTri = new Uint8Array(n);
    this.impliedTri = new Uint8Array(n);
    this.propVis = new Uint8Array(propCount);
    for (const [s, v] of [
      [syms.yes, 2],
      [syms.mod, 1],
      [syms.no, 0],
    ] as const) {
      this.flags[s.id] = F_CONST | F_VALID;
      this.currTri[s.id] = v;
      this.currVal[s.id] = s.name;
    }
    this.modules = modulesSym ?? syms.no;
  }

  hasValue(s: Sym): boolean {
    return (this.flags[s.id]! & F_DEF_USER) !== 0;
  }

  /** sym_get_type: a tristate acts as bool without modules, and as a visible choice value */
  getType(s: Sym): SymType {
    if (s.type === 'tristate') {
      if (s.isChoiceValue && this.visible[s.id] === 2) return 'bool';
      if (this.modulesVal === 0) return 'bool';
    }
    return s.type;
  }

  /** sym_get_string_value */
  stringValue(s: Sym): string {
    if (s.type === 'bool' || s.type === 'tristate') {
      const t = this.currTri[s.id]!;
      return t === 2 ? 'y' : t === 1 ? 'm' : 'n';
    }
    return this.currVal[s.id] ?? '';
  }

  tri(s: Sym): Tri {
    return this.currTri[s.id] as Tri;
  }

  calc(e: Expr | null): Tri {
    if (!e) return 2;
    switch (e.t) {
      case 'sym':
        this.calcValue(e.s);
        return this.currTri[e.s.id] as Tri;
      case 'and': {
        const a = this.calc(e.l);
        const b = this.calc(e.r);
        return a < b ? a : b;
      }
      case 'or': {
        const a = this.calc(e.l);
        const b = this.calc(e.r);
        return a > b ? a : b;
      }
      case 'not':
        return (2 - this.calc(e.e)) as Tri;
      case 'cmp':
        return this.compare(e.op, e.l, e.r);
    }
  }

  private compare(op: string, l: Sym, r: Sym): Tri {
    this.calcValue(l);
    this.calcValue(r);
    const s1 = this.stringValue(l);
    const s2 = this.stringValue(r);
    let res: number;
    let k1: Kind = 'string';
    let k2: Kind = 'string';
    let v1 = 0n;
    let v2 = 0n;
    if (l.type !== 'string' || r.type !== 'string') {
      [k1, v1] = parseValue(s1, l.type);
      [k2, v2] = parseValue(s2, r.type);
    }
    if (k1 === 'string' || k2 === 'string') res = s1 < s2 ? -1 : s1 > s2 ? 1 : 0;
    else if (k1 === 'unsigned' || k2 === 'unsigned') {
      const a = BigInt.asUintN(64, v1);
      const b = BigInt.asUintN(64, v2);
      res = a > b ? 1 : a < b ? -1 : 0;
    } else res = v1 > v2 ? 1 : v1 < v2 ? -1 : 0;
    switch (op) {
      case '=':
        return res ? 0 : 2;
      case '>=':
        return res >= 0 ? 2 : 0;
      case '>':
        return res > 0 ? 2 : 0;
      case '<=':
        return res <= 0 ? 2 : 0;
      case '<':
        return res < 0 ? 2 : 0;
      default:
        return res ? 2 : 0;
    }
  }

  /** first default whose condition holds (records the condition's value like conf does) */
  defaultProp(s: Sym): Prop | undefined {
    for (const p of s.props) {
      if (p.type !== 'default') continue;
      const v = this.calc(p.visible);
      this.propVis[p.id] = v;
      if (v !== 0) return p;
    }
    return undefined;
  }

  rangeProp(s: Sym): Prop | undefined {
    for (const p of s.props) {
      if (p.type !== 'range') continue;
      const v = this.calc(p.visible);
      this.propVis[p.id] = v;
      if (v !== 0) return p;
    }
    return undefined;
  }

  private rangeVal(s: Sym, base: number): bigint {
    this.calcValue(s);
    if (s.type === 'int') base = 10;
    else if (s.type === 'hex') base = 16;
    return strtoll(this.currVal[s.id] ?? '', base).value;
  }

  private validateRange(s: Sym): void {
    let base: number;
    if (s.type === 'int') base = 10;
    else if (s.type === 'hex') base = 16;
    else return;
    const p = this.rangeProp(s);
    if (!p) return;
    const val = strtoll(this.currVal[s.id] ?? '', base).value;
    let bound = p.lo!;
    let v2 = this.rangeVal(bound, base);
    if (val >= v2) {
      bound = p.hi!;
      v2 = this.rangeVal(bound, base);
      if (val <= v2) return;
    }
    this.currVal[s.id] = this.currVal[bound.id] ?? '';
  }

  calcVisibility(s: Sym): void {
    const id = s.id;
    let tri: Tri = 0;
    const choice = s.isChoiceValue ? s.choice : null;
    for (const p of s.props) {
      if (p.text === undefined) continue;
      let v = this.calc(p.visible);
      // a tristate choice value that could only be m is hidden when the choice is y
      if (choice && s.type === 'tristate' && v === 1 && this.currTri[choice.id] === 2) v = 0;
      this.propVis[p.id] = v;
      if (v > tri) tri = v;
    }
    if (tri === 1 && (s.type !== 'tristate' || this.modulesVal === 0)) tri = 2;
    this.visible[id] = tri;
    if (s.isChoiceValue) return;
    tri = s.dirDep ? this.calc(s.dirDep) : 2;
    if (tri === 1 && this.getType(s) === 'bool') tri = 2;
    this.dirDepTri[id] = tri;
    tri = s.revDep ? this.calc(s.revDep) : 0;
    if (tri === 1 && this.getType(s) === 'bool') tri = 2;
    this.revDepTri[id] = tri;
    // 4.x: the implied value is computed only while the direct dependencies hold
    tri = s.implied && !(this.dialect.impliedPromotes && this.dirDepTri[id] === 0) ? this.calc(s.implied) : 0;
    if (tri === 1 && this.getType(s) === 'bool') tri = 2;
    this.impliedTri[id] = tri;
  }

  /** sym_choice_default */
  choiceDefault(c: Sym): Sym | null {
    for (const p of c.props) {
      if (p.type !== 'default') continue;
      const v = this.calc(p.visible);
      this.propVis[p.id] = v;
      if (v === 0) continue;
      const d = (p.expr as { t: 'sym'; s: Sym }).s;
      if (this.visible[d.id] !== 0) return d;
    }
    for (const v of c.choiceValues) if (this.visible[v.id] !== 0) return v;
    return null;
  }

  private calcChoice(c: Sym): Sym | null {
    let fl = this.flags[c.id]!;
    for (const v of c.choiceValues) {
      this.calcVisibility(v);
      if (this.visible[v.id] !== 0) fl &= this.flags[v.id]!;
    }
    this.flags[c.id]! &= fl | ~F_DEF_USER;
    const user = this.defChoice[c.id];
    if (user && this.visible[user.id] !== 0) return user;
    const d = this.choiceDefault(c);
    if (!d) this.currTri[c.id] = 0;
    return d;
  }

  private warnUnmet(s: Sym): void {
    const selectedBy: UnmetDep['selectedBy'] = [];
    const walk = (e: Expr | null) => {
      if (!e) return;
      if (e.t === 'or') {
        walk(e.l);
        walk(e.r);
        return;
      }
      const v = this.calc(e);
      if (v !== 0) selectedBy.push({ expr: e, value: v });
    };
    walk(s.revDep);
    this.unmet.set(s, { sym: s, dirDep: this.dirDepTri[s.id] as Tri, selectedBy });
  }

  /** sym_calc_value */
  calcValue(s: Sym): void {
    const id = s.id;
    const fl = this.flags;
    if (fl[id]! & F_VALID) return;
    if (s.isChoiceValue && fl[id]! & F_NEED_SET_CHOICE_VALUES) {
      fl[id]! &= ~F_NEED_SET_CHOICE_VALUES;
      this.calcValue(s.choice!);
    }
    fl[id]! |= F_VALID;
    const oldTri = this.currTri[id]!;
    let newTri: Tri = 0;
    let newVal: string | null;
    switch (s.type) {
      case 'int':
      case 'hex':
      case 'string':
        newVal = '';
        break;
      case 'bool':
      case 'tristate':
        newVal = null;
        break;
      default:
        this.currVal[id] = s.name;
        this.currTri[id] = 0;
        return;
    }
    fl[id]! &= ~F_WRITE;
    this.calcVisibility(s);
    if (this.visible[id] !== 0) fl[id]! |= F_WRITE;
    // what a recursive caller sees while this symbol is being computed
    this.currTri[id] = newTri;
    this.currVal[id] = newVal;
    this.currChoice[id] = null;

    const type = this.getType(s);
    if (type === 'bool' || type === 'tristate') {
      if (s.isChoiceValue && this.visible[id] === 2) {
        newTri = this.currChoice[s.choice!.id] === s ? 2 : 0;
      } else {
        let fromUser = false;
        if (this.visible[id] !== 0 && fl[id]! & F_DEF_USER) {
          const d = this.defTri[id]!;
          const vis = this.visible[id]!;
          newTri = (d < vis ? d : vis) as Tri;
          fromUser = true;
        }
        if (!fromUser) {
          if (this.revDepTri[id] !== 0) fl[id]! |= F_WRITE;
          if (!s.isChoice) {
            const p = this.defaultProp(s);
            if (p) {
              const v = this.calc(p.expr);
              const pv = this.propVis[p.id]!;
              newTri = (v < pv ? v : pv) as Tri;
              if (newTri !== 0 || this.dialect.writeDefaultN) fl[id]! |= F_WRITE;
            }
            const imp = this.impliedTri[id]! as Tri;
            if (imp !== 0) {
              fl[id]! |= F_WRITE;
              if (imp > newTri) newTri = imp;
              const dd = this.dirDepTri[id]! as Tri;
              if (dd < newTri && !this.dialect.impliedPromotes) newTri = dd;
            }
          }
        }
        if (this.dirDepTri[id]! < this.revDepTri[id]!) this.warnUnmet(s);
        const rd = this.revDepTri[id]! as Tri;
        if (rd > newTri) newTri = rd;
      }
      if (newTri === 1 && (this.getType(s) === 'bool' || (this.dialect.impliedPromotes && this.impliedTri[id] === 2))) newTri = 2;
    } else {
      if (this.visible[id] !== 0 && fl[id]! & F_DEF_USER) {
        newVal = this.defVal[id] ?? '';
      } else {
        const p = this.defaultProp(s);
        if (p && p.expr && p.expr.t === 'sym') {
          const ds = p.expr.s;
          fl[id]! |= F_WRITE;
          this.calcValue(ds);
          newVal = this.currVal[ds.id] ?? '';
        }
      }
    }

    this.currTri[id] = newTri;
    this.currVal[id] = newVal;
    this.currChoice[id] = null;
    if (s.isChoice && newTri === 2) this.currChoice[id] = this.calcChoice(s);
    this.validateRange(s);

    if (s === this.modules && oldTri !== this.currTri[id]) this.modulesVal = this.currTri[id] as Tri;

    if (s.isChoice) {
      for (const v of s.choiceValues) {
        if (fl[id]! & F_WRITE && this.visible[v.id] !== 0) fl[v.id]! |= F_WRITE;
      }
    }
    if (fl[id]! & F_NO_WRITE) fl[id]! &= ~F_WRITE;
    if (fl[id]! & F_NEED_SET_CHOICE_VALUES) this.setAllChoiceValues(s);
  }

  /** set_all_choice_values */
  setAllChoiceValues(c: Sym): void {
    for (const v of c.choiceValues) {
      if (!(this.flags[v.id]! & F_DEF_USER)) this.defTri[v.id] = 0;
    }
    this.flags[c.id]! |= F_DEF_USER;
    this.flags[c.id]! &= ~(F_VALID | F_NEED_SET_CHOICE_VALUES);
  }

  /** sym_clear_all_valid */
  clearAllValid(): void {
    const fl = this.flags;
    for (let i = 3; i < fl.length; i++) fl[i]! &= ~F_VALID;
    this.changed = true;
    this.calcValue(this.modules);
  }

  /** sym_string_within_range (for int/hex/string user values) */
  stringWithinRange(s: Sym, str: string): boolean {
    switch (s.type) {
      case 'string':
        return stringValid(s.type, str);
      case 'int':
      case 'hex': {
        if (!stringValid(s.type, str)) return false;
        const p = this.rangeProp(s);
        if (!p) return true;
        const base = s.type === 'int' ? 10 : 16;
        const val = strtoll(str, base).value;
        return val >= this.rangeVal(p.lo!, base) && val <= this.rangeVal(p.hi!, base);
      }
      default:
        return false;
    }
  }

  isChoiceSym(s: Sym): boolean {
    return (this.flags[s.id]! & F_CHOICE) !== 0;
  }
}

type Kind = 'string' | 'signed' | 'unsigned';

/** expr_parse_string: how conf reads a value for comparison, depending on the symbol's type */
function parseValue(str: string, type: SymType): [Kind, bigint] {
  switch (type) {
    case 'bool':
    case 'tristate':
      return ['signed', str === 'n' ? 0n : str === 'm' ? 1n : str === 'y' ? 2n : -1n];
    case 'int': {
      const r = strtoll(str, 10);
      return [numOk(str, r.end, r.overflow) ? 'signed' : 'string', r.value];
    }
    case 'hex': {
      const r = strtoull(str, 16);
      return [numOk(str, r.end, r.overflow) ? 'unsigned' : 'string', r.value];
    }
    default: {
      const r = strtoll(str, 0);
      return [numOk(str, r.end, r.overflow) ? 'signed' : 'string', r.value];
    }
  }
}

function numOk(str: string, end: number, overflow: boolean): boolean {
  if (overflow || end === 0 || end !== str.length) return false;
  const c = str.charCodeAt(end - 1);
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66);
}
