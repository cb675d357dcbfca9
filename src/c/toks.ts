import { TokKind, type TokenStream } from '../core/tokens.js';

/**
 * A flat, read-only view of a preprocessed unit for the parser: token texts and kinds copied out of the
 * TokenStream once (the parser looks at each token several times), and the matching bracket of every ( [ {.
 * Spans and traces stay in the TokenStream and are asked for only for the few tokens that become facts.
 */
export class Toks {
  readonly n: number;
  readonly text: string[];
  readonly kind: Uint8Array;
  /** index of the matching closing (for an opening) bracket, or -1 when unbalanced / not a bracket */
  readonly match: Int32Array;

  constructor(readonly ts: TokenStream, range?: { start: number; end: number }) {
    const start = range?.start ?? 0;
    const end = range?.end ?? ts.length;
    const n = end - start;
    this.n = n;
    this.text = new Array<string>(n);
    this.kind = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      this.text[i] = ts.text(start + i);
      this.kind[i] = ts.kind(start + i);
    }
    this.match = new Int32Array(n).fill(-1);
    const stack: number[] = [];
    for (let i = 0; i < n; i++) {
      if (this.kind[i] !== TokKind.Punct) continue;
      const t = this.text[i]!;
      if (t === '(' || t === '[' || t === '{') stack.push(i);
      else if (t === ')' || t === ']' || t === '}') {
        const open = t === ')' ? '(' : t === ']' ? '[' : '{';
        // tolerate stray closers: pop until the matching opener (unbalanced regions stay -1)
        let k = stack.length - 1;
        while (k >= 0 && this.text[stack[k]!] !== open) k--;
        if (k < 0) continue;
        const o = stack[k]!;
        stack.length = k;
        this.match[o] = i;
        this.match[i] = o;
      }
    }
  }

  isIdent(i: number): boolean {
    return this.kind[i] === TokKind.Ident;
  }

  isPunct(i: number, p: string): boolean {
    return this.kind[i] === TokKind.Punct && this.text[i] === p;
  }

  /** the C string literal at i decoded (prefix and quotes removed, escapes resolved); undefined if not a string */
  str(i: number): string | undefined {
    if (this.kind[i] !== TokKind.String) return undefined;
    return decodeStringLiteral(this.text[i]!);
  }
}

/** Decode a C string literal's spelling ("..." with optional L/u/U/u8 prefix) into its characters. */
export function decodeStringLiteral(lit: string): string {
  const q = lit.indexOf('"');
  if (q < 0) return '';
  const body = lit.slice(q + 1, lit.endsWith('"') ? -1 : undefined);
  if (!body.includes('\\')) return body;
  return decodeEscapes(body);
}

export function decodeEscapes(body: string): string {
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (c !== '\\') {
      out += c;
      continue;
    }
    const d = body[++i];
    if (d === undefined) break;
    switch (d) {
      case 'n': out += '\n'; break;
      case 't': out += '\t'; break;
      case 'r': out += '\r'; break;
      case 'a': out += '\x07'; break;
      case 'b': out += '\b'; break;
      case 'f': out += '\f'; break;
      case 'v': out += '\v'; break;
      case 'e': case 'E': out += '\x1b'; break;
      case 'x': {
        let j = i + 1;
        while (j < body.length && /[0-9a-fA-F]/.test(body[j]!)) j++;
        out += String.fromCharCode(parseInt(body.slice(i + 1, j) || '0', 16) & 0xff);
        i = j - 1;
        break;
      }
      default:
        if (d >= '0' && d <= '7') {
          let j = i;
          while (j < body.length && j < i + 3 && body[j]! >= '0' && body[j]! <= '7') j++;
          out += String.fromCharCode(parseInt(body.slice(i, j), 8) & 0xff);
          i = j - 1;
        } else out += d; // \\ \" \' \? and unknown escapes
    }
  }
  return out;
}
