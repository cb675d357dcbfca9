import type { KernelTree } from '../tree/tree.js';

/**
 * The Kconfig language and conf behaviour a tree's own scripts/kconfig implements. Kernel trees carry their
 * configurator, and it changed over the releases (3.x's stateful lexer and `$SYM` expansion, 4.18's macro
 * language, the `# end of` lines of 5.x, …): kvlint follows the one the tree has, decided from the tree itself —
 * the files and features present in its scripts/kconfig — never from a flag.
 *
 * Eras, by what they do (the releases measured against their own conf: 3.7.2, 3.8.13, 4.19.1, 5.10.7, 6.1.192):
 *   'classic' — 3.x to 4.17: gperf keywords, COMMAND/PARAM lexer states, `$SYM` expanded in `source` and `mainmenu`,
 *               `option env=`, conf --silentoldconfig writes autoconf.h
 *   'macro'   — 4.18 and later: the $(…) macro language (preprocess.c)
 */
export interface KconfigDialect {
  /** the $(…) macro language of scripts/kconfig/preprocess.c (4.18+) */
  macros: boolean;
  /** `$SYM` replaced by the symbol's value in `source` paths and the `mainmenu` text (sym_expand_string_value) */
  symbolExpansion: boolean;
  /**
   * keywords depend on the position in the line (COMMAND/PARAM lexer states, zconf.l): a statement keyword only
   * first on its line, `if`/`on` after it; words may hold '/' and '.', prompts and paths need no quotes (≤4.19)
   */
  stateful: boolean;
  /** the first word of a line may not hold '-' (3.x: `{n}+` with n = [A-Za-z0-9_]) */
  commandWordNoDash: boolean;
  /** characters the lexer does not know are dropped without a word (3.x) */
  silentUnknownChars: boolean;
  /** `boolean` as a type keyword (3.x) */
  booleanKeyword: boolean;
  /** `imply` and the relational operators < <= > >= (4.x+) */
  imply: boolean;
  relational: boolean;
  /** `NAME := value` variable assignments (macro trees) */
  assignments: boolean;
  /** `option env="VAR"`: 'symbol' (3.x: the symbol defaults to the variable), 'warning' (4.18, 4.19), 'error' */
  optionEnv: 'symbol' | 'warning' | 'error';
  /** the default title when the tree has no mainmenu */
  defaultTitle: string;
  /** the lexer warns about a file whose last line has no newline (not 3.x, 4.19) */
  warnNoNewline: boolean;
  /** the parser warns about blank and repeated help texts (4.19+) */
  warnHelpText: boolean;
  /**
   * `# end of MENU` lines in .config: none (≤4.x), when climbing out of a visible menu (5.x), also after a menu
   * without children and only for menus (6.1)
   */
  endOfMenu: 'none' | 'climb' | 'menu';
  /** autoconf.h's header comment has an empty ` *` line before and after (header_print_comment, ≤5.x) */
  autoconfHeaderStars: boolean;
  /** include/config/auto.conf strings quoted and escaped (≤5.x; 6.1 writes them raw) */
  autoConfQuoted: boolean;
  /**
   * a bool/tristate symbol is written as soon as a default applies, even one that is n (3.x: invisible symbols with
   * `default n` appear as `# CONFIG_X is not set`); later only for a default that is not n
   */
  writeDefaultN: boolean;
  /** the `option defconfig_list` symbol is written to .config and autoconf.h (3.x) */
  writeDefconfigList: boolean;
  /** no `option modules`: the modules symbol is an anonymous one defaulting to MODULES (3.x) */
  modulesProxy: boolean;
  /** a recursive dependency stops conf (4.x+); 3.x prints it and goes on */
  recursiveFatal: boolean;
  /**
   * menu_finalize's expr_trans_bool (≤5.x): in every property condition of a symbol that is not tristate, a
   * tristate `X != n` becomes `X` — a select or imply from a bool symbol under `if X != n` gives m when X is m
   */
  transBool: boolean;
  /**
   * imply as 4.x has it: the implied value counts only while the direct dependencies are not n, is not bounded by
   * them, and makes an m (even a user's) y when it is y; from 5.x it is bounded by the dependencies and promotes nothing
   */
  impliedPromotes: boolean;
}

const CLASSIC_3: KconfigDialect = {
  macros: false,
  symbolExpansion: true,
  stateful: true,
  commandWordNoDash: true,
  silentUnknownChars: true,
  booleanKeyword: true,
  imply: false,
  relational: false,
  assignments: false,
  optionEnv: 'symbol',
  defaultTitle: 'Linux Kernel Configuration',
  warnNoNewline: false,
  warnHelpText: false,
  endOfMenu: 'none',
  autoconfHeaderStars: true,
  autoConfQuoted: true,
  writeDefaultN: true,
  writeDefconfigList: true,
  modulesProxy: true,
  recursiveFatal: false,
  transBool: true,
  impliedPromotes: false,
};

/** 6.1: what src/kconfig was written for */
export const DIALECT_6_1: KconfigDialect = {
  macros: true,
  symbolExpansion: false,
  stateful: false,
  commandWordNoDash: false,
  silentUnknownChars: false,
  booleanKeyword: false,
  imply: true,
  relational: true,
  assignments: true,
  optionEnv: 'error',
  defaultTitle: 'Main menu',
  warnNoNewline: true,
  warnHelpText: true,
  endOfMenu: 'menu',
  autoconfHeaderStars: false,
  autoConfQuoted: false,
  writeDefaultN: false,
  writeDefconfigList: false,
  modulesProxy: false,
  recursiveFatal: true,
  transBool: false,
  impliedPromotes: false,
};

const cache = new WeakMap<KernelTree, KconfigDialect>();

/** The dialect of the tree's scripts/kconfig (a tree without one, e.g. a test fixture, speaks 6.1's). */
export function dialectOf(tree: KernelTree): KconfigDialect {
  let d = cache.get(tree);
  if (d) return d;
  d = detect(tree);
  cache.set(tree, d);
  return d;
}

function detect(tree: KernelTree): KconfigDialect {
  const k = 'scripts/kconfig';
  const has = (f: string) => tree.isFile(`${k}/${f}`);
  const text = (f: string) => tree.tryReadText(`${k}/${f}`) ?? '';
  if (!tree.isDir(k)) return DIALECT_6_1;
  const macros = has('preprocess.c');
  const confdata = text('confdata.c');
  const symbol = text('symbol.c');
  const conf = {
    transBool: /expr_trans_bool\(/.test(text('menu.c')),
    impliedPromotes: /implied\.tri == yes/.test(symbol),
  };
  const output = {
    endOfMenu: !confdata.includes('# end of') ? ('none' as const) : confdata.includes('end_check') ? ('menu' as const) : ('climb' as const),
    autoconfHeaderStars: !confdata.includes('print_symbol_for_autoconf'),
    autoConfQuoted: !confdata.includes('print_symbol_for_autoconf'),
  };
  // the lexer: zconf.l with COMMAND/PARAM states (≤4.19) or the flat lexer.l (5.x+)
  const lex = has('zconf.l') ? text('zconf.l') : text('lexer.l');
  const stateful = /<COMMAND>/.test(lex) && /<PARAM>/.test(lex);
  if (!macros) {
    // before 4.18: the 3.x language (gperf keyword table with `boolean`; no imply before 4.10, no relations before 4.1)
    const kw = text('zconf.gperf');
    return {
      ...CLASSIC_3,
      booleanKeyword: /^boolean,/m.test(kw),
      imply: /^imply,/m.test(kw),
      relational: /"<="/.test(lex),
      commandWordNoDash: !/^n\s+\[A-Za-z0-9_-\]/m.test(lex),
      warnNoNewline: /no new line at end of file/.test(lex),
      warnHelpText: /blank help text/.test(text('zconf.y')),
      ...output,
      ...conf,
    };
  }
  return {
    ...DIALECT_6_1,
    stateful,
    commandWordNoDash: false,
    // 4.18/4.19 (kconf_id.c): an unknown `option` is a warning; the 5.x grammar knows only its three
    optionEnv: has('kconf_id.c') ? 'warning' : 'error',
    warnNoNewline: /no new line at end of file/.test(lex),
    warnHelpText: /blank help text/.test(text('zconf.y') + text('parser.y')),
    ...output,
    ...conf,
  };
}
