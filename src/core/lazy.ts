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
  // symbol keys: invisible to JSON, Object.keys and for…in, and read through the prototype chain by `extend`ed copies
  declare readonly [U]: LazySource<unknown>;
  declare readonly [I]: number;
  constructor(u: LazySource<unknown>, i: number) {
    (this as { [U]: LazySource<unknown> })[U] = u;
    (this as { [I]: number })[I] = i;
  }
  protected abstract rest(): Record<string, unknown>;
  toJSON(): Record<string, unknown> {
    const o: Record<string, unknown> = {};
    // inherited enumerable fields too: those of the object an `extend`ed copy inherits from
    for (const k in this) o[k] = this[k];
    return { ...o, ...this.rest() };
  }
}

/**
 * `{ ...base, ...extra }` that keeps the lazy fields of a packed facts object (without reading them): the result
 * inherits from `base`. For plain objects it is the spread.
 */
export function extend<T extends object, E extends object>(base: T, extra: E): T & E {
  if (base instanceof Lazy) return Object.assign(Object.create(base) as T, extra);
  return { ...base, ...extra };
}

