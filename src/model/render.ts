import type { Failure } from './check.js';
import { DEFAULT_CONFIG, type ModelConfig } from './config.js';
import type { Counters } from './cost.js';
import type { UnmapFlush } from './link.js';
import { type CellResult, type DifferentialResult, type MatrixResult, type MatrixRow, machineLabel } from './matrix.js';
import { formatOp, formatTrace } from './ops.js';
import { VIOLATION_DOCS } from './violations.js';

/** Colour functions (picocolors-shaped); identity functions when colour is off. */
export interface Paint {
  red(s: string): string;
  green(s: string): string;
  yellow(s: string): string;
  bold(s: string): string;
  dim(s: string): string;
}

/** One matrix run, and the linker's answer it was made from in --tree mode. */
export interface ModelReportPart {
  link?: UnmapFlush;
  result: MatrixResult;
}

const quote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

/** The command line that replays a trace on a configuration. */
export function replayCommand(c: ModelConfig, trace: string, paths: string, flush: string | undefined): string {
  const args = ['kvlint model zsmalloc'];
  if (c.era !== DEFAULT_CONFIG.era) args.push(`--era ${c.era}`);
  if (c.pageSize !== DEFAULT_CONFIG.pageSize) args.push(`--page-size ${c.pageSize}`);
  if (c.maxPagesPerZspage !== undefined) args.push(`--chain-size ${c.maxPagesPerZspage}`);
  args.push(`--cpus ${c.cpus}`, `--smp ${c.smp ? 'on' : 'off'}`, `--guard ${c.preemptGuard ? 'on' : 'off'}`);
  args.push(`--paths ${paths}`);
  if (flush) args.push(`--flush ${flush}`);
  if (c.tlbCapacity !== DEFAULT_CONFIG.tlbCapacity) args.push(`--tlb-entries ${c.tlbCapacity}`);
  for (const f of c.faults) args.push(`--fault ${f}`);
  args.push(`--replay ${quote(trace)}`);
  return args.join(' ');
}

function failureJson(f: Failure, c: ModelConfig, paths: string, flush: string | undefined) {
  const trace = formatTrace(f.trace);
  return {
    invariant: f.kind,
    description: VIOLATION_DOCS[f.kind],
    message: f.message,
    trace: f.trace.map(formatOp),
    seed: f.seed ?? null,
    foundAfter: f.foundAfter,
    shrinkReplays: f.replays,
    minimal: f.minimal,
    replay: replayCommand(c, trace, paths, flush),
  };
}

const cellPaths = (r: CellResult): [string, string | undefined] =>
  r.path === 'copy' ? ['copy', undefined] : ['pgtable', r.config.flush];

/** The stable JSON document of `kvlint model zsmalloc --format json`. */
export function modelJson(parts: ModelReportPart[], exitCode: number): unknown {
  const first = parts[0]?.result.options;
  return {
    model: 'zsmalloc',
    era: first?.era,
    pageSize: first?.pageSize,
    seed: first?.replay ? null : first?.seed,
    ops: first?.ops,
    tlbEntries: first?.tlbCapacity,
    specFill: first?.specFill,
    costProfile: first?.costProfile,
    parts: parts.map((p) => ({
      link: p.link
        ? { config: p.link.config, flush: p.link.flush, symbol: p.link.symbol, linksAsModule: p.link.linksAsModule, trace: p.link.trace }
        : null,
      matrix: p.result.rows.map((row) => ({
        cpus: row.machine.cpus,
        smp: row.machine.smp,
        guard: row.machine.guard,
        flush: row.flush,
        copy: row.cells.copy ?? null,
        pgtable: row.cells.pgtable ?? null,
      })),
      runs: p.result.runs.map((r) => {
        const [paths, flush] = cellPaths(r);
        return {
          id: r.id,
          path: r.path,
          cpus: r.config.cpus,
          smp: r.config.smp,
          guard: r.config.preemptGuard,
          flush: r.path === 'pgtable' ? r.config.flush : null,
          faults: r.config.faults,
          verdict: r.verdict,
          claimedSafe: r.claimedSafe,
          claim: r.claim,
          steps: r.steps,
          failures: r.failures.map((f) => failureJson(f, r.config, paths, flush)),
          counters: r.counters,
          cost: r.cost,
        };
      }),
      differential: p.result.differentials.map((d) => ({
        cpus: d.machine.cpus,
        smp: d.machine.smp,
        guard: d.machine.guard,
        agree: d.agree,
        claimedSafe: d.claimedSafe,
        failure: d.failure ? failureJson(d.failure, diffConfig(p.result, d), 'copy,pgtable', 'global') : null,
      })),
      unexpected: p.result.unexpected,
    })),
    exitCode,
  };
}

function diffConfig(m: MatrixResult, d: DifferentialResult): ModelConfig {
  const run = m.runs.find((r) => r.config.cpus === d.machine.cpus && r.config.smp === d.machine.smp && r.config.preemptGuard === d.machine.guard)!;
  return { ...run.config, path: 'copy' };
}

const pad = (s: string, n: number): string => s + ' '.repeat(Math.max(0, n - visible(s).length));
const padL = (s: string, n: number): string => ' '.repeat(Math.max(0, n - visible(s).length)) + s;
// eslint-disable-next-line no-control-regex
const visible = (s: string): string => s.replace(/\x1b\[[0-9;]*m/g, '');

function verdictText(r: CellResult, p: Paint): string {
  if (r.verdict === 'pass') return p.green('PASS');
  return r.claimedSafe ? p.red(p.bold('FAIL (claimed safe)')) : p.yellow('FAIL') + p.dim(' (expected)');
}

const human = (n: number): string => (n >= 1e6 ? `${(n / 1e6).toFixed(1)}M` : n >= 1e4 ? `${Math.round(n / 1e3)}k` : String(n));

/** The terminal report. */
export function modelStylish(parts: ModelReportPart[], p: Paint, opts: { quiet?: boolean } = {}): string {
  const out: string[] = [];
  const o = parts[0]?.result.options;
  if (!o) return 'nothing to run\n';
  const source = o.replay ? `replaying a trace of ${o.replay.length} steps` : `${o.ops} steps per CPU setup from seed ${o.seed}`;
  out.push(p.bold(`kvlint model zsmalloc`) + ` — ${o.era} allocator, ${o.pageSize}-byte pages, ${source}, TLB ${o.tlbCapacity} entries`);
  for (const part of parts) {
    const m = part.result;
    out.push('');
    if (part.link) {
      const l = part.link;
      out.push(p.bold(l.config.label));
      out.push(`  unmap flush: ${l.flush} (${l.symbol})${l.linksAsModule ? '' : p.red(` — does not link as a module: "${l.symbol}" is not exported`)}`);
      for (const s of l.trace) out.push(p.dim(`    ${s.kind}: ${s.label}${s.span ? ` (${s.span.file}:${s.span.line})` : ''}`));
    }
    const runs = new Map(m.runs.map((r) => [r.id, r]));
    const hasCopy = m.rows.some((r) => r.cells.copy);
    const hasPg = m.rows.some((r) => r.cells.pgtable);
    const rowLabel = (r: MatrixRow): string => machineLabel(r.machine) + (hasPg ? ` flush=${r.flush}` : '');
    const w = Math.max(...m.rows.map((r) => rowLabel(r).length), 13) + 2;
    const cw = 26;
    out.push(p.bold(pad('configuration', w) + (hasCopy ? pad('copy', cw) : '') + (hasPg ? 'pgtable' : '')));
    for (const row of m.rows) {
      const copy = row.cells.copy ? runs.get(row.cells.copy)! : undefined;
      const pg = row.cells.pgtable ? runs.get(row.cells.pgtable)! : undefined;
      out.push(
        pad(rowLabel(row), w) +
          (hasCopy ? pad(copy ? verdictText(copy, p) : '-', cw) : '') +
          (hasPg && pg ? verdictText(pg, p) + (pg.verdict === 'fail' ? p.dim(`  ${pg.failures.map((f) => f.kind).join(', ')}`) : '') : ''),
      );
    }
    for (const d of m.differentials) {
      const what = d.agree ? p.green('agree') : d.claimedSafe ? p.red(p.bold('DIVERGE')) : p.yellow('diverge') + p.dim(' (expected)');
      out.push(`differential ${machineLabel(d.machine)}: copy vs pgtable+global on the same trace: ${what}`);
    }
    if (opts.quiet) continue;
    const failing = m.runs.filter((r) => r.verdict === 'fail');
    const diverging = m.differentials.filter((d) => d.failure);
    if (failing.length || diverging.length) {
      out.push('');
      out.push(p.bold('failures'));
    }
    // the same shortest trace often explains several invariants (or configurations): print it once
    const printed = new Map<string, string>();
    for (const r of failing) {
      const [paths, flush] = cellPaths(r);
      const status = r.claimedSafe ? p.red(p.bold('claimed safe')) : p.dim('not claimed safe');
      out.push(`  ${p.bold(r.id)} — ${status}: ${r.claim}`);
      for (const f of r.failures) out.push(...failureLines(f, r.config, paths, flush, p, printed, `${r.id}: ${f.kind}`));
    }
    for (const d of diverging) {
      const id = `differential ${machineLabel(d.machine)}`;
      out.push(`  ${p.bold(id)} — ${d.claimedSafe ? p.red(p.bold('both paths claimed safe')) : p.dim('not claimed safe')}`);
      out.push(...failureLines(d.failure!, diffConfig(m, d), 'copy,pgtable', 'global', p, printed, id));
    }
    out.push('');
    out.push(...costTable(m, p));
  }
  return out.join('\n') + '\n';
}

function failureLines(
  f: Failure,
  c: ModelConfig,
  paths: string,
  flush: string | undefined,
  p: Paint,
  printed: Map<string, string>,
  ref: string,
): string[] {
  const out: string[] = [];
  out.push(`    ${p.red(f.kind)}  ${p.dim(VIOLATION_DOCS[f.kind])}`);
  out.push(`      ${f.message}`);
  const from = f.seed === undefined ? 'in the replayed trace' : `seed ${f.seed}`;
  const min = f.minimal ? '' : ', shrinking stopped at its budget';
  const text = formatTrace(f.trace);
  const seen = printed.get(text);
  if (seen) {
    out.push(`      shortest trace: ${f.trace.length} steps, the same as for ${seen} (first seen at step ${f.foundAfter} with ${from}${min})`);
    return out;
  }
  printed.set(text, ref);
  out.push(`      shortest trace: ${f.trace.length} steps (first seen at step ${f.foundAfter} with ${from}${min})`);
  f.trace.forEach((op, i) => out.push(`        ${padL(String(i + 1), 3)}  ${formatOp(op)}`));
  out.push(p.dim(`      replay: ${replayCommand(c, text, paths, flush)}`));
  return out;
}

const COLUMNS: [string, (c: Counters) => number][] = [
  ['maps', (c) => c.maps],
  ['straddling', (c) => c.straddlingMaps],
  ['bytes copied', (c) => c.bytesIn + c.bytesOut],
  ['PTE writes', (c) => c.pteWrites],
  ['local fl', (c) => c.localFlushes],
  ['global fl', (c) => c.globalFlushes],
  ['IPIs', (c) => c.ipis],
  ['TLB fills', (c) => c.tlbFills],
  ['spec fills', (c) => c.specFills],
  ['stale hits', (c) => c.staleHits],
];


function costTable(m: MatrixResult, p: Paint): string[] {
  const out: string[] = [];
  out.push(p.bold(`cost`) + p.dim(` (weights: ${m.options.costProfile}, cycles; the copy path ignores the flush)`));
  const w = Math.max(...m.runs.map((r) => r.id.length), 3) + 2;
  const header =
    pad('run', w) + COLUMNS.map(([h]) => padL(h, Math.max(h.length, 7) + 2)).join('') + padL('cycles/map', 12) + padL('per straddling', 16);
  out.push(p.dim(header));
  for (const r of m.runs) {
    out.push(
      pad(r.id, w) +
        COLUMNS.map(([h, f]) => padL(human(f(r.counters)), Math.max(h.length, 7) + 2)).join('') +
        padL(String(r.cost.perMap), 12) +
        padL(String(r.cost.perStraddlingMap), 16),
    );
  }
  return out;
}
