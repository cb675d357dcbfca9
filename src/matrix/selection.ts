import { InputError } from '../core/errors.js';
import type { ConfigBase } from '../core/types.js';

/** What the user asked for with the shared configuration flags (CLI.md): a base, overrides, and axes to expand. */
export interface ConfigSelection {
  arch?: string;
  base?: ConfigBase;
  /** SYM -> value as written in .config (y/m/n or a literal); symbol names without the CONFIG_ prefix */
  overrides: Record<string, string>;
  axes: Axis[];
}

export interface Axis {
  symbol: string;
  values: string[];
}

/** Parse "SYM=VAL" (CONFIG_ prefix optional). */
export function parseAssignment(s: string, flag = '--config'): [string, string] {
  const m = /^(?:CONFIG_)?([A-Za-z0-9_]+)=(.*)$/.exec(s);
  if (!m) throw new InputError(`${flag} expects SYM=VALUE, got '${s}'`);
  return [m[1]!, m[2]!];
}

/** Parse "SYM" or "SYM=v1,v2" (default y,n). */
export function parseAxis(s: string): Axis {
  const m = /^(?:CONFIG_)?([A-Za-z0-9_]+)(?:=(.+))?$/.exec(s);
  if (!m) throw new InputError(`--axis expects SYM or SYM=v1,v2, got '${s}'`);
  const values = m[2] ? m[2].split(',').map((v) => v.trim()).filter((v) => v !== '') : ['y', 'n'];
  if (values.length === 0) throw new InputError(`--axis ${s}: no values`);
  return { symbol: m[1]!, values };
}

/** Expand axes into the list of override sets (cartesian product), each on top of `overrides`. */
export function expandAxes(overrides: Record<string, string>, axes: Axis[]): Record<string, string>[] {
  let sets: Record<string, string>[] = [{ ...overrides }];
  for (const axis of axes) {
    const next: Record<string, string>[] = [];
    for (const s of sets) for (const v of axis.values) next.push({ ...s, [axis.symbol]: v });
    sets = next;
  }
  return sets;
}
