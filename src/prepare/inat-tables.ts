import { records } from './awk-tables.js';
import { shellWords } from './echo.js';
import type { GenContext, Generator } from './types.js';

/**
 * arch/x86/lib/inat-tables.c: the x86 instruction attribute tables that arch/x86/tools/gen-insn-attr-x86.awk makes
 * of arch/x86/lib/x86-opcode-map.txt (`$(AWK) -f SCRIPT MAP > $@`), rewritten in TypeScript after the 6.1 script.
 * Where the script leans on awk's typing (AVX codes are fields compared with numbers, array subscripts are strings),
 * the awk semantics are kept so that odd maps come out as awk would print them.
 */

const SCRIPT = 'gen-insn-attr-x86.awk';

/** the map the command reads, if the command is exactly `AWK -f …/gen-insn-attr-x86.awk MAP > TARGET` */
function mapInput(ctx: GenContext): { text: string; file: string } | undefined {
  const m = /^\s*[@+-]*\s*(\S*awk)\s+(.*?)\s*>\s*(\S+)\s*$/s.exec(ctx.rule.command);
  if (!m) return undefined;
  const words = shellWords(m[2]!);
  const out = shellWords(m[3]!);
  if (!words || words.length !== 3 || words[0] !== '-f' || !out || out.length !== 1) return undefined;
  const script = words[1]!;
  if (script.slice(script.lastIndexOf('/') + 1) !== SCRIPT) return undefined;
  const rel = (p: string) => p.replace(/^(\.\/)+/, '');
  if (rel(out[0]!) !== rel(ctx.rule.target)) return undefined;
  return ctx.readInput(words[2]!);
}

// ---- awk values: the few places where the script mixes fields and numbers ----

/** a field (string, numeric when it looks like a number) or a number */
type AwkValue = string | number;

/** the prefix of a string C's strtod reads (mawk converts strings with strtod: hex is accepted) */
const STRTOD = /^[ \t\n\v\f\r]*([-+]?)(?:0[xX]([0-9a-fA-F]+)|((?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?))/;

function strtod(s: string): { n: number; end: number } | undefined {
  const m = STRTOD.exec(s);
  if (!m) return undefined;
  const mag = m[2] !== undefined ? Number.parseInt(m[2], 16) : Number(m[3]);
  return { n: m[1] === '-' ? -mag : mag, end: m[0].length };
}

const toNum = (v: AwkValue): number => (typeof v === 'number' ? v : (strtod(v)?.n ?? 0));

/** a field compares as a number only if all of it (blanks aside) is a number */
function isNumeric(v: AwkValue): boolean {
  if (typeof v === 'number') return true;
  const r = strtod(v);
  return r !== undefined && /^[ \t\n]*$/.test(v.slice(r.end));
}

/** a number as awk spells it in a string: integers plainly, others with CONVFMT's %.6g */
function numStr(n: number): string {
  if (Number.isSafeInteger(n)) return String(n);
  if (!Number.isFinite(n)) return Number.isNaN(n) ? 'nan' : n < 0 ? '-inf' : 'inf';
  const e = Number(n.toExponential(5).split('e')[1]);
  if (e < -4 || e >= 6) {
    const [mant, exp] = n.toExponential(5).split('e') as [string, string];
    const x = Number(exp);
    return `${mant.replace(/\.?0+$/, '')}e${x < 0 ? '-' : '+'}${String(Math.abs(x)).padStart(2, '0')}`;
  }
  return n.toFixed(5 - e).replace(/\.?0+$/, '');
}

const toStr = (v: AwkValue): string => (typeof v === 'number' ? numStr(v) : v);

/** awk's comparison: numeric when both sides are numeric, else by bytes of the strings */
function compare(a: AwkValue, b: AwkValue): number {
  if (isNumeric(a) && isNumeric(b)) return Math.sign(toNum(a) - toNum(b));
  const x = toStr(a);
  const y = toStr(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** printf's %d of a value */
const fmtD = (v: AwkValue): string => numStr(Math.trunc(toNum(v)));

/** awk's default field splitting (FS = " "): runs of blanks and tabs, ends ignored (other control bytes are text) */
function fieldsOf(line: string): string[] {
  const t = line.replace(/^[ \t\n]+|[ \t\n]+$/g, '');
  return t === '' ? [] : t.split(/[ \t\n]+/);
}

// ---- the map's vocabulary ----

const IMM = new Map([
  ['Ib', 'INAT_MAKE_IMM(INAT_IMM_BYTE)'],
  ['Jb', 'INAT_MAKE_IMM(INAT_IMM_BYTE)'],
  ['Iw', 'INAT_MAKE_IMM(INAT_IMM_WORD)'],
  ['Id', 'INAT_MAKE_IMM(INAT_IMM_DWORD)'],
  ['Iq', 'INAT_MAKE_IMM(INAT_IMM_QWORD)'],
  ['Ap', 'INAT_MAKE_IMM(INAT_IMM_PTR)'],
  ['Iz', 'INAT_MAKE_IMM(INAT_IMM_VWORD32)'],
  ['Jz', 'INAT_MAKE_IMM(INAT_IMM_VWORD32)'],
  ['Iv', 'INAT_MAKE_IMM(INAT_IMM_VWORD)'],
  ['Ob', 'INAT_MOFFSET'],
  ['Ov', 'INAT_MOFFSET'],
  ['Lx', 'INAT_MAKE_IMM(INAT_IMM_BYTE)'],
]);

const PREFIX = new Map([
  ['Operand-Size', 'INAT_PFX_OPNDSZ'],
  ['REPNE', 'INAT_PFX_REPNE'],
  ['REP/REPE', 'INAT_PFX_REPE'],
  ['XACQUIRE', 'INAT_PFX_REPNE'],
  ['XRELEASE', 'INAT_PFX_REPE'],
  ['LOCK', 'INAT_PFX_LOCK'],
  ['SEG=CS', 'INAT_PFX_CS'],
  ['SEG=DS', 'INAT_PFX_DS'],
  ['SEG=ES', 'INAT_PFX_ES'],
  ['SEG=FS', 'INAT_PFX_FS'],
  ['SEG=GS', 'INAT_PFX_GS'],
  ['SEG=SS', 'INAT_PFX_SS'],
  ['Address-Size', 'INAT_PFX_ADDRSZ'],
  ['VEX+1byte', 'INAT_PFX_VEX2'],
  ['VEX+2byte', 'INAT_PFX_VEX3'],
  ['EVEX', 'INAT_PFX_EVEX'],
]);

const IMM_OPERAND = /^[IJAOL][a-z]/;
const MODRM_OPERAND = /^([CDEGMNPQRSUVW/][a-z]+|NTA|T[012])/;
/** last-prefix superscripts: which variant table(s) an opcode goes to; without one of LPREFIX it is also in the main table */
const LPREFIX1 = /\((66|!F3)\)/;
const LPREFIX2 = /\(F3\)/;
const LPREFIX3 = /\((F2|!F3|66&F2)\)/;
const LPREFIX = /\((66|F2|F3)\)/;
const MAX_LPREFIX = 4;
/** awk's SUBSEP: the script's two-dimensional arrays are keyed "i SUBSEP j" */
const SUBSEP = '\x1c';

const addFlags = (old: string, add: string): string => (old && add ? `${old} | ${add}` : old || add);

class Stop extends Error {}

export const inatTables: Generator = (ctx) => {
  const input = mapInput(ctx);
  if (!input) return undefined;
  const o: string[] = [];
  const print = (s: string) => o.push(s, '\n');
  let nr = 0;
  const fatal = (msg: string): never => {
    ctx.problem(`semantic error: ${msg} (${SCRIPT} stops here)`, { file: input.file, line: nr, col: 1 });
    throw new Stop(msg);
  };

  print('/* x86 opcode map generated from x86-opcode-map.txt */');
  print('/* Do not change this code. */\n');
  let ggid = 1;
  let geid = 1;
  let gaid = 0;
  // the pointer arrays of the END part, keyed like awk's (so a table whose id awk cannot find again is left out)
  const etable = new Map<string, string>();
  const gtable = new Map<string, string>();
  const atable = new Map<string, string>();
  // null: an escape named by a Referrer: before any opcode defined it (awk's uninitialised element)
  const escape = new Map<string, number | null>();
  const group = new Map<string, number>();

  // the table being read: index 0 the main one, 1–3 the last-prefix variants; keys are "0x" + the opcode as written
  let tables: Map<string, string>[] = [];
  let eid: number | null = -1;
  let gid = -1;
  let aid: AwkValue = -1;
  let tname = '';
  const clear = () => {
    tables = [new Map(), new Map(), new Map(), new Map()];
    eid = -1;
    gid = -1;
    aid = -1;
    tname = '';
  };
  clear();

  const convertOperands = (list: string): string => {
    let imm = '';
    let mod = '';
    for (const opnd of list === '' ? [] : list.split(',')) {
      if (IMM_OPERAND.test(opnd)) {
        const flag = IMM.get(opnd) ?? fatal(`Unknown imm opnd: ${opnd}`);
        if (imm) {
          if (opnd !== 'Ib') fatal('Second IMM error');
          imm = addFlags(imm, 'INAT_SCNDIMM');
        } else imm = flag;
      } else if (MODRM_OPERAND.test(opnd)) mod = 'INAT_MODRM';
    }
    return addFlags(imm, mod);
  };

  const printTable = (tbl: Map<string, string>, name: string, id: (i: number) => string, n: number) => {
    print(`const insn_attr_t ${name} = {`);
    for (let i = 0; i < n; i++) {
      const v = tbl.get(id(i));
      if (v) print(`\t[${id(i)}] = ${v},`);
    }
    print('};');
  };

  const opcodeLine = (line: string, f: string[]) => {
    const nf = f.length;
    const $ = (i: number) => (i >= 1 && i <= nf ? f[i - 1]! : '');
    const first = $(1);
    const idx = '0x' + first.slice(0, Math.max(0, first.indexOf(':')));
    const [table, lp1, lp2, lp3] = tables as [Map<string, string>, Map<string, string>, Map<string, string>, Map<string, string>];
    if (table.has(idx)) fatal(`Redefine ${idx} in ${tname}`);

    if ($(2) === 'escape') {
      if ($(3) !== '#') fatal('No escaped name');
      const ref = f.slice(3).join('');
      if (escape.has(ref)) fatal(`Redefine escape (${ref})`);
      escape.set(ref, geid);
      table.set(idx, `INAT_MAKE_ESCAPE(${geid})`);
      geid++;
      return;
    }

    let variant = '';
    // alternatives: MNEMONIC [OPERANDS] [(EXT)…] separated by "|"
    let i = 2;
    while (i <= nf) {
      const opcode = $(i++);
      let ext = '';
      let flags = '';
      if (/^[A-Za-z/]/.test($(i))) flags = convertOperands($(i++));
      if (/^\(/.test($(i))) ext = $(i++);
      if ($(i) === '|') i++;
      // the script checks i < NF, so a stray last word is taken for the next mnemonic
      else if (i < nf) fatal(`${$(i)} is not a separator`);

      if (/^Grp[0-9A-Za-z]+/.test(opcode)) {
        let g = group.get(opcode);
        if (g === undefined) group.set(opcode, (g = ggid++));
        flags = addFlags(flags, `INAT_MAKE_GROUP(${g})`);
      }
      if (/\([df]64\)/.test(ext)) flags = addFlags(flags, 'INAT_FORCE64');
      if (/^REX(\.[XRWB]+)*/.test(opcode)) flags = addFlags(flags, 'INAT_MAKE_PREFIX(INAT_PFX_REX)');
      // x87 escapes take a ModRM byte
      if (/^ESC/.test(opcode)) flags = addFlags(flags, 'INAT_MODRM');
      if (/\(ev\)/.test(ext)) flags = addFlags(flags, 'INAT_VEXOK | INAT_EVEXONLY');
      else if (/\(v\)/.test(ext)) flags = addFlags(flags, 'INAT_VEXOK | INAT_VEXONLY');
      else if (/\(v1\)/.test(ext) || /^[vk]/.test(opcode)) flags = addFlags(flags, 'INAT_VEXOK');
      if (/\(Prefix\)/.test(ext)) {
        const p = PREFIX.get(opcode) ?? fatal(`Unknown prefix: ${opcode}`);
        flags = addFlags(flags, `INAT_MAKE_PREFIX(${p})`);
      }
      if (flags === '') continue;
      if (LPREFIX1.test(ext)) {
        lp1.set(idx, addFlags(lp1.get(idx) ?? '', flags));
        variant = 'INAT_VARIANT';
      }
      if (LPREFIX2.test(ext)) {
        lp2.set(idx, addFlags(lp2.get(idx) ?? '', flags));
        variant = 'INAT_VARIANT';
      }
      if (LPREFIX3.test(ext)) {
        lp3.set(idx, addFlags(lp3.get(idx) ?? '', flags));
        variant = 'INAT_VARIANT';
      }
      if (!LPREFIX.test(ext)) table.set(idx, addFlags(table.get(idx) ?? '', flags));
    }
    if (variant) table.set(idx, addFlags(table.get(idx) ?? '', variant));
  };

  const endTable = () => {
    const suffix = ['', '_1', '_2', '_3'];
    const inGroup = gid !== -1;
    for (let k = 0; k < tables.length; k++) {
      // a table counts if it has any entry, even one whose key no row prints ("0x00f")
      if (tables[k]!.size === 0) continue;
      const name = tname + suffix[k];
      if (inGroup) {
        printTable(tables[k]!, `${name}[INAT_GROUP_TABLE_SIZE]`, (i) => `0x${i.toString(16)}`, 8);
        gtable.set(`${gid}${SUBSEP}${k}`, name);
      } else {
        printTable(tables[k]!, `${name}[INAT_OPCODE_TABLE_SIZE]`, (i) => `0x${i.toString(16).padStart(2, '0')}`, 256);
        etable.set(`${eid === null ? '' : numStr(eid)}${SUBSEP}${k}`, name);
        if (compare(aid, 0) >= 0) atable.set(`${toStr(aid)}${SUBSEP}${k}`, name);
      }
    }
    print('');
    clear();
  };

  try {
    for (const line of records(input.text)) {
      nr++;
      const f = fieldsOf(line);
      if (line.startsWith('Table:')) {
        print(`/* ${line} */`);
        if (tname !== '') fatal('Hit Table: before EndTable:.');
      }
      if (line.startsWith('Referrer:') && f.length !== 1) {
        // escaped table: its id is the one the escape opcode was given (the name's words run together)
        const ref = f.slice(1).join('');
        if (!escape.has(ref)) escape.set(ref, null);
        eid = escape.get(ref)!;
        tname = `inat_escape_table_${fmtD(eid ?? 0)}`;
      }
      if (line.startsWith('AVXcode:')) {
        if (f.length !== 1) {
          aid = f[1]!;
          if (compare(gaid, aid) <= 0) gaid = toNum(aid) + 1;
          if (tname === '') tname = `inat_avx_table_${fmtD(aid)}`;
        }
        if (compare(aid, -1) === 0 && (eid ?? 0) === -1) tname = 'inat_primary_table';
      }
      if (line.startsWith('GrpTable:')) {
        print(`/* ${line} */`);
        const g = group.get(f[1] ?? '') ?? fatal(`No group: ${f[1] ?? ''}`);
        gid = g;
        tname = `inat_group_table_${gid}`;
      }
      if (line.startsWith('EndTable')) endTable();
      // the script skips an opcode line that is the file's first
      if (/^[0-9a-f]+:/.test(line) && nr !== 1) opcodeLine(line, f);
    }
  } catch (e) {
    // the script's exit still runs its END part: the pointer arrays are printed after an error too
    if (!(e instanceof Stop)) throw e;
  }

  /** the rows of a pointer array, in the script's order: ids 0…limit-1, then last-prefix 0…3 */
  const rows = (arr: Map<string, string>, limit: number): [number, number, string][] => {
    const r: [number, number, string][] = [];
    for (const [key, v] of arr) {
      const [a, b] = key.split(SUBSEP) as [string, string];
      const i = Number(a);
      const j = Number(b);
      // only ids spelled as awk spells its loop counter are found again
      if (v && /^(0|[1-9]\d{0,14})$/.test(a) && i < limit && j < MAX_LPREFIX) r.push([i, j, v]);
    }
    return r.sort((x, y) => x[0] - y[0] || x[1] - y[1]);
  };
  const arrays = [
    { what: 'Escape', decl: 'inat_escape_tables[INAT_ESC_MAX + 1]', rows: rows(etable, geid) },
    { what: 'Group', decl: 'inat_group_tables[INAT_GRP_MAX + 1]', rows: rows(gtable, ggid) },
    { what: 'AVX', decl: 'inat_avx_tables[X86_VEX_M_MAX + 1]', rows: rows(atable, gaid) },
  ];
  print('#ifndef __BOOT_COMPRESSED\n');
  for (const a of arrays) {
    print(`/* ${a.what} opcode map array */`);
    print(`const insn_attr_t * const ${a.decl}[INAT_LSTPFX_MAX + 1] = {`);
    for (const [i, j, v] of a.rows) print(`\t[${i}][${j}] = ${v},`);
    print('};\n');
  }
  print('#else /* !__BOOT_COMPRESSED */\n');
  for (const a of arrays) {
    print(`/* ${a.what} opcode map array */`);
    print(`static const insn_attr_t *${a.decl}[INAT_LSTPFX_MAX + 1];`);
    print('');
  }
  print('static void inat_init_tables(void)');
  print('{');
  arrays.forEach((a, n) => {
    print(`\t/* Print ${a.what} opcode map array */`);
    const name = a.decl.slice(0, a.decl.indexOf('['));
    for (const [i, j, v] of a.rows) print(`\t${name}[${i}][${j}] = ${v};`);
    if (n < arrays.length - 1) print('');
  });
  print('}');
  print('#endif');
  return o.join('');
};
