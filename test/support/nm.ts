import { execFileSync } from 'node:child_process';

/** One object's symbols as `nm` prints them: defined globals (incl. weak), undefined (incl. weak undefined). */
export interface NmSymbols {
  /** global and weak definitions: name -> nm type letter */
  defined: Map<string, string>;
  /** local definitions */
  locals: Set<string>;
  /** undefined: name -> 'U' or 'w'/'v' */
  undefined: Map<string, string>;
}

export function parseNm(out: string): NmSymbols {
  const defined = new Map<string, string>();
  const locals = new Set<string>();
  const undef = new Map<string, string>();
  for (const line of out.split('\n')) {
    const m = /^\s*([0-9a-fA-F]+)?\s+([A-Za-z?-])\s+(\S+)$/.exec(line);
    if (!m) continue;
    const type = m[2]!;
    const name = m[3]!;
    if (type === 'U' || ((type === 'w' || type === 'v') && m[1] === undefined)) undef.set(name, type);
    else if (type === type.toUpperCase() || type === 'w' || type === 'v') defined.set(name, type);
    else locals.add(name);
  }
  return { defined, locals, undefined: undef };
}

export function nm(nmTool: string, file: string): NmSymbols {
  return parseNm(execFileSync(nmTool, [file], { encoding: 'latin1', maxBuffer: 1 << 28 }));
}
