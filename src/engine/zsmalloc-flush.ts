import type { SymbolRef } from '../core/facts.js';
import type { ConfigRef, TraceStep } from '../core/types.js';
import type { ConfigSelection } from '../matrix/selection.js';
import { loadSettings } from '../settings/index.js';
import type { KernelTree } from '../tree/tree.js';
import { runCheck } from './check.js';

/** What the linter says about zsmalloc's unmap path in one configuration (consumed by `kvlint model --tree`). */
export interface UnmapFlushAnswer {
  /** 'none' when the page-table path is not built (the copy path is used: there is nothing to flush) */
  flush: 'none' | 'local' | 'global';
  /** which mapping path the preprocessor selected for the unit */
  path: 'copy' | 'pgtable';
  /** the symbol the flush call finally references (e.g. v7wbi_flush_kern_tlb_range, cpu_tlb) */
  symbol: string;
  /** true when zsmalloc links in this configuration: built in, or a module whose flush reference is exported */
  linksAsModule: boolean;
  /** zsmalloc is a module in this configuration (false: built in, no modpost check) */
  isModule: boolean;
  trace: TraceStep[];
  config: ConfigRef;
  smp: boolean;
}

const FLUSH_MACROS = new Map<string, 'local' | 'global'>([
  ['local_flush_tlb_kernel_range', 'local'],
  ['flush_tlb_kernel_range', 'global'],
]);

/** Which flush a reference stands for: the outermost flush macro used at the site, or a direct call. */
function flushKind(ref: SymbolRef): 'local' | 'global' | undefined {
  const use = ref.trace.find((s) => s.kind === 'use');
  if (use && FLUSH_MACROS.has(use.label)) return FLUSH_MACROS.get(use.label);
  return FLUSH_MACROS.get(ref.name);
}

/**
 * For every configuration of the selection (the tree's default matrix when the selection is empty): run the
 * linter, find zsmalloc's objects (a module or built-in objects named zsmalloc*), and report which TLB flush its
 * unmap path resolves to, what symbol that is, and whether it links.
 */
export async function unmapFlushFor(tree: KernelTree, selection: ConfigSelection): Promise<UnmapFlushAnswer[]> {
  const settings = loadSettings(tree);
  const result = await runCheck({ tree, selection, settings, only: ['X001'] });
  const out: UnmapFlushAnswer[] = [];
  for (const run of result.run.runs) {
    const mod = run.link.modules.find((m) => /(^|\/)zsmalloc$/.test(m.name));
    const objects = mod ? mod.objects : [...run.graph.objects.values()].filter((o) => /(^|\/)zsmalloc[^/]*\.o$/.test(o.path)).map((o) => o.path);
    if (objects.length === 0) continue; // zsmalloc not built in this configuration
    let found: { ref: SymbolRef; kind: 'local' | 'global' } | undefined;
    for (const obj of objects) {
      for (const ref of run.facts.get(obj)?.refs ?? []) {
        const kind = flushKind(ref);
        if (kind) {
          found = { ref, kind };
          break;
        }
      }
      if (found) break;
    }
    const smp = run.config.values.get('SMP') === 2;
    if (!found) {
      out.push({ flush: 'none', path: 'copy', symbol: '', linksAsModule: true, isModule: mod !== undefined, trace: [], config: run.ref, smp });
      continue;
    }
    const status = mod?.refs.find((r) => r.symbol === found!.ref.name)?.status;
    out.push({
      flush: found.kind,
      path: 'pgtable',
      symbol: found.ref.name,
      linksAsModule: mod ? status === 'exported' : true,
      isModule: mod !== undefined,
      trace: [{ kind: 'use', label: `${found.ref.name} referenced here`, span: found.ref.span }, ...found.ref.trace],
      config: run.ref,
      smp,
    });
  }
  return out;
}
