import type { LinkResult, UnitFacts } from '../core/facts.js';
import type { CompileCommand, ObjectGraph } from '../core/graph.js';
import type { Footprint, TokenStream } from '../core/tokens.js';
import type { Config, ConfigBase, Diagnostic } from '../core/types.js';
import type { GeneratedSet } from '../cpp/include.js';
import type { KernelTree } from '../tree/tree.js';

/**
 * The pipeline stages as the engine sees them. `defaultStages()` (src/engine/default-stages.ts) wires the real
 * implementations; tests may substitute single stages.
 */
export interface KconfigHandle {
  diagnostics: Diagnostic[];
}

export interface PreprocessOutput {
  tokens: TokenStream;
  footprint: Footprint;
  includes: string[];
  diagnostics: Diagnostic[];
  gaps: string[];
}

/** The generated files of one configuration, and what making them said (B020/B021 diagnostics, named gaps). */
export interface PrepareOutput {
  generated: GeneratedSet;
  diagnostics: Diagnostic[];
  gaps: string[];
  /** the tree files the generated files were made from (generator inputs, offsets units and their headers) */
  reads?: string[];
}

/** What the target compiler predefines for one command line (macros, __has_attribute/__has_builtin answers). */
export interface CompilerView {
  macros: Map<string, string>;
  attributes: Map<string, number>;
  builtins: Map<string, number>;
  gaps: string[];
}

export interface Stages<K extends KconfigHandle = KconfigHandle> {
  loadKconfig(tree: KernelTree, arch: string): K;
  resolveConfig(model: K, base: ConfigBase | undefined, overrides: Record<string, string>): { config: Config; diagnostics: Diagnostic[] };
  autoconf(model: K, config: Config): string;
  evalKbuild(tree: KernelTree, config: Config): { graph: ObjectGraph; diagnostics: Diagnostic[] };
  compiler(arch: string, cmd: CompileCommand): CompilerView;
  /**
   * What kbuild would generate for the configuration before compiling (src/prepare): served to the preprocessor
   * where the tree (and the objtree) lack it. Optional: stages without it give the units no generated files.
   */
  prepare?(tree: KernelTree, config: Config, graph: ObjectGraph, autoconf: string): PrepareOutput;
  preprocess(
    tree: KernelTree,
    file: string,
    opts: { cmd: CompileCommand; autoconf: string; compiler: CompilerView; generated?: GeneratedSet; memo?: boolean },
  ): PreprocessOutput;
  extractFacts(
    ts: TokenStream,
    unit: { object: string; source: string; language: 'c' | 'assembler-with-cpp'; module?: string; arch: string; flags: readonly string[]; perTaskStackProtector?: boolean },
  ): UnitFacts;
  resolveLink(graph: ObjectGraph, facts: ReadonlyMap<string, UnitFacts>): LinkResult;
}
