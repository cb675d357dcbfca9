/**
 * Answers to the questions Makefiles ask the toolchain (cc-option, as-instr, ld-option, …), so that Kbuild can be
 * evaluated without running anything. The Kconfig stage owns the real toolchain profiles (src/toolchain, in
 * progress); until that lands this is a small interface plus one measured table per known compiler.
 */
export interface ToolchainProfile {
  name: string;
  /** CROSS_COMPILE as kbuild sees it, e.g. "arm-linux-gnueabihf-" */
  crossCompile: string;
  /** 'gcc' or 'clang' (CONFIG_CC_IS_GCC comes from Kconfig; this is only for Makefiles that test $(CC) itself) */
  compiler: 'gcc' | 'clang';
  /**
   * Does `$(CC) -Werror <flags> -c -x c /dev/null` succeed? (cc-option, cc-option-yn, cc-disable-warning as -W<x>).
   * undefined: the profile does not know.
   */
  ccAccepts(flags: string): boolean | undefined;
  /** as-option: the assembler driver accepts the flags */
  asAccepts(flags: string): boolean | undefined;
  /** as-instr: the assembler accepts the instruction text */
  asInstr(text: string): boolean | undefined;
  /** ld-option */
  ldAccepts(flags: string): boolean | undefined;
  /** try-run: does this shell command (as the Makefile wrote it, $$TMP as $TMP) succeed? */
  runSucceeds?(command: string): boolean | undefined;
  /**
   * $(shell …) of a compiler query (e.g. `$(CC) -print-file-name=include`): its output as make would see it
   * (newlines as spaces), or undefined. Never other commands.
   */
  shellOutput?(command: string): string | undefined;
}

/** A profile from a table of measured answers (key: the flags exactly as passed, whitespace-normalised). */
export class TableProfile implements ToolchainProfile {
  constructor(
    readonly name: string,
    readonly crossCompile: string,
    readonly compiler: 'gcc' | 'clang',
    private readonly table: {
      cc: Record<string, boolean>;
      as: Record<string, boolean>;
      instr: Record<string, boolean>;
      ld: Record<string, boolean>;
      run?: Record<string, boolean>;
      shell?: Record<string, string>;
    },
  ) {}

  ccAccepts(flags: string): boolean | undefined {
    return this.table.cc[norm(flags)];
  }
  asAccepts(flags: string): boolean | undefined {
    return this.table.as[norm(flags)];
  }
  asInstr(text: string): boolean | undefined {
    return this.table.instr[norm(text)];
  }
  ldAccepts(flags: string): boolean | undefined {
    return this.table.ld[norm(flags)];
  }
  runSucceeds(command: string): boolean | undefined {
    return this.table.run?.[norm(command)];
  }
  shellOutput(command: string): string | undefined {
    return this.table.shell?.[norm(command)];
  }
}

export function norm(s: string): string {
  return s.trim().split(/\s+/).join(' ');
}
