import * as fs from 'node:fs';
import { InputError } from '../core/errors.js';
import { type Config, type ConfigBase, type Diagnostic, type SymbolValue, type TraceStep, baseLabel } from '../core/types.js';
import type { KernelTree } from '../tree/tree.js';
import { type ConfMode, type ConfRun, runConf } from './conf.js';
import type { ConfigSource } from './confdata.js';
import { escapeString } from './confdata.js';
import { kdiag, span } from './diagnostics.js';
import { explainSymbol, whyNot } from './explain.js';
import { F_WRITE } from './model.js';
import type { KconfigModel } from './load.js';
import { defconfigPath, mergeConfigText } from './targets.js';
import { ResolvedCache } from './resolved-cache.js';

export { KconfigModel, loadKconfig, srcarchOf, kernelVersion, type LoadOptions, type SymbolInfo } from './load.js';
export { runConf, type ConfMode, type ConfRun, GlibcRandom } from './conf.js';
export { exprToString } from './print.js';
export { defconfigPath, mergeConfigText, runMakeTargets, type TargetEnv } from './targets.js';
export { K as KCODES } from './diagnostics.js';

/**
 * Public API of the Kconfig stage (ARCHITECTURE.md): parse a tree's Kconfig for an architecture, resolve a
 * configuration exactly as scripts/kconfig/conf would, write .config and autoconf.h, explain a symbol's value.
 */

interface Resolved {
  model: KconfigModel;
  /** conf's state at the end (computed again when first read if the configuration came from the cache) */
  readonly run: ConfRun;
  dotconfig: string;
  autoconf: string;
  /** the .config the base alone produced (before overrides) */
  baseDotconfig: string;
  userSource: Map<string, string>;
}

const resolved = new WeakMap<Config, Resolved>();

function modeFor(model: KconfigModel, base: ConfigBase | undefined): { mode: ConfMode; note?: Diagnostic } {
  if (!base) {
    return {
      mode: { kind: 'alldefconfig' },
      note: kdiag(
        'warning',
        'info',
        'no base configuration given: using alldefconfig semantics (every symbol at its Kconfig default), not the architecture\'s defconfig',
        span(model.files[0] ?? 'Kconfig', 1),
        { subject: 'no-base' },
      ),
    };
  }
  switch (base.kind) {
    case 'defconfig': {
      const p = defconfigPath(model, base.name);
      return { mode: { kind: 'defconfig', source: { name: p, text: model.tree.readText(p) } } };
    }
    case 'file': {
      let text: string;
      try {
        text = fs.readFileSync(base.path, 'latin1');
      } catch {
        throw new InputError(`cannot read configuration file ${base.path}`);
      }
      return { mode: { kind: 'olddefconfig', source: { name: base.path, text } } };
    }
    case 'randconfig':
      return { mode: { kind: 'randconfig', seed: base.seed } };
    default:
      return { mode: { kind: base.kind } };
  }
}

/** the .config line for an override (strings are quoted as .config needs) */
function overrideLine(model: KconfigModel, sym: string, val: string): string {
  const s = model.sym(sym);
  if (s?.type === 'string' && !val.startsWith('"')) val = escapeString(val);
  if ((s?.type === 'bool' || s?.type === 'tristate') && val === 'n') return `# CONFIG_${sym} is not set`;
  return `CONFIG_${sym}=${val}`;
}

/**
 * Resolve a configuration: the base as conf's corresponding mode would (defconfig: `make NAME`; file: olddefconfig;
 * all*config; undefined: alldefconfig, said in an info diagnostic), then the overrides as if appended to that
 * .config and resolved again with olddefconfig. An override that does not take effect yields a K005 warning
 * that says why (unmet dependencies, selected by another symbol, wrong type, unknown symbol, …).
 */
export function resolveConfig(
  model: KconfigModel,
  base: ConfigBase | undefined,
  overrides: Record<string, string>,
): { config: Config; diagnostics: Diagnostic[] } {
  if (model.fatal) {
    const first = model.diagnostics.find((d) => d.severity === 'error');
    throw new InputError(`Kconfig cannot be evaluated: ${first?.message ?? 'fatal error'}`, first?.primary);
  }
  const { mode, note } = modeFor(model, base);
  const cache = model.cache ? new ResolvedCache(model.cache.dir, model.cache.identity, mode, overrides) : undefined;
  const hit = cache?.get();
  if (hit) {
    let run: ConfRun | undefined;
    const state: Resolved = {
      model,
      // explain and whyNot need conf's state, not only its values: the same computation again
      get run() {
        return (run ??= compute(model, base, mode, note, overrides).state.run);
      },
      dotconfig: hit.dotconfig,
      autoconf: hit.autoconf,
      baseDotconfig: hit.baseDotconfig,
      userSource: new Map(hit.userSource),
    };
    const config: Config = { arch: model.arch, values: new Map(hit.values), base: base ?? { kind: 'alldefconfig' }, overrides: { ...overrides }, ref: hit.ref };
    resolved.set(config, state);
    return { config, diagnostics: hit.diagnostics };
  }
  const r = compute(model, base, mode, note, overrides);
  cache?.put({
    values: [...r.config.values],
    ref: r.config.ref,
    diagnostics: r.diagnostics,
    dotconfig: r.state.dotconfig,
    autoconf: r.state.autoconf,
    baseDotconfig: r.state.baseDotconfig,
    userSource: [...r.state.userSource],
  });
  return { config: r.config, diagnostics: r.diagnostics };
}

function compute(
  model: KconfigModel,
  base: ConfigBase | undefined,
  mode: ConfMode,
  note: Diagnostic | undefined,
  overrides: Record<string, string>,
): { config: Config; diagnostics: Diagnostic[]; state: Resolved } {
  const diags: Diagnostic[] = [];
  if (note) diags.push(note);
  let run = runConf(model, mode);
  const baseDotconfig = run.dotconfig;
  const userSource = new Map<string, string>();
  const srcName = mode.kind === 'defconfig' || mode.kind === 'olddefconfig' ? (mode.source?.name ?? '') : mode.kind;
  const entries = Object.entries(overrides);
  if (entries.length) {
    diags.push(...run.diagnostics.filter((d) => d.code !== 'K003'));
    const lines = entries.map(([k, v]) => overrideLine(model, k.replace(/^CONFIG_/, ''), v));
    // like merge_config.sh: earlier lines for an overridden symbol are dropped, the overrides appended
    const src: ConfigSource = { name: '<overrides>', text: mergeConfigText(baseDotconfig, `${lines.join('\n')}\n`) };
    run = runConf(model, { kind: 'olddefconfig', source: src });
    // the reassignment of an overridden symbol is the point of an override, not a problem
    run.diagnostics = run.diagnostics.filter((d) => !/^override: reassigning to symbol /.test(d.message));
    for (const [k, v] of entries) {
      const name = k.replace(/^CONFIG_/, '');
      userSource.set(name, `--config ${name}=${v}`);
      const why = whyNot(model, run.ev, name, v);
      if (why) {
        const s = model.sym(name);
        diags.push(
          kdiag('overrideIgnored', 'warning', `override ${name}=${v} did not take effect: ${why.reason}`, s?.nodes[0]?.span ?? span('<overrides>', 0), {
            subject: `${name}=${v}`,
            trace: why.trace,
            data: { symbol: name, requested: v, actual: why.actual },
          }),
        );
      }
    }
  }
  diags.push(...run.diagnostics);
  const values = new Map<string, SymbolValue>();
  const ev = run.ev;
  for (const s of model.syms.named()) {
    if (!s.isDefined) continue;
    const written = (ev.flags[s.id]! & F_WRITE) !== 0;
    if (s.type === 'bool' || s.type === 'tristate') values.set(s.name!, written ? (ev.currTri[s.id] as 0 | 1 | 2) : 0);
    else if (written && s.type !== 'unknown') values.set(s.name!, ev.stringValue(s));
  }
  const label = `ARCH=${model.arch} ${base ? baseLabel(base) : 'alldefconfig'}${entries.length ? ', ' + entries.map(([k, v]) => `${k}=${v}`).join(', ') : ''}`;
  const config: Config = {
    arch: model.arch,
    values,
    base: base ?? { kind: 'alldefconfig' },
    overrides: { ...overrides },
    ref: {
      id: `${model.arch}:${base ? baseLabel(base) : 'alldefconfig'}${entries.map(([k, v]) => `+${k}=${v}`).join('')}`,
      arch: model.arch,
      label,
      overrides: { ...overrides },
    },
  };
  if (srcName) for (const s of model.syms.named()) if (!userSource.has(s.name!)) userSource.set(s.name!, srcName);
  const state: Resolved = { model, run, dotconfig: run.dotconfig, autoconf: run.autoconf, baseDotconfig, userSource };
  resolved.set(config, state);
  return { config, diagnostics: diags, state };
}

function stateOf(model: KconfigModel, config: Config): Resolved {
  const r = resolved.get(config);
  if (r && r.model === model) return r;
  // a Config built elsewhere: re-derive conf's state from its values (as a .config, olddefconfig)
  let text = '';
  for (const [k, v] of config.values) {
    const s = model.sym(k);
    if (!s) continue;
    if (s.type === 'bool' || s.type === 'tristate') text += v === 0 ? `# CONFIG_${k} is not set\n` : `CONFIG_${k}=${v === 2 ? 'y' : 'm'}\n`;
    else text += `CONFIG_${k}=${s.type === 'string' ? escapeString(String(v)) : String(v)}\n`;
  }
  const run = runConf(model, { kind: 'olddefconfig', source: { name: '<config>', text } });
  const st: Resolved = { model, run, dotconfig: run.dotconfig, autoconf: run.autoconf, baseDotconfig: run.dotconfig, userSource: new Map<string, string>() };
  resolved.set(config, st);
  return st;
}

/** include/generated/autoconf.h, byte for byte as conf writes it */
export function autoconfHeader(model: KconfigModel, config: Config): string {
  return stateOf(model, config).autoconf;
}

/** .config, byte for byte as conf writes it */
export function dotConfig(model: KconfigModel, config: Config): string {
  return stateOf(model, config).dotconfig;
}

/** Why `symbol` has its value in `config`: dependencies, selects, implies, the default used, the user's setting. */
export function explain(model: KconfigModel, config: Config, symbol: string): TraceStep[] {
  const st = stateOf(model, config);
  return explainSymbol(model, st.run.ev, symbol.replace(/^CONFIG_/, ''), st.userSource);
}
