import type { ConfigRef, Diagnostic, Span, TraceStep } from '../core/types.js';
import { counts } from './common.js';
import type { FormatOptions, RunSummary } from './types.js';

/**
 * Version of the JSON output schema (docs/json-schema.md, docs/kvlint-report.schema.json). Additive changes (new
 * keys) keep the number; removing or changing the meaning of a key bumps it.
 */
export const JSON_SCHEMA_VERSION = 1;

/** The JSON document, as typed data (what `formatJson` serialises). Every key is always present. */
export interface JsonReport {
  version: number;
  tool: { name: 'kvlint'; version: string | null };
  diagnostics: JsonDiagnostic[];
  summary: {
    errors: number;
    warnings: number;
    infos: number;
    configs: JsonConfig[];
    units: number | null;
    durationMs: number | null;
    ignored: number;
    baseline: null | {
      file: string;
      known: number;
      stale: { fingerprint: string; code: string; message: string; file: string }[];
    };
  };
}

export interface JsonSpan {
  file: string;
  line: number;
  col: number;
  endLine: number | null;
  endCol: number | null;
}

export interface JsonConfig {
  id: string;
  arch: string;
  base: string | null;
  label: string;
  overrides: Record<string, string>;
}

export interface JsonDiagnostic {
  code: string;
  rule: string;
  severity: 'error' | 'warning' | 'info';
  message: string;
  fingerprint: string;
  primary: JsonSpan;
  trace: { kind: TraceStep['kind']; label: string; span: JsonSpan | null }[];
  configs: JsonConfig[];
  passing: JsonConfig[];
  witness: Record<string, string> | null;
  help: string | null;
  notes: string[];
  data: Record<string, string>;
}

/** Build the JSON document (exported for consumers that want the object rather than the text). */
export function toJsonReport(diags: readonly Diagnostic[], summary: RunSummary, opts: FormatOptions = {}): JsonReport {
  const c = counts(diags);
  return {
    version: JSON_SCHEMA_VERSION,
    tool: { name: 'kvlint', version: opts.toolVersion ?? null },
    diagnostics: diags.map((d) => ({
      code: d.code,
      rule: d.rule,
      severity: d.severity,
      message: d.message,
      fingerprint: d.fingerprint,
      primary: span(d.primary),
      trace: d.trace.map((s) => ({ kind: s.kind, label: s.label, span: s.span ? span(s.span) : null })),
      configs: d.configs.map(config),
      passing: (d.passing ?? []).map(config),
      witness: d.witness && Object.keys(d.witness).length > 0 ? { ...d.witness } : null,
      help: d.help ?? null,
      notes: [...(d.notes ?? [])],
      data: { ...(d.data ?? {}) },
    })),
    summary: {
      errors: c.error,
      warnings: c.warning,
      infos: c.info,
      configs: summary.configs.map(config),
      units: summary.units ?? null,
      durationMs: summary.durationMs ?? null,
      ignored: summary.ignored ?? 0,
      baseline: summary.baseline
        ? {
            file: summary.baseline.file,
            known: summary.baseline.known,
            stale: summary.baseline.stale.map((e) => ({ fingerprint: e.fingerprint, code: e.code, message: e.message, file: e.file })),
          }
        : null,
    },
  };
}

/** The stable, documented JSON format (CLI.md; docs/json-schema.md). Paths are tree-relative. */
export function formatJson(diags: readonly Diagnostic[], summary: RunSummary, opts: FormatOptions = {}): string {
  return JSON.stringify(toJsonReport(diags, summary, opts), null, 2) + '\n';
}

function span(s: Span): JsonSpan {
  return { file: s.file, line: s.line, col: s.col, endLine: s.endLine ?? null, endCol: s.endCol ?? null };
}

function config(r: ConfigRef): JsonConfig {
  return { id: r.id, arch: r.arch, base: r.base ?? null, label: r.label, overrides: { ...r.overrides } };
}
