import { createHash } from 'node:crypto';
import type { GenerateRule } from '../core/graph.js';
import type { Diagnostic, Span } from '../core/types.js';
import type { GeneratedSet } from '../cpp/include.js';
import { arm64Cpucaps, arm64Sysreg, machTypes } from './awk-tables.js';
import { crc32Table, crc64Table } from './crc-tables.js';
import { asn1Header } from './asn1.js';
import { echoToTarget } from './echo.js';
import { oidRegistry } from './oid-registry.js';
import { inatTables } from './inat-tables.js';
import { offsetsH, offsetsRecipe } from './offsets.js';
import { armSyscallNr, syscallHeader, syscallTable } from './syscalls.js';
import { timeconstH } from './timeconst.js';
import { sedToTarget } from './sed.js';
import { selinuxHeaders } from './selinux.js';
import { vdsoOffsets } from './vdso.js';
import type { GenContext, Generator, PrepareInput, PrepareResult } from './types.js';
import { compileH, kernelReleaseFile, packageH, utsVersion, utsreleaseH, versionH } from './version.js';

export type { OffsetLine, OffsetsEvaluator, OffsetsResult, PrepareInput, PrepareResult } from './types.js';

/**
 * The generators, by the kbuild command that runs them (filechk_NAME / cmd_NAME). A command whose generators all
 * decline (another script behind the same name, an unexpected command line) is a named gap (B020).
 */
const GENERATORS: Record<string, Generator[]> = {
  'filechk:kernel.release': [kernelReleaseFile],
  'filechk:version.h': [versionH],
  'filechk:utsrelease.h': [utsreleaseH],
  'filechk:compile.h': [compileH],
  'filechk:package.h': [packageH],
  'filechk:gentimeconst': [timeconstH],
  'filechk:offsets': [offsetsH],
  'cmd:bounds': [offsetsRecipe],
  'cmd:offsets': [offsetsRecipe],
  'cmd:syshdr': [syscallHeader],
  'cmd:systbl': [syscallTable],
  'cmd:sysnr': [armSyscallNr],
  'cmd:gen_mach': [machTypes],
  'cmd:gen_cpucaps': [arm64Cpucaps],
  'cmd:gen_sysreg': [arm64Sysreg],
  'cmd:bflags': [sedToTarget],
  'cmd:crc32': [crc32Table],
  'cmd:crc64': [crc64Table],
  'cmd:flask': [selinuxHeaders],
  'cmd:inat_tables': [inatTables],
  'cmd:build_OID_registry': [oidRegistry],
  'cmd:asn1_compiler': [asn1Header],
  'filechk:uts_version': [utsVersion],
  'cmd:vdsosym': [vdsoOffsets],
  'cmd:compat_vdsosym': [vdsoOffsets],
};

/** files kbuild makes before compiling that no unit ever reads: not worth a gap */
const UNREAD = /(^|\/)\.checked-[^/]*$|\.(o|so|dbg|lds|S|s|cmd)$|(^|\/)(vdso|compat_vdso)[^/]*\.so(\.dbg)?$/;

/** The configuration's generated files, in make's order (each generator sees what was made before it). */
export function prepare(input: PrepareInput): PrepareResult {
  const made = new Map<string, string>();
  const missing = new Map<string, string>();
  const diagnostics: Diagnostic[] = [];
  const gaps: string[] = [];
  const compile = new Map<string, GenerateRule>();
  for (const r of [...input.rules, ...(input.buildRules ?? [])]) if (r.name === 'cc_s_c' && !compile.has(r.target)) compile.set(r.target, r);
  const cv = configValues(input);
  // a directory's rule for a file `make prepare` makes already (the top Kbuild's own) is the same rule
  const prepared = new Set(input.rules.map((r) => r.target));
  const buildTime = new Set((input.buildRules ?? []).filter((r) => !prepared.has(r.target)));
  for (const rule of [...input.rules, ...buildTime]) {
    if (rule.name === 'cc_s_c') continue;
    const why = `made by kbuild's ${rule.kind === 'filechk' ? 'filechk_' : 'cmd_'}${rule.name}, ${rule.span.file}:${rule.span.line}`;
    if (rule.target.includes('%')) {
      // a pattern rule of a directory: what it makes is known only by name
      missing.set(rule.target, why);
      continue;
    }
    const ctx: GenContext = {
      rule,
      tree: input.tree,
      config: input.config,
      top: input.top,
      srctree: input.srctree,
      made,
      ...(input.offsets ? { offsets: input.offsets } : {}),
      setSoFar: () => generatedSet(made),
      problem: (message: string, at: Span) => diagnostics.push(diag('B021', 'generator-input', 'warning', `${rule.target}: ${message}`, at)),
      report: (d) => diagnostics.push(d),
      gap: (message) => gaps.push(message),
      also: (p, text) => void made.set(p.replace(/^(\.\/)+/, ''), text),
      readInput: (p) => readInput(input, p),
      configValue: cv,
      compileRule: (t) => compile.get(t.replace(/^(\.\/)+/, '')),
    };
    let text: string | undefined;
    // any command that only echoes fixed text (the asm-generic wrappers' cmd_wrap, and the like) is made as well
    for (const g of [...(GENERATORS[`${rule.kind}:${rule.name}`] ?? []), ...(rule.kind === 'cmd' ? [echoToTarget] : [])]) {
      text = g(ctx);
      if (text !== undefined) break;
    }
    if (text !== undefined) made.set(rule.target, text);
    else if (buildTime.has(rule)) missing.set(rule.target, why);
    else if (!UNREAD.test(rule.target)) {
      // prepare-time files are read by most units: each one kvlint lacks is worth a gap of its own
      gaps.push(`${rule.target}: made by kbuild's ${rule.kind === 'filechk' ? 'filechk_' : 'cmd_'}${rule.name} (${rule.span.file}:${rule.span.line}), which kvlint does not synthesise`);
      missing.set(rule.target, why);
    }
  }
  return { set: generatedSet(made, missing), diagnostics, gaps };
}

/** A GeneratedSet of files (path order does not matter: the id is computed over the sorted paths). */
export function generatedSet(files: ReadonlyMap<string, string>, missing: ReadonlyMap<string, string> = new Map()): GeneratedSet {
  if (files.size === 0 && missing.size === 0) return { id: '', files: {} };
  const h = createHash('sha1');
  const out: Record<string, string> = {};
  for (const k of [...files.keys()].sort()) {
    const t = files.get(k)!;
    out[k] = t;
    h.update(k).update('\0').update(t).update('\0');
  }
  const set: GeneratedSet = { id: '', files: out };
  if (missing.size > 0) {
    const m: Record<string, string> = {};
    h.update('\0missing\0');
    for (const k of [...missing.keys()].sort()) {
      m[k] = missing.get(k)!;
      h.update(k).update('\0').update(m[k]).update('\0');
    }
    set.missing = m;
  }
  set.id = h.digest('hex').slice(0, 20);
  return set;
}

function readInput(input: PrepareInput, p: string): { text: string; file: string } | undefined {
  let rel = p;
  if (input.srctree !== '.' && rel.startsWith(input.srctree + '/')) rel = rel.slice(input.srctree.length + 1);
  rel = rel.replace(/^(\.\/)+/, '');
  if (rel.startsWith('/') || rel.startsWith('../')) return undefined;
  const text = input.tree.tryReadText(rel);
  return text === undefined ? undefined : { text, file: rel };
}

/** CONFIG_X as autoconf.h has it: tristate/bool as y/m/'' , strings without their quotes */
function configValues(input: PrepareInput): (name: string) => string {
  return (name) => {
    const v = input.config.values.get(name.replace(/^CONFIG_/, ''));
    if (v === undefined || v === 0) return '';
    if (v === 1) return 'm';
    if (v === 2) return 'y';
    return v;
  };
}

function diag(code: string, rule: string, severity: 'warning' | 'error', message: string, at: Span): Diagnostic {
  return { code, rule, severity, message, primary: at, trace: [], configs: [], fingerprint: `${code}:${at.file}:${message}` };
}
