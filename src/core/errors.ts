import type { Span } from './types.js';

/**
 * Bad input (a tree that cannot be read, a malformed file, a wrong flag value). The CLI turns it into exit code 2
 * with a one-line reason that names file:line when the input was at fault.
 */
export class InputError extends Error {
  constructor(message: string, readonly span?: Span) {
    super(message);
    this.name = 'InputError';
  }

  /** "file:line: message" when a span is known, else the message */
  oneLine(): string {
    return this.span ? `${this.span.file}:${this.span.line}: ${this.message}` : this.message;
  }
}

/** An internal limit was hit (expansion depth, file size, …). Named so that users can report it. */
export class LimitError extends InputError {
  constructor(readonly limit: string, message: string, span?: Span) {
    super(`${message} (limit: ${limit})`, span);
    this.name = 'LimitError';
  }
}
