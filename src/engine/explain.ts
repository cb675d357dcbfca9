import type { RefStatus } from '../core/facts.js';
import type { ConfigRef, Span, TraceStep } from '../core/types.js';
import type { KernelTree } from '../tree/tree.js';
import { buildStep } from '../../rules/common.js';
import { witness } from './merge.js';
import type { ConfigRun } from './pipeline.js';

/**
 * `kvlint explain SYMBOL`: everything the run knows about one linker symbol across the matrix — where it is defined
 * (object, source line, built into vmlinux or which module, by which Makefile line and Kconfig values), where it is
 * exported (EXPORT_SYMBOL* kind, namespace), in which configurations modules can use it, and who uses it (modules
 * with how their reference resolves, built-in objects). Each fact lists the configurations it holds in; facts that
 * hold in only some configurations carry the smallest difference (witness) that selects them.
 */
export interface Facet<T> {
  value: T;
  configs: ConfigRef[];
  /** overrides shared by `configs` that tell them apart from the run's other configurations */
  when?: Record<string, string>;
}

export interface DefinitionFact {
  object: string;
  span: Span;
  binding: 'global' | 'weak' | 'local';
  kind: 'func' | 'data' | 'unknown';
  how?: string;
  /** 'vmlinux' or the module name */
  into: string;
  /** the Makefile line (and Kconfig values) that builds the object */
  build?: TraceStep;
}

export interface ExportFactView {
  object: string;
  provider: string;
  macro: string;
  gpl: boolean;
  namespace: string | null;
  span: Span;
}

export type Availability =
  | { kind: 'exported'; provider: string; gpl: boolean; namespace: string | null }
  | { kind: 'defined-unexported'; provider: string; object: string }
  | { kind: 'undefined' };

export interface UseFact {
  /** 'vmlinux' for built-in objects, else the module name */
  by: string;
  object?: string;
  span: Span;
  /** for modules: how the reference resolves at modpost time; for vmlinux: 'defined' when built-in code defines it */
  status: RefStatus | 'defined' | 'module-only';
  problems?: string[];
}

export interface SymbolExplanation {
  symbol: string;
  configs: ConfigRef[];
  definitions: Facet<DefinitionFact>[];
  exports: Facet<ExportFactView>[];
  availability: Facet<Availability>[];
  users: Facet<UseFact>[];
}

class FacetSet<T> {
  private readonly map = new Map<string, Facet<T>>();
  add(key: string, value: T, ref: ConfigRef): void {
    const f = this.map.get(key);
    if (f) {
      if (!f.configs.some((c) => c.id === ref.id)) f.configs.push(ref);
    } else this.map.set(key, { value, configs: [ref] });
  }
  list(all: ConfigRef[]): Facet<T>[] {
    return [...this.map.values()].map((f) => {
      if (f.configs.length < all.length) {
        const ids = new Set(f.configs.map((c) => c.id));
        const w = witness(f.configs, all.filter((c) => !ids.has(c.id)));
        if (w) f.when = w;
      }
      return f;
    });
  }
}

const spanKey = (s: Span) => `${s.file}:${s.line}:${s.col}`;

export function explainSymbol(tree: KernelTree, runs: readonly ConfigRun[], symbol: string): SymbolExplanation {
  const all = runs.map((r) => r.ref);
  const defs = new FacetSet<DefinitionFact>();
  const exps = new FacetSet<ExportFactView>();
  const avail = new FacetSet<Availability>();
  const users = new FacetSet<UseFact>();

  for (const run of runs) {
    const ref = run.ref;
    // definitions: every object with a global/weak definition (local ones only if nothing else defines it)
    let definedBuiltin: string | undefined;
    for (const [object, f] of run.facts) {
      for (const d of f.defs) {
        if (d.name !== symbol) continue;
        const obj = run.graph.objects.get(object);
        const into = obj?.module ?? (obj?.builtin ? 'vmlinux' : '?');
        if (into === 'vmlinux' && d.binding !== 'local') definedBuiltin = object;
        const v: DefinitionFact = { object, span: d.span, binding: d.binding, kind: d.kind, into };
        if (d.how) v.how = d.how;
        if (obj) v.build = buildStep(tree, run, obj);
        defs.add(`${object}|${spanKey(d.span)}|${d.binding}|${into}`, v, ref);
      }
      for (const x of f.exports) {
        if (x.name !== symbol) continue;
        const obj = run.graph.objects.get(object);
        const provider = obj?.module ?? 'vmlinux';
        const macro = `EXPORT_SYMBOL${x.namespace ? '_NS' : ''}${x.gpl ? '_GPL' : ''}`;
        exps.add(`${object}|${spanKey(x.span)}|${macro}|${x.namespace ?? ''}`, { object, provider, macro, gpl: x.gpl, namespace: x.namespace, span: x.span }, ref);
      }
    }

    // availability to modules, as modpost would resolve a module's reference
    const vx = run.link.vmlinux.exports.find((x) => x.name === symbol);
    const mx = vx ? undefined : run.link.modules.find((m) => m.exports.some((x) => x.name === symbol));
    if (vx) {
      avail.add(`exported|vmlinux|${vx.gpl}|${vx.namespace ?? ''}`, { kind: 'exported', provider: 'vmlinux', gpl: vx.gpl, namespace: vx.namespace }, ref);
    } else if (mx) {
      const x = mx.exports.find((e) => e.name === symbol)!;
      avail.add(`exported|${mx.name}|${x.gpl}|${x.namespace ?? ''}`, { kind: 'exported', provider: mx.name, gpl: x.gpl, namespace: x.namespace }, ref);
    } else {
      const d = run.link.vmlinux.defined.get(symbol);
      const md = d ? undefined : run.link.modules.find((m) => m.objects.some((o) => run.facts.get(o)?.defs.some((x) => x.name === symbol && x.binding !== 'local')));
      if (d) avail.add(`unexported|vmlinux|${d.object}`, { kind: 'defined-unexported', provider: 'vmlinux', object: d.object }, ref);
      else if (md) {
        const o = md.objects.find((x) => run.facts.get(x)?.defs.some((y) => y.name === symbol && y.binding !== 'local'))!;
        avail.add(`unexported|${md.name}|${o}`, { kind: 'defined-unexported', provider: md.name, object: o }, ref);
      } else avail.add('undefined', { kind: 'undefined' }, ref);
    }

    // users: modules (with how modpost resolves the reference), then built-in objects
    for (const m of run.link.modules) {
      const r = m.refs.find((x) => x.symbol === symbol);
      if (!r) continue;
      const use = r.uses.find((u) => !u.weak) ?? r.uses[0];
      if (!use) continue;
      const u: UseFact = { by: m.name, span: use.span, status: r.status };
      if (r.problems) u.problems = [...r.problems];
      users.add(`${m.name}|${spanKey(use.span)}|${r.status}|${(r.problems ?? []).join(',')}`, u, ref);
    }
    for (const [object, f] of run.facts) {
      const obj = run.graph.objects.get(object);
      if (!obj?.builtin || obj.module !== undefined) continue;
      const r = f.refs.find((x) => x.name === symbol);
      if (!r) continue;
      const unresolved = run.link.vmlinux.unresolved.find((x) => x.symbol === symbol);
      const status: UseFact['status'] = definedBuiltin ? 'defined' : unresolved?.status === 'defined-unexported' ? 'module-only' : 'undefined';
      users.add(`vmlinux|${object}|${spanKey(r.span)}|${status}`, { by: 'vmlinux', object, span: r.span, status }, ref);
    }
  }
  return {
    symbol,
    configs: all,
    definitions: defs.list(all),
    exports: exps.list(all),
    availability: avail.list(all),
    users: users.list(all),
  };
}
