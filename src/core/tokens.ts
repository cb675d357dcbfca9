import type { Span, TraceStep } from './types.js';

/**
 * Contract between the preprocessor (src/cpp) and its consumers (src/c facts, `kvlint cpp`): the token stream of a
 * preprocessed translation unit. Accessors rather than objects, so that the preprocessor may store tokens columnar
 * (typed arrays) without the consumers knowing.
 */
export const enum TokKind {
  Ident = 1,
  Number = 2,
  String = 3, // "..." (any prefix: L, u8, …)
  Char = 4, // '...'
  Punct = 5,
  Other = 6, // stray characters (assembler-with-cpp lets them through)
  Newline = 7, // only in assembler mode, where lines are statements
}

export interface TokenStream {
  readonly length: number;
  kind(i: number): TokKind;
  text(i: number): string;
  /** where the token's spelling came from (a macro body, a source line), relative to the tree root */
  span(i: number): Span;
  /**
   * where the token stands in the unit: the use site in the main file or a header that the expansion came from
   * (equal to span(i) for tokens not produced by a macro).
   */
  site(i: number): Span;
  /** true if whitespace preceded the token in gcc -E's output (for faithful printing) */
  spaceBefore(i: number): boolean;
  /**
   * The provenance chain of token i, outermost first: the 'use' of the macro at the site, then each 'expand' (macro
   * name and the file:line of its #define), 'paste' for tokens made by ##. Empty for tokens written literally.
   */
  trace(i: number): TraceStep[];
}

/** The CONFIG_* and other macro names whose definedness/value a unit's preprocessing consulted, with what it saw. */
export type Footprint = Map<string, string | null>;
