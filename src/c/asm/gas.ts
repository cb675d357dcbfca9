import { isNonSymbol } from './registers.js';

/**
 * A model of the GNU assembler for symbol facts: statements (labels, directives, instructions), the macro
 * language (.macro/.irp/.irpc/.rept, \param substitution, .if* conditionals) and what each statement does to the
 * symbol table: definitions (labels, .set/.equ, .comm), binding (.globl, .weak), sections (for ___ksymtab+sym
 * exports), and references (identifiers in instruction operands and data directives, as gas would emit them as
 * undefined symbols). Used for .S units and for the asm text of C units (top-level asm and inline asm).
 */

export interface AsmLine {
  text: string;
  /** token index for the span of facts coming from this line */
  tok: number;
  /** offsets of tokens within `text` (to find the token of a statement that starts mid-line), optional */
  offsets?: number[];
}

export interface AsmDef {
  tok: number;
  section: string;
  how: string;
  kind: 'func' | 'data' | 'unknown';
  /** defined by .set/.equ to a value or another symbol */
  equ?: boolean;
}

export interface AsmExport {
  name: string;
  gpl: boolean;
  tok: number;
}

const DATA_DIRECTIVES = new Set([
  '.long', '.word', '.int', '.4byte', '.quad', '.8byte', '.short', '.hword', '.2byte', '.byte', '.dword', '.xword',
  '.dc.a', '.dc.l', '.dc.w', '.dc.b', '.value', '.rva', '.sleb128', '.uleb128', '.reloc', '.personality',
  '.secrel32', '.long64', '.ptr',
]);

type CondState = 'on' | 'off' | 'both' | 'done';

interface Macro {
  name: string;
  params: { name: string; def?: string; req?: boolean; vararg?: boolean }[];
  body: string[];
}

const MAX_EXPANSION_LINES = 2_000_000;
const MAX_MACRO_DEPTH = 100;

export class Gas {
  readonly defs = new Map<string, AsmDef>();
  readonly globals = new Map<string, number>();
  readonly weaks = new Map<string, number>();
  readonly refs = new Map<string, number>();
  readonly types = new Map<string, 'func' | 'data'>();
  readonly exports: AsmExport[] = [];
  /** .asciz strings by the label that precedes them (namespace strings of exports) */
  readonly labelStrings = new Map<string, string>();
  readonly values = new Map<string, bigint>();
  /** things the model could not follow (unknown .if conditions, runaway expansions) */
  readonly gaps: string[] = [];
  /** the unit has ARM EHABI unwind entries (.fnstart … .fnend without .cantunwind) */
  unwindEntries = 0;
  private macros = new Map<string, Macro>();
  private section = '.text';
  private sectionStack: string[] = [];
  private prevSection = '.text';
  private counter = 0;
  private expanded = 0;
  private lastLabel: string | undefined;
  private cantUnwind = false;
  private regAliases = new Set<string>();

  constructor(readonly arch: string) {}

  private commentChar(): string | undefined {
    return this.arch === 'arm' ? '@' : this.arch === 'x86' || this.arch === 'riscv' ? '#' : undefined;
  }

  /** feed source lines (already preprocessed) */
  feed(lines: AsmLine[]): void {
    // ARM and AArch64 gas: '#' at the start of a line (after blanks) comments the whole line — cpp passes such
    // non-directive lines of a .S file through (arch/arm/mach-tegra/reset-handler.S: "# Tegra20 is a Cortex-A9 r1p1")
    const hashLine = this.arch === 'arm' || this.arch === 'arm64';
    // gas strips C comments on every target; within a line is what inline asm templates hold (x86 CC_SET():
    // `/* output condition code z*/`); cpp has already removed those of .S files
    this.run(lines.map((l) => ({ ...l, text: hashLine && /^\s*#/.test(l.text) ? '' : stripComment(stripCComments(l.text), this.commentChar()) })), 0);
  }

  /** feed asm text (a C asm statement's template): lines split at newlines */
  feedText(text: string, tok: number): void {
    this.feed(text.split('\n').map((t) => ({ text: t, tok })));
  }

  private run(lines: AsmLine[], depth: number): void {
    const conds: CondState[] = [];
    const active = (): boolean => conds.every((c) => c === 'on' || c === 'both');
    // statements left on a line after a block's closer (`.rept 2 ; .quad 0 ; .endr ; .long x`) run after the block
    let tailAt = -1;
    let tailText = '';
    for (let li = 0; li < lines.length; li++) {
      const line = lines[li]!;
      const lineText = li === tailAt ? tailText : line.text;
      statements: for (const st of splitStatements(lineText)) {
        let text = st.text.trim();
        if (!text) continue;
        const tok = line.tok;
        // labels (one or more) at the start
        for (;;) {
          const m = /^([A-Za-z_.$][\w.$]*|\d+)\s*:(?!:)/.exec(text);
          if (!m) break;
          if (active()) this.label(m[1]!, tok);
          text = text.slice(m[0].length).trim();
        }
        if (!text) continue;
        const sp = /^(\S+)\s*(.*)$/s.exec(text)!;
        const op = sp[1]!;
        const rest = sp[2]!;
        const lop = op.toLowerCase();
        // conditionals are processed even in inactive regions (for nesting)
        if (lop.startsWith('.if')) {
          if (!active()) {
            conds.push('done');
            continue;
          }
          const r = this.evalIf(lop, rest);
          conds.push(r === undefined ? 'both' : r ? 'on' : 'off');
          if (r === undefined) this.gaps.push(`unknown .if condition: ${text.slice(0, 80)}`);
          continue;
        }
        if (lop === '.else' || lop === '.elseif') {
          const top = conds.length - 1;
          if (top < 0) continue;
          const s = conds[top]!;
          if (s === 'on') conds[top] = 'done';
          else if (s === 'off') {
            if (lop === '.elseif') {
              const r = this.evalIf('.if', rest);
              conds[top] = r === undefined ? 'both' : r ? 'on' : 'off';
            } else conds[top] = 'on';
          }
          continue;
        }
        if (lop === '.endif') {
          conds.pop();
          continue;
        }
        if (!active()) {
          // skip a macro definition or repeat body as a whole so its .endm/.endr does not confuse us
          const isRep = lop === '.irp' || lop === '.irpc' || lop === '.rept';
          if (lop === '.macro' || isRep) {
            const { end, tail } = this.collectBlock(lines, li, st.rest, isRep ? '.endr' : '.endm');
            li = end;
            if (tail.trim()) {
              tailAt = end;
              tailText = tail;
              li = end - 1;
            }
            break statements;
          }
          continue;
        }
        if (lop === '.macro') {
          li = this.defineMacro(lines, li, rest);
          continue;
        }
        if (lop === '.irp' || lop === '.irpc' || lop === '.rept') {
          // the block takes the rest of this line too: its body may start (and end) here
          const { body, end, tail } = this.collectBlock(lines, li, st.rest, '.endr');
          this.repeat(lop, rest, body, line.tok, depth);
          li = end;
          if (tail.trim()) {
            tailAt = end;
            tailText = tail;
            li = end - 1;
          }
          break statements;
        }
        if (lop === '.purgem') {
          this.macros.delete(rest.trim());
          continue;
        }
        if (lop === '.exitm') return;
        const mac = this.macros.get(op);
        if (mac) {
          this.invoke(mac, rest, line.tok, depth);
          continue;
        }
        this.statement(op, lop, rest, tok);
      }
    }
  }

  /**
   * Lines of a block up to the matching closer (nested blocks of the same kind counted), from the statements after
   * the opener on its own line (ENTRY-style one-liners joined by ';': `.rept 2 ; .quad 0 ; .endr`); `tail` is what
   * follows the closer on its line.
   */
  private collectBlock(lines: AsmLine[], li: number, restOfLine: string, close: string): { body: AsmLine[]; end: number; tail: string } {
    const body: AsmLine[] = [];
    let depth = 1;
    const opens = close === '.endm' ? ['.macro'] : ['.irp', '.irpc', '.rept'];
    for (let j = li; j < lines.length; j++) {
      const l = lines[j]!;
      const parts = j === li ? (restOfLine.trim() ? splitStatements(restOfLine) : []) : splitStatements(l.text);
      const kept: string[] = [];
      for (let k = 0; k < parts.length; k++) {
        const st = parts[k]!;
        const w = /^\s*(?:[\w.$]+:\s*)*(\S+)/.exec(st.text)?.[1]?.toLowerCase();
        if (w === close) {
          depth--;
          if (depth === 0) {
            if (kept.length) body.push({ text: kept.join(';'), tok: l.tok });
            return { body, end: j, tail: st.rest };
          }
        } else if (w && opens.includes(w)) depth++;
        kept.push(st.text);
      }
      if (j > li || kept.length) body.push({ text: kept.join(';'), tok: l.tok });
    }
    return { body, end: lines.length, tail: '' };
  }

  private defineMacro(lines: AsmLine[], li: number, rest: string): number {
    // .macro name params…  (rest may also hold following statements split by ';': keep only the header)
    const m = /^([\w.$]+)\s*,?\s*(.*)$/s.exec(rest.trim());
    if (!m) return li;
    const name = m[1]!;
    const params = splitArgs(m[2]!, true)
      .filter((s) => s.trim())
      .map((s) => {
        const pm = /^([\w$]+)\s*(?::\s*(req|vararg))?\s*(?:=\s*(.*))?$/s.exec(s.trim());
        if (!pm) return { name: s.trim() };
        const p: { name: string; def?: string; req?: boolean; vararg?: boolean } = { name: pm[1]! };
        if (pm[2] === 'req') p.req = true;
        if (pm[2] === 'vararg') p.vararg = true;
        if (pm[3] !== undefined) p.def = pm[3];
        return p;
      });
    const { body, end } = this.collectBlock(lines, li, '', '.endm');
    this.macros.set(name, { name, params, body: body.map((b) => b.text) });
    return end;
  }

  private invoke(mac: Macro, rest: string, tok: number, depth: number): void {
    if (depth > MAX_MACRO_DEPTH) {
      this.gaps.push(`asm macro nesting too deep at ${mac.name}`);
      return;
    }
    const args = new Map<string, string>();
    let positional = splitArgs(rest, false);
    // gas also separates macro arguments by blanks: `string cpu_elf_name "v7m"` (quoted strings and parentheses kept)
    if (positional.length === 1 && mac.params.length > 1) positional = splitBlanks(rest);
    let pi = 0;
    for (let i = 0; i < positional.length; i++) {
      const a = positional[i]!.trim();
      const named = /^([\w$]+)\s*=\s*(.*)$/s.exec(a);
      if (named && mac.params.some((p) => p.name === named[1])) {
        args.set(named[1]!, unquoteArg(named[2]!));
        continue;
      }
      const p = mac.params[pi];
      if (!p) break;
      if (p.vararg) {
        args.set(p.name, positional.slice(i).map((s) => s.trim()).join(', '));
        break;
      }
      args.set(p.name, unquoteArg(a));
      pi++;
    }
    // missing arguments take their default, else expand to nothing
    for (const p of mac.params) if (!args.has(p.name) || args.get(p.name) === '') args.set(p.name, p.def ?? '');
    const n = this.counter++;
    const body = mac.body.map((l) => ({ text: substitute(l, args, n), tok }));
    this.expanded += body.length;
    if (this.expanded > MAX_EXPANSION_LINES) {
      this.gaps.push('asm macro expansion limit reached');
      return;
    }
    this.run(body, depth + 1);
  }

  private repeat(lop: string, rest: string, body: AsmLine[], tok: number, depth: number): void {
    if (lop === '.rept') {
      const cnt = this.evalExpr(rest);
      const times = cnt === undefined ? 1 : Math.min(Number(cnt), 10000);
      for (let i = 0; i < times; i++) this.run(body, depth + 1);
      return;
    }
    const m = /^([\w$]+)\s*,?\s*(.*)$/s.exec(rest.trim());
    if (!m) return;
    const sym = m[1]!;
    const items = lop === '.irpc' ? [...m[2]!.trim()] : splitArgs(m[2]!, false).map((s) => unquoteArg(s.trim()));
    if (items.length === 0) items.push('');
    for (const it of items) {
      const args = new Map([[sym, it]]);
      const lines = body.map((b) => ({ text: substitute(b.text, args, this.counter), tok: b.tok ?? tok }));
      this.expanded += lines.length;
      if (this.expanded > MAX_EXPANSION_LINES) return;
      this.run(lines, depth + 1);
    }
  }

  private label(name: string, tok: number): void {
    if (/^\d+$/.test(name)) return;
    this.lastLabel = name;
    if (name.startsWith('.L')) return;
    if (!this.defs.has(name)) this.defs.set(name, { tok, section: this.section, how: 'label', kind: 'unknown' });
  }

  private statement(op: string, lop: string, rest: string, tok: number): void {
    if (lop.startsWith('.')) {
      this.directive(lop, rest, tok);
      return;
    }
    // register aliases: `name .req r0` (also .qn/.dn for NEON)
    const req = /^\.(req|qn|dn)\b/i.exec(rest);
    if (req) {
      this.regAliases.add(op);
      return;
    }
    // sym = expr
    const eq = /^=\s*(.*)$/s.exec(rest);
    if (eq && /^[A-Za-z_.$][\w.$]*$/.test(op)) {
      this.equ(op, eq[1]!, tok);
      return;
    }
    // x86 instruction prefixes (`rep stosq`, `lock xaddl %0, %1`): the instruction is the next word
    if (this.arch === 'x86' && X86_PREFIXES.has(lop)) {
      const m = /^(\S+)\s*(.*)$/s.exec(rest.trim());
      if (m) this.statement(m[1]!, m[1]!.toLowerCase(), m[2]!, tok);
      return;
    }
    // an instruction: every symbol in its operands is a reference
    this.operandRefs(rest, tok, lop);
  }

  private directive(d: string, rest: string, tok: number): void {
    switch (d) {
      case '.globl':
      case '.global':
        for (const s of splitArgs(rest, false)) if (s.trim()) this.globals.set(s.trim(), this.globals.get(s.trim()) ?? tok);
        return;
      case '.weak':
        for (const s of splitArgs(rest, false)) if (s.trim()) this.weaks.set(s.trim(), this.weaks.get(s.trim()) ?? tok);
        return;
      case '.set':
      case '.equ':
      case '.equiv': {
        const m = /^([\w.$]+)\s*,\s*(.*)$/s.exec(rest.trim());
        if (m) this.equ(m[1]!, m[2]!, tok);
        return;
      }
      case '.comm': {
        const name = splitArgs(rest, false)[0]?.trim();
        if (name && !this.defs.has(name)) this.defs.set(name, { tok, section: '*COM*', how: '.comm', kind: 'data' });
        if (name) this.globals.set(name, tok);
        return;
      }
      case '.lcomm': {
        const name = splitArgs(rest, false)[0]?.trim();
        if (name && !this.defs.has(name)) this.defs.set(name, { tok, section: '.bss', how: '.lcomm', kind: 'data' });
        return;
      }
      case '.type': {
        const m = /^([\w.$]+)\s*,\s*[%@#"]?(\w+)/.exec(rest.trim());
        if (m) this.types.set(m[1]!, m[2] === 'function' || m[2] === 'gnu_indirect_function' ? 'func' : 'data');
        return;
      }
      case '.section':
      case '.pushsection': {
        const name = sectionName(rest);
        if (d === '.pushsection') this.sectionStack.push(this.section);
        this.prevSection = this.section;
        this.section = name;
        this.noteSection(name, tok);
        return;
      }
      case '.popsection':
        this.section = this.sectionStack.pop() ?? '.text';
        return;
      case '.previous': {
        const s = this.section;
        this.section = this.prevSection;
        this.prevSection = s;
        return;
      }
      case '.text':
      case '.data':
      case '.bss':
        this.prevSection = this.section;
        this.section = d;
        return;
      case '.asciz':
      case '.string':
      case '.ascii':
        if (this.lastLabel !== undefined) {
          const m = /^"((?:[^"\\]|\\.)*)"/.exec(rest.trim());
          if (m) this.labelStrings.set(this.lastLabel, m[1]!.replace(/\\(.)/g, '$1'));
          // only the string right after the label is its value: a later .asciz elsewhere (a BUG() file name)
          // must not replace an export's empty namespace string
          this.lastLabel = undefined;
        }
        return;
      case '.unreq':
        this.regAliases.delete(rest.trim());
        return;
      case '.fnstart':
        this.cantUnwind = false;
        return;
      case '.cantunwind':
        this.cantUnwind = true;
        return;
      case '.fnend':
        if (!this.cantUnwind) this.unwindEntries++;
        return;
      case '.personalityindex': {
        const n = this.evalExpr(rest);
        if (n !== undefined) this.ref(`__aeabi_unwind_cpp_pr${n}`, tok);
        return;
      }
      default:
        if (DATA_DIRECTIVES.has(d)) {
          if (d === '.reloc') {
            // .reloc offset, type, sym
            const parts = splitArgs(rest, false);
            if (parts[2]) this.operandRefs(parts[2], tok, d);
            return;
          }
          this.operandRefs(rest, tok, d);
        }
    }
  }

  private noteSection(name: string, tok: number): void {
    const m = /^___ksymtab(_gpl)?\+(.+)$/.exec(name);
    if (m) this.exports.push({ name: m[2]!, gpl: m[1] !== undefined, tok });
  }

  private equ(name: string, expr: string, tok: number): void {
    const v = this.evalExpr(expr);
    if (v !== undefined) this.values.set(name, v);
    if (!this.defs.has(name)) this.defs.set(name, { tok, section: v !== undefined ? '*ABS*' : this.section, how: '.set', kind: 'unknown', equ: true });
    if (v === undefined) this.operandRefs(expr, tok, '.set');
  }

  ref(name: string, tok: number): void {
    if (!this.refs.has(name)) this.refs.set(name, tok);
  }

  private operandRefs(text: string, tok: number, op: string): void {
    // strings and character constants carry no symbols
    const cleaned = text.replace(/"(?:[^"\\]|\\.)*"/g, ' ').replace(/'\\?.'?/g, ' ');
    const re = /(:[a-z0-9_]+:)|([A-Za-z_.$][\w.$]*)|(\d[\w]*)/g;
    for (let m = re.exec(cleaned); m; m = re.exec(cleaned)) {
      if (!m[2]) continue;
      let id = m[2];
      // AT&T syntax: `$` starts an immediate (`$80` a number, `$saved_context` the symbol's address)
      if (this.arch === 'x86' && id.startsWith('$')) {
        id = id.slice(1);
        if (!id || /^\d/.test(id)) continue;
      }
      const before = cleaned[m.index - 1];
      const after = cleaned.slice(m.index + id.length).match(/^\s*(\S)/)?.[1];
      if (before === '%' || before === '\\' || before === '#' && /^(object|function)$/.test(id)) continue;
      // AT&T: gas allows blanks between '%' and the register (`(% rip)`, as __stringify spaces it)
      if (this.arch === 'x86' && /%\s+$/.test(cleaned.slice(Math.max(0, m.index - 8), m.index))) continue;
      if (before === '(' && after === ')' && /^[A-Za-z0-9_]+$/.test(id) && /^(PLT|GOT|GOTOFF|GOT_PREL|TARGET1|TARGET2|tlsgd|tlsldm|tlsldo|gottpoff|tpoff|sbrel|prel31|got|gotoff|plt|tls|dtpoff|PREL31)$/.test(id)) continue;
      if (id === '.' || id.startsWith('.L')) continue;
      if (isNonSymbol(this.arch, id, op) || this.regAliases.has(id)) continue;
      if (/^\d/.test(id)) continue;
      this.ref(id, tok);
    }
  }

  private evalIf(lop: string, rest: string): boolean | undefined {
    const r = rest.trim();
    switch (lop) {
      case '.if':
      case '.ifne': {
        const v = this.evalExpr(r);
        return v === undefined ? undefined : v !== 0n;
      }
      case '.ifeq': {
        const v = this.evalExpr(r);
        return v === undefined ? undefined : v === 0n;
      }
      case '.ifge': case '.ifgt': case '.ifle': case '.iflt': {
        const v = this.evalExpr(r);
        if (v === undefined) return undefined;
        return lop === '.ifge' ? v >= 0n : lop === '.ifgt' ? v > 0n : lop === '.ifle' ? v <= 0n : v < 0n;
      }
      case '.ifdef':
        return this.defs.has(r) || this.values.has(r);
      case '.ifndef':
      case '.ifnotdef':
        return !(this.defs.has(r) || this.values.has(r));
      case '.ifb':
        return r === '';
      case '.ifnb':
        return r !== '';
      case '.ifc':
      case '.ifnc': {
        const [a, b] = splitIfc(r);
        const eq = a === b;
        return lop === '.ifc' ? eq : !eq;
      }
      case '.ifeqs':
      case '.ifnes': {
        const m = /^"((?:[^"\\]|\\.)*)"\s*,\s*"((?:[^"\\]|\\.)*)"/.exec(r);
        if (!m) return undefined;
        return lop === '.ifeqs' ? m[1] === m[2] : m[1] !== m[2];
      }
      default:
        return undefined;
    }
  }

  /** evaluate an absolute gas expression (numbers, .set values, C-like operators) */
  evalExpr(text: string): bigint | undefined {
    const toks = text.match(/0[xX][0-9a-fA-F]+|0[bB][01]+|\d+|[A-Za-z_.$][\w.$]*|<<|>>|<=|>=|==|!=|<>|&&|\|\||'\\?.|[-+*/%&|^~!()<>]/g);
    if (!toks) return undefined;
    let i = 0;
    const values = this.values;
    const peek = () => toks[i];
    const bin: [string[], number][] = [
      [['||'], 1], [['&&'], 2], [['|'], 3], [['^'], 4], [['&'], 5], [['==', '!=', '<>'], 6],
      [['<', '>', '<=', '>='], 7], [['<<', '>>'], 8], [['+', '-'], 9], [['*', '/', '%'], 10],
    ];
    const precOf = (op: string | undefined) => bin.find(([ops]) => op !== undefined && ops.includes(op))?.[1];
    const primary = (): bigint | undefined => {
      const t = toks[i++];
      if (t === undefined) return undefined;
      if (t === '(') {
        const v = expr(1);
        if (peek() === ')') i++;
        return v;
      }
      if (t === '-') { const v = primary(); return v === undefined ? undefined : -v; }
      if (t === '~') { const v = primary(); return v === undefined ? undefined : ~v; }
      if (t === '!') { const v = primary(); return v === undefined ? undefined : v === 0n ? 1n : 0n; }
      if (t === '+') return primary();
      if (/^\d/.test(t)) {
        try {
          return BigInt(t.replace(/^0(\d)/, '0o$1'));
        } catch {
          return undefined;
        }
      }
      if (t.startsWith("'")) return BigInt(t.charCodeAt(t.length - 1));
      return values.get(t);
    };
    const expr = (min: number): bigint | undefined => {
      let l = primary();
      for (;;) {
        const op = peek();
        const p = precOf(op);
        if (p === undefined || p < min) return l;
        i++;
        const r = expr(p + 1);
        if (l === undefined || r === undefined) {
          l = undefined;
          continue;
        }
        switch (op) {
          case '||': l = l !== 0n || r !== 0n ? 1n : 0n; break;
          case '&&': l = l !== 0n && r !== 0n ? 1n : 0n; break;
          case '|': l = l | r; break;
          case '^': l = l ^ r; break;
          case '&': l = l & r; break;
          case '==': l = l === r ? -1n : 0n; break;
          case '!=': case '<>': l = l !== r ? -1n : 0n; break;
          case '<': l = l < r ? -1n : 0n; break;
          case '>': l = l > r ? -1n : 0n; break;
          case '<=': l = l <= r ? -1n : 0n; break;
          case '>=': l = l >= r ? -1n : 0n; break;
          case '<<': l = l << r; break;
          case '>>': l = l >> r; break;
          case '+': l = l + r; break;
          case '-': l = l - r; break;
          case '*': l = l * r; break;
          case '/': l = r === 0n ? undefined : l / r; break;
          case '%': l = r === 0n ? undefined : l % r; break;
        }
      }
    };
    const v = expr(1);
    return i === toks.length ? v : undefined;
  }
}

/** remove complete C comments of a line, outside strings */
function stripCComments(text: string): string {
  if (!text.includes('/*')) return text;
  let out = '';
  let inStr = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (inStr && ch === '\\') {
      out += ch + (text[i + 1] ?? '');
      i++;
      continue;
    }
    if (ch === '"') inStr = !inStr;
    if (!inStr && ch === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      if (end < 0) break;
      out += ' ';
      i = end + 1;
      continue;
    }
    out += ch;
  }
  return out;
}

function stripComment(text: string, c: string | undefined): string {
  if (!c || !text.includes(c)) return text;
  let inStr = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '\\' && inStr) {
      i++;
      continue;
    }
    if (ch === '"') inStr = !inStr;
    else if (!inStr && ch === c) return text.slice(0, i);
  }
  return text;
}

/** x86 instruction prefixes gas accepts as a word of their own before the instruction */
const X86_PREFIXES = new Set(['rep', 'repe', 'repz', 'repne', 'repnz', 'lock', 'notrack', 'data16', 'data32', 'addr16', 'addr32', 'rex', 'rex64', 'cs', 'ds', 'es', 'fs', 'gs', 'ss']);

/** split a line into statements at ';' outside strings; `rest` is the text after the first statement */
function splitStatements(text: string): { text: string; rest: string }[] {
  if (!text.includes(';')) return [{ text, rest: '' }];
  const out: { text: string; rest: string }[] = [];
  let inStr = false;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '\\' && inStr) {
      i++;
      continue;
    }
    if (ch === '"') inStr = !inStr;
    else if (!inStr && ch === ';') {
      out.push({ text: text.slice(start, i), rest: text.slice(i + 1) });
      start = i + 1;
    }
  }
  out.push({ text: text.slice(start), rest: '' });
  return out;
}

/** split macro arguments at top-level commas (quotes and parentheses respected) */
export function splitArgs(text: string, params: boolean): string[] {
  const out: string[] = [];
  let depth = 0;
  let inStr = false;
  let cur = '';
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (inStr) {
      cur += ch;
      if (ch === '\\') cur += text[++i] ?? '';
      else if (ch === '"') inStr = false;
      continue;
    }
    if (ch === '"') inStr = true;
    else if (ch === '(' || ch === '[' || ch === '{') depth++;
    else if (ch === ')' || ch === ']' || ch === '}') depth--;
    else if (ch === ',' && depth <= 0) {
      out.push(cur);
      cur = '';
      continue;
    }
    cur += ch;
  }
  out.push(cur);
  if (params && out.length === 1 && /\s/.test(out[0]!.trim())) {
    // `.macro name a b c` (space-separated parameters), keeping `a=default` and `a:req` together
    return out[0]!.trim().split(/\s+(?![=:])(?<![=:]\s*)/);
  }
  return out.length === 1 && out[0]!.trim() === '' ? [] : out;
}

function splitIfc(r: string): [string, string] {
  const parts = splitArgs(r, false);
  const unq = (s: string | undefined) => {
    const t = (s ?? '').trim();
    return t.startsWith("'") && t.endsWith("'") ? t.slice(1, -1) : t;
  };
  return [unq(parts[0]), unq(parts.slice(1).join(','))];
}

/**
 * A macro argument as gas substitutes it: a "quoted" argument (how the kernel passes instruction sequences with
 * blanks and `;`, e.g. ALTERNATIVE "lfence; jmp *%rax") loses its quotes, `\"` inside becoming `"`.
 */
function unquoteArg(a: string): string {
  if (a.length < 2 || a[0] !== '"' || a[a.length - 1] !== '"') return a;
  let out = '';
  for (let i = 1; i < a.length - 1; i++) {
    const c = a[i]!;
    if (c === '\\' && a[i + 1] === '"') out += a[++i];
    else if (c === '"') return a; // two strings side by side: not one quoted argument
    else out += c;
  }
  return out;
}

/** substitute \param, \() and \@ in a macro body line */
function substitute(line: string, args: Map<string, string>, counter: number): string {
  if (!line.includes('\\')) return line;
  return line.replace(/\\(\(\)|@|[\w$]+)/g, (m, name: string) => {
    if (name === '()') return '';
    if (name === '@') return String(counter);
    // gas reads the whole identifier after the backslash (hence the \() separator)
    const v = args.get(name);
    return v === undefined ? m : v;
  });
}

function sectionName(rest: string): string {
  const r = rest.trim();
  if (r.startsWith('"')) {
    const m = /^"((?:[^"\\]|\\.)*)"/.exec(r);
    return m ? m[1]! : r;
  }
  return r.split(/[\s,]/)[0] ?? r;
}

/** macro arguments separated by blanks only, outside quotes and parentheses */
function splitBlanks(rest: string): string[] {
  const out: string[] = [];
  let cur = '';
  let paren = 0;
  let quote = false;
  for (let i = 0; i < rest.length; i++) {
    const c = rest[i]!;
    if (quote) {
      cur += c;
      if (c === '\\' && i + 1 < rest.length) cur += rest[++i];
      else if (c === '"') quote = false;
      continue;
    }
    if (c === '"') quote = true;
    else if (c === '(') paren++;
    else if (c === ')') paren = Math.max(0, paren - 1);
    else if (/\s/.test(c) && paren === 0) {
      if (cur) out.push(cur);
      cur = '';
      continue;
    }
    cur += c;
  }
  if (cur) out.push(cur);
  return out;
}
