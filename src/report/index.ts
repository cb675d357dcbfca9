/**
 * Output formats (CLI.md `--format`). Each is a pure function of (diagnostics, run summary, options) returning the
 * whole output text; nothing here prints. The diagnostics arrive merged across configurations, in the order to show.
 *
 *   import { format } from '../report/index.js';
 *   io.stdout(format(argv.format ?? (io.isTTY ? 'stylish' : 'gcc'), diagnostics, summary, { color, toolVersion }));
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Diagnostic } from '../core/types.js';
import { packageRoot } from '../tree/tree.js';
import { formatGcc } from './gcc.js';
import { formatGithub } from './github.js';
import { formatJson } from './json.js';
import { formatSarif } from './sarif.js';
import { formatStylish } from './stylish.js';
import type { FormatName, FormatOptions, RunSummary } from './types.js';

export type { BaselineSummary, FormatName, FormatOptions, RuleDoc, RunSummary } from './types.js';
export { formatGcc, formatGithub, formatJson, formatSarif, formatStylish };
export { toJsonReport, JSON_SCHEMA_VERSION } from './json.js';
export { toSarif } from './sarif.js';

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

let cachedVersion: string | undefined;
/** kvlint's own version (package.json), for FormatOptions.toolVersion. */
export function toolVersion(): string {
  cachedVersion ??= (JSON.parse(fs.readFileSync(path.join(packageRoot(), 'package.json'), 'utf8')) as { version: string }).version;
  return cachedVersion;
}
