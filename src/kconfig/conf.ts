import type { Diagnostic } from '../core/types.js';
import { type ConfigSource, ConfData, writeAutoconf, writeDotConfig } from './confdata.js';
import { kdiag } from './diagnostics.js';
import { Evaluator } from './eval.js';
import type { KconfigModel } from './load.js';
import { F_ALLNOCONFIG_Y, F_DEF_USER, F_NEED_SET_CHOICE_VALUES, F_VALID, type Sym } from './model.js';
import { exprToString } from './print.js';

/**
 * The configuration modes of scripts/kconfig/conf, run on a parsed model: what `make <target>` does, minus the
 * terminal interaction. Each run starts from a fresh state and ends by writing .config and autoconf.h, because
 * conf's writer is itself part of the computation (it evaluates symbols lazily in menu order).
 */

export type ConfMode =
  | { kind: 'defconfig'; source: ConfigSource }
  | { kind: 'olddefconfig'; source?: ConfigSource }
  | { kind: 'allnoconfig' | 'allyesconfig' | 'allmodconfig' | 'alldefconfig'; allconfig?: ConfigSource }
  | { kind: 'randconfig'; seed: number; allconfig?: ConfigSource; probability?: string };

export interface ConfRun {
  ev: Evaluator;
  dotconfig: string;
  autoconf: string;
  /** K003 unmet-dependency warnings and K008 .config reading warnings */
  diagnostics: Diagnostic[];
}

type DefMode = 'default' | 'yes' | 'mod' | 'no' | 'random';

export function runConf(model: KconfigModel, mode: ConfMode): ConfRun {
  const ev = new Evaluator(model.syms, model.modulesSym, model.props.length, model.dialect);
  const hashOrder = model.syms.hashOrder();
  const diags: Diagnostic[] = [];
  const cd = new ConfData(ev, hashOrder, diags);
  let rng: GlibcRandom | undefined;
  switch (mode.kind) {
    case 'defconfig':
      cd.read(mode.source);
      setAllNew(ev, hashOrder, 'default');
      break;
    case 'olddefconfig':
      cd.read(mode.source);
      break;
    case 'randconfig': {
      if (mode.allconfig) cd.readSimple(mode.allconfig);
      rng = new GlibcRandom(mode.seed);
      const prob = probabilities(mode.probability);
      while (setAllNew(ev, hashOrder, 'random', rng, prob));
      break;
    }
    default: {
      if (mode.allconfig) cd.readSimple(mode.allconfig);
      const m: DefMode =
        mode.kind === 'allnoconfig' ? 'no' : mode.kind === 'allyesconfig' ? 'yes' : mode.kind === 'allmodconfig' ? 'mod' : 'default';
      setAllNew(ev, hashOrder, m);
      break;
    }
  }
  const dotconfig = writeDotConfig(ev, model.root, model.title);
  const autoconf = writeAutoconf(ev, hashOrder, model.title);
  for (const u of ev.unmet.values()) diags.push(unmetDiagnostic(ev, u.sym));
  return { ev, dotconfig, autoconf, diagnostics: diags };
}

function unmetDiagnostic(ev: Evaluator, s: Sym): Diagnostic {
  const val = (x: Sym) => ev.stringValue(x);
  const dir = ev.dirDepTri[s.id] === 1 ? 'm' : 'n';
  const terms: { e: Parameters<typeof exprToString>[0]; v: number }[] = [];
  const walk = (e: Sym['revDep']) => {
    if (!e) return;
    if (e.t === 'or') {
      walk(e.l);
      walk(e.r);
    } else terms.push({ e, v: ev.calc(e) });
  };
  walk(s.revDep);
  const notes: string[] = [`Depends on [${dir}]: ${exprToString(s.dirDep, val)}`];
  for (const [tv, label] of [
    [2, 'y'],
    [1, 'm'],
  ] as const) {
    const sel = terms.filter((t) => t.v === tv);
    if (sel.length) notes.push(`Selected by [${label}]:\n${sel.map((t) => `  - ${exprToString(t.e, val)}`).join('\n')}`);
  }
  const selectors = terms.filter((t) => t.v > ev.dirDepTri[s.id]!).map((t) => firstSym(t.e));
  const selectProps = s.nodes.length ? [] : [];
  void selectProps;
  const primary = s.nodes[0]?.span ?? s.refs[0] ?? { file: '', line: 0, col: 1 };
  const trace = [];
  for (const t of terms) {
    if (t.v <= ev.dirDepTri[s.id]!) continue;
    const by = firstSym(t.e);
    const p = by?.props.find((pp) => pp.type === 'select' && pp.expr?.t === 'sym' && pp.expr.s === s);
    trace.push({ kind: 'select' as const, label: `selected by ${exprToString(t.e, val)}`, ...(p ? { span: p.span } : {}) });
  }
  return kdiag('unmetSelect', 'warning', `unmet direct dependencies detected for ${s.name}`, primary, {
    notes,
    trace,
    subject: `${s.name}`,
    data: { symbol: s.name ?? '', selectors: selectors.map((x) => x?.name ?? '?').join(',') },
  });
}

function firstSym(e: Sym['revDep']): Sym | undefined {
  if (!e) return undefined;
  switch (e.t) {
    case 'sym':
      return e.s;
    case 'and':
    case 'or':
      return firstSym(e.l);
    case 'not':
      return firstSym(e.e);
    case 'cmp':
      return e.l;
  }
}

interface Prob {
  pby: number;
  pty: number;
  ptm: number;
}

function probabilities(env: string | undefined): Prob {
  let pby = 50;
  let pty = 33;
  let ptm = 33;
  if (env) {
    const p = env
      .split(':')
      .slice(0, 3)
      .map((x) => Number.parseInt(x, 10));
    if (p.some((x) => !(x >= 0 && x <= 100))) throw new Error(`KCONFIG_PROBABILITY: ${env}: out of range`);
    if (p.length === 1) {
      pby = p[0]!;
      ptm = Math.trunc(pby / 2);
      pty = pby - ptm;
    } else if (p.length === 2) {
      pty = p[0]!;
      ptm = p[1]!;
      pby = pty + ptm;
    } else if (p.length === 3) {
      [pby, pty, ptm] = p as [number, number, number];
    }
    if (pty + ptm > 100) throw new Error(`KCONFIG_PROBABILITY: ${env}: out of range`);
  }
  return { pby, pty, ptm };
}

/** conf_set_all_new_symbols */
function setAllNew(ev: Evaluator, hashOrder: Sym[], mode: DefMode, rng?: GlibcRandom, prob?: Prob): boolean {
  const fl = ev.flags;
  let changed = false;
  for (const s of hashOrder) {
    if (fl[s.id]! & (F_DEF_USER | F_VALID)) continue;
    const t = ev.getType(s);
    if (t !== 'bool' && t !== 'tristate') continue;
    changed = true;
    switch (mode) {
      case 'yes':
        ev.defTri[s.id] = 2;
        break;
      case 'mod':
        ev.defTri[s.id] = 1;
        break;
      case 'no':
        // `option allnoconfig_y` (4.x, 5.x: EMBEDDED)
        ev.defTri[s.id] = s.flags & F_ALLNOCONFIG_Y ? 2 : 0;
        break;
      case 'random': {
        ev.defTri[s.id] = 0;
        const cnt = rng!.next() % 100;
        if (s.type === 'tristate') {
          if (cnt < prob!.pty) ev.defTri[s.id] = 2;
          else if (cnt < prob!.pty + prob!.ptm) ev.defTri[s.id] = 1;
        } else if (cnt < prob!.pby) ev.defTri[s.id] = 2;
        break;
      }
      default:
        continue;
    }
    if (!(s.isChoice && mode === 'random')) fl[s.id]! |= F_DEF_USER;
  }
  ev.clearAllValid();
  if (mode !== 'random') {
    for (const s of hashOrder) {
      if ((s.isChoice && !(fl[s.id]! & F_DEF_USER)) || s.isChoiceValue) fl[s.id]! |= F_NEED_SET_CHOICE_VALUES;
    }
  }
  for (const c of hashOrder) {
    if (fl[c.id]! & F_DEF_USER || !c.isChoice) continue;
    ev.calcValue(c);
    if (mode === 'random') changed = randomizeChoice(ev, c, rng!) || changed;
    else {
      ev.setAllChoiceValues(c);
      changed = true;
    }
  }
  return changed;
}

function randomizeChoice(ev: Evaluator, c: Sym, rng: GlibcRandom): boolean {
  if (ev.currTri[c.id] !== 2) return false;
  const vals = c.choiceValues;
  const def = rng.next() % vals.length;
  vals.forEach((v, i) => {
    if (i === def) {
      ev.defTri[v.id] = 2;
      ev.defChoice[c.id] = v;
    } else ev.defTri[v.id] = 0;
    ev.flags[v.id]! |= F_DEF_USER;
    ev.flags[v.id]! &= ~F_VALID;
  });
  ev.flags[c.id]! |= F_DEF_USER;
  ev.flags[c.id]! &= ~F_VALID;
  return true;
}

/**
 * glibc's rand() (the TYPE_3 additive feedback generator srand/rand use), so that randconfig with a seed
 * (KCONFIG_SEED) gives the configuration the kernel's own conf gives.
 */
export class GlibcRandom {
  private readonly r: Int32Array = new Int32Array(34);
  private i = 0;
  private readonly ring = new Int32Array(34);

  constructor(seed: number) {
    let s = seed >>> 0;
    if (s === 0) s = 1;
    const r = new Int32Array(344);
    r[0] = s | 0;
    let word = s;
    for (let i = 1; i < 31; i++) {
      const hi = Math.trunc(word / 127773);
      const lo = word % 127773;
      word = 16807 * lo - 2836 * hi;
      if (word < 0) word += 2147483647;
      r[i] = word;
    }
    for (let i = 31; i < 34; i++) r[i] = r[i - 31]!;
    for (let i = 34; i < 344; i++) r[i] = (r[i - 31]! + r[i - 3]!) | 0;
    // keep the last 34 values in a ring buffer
    for (let k = 0; k < 34; k++) this.ring[k] = r[310 + k]!;
    this.i = 0;
    void this.r;
  }

  /** next rand() value, 0 … 2^31-1 */
  next(): number {
    // ring holds r[n-34 … n-1] at positions (i … i+33) mod 34
    const n31 = this.ring[(this.i + 3) % 34]!;
    const n3 = this.ring[(this.i + 31) % 34]!;
    const v = (n31 + n3) | 0;
    this.ring[this.i] = v;
    this.i = (this.i + 1) % 34;
    return (v >>> 1) & 0x7fffffff;
  }
}
