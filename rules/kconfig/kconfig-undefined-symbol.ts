/**
 * # kconfig-undefined-symbol (K004)
 *
 * ## What it does
 * Finds CONFIG_ symbols referenced in C and assembler sources, headers, Makefiles or Kconfig files that no Kconfig
 * file of the tree defines (for any architecture) — what scripts/checkkconfigsymbols.py reports, without its false
 * positives: references in comments and string literals, `CONFIG_FOO_MODULE` (autoconf.h's name for FOO=m),
 * partial names glued with `##`, and names the code defines itself (`#define CONFIG_X`, `-DCONFIG_X`, enumerators).
 * A definition in a header, a Makefile or a -D flag covers every file; one in a unit's own .c/.S file covers that file
 * only (another unit never sees it: `#define CONFIG_SYS_ISDBT` in one tuner driver does not make the `#ifdef` of
 * another driver live).
 *
 * It is tree-wide, not per configuration, and runs once per run over the files the run read: the sources and
 * headers of every configuration's units, the Makefiles that built their objects, and the Kconfig files of each
 * architecture of the matrix (in a staged run, only the changed files among them). The defined set is every
 * `config`/`menuconfig` of every Kconfig file reachable from the top Kconfig for any architecture of the tree.
 *
 * ## Why it matters
 * An undefined symbol is always n: `#ifdef CONFIG_FOO` code is dead, `depends on FOO` hides the option forever,
 * `select FOO` does nothing. This is how renamed or removed options leave silently dead code behind (and typos
 * hide a whole branch from every build).
 *
 * ## Example
 * ```
 * warning[K004] symbol ZSMALLOC_STAT is referenced but not defined in any Kconfig file
 *   --> drivers/staging/zsmalloc/zsmalloc-main.c:12:8
 * ```
 *
 * ## How to fix
 * Use the symbol's current name (the help suggests close names), add the missing Kconfig entry, or delete the dead
 * code. If the name is not a Kconfig symbol at all, rename it: the CONFIG_ prefix belongs to Kconfig.
 *
 * ## References
 * - scripts/checkkconfigsymbols.py (the tree-wide check this mirrors).
 * - Documentation/kbuild/kconfig-language.rst; include/linux/kconfig.h (CONFIG_FOO_MODULE, IS_ENABLED()).
 */
import type { Span } from '../../src/core/types.js';
import type { KconfigModel } from '../../src/kconfig/index.js';
import type { KernelTree } from '../../src/tree/tree.js';
import type { ConfigView, Rule } from '../api.js';
import { type ConfigRefSite, editDistance, kconfigDefinedAnywhere, scanC, scanMake } from '../config-refs.js';

type MessageId = 'undefined';

export const kconfigUndefinedSymbol: Rule<MessageId, { ignore: string[]; maxSites: number }> = {
  meta: {
    code: 'K004',
    name: 'kconfig-undefined-symbol',
    family: 'kconfig',
    defaultSeverity: 'warning',
    summary: 'a CONFIG_ symbol referenced in C, Makefiles or Kconfig is defined by no Kconfig file',
    messages: {
      undefined: 'symbol {{symbol}} is referenced but not defined in any Kconfig file',
    },
  },
  defaultOptions: {
    /** symbol names (without CONFIG_) never to report, e.g. names an out-of-tree build system defines */
    ignore: [],
    /** how many further reference sites to list under a finding */
    maxSites: 5,
  },
  checkRun(ctx, report) {
    const only = ctx.onlyFiles;
    const take = (f: string) => !only || only.has(f);
    const sites: ConfigRefSite[] = [];
    /** names defined where every file may see them (headers, Makefiles, -D flags) */
    const local = new Set<string>();
    /** names a translation unit's own source defines: only that file sees them (another unit never includes it) */
    const own = new Map<string, Set<string>>();

    // C and assembler: the sources and headers the run read
    const cFiles = new Set<string>();
    const sources = new Set<string>();
    for (const v of ctx.configs) {
      if (only) for (const f of only) v.files.has(f) && cFiles.add(f);
      else for (const f of v.files) cFiles.add(f);
      for (const o of v.graph.objects.values()) if (o.source) sources.add(o.source);
    }
    for (const f of [...cFiles].sort()) {
      const s = scanC(ctx.tree, f);
      sites.push(...s.refs);
      if (!s.localDefs.length) continue;
      // a unit's main source: its #defines and enumerators reach that unit only (a .c file another one includes
      // is not a main source, and counts like a header)
      if (sources.has(f) && !f.endsWith('.h')) own.set(f, new Set(s.localDefs));
      else for (const d of s.localDefs) local.add(d);
    }
    // -D flags of the compile commands (objects of a directory mostly share one command object)
    const seen = new Set<object>();
    for (const v of ctx.configs) {
      for (const o of v.graph.objects.values()) {
        if (seen.has(o.cmd)) continue;
        seen.add(o.cmd);
        for (const [name] of o.cmd.defines) if (name.startsWith('CONFIG_')) local.add(name.slice(7));
      }
    }
    // Makefiles: those that built something, and the directory makefiles above them
    const makefiles = new Set<string>();
    for (const v of ctx.configs) makefilesOf(ctx.tree, v, makefiles, only);
    for (const f of [...makefiles].sort()) {
      if (!take(f)) continue;
      const s = scanMake(ctx.tree, f);
      sites.push(...s.refs);
      for (const d of s.localDefs) local.add(d);
    }
    // Kconfig: what each architecture's model already knows is referenced but undefined
    const models = new Set<KconfigModel>();
    for (const v of ctx.configs) if (v.kconfig) models.add(v.kconfig);
    const defined = new Set<string>();
    for (const m of models) {
      for (const n of m.definedSymbols()) defined.add(n);
      for (const d of m.undefinedReferences()) {
        const name = d.data?.symbol;
        if (!name) continue;
        // the stage's diagnostic lists every reference (m.sym() would strip a literal CONFIG_ prefix: CONFIG_STM)
        const spans = [d.primary];
        for (const n of d.notes ?? []) {
          const at = /^also referenced at (.+):(\d+)$/.exec(n);
          if (at) spans.push({ file: at[1]!, line: Number(at[2]), col: 1 });
        }
        for (const span of spans) if (take(span.file)) sites.push({ name, span });
      }
    }

    const ignore = new Set(ctx.options.ignore.map((s) => s.replace(/^CONFIG_/, '')));
    let everywhere: ReadonlySet<string> | undefined;
    let pool: ReadonlySet<string> | undefined;
    const isDefined = (name: string): boolean => {
      if (defined.has(name)) return true;
      everywhere ??= kconfigDefinedAnywhere(ctx.tree);
      return everywhere.has(name);
    };
    const bySymbol = new Map<string, Span[]>();
    for (const s of sites) {
      let name = s.name;
      const mine = own.get(s.span.file);
      const isLocal = (n: string) => local.has(n) || (mine !== undefined && mine.has(n));
      if (isLocal(name) || ignore.has(name)) continue;
      if (isDefined(name)) continue;
      if (name.endsWith('_MODULE')) {
        const base = name.slice(0, -7);
        if (isDefined(base) || isLocal(base)) continue;
        name = base;
      }
      let l = bySymbol.get(name);
      if (!l) bySymbol.set(name, (l = []));
      if (!l.some((x) => x.file === s.span.file && x.line === s.span.line)) l.push(s.span);
    }

    for (const name of [...bySymbol.keys()].sort()) {
      const spans = bySymbol.get(name)!.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.col - b.col);
      const primary = spans[0]!;
      const rest = spans.slice(1);
      const max = Math.max(0, ctx.options.maxSites);
      // (a Kconfig file spells the symbol without the prefix: `default CONFIG_STM` there is the symbol CONFIG_STM)
      const spelt = (file: string) => (/(^|\/)Kconfig[^/]*$/.test(file) ? name : `CONFIG_${name}`);
      const trace = rest.slice(0, max).map((span) => ({ kind: 'use' as const, label: `${spelt(span.file)} is also referenced here`, span }));
      const notes = rest.length > max ? [`… and ${rest.length - max} more references`] : undefined;
      // (the names of every arch are suggested when they were looked at)
      pool ??= everywhere ? new Set([...defined, ...everywhere]) : defined;
      const close = suggestion(name, pool);
      report({
        messageId: 'undefined',
        data: { symbol: name },
        primary,
        trace,
        subject: [name],
        help: close
          ? `did you mean ${close}? Otherwise add the Kconfig entry, or remove the dead reference`
          : 'add the Kconfig entry, use the symbol\'s current name, or remove the dead reference',
        ...(notes ? { notes } : {}),
      });
    }
  },
};

/** `only`: just those of these files (a staged run asks about its changed files, not about every directory) */
function makefilesOf(tree: KernelTree, v: ConfigView, out: Set<string>, only?: ReadonlySet<string>): void {
  const dirs = new Set<string>();
  const dirOf = (f: string) => (f.includes('/') ? f.slice(0, f.lastIndexOf('/')) : '');
  for (const o of v.graph.objects.values()) {
    if (!only || only.has(o.span.file)) out.add(o.span.file);
    dirs.add(dirOf(o.span.file));
  }
  for (const m of v.graph.modules) if (!only || only.has(m.span.file)) out.add(m.span.file);
  if (only) {
    // a directory makefile counts when it lies above a directory that built something
    for (const f of only) {
      const base = f.slice(f.lastIndexOf('/') + 1);
      if (base !== 'Kbuild' && base !== 'Makefile') continue;
      const d = dirOf(f);
      const above = (x: string) => (d === '' ? x !== '' : x.startsWith(d + '/'));
      if ([...dirs].some(above) && tree.isFile(f)) out.add(f);
    }
    return;
  }
  // the directory makefiles above (they hold the obj-$(CONFIG_…) += dir/ lines that reached these)
  for (let d of dirs) {
    while (d) {
      d = d.includes('/') ? d.slice(0, d.lastIndexOf('/')) : '';
      const kb = d ? `${d}/Kbuild` : 'Kbuild';
      const mk = d ? `${d}/Makefile` : 'Makefile';
      if (tree.isFile(kb)) out.add(kb);
      if (tree.isFile(mk)) out.add(mk);
      if (dirs.has(d) && d !== '') break;
      dirs.add(d);
    }
  }
}

/** the defined symbol closest to `name` (edit distance ≤ 2, unique best), as CONFIG_NAME */
function suggestion(name: string, defined: ReadonlySet<string>): string | undefined {
  const cap = name.length >= 8 ? 2 : 1;
  let best: string | undefined;
  let bestD = cap + 1;
  let tie = false;
  for (const d of defined) {
    if (Math.abs(d.length - name.length) > cap) continue;
    const dist = editDistance(name, d, cap);
    if (dist < bestD) {
      bestD = dist;
      best = d;
      tie = false;
    } else if (dist === bestD) tie = true;
  }
  return best !== undefined && !tie && bestD <= cap ? `CONFIG_${best}` : undefined;
}
