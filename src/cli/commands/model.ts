import * as fs from 'node:fs';
import * as path from 'node:path';
import pc from 'picocolors';
import { InputError } from '../../core/errors.js';
import type { ConfigSelection } from '../../matrix/selection.js';
import { FAULTS, type Fault, type FlushKind, type MapPath, type ModelConfig } from '../../model/config.js';
import { COST_PROFILES, type CostProfile } from '../../model/cost.js';
import { type UnmapFlush, checkUnmapFlushes, linkedMachines } from '../../model/link.js';
import { type MatrixOptions, claim, runMatrix } from '../../model/matrix.js';
import { parseTrace } from '../../model/ops.js';
import { type ModelReportPart, type Paint, modelJson, modelStylish } from '../../model/render.js';
import type { Era } from '../../model/sizeclass.js';
import { KernelTree } from '../../tree/tree.js';
import { type CliIO, type KvCommand, UsageError } from '../context.js';
import { type ConfigArgv, selectionFromArgv, withConfigFlags, withOutputFlags } from '../flags.js';

/** The linter's query (src/engine/zsmalloc-flush.ts): which flush the zsmalloc unmap path resolves to, per configuration. */
export type UnmapFlushFor = (tree: KernelTree, selection: ConfigSelection) => Promise<UnmapFlush[]>;

export interface ModelCommandDeps {
  /** load the linter's query; the default imports src/engine/zsmalloc-flush.js when it is asked for */
  loadUnmapFlushFor: () => Promise<UnmapFlushFor>;
}

const ENGINE_MODULE = '../../engine/zsmalloc-flush.js';

async function defaultLoader(): Promise<UnmapFlushFor> {
  let mod: Record<string, unknown>;
  try {
    // a variable specifier: the engine module is optional at build time
    const spec = ENGINE_MODULE;
    mod = (await import(spec)) as Record<string, unknown>;
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if ((err.code === 'ERR_MODULE_NOT_FOUND' || /Cannot find module|Failed to load url/.test(err.message)) && err.message.includes('zsmalloc-flush')) {
      throw new InputError('--tree needs the linter query unmapFlushFor (src/engine/zsmalloc-flush.ts), which this build does not have');
    }
    throw e;
  }
  if (typeof mod.unmapFlushFor !== 'function') {
    throw new InputError('src/engine/zsmalloc-flush.ts does not export unmapFlushFor(tree, selection)');
  }
  return mod.unmapFlushFor as UnmapFlushFor;
}

/** Parsed argv of `kvlint model zsmalloc` (strings as typed; everything is validated here). */
export interface ModelArgv extends ConfigArgv {
  allocator?: string;
  tree?: string;
  cpus?: string;
  smp?: string;
  paths?: string;
  flush?: string;
  guard?: string;
  ops?: string;
  seed?: string;
  era?: string;
  'page-size'?: string;
  'chain-size'?: string;
  'tlb-entries'?: string;
  'spec-fill'?: string;
  fault?: string[];
  replay?: string;
  cost?: string;
  'shrink-budget'?: string;
  format?: string;
  output?: string;
  color?: boolean;
  quiet?: boolean;
}

function list<T>(flag: string, value: string, parse: (s: string) => T | undefined, expected: string): T[] {
  const items = value.split(',').map((s) => s.trim()).filter((s) => s !== '');
  if (items.length === 0) throw new UsageError(`--${flag}: empty list`);
  const out: T[] = [];
  for (const s of items) {
    const v = parse(s);
    if (v === undefined) throw new UsageError(`--${flag}: '${s}' is not ${expected}`);
    if (!out.includes(v)) out.push(v);
  }
  return out;
}

function int(flag: string, value: string | undefined, dflt: number, min: number, max: number): number {
  if (value === undefined) return dflt;
  const v = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(v) || v < min || v > max) {
    throw new UsageError(`--${flag} must be an integer from ${min} to ${max}, got '${value}'`);
  }
  return v;
}

const onOff = (s: string): boolean | undefined => (s === 'on' || s === 'y' ? true : s === 'off' || s === 'n' ? false : undefined);

/** Turn the command line into matrix options (without the linked configurations). Throws UsageError. */
export function modelOptions(argv: ModelArgv): MatrixOptions & { explicitCpus: boolean } {
  const era = (argv.era ?? '2013') as Era;
  if (era !== '2013' && era !== 'modern') throw new UsageError(`--era must be 2013 or modern, got '${argv.era}'`);
  const pageSize = int('page-size', argv['page-size'], 4096, 4096, 65536);
  if ((pageSize & (pageSize - 1)) !== 0) throw new UsageError(`--page-size must be a power of two, got ${pageSize}`);
  const cost = (argv.cost ?? 'armv7') as CostProfile;
  if (!(cost in COST_PROFILES)) throw new UsageError(`--cost must be one of ${Object.keys(COST_PROFILES).join(', ')}, got '${argv.cost}'`);
  const specFill = argv['spec-fill'] === undefined ? 0.1 : Number(argv['spec-fill']);
  if (!Number.isFinite(specFill) || specFill < 0 || specFill > 1) {
    throw new UsageError(`--spec-fill must be a probability from 0 to 1, got '${argv['spec-fill']}'`);
  }
  const faults: Fault[] = [];
  for (const f of (argv.fault ?? []).flatMap((x) => x.split(','))) {
    if (!FAULTS.includes(f as Fault)) throw new UsageError(`--fault must be one of ${FAULTS.join(', ')}, got '${f}'`);
    if (!faults.includes(f as Fault)) faults.push(f as Fault);
  }
  let replay;
  if (argv.replay !== undefined) {
    try {
      replay = parseTrace(argv.replay);
    } catch (e) {
      throw new UsageError(`--replay: ${(e as Error).message}`);
    }
    if (replay.length === 0) throw new UsageError('--replay: the trace is empty');
  }
  const o: MatrixOptions & { explicitCpus: boolean } = {
    cpus: list('cpus', argv.cpus ?? '1,4', (s) => (/^\d+$/.test(s) && +s >= 1 && +s <= 64 ? +s : undefined), 'a CPU count from 1 to 64'),
    smp: list('smp', argv.smp ?? 'on,off', onOff, 'on or off'),
    paths: list('paths', argv.paths ?? 'copy,pgtable', (s) => (s === 'copy' || s === 'pgtable' ? (s as MapPath) : undefined), 'copy or pgtable'),
    flushes: list('flush', argv.flush ?? 'none,local,global', (s) => (s === 'none' || s === 'local' || s === 'global' ? (s as FlushKind) : undefined), 'none, local or global'),
    guards: list('guard', argv.guard ?? 'on', onOff, 'on or off'),
    faults,
    era,
    pageSize,
    tlbCapacity: int('tlb-entries', argv['tlb-entries'], 64, 1, 4096),
    ops: int('ops', argv.ops, 2000, 1, 10_000_000),
    seed: int('seed', argv.seed, 1, 0, 0xffffffff),
    specFill,
    costProfile: cost,
    shrinkBudget: int('shrink-budget', argv['shrink-budget'], 1500, 0, 1_000_000),
    explicitCpus: argv.cpus !== undefined,
  };
  if (argv['chain-size'] !== undefined) {
    if (era !== 'modern') throw new UsageError('--chain-size applies to --era modern only (the 2013 allocator has 4 pages per zspage)');
    o.maxPagesPerZspage = int('chain-size', argv['chain-size'], 8, 1, 16);
  }
  if (replay) o.replay = replay;
  return o;
}

const CONFIG_FLAGS: (keyof ConfigArgv)[] = ['arch', 'from', 'defconfig', 'allnoconfig', 'allyesconfig', 'allmodconfig', 'alldefconfig', 'config', 'axis'];

/**
 * `kvlint model zsmalloc`: run the allocator model and print the PASS/FAIL matrix, each failure with its shortest
 * trace and seed, and the cost table. Returns the exit code: 0 when every combination claimed safe passed, 1 when
 * one failed; usage errors throw UsageError/InputError (exit 2).
 */
export async function runModelCommand(argv: ModelArgv, io: CliIO, deps: ModelCommandDeps = { loadUnmapFlushFor: defaultLoader }): Promise<number> {
  if (argv.allocator !== undefined && argv.allocator !== 'zsmalloc') {
    throw new UsageError(`unknown allocator '${argv.allocator}' (kvlint models zsmalloc)`);
  }
  const o = modelOptions(argv);
  const parts: ModelReportPart[] = [];
  if (argv.tree === undefined) {
    const used = CONFIG_FLAGS.filter((k) => argv[k] !== undefined && argv[k] !== false);
    if (used.length) throw new UsageError(`--${used[0]} chooses a kernel configuration: it needs --tree`);
    parts.push({ result: runMatrix(o) });
  } else {
    for (const [flag, v] of [['smp', argv.smp], ['flush', argv.flush]] as const) {
      if (v !== undefined) throw new UsageError(`--${flag} comes from the tree's configuration with --tree; choose it with --config instead`);
    }
    const tree = new KernelTree(path.resolve(io.cwd, argv.tree));
    const selection = selectionFromArgv(argv);
    const query = await deps.loadUnmapFlushFor();
    const links = checkUnmapFlushes(await query(tree, selection));
    if (links.length === 0) {
      throw new InputError(`no selected configuration of ${argv.tree} builds zsmalloc`);
    }
    for (const lm of linkedMachines(links, o.explicitCpus ? o.cpus : undefined)) {
      const paths: MapPath[] = argv.paths === undefined ? ['copy', 'pgtable'] : o.paths;
      // what the tree builds is what it claims to be safe; the copy path is shown for comparison
      const builtPath = lm.link.path ?? 'pgtable';
      const built = (c: ModelConfig) =>
        c.path === builtPath
          ? {
              safe: true,
              why:
                builtPath === 'pgtable'
                  ? `the tree builds it: ${lm.link.symbol} (${lm.link.flush} flush) in ${lm.link.config.label}`
                  : `the tree builds the copy path in ${lm.link.config.label}`,
            }
          : claim(c);
      parts.push({
        link: lm.link,
        result: runMatrix({ ...o, cpus: lm.cpus, smp: [lm.smp], flushes: [lm.link.flush], paths, claim: built }),
      });
    }
  }
  const unexpected = parts.reduce((n, p) => n + p.result.unexpected, 0);
  const exitCode = unexpected > 0 ? 1 : 0;
  const format = argv.format ?? 'stylish';
  let text: string;
  if (format === 'json') {
    text = JSON.stringify(modelJson(parts, exitCode), null, 2) + '\n';
  } else {
    const useColor = argv.color ?? (argv.output === undefined && io.isTTY && !io.env.NO_COLOR);
    const c = pc.createColors(useColor);
    const paint: Paint = { red: c.red, green: c.green, yellow: c.yellow, bold: c.bold, dim: c.dim };
    text = modelStylish(parts, paint, { quiet: argv.quiet ?? false });
    text += unexpected
      ? paint.red(paint.bold(`${unexpected} combination(s) claimed safe failed`)) + '\n'
      : argv.quiet
        ? ''
        : paint.green('every combination claimed safe passed') + '\n';
  }
  if (argv.output !== undefined) fs.writeFileSync(path.resolve(io.cwd, argv.output), text);
  else io.stdout(text);
  return exitCode;
}

export function makeModelCommand(deps?: ModelCommandDeps): KvCommand {
  return (ctx) => ({
    command: 'model <allocator> [tree]',
    describe: 'run the embedded allocator model (zsmalloc mapping paths) and print a PASS/FAIL matrix with costs',
    builder: (y) =>
      withOutputFlags(withConfigFlags(y), ['stylish', 'json'])
        .positional('allocator', { type: 'string', describe: 'the allocator to model', choices: ['zsmalloc'] })
        .positional('tree', { type: 'string', describe: 'kernel tree (or --tree): ask the linter which flush the unmap path resolves to' })
        .option('cpus', { type: 'string', describe: 'CPU counts, comma-separated (default 1,4)' })
        .option('smp', { type: 'string', describe: 'CONFIG_SMP on/off, comma-separated (default on,off)' })
        .option('paths', { type: 'string', describe: 'mapping paths: copy,pgtable (default both)' })
        .option('flush', { type: 'string', describe: 'unmap TLB flush of the page-table path: none,local,global (default all)' })
        .option('guard', { type: 'string', describe: 'preemption off between map and unmap: on,off (default on)' })
        .option('ops', { type: 'string', describe: 'steps of the generated workload per CPU setup (default 2000)' })
        .option('seed', { type: 'string', describe: 'seed of the generated workload (default 1)' })
        .option('era', { type: 'string', describe: 'allocator geometry: 2013 (staging) or modern (default 2013)' })
        .option('page-size', { type: 'string', describe: 'page size in bytes (default 4096)' })
        .option('chain-size', { type: 'string', describe: 'modern era: CONFIG_ZSMALLOC_CHAIN_SIZE (default 8)' })
        .option('tlb-entries', { type: 'string', describe: 'entries per CPU TLB (default 64)' })
        .option('spec-fill', { type: 'string', describe: 'probability per step and CPU of a speculative TLB fill (default 0.1)' })
        .option('fault', { type: 'string', array: true, describe: `inject a bug into the copy path: ${FAULTS.join(', ')}` })
        .option('replay', { type: 'string', describe: "replay a trace (as printed, steps separated by ';') instead of generating one" })
        .option('cost', { type: 'string', describe: 'cost weights: armv7 or x86 (default armv7)' })
        .option('shrink-budget', { type: 'string', describe: 'replays allowed to shrink each failing trace (default 1500)' }),
    handler: async (argv) => {
      ctx.exitCode = await runModelCommand(argv as ModelArgv, ctx.io, deps);
    },
  });
}

export const modelCommand: KvCommand = makeModelCommand();
