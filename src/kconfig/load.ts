import { type KconfigDialect, dialectOf } from './dialect.js';
import type { Diagnostic, Span } from '../core/types.js';
import { ToolchainAnswers } from '../toolchain/answers.js';
import { defaultProfile, emptyProfile, type ToolchainProfile } from '../toolchain/profile.js';
import type { KernelTree } from '../tree/tree.js';
import { kdiag, span } from './diagnostics.js';
import { exprToString } from './print.js';
import { finalize, stringValid } from './finalize.js';
import { MacroExpander } from './macro.js';
import { type Expr, type MenuNode, type Prop, type Sym, SymbolTable, type SymType } from './model.js';
import { Parser } from './parser.js';
import { checkRecursive } from './recursive.js';
import { modelIdentity, restoreCached, storeCached } from './cache.js';

export interface LoadOptions {
  /** kernel ARCH (as given to make): arm, arm64, x86, x86_64, i386, riscv, … */
  arch: string;
  /** toolchain answers; default: the bundled profile for the arch (or an empty one) */
  profile?: ToolchainProfile;
  /** extra/overriding environment seen by Kconfig's $(VAR) references */
  env?: Record<string, string>;
  /** run toolchain questions the profile cannot answer, recording the answers into the profile */
  probe?: boolean;
  /** top-level Kconfig file (KBUILD_KCONFIG); default "Kconfig" */
  kconfig?: string;
  /** directory for the parsed-model cache (e.g. ~/.cache/kvlint/kconfig); no caching when absent */
  cacheDir?: string;
}

/** What rules need to know about one symbol, with spans. */
export interface SymbolInfo {
  name: string;
  type: SymType;
  definitions: Span[];
  prompts: { text: string; condition: string; span: Span }[];
  /** direct dependencies (OR of every definition's dependencies), printed the kernel's way */
  dependsOn: string;
  dependsExpr: Expr | null;
  defaults: { value: string; condition: string; span: Span }[];
  selects: { target: string; condition: string; span: Span }[];
  implies: { target: string; condition: string; span: Span }[];
  selectedBy: { by: string; condition: string; span: Span }[];
  impliedBy: { by: string; condition: string; span: Span }[];
  ranges: { lo: string; hi: string; condition: string; span: Span }[];
  choice?: string;
  help?: string;
  /** referenced in an expression but defined nowhere in this architecture's Kconfig */
  undefined: boolean;
  references: Span[];
}

import { srcarchOf } from '../core/arch.js';
export { srcarchOf };

/** "6.1.192" from the top Makefile's VERSION/PATCHLEVEL/SUBLEVEL/EXTRAVERSION (read, never run) */
export function kernelVersion(tree: KernelTree): string {
  const mk = tree.tryReadText('Makefile');
  if (!mk) return '';
  const get = (k: string) => new RegExp(`^${k}\\s*=[ \\t]*(.*)$`, 'm').exec(mk)?.[1]?.trim() ?? '';
  const v = get('VERSION');
  const p = get('PATCHLEVEL');
  const s = get('SUBLEVEL');
  const e = get('EXTRAVERSION');
  if (!v) return '';
  return `${v}${p ? `.${p}${s ? `.${s}` : ''}` : ''}${e}`;
}

/** Everything a model is made of (what parsing produces, and what the model cache stores). */
export interface ModelParts {
  syms: SymbolTable;
  root: MenuNode;
  props: Prop[];
  modulesSym: Sym | null;
  files: string[];
  diagnostics: Diagnostic[];
  fatal: boolean;
  profile: ToolchainProfile;
  envUsed: Map<string, string>;
  unanswered: { kind: string; key: string }[];
  timings: Record<string, number>;
}

const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

/** Parse, finalize and check a tree's Kconfig for an architecture. */
export function parseModel(tree: KernelTree, arch: string, opts: LoadOptions): ModelParts {
  const srcarch = srcarchOf(arch);
  const profile = opts.profile ?? defaultProfile(srcarch) ?? emptyProfile(srcarch);
  const syms = new SymbolTable();
  const timings: Record<string, number> = {};
  const answers = new ToolchainAnswers(profile, tree.root, {
    ...(opts.probe ? { probe: true } : {}),
    ...(opts.env ? { env: opts.env } : {}),
  });
  const builtinEnv: Record<string, string> = {
    ARCH: arch,
    SRCARCH: srcarch,
    srctree: tree.root,
    KERNELVERSION: kernelVersion(tree),
  };
  const diags: Diagnostic[] = [];
  let parser: Parser | undefined;
  const macro = new MacroExpander({
    env: (name) => opts.env?.[name] ?? builtinEnv[name] ?? profile.env[name],
    shell: (cmd) => answers.shell(cmd),
    helper: (name, args) => answers.helper(name, args),
    helperDone: (name, args, result) => answers.recordHelper(name, args, result),
    info: (msg) => diags.push(kdiag('macroMessage', 'info', msg, span(parser!.filename, parser!.lineno), { subject: `info:${msg}` })),
    warning: (msg) =>
      diags.push(kdiag('macroMessage', 'warning', msg, span(parser!.filename, parser!.lineno), { subject: `warning:${msg}` })),
    filename: () => parser!.filename,
    lineno: () => parser!.lineno,
  });
  parser = new Parser(tree, syms, macro, dialectOf(tree));
  const tParse = cpuMs();
  const res = parser.parse(opts.kconfig ?? 'Kconfig');
  timings.parse = cpuMs() - tParse;
  answers.dispose();
  let fatal = res.fatal;
  diags.push(...res.diagnostics);
  const unanswered = answers.missing.map((q) => ({ ...q }));
  const seenQ = new Set<string>();
  for (const q of answers.missing) {
    const id = `${q.kind}:${q.key}`;
    if (seenQ.has(id)) continue;
    seenQ.add(id);
    diags.push(
      kdiag('toolchain', 'warning', `toolchain profile '${profile.name}' has no answer for ${q.kind === 'success' ? 'command' : q.kind} '${q.key}'; assumed to fail`, span(opts.kconfig ?? 'Kconfig', 1), {
        subject: id,
        help: 'record the answers with --probe-toolchain (runs the compiler) or add them to the profile',
      }),
    );
  }
  // 3.x: without `option modules`, conf's anonymous modules symbol defaults to MODULES (sym_init, conf_parse)
  const dialect = dialectOf(tree);
  if (!res.modulesSym && dialect.modulesProxy) res.modulesSym = syms.find('MODULES') ?? null;
  if (!fatal) {
    const t1 = cpuMs();
    finalize(res.root, syms, res.modulesSym, diags, res.props, dialect);
    const t2 = cpuMs();
    const rec = checkRecursive(syms, (p) => p.type);
    timings.finalize = t2 - t1;
    timings.recursive = cpuMs() - t2;
    // 3.x's conf prints a recursive dependency and goes on
    if (rec.length && dialect.recursiveFatal) fatal = true;
    diags.push(...(dialect.recursiveFatal ? rec : rec.map((d) => ({ ...d, severity: 'warning' as const }))));
  }
  return {
    syms,
    root: res.root,
    props: res.props,
    modulesSym: res.modulesSym,
    files: res.files,
    diagnostics: diags,
    fatal,
    profile,
    envUsed: macro.envRefs,
    unanswered,
    timings,
  };
}

export class KconfigModel {
  readonly root: MenuNode;
  readonly props: Prop[];
  readonly modulesSym: Sym | null;
  readonly files: string[];
  readonly diagnostics: Diagnostic[];
  /** conf would stop: syntax errors, recursive dependencies, $(error-if,…) */
  readonly fatal: boolean;
  readonly srcarch: string;
  /** rootmenu prompt: the heading line of .config and autoconf.h */
  readonly title: string;
  readonly profile: ToolchainProfile;
  /** environment variables Kconfig read, with the values used */
  readonly envUsed: Map<string, string>;
  /** toolchain questions without an answer (each also a K007 diagnostic) */
  readonly unanswered: { kind: string; key: string }[];
  private readonly byName = new Map<string, Sym>();
  /** CPU milliseconds spent per phase (parse, finalize, recursive; restore when served from the cache) */
  readonly timings: Record<string, number>;
  readonly syms: SymbolTable;
  /**
   * Where this model's derived results may be kept (the kconfig cache directory) and what they are a function of
   * (cache.ts modelIdentity); absent for a model loaded without a cache directory (nothing is kept then).
   */
  cache?: { dir: string; identity: string };

  /** the language and behaviour of the tree's own conf */
  readonly dialect: KconfigDialect;

  constructor(
    readonly tree: KernelTree,
    readonly arch: string,
    parts: ModelParts,
  ) {
    this.dialect = dialectOf(tree);
    this.srcarch = srcarchOf(arch);
    this.syms = parts.syms;
    this.root = parts.root;
    this.props = parts.props;
    this.modulesSym = parts.modulesSym;
    this.files = parts.files;
    this.diagnostics = parts.diagnostics;
    this.fatal = parts.fatal;
    this.profile = parts.profile;
    this.envUsed = parts.envUsed;
    this.unanswered = parts.unanswered;
    this.timings = parts.timings;
    this.title = this.root.prompt?.text ?? 'Main menu';
    for (const s of this.syms.named()) this.byName.set(s.name!, s);
  }

  /** the symbol named `name` (without CONFIG_), defined or merely referenced */
  sym(name: string): Sym | undefined {
    return this.byName.get(name.replace(/^CONFIG_/, ''));
  }

  /** names of all symbols defined by a config/menuconfig statement */
  definedSymbols(): string[] {
    return [...this.byName.values()].filter((s) => s.isDefined).map((s) => s.name!);
  }

  symbol(name: string): SymbolInfo | undefined {
    const s = this.sym(name);
    if (!s) return undefined;
    const cond = (e: Expr | null) => (e ? exprToString(e) : 'y');
    const info: SymbolInfo = {
      name: s.name!,
      type: s.type,
      definitions: s.nodes.map((n) => n.span),
      prompts: [],
      dependsOn: cond(s.dirDep),
      dependsExpr: s.dirDep,
      defaults: [],
      selects: [],
      implies: [],
      selectedBy: [],
      impliedBy: [],
      ranges: [],
      undefined: !s.isDefined,
      references: s.refs,
    };
    if (s.choice) info.choice = s.choice.nodes[0]?.prompt?.text ?? s.choice.displayName();
    const help = s.nodes.find((n) => n.help !== undefined)?.help;
    if (help !== undefined) info.help = help;
    for (const p of s.props) {
      switch (p.type) {
        case 'prompt':
        case 'menu':
          info.prompts.push({ text: p.text ?? '', condition: cond(p.visible), span: p.span });
          break;
        case 'default':
          info.defaults.push({ value: p.expr ? exprToString(p.expr) : '', condition: cond(p.visible), span: p.span });
          break;
        case 'select':
        case 'imply': {
          const t = (p.expr as { t: 'sym'; s: Sym }).s.displayName();
          (p.type === 'select' ? info.selects : info.implies).push({ target: t, condition: cond(p.visible), span: p.span });
          break;
        }
        case 'range':
          info.ranges.push({ lo: p.lo!.displayName(), hi: p.hi!.displayName(), condition: cond(p.visible), span: p.span });
          break;
        default:
          break;
      }
    }
    for (const p of this.props) {
      if ((p.type === 'select' || p.type === 'imply') && p.expr?.t === 'sym' && p.expr.s === s) {
        const by = p.menu.sym?.displayName() ?? '?';
        (p.type === 'select' ? info.selectedBy : info.impliedBy).push({ by, condition: cond(p.visible), span: p.span });
      }
    }
    return info;
  }

  /**
   * K004 diagnostics: symbols referenced in this architecture's Kconfig that no Kconfig file defines. Many of
   * them are defined for other architectures only; the rules layer decides (across arches) what to report.
   */
  undefinedReferences(): Diagnostic[] {
    const out: Diagnostic[] = [];
    for (const s of this.byName.values()) {
      if (s.isDefined || !s.refs.length) continue;
      const n = s.name!;
      if (stringValid('int', n) || /^0[xX][0-9a-fA-F]+$/.test(n) || /^[0-9a-f]+$/.test(n)) continue;
      out.push(
        kdiag('undefinedSymbol', 'warning', `symbol ${n} is referenced but not defined in any Kconfig file`, s.refs[0]!, {
          subject: n,
          data: { symbol: n, arch: this.srcarch },
          notes: s.refs.slice(1).map((r) => `also referenced at ${r.file}:${r.line}`),
        }),
      );
    }
    return out;
  }
}

/**
 * Parse a tree's Kconfig for an architecture. With `cacheDir`, a model parsed earlier from identical Kconfig files
 * (same contents, arch, profile and environment) is restored from there instead (see cache.ts).
 */
export function loadKconfig(tree: KernelTree, opts: LoadOptions): KconfigModel {
  if (opts.cacheDir && !opts.probe) {
    let parts = restoreCached(tree, opts);
    if (!parts) {
      parts = parseModel(tree, opts.arch, opts);
      storeCached(tree, opts, parts);
    }
    const model = new KconfigModel(tree, opts.arch, parts);
    model.cache = { dir: opts.cacheDir, identity: modelIdentity(tree, opts, parts.files) };
    return model;
  }
  return new KconfigModel(tree, opts.arch, parseModel(tree, opts.arch, opts));
}
