import type {
  ExportFact, LinkResult, ModuleLink, ResolvedRef, SymbolDef, SymbolRef, UnitFacts,
} from '../core/facts.js';
import type { ObjectGraph } from '../core/graph.js';
import { extend } from '../core/lazy.js';

/** modpost's list of GPL-compatible licenses (scripts/mod/modpost.c, license_is_gpl_compatible) */
const GPL_COMPATIBLE = new Set(['GPL', 'GPL v2', 'GPL and additional rights', 'Dual BSD/GPL', 'Dual MIT/GPL', 'Dual MPL/GPL']);

export function licenseIsGplCompatible(license: string): boolean {
  return GPL_COMPATIBLE.has(license);
}

type Def = SymbolDef & { object: string };
interface DefPair {
  d: SymbolDef;
  o: string;
}

/** vmlinux's definitions by name, each made into a `Def` when first read (most never are). */
class DefinedView implements ReadonlyMap<string, Def> {
  private readonly made = new Map<string, Def>();
  constructor(private readonly pairs: ReadonlyMap<string, DefPair>) {}
  get size(): number {
    return this.pairs.size;
  }
  has(name: string): boolean {
    return this.pairs.has(name);
  }
  get(name: string): Def | undefined {
    let d = this.made.get(name);
    if (!d) {
      const p = this.pairs.get(name);
      if (!p) return undefined;
      this.made.set(name, (d = extend(p.d, { object: p.o })));
    }
    return d;
  }
  *entries(): MapIterator<[string, Def]> {
    for (const k of this.pairs.keys()) yield [k, this.get(k)!];
  }
  *keys(): MapIterator<string> {
    yield* this.pairs.keys();
  }
  *values(): MapIterator<Def> {
    for (const k of this.pairs.keys()) yield this.get(k)!;
  }
  [Symbol.iterator](): MapIterator<[string, Def]> {
    return this.entries();
  }
  forEach(fn: (value: Def, key: string, map: ReadonlyMap<string, Def>) => void, thisArg?: unknown): void {
    for (const [k, v] of this.entries()) fn.call(thisArg, v, k, this);
  }
}

/**
 * Link resolution for one configuration, the way the kernel's final link and modpost see it: vmlinux is the
 * built-in objects (plus the lib-y objects something needs, archive semantics), its exports are the EXPORT_SYMBOL*
 * entries of those objects; each module's undefined symbols (the union of its objects' references minus what the
 * module itself defines, minus __this_module which the .mod.o provides) are resolved against vmlinux's and the
 * other modules' exports, else classified as defined-but-not-exported (with the definition) or not defined at all.
 */
export function resolveLink(graph: ObjectGraph, facts: ReadonlyMap<string, UnitFacts>): LinkResult {
  const missingFacts: string[] = [];
  const factsOf = (o: string): UnitFacts | undefined => {
    const f = facts.get(o);
    if (!f) missingFacts.push(o);
    return f;
  };

  // ---- vmlinux ----
  // definitions are kept as (definition, object) until the end: one object per symbol that wins, not per definition
  const defPairs = new Map<string, DefPair>();
  const addDefs = (o: string, f: UnitFacts) => {
    for (const d of f.defs) {
      if (d.binding === 'local') continue;
      const prev = defPairs.get(d.name);
      // a strong definition overrides a weak one; the first strong one wins (a second is a link error)
      if (!prev || (prev.d.binding === 'weak' && d.binding === 'global')) defPairs.set(d.name, { d, o });
    }
  };
  const builtin: string[] = [];
  const libs: string[] = [];
  // 6.1 links lib-y objects whole when CONFIG_MODULES=y (their exports must reach modules); archive semantics
  // (members only when referenced) apply without modules
  const wholeLibs = graph.modules.length > 0;
  for (const o of graph.builtin) {
    const bo = graph.objects.get(o);
    if (bo?.lib && !wholeLibs) libs.push(o);
    else builtin.push(o);
  }
  // also lib objects listed only in `objects`
  const listed = new Set([...builtin, ...libs]);
  for (const bo of graph.objects.values()) {
    if (bo.lib && bo.builtin && !listed.has(bo.path)) (wholeLibs ? builtin : libs).push(bo.path);
  }
  const linked: string[] = [];
  for (const o of builtin) {
    const f = factsOf(o);
    if (!f) continue;
    linked.push(o);
    addDefs(o, f);
  }
  // lib.a: pull members that define something still undefined, until nothing changes
  const pulled: string[] = [];
  const undefinedNow = (): Set<string> => {
    const u = new Set<string>();
    for (const o of linked) for (const r of facts.get(o)!.refs) if (!r.weak && !defPairs.has(r.name)) u.add(r.name);
    return u;
  };
  const remaining = libs.filter((o) => facts.has(o));
  for (const o of libs) if (!facts.has(o)) missingFacts.push(o);
  // (nothing to pull when every lib object is linked whole: no scan of every reference then)
  for (let changed = remaining.length > 0; changed; ) {
    changed = false;
    const need = undefinedNow();
    for (let i = 0; i < remaining.length; i++) {
      const o = remaining[i]!;
      const f = facts.get(o)!;
      if (f.defs.some((d) => d.binding !== 'local' && need.has(d.name))) {
        linked.push(o);
        pulled.push(o);
        addDefs(o, f);
        remaining.splice(i, 1);
        i--;
        changed = true;
      }
    }
  }

  const vmExports: (ExportFact & { object: string })[] = [];
  const exportTable = new Map<string, { x: ExportFact; provider: string; object: string; provided?: ResolvedRef['export'] }>();
  const duplicateExports: { name: string; first: string; second: string }[] = [];
  const addExport = (x: ExportFact, provider: string, object: string) => {
    const prev = exportTable.get(x.name);
    if (prev) {
      duplicateExports.push({ name: x.name, first: prev.provider === 'vmlinux' ? prev.object : prev.provider, second: provider === 'vmlinux' ? object : provider });
      return;
    }
    exportTable.set(x.name, { x, provider, object });
  };
  for (const o of linked) {
    for (const x of facts.get(o)!.exports) {
      vmExports.push(extend(x, { object: o }));
      addExport(x, 'vmlinux', o);
    }
  }

  // ---- modules: own definitions and exports first (modules export to each other) ----
  interface ModState {
    name: string;
    objects: string[];
    facts: { o: string; f: UnitFacts }[];
    defs: Map<string, DefPair>;
  }
  const mods: ModState[] = graph.modules.map((m) => {
    const fs: { o: string; f: UnitFacts }[] = [];
    const defs = new Map<string, DefPair>();
    for (const o of m.objects) {
      const f = factsOf(o);
      if (!f) continue;
      fs.push({ o, f });
      for (const d of f.defs) {
        if (d.binding === 'local') continue;
        const prev = defs.get(d.name);
        if (!prev || (prev.d.binding === 'weak' && d.binding === 'global')) defs.set(d.name, { d, o });
      }
    }
    return { name: m.name, objects: m.objects, facts: fs, defs };
  });
  for (const m of mods) for (const { o, f } of m.facts) for (const x of f.exports) addExport(x, m.name, o);
  const moduleDefs = new Map<string, { def: DefPair; module: string; provided?: ResolvedRef['definition'] }>();
  for (const m of mods) for (const [n, d] of m.defs) if (!moduleDefs.has(n)) moduleDefs.set(n, { def: d, module: m.name });
  // what a reference resolved to, one object per symbol however many references share it
  const vmDefinition = new Map<string, NonNullable<ResolvedRef['definition']>>();
  const definitionIn = (name: string): ResolvedRef['definition'] => {
    let r = vmDefinition.get(name);
    if (!r) {
      const p = defPairs.get(name);
      if (!p) return undefined;
      vmDefinition.set(name, (r = extend(p.d, { object: p.o, provider: 'vmlinux' })));
    }
    return r;
  };
  const moduleDefinition = (md: { def: DefPair; module: string; provided?: ResolvedRef['definition'] }) =>
    (md.provided ??= extend(md.def.d, { object: md.def.o, provider: md.module }));

  const classify = (symbol: string, uses: SymbolRef[], self: string | undefined): ResolvedRef => {
    const r: ResolvedRef = { symbol, status: 'undefined', uses };
    if (uses.length > 0 && uses.every((u) => u.weak)) r.weak = true;
    const x = exportTable.get(symbol);
    if (x && x.provider !== self && self !== undefined) {
      r.status = 'exported';
      r.export = x.provided ??= extend(x.x, { provider: x.provider });
      return r;
    }
    const d = definitionIn(symbol);
    if (d) {
      r.status = 'defined-unexported';
      r.definition = d;
      return r;
    }
    const md = moduleDefs.get(symbol);
    if (md && md.module !== self) {
      r.status = 'defined-unexported';
      r.definition = moduleDefinition(md);
    }
    return r;
  };

  const modules: ModuleLink[] = mods.map((m) => {
    const uses = new Map<string, SymbolRef[]>();
    let license: ModuleLink['license'];
    const importNs: ModuleLink['importNs'] = [];
    const exports: ExportFact[] = [];
    for (const { f } of m.facts) {
      if (f.license && !license) license = f.license;
      importNs.push(...f.importNs);
      exports.push(...f.exports);
      for (const r of f.refs) {
        if (m.defs.has(r.name) || r.name === '__this_module') continue;
        let u = uses.get(r.name);
        if (!u) uses.set(r.name, (u = []));
        u.push(r);
      }
    }
    const refs = [...uses.keys()].sort().map((s) => {
      const r = classify(s, uses.get(s)!, m.name);
      if (r.status === 'exported' && r.export) {
        const problems: ('gpl-only' | 'namespace')[] = [];
        if (r.export.gpl && !(license && licenseIsGplCompatible(license.value))) problems.push('gpl-only');
        if (r.export.namespace && !importNs.some((n) => n.ns === r.export!.namespace)) problems.push('namespace');
        if (problems.length) r.problems = problems;
      }
      return r;
    });
    const ml: ModuleLink = { name: m.name, objects: m.objects, importNs, refs, exports };
    if (license) ml.license = license;
    return ml;
  });

  // ---- built-in references nothing built-in defines ----
  const unresolvedUses = new Map<string, SymbolRef[]>();
  for (const o of linked) {
    for (const r of facts.get(o)!.refs) {
      if (r.weak || defPairs.has(r.name)) continue;
      let u = unresolvedUses.get(r.name);
      if (!u) unresolvedUses.set(r.name, (u = []));
      u.push(r);
    }
  }
  const unresolved = [...unresolvedUses.keys()].sort().map((s) => {
    const r: ResolvedRef = { symbol: s, status: 'undefined', uses: unresolvedUses.get(s)! };
    const md = moduleDefs.get(s);
    if (md) {
      r.status = 'defined-unexported';
      r.definition = moduleDefinition(md);
    }
    return r;
  });

  const result: LinkResult = {
    modules,
    vmlinux: { exports: vmExports, defined: new DefinedView(defPairs), unresolved, libObjects: pulled, duplicateExports },
  };
  if (missingFacts.length) result.missingFacts = [...new Set(missingFacts)];
  return result;
}
