/**
 * Output formats (CLI.md `--format`). Each is a pure function of (diagnostics, run summary, options) returning the
 * whole output text; nothing here prints. The diagnostics arrive merged across configurations, in the order to show.
 *
 *   import { format } from '../report/index.js';
 *   io.stdout(format(argv.format ?? 'stylish', diagnostics, summary, { color: argv.color ?? io.isTTY, toolVersion: toolVersion() }));
 *
 * `finishRun` (run.ts) does the whole end of a check: settings, baseline, format, exit code.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { packageRoot } from '../tree/tree.js';

export type { BaselineSummary, FormatName, FormatOptions, RuleDoc, RunSummary } from './types.js';
export { FORMAT_NAMES, format, isFormatName } from './format.js';
export { formatGcc } from './gcc.js';
export { formatGithub, escapeData, escapeProperty } from './github.js';
export { formatJson, toJsonReport, JSON_SCHEMA_VERSION, type JsonReport } from './json.js';
export { formatSarif, toSarif } from './sarif.js';
export { formatStylish } from './stylish.js';
export { finishRun, repoPathPrefix, type FinishInput, type FinishResult } from './run.js';

let cachedVersion: string | undefined;
/** kvlint's own version (package.json), for FormatOptions.toolVersion. */
export function toolVersion(): string {
  cachedVersion ??= (JSON.parse(fs.readFileSync(path.join(packageRoot(), 'package.json'), 'utf8')) as { version: string }).version;
  return cachedVersion;
}
