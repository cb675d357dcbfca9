import * as fs from 'node:fs';
import * as path from 'node:path';
import { InputError } from '../core/errors.js';
import type { Diagnostic } from '../core/types.js';

/**
 * Baselines (`--write-baseline FILE`, `--baseline FILE`): the findings a tree already has, so that a CI gate fails
 * only on new ones. Findings are matched by fingerprint — code + subject (module, symbol, …), never a line number —
 * so moving code does not make a known finding new. Each entry counts how many findings share its fingerprint; more
 * than that many now means the surplus is new.
 *
 * File format (stable; entries sorted by fingerprint so the file diffs well; no timestamps):
 * ```json
 * {
 *   "kvlintBaseline": 1,
 *   "entries": [
 *     { "fingerprint": "X001:drivers/staging/zsmalloc/zsmalloc:v7wbi_flush_kern_tlb_range", "code": "X001",
 *       "count": 1, "message": "\"v7wbi_flush_kern_tlb_range\" [drivers/staging/zsmalloc/zsmalloc.ko] undefined!",
 *       "file": "drivers/staging/zsmalloc/zsmalloc-main.c" }
 *   ]
 * }
 * ```
 * `message` and `file` are for people reading the file (and for reporting stale entries); only `fingerprint` and
 * `count` take part in matching.
 */
export const BASELINE_VERSION = 1;

export interface BaselineEntry {
  fingerprint: string;
  code: string;
  count: number;
  message: string;
  file: string;
}

export interface Baseline {
  version: number;
  entries: BaselineEntry[];
}

export interface BaselineResult {
  /** findings the baseline does not know: these are reported and decide the exit code */
  new: Diagnostic[];
  /** findings the baseline knows */
  known: Diagnostic[];
  /** baseline entries (or the unmatched part of their count) not found any more: fixed */
  stale: BaselineEntry[];
}

/** A baseline of the given findings. */
export function createBaseline(diags: readonly Diagnostic[]): Baseline {
  const byFp = new Map<string, BaselineEntry>();
  for (const d of diags) {
    const e = byFp.get(d.fingerprint);
    if (e) e.count++;
    else byFp.set(d.fingerprint, { fingerprint: d.fingerprint, code: d.code, count: 1, message: d.message, file: d.primary.file });
  }
  return { version: BASELINE_VERSION, entries: [...byFp.values()].sort(byFingerprint) };
}

/** Split a run's findings into new and known, and list what the baseline has that the run does not. */
export function applyBaseline(baseline: Baseline, diags: readonly Diagnostic[]): BaselineResult {
  const left = new Map(baseline.entries.map((e) => [e.fingerprint, e.count]));
  const out: BaselineResult = { new: [], known: [], stale: [] };
  for (const d of diags) {
    const n = left.get(d.fingerprint) ?? 0;
    if (n > 0) {
      left.set(d.fingerprint, n - 1);
      out.known.push(d);
    } else {
      out.new.push(d);
    }
  }
  for (const e of baseline.entries) {
    const n = left.get(e.fingerprint) ?? 0;
    if (n > 0) out.stale.push({ ...e, count: n });
  }
  return out;
}

/** The file text: stable key order, entries sorted, two-space indentation, final newline. */
export function serializeBaseline(b: Baseline): string {
  const entries = [...b.entries].sort(byFingerprint).map((e) => ({
    fingerprint: e.fingerprint,
    code: e.code,
    count: e.count,
    message: e.message,
    file: e.file,
  }));
  return JSON.stringify({ kvlintBaseline: b.version, entries }, null, 2) + '\n';
}

/** Parse a baseline file's text; `file` names it in errors. Unknown versions and malformed entries are InputErrors. */
export function parseBaseline(text: string, file: string): Baseline {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new InputError(`${file} is not a kvlint baseline: ${(e as Error).message}`, { file, line: 1, col: 1 });
  }
  const fail = (why: string): never => {
    throw new InputError(`${file} is not a kvlint baseline: ${why}`, { file, line: 1, col: 1 });
  };
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) fail('expected a JSON object');
  const o = doc as Record<string, unknown>;
  if (!('kvlintBaseline' in o)) fail(`no "kvlintBaseline" version key (write one with --write-baseline)`);
  if (o.kvlintBaseline !== BASELINE_VERSION) {
    fail(`version ${JSON.stringify(o.kvlintBaseline)} is not supported (this kvlint reads version ${BASELINE_VERSION})`);
  }
  for (const k of Object.keys(o)) if (k !== 'kvlintBaseline' && k !== 'entries') fail(`unknown key '${k}'`);
  if (!Array.isArray(o.entries)) fail(`"entries" must be a list`);
  const seen = new Set<string>();
  const entries = (o.entries as unknown[]).map((raw, i) => {
    if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return fail(`entries[${i}] must be an object`);
    const e = raw as Record<string, unknown>;
    for (const k of Object.keys(e)) {
      if (!['fingerprint', 'code', 'count', 'message', 'file'].includes(k)) fail(`entries[${i}]: unknown key '${k}'`);
    }
    if (typeof e.fingerprint !== 'string' || e.fingerprint === '') fail(`entries[${i}].fingerprint must be a non-empty string`);
    if (typeof e.code !== 'string') fail(`entries[${i}].code must be a string`);
    if (typeof e.count !== 'number' || !Number.isInteger(e.count) || e.count < 1) fail(`entries[${i}].count must be a positive integer`);
    if (seen.has(e.fingerprint as string)) fail(`entries[${i}]: fingerprint ${String(e.fingerprint)} appears twice`);
    seen.add(e.fingerprint as string);
    return {
      fingerprint: e.fingerprint as string,
      code: e.code as string,
      count: e.count as number,
      message: typeof e.message === 'string' ? e.message : '',
      file: typeof e.file === 'string' ? e.file : '',
    };
  });
  return { version: BASELINE_VERSION, entries };
}

function byFingerprint(a: BaselineEntry, b: BaselineEntry): number {
  return a.fingerprint < b.fingerprint ? -1 : a.fingerprint > b.fingerprint ? 1 : 0;
}

/** Read a baseline file (a path the user gave: absolute, or relative to `cwd`). Missing or malformed: InputError. */
export function readBaselineFile(file: string, cwd = process.cwd()): Baseline {
  let text: string;
  try {
    text = fs.readFileSync(path.resolve(cwd, file), 'utf8');
  } catch (e) {
    throw new InputError(`cannot read baseline ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message} (create it with --write-baseline ${file})`);
  }
  return parseBaseline(text, file);
}

/** Write a baseline file (the user asked for it with --write-baseline; an output file, like -o). */
export function writeBaselineFile(file: string, b: Baseline, cwd = process.cwd()): void {
  try {
    fs.writeFileSync(path.resolve(cwd, file), serializeBaseline(b));
  } catch (e) {
    throw new InputError(`cannot write baseline ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}
