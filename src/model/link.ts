import { InputError } from '../core/errors.js';
import type { ConfigRef, TraceStep } from '../core/types.js';
import type { FlushKind } from './config.js';

/**
 * What the linter says about the zsmalloc page-table unmap path in one configuration (the answer of
 * src/engine/zsmalloc-flush.ts `unmapFlushFor(tree, selection)`): which TLB flush the call resolves to, the symbol
 * it finally calls, whether that symbol links from a module, and the macro/Kconfig chain behind it.
 */
export interface UnmapFlush {
  flush: FlushKind;
  symbol: string;
  linksAsModule: boolean;
  trace: TraceStep[];
  config: ConfigRef;
  /** which mapping path the tree builds in that configuration (default: pgtable) */
  path?: 'copy' | 'pgtable';
  /** CONFIG_SMP in that configuration, when the linter reports it (otherwise taken from the configuration's overrides) */
  smp?: boolean;
}

/** How the model runs one linked configuration. */
export interface LinkedMachine {
  link: UnmapFlush;
  smp: boolean;
  cpus: number[];
}

function isUnmapFlush(x: unknown): x is UnmapFlush {
  if (typeof x !== 'object' || x === null) return false;
  const o = x as Record<string, unknown>;
  const c = o.config as Record<string, unknown> | undefined;
  return (
    (o.flush === 'none' || o.flush === 'local' || o.flush === 'global') &&
    typeof o.symbol === 'string' &&
    typeof o.linksAsModule === 'boolean' &&
    Array.isArray(o.trace) &&
    typeof c === 'object' &&
    c !== null &&
    typeof c.id === 'string' &&
    typeof c.label === 'string' &&
    typeof c.overrides === 'object'
  );
}

/** Check the shape of what the linter returned (it crosses a dynamic import, so it is checked, not trusted). */
export function checkUnmapFlushes(x: unknown): UnmapFlush[] {
  if (!Array.isArray(x)) throw new Error('unmapFlushFor did not return a list');
  x.forEach((e, i) => {
    if (!isUnmapFlush(e)) throw new Error(`unmapFlushFor returned a malformed entry #${i + 1}: ${JSON.stringify(e)?.slice(0, 200)}`);
  });
  return x as UnmapFlush[];
}

/**
 * CONFIG_SMP of a linked configuration: reported by the linter, or set by the configuration's overrides (the
 * bundled tree's default matrix is the SMP axis). Without either the model cannot choose a CPU setup.
 */
export function smpOf(u: UnmapFlush): boolean {
  if (u.smp !== undefined) return u.smp;
  const v = u.config.overrides.SMP;
  if (v === 'y') return true;
  if (v === 'n') return false;
  throw new InputError(`cannot tell whether CONFIG_SMP is set in ${u.config.label}: add --config SMP=y or --config SMP=n`);
}

/**
 * The CPU setups to run for each linked configuration: one CPU without SMP; with SMP the requested CPU counts
 * (default 4). An explicit CPU list that a configuration cannot run is a usage error.
 */
export function linkedMachines(links: UnmapFlush[], cpus: number[] | undefined): LinkedMachine[] {
  return links.map((link) => {
    const smp = smpOf(link);
    if (!smp) {
      if (cpus && !cpus.includes(1)) {
        throw new InputError(`${link.config.label} has CONFIG_SMP=n, which runs one CPU: --cpus ${cpus.join(',')} cannot apply`);
      }
      return { link, smp, cpus: [1] };
    }
    return { link, smp, cpus: cpus ?? [4] };
  });
}
