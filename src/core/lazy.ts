/**
 * Facts objects whose rarely needed fields (macro traces) are decoded only when first read — those of unit
 * packs (src/engine/unit-pack.ts). Stages that derive new objects from facts objects use `extend`, never a spread.
 */

/** Where a lazy object's fields come from: decoded once, on first use. */
export interface LazySource<T> {
  get(): T;
}

export const U = Symbol('unit');
export const I = Symbol('index');

/**
 * A lazy facts object: the eager fields are own properties, the rest (span, trace, …) getters that read the source.
 * Copies must go through `extend` (src/link does), never `{ ...x }`, which would drop the getters; JSON.stringify
 * includes every field (toJSON).
 */
export abstract class Lazy {
  // symbol keys: invisible to JSON, Object.keys and for…in; own properties, copied by `extend`
  declare readonly [U]: LazySource<unknown>;
  declare readonly [I]: number;
  constructor(u: LazySource<unknown>, i: number) {
    (this as { [U]: LazySource<unknown> })[U] = u;
    (this as { [I]: number })[I] = i;
  }
  protected abstract rest(): Record<string, unknown>;
  toJSON(): Record<string, unknown> {
    const o: Record<string, unknown> = {};
    for (const k in this) o[k] = this[k];
    return { ...o, ...this.rest() };
  }
}

/**
 * `{ ...base, ...extra }` that keeps the lazy fields of a packed facts object (without reading them): the result is
 * another object of `base`'s class with its own fields (the eager ones and where its source is) and `extra`. For
 * plain objects it is the spread. (Not an object inheriting from `base`: V8 turns every object used as a prototype
 * into a slow one, and the link extends every definition and export of the configuration.)
 */
export function extend<T extends object, E extends object>(base: T, extra: E): T & E {
  if (base instanceof Lazy) return Object.assign(Object.create(Object.getPrototypeOf(base) as object) as T, base, extra);
  return { ...base, ...extra };
}

