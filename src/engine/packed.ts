/**
 * A compact, exact encoding of JSON-shaped data (null, booleans, numbers, strings, arrays, plain objects) as a
 * string table and an Int32Array: every distinct string is stored once, every object shape (its key list) once,
 * and decoding is a single loop over integers — several times faster than JSON.parse on the same data, and the
 * decoded strings are shared (a file name used by a thousand spans is one string in memory).
 *
 * Used for unit packs (src/engine/unit-pack.ts), where a warm run decodes the facts of thousands of units at once.
 * decode(encode(v)) is deep-equal to v, key order included; undefined-valued keys are dropped as JSON would.
 */

const NULL = 0;
const FALSE = 1;
const TRUE = 2;
/** a small integer follows */
const INT = 3;
/** a number that is not a small integer follows, as a string index */
const NUM = 4;
/** a string index follows */
const STR = 5;
/** an array: its length follows, then its items */
const ARR = 6;
/** an object: its shape index follows (the shape gives the key count and names), then the values */
const OBJ = 7;

export interface Packed {
  strings: string[];
  /** shapes: each a list of indices into `strings` */
  shapes: number[][];
  data: Int32Array;
}

export class PackWriter {
  private readonly strings: string[] = [];
  private readonly stringIds = new Map<string, number>();
  private readonly shapes: number[][] = [];
  private readonly shapeIds = new Map<string, number>();
  private buf = new Int32Array(1 << 16);
  private n = 0;

  private push(v: number): void {
    if (this.n === this.buf.length) {
      const b = new Int32Array(this.buf.length * 2);
      b.set(this.buf);
      this.buf = b;
    }
    this.buf[this.n++] = v;
  }

  str(s: string): number {
    let id = this.stringIds.get(s);
    if (id === undefined) {
      id = this.strings.length;
      this.strings.push(s);
      this.stringIds.set(s, id);
    }
    return id;
  }

  /** Append one value; returns nothing: values are read back in the order they were written. */
  value(v: unknown): void {
    if (v === null || v === undefined) return this.push(NULL);
    switch (typeof v) {
      case 'boolean':
        return this.push(v ? TRUE : FALSE);
      case 'number':
        if (Number.isInteger(v) && v >= -0x80000000 && v <= 0x7fffffff && !Object.is(v, -0)) {
          this.push(INT);
          return this.push(v);
        }
        this.push(NUM);
        return this.push(this.str(String(v)));
      case 'string':
        this.push(STR);
        return this.push(this.str(v));
      case 'object': {
        if (Array.isArray(v)) {
          this.push(ARR);
          this.push(v.length);
          for (const x of v) this.value(x);
          return;
        }
        const o = v as Record<string, unknown>;
        const keys = Object.keys(o).filter((k) => o[k] !== undefined);
        const sig = keys.join('\0');
        let shape = this.shapeIds.get(sig);
        if (shape === undefined) {
          shape = this.shapes.length;
          this.shapes.push(keys.map((k) => this.str(k)));
          this.shapeIds.set(sig, shape);
        }
        this.push(OBJ);
        this.push(shape);
        for (const k of keys) this.value(o[k]);
        return;
      }
      default:
        throw new TypeError(`cannot pack a ${typeof v}`);
    }
  }

  /** Append a raw integer (for the caller's own framing). */
  int(v: number): void {
    this.push(v);
  }

  get length(): number {
    return this.n;
  }

  /** Overwrite the integer at `at` (a length written before what it measures). */
  set(at: number, v: number): void {
    this.buf[at] = v;
  }

  finish(): Packed {
    return { strings: this.strings, shapes: this.shapes, data: this.buf.subarray(0, this.n) };
  }
}

export class PackReader {
  pos = 0;
  private readonly keys: string[][];

  constructor(private readonly p: Packed) {
    this.keys = p.shapes.map((s) => s.map((i) => p.strings[i]!));
  }

  int(): number {
    return this.p.data[this.pos++]!;
  }

  str(i: number): string {
    return this.p.strings[i]!;
  }

  value(): unknown {
    const d = this.p.data;
    const tag = d[this.pos++];
    switch (tag) {
      case NULL:
        return null;
      case FALSE:
        return false;
      case TRUE:
        return true;
      case INT:
        return d[this.pos++];
      case NUM:
        return Number(this.p.strings[d[this.pos++]!]);
      case STR:
        return this.p.strings[d[this.pos++]!];
      case ARR: {
        const n = d[this.pos++]!;
        const a = new Array<unknown>(n);
        for (let i = 0; i < n; i++) a[i] = this.value();
        return a;
      }
      case OBJ: {
        const keys = this.keys[d[this.pos++]!]!;
        const o: Record<string, unknown> = {};
        for (const k of keys) o[k] = this.value();
        return o;
      }
      default:
        throw new Error(`corrupt pack: tag ${tag} at ${this.pos - 1}`);
    }
  }

  /** Skip one value without building it. */
  skip(): void {
    const d = this.p.data;
    const tag = d[this.pos++];
    switch (tag) {
      case NULL:
      case FALSE:
      case TRUE:
        return;
      case INT:
      case NUM:
      case STR:
        this.pos++;
        return;
      case ARR: {
        const n = d[this.pos++]!;
        for (let i = 0; i < n; i++) this.skip();
        return;
      }
      case OBJ: {
        const n = this.keys[d[this.pos++]!]!.length;
        for (let i = 0; i < n; i++) this.skip();
        return;
      }
      default:
        throw new Error(`corrupt pack: tag ${tag} at ${this.pos - 1}`);
    }
  }
}
