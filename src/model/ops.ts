import { InputError } from '../core/errors.js';

/** zs_mapmode: ZS_MM_RO, ZS_MM_RW, ZS_MM_WO */
export type MapMode = 'ro' | 'rw' | 'wo';

/**
 * One step of a trace. Tasks are T0..Tn-1, CPUs cpu0..cpuN-1, objects are named by the label their `alloc` gave
 * them (#k), so removing steps while shrinking never renames the others. Steps that cannot happen in the state
 * reached (a task that is not runnable, an object that does not exist, …) do nothing.
 */
export type Op =
  | { op: 'alloc'; task: number; obj: number; size: number }
  | { op: 'free'; task: number; obj: number }
  | { op: 'map'; task: number; obj: number; mode: MapMode }
  /** read `len` bytes at `off` of the task's innermost mapping */
  | { op: 'read'; task: number; off: number; len: number }
  /** write `len` bytes at `off`: byte i of the object gets patternByte(fill, i) */
  | { op: 'write'; task: number; off: number; len: number; fill: number }
  | { op: 'unmap'; task: number }
  | { op: 'migrate'; task: number; cpu: number }
  | { op: 'sleep'; task: number }
  /** an interrupt on `cpu`; with `obj`, its handler calls zs_map_object on that object */
  | { op: 'irq'; cpu: number; obj?: number }
  /** hardware: `cpu` speculatively loads the TLB entry for page `page` (0/1) of CPU `area`'s mapping area */
  | { op: 'spec'; cpu: number; area: number; page: number }
  | { op: 'offline'; cpu: number }
  | { op: 'online'; cpu: number };

export type Trace = Op[];

/** The byte a write with `fill` puts at object offset `i`: differs between writes and between offsets. */
export function patternByte(fill: number, i: number): number {
  return (Math.imul(fill + 1, 0x9e3779b1) ^ Math.imul(i + 1, 0x85ebca6b)) >>> 24;
}

export function formatOp(o: Op): string {
  switch (o.op) {
    case 'alloc': return `T${o.task} alloc #${o.obj} ${o.size}`;
    case 'free': return `T${o.task} free #${o.obj}`;
    case 'map': return `T${o.task} map #${o.obj} ${o.mode}`;
    case 'read': return `T${o.task} read ${o.off}+${o.len}`;
    case 'write': return `T${o.task} write ${o.off}+${o.len} =${o.fill.toString(16)}`;
    case 'unmap': return `T${o.task} unmap`;
    case 'migrate': return `T${o.task} migrate cpu${o.cpu}`;
    case 'sleep': return `T${o.task} sleep`;
    case 'irq': return o.obj === undefined ? `irq cpu${o.cpu}` : `irq cpu${o.cpu} map #${o.obj}`;
    case 'spec': return `spec cpu${o.cpu} area${o.area}.${o.page}`;
    case 'offline': return `offline cpu${o.cpu}`;
    case 'online': return `online cpu${o.cpu}`;
  }
}

/** A trace as one line: steps separated by "; " (what --replay accepts). */
export function formatTrace(t: Trace): string {
  return t.map(formatOp).join('; ');
}

const MODES: readonly string[] = ['ro', 'rw', 'wo'];

/** Parse a trace written by formatTrace (steps separated by ';' or newlines). */
export function parseTrace(text: string): Trace {
  const steps = text
    .split(/[;\n]/)
    .map((s) => s.trim())
    .filter((s) => s !== '' && !s.startsWith('//'));
  return steps.map((s, i) => parseOp(s, i + 1));
}

function parseOp(s: string, n: number): Op {
  const bad = (why: string): never => {
    throw new InputError(`trace step ${n} '${s}': ${why}`);
  };
  const w = s.split(/\s+/);
  const int = (t: string | undefined, prefix: string, what: string): number => {
    if (t === undefined || !t.startsWith(prefix)) return bad(`expected ${what}`);
    const v = Number(t.slice(prefix.length));
    if (!Number.isInteger(v) || v < 0) return bad(`bad ${what} '${t}'`);
    return v;
  };
  const range = (t: string | undefined): [number, number] => {
    const m = /^(\d+)\+(\d+)$/.exec(t ?? '');
    if (!m) return bad('expected OFFSET+LENGTH');
    return [Number(m[1]), Number(m[2])];
  };
  const end = (k: number): void => {
    if (w.length > k) bad(`unexpected '${w.slice(k).join(' ')}'`);
  };
  if (w[0]!.startsWith('T')) {
    const task = int(w[0], 'T', 'task T<n>');
    switch (w[1]) {
      case 'alloc': {
        end(4);
        const size = Number(w[3]);
        if (!Number.isInteger(size) || size < 1) bad('expected a size in bytes');
        return { op: 'alloc', task, obj: int(w[2], '#', 'object #<n>'), size };
      }
      case 'free': end(3); return { op: 'free', task, obj: int(w[2], '#', 'object #<n>') };
      case 'map': {
        end(4);
        if (!MODES.includes(w[3] ?? '')) bad('mode must be ro, rw or wo');
        return { op: 'map', task, obj: int(w[2], '#', 'object #<n>'), mode: w[3] as MapMode };
      }
      case 'read': { end(3); const [off, len] = range(w[2]); return { op: 'read', task, off, len }; }
      case 'write': {
        end(4);
        const [off, len] = range(w[2]);
        const m = /^=([0-9a-f]+)$/i.exec(w[3] ?? '');
        if (!m) bad('expected =FILL (hex)');
        return { op: 'write', task, off, len, fill: parseInt(m![1]!, 16) };
      }
      case 'unmap': end(2); return { op: 'unmap', task };
      case 'migrate': end(3); return { op: 'migrate', task, cpu: int(w[2], 'cpu', 'cpu<n>') };
      case 'sleep': end(2); return { op: 'sleep', task };
      default: return bad('unknown task step (alloc, free, map, read, write, unmap, migrate, sleep)');
    }
  }
  switch (w[0]) {
    case 'irq': {
      const cpu = int(w[1], 'cpu', 'cpu<n>');
      if (w.length === 2) return { op: 'irq', cpu };
      end(4);
      if (w[2] !== 'map') bad("expected 'map #<n>'");
      return { op: 'irq', cpu, obj: int(w[3], '#', 'object #<n>') };
    }
    case 'spec': {
      end(3);
      const cpu = int(w[1], 'cpu', 'cpu<n>');
      const m = /^area(\d+)\.([01])$/.exec(w[2] ?? '');
      if (!m) bad('expected area<cpu>.<0|1>');
      return { op: 'spec', cpu, area: Number(m![1]), page: Number(m![2]) };
    }
    case 'offline': end(2); return { op: 'offline', cpu: int(w[1], 'cpu', 'cpu<n>') };
    case 'online': end(2); return { op: 'online', cpu: int(w[1], 'cpu', 'cpu<n>') };
    default: return bad('unknown step');
  }
}
