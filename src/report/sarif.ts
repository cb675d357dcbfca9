import { pathToFileURL } from 'node:url';
import type * as sarif from 'sarif';
import type { Diagnostic, Severity, Span, TraceStep } from '../core/types.js';
import { describeConfigs, displayPath } from './common.js';
import type { FormatOptions, RuleDoc, RunSummary } from './types.js';

export const SARIF_SCHEMA_URI = 'https://json.schemastore.org/sarif-2.1.0.json';

/**
 * SARIF 2.1.0 (OASIS), for code-scanning services. One run; `tool.driver.rules` describes every rule that reported
 * (id = the permanent code, name = the rule name, help text, default level). Each finding is a result with its
 * primary location, the explanation chain twice over — as `relatedLocations` (each step with a location) and as a
 * one-thread `codeFlow` (the steps in order) — `partialFingerprints["kvlint/v1"]` = the finding's line-independent
 * fingerprint, and the configurations in `properties`. Paths are relative to the `SRCROOT` base (the tree root).
 */
export function toSarif(diags: readonly Diagnostic[], summary: RunSummary, opts: FormatOptions = {}): sarif.Log {
  const docs = new Map((opts.rules ?? []).map((r) => [r.code, r]));
  const ruleIds: string[] = [];
  const rules: sarif.ReportingDescriptor[] = [];
  const ruleIndex = (d: Diagnostic): number => {
    let i = ruleIds.indexOf(d.code);
    if (i < 0) {
      i = ruleIds.length;
      ruleIds.push(d.code);
      rules.push(describeRule(docs.get(d.code), d));
    }
    return i;
  };

  const results: sarif.Result[] = diags.map((d) => {
    const related: sarif.Location[] = [];
    const flow: sarif.ThreadFlowLocation[] = [];
    d.trace.forEach((s) => {
      const loc: sarif.Location = { message: { text: stepText(s) } };
      if (s.span) {
        loc.id = related.length + 1;
        loc.physicalLocation = physical(s.span, opts);
        related.push(loc);
      }
      flow.push({ location: loc, properties: { kind: s.kind } });
    });
    const cd = describeConfigs(d);
    const r: sarif.Result = {
      ruleId: d.code,
      ruleIndex: ruleIndex(d),
      level: level(d.severity),
      message: { text: d.message },
      locations: [{ physicalLocation: physical(d.primary, opts) }],
      partialFingerprints: { 'kvlint/v1': d.fingerprint },
      properties: {
        rule: d.rule,
        configs: d.configs.map((c) => c.id),
        passing: (d.passing ?? []).map((c) => c.id),
        breaks: [cd.context, ...cd.breaks.filter((b) => b !== '')].filter((t) => t !== '').join(', '),
        fine: cd.fine.join(' | '),
        ...(d.witness ? { witness: { ...d.witness } } : {}),
        ...(d.data ? { data: { ...d.data } } : {}),
        ...(d.help ? { help: d.help } : {}),
        ...(d.notes && d.notes.length > 0 ? { notes: [...d.notes] } : {}),
      },
    };
    if (related.length > 0) r.relatedLocations = related;
    if (flow.length > 0) r.codeFlows = [{ threadFlows: [{ locations: flow }] }];
    return r;
  });

  const run: sarif.Run = {
    tool: {
      driver: {
        name: 'kvlint',
        ...(opts.toolVersion ? { version: opts.toolVersion, semanticVersion: opts.toolVersion } : {}),
        rules,
      },
    },
    invocations: [{ executionSuccessful: true }],
    columnKind: 'unicodeCodePoints',
    results,
    properties: {
      configurations: summary.configs.map((c) => ({ id: c.id, arch: c.arch, label: c.label, overrides: { ...c.overrides } })),
      ...(summary.ignored ? { ignored: summary.ignored } : {}),
      ...(summary.baseline
        ? { baseline: { file: summary.baseline.file, known: summary.baseline.known, stale: summary.baseline.stale.map((e) => e.fingerprint) } }
        : {}),
    },
  };
  if (opts.treeRoot) {
    const uri = pathToFileURL(opts.treeRoot).href.replace(/\/?$/, '/');
    run.originalUriBaseIds = { SRCROOT: { uri } };
  }
  return { $schema: SARIF_SCHEMA_URI, version: '2.1.0', runs: [run] };
}

export function formatSarif(diags: readonly Diagnostic[], summary: RunSummary, opts: FormatOptions = {}): string {
  return JSON.stringify(toSarif(diags, summary, opts), null, 2) + '\n';
}

function level(s: Severity): 'error' | 'warning' | 'note' {
  return s === 'info' ? 'note' : s;
}

function describeRule(doc: RuleDoc | undefined, seen: Diagnostic): sarif.ReportingDescriptor {
  const summary = doc?.summary ?? seen.rule;
  const help = doc?.help ?? (seen.help ? `${summary}. How to fix: ${seen.help}` : summary);
  const r: sarif.ReportingDescriptor = {
    id: seen.code,
    name: doc?.name ?? seen.rule,
    shortDescription: { text: summary },
    fullDescription: { text: summary },
    help: { text: help },
    defaultConfiguration: { level: level(doc?.defaultSeverity ?? seen.severity) },
  };
  if (doc?.helpUri) r.helpUri = doc.helpUri;
  return r;
}

function stepText(s: TraceStep): string {
  return `${s.kind}: ${s.label}`;
}

/** A tree-relative path as a relative URI reference (each segment percent-encoded). */
function uriOf(file: string, opts: FormatOptions): string {
  const p = opts.treeRoot ? file : displayPath(file, opts);
  return p
    .split('/')
    .map((seg) => encodeURIComponent(seg))
    .join('/');
}

function physical(span: Span, opts: FormatOptions): sarif.PhysicalLocation {
  const region: sarif.Region = { startLine: span.line, startColumn: span.col };
  if (span.endLine !== undefined) region.endLine = span.endLine;
  if (span.endCol !== undefined) region.endColumn = span.endCol;
  const artifactLocation: sarif.ArtifactLocation = { uri: uriOf(span.file, opts) };
  if (opts.treeRoot) artifactLocation.uriBaseId = 'SRCROOT';
  return { artifactLocation, region };
}
