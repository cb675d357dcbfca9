import type { Diagnostic } from '../core/types.js';
import { formatGcc } from './gcc.js';
import { formatGithub } from './github.js';
import { formatJson } from './json.js';
import { formatSarif } from './sarif.js';
import { formatStylish } from './stylish.js';
import type { FormatName, FormatOptions, RunSummary } from './types.js';

type Formatter = (diags: readonly Diagnostic[], summary: RunSummary, opts?: FormatOptions) => string;

const FORMATTERS: Record<FormatName, Formatter> = {
  stylish: formatStylish,
  gcc: formatGcc,
  json: formatJson,
  sarif: formatSarif,
  github: formatGithub,
};

/** Names accepted by `--format`, in the order `--help` lists them. */
export const FORMAT_NAMES: readonly FormatName[] = ['stylish', 'gcc', 'json', 'sarif', 'github'];

export function isFormatName(s: string): s is FormatName {
  return (FORMAT_NAMES as readonly string[]).includes(s);
}

/** Render diagnostics in the named format. */
export function format(name: FormatName, diags: readonly Diagnostic[], summary: RunSummary, opts: FormatOptions = {}): string {
  const f = FORMATTERS[name];
  if (!f) throw new Error(`unknown format '${String(name)}' (known: ${FORMAT_NAMES.join(', ')})`);
  return f(diags, summary, opts);
}
