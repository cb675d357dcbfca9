import type { Span } from '../../core/types.js';

/** What the make evaluator asks of its surroundings: files, globbing, and the answers it must not compute itself. */
export interface MakeHost {
  /**
   * Text of an included makefile named `path` (already expanded, as written: absolute, or relative to the make's
   * working directory). `display` is how spans name it (tree-relative where possible). undefined when missing.
   */
  readMakefile(path: string): { text: string; display: string } | undefined;
  /** $(wildcard) of one pattern: the matching paths, spelled like the pattern */
  wildcard(pattern: string): string[];
  /**
   * A `$(call NAME,…)` of a variable whose real definition would run a program (cc-option, as-instr, …): return its
   * value from a toolchain profile, or undefined to evaluate the tree's own definition.
   */
  callHook?(name: string, args: string[], span: Span): string | undefined;
  /** $(shell …) and `!=`: the answer, or undefined when it is not executed (the default) */
  shell?(command: string, span: Span): string | undefined;
  /** a diagnostic from evaluation */
  report(code: MakeDiagCode, message: string, span: Span): void;
  /** run fn with reports (and unanswered-$(shell) counts) suppressed: expanding a recipe is not evaluating a makefile */
  quietly?<T>(fn: () => T): T;
  /** $(info) / $(warning) text, if anyone wants it */
  message?(kind: 'info' | 'warning', text: string, span: Span): void;
}

/**
 * Codes of make-level findings (the B family, Kbuild):
 * - B001 `$(shell …)` or `!=` not executed (its value is taken as empty)
 * - B002 included makefile missing
 * - B003 makefile syntax error (missing separator, unterminated conditional or define, stray else/endif)
 * - B004 `$(error …)` reached
 * - B005 recursive variable references itself / expansion limit
 * - B006 a try-run style probe answered by no toolchain profile
 * - B007 a recipe changes variables with $(eval …) when it runs (kvlint runs no recipe)
 */
export type MakeDiagCode = 'B001' | 'B002' | 'B003' | 'B004' | 'B005' | 'B006' | 'B007';
