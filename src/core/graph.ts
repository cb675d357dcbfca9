import type { Span } from './types.js';

/**
 * Contract between Kbuild evaluation (src/kbuild) and the later stages: what a configuration builds, where each
 * object goes, and how each is compiled.
 */
export interface CompileCommand {
  /** -I directories in order; tree-relative, or absolute for directories outside the tree (e.g. --objtree) */
  includes: string[];
  /** -isystem / -idirafter style directories searched after `includes` */
  systemIncludes: string[];
  /** -D and -U in command-line order: [name, value] for -D (value '1' when omitted), [name, null] for -U */
  defines: [string, string | null][];
  /** -include files in order (tree-relative or absolute) */
  forcedIncludes: string[];
  /** the other compiler flags that influence predefined macros (-march=, -mthumb, -std=, -O2, …) */
  flags: string[];
  /** 'c' or 'assembler-with-cpp' */
  language: 'c' | 'assembler-with-cpp';
}

export interface BuiltObject {
  /** e.g. "drivers/staging/zsmalloc/zsmalloc-main.o" */
  path: string;
  /** e.g. "drivers/staging/zsmalloc/zsmalloc-main.c"; undefined when no source was found (a named gap) */
  source?: string;
  /** module name (path without .ko, e.g. "drivers/staging/zsmalloc/zsmalloc") or undefined for built-in objects */
  module?: string;
  /** true when the object is linked into vmlinux (obj-y, lib-y, head objects) */
  builtin: boolean;
  /** from lib-y (linked only if referenced) */
  lib?: boolean;
  /** set when the object is not compiled but made from another object by a rule (e.g. objcopy of foo.o) */
  derivedFrom?: string;
  /**
   * the source a build generates (objtree-relative, e.g. crypto/rsapubkey.asn1.c), when `source` is absent: analysed
   * when src/prepare synthesises it
   */
  generatedSource?: string;
  /** the Makefile line that added the object */
  span: Span;
  cmd: CompileCommand;
}

export interface ModuleInfo {
  /** "drivers/staging/zsmalloc/zsmalloc" (the .ko without its suffix, as in modules.order) */
  name: string;
  /** member objects in link order */
  objects: string[];
  span: Span;
}

export interface ObjectGraph {
  arch: string;
  /** every object compiled in this configuration (built-in and module members), keyed by path */
  objects: Map<string, BuiltObject>;
  /** modules in modules.order order */
  modules: ModuleInfo[];
  /** built-in objects in link order */
  builtin: string[];
  /** what `make prepare` generates, in the order make makes it (src/kbuild/prepare.ts); absent for old caches */
  prepare?: GenerateRule[];
  /** what the visited directories' own rules generate while building (lib/crc32table.h, *.asn1.h, …) */
  generated?: GenerateRule[];
  /** values of the top Makefile the generated files are made of (VERSION, PATCHLEVEL, UTS_MACHINE, …) */
  top?: Record<string, string>;
}

/**
 * A file kbuild makes by running a command before (or while) it compiles: found by following the `prepare` goal
 * of the tree's own Makefiles (src/kbuild/prepare.ts). src/prepare synthesises its content where kvlint knows the
 * command; where it does not, the file is a named gap.
 */
export interface GenerateRule {
  /** the file made, objtree-relative (e.g. include/generated/bounds.h) */
  target: string;
  /** how the recipe runs the command: `$(call filechk,NAME,…)` or `$(call if_changed|cmd|…,NAME)` */
  kind: 'filechk' | 'cmd';
  /** the command's name: filechk_NAME / cmd_NAME */
  name: string;
  /** extra arguments of `$(call filechk,NAME,ARG…)` */
  args: string[];
  /**
   * the command as make expands it for this target ($@, $<, $*, target-specific variables applied); for filechk
   * commands the definition as written (their $(shell …) parts are never expanded)
   */
  command: string;
  /** prerequisites as make spells them (FORCE dropped), objtree-relative or under $(srctree) */
  prereqs: string[];
  /** the directory whose make process has the rule ('.' for the top Makefile and the top Kbuild) */
  dir: string;
  span: Span;
  /** for kbuild's own `%.s: %.c` (asm-offsets.s, bounds.s): the C source and its compile command */
  source?: string;
  cmd?: CompileCommand;
}
