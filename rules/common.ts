import type { ExportFact, ResolvedRef, SymbolDef, SymbolRef } from '../src/core/facts.js';
import type { BuiltObject, ObjectGraph } from '../src/core/graph.js';
import type { ConfigRef, Span, TraceStep, Tristate } from '../src/core/types.js';
import { tristateName } from '../src/core/types.js';
import type { KernelTree } from '../src/tree/tree.js';
import { witness } from '../src/engine/merge.js';
import type { ConfigView } from './api.js';

/**
 * Helpers shared by the rules (not a rule: rule files live in rules/<family>/). They build chain steps out of the
 * facts; no rule formats locations by hand.
 */

/** "drivers/staging/zram/zram" -> "zram" (modpost prints the basename in some messages) */
export function moduleBasename(name: string): string {
  const i = name.lastIndexOf('/');
  return i < 0 ? name : name.slice(i + 1);
}

/** The use of a symbol with the macro chain that produced it: a 'use' step, then the chain. */
export function useSteps(who: string, symbol: string, use: SymbolRef): TraceStep[] {
  return [{ kind: 'use', label: `${who} uses ${symbol}`, span: use.span }, ...use.trace];
}

/** The first non-weak use (what modpost and ld complain about), else the first use. */
export function firstUse(ref: ResolvedRef): SymbolRef | undefined {
  return ref.uses.find((u) => !u.weak) ?? ref.uses[0];
}

export function exportMacro(x: Pick<ExportFact, 'gpl' | 'namespace'>): string {
  return `EXPORT_SYMBOL${x.namespace ? '_NS' : ''}${x.gpl ? '_GPL' : ''}`;
}

export function providerLabel(provider: string): string {
  return provider === 'vmlinux' ? 'vmlinux' : `${provider}.ko`;
}

/** "exported by EXPORT_SYMBOL_GPL in vmlinux" with the export's span */
export function exportStep(symbol: string, x: ExportFact & { provider: string }): TraceStep {
  const ns = x.namespace ? ` in namespace ${x.namespace}` : '';
  return { kind: 'export', label: `${symbol} is exported by ${exportMacro(x)}${ns} from ${providerLabel(x.provider)}`, span: x.span };
}

export function valueName(v: Tristate | string | undefined): string {
  if (v === undefined) return 'n (not set)';
  return typeof v === 'number' ? tristateName(v) : v;
}

/**
 * The Kbuild statement at `span` (a Makefile line that adds an object, continuation lines included) and the
 * CONFIG_ symbols it is conditional on, e.g. `obj-$(CONFIG_ZSMALLOC) += zsmalloc.o` -> ["ZSMALLOC"].
 */
export function kbuildStatement(tree: KernelTree, span: Span): { text: string; symbols: string[] } | undefined {
  const text = tree.tryReadText(span.file);
  if (text === undefined || span.line < 1) return undefined;
  const lines = text.split('\n');
  let first = span.line - 1;
  while (first > 0 && /\\\s*$/.test(lines[first - 1] ?? '')) first--;
  let last = span.line - 1;
  while (last < lines.length - 1 && /\\\s*$/.test(lines[last] ?? '')) last++;
  const stmt = lines
    .slice(first, last + 1)
    .map((l) => l.replace(/\\\s*$/, '').trim())
    .join(' ')
    .replace(/\s+/g, ' ')
    .trim();
  if (!stmt) return undefined;
  const lhs = stmt.split(/[:+?]?=/)[0] ?? '';
  const symbols = [...new Set([...lhs.matchAll(/CONFIG_([A-Za-z0-9_]+)/g)].map((m) => m[1]!))];
  return { text: stmt.length > 120 ? `${stmt.slice(0, 117)}...` : stmt, symbols };
}

/** A Kbuild statement that decides whether an object is built: the object's own line, or its module's line. */
export interface BuildCondition {
  text: string;
  span: Span;
  symbols: string[];
}

/**
 * The statements that put `obj` into the build of `graph`: its own Makefile line and, for a module member, the
 * line that builds the module (`obj-$(CONFIG_ZSMALLOC) += zsmalloc.o`), where the deciding Kconfig symbol usually is.
 */
export function buildConditions(tree: KernelTree, graph: ObjectGraph, obj: BuiltObject): BuildCondition[] {
  const out: BuildCondition[] = [];
  const own = kbuildStatement(tree, obj.span);
  if (own) out.push({ ...own, span: obj.span });
  // a member of a composite object (`zsmalloc-y := zsmalloc-main.o`): the line that adds the composite decides
  const comp = own ? /^([A-Za-z0-9_.-]+?)-(?:y|objs|\$\(CONFIG_[A-Za-z0-9_]+\))\s*[:+?]?=/.exec(own.text) : null;
  if (comp && comp[1] !== 'obj' && comp[1] !== 'lib') {
    const found = findAdding(tree, obj.span.file, `${comp[1]}.o`);
    if (found) out.push(found);
  }
  if (obj.module !== undefined) {
    const m = graph.modules.find((x) => x.name === obj.module);
    if (m && !out.some((c) => c.span.file === m.span.file && c.span.line === m.span.line)) {
      const st = kbuildStatement(tree, m.span);
      if (st) out.push({ ...st, span: m.span });
    }
  }
  return out;
}

/** The `obj-… += NAME` line of a Makefile (first one), as a condition. */
function findAdding(tree: KernelTree, file: string, name: string): BuildCondition | undefined {
  const text = tree.tryReadText(file);
  if (text === undefined) return undefined;
  const lines = text.split('\n');
  const re = new RegExp(`^\\s*obj-[^\\s=]*\\s*[:+?]?=.*(^|[\\s])${name.replace(/[.]/g, '\\.')}(\\s|$)`);
  for (let i = 0; i < lines.length; i++) {
    if (!re.test(lines[i]!)) continue;
    const span = { file, line: i + 1, col: 1 };
    const st = kbuildStatement(tree, span);
    if (st) return { ...st, span };
  }
  return undefined;
}

/** The Kconfig symbols deciding whether `obj` is built (the module's line last: it is the usual switch). */
export function buildSymbols(tree: KernelTree, graph: ObjectGraph, obj: BuiltObject): string[] {
  return [...new Set(buildConditions(tree, graph, obj).flatMap((c) => c.symbols))];
}

function valuesText(view: Pick<ConfigView, 'config'>, symbols: string[]): string {
  return symbols.map((s) => `CONFIG_${s}=${valueName(view.config.values.get(s))}`).join(', ');
}

/** How an object is built in a configuration: a 'build' step at the Makefile line that decides it, with the values. */
export function buildStep(tree: KernelTree, view: Pick<ConfigView, 'config' | 'graph'>, obj: BuiltObject): TraceStep {
  const conds = buildConditions(tree, view.graph, obj);
  const into = obj.module !== undefined ? `module ${obj.module}.ko` : 'vmlinux';
  const decisive = conds.filter((c) => c.symbols.length > 0);
  const shown = decisive.length > 0 ? decisive : conds.slice(0, 1);
  const how = shown.map((c) => `\`${c.text}\``).join(' and ');
  const vals = valuesText(view, [...new Set(shown.flatMap((c) => c.symbols))]);
  return {
    kind: 'build',
    label: `${obj.path} is linked into ${into}${how ? ` by ${how}` : ''}${vals ? ` (${vals})` : ''}`,
    span: (shown[shown.length - 1] ?? { span: obj.span }).span,
  };
}

/** One definition of a symbol somewhere in the run: the object, and the configurations that build it. */
export interface DefinitionSite {
  object: string;
  def: SymbolDef;
  /** a configuration that builds it, with the object as that configuration's graph has it */
  example: { view: ConfigView; obj: BuiltObject };
  configs: ConfigRef[];
}

/**
 * A per-run index of which objects define which global symbols, across every configuration of the matrix (built
 * lazily, once per run): answers "which configuration would build the object that defines this symbol".
 */
export class DefinitionIndex {
  private index: Map<string, DefinitionSite[]> | undefined;

  constructor(private readonly views: readonly ConfigView[]) {}

  /** "when MMU=y" (the values that select `configs` among the run's configurations), else their labels */
  describe(configs: readonly ConfigRef[]): string {
    const ids = new Set(configs.map((c) => c.id));
    const others = this.views.map((v) => v.ref).filter((r) => !ids.has(r.id));
    const w = others.length > 0 ? witness([...configs], others) : undefined;
    if (w && Object.keys(w).length > 0) return `when ${Object.entries(w).map(([k, v]) => `${k}=${v}`).join(', ')}`;
    return `in ${configs.map((c) => c.label).join('; ')}`;
  }

  /** symbols asked for before the whole index is built (a run with a few findings never builds it) */
  private readonly asked = new Map<string, DefinitionSite[]>();

  sites(symbol: string): DefinitionSite[] {
    if (this.index) return this.index.get(symbol) ?? [];
    let sites = this.asked.get(symbol);
    if (sites) return sites;
    // a pass over every definition per symbol is cheaper than the index up to a few symbols
    if (this.asked.size >= DefinitionIndex.DIRECT) {
      this.index = this.build();
      return this.index.get(symbol) ?? [];
    }
    sites = this.build(symbol).get(symbol) ?? [];
    this.asked.set(symbol, sites);
    return sites;
  }

  private static readonly DIRECT = 8;

  /** the index of every global definition, or (`only`) of one symbol's */
  private build(only?: string): Map<string, DefinitionSite[]> {
    const idx = new Map<string, DefinitionSite[]>();
    // symbol -> object -> site (some symbols, e.g. init_module, are defined by hundreds of objects)
    const byObject = new Map<string, Map<string, DefinitionSite>>();
    for (const view of this.views) {
      for (const [path, f] of view.facts) {
        const obj = view.graph.objects.get(path);
        if (!obj) continue;
        for (const d of f.defs) {
          if (d.binding === 'local' || (only !== undefined && d.name !== only)) continue;
          let sites = byObject.get(d.name);
          if (!sites) {
            byObject.set(d.name, (sites = new Map()));
            idx.set(d.name, []);
          }
          const site = sites.get(path);
          if (site) {
            if (site.configs.at(-1) !== view.ref) site.configs.push(view.ref);
          } else {
            const s: DefinitionSite = { object: path, def: d, example: { view, obj }, configs: [view.ref] };
            sites.set(path, s);
            idx.get(d.name)!.push(s);
          }
        }
      }
    }
    return idx;
  }
}

/**
 * Chain steps saying where a symbol that this configuration does not define would come from: the objects other
 * configurations of the run build that define it, the Makefile line and the Kconfig values that decide it here.
 */
export function elsewhereSteps(tree: KernelTree, here: ConfigView, symbol: string, index: DefinitionIndex): TraceStep[] {
  const sites = index.sites(symbol).filter((s) => !s.configs.some((c) => c.id === here.ref.id));
  if (sites.length === 0) {
    return [{ kind: 'define', label: `no object built in any configuration of this run defines ${symbol}` }];
  }
  const steps: TraceStep[] = [];
  for (const s of sites.slice(0, 3)) {
    steps.push({ kind: 'define', label: `${symbol} is defined in ${s.object} ${index.describe(s.configs)}`, span: s.def.span });
    const conds = buildConditions(tree, s.example.view.graph, s.example.obj);
    const decisive = conds.filter((c) => c.symbols.length > 0);
    const syms = [...new Set(decisive.flatMap((c) => c.symbols))];
    const off = syms.filter((k) => { const v = here.config.values.get(k); return v === undefined || v === 0; });
    const shown = decisive.length > 0 ? decisive : conds.slice(0, 1);
    const how = shown.map((c) => `\`${c.text}\``).join(' and ');
    steps.push({
      kind: 'build',
      label: `${s.object} is not built in this configuration${how ? `: ${how}` : ''}${syms.length ? ` with ${valuesText(here, syms)}` : ''}${off.length === 0 ? ' (its directory is not reached)' : ''}`,
      span: (shown[shown.length - 1] ?? { span: s.example.obj.span }).span,
    });
  }
  if (sites.length > 3) steps.push({ kind: 'note', label: `… and ${sites.length - 3} more objects define ${symbol}` });
  return steps;
}

/**
 * Objects of the configuration without symbol facts (generated sources, e.g. drivers/tty/vt/consolemap_deftbl.c)
 * that sit in the directory of one of the uses: the usual place of a generated table its users reference. A missing
 * symbol may well be defined there, so rules stay silent instead of guessing.
 */
export function factlessNeighbour(missingFacts: readonly string[] | undefined, uses: readonly SymbolRef[]): string | undefined {
  if (!missingFacts || missingFacts.length === 0) return undefined;
  const dirOf = (p: string) => (p.includes('/') ? p.slice(0, p.lastIndexOf('/')) : '');
  const dirs = new Set(uses.map((u) => dirOf(u.span.file)));
  return missingFacts.find((o) => dirs.has(dirOf(o)));
}
