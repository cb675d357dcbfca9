import { srcarchOf } from '../core/arch.js';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ObjectGraph } from '../core/graph.js';
import type { Config, Diagnostic } from '../core/types.js';
import type { KernelTree } from '../tree/tree.js';
import { MakeEvaluator } from './make/evaluator.js';
import { words } from './make/text.js';
import { Scope } from './make/vars.js';
import type { ToolchainProfile } from './profile.js';
import { profileFor } from './profiles.js';
import { type PathModel, TreeHost } from './treehost.js';
import { KbuildWalker } from './walk.js';
import { prepareRules } from './prepare.js';

export type { ToolchainProfile } from './profile.js';
export { parseDotConfig, autoConf } from './config.js';
export { kbuildProfileFrom, profileFor } from './profiles.js';

export interface KbuildOptions {
  /** output directory of the build being modelled (O=); paths of generated headers point there. Never read. */
  objtree?: string;
  /** toolchain answers for cc-option & co; default: the built-in profile for the architecture, if any */
  profile?: ToolchainProfile;
}

export interface KbuildResult {
  graph: ObjectGraph;
  diagnostics: Diagnostic[];
  /** details for tests, benchmarks and the ground-truth comparison */
  stats: KbuildStats;
}

export interface KbuildStats {
  directories: number;
  /** toolchain probes asked (kind:flags → answer) */
  probes: Map<string, boolean>;
  /** probes the profile could not answer */
  unanswered: Map<string, number>;
  /** $(shell) commands evaluated and not answered (reported as B001) */
  shells: Map<string, number>;
  /** values of the top Makefile's flag variables (the context of toolchain probes) */
  top: Record<string, string>;
  /** seconds spent in the top Makefile, and in the directory walk */
  topSeconds: number;
  walkSeconds: number;
}

/** Values of the top Makefile that generated files are made of (src/prepare: version.h, utsrelease.h, compile.h). */
const TOP_VARS = ['VERSION', 'PATCHLEVEL', 'SUBLEVEL', 'EXTRAVERSION', 'NAME', 'KERNELVERSION', 'UTS_MACHINE', 'SRCARCH', 'ARCH', 'LOCALVERSION', 'LD', 'CC'];


/** Variables the later stages need even when a (fixture) top Makefile does not export them. */
const INTERFACE_VARS = [
  'srctree', 'objtree', 'SRCARCH', 'ARCH', 'building_out_of_srctree', 'KBUILD_CPPFLAGS', 'KBUILD_CFLAGS',
  'KBUILD_AFLAGS', 'NOSTDINC_FLAGS', 'LINUXINCLUDE', 'USERINCLUDE', 'KBUILD_CFLAGS_MODULE', 'KBUILD_AFLAGS_MODULE',
  'KBUILD_CFLAGS_KERNEL', 'KBUILD_AFLAGS_KERNEL', 'KBUILD_BUILTIN', 'KBUILD_MODULES', 'CC', 'CROSS_COMPILE',
];

/**
 * Evaluate the tree's Makefiles under a configuration: the top Makefile (with arch/$(SRCARCH)/Makefile), then every
 * directory reached from the top Kbuild (and, for trees older than 6.1 style, from core-y/drivers-y/libs-y), as
 * scripts/Makefile.build would. Nothing is executed: toolchain probes are answered from the profile, $(shell) is
 * reported (B001) and taken as empty.
 */
export function evalKbuild(tree: KernelTree, config: Config, opts: KbuildOptions = {}): KbuildResult {
  const profile = opts.profile ?? profileFor(config.arch);
  const outOfTree = opts.objtree !== undefined;
  // like the top Makefile's $(realpath …) of its own directory
  let realRoot = tree.root;
  try {
    realRoot = fs.realpathSync(tree.root);
  } catch {
    /* an in-memory tree */
  }
  const paths: PathModel = outOfTree
    ? { srctree: realRoot, curdir: path.resolve(opts.objtree!), outOfTree: true, rootAliases: [realRoot, tree.root] }
    : { srctree: '.', curdir: realRoot, outOfTree: false, rootAliases: [realRoot, tree.root] };
  const host = new TreeHost(tree, paths, config, profile);
  const srcarch = srcarchOf(config.arch);

  // ---- the top Makefile, as the second (sub-make) pass of `make O=… ARCH=… CROSS_COMPILE=…` evaluates it
  const t0 = performance.now();
  const top = new MakeEvaluator(host);
  top.keepRules = true;
  top.define('sub_make_done', '1', 'environment', 'simple', true);
  top.define('abs_srctree', realRoot, 'environment', 'simple', true);
  top.define('abs_objtree', paths.curdir, 'environment', 'simple', true);
  top.define('ARCH', config.arch, 'command line', 'simple', true);
  if (profile) top.define('CROSS_COMPILE', profile.crossCompile, 'command line', 'simple', true);
  top.define('CURDIR', paths.curdir, 'default');
  top.define('MAKE', 'make', 'default');
  top.define('MAKE_VERSION', '4.3', 'default');
  top.define('MAKECMDGOALS', '', 'default');
  top.define('MAKEFLAGS', '', 'default');
  top.define('.FEATURES', 'target-specific order-only second-expansion else-if shortest-stem undefine oneshell nocomment grouped-target extra-prereqs archives jobserver output-sync check-symlink guile load', 'default');
  // a fixture top Makefile may leave these to the caller
  top.define('srctree', paths.srctree, 'default');
  top.define('objtree', '.', 'default');
  if (outOfTree) {
    top.define('building_out_of_srctree', '1', 'default');
    // ≤4.x: the O= pass re-runs make in the objtree with KBUILD_SRC= the source tree on its command line
    top.define('KBUILD_SRC', realRoot, 'command line', 'simple', true);
  }
  const topText = tree.tryReadText('Makefile');
  if (topText === undefined) host.report('B012', 'the tree has no top-level Makefile', { file: 'Makefile', line: 1, col: 1 });
  else {
    // Linux's top Makefile includes include/config/auto.conf itself; a minimal (fixture) one may not, and still
    // tests CONFIG_ symbols (arch flags): give it the configuration up front then.
    if (!topText.includes('include/config/auto.conf')) top.evalFile(host.readMakefile('include/config/auto.conf')!.text, 'include/config/auto.conf');
    top.evalFile(topText, 'Makefile');
  }
  if (top.value('SRCARCH') === '') top.define('SRCARCH', srcarch);
  const topSeconds = (performance.now() - t0) / 1000;

  // ---- what every sub-make reads itself (Makefile.build): auto.conf, Kbuild.include, Makefile.compiler
  const env = top.exportedEnvironment();
  for (const v of INTERFACE_VARS) if (!env.has(v) && top.get(v) !== undefined) env.set(v, top.value(v));
  const envScope = new Scope();
  for (const [k, v] of env) envScope.set(k, { flavor: 'simple', value: v, origin: 'environment', exported: true });
  const defsEv = new MakeEvaluator(host, envScope);
  for (const [f, optional] of [
    ['include/config/auto.conf', true],
    [`${paths.srctree}/scripts/Kbuild.include`, true],
    [`${paths.srctree}/scripts/Makefile.compiler`, true],
  ] as const) {
    const got = host.readMakefile(f);
    if (got) defsEv.evalFile(got.text, got.display);
    else if (!optional) host.report('B002', `missing ${f}`, { file: 'Makefile', line: 1, col: 1 });
  }
  const defs = new Scope();
  for (const [k, v] of defsEv.scope.ownEntries()) defs.set(k, v);

  // ---- the directory walk
  const t1 = performance.now();
  // 3.x–5.x top Makefiles name the directories to descend into (vmlinux-dirs) and then rewrite init-y/core-y/… to
  // the dir/built-in.[oa] and dir/lib.a files they link; 6.1 keeps the dir/ words (and has a root Kbuild)
  const vmlinuxDirs = new Set(words(top.value('vmlinux-dirs')));
  const topDir = (word: string): string | undefined => {
    if (word.endsWith('/')) return word.replace(/\/+$/, '');
    const m = /^(.*)\/(built-in\.[oa]|lib\.a)$/.exec(word);
    return m && vmlinuxDirs.has(m[1]!) ? m[1] : undefined;
  };
  const libDirs = new Set(words(top.value('libs-y')).map(topDir).filter((d) => d !== undefined));
  const mapPath = (p: string): string => {
    const t = host.treePath(p);
    if (t !== undefined) return tree.rel(t);
    if (!p.startsWith('/')) return path.join(paths.curdir, p);
    return p;
  };
  const walker = new KbuildWalker(tree, host, defs, mapPath, libDirs);
  const rootSpan = { file: 'Makefile', line: 1, col: 1 };
  const builtin: string[] = [];
  const modorder: string[] = [];
  const lib: string[] = [];
  const take = (o: { builtin: string[]; modorder: string[]; lib: string[] }): void => {
    builtin.push(...o.builtin);
    modorder.push(...o.modorder);
    lib.push(...o.lib);
  };
  if (tree.isFile('Kbuild')) take(walker.visit('.', env, true, true, { file: 'Kbuild', line: 1, col: 1 }));
  // pre-6.1 layout: directories named by the top Makefile's core-y/drivers-y/libs-y (and friends)
  for (const v of ['init-y', 'core-y', 'drivers-y', 'net-y', 'libs-y', 'virt-y']) {
    for (const d of words(top.value(v))) {
      const dir = topDir(d);
      if (dir === undefined || walker.visited.includes(dir)) continue;
      take(walker.visit(dir, env, true, true, rootSpan));
    }
  }
  for (const dir of vmlinuxDirs) if (!walker.visited.includes(dir)) take(walker.visit(dir, env, true, true, rootSpan));
  // lib.a objects of linked library directories that the walk above did not reach through obj-y
  for (const dir of libDirs) if (!walker.visited.includes(dir)) take(walker.visit(dir, env, true, true, rootSpan));

  // head objects go first (6.1: scripts/head-object-list.txt moves them to the front of vmlinux.a; older: head-y)
  const heads = new Set([...words(top.value('head-y')), ...headObjectList(tree)]);
  const order: string[] = [];
  const seen = new Set<string>();
  const push = (o: string): void => {
    if (seen.has(o)) return;
    const bo = walker.objects.get(o);
    if (!bo) return;
    seen.add(o);
    order.push(o);
  };
  for (const o of [...builtin, ...walker.extra]) {
    if (!heads.has(o)) continue;
    const bo = walker.objects.get(o);
    if (bo) bo.builtin = true;
    push(o);
  }
  for (const o of builtin) push(o);
  // then the lib.a of each libs-y directory, in libs-y order (6.1 with MODULES: inside vmlinux.a; without: linked
  // as archives, members only when referenced — BuiltObject.lib says so)
  for (const d of libDirs) for (const o of walker.libByDir.get(d) ?? []) if (walker.objects.get(o)?.builtin) push(o);
  void lib;

  const graph: ObjectGraph = {
    arch: config.arch,
    objects: walker.objects,
    modules: [...new Set(modorder)].map((m) => walker.modules.get(m)).filter((m) => m !== undefined),
    builtin: order,
    prepare: prepareRules(top, walker, env),
    generated: walker.generated,
    top: Object.fromEntries(TOP_VARS.map((v) => [v, top.value(v)])),
  };
  return {
    graph,
    diagnostics: host.diagnostics,
    stats: {
      directories: walker.visited.length,
      probes: host.probes,
      unanswered: host.unanswered,
      shells: host.unansweredShells,
      top: Object.fromEntries(['KBUILD_CPPFLAGS', 'KBUILD_CFLAGS', 'KBUILD_AFLAGS', 'KBUILD_LDFLAGS', 'CC', 'LD'].map((v) => [v, top.value(v)])),
      topSeconds,
      walkSeconds: (performance.now() - t1) / 1000,
    },
  };
}

function headObjectList(tree: KernelTree): string[] {
  const t = tree.tryReadText('scripts/head-object-list.txt');
  if (t === undefined) return [];
  return t
    .split('\n')
    .map((l) => l.replace(/#.*/, '').trim())
    .filter((l) => l !== '');
}

