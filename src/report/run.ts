import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Diagnostic } from '../core/types.js';
import { applySettings } from '../settings/apply.js';
import { type Baseline, applyBaseline, createBaseline } from '../settings/baseline.js';
import type { Settings } from '../settings/types.js';
import { format } from './format.js';
import type { FormatName, FormatOptions, RunSummary } from './types.js';

/**
 * The end of a `check` run, in one call: the user's severities and ignores, the baseline, the chosen format and the
 * exit code. Pure: the caller reads and writes files and prints.
 *
 *   const r = finishRun({ diagnostics: merged, settings, summary, format: 'stylish', formatOptions, baseline });
 *   io.stdout(r.output); for (const w of r.warnings) io.stderr(`kvlint: ${w}\n`);
 *   if (argv.writeBaseline) writeBaselineFile(argv.writeBaseline, r.newBaseline, io.cwd);
 *   ctx.exitCode = r.exitCode;
 */
export interface FinishInput {
  /** the run's findings, merged across configurations, in report order */
  diagnostics: readonly Diagnostic[];
  settings: Settings;
  /** configurations checked, units, time; `ignored` and `baseline` are filled in here */
  summary: RunSummary;
  format: FormatName;
  formatOptions?: FormatOptions;
  /** --baseline FILE: the parsed file and its name as the user wrote it */
  baseline?: { file: string; data: Baseline };
  /**
   * The run looked at part of the tree only (--staged, --since): then a baseline entry or an ignore that matched
   * nothing says nothing about the tree, so neither is reported as stale/unused.
   */
  partial?: boolean;
}

export interface FinishResult {
  /** the formatted report */
  output: string;
  /** 0: nothing at error severity among the reported findings; 1: errors */
  exitCode: 0 | 1;
  /** one line each, for stderr (unused ignores) */
  warnings: string[];
  /** what --write-baseline would write: every finding after severities and ignores (known ones included) */
  newBaseline: Baseline;
  /** the findings reported (after settings and baseline) */
  reported: Diagnostic[];
}

export function finishRun(input: FinishInput): FinishResult {
  const applied = applySettings(input.settings, input.diagnostics);
  const summary: RunSummary = { ...input.summary, ignored: applied.ignored.length };
  let reported = applied.diagnostics;
  if (input.baseline) {
    const b = applyBaseline(input.baseline.data, applied.diagnostics);
    reported = b.new;
    summary.baseline = { file: input.baseline.file, known: b.known.length, stale: input.partial ? [] : b.stale };
  }
  const warnings: string[] = [];
  if (!input.partial) {
    for (const e of applied.unusedIgnores) {
      const what = [e.path && `path ${e.path}`, e.module && `module ${e.module}`, e.symbol && `symbol ${e.symbol}`].filter(Boolean).join(', ');
      warnings.push(`${e.span.file}:${e.span.line}: ignore of ${e.code} (${what}) matched nothing in this run; remove it if the problem is gone`);
    }
  }
  return {
    output: format(input.format, reported, summary, input.formatOptions ?? {}),
    exitCode: reported.some((d) => d.severity === 'error') ? 1 : 0,
    warnings,
    newBaseline: createBaseline(applied.diagnostics),
    reported,
  };
}

/**
 * FormatOptions.pathPrefix for the github format: the tree's place in the git work tree that contains it ('' when
 * the tree is the repository root, or not inside one). Annotations name files relative to the repository root; every
 * other format prints the tree-relative paths kbuild and modpost print, wherever kvlint runs from.
 */
export function repoPathPrefix(treeRoot: string, exists: (p: string) => boolean = fs.existsSync): string {
  for (let dir = path.resolve(treeRoot); ; ) {
    if (exists(path.join(dir, '.git'))) return path.relative(dir, path.resolve(treeRoot)).split(path.sep).join('/');
    const up = path.dirname(dir);
    if (up === dir) return '';
    dir = up;
  }
}
