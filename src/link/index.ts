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
  const defined = new Map<string, Def>();
  const addDefs = (o: string, f: UnitFacts) => {
    for (const d of f.defs) {
      if (d.binding === 'local') continue;
      const prev = defined.get(d.name);
      // a strong definition overrides a weak one; the first strong one wins (a second is a link error)
      if (!prev || (prev.binding === 'weak' && d.binding === 'global')) defined.set(d.name, extend(d, { object: o }));
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
    for (const o of linked) for (const r of facts.get(o)!.refs) if (!r.weak && !defined.has(r.name)) u.add(r.name);
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
  const exportTable = new Map<string, { x: ExportFact; provider: string; object: string }>();
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
    defs: Map<string, Def>;
  }
  const mods: ModState[] = graph.modules.map((m) => {
    const fs: { o: string; f: UnitFacts }[] = [];
    const defs = new Map<string, Def>();
    for (const o of m.objects) {
      const f = factsOf(o);
      if (!f) continue;
      fs.push({ o, f });
      for (const d of f.defs) {
        if (d.binding === 'local') continue;
        const prev = defs.get(d.name);
        if (!prev || (prev.binding === 'weak' && d.binding === 'global')) defs.set(d.name, extend(d, { object: o }));
      }
    }
    return { name: m.name, objects: m.objects, facts: fs, defs };
  });
  for (const m of mods) for (const { o, f } of m.facts) for (const x of f.exports) addExport(x, m.name, o);
  const moduleDefs = new Map<string, { def: Def; module: string }>();
  for (const m of mods) for (const [n, d] of m.defs) if (!moduleDefs.has(n)) moduleDefs.set(n, { def: d, module: m.name });

  const classify = (symbol: string, uses: SymbolRef[], self: string | undefined): ResolvedRef => {
    const r: ResolvedRef = { symbol, status: 'undefined', uses };
    if (uses.length > 0 && uses.every((u) => u.weak)) r.weak = true;
    const x = exportTable.get(symbol);
    if (x && x.provider !== self && self !== undefined) {
      r.status = 'exported';
      r.export = extend(x.x, { provider: x.provider });
      return r;
    }
    const d = defined.get(symbol);
    if (d) {
      r.status = 'defined-unexported';
      r.definition = extend(d, { provider: 'vmlinux' });
      return r;
    }
    const md = moduleDefs.get(symbol);
    if (md && md.module !== self) {
      r.status = 'defined-unexported';
      r.definition = extend(md.def, { provider: md.module });
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
      if (defined.has(r.name) || r.weak) continue;
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
      r.definition = extend(md.def, { provider: md.module });
    }
    return r;
  });

  const result: LinkResult = {
    modules,
    vmlinux: { exports: vmExports, defined, unresolved, libObjects: pulled, duplicateExports },
  };
  if (missingFacts.length) result.missingFacts = [...new Set(missingFacts)];
  return result;
}
