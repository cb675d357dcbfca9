import { srcarchOf } from '../core/arch.js';
import type { ExportFact, SymbolDef, SymbolRef, UnitFacts } from '../core/facts.js';
import type { TokenStream } from '../core/tokens.js';
import type { Span, TraceStep } from '../core/types.js';
import { Gas, extractAsmFacts } from './asm.js';
import { compilerModel } from './compiler-refs.js';
import { globalInit } from './consteval.js';
import { Parser } from './parser.js';
import { Reach } from './reach.js';
import { Toks } from './toks.js';
import { targetFor } from './types.js';

export interface UnitInfo {
  object: string;
  source: string;
  language: 'c' | 'assembler-with-cpp';
  module?: string;
  /**
   * Kernel SRCARCH of the build (data model, assembler syntax, compiler-introduced calls). Additive to the
   * original contract; when absent, 'arm' (the architecture kvlint was founded on).
   */
  arch?: string;
  /** the compile command's other flags (CompileCommand.flags): -fstack-protector*, -funwind-tables, … */
  flags?: readonly string[];
  /**
   * CONFIG_STACKPROTECTOR_PER_TASK=y: the canary is the task's (arm, arm64 and riscv add -mstack-protector-guard=tls or
   * sysreg, or arm's per-task gcc plugin, in a prepare recipe — kbuild runs no recipe, B007), never __stack_chk_guard
   */
  perTaskStackProtector?: boolean;
}

/**
 * Symbol facts of one preprocessed translation unit, as `nm` of the object gcc -O2 would build shows them:
 * global/weak/local definitions, undefined symbols referenced from kept code, EXPORT_SYMBOL* entries (from the
 * "___ksymtab" section strings the 6.1 export.h expansion produces), and the .modinfo license/import_ns strings.
 */
export function extractFacts(ts: TokenStream, unit: UnitInfo): UnitFacts {
  // gas syntax, the compiler's conventions and the data model go by SRCARCH (--arch x86_64 is x86), bitness by flags
  const arch = srcarchOf(unit.arch ?? 'arm');
  if (unit.language === 'assembler-with-cpp') return extractAsmFacts(ts, { object: unit.object, source: unit.source, arch });
  return extractCFacts(ts, { ...unit, arch });
}

export function extractCFacts(ts: TokenStream, unit: UnitInfo & { arch: string }): UnitFacts {
  const toks = new Toks(ts);
  const tg = targetFor(unit.arch, unit.flags ?? []);
  const p = new Parser(toks, tg);
  p.parseTranslationUnit();

  const gas = new Gas(unit.arch);
  for (const a of p.topAsm) {
    let text = '';
    for (const s of a.strings) text += toks.str(s) ?? '';
    gas.feedText(text, a.tok);
  }
  const model = compilerModel(unit.arch, unit.flags ?? [], unit.perTaskStackProtector ?? false);
  const reach = new Reach(p, gas, model);
  const dbg = process.env.KVLINT_DEBUG_REACH;
  if (dbg) reach.debug = { match: new RegExp(dbg), log: (m) => process.stderr.write(m + '\n') };
  reach.run();

  // ---- definitions ----
  const defs: SymbolDef[] = [];
  const defined = new Set<string>();
  for (const g of p.globals.values()) {
    if (!g.defined) continue;
    defined.add(g.asmName);
    const kind = g.kind === 'func' ? 'func' : 'data';
    const span = ts.site(g.tok);
    const binding = g.weak ? 'weak' : 'global';
    if (g.alias !== undefined) {
      if (!g.isStatic) defs.push({ name: g.asmName, binding, kind, span, how: '__attribute__((alias))' });
      continue;
    }
    if (g.kind === 'func') {
      if (!g.body) continue;
      if (reach.emitsExternal(g)) defs.push({ name: g.asmName, binding, kind, span });
      else if (g.isStatic && reach.keptStatic.has(g)) defs.push({ name: g.asmName, binding: 'local', kind, span });
    } else if (!g.isStatic) defs.push({ name: g.asmName, binding, kind, span });
    else if (reach.keptStatic.has(g)) defs.push({ name: g.asmName, binding: 'local', kind, span });
  }
  const cDefNames = new Set(defs.map((d) => d.name));
  for (const [name, d] of gas.defs) {
    defined.add(name);
    if (cDefNames.has(name)) continue;
    const binding = gas.weaks.has(name) ? 'weak' : gas.globals.has(name) ? 'global' : 'local';
    defs.push({ name, binding, kind: gas.types.get(name) ?? d.kind, span: ts.site(d.tok), how: 'asm label' });
  }

  // ---- references ----
  const gaps: string[] = [];
  const refs: SymbolRef[] = [];
  const seen = new Set<string>();
  const push = (name: string, span: Span, trace: TraceStep[], from: string | undefined, weak: boolean) => {
    if (seen.has(name) || defined.has(name)) return;
    seen.add(name);
    const r: SymbolRef = { name, span, trace };
    if (from !== undefined) r.from = from;
    if (weak) r.weak = true;
    refs.push(r);
  };
  const unresolved: string[] = [];
  for (const r of reach.refs.values()) {
    if (!p.globals.has(r.name) && !r.why && !isAsmName(p, r.name)) {
      // never declared: gcc would have rejected the unit, so this is a name our parser lost track of
      unresolved.push(r.name);
      continue;
    }
    const trace = [...ts.trace(r.tok)];
    if (r.why) trace.push({ kind: 'note', label: `introduced by the compiler: ${r.why}`, span: ts.site(r.tok) });
    for (const v of r.via) trace.push({ kind: 'note', label: `inlined into ${v.fn}`, span: ts.site(v.tok) });
    push(r.name, ts.site(r.tok), trace, r.from, r.weak);
  }
  for (const [name, tok] of gas.refs) push(name, ts.site(tok), ts.trace(tok), undefined, gas.weaks.has(name));
  for (const [name, tok] of gas.globals) push(name, ts.site(tok), ts.trace(tok), undefined, false);
  const hasCode = reach.emittedFuncs.size > 0;
  if ((model.armUnwind && hasCode) || gas.unwindEntries > 0) {
    push('__aeabi_unwind_cpp_pr0', ts.site(0), [{ kind: 'note', label: 'ARM EHABI unwind tables (-funwind-tables)' }], undefined, false);
  }
  if (model.mcount && hasCode) push(model.mcount, ts.site(0), [{ kind: 'note', label: 'profiling (-pg)' }], undefined, false);
  refs.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));

  // ---- exports, license, namespaces ----
  const exports: ExportFact[] = [];
  let license: UnitFacts['license'];
  const importNs: UnitFacts['importNs'] = [];
  for (const g of p.globals.values()) {
    if (g.kind !== 'var' || g.section === undefined) continue;
    const m = /^___ksymtab(_gpl)?\+(.+)$/.exec(g.section);
    if (m) {
      const name = m[2]!;
      const ns = gas.labelStrings.get(`__kstrtabns_${name}`);
      exports.push({ name, gpl: m[1] !== undefined, namespace: ns ? ns : null, span: ts.site(g.tok), trace: ts.trace(g.tok) });
      continue;
    }
    if (g.section === '.modinfo') {
      const s = stringInit(p, g);
      if (s === undefined) continue;
      const mi = /^(?:[^=]*\.)?([A-Za-z_][\w]*)=(.*)$/s.exec(s);
      if (!mi) continue;
      if (mi[1] === 'license' && !license) license = { value: mi[2]!, span: ts.site(g.tok) };
      else if (mi[1] === 'import_ns') importNs.push({ ns: mi[2]!, span: ts.site(g.tok) });
    }
  }
  for (const x of gas.exports) {
    if (exports.some((e) => e.name === x.name)) continue;
    const ns = gas.labelStrings.get(`__kstrtabns_${x.name}`);
    exports.push({ name: x.name, gpl: x.gpl, namespace: ns ? ns : null, span: ts.site(x.tok), trace: ts.trace(x.tok) });
  }

  if (p.errors.length) {
    const e = p.errors[0]!;
    const at = ts.site(Math.min(e.tok, ts.length - 1));
    gaps.push(`${p.errors.length} declaration(s) not understood (first at ${at.file}:${at.line}: ${e.message})`);
  }
  if (unresolved.length) gaps.push(`undeclared names referenced (parser lost track): ${[...new Set(unresolved)].slice(0, 8).join(', ')}`);
  gaps.push(...new Set(gas.gaps));
  gaps.push(...reach.gaps);

  const facts: UnitFacts = { object: unit.object, source: unit.source, defs, refs, exports, importNs };
  if (license) facts.license = license;
  if (gaps.length) facts.gaps = gaps;
  return facts;
}

function isAsmName(p: Parser, name: string): boolean {
  for (const g of p.globals.values()) if (g.asmName === name) return true;
  return false;
}

/** the string a `static const char x[] = "…" "…"` object holds */
function stringInit(p: Parser, g: import('./ast.js').GSym): string | undefined {
  const init = globalInit(p, g);
  if (!init) return undefined;
  const e = init.k === 'expr' ? init.e : init.items.length === 1 && init.items[0]!.init.k === 'expr' ? init.items[0]!.init.e : undefined;
  if (!e || e.k !== 'str') return undefined;
  let s = '';
  for (const t of e.toks) s += p.toks.str(t) ?? '';
  return s;
}
