import type { OffsetLine } from '../core/facts.js';
import type { CompileCommand, GenerateRule } from '../core/graph.js';
import type { Config, Diagnostic, Span } from '../core/types.js';
import type { GeneratedSet } from '../cpp/include.js';
import type { KernelTree } from '../tree/tree.js';


export type { OffsetLine };

export interface OffsetsResult {
  lines: OffsetLine[];
  diagnostics: Diagnostic[];
}

/**
 * Evaluates an offsets unit the way `gcc -S` + sed-offsets do: preprocess `source` with `cmd` (and the files
 * generated so far), then compute every DEFINE's "i" operand. Supplied by the engine (it needs src/cpp and src/c).
 */
export type OffsetsEvaluator = (source: string, cmd: CompileCommand, generated: GeneratedSet) => OffsetsResult;

export interface PrepareInput {
  tree: KernelTree;
  config: Config;
  /** GenerateRules of the configuration's Kbuild graph (graph.prepare), in make's order */
  rules: GenerateRule[];
  /** what the directories' own rules generate while building (graph.generated): made where kvlint can */
  buildRules?: GenerateRule[];
  /** values of the top Makefile (graph.top) */
  top: Record<string, string>;
  /** how kbuild spells the source tree in commands: '.' in-tree, the absolute path with an objtree */
  srctree: string;
  offsets?: OffsetsEvaluator;
}

export interface PrepareResult {
  set: GeneratedSet;
  /** B020 (a generated file kvlint does not synthesise), B021 (a generator's input is malformed) */
  diagnostics: Diagnostic[];
  /** named gaps: files made with placeholder or missing values */
  gaps: string[];
}

/** What a generator sees: the rule, the tree, the configuration, and the files made before it. */
export interface GenContext {
  rule: GenerateRule;
  tree: KernelTree;
  config: Config;
  top: Record<string, string>;
  srctree: string;
  /** objtree-relative path -> text of what was generated before this rule */
  made: ReadonlyMap<string, string>;
  offsets?: OffsetsEvaluator;
  /** the set of files made so far (what an offsets unit's preprocessing sees) */
  setSoFar(): GeneratedSet;
  /** a problem in the generator's input, at its file:line */
  problem(message: string, at: Span): void;
  /** a diagnostic of a unit the generator analysed (an offsets unit's preprocessor errors) */
  report(d: Diagnostic): void;
  /** the rule that compiles `target` (kernel/bounds.s → kbuild's `%.s: %.c`), if the graph has it */
  compileRule(target: string): GenerateRule | undefined;
  /** a placeholder or missing value in the output: the file is made, the gap is named */
  gap(message: string): void;
  /** another file the same command writes (selinux's genheaders: flask.h and av_permissions.h), objtree-relative */
  also(path: string, text: string): void;
  /** the text of a tree file named by a prerequisite or argument (under $(srctree) or relative), or undefined */
  readInput(p: string): { text: string; file: string } | undefined;
  /** the value of a configuration symbol as autoconf.h has it (strings unquoted), '' when unset */
  configValue(name: string): string;
}

/**
 * A generator: the text of `ctx.rule.target`, or undefined when the rule is not one it makes (another generator
 * of the same command name may, e.g. two versions of one script).
 */
export type Generator = (ctx: GenContext) => string | undefined;
