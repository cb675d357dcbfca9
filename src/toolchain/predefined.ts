import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { CompileCommand } from '../core/graph.js';
import { bundledProfiles, type ToolchainProfile } from './profile.js';

/**
 * The target compiler's predefined macros and its __has_attribute / __has_builtin answers, for the C preprocessor —
 * the `predefined` section of a toolchain profile (src/toolchain/profile.ts), so that kvlint never runs the
 * compiler unless asked to (`probe`).
 *
 * Predefined macros depend on the flags (-O2 → __OPTIMIZE__, -march → __ARM_ARCH_7A__, -mthumb, -fno-PIE, -std,
 * -fshort-wchar, -fstack-protector-*, …). The section keeps `CC -dM -E` for the language without flags (`base`),
 * the exact sets probed for whole flag sets a build used (`sets`, as deltas against base), and per-flag deltas
 * (`flags`) to approximate flag sets never probed — reported as a named gap.
 *
 * Format (JSON, inside the profile):
 *   "predefined": {
 *     "base": { "c": {NAME: value, …}, "asm": {…} },
 *     "sets": { "<key>": { "add": {NAME: value}, "del": [NAME] } },   key = predefinedKey(cmd)
 *     "flags": { "<lang>|<flag>": { "add": {…}, "del": […] } },
 *     "attributes": { name: value },   // __has_attribute(name), name without __…__; absent = 0
 *     "builtins": { name: value }      // __has_builtin(name); absent = 0
 *   }
 * Function-like predefined macros keep their parameter list in NAME ("__has_include(STR)" is not one: builtins are
 * the preprocessor's own).
 */

export interface MacroDelta {
  add: Record<string, string>;
  del: string[];
}

export interface PredefinedSection {
  base: { c: Record<string, string>; asm: Record<string, string> };
  sets: Record<string, MacroDelta>;
  flags: Record<string, MacroDelta>;
  attributes: Record<string, number>;
  builtins: Record<string, number>;
}

/**
 * Flags that can change predefined macros (code generation, target, language, optimisation); order kept. Only the
 * last -O level counts, as for gcc: kbuild's per-file `CFLAGS_foo.o := -O0` comes after the global -O2, and
 * __OPTIMIZE__ must then be undefined (crypto/jitterentropy.c #errors otherwise).
 */
export function relevantFlags(flags: string[]): string[] {
  const kept = flags.filter((f) => /^-(f|m|O|std=|ansi|march|mtune|mcpu|pipe)/.test(f) && !/^-f(macro|file|debug)-prefix-map|^-fdiagnostics|^-fmessage-length/.test(f));
  const lastO = kept.findLastIndex((f) => /^-O/.test(f));
  return kept.filter((f, i) => !/^-O/.test(f) || i === lastO);
}

export function predefinedKey(cmd: CompileCommand): string {
  return (cmd.language === 'assembler-with-cpp' ? 'asm' : 'c') + '|' + relevantFlags(cmd.flags).join(' ');
}

export function section(profile: ToolchainProfile): PredefinedSection | undefined {
  const p = profile.predefined as PredefinedSection | undefined;
  if (!p || typeof p !== 'object' || !p.base) return undefined;
  return p;
}

/** the recorded sets by normalised key (profiles recorded before -O normalisation keep every -O flag in the key) */
const setIndex = new WeakMap<Record<string, MacroDelta>, Map<string, MacroDelta>>();
function setsOf(sec: PredefinedSection): Map<string, MacroDelta> {
  let m = setIndex.get(sec.sets);
  if (!m) {
    m = new Map();
    for (const [k, d] of Object.entries(sec.sets)) {
      const bar = k.indexOf('|');
      const norm = k.slice(0, bar + 1) + relevantFlags(k.slice(bar + 1).split(' ').filter(Boolean)).join(' ');
      if (!m.has(norm) || norm === k) m.set(norm, d);
    }
    setIndex.set(sec.sets, m);
  }
  return m;
}

function apply(base: Record<string, string>, d: MacroDelta | undefined, into: Map<string, string>): void {
  for (const [k, v] of Object.entries(base)) into.set(k, v);
  if (!d) return;
  for (const k of d.del) into.delete(k);
  for (const [k, v] of Object.entries(d.add)) into.set(k, v);
}

export interface PredefinedAnswer {
  macros: Map<string, string>;
  attributes: Map<string, number>;
  builtins: Map<string, number>;
  /** named approximations (a flag set the profile has not seen) */
  gaps: string[];
  exact: boolean;
}

/**
 * Predefined macros for a compile command from the profile: the probed set for exactly these flags, else base plus
 * each flag's delta (gaps name the flags with no recorded effect). With `probe`, an unseen set is obtained by running
 * `CC -dM -E` and recorded into the profile (the caller may save it).
 */
export function predefinedFor(profile: ToolchainProfile, cmd: CompileCommand, opts: { probe?: boolean } = {}): PredefinedAnswer {
  let sec = section(profile);
  const key = predefinedKey(cmd);
  const lang = cmd.language === 'assembler-with-cpp' ? 'asm' : 'c';
  const gaps: string[] = [];
  if (opts.probe && (!sec || !setsOf(sec).get(key))) {
    const cc = profile.env.CC;
    if (cc) {
      recordSet(profile, cmd, probeMacros(cc, relevantFlags(cmd.flags), lang));
      sec = section(profile);
    }
  }
  const macros = new Map<string, string>();
  let exact = false;
  if (!sec) {
    gaps.push(`toolchain profile ${profile.name} has no predefined macros (run scripts/cpp-probe-toolchain.ts)`);
  } else if (setsOf(sec).get(key)) {
    apply(sec.base[lang], setsOf(sec).get(key), macros);
    exact = true;
  } else {
    // the probed flag set nearest to these flags, corrected by the single-flag effects of the differences
    const want = relevantFlags(cmd.flags);
    const wantSet = new Set(want);
    let bestKey: string | undefined;
    let bestDist = Infinity;
    for (const k of setsOf(sec).keys()) {
      if (!k.startsWith(lang + '|')) continue;
      const have = k.slice(lang.length + 1).split(' ').filter(Boolean);
      const haveSet = new Set(have);
      const dist = have.filter((f) => !wantSet.has(f)).length + want.filter((f) => !haveSet.has(f)).length;
      if (dist < bestDist) {
        bestDist = dist;
        bestKey = k;
      }
    }
    const base = sec.base[lang];
    apply(base, bestKey ? setsOf(sec).get(bestKey) : undefined, macros);
    const have = new Set(bestKey ? bestKey.slice(lang.length + 1).split(' ').filter(Boolean) : []);
    const unknown: string[] = [];
    for (const f of have) {
      if (wantSet.has(f)) continue;
      const d = sec.flags[`${lang}|${f}`];
      if (!d) {
        unknown.push(`-${f}`);
        continue;
      }
      // undo the flag: what it added or removed goes back to the value without flags
      for (const k of [...Object.keys(d.add), ...d.del]) {
        if (k in base) macros.set(k, base[k]!);
        else macros.delete(k);
      }
    }
    for (const f of want) {
      if (have.has(f)) continue;
      const d = sec.flags[`${lang}|${f}`];
      if (!d) {
        unknown.push(`+${f}`);
        continue;
      }
      for (const k of d.del) macros.delete(k);
      for (const [k, v] of Object.entries(d.add)) macros.set(k, v);
    }
    gaps.push(`predefined macros of ${profile.name} approximated for an unprobed flag set (nearest probed set differs by ${bestDist} flags${unknown.length ? `; no data for ${unknown.join(' ')}` : ''})`);
  }
  return { macros, attributes: new Map(Object.entries(sec?.attributes ?? {})), builtins: new Map(Object.entries(sec?.builtins ?? {})), gaps, exact };
}

function delta(base: Map<string, string>, m: Map<string, string>): MacroDelta {
  const add: Record<string, string> = {};
  const del: string[] = [];
  for (const [k, v] of m) if (base.get(k) !== v) add[k] = v;
  for (const k of base.keys()) if (!m.has(k)) del.push(k);
  return { add, del: del.sort() };
}

function ensureSection(profile: ToolchainProfile): PredefinedSection {
  let sec = section(profile);
  if (!sec) {
    const cc = profile.env.CC;
    if (!cc) throw new Error(`profile ${profile.name} names no CC`);
    sec = {
      base: { c: Object.fromEntries(probeMacros(cc, [], 'c')), asm: Object.fromEntries(probeMacros(cc, [], 'asm')) },
      sets: {},
      flags: {},
      attributes: {},
      builtins: {},
    };
    profile.predefined = sec;
  }
  return sec;
}

/** record the exact macro set of a compile command's flags (and each single flag's effect) into the profile */
export function recordSet(profile: ToolchainProfile, cmd: CompileCommand, macros: Map<string, string>): void {
  const sec = ensureSection(profile);
  const lang = cmd.language === 'assembler-with-cpp' ? 'asm' : 'c';
  const base = new Map(Object.entries(sec.base[lang]));
  sec.sets[predefinedKey(cmd)] = delta(base, macros);
  setIndex.delete(sec.sets);
  const cc = profile.env.CC!;
  for (const f of relevantFlags(cmd.flags)) {
    const k = `${lang}|${f}`;
    if (sec.flags[k]) continue;
    try {
      sec.flags[k] = delta(base, probeMacros(cc, [f], lang));
    } catch {
      // a flag that is invalid alone (needs another flag): leave it to the exact sets
    }
  }
}

/** `CC FLAGS -dM -E -x LANG /dev/null` */
export function probeMacros(cc: string, flags: string[], lang: 'c' | 'asm'): Map<string, string> {
  const [exe, ...pre] = cc.split(/\s+/);
  const r = spawnSync(exe!, [...pre, ...flags, '-dM', '-E', '-x', lang === 'asm' ? 'assembler-with-cpp' : 'c', '/dev/null'], { encoding: 'latin1' });
  if (r.status !== 0) throw new Error(`${cc} ${flags.join(' ')} -dM -E failed: ${(r.stderr ?? '').split('\n')[0]}`);
  const m = new Map<string, string>();
  for (const line of r.stdout.split('\n')) {
    const x = /^#define ((?:[A-Za-z_]\w*)(?:\([^)]*\))?)(?: (.*))?$/.exec(line);
    if (x) m.set(x[1]!, x[2] ?? '');
  }
  return m;
}

/** ask the compiler for __has_attribute / __has_builtin of the given names, recording them into the profile */
export function probeFeatures(profile: ToolchainProfile, attributes: string[], builtins: string[]): void {
  const sec = ensureSection(profile);
  const cc = profile.env.CC!;
  const [exe, ...pre] = cc.split(/\s+/);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kvlint-probe-'));
  try {
    const norm = (a: string) => (/^__.+__$/.test(a) ? a.slice(2, -2) : a);
    const attrs = [...new Set(attributes.map(norm))].sort();
    const bis = [...new Set(builtins)].sort();
    const lines = [
      ...attrs.map((a, i) => `A${i} __has_attribute(${a})`),
      ...bis.map((b, i) => `B${i} __has_builtin(${b})`),
    ];
    const f = path.join(dir, 'probe.c');
    fs.writeFileSync(f, lines.join('\n') + '\n');
    const r = spawnSync(exe!, [...pre, '-E', '-P', f], { encoding: 'latin1' });
    if (r.status !== 0) throw new Error(`${cc} -E failed while probing attributes: ${(r.stderr ?? '').split('\n')[0]}`);
    for (const line of r.stdout.split('\n')) {
      const m = /^([AB])(\d+) (\d+)$/.exec(line.trim());
      if (!m) continue;
      const v = Number(m[3]);
      if (m[1] === 'A') sec.attributes[attrs[Number(m[2])]!] = v;
      else sec.builtins[bis[Number(m[2])]!] = v;
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

let bundledByVersion: Map<string, ToolchainProfile> | undefined;

/**
 * The bundled profile whose compiler predefines these macros (same __VERSION__ and target macros): lets the
 * preprocessor answer __has_attribute for a unit when only the predefined map was given.
 */
export function profileForPredefined(predefined: Map<string, string>): ToolchainProfile | undefined {
  if (!bundledByVersion) {
    bundledByVersion = new Map();
    for (const p of bundledProfiles()) {
      const sec = section(p);
      if (!sec) continue;
      bundledByVersion.set(fingerprint(new Map(Object.entries(sec.base.c))), p);
    }
  }
  return bundledByVersion.get(fingerprint(predefined));
}

function fingerprint(m: Map<string, string>): string {
  const arch = ['__arm__', '__aarch64__', '__x86_64__', '__i386__', '__riscv'].filter((a) => m.has(a)).join(',');
  return `${m.get('__VERSION__') ?? ''}|${arch}`;
}

/** the known GCC attribute names asked about (besides those found in a tree), for probing */
export const COMMON_ATTRIBUTES = [
  'access', 'alias', 'aligned', 'alloc_align', 'alloc_size', 'always_inline', 'artificial', 'assume_aligned',
  'btf_decl_tag', 'btf_type_tag', 'cleanup', 'cold', 'common', 'const', 'constructor', 'copy', 'counted_by',
  'deprecated', 'designated_init', 'destructor', 'diagnose_as_builtin', 'disable_sanitizer_instrumentation',
  'disable_tail_calls', 'error', 'externally_visible', 'fallthrough', 'flatten', 'format', 'format_arg', 'gnu_inline',
  'hot', 'ifunc', 'interrupt', 'leaf', 'malloc', 'may_alias', 'mode', 'model', 'naked', 'no_caller_saved_registers',
  'no_icf', 'no_instrument_function', 'no_profile_instrument_function', 'no_reorder', 'no_sanitize',
  'no_sanitize_address', 'no_sanitize_coverage', 'no_sanitize_thread', 'no_sanitize_undefined', 'no_split_stack',
  'no_stack_protector', 'noclone', 'nocommon', 'noinit', 'noinline', 'noipa', 'nonnull', 'nonstring', 'noplt',
  'noreturn', 'nothrow', 'optimize', 'overloadable', 'packed', 'pass_object_size', 'patchable_function_entry',
  'persistent', 'pure', 'randomize_layout', 'no_randomize_layout', 'retain', 'returns_nonnull', 'returns_twice',
  'scalar_storage_order', 'section', 'sentinel', 'simd', 'stack_protect', 'symver', 'target', 'target_clones',
  'tls_model', 'transparent_union', 'uninitialized', 'unused', 'used', 'vector_size', 'visibility', 'warn_if_not_aligned',
  'warn_unused_result', 'warning', 'weak', 'weakref', 'zero_call_used_regs', '__fallthrough__',
];

export const COMMON_BUILTINS = [
  '__builtin_alloca_uninitialized', '__builtin_assume_aligned', '__builtin_bswap16', '__builtin_bswap32',
  '__builtin_bswap64', '__builtin_btf_type_id', '__builtin_clz', '__builtin_constant_p', '__builtin_ctz',
  '__builtin_dynamic_object_size', '__builtin_expect', '__builtin_ffs', '__builtin_isdigit', '__builtin_mul_overflow',
  '__builtin_add_overflow', '__builtin_sub_overflow', '__builtin_object_size', '__builtin_popcount',
  '__builtin_preserve_access_index', '__builtin_preserve_enum_value', '__builtin_preserve_field_info',
  '__builtin_preserve_type_info', '__builtin_thread_pointer', '__builtin_trap', '__builtin_unreachable',
  '__builtin_memcpy', '__builtin_memset', '__builtin_strlen', '__builtin_types_compatible_p', '__builtin_choose_expr',
];
