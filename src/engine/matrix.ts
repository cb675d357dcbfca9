import type { ConfigBase, ConfigRef } from '../core/types.js';
import { baseLabel } from '../core/types.js';
import { type ConfigSelection, expandAxes } from '../matrix/selection.js';
import { InputError } from '../core/errors.js';

/** One configuration to check: an arch, a base and the overrides on top (axes already expanded). */
export interface MatrixEntry {
  arch: string;
  base: ConfigBase | undefined;
  overrides: Record<string, string>;
  ref: ConfigRef;
}

/** Project or tree defaults used when the command line leaves something out (from .kvlint.json). */
export interface MatrixDefaults {
  arch?: string;
  base?: ConfigBase;
  overrides?: Record<string, string>;
  axes?: { symbol: string; values: string[] }[];
}

/**
 * Expand the user's selection into the configurations to check. Command-line choices win over the tree's
 * defaults; axes and overrides from the command line replace the defaults' (so `--config SMP=y` alone checks just
 * that configuration instead of the tree's SMP axis).
 */
export function buildMatrix(sel: ConfigSelection, defaults: MatrixDefaults = {}): MatrixEntry[] {
  const arch = sel.arch ?? defaults.arch;
  if (!arch) throw new InputError('no architecture: pass --arch ARCH (or set matrix.arch in .kvlint.json)');
  const base = sel.base ?? defaults.base;
  const userChoseConfigs = Object.keys(sel.overrides).length > 0 || sel.axes.length > 0;
  const overrides = userChoseConfigs ? sel.overrides : { ...(defaults.overrides ?? {}) };
  const axes = userChoseConfigs ? sel.axes : (defaults.axes ?? []);
  // an override named again by an axis is decided by the axis
  for (const a of axes) delete overrides[a.symbol];
  const sets = expandAxes(overrides, axes);
  return sets.map((ov) => ({ arch, base, overrides: ov, ref: makeRef(arch, base, ov) }));
}

export function makeRef(arch: string, base: ConfigBase | undefined, overrides: Record<string, string>): ConfigRef {
  const b = base ? baseLabel(base) : 'alldefconfig';
  const ov = Object.entries(overrides)
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
  return {
    id: `${arch}:${b}${ov ? '+' + ov : ''}`,
    arch,
    base: b,
    label: `ARCH=${arch} ${b}${ov ? ', ' + ov.replace(/,/g, ', ') : ''}`,
    overrides: { ...overrides },
  };
}
