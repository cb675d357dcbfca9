import type { UnitFacts } from '../core/facts.js';
import type { CompileCommand } from '../core/graph.js';
import type { Footprint } from '../core/tokens.js';
import type { Diagnostic } from '../core/types.js';

/**
 * Results of one translation unit, reusable for any configuration that compiles the object with the same command
 * and agrees with `footprint` (every externally supplied macro the preprocessing consulted, with the value seen).
 */
export interface CachedUnit {
  footprint: Footprint;
  facts: UnitFacts;
  diagnostics: Diagnostic[];
  gaps: string[];
  includes: string[];
}

/** Values of the externally supplied macros in one configuration: name -> replacement text, null when undefined. */
export type MacroEnv = (name: string) => string | null;

export class UnitCache {
  private readonly byKey = new Map<string, CachedUnit[]>();
  hits = 0;
  misses = 0;

  static key(object: string, cmd: CompileCommand): string {
    return object + '\0' + JSON.stringify(cmd);
  }

  lookup(key: string, env: MacroEnv): CachedUnit | undefined {
    for (const c of this.byKey.get(key) ?? []) {
      let same = true;
      for (const [name, seen] of c.footprint) {
        if (env(name) !== seen) {
          same = false;
          break;
        }
      }
      if (same) {
        this.hits++;
        return c;
      }
    }
    this.misses++;
    return undefined;
  }

  store(key: string, unit: CachedUnit): void {
    const list = this.byKey.get(key);
    if (list) list.push(unit);
    else this.byKey.set(key, [unit]);
  }
}

/** Parse autoconf.h text into name -> value (the text after the name, trimmed). */
export function parseAutoconf(text: string): Map<string, string> {
  const m = new Map<string, string>();
  for (const line of text.split('\n')) {
    const r = /^#define\s+([A-Za-z_][A-Za-z0-9_]*)\s*(.*)$/.exec(line);
    if (r) m.set(r[1]!, r[2]!.trim());
  }
  return m;
}

/**
 * The macro environment a unit sees before its first line: the compiler's predefined macros, then the command
 * line's -D/-U in order, then autoconf.h (forced through kconfig.h).
 */
export function macroEnv(predefined: Map<string, string>, cmd: CompileCommand, autoconf: Map<string, string>): MacroEnv {
  const cmdline = new Map<string, string | null>();
  for (const [name, value] of cmd.defines) cmdline.set(name, value);
  return (name) => {
    const a = autoconf.get(name);
    if (a !== undefined) return a;
    if (cmdline.has(name)) return cmdline.get(name)!;
    return predefined.get(name) ?? null;
  };
}
