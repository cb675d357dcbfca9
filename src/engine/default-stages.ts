import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { CompileCommand } from '../core/graph.js';
import { extractFacts } from '../c/index.js';
import { offsetsLines } from '../c/offsets.js';
import { type OffsetsEvaluator, prepare } from '../prepare/index.js';
import { CppCache, preprocess } from '../cpp/index.js';
import { evalKbuild, kbuildProfileFrom } from '../kbuild/index.js';
import { autoConf } from '../kbuild/config.js';
import { KbuildCache, RecordedStore, stageCodeHash } from './kbuild-cache.js';
import { type KconfigModel, autoconfHeader, loadKconfig, resolveConfig, srcarchOf } from '../kconfig/index.js';
import { resolveLink } from '../link/index.js';
import { predefinedFor, predefinedKey } from '../toolchain/predefined.js';
import { type ToolchainProfile, defaultProfile, emptyProfile } from '../toolchain/profile.js';
import type { KernelTree } from '../tree/tree.js';
import type { CompilerView, PrepareOutput, Stages } from './stages.js';

export interface StageOptions {
  /** toolchain profile for every arch of the run (default: the bundled profile of each arch) */
  profile?: ToolchainProfile;
  /** a kbuild output directory (O=) whose generated headers may be read (never written) */
  objtree?: string;
  /** where parsed Kconfig models are cached between runs (never inside the tree); absent: no cache */
  cacheDir?: string;
}

/**
 * The real stages: src/kconfig, src/kbuild, src/cpp, src/c, src/link. One CppCache per tree and run, so that every
 * header is read and tokenised once however many units and configurations include it.
 */
export function defaultStages(tree: KernelTree, opts: StageOptions = {}): Stages<KconfigModel> {
  const extraRoots = opts.objtree ? [fs.realpathSync(opts.objtree)] : [];
  const cppCache = new CppCache(tree, extraRoots);
  // how gcc spells the tree's files (for __FILE__): kbuild in the source tree passes relative paths (-I./include),
  // with an objtree the source tree's absolute path
  const srcPrefix = opts.objtree ? undefined : './';
  const profiles = new Map<string, ToolchainProfile>();
  const profileOf = (arch: string): ToolchainProfile => {
    let p = profiles.get(arch);
    if (!p) {
      const srcarch = srcarchOf(arch);
      p = opts.profile ?? defaultProfile(srcarch) ?? emptyProfile(srcarch);
      profiles.set(arch, p);
    }
    return p;
  };
  const compilerViews = new Map<string, CompilerView>();
  const viewOfCmd = new WeakMap<CompileCommand, { arch: string; view: CompilerView }>();
  const compilerFor = (arch: string, cmd: CompileCommand): CompilerView => {
    const key = arch + '\0' + predefinedKey(cmd);
    const cached = compilerViews.get(key);
    if (cached) return cached;
    const a = predefinedFor(profileOf(arch), cmd);
    const v: CompilerView = { macros: a.macros, attributes: a.attributes, builtins: a.builtins, gaps: a.gaps };
    compilerViews.set(key, v);
    return v;
  };

  return {
    loadKconfig: (t, arch) =>
      loadKconfig(t, { arch, profile: profileOf(arch), ...(opts.cacheDir && !t.inMemory ? { cacheDir: path.join(opts.cacheDir, 'kconfig') } : {}) }),
    resolveConfig: (model, base, overrides) => resolveConfig(model, base, overrides),
    autoconf: (model, config) => autoconfHeader(model, config),
    evalKbuild: (t, config) => {
      const o: Parameters<typeof evalKbuild>[2] = {};
      if (opts.objtree) o.objtree = opts.objtree;
      // a profile the user chose answers the Makefiles' toolchain questions too (else the arch's measured table)
      if (opts.profile) o.profile = kbuildProfileFrom(opts.profile);
      const cache = opts.cacheDir && !t.inMemory ? new KbuildCache(opts.cacheDir, t.root) : undefined;
      const key = JSON.stringify([config.arch, autoConf(config), o.objtree ?? null, o.profile ?? null]);
      const hit = cache?.get(key, t);
      if (hit) return hit;
      const since = Date.now();
      const { value: r, read, probes } = t.recordReads(() => evalKbuild(t, config, o), true);
      cache?.put(key, t, r, read, probes, since);
      return { graph: r.graph, diagnostics: r.diagnostics };
    },
    compiler: (arch: string, cmd: CompileCommand) => {
      // the same command objects come back for every configuration sharing a Kbuild graph
      const seen = viewOfCmd.get(cmd);
      if (seen?.arch === arch) return seen.view;
      const view = compilerFor(arch, cmd);
      viewOfCmd.set(cmd, { arch, view });
      return view;
    },
    prepare: (t, config, graph, autoconf) => {
      const srcarch = srcarchOf(config.arch);
      // the tree files the offsets units read (the run's CppCache may have them already: recordReads would not see them)
      const unitReads = new Set<string>();
      const offsets: OffsetsEvaluator = (source, cmd, generated) => {
        const compiler = compilerFor(config.arch, cmd);
        const r = preprocess(t, source, {
          cmd, autoconf, generated, predefined: compiler.macros, attributes: compiler.attributes, builtins: compiler.builtins, cache: cppCache, extraRoots,
          ...(srcPrefix !== undefined ? { srcPrefix } : {}),
        });
        for (const f of r.includes) if (!f.startsWith('/')) unitReads.add(f);
        return { lines: offsetsLines(r.tokens, srcarch, cmd.flags), diagnostics: r.diagnostics.filter((d) => d.severity === 'error') };
      };
      const srctree = opts.objtree ? realRoot(t) : '.';
      const store = opts.cacheDir && !t.inMemory ? new RecordedStore<PrepareOutput>(opts.cacheDir, 'prepare', t.root, prepareCodeHash, 1) : undefined;
      // what the generated files are a function of besides the tree's files (which the store checks itself)
      const key = createHash('sha1')
        .update(JSON.stringify([config.arch, autoconf, graph.prepare ?? [], graph.generated ?? [], graph.top ?? {}, srctree, opts.objtree ?? null, profileOf(config.arch)]))
        .digest('hex');
      const hit = store?.get(key, t);
      if (hit) return hit;
      const since = Date.now();
      const { value: r, read, probes } = t.recordReads(
        () => prepare({ tree: t, config, rules: graph.prepare ?? [], buildRules: graph.generated ?? [], top: graph.top ?? {}, srctree, offsets }),
        true,
      );
      for (const f of unitReads) read.add(f);
      const out: PrepareOutput = { generated: r.set, diagnostics: r.diagnostics, gaps: r.gaps, reads: [...read] };
      store?.put(key, t, out, read, probes, since);
      return out;
    },
    preprocess: (t, file, o) => {
      const r = preprocess(t, file, {
        cmd: o.cmd,
        autoconf: o.autoconf,
        predefined: o.compiler.macros,
        attributes: o.compiler.attributes,
        builtins: o.compiler.builtins,
        cache: cppCache,
        extraRoots,
        ...(srcPrefix !== undefined ? { srcPrefix } : {}),
        ...(o.generated ? { generated: o.generated } : {}),
        ...(o.memo === false ? { memo: false } : {}),
      });
      return { tokens: r.tokens, footprint: r.footprint, includes: r.includes, diagnostics: r.diagnostics, gaps: r.gaps };
    },
    extractFacts: (ts, unit) => extractFacts(ts, unit),
    resolveLink: (graph, facts) => resolveLink(graph, facts),
  };
}

function realRoot(t: KernelTree): string {
  try {
    return fs.realpathSync(t.root);
  } catch {
    return t.root;
  }
}

/** the code generated files come from: the generators, and the preprocessor and C front end offsets units go through */
const prepareCodeHash = () => stageCodeHash(['prepare', 'cpp', 'c', 'toolchain']);
