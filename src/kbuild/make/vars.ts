import type { Span } from '../../core/types.js';

/** Make variables and scopes (GNU make semantics: flavors, origins, export flags). */

export type Flavor = 'recursive' | 'simple';
export type Origin = 'default' | 'environment' | 'file' | 'command line' | 'override' | 'automatic';

export interface MakeVar {
  flavor: Flavor;
  value: string;
  origin: Origin;
  exported?: boolean;
  /** where a makefile assigned it last (for diagnostics about its value) */
  span?: Span;
}

/**
 * A variable table with an optional read-only parent: a sub-make's scope sits on a shared base (the environment it
 * inherits) without copying it. Writes always land in this scope.
 */
export class Scope {
  private readonly own = new Map<string, MakeVar>();
  private readonly removed = new Set<string>();

  constructor(readonly parent?: Scope) {}

  get(name: string): MakeVar | undefined {
    const v = this.own.get(name);
    if (v !== undefined) return v;
    if (this.removed.has(name)) return undefined;
    return this.parent?.get(name);
  }

  set(name: string, v: MakeVar): void {
    this.own.set(name, v);
    this.removed.delete(name);
  }

  delete(name: string): void {
    this.own.delete(name);
    if (this.parent?.get(name) !== undefined) this.removed.add(name);
  }

  /** variables set in this scope itself (not inherited) */
  ownEntries(): IterableIterator<[string, MakeVar]> {
    return this.own.entries();
  }

  /** names hidden from the parent by `undefine` */
  removedNames(): ReadonlySet<string> {
    return this.removed;
  }

  /** every visible variable name (own and inherited) */
  names(): Set<string> {
    const s = this.parent ? this.parent.names() : new Set<string>();
    for (const r of this.removed) s.delete(r);
    for (const k of this.own.keys()) s.add(k);
    return s;
  }
}
