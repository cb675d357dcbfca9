/**
 * The C types the symbol-facts parser needs: enough to compute sizeof/alignof/offsetof the way the target's gcc
 * does (struct layout, bit-fields, packed/aligned), and the integer conversions that decide whether a division is
 * a 64-bit one (a libgcc call on 32-bit ARM).
 */

export interface Target {
  arch: string;
  ptrSize: number;
  longSize: number;
  /** alignment of long long / double (8 on AAPCS and LP64; 4 on i386) */
  llAlign: number;
  charSigned: boolean;
  wcharSize: number;
  /** largest struct returned in registers (AAPCS: 4; LP64 ABIs: 16); bigger ones go through a caller temporary */
  retInRegsMax: number;
  /** true when 32-bit integer division has no instruction and becomes a libgcc/AEABI call */
  softDiv32: boolean;
  /** true when 64-bit integer division becomes a libgcc/AEABI call (32-bit targets) */
  softDiv64: boolean;
  /** names of the division helper calls */
  divNames: { sdiv: string; udiv: string; smod: string; umod: string; sdiv64: string; udiv64: string; smod64: string; umod64: string };
}

const AEABI = {
  sdiv: '__aeabi_idiv',
  udiv: '__aeabi_uidiv',
  smod: '__aeabi_idivmod',
  umod: '__aeabi_uidivmod',
  sdiv64: '__aeabi_ldivmod',
  udiv64: '__aeabi_uldivmod',
  smod64: '__aeabi_ldivmod',
  umod64: '__aeabi_uldivmod',
};
const LIBGCC64 = {
  sdiv: '__divsi3',
  udiv: '__udivsi3',
  smod: '__modsi3',
  umod: '__umodsi3',
  sdiv64: '__divdi3',
  udiv64: '__udivdi3',
  smod64: '__moddi3',
  umod64: '__umoddi3',
};

/**
 * The data model of a kernel architecture (SRCARCH name, or make's ARCH). Unknown arches get LP64 with hardware
 * division. x86 is one SRCARCH for two models: the compile command's -m32/-m64 decides (i386_defconfig builds with
 * ARCH=x86 too), else the ARCH name.
 */
export function targetFor(arch: string, flags?: readonly string[]): Target {
  if ((arch === 'x86' || arch === 'x86_64' || arch === 'i386') && flags) {
    const m = flags.findLast((f) => f === '-m32' || f === '-m64');
    if (m) arch = m === '-m32' ? 'i386' : 'x86_64';
  }
  switch (arch) {
    case 'arm':
      // AAPCS (-mabi=aapcs-linux): 4-byte long/pointers, 8-byte aligned long long, unsigned char, 4-byte enums;
      // -march=armv7-a (multi_v7) has no divide instruction in ARM state
      return { arch, ptrSize: 4, longSize: 4, llAlign: 8, charSigned: false, wcharSize: 2, retInRegsMax: 4, softDiv32: true, softDiv64: true, divNames: AEABI };
    case 'x86':
    case 'x86_64':
      return { arch, ptrSize: 8, longSize: 8, llAlign: 8, charSigned: true, wcharSize: 2, retInRegsMax: 16, softDiv32: false, softDiv64: false, divNames: LIBGCC64 };
    case 'i386':
      return { arch, ptrSize: 4, longSize: 4, llAlign: 4, charSigned: true, wcharSize: 2, retInRegsMax: 8, softDiv32: false, softDiv64: true, divNames: LIBGCC64 };
    case 'arm64':
    case 'riscv':
    default:
      return { arch, ptrSize: 8, longSize: 8, llAlign: 8, charSigned: false, wcharSize: 2, retInRegsMax: 16, softDiv32: false, softDiv64: false, divNames: LIBGCC64 };
  }
}

export interface IntType {
  k: 'int';
  cq?: boolean;
  vq?: boolean;
  size: number;
  signed: boolean;
  /** conversion rank: 1 _Bool, 2 char, 3 short, 4 int, 5 long, 6 long long, 7 __int128 */
  rank: number;
  align?: number;
}

/** `cq`: const-qualified (only tracked for _Generic / __builtin_types_compatible_p on pointer targets) */
export type CType = CTypeBase & { cq?: boolean; vq?: boolean };

type CTypeBase =
  | { k: 'void'; align?: number }
  | IntType
  | { k: 'float'; size: number; align?: number }
  | { k: 'ptr'; to: CType; align?: number }
  | { k: 'array'; of: CType; len: number | undefined; align?: number }
  | { k: 'func'; ret: CType; params: CType[] | undefined; variadic: boolean; align?: number }
  | { k: 'record'; rec: RecordDef; align?: number }
  | { k: 'enum'; en: EnumDef; align?: number }
  | { k: 'unknown'; align?: number };

export interface Member {
  name: string | undefined;
  type: CType;
  /** byte offset (for bit-fields: of the byte holding the first bit) */
  offset: number;
  bitWidth?: number;
}

export interface RecordDef {
  kind: 'struct' | 'union';
  tag: string | undefined;
  /** token range of the member list, '{' .. '}' inclusive, while not yet parsed */
  body?: [number, number];
  complete: boolean;
  members?: Member[];
  packed: boolean;
  alignAttr: number;
  size?: number;
  alignment?: number;
  /** parse the body on demand (set by the parser) */
  resolve?: () => void;
}

export interface EnumConst {
  name: string;
  value: bigint | undefined;
  /** evaluates the value on first use (set by the parser) */
  resolve?: () => bigint | undefined;
  en: EnumDef;
}

export interface EnumDef {
  tag: string | undefined;
  complete: boolean;
  consts: EnumConst[];
  /** int unless a value does not fit (gcc then picks unsigned int / long long) */
  underlying: IntType;
}

export const VOID: CType = { k: 'void' };
export const UNKNOWN: CType = { k: 'unknown' };
export const BOOL: IntType = { k: 'int', size: 1, signed: false, rank: 1 };
export const INT: IntType = { k: 'int', size: 4, signed: true, rank: 4 };
export const UINT: IntType = { k: 'int', size: 4, signed: false, rank: 4 };
export const SCHAR: IntType = { k: 'int', size: 1, signed: true, rank: 2 };
export const UCHAR: IntType = { k: 'int', size: 1, signed: false, rank: 2 };
export const SHORT: IntType = { k: 'int', size: 2, signed: true, rank: 3 };
export const USHORT: IntType = { k: 'int', size: 2, signed: false, rank: 3 };
export const LLONG: IntType = { k: 'int', size: 8, signed: true, rank: 6 };
export const ULLONG: IntType = { k: 'int', size: 8, signed: false, rank: 6 };
export const INT128: IntType = { k: 'int', size: 16, signed: true, rank: 7 };
export const UINT128: IntType = { k: 'int', size: 16, signed: false, rank: 7 };

export function longType(t: Target, signed: boolean): IntType {
  return { k: 'int', size: t.longSize, signed, rank: 5 };
}
export function charType(t: Target): IntType {
  return t.charSigned ? { ...SCHAR } : { ...UCHAR };
}
export function sizeType(t: Target): IntType {
  // size_t is unsigned int on 32-bit kernels, unsigned long on 64-bit
  return t.ptrSize === 4 ? UINT : longType(t, false);
}
export function ptrdiffType(t: Target): IntType {
  return t.ptrSize === 4 ? INT : longType(t, true);
}

export function ptrTo(t: CType): CType {
  return { k: 'ptr', to: t };
}

export function isInt(t: CType): t is IntType {
  return t.k === 'int';
}
export function isIntegral(t: CType): boolean {
  return t.k === 'int' || t.k === 'enum';
}
export function isScalar(t: CType): boolean {
  return t.k === 'int' || t.k === 'enum' || t.k === 'ptr' || t.k === 'float';
}
export function isPointerLike(t: CType): boolean {
  return t.k === 'ptr' || t.k === 'array' || t.k === 'func';
}

/** the integer type of an enum or int type (undefined for others) */
export function asInt(t: CType): IntType | undefined {
  if (t.k === 'int') return t;
  if (t.k === 'enum') return t.en.underlying;
  return undefined;
}

/** C integer promotion */
export function promote(t: IntType): IntType {
  if (t.rank < 4) return INT;
  return t;
}

/** usual arithmetic conversions of two integer types */
export function commonInt(a: IntType, b: IntType): IntType {
  a = promote(a);
  b = promote(b);
  if (a.size === b.size && a.signed === b.signed) return a.rank >= b.rank ? a : b;
  if (a.signed === b.signed) return a.size >= b.size ? a : b;
  const u = a.signed ? b : a;
  const s = a.signed ? a : b;
  if (u.size >= s.size) return u;
  return s;
}

/** strip an array/function to the pointer it decays to */
export function decay(t: CType): CType {
  if (t.k === 'array') return { k: 'ptr', to: t.of };
  if (t.k === 'func') return { k: 'ptr', to: t };
  return t;
}

export function sizeOf(t: CType, tg: Target): number | undefined {
  switch (t.k) {
    case 'void':
      return 1; // GNU: sizeof(void) == 1
    case 'int':
      return t.size;
    case 'float':
      return t.size;
    case 'ptr':
      return tg.ptrSize;
    case 'func':
      return 1;
    case 'enum':
      return t.en.underlying.size;
    case 'array': {
      if (t.len === undefined) return 0;
      const e = sizeOf(t.of, tg);
      return e === undefined ? undefined : e * t.len;
    }
    case 'record':
      layout(t.rec, tg);
      return t.rec.size;
    case 'unknown':
      return undefined;
  }
}

export function alignOf(t: CType, tg: Target): number | undefined {
  if (t.align !== undefined) return t.align;
  switch (t.k) {
    case 'void':
    case 'func':
      return 1;
    case 'int':
      return t.size === 8 ? tg.llAlign : t.size;
    case 'float':
      return t.size === 8 ? tg.llAlign : Math.min(t.size, 16);
    case 'ptr':
      return tg.ptrSize;
    case 'enum':
      return t.en.underlying.size;
    case 'array':
      return alignOf(t.of, tg);
    case 'record':
      layout(t.rec, tg);
      return t.rec.alignment;
    case 'unknown':
      return undefined;
  }
}

/**
 * Lay out a struct or union as gcc does for the SysV/AAPCS ABIs: members at their alignment (1 when packed unless
 * the member says otherwise), bit-fields packed into units of their declared type without straddling a unit
 * boundary, zero-width bit-fields aligning to their type, the whole rounded up to its alignment.
 */
export function layout(rec: RecordDef, tg: Target): void {
  if (rec.size !== undefined) return;
  if (rec.resolve) rec.resolve();
  const members = rec.members;
  if (!rec.complete || !members) {
    rec.size = undefined;
    rec.alignment = undefined;
    return;
  }
  // guard against self-reference while computing
  rec.size = 0;
  rec.alignment = 1;
  let bit = 0; // current offset in bits
  let maxAlign = 1;
  let maxSize = 0;
  let ok = true;
  for (const m of members) {
    const msize = sizeOf(m.type, tg);
    const explicitAlign = m.type.align;
    let malign = alignOf(m.type, tg);
    if (msize === undefined || malign === undefined) {
      ok = false;
      continue;
    }
    if (rec.packed && explicitAlign === undefined) malign = 1;
    if (m.bitWidth !== undefined) {
      const unitBits = msize * 8;
      if (rec.kind === 'union') {
        m.offset = 0;
        if (m.bitWidth > 0) maxSize = Math.max(maxSize, Math.ceil(m.bitWidth / 8));
        if (m.bitWidth > 0 || !rec.packed) maxAlign = Math.max(maxAlign, rec.packed ? 1 : malign);
        continue;
      }
      if (m.bitWidth === 0) {
        bit = roundUp(bit, malign * 8);
        continue;
      }
      if (!rec.packed && unitBits > 0 && Math.floor(bit / unitBits) !== Math.floor((bit + m.bitWidth - 1) / unitBits)) {
        bit = roundUp(bit, unitBits);
      }
      m.offset = Math.floor(bit / 8);
      bit += m.bitWidth;
      // the declared type of a named bit-field contributes its alignment to the record (AAPCS, SysV)
      if (m.name !== undefined || true) maxAlign = Math.max(maxAlign, rec.packed ? 1 : malign);
      continue;
    }
    maxAlign = Math.max(maxAlign, malign);
    if (rec.kind === 'union') {
      m.offset = 0;
      maxSize = Math.max(maxSize, msize);
      continue;
    }
    bit = roundUp(bit, malign * 8);
    m.offset = bit / 8;
    bit += msize * 8;
  }
  if (!ok) {
    rec.size = undefined;
    rec.alignment = undefined;
    return;
  }
  if (rec.alignAttr > maxAlign) maxAlign = rec.alignAttr;
  const raw = rec.kind === 'union' ? maxSize : Math.ceil(bit / 8);
  rec.alignment = maxAlign;
  rec.size = roundUp(raw, maxAlign);
}

function roundUp(x: number, a: number): number {
  return a <= 1 ? x : Math.ceil(x / a) * a;
}

/** find a member by name, descending into anonymous struct/union members; offset accumulates */
export function findMember(rec: RecordDef, name: string, tg: Target): { type: CType; offset: number } | undefined {
  if (rec.resolve) rec.resolve();
  if (!rec.members) return undefined;
  layout(rec, tg);
  for (const m of rec.members) {
    if (m.name === name) return { type: m.type, offset: m.offset };
    if (m.name === undefined && m.type.k === 'record') {
      const inner = findMember(m.type.rec, name, tg);
      if (inner) return { type: inner.type, offset: inner.offset + m.offset };
    }
  }
  return undefined;
}

/**
 * are two types compatible (_Generic, __builtin_types_compatible_p): top-level qualifiers are ignored, const on
 * pointed-to types counts
 */
export function compatible(a: CType, b: CType, top = true): boolean {
  if (a === b) return true;
  if (!top && (a.cq ?? false) !== (b.cq ?? false)) return false;
  if (a.k === 'enum' && b.k === 'int') return sameInt(a.en.underlying, b) && false;
  if (a.k !== b.k) return false;
  switch (a.k) {
    case 'void':
      return true;
    case 'int':
      return sameInt(a, b as IntType);
    case 'float':
      return a.size === (b as { size: number }).size;
    case 'ptr':
      return compatible(a.to, (b as { to: CType }).to, false);
    case 'array': {
      const bb = b as { of: CType; len: number | undefined };
      return compatible(a.of, bb.of, false) && (a.len === undefined || bb.len === undefined || a.len === bb.len);
    }
    case 'func': {
      const bb = b as { ret: CType };
      return compatible(a.ret, bb.ret);
    }
    case 'record':
      return a.rec === (b as { rec: RecordDef }).rec;
    case 'enum':
      return a.en === (b as { en: EnumDef }).en;
    case 'unknown':
      return false;
  }
}

function sameInt(a: IntType, b: IntType): boolean {
  return a.size === b.size && a.signed === b.signed && a.rank === b.rank;
}
