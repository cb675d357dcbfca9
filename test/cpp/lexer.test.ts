import { describe, expect, it } from 'vitest';
import { F_BOL, F_WHITE, K_CHAR, K_IDENT, K_NUMBER, K_OTHER, K_PUNCT, K_STRING, lex, P_ELLIPSIS, P_HASH, P_PASTE, P_SHLEQ } from '../../src/cpp/lexer.js';

function toks(text: string, mode: 'c' | 'asm' = 'c'): string[] {
  const l = lex(text, 't.c', mode);
  const r: string[] = [];
  for (let i = 0; i < l.count; i++) r.push(l.text(i));
  return r;
}

describe('lexer', () => {
  it('splits punctuators by longest match', () => {
    expect(toks('a<<=b...c##d#e->f')).toEqual(['a', '<<=', 'b', '...', 'c', '##', 'd', '#', 'e', '->', 'f']);
    const l = lex('x <<= ... ## #', 't.c');
    expect([l.val[1], l.val[2], l.val[3], l.val[4]]).toEqual([P_SHLEQ, P_ELLIPSIS, P_PASTE, P_HASH]);
  });

  it('lexes pp-numbers with exponents and suffixes', () => {
    expect(toks('0x1fUL 1.5e+3f .5 1e-x 0x1p-3 1b 12f')).toEqual(['0x1fUL', '1.5e+3f', '.5', '1e-x', '0x1p-3', '1b', '12f']);
    expect(lex('1.5e+3', 't.c').kind[0]).toBe(K_NUMBER);
  });

  it('splices lines inside tokens and keeps physical line numbers', () => {
    const l = lex('#define A 1 \\\n  + 2\nfo\\\no bar\n', 't.c');
    expect(toks('#define A 1 \\\n  + 2\nfo\\\no bar\n')).toEqual(['#', 'define', 'A', '1', '+', '2', 'foo', 'bar']);
    expect(l.line[4]).toBe(2); // '+'
    expect(l.col[4]).toBe(3);
    expect(l.line[6]).toBe(3); // foo starts on line 3
    expect(l.line[7]).toBe(4); // bar after the splice is on physical line 4
    expect(l.flags[6]! & F_BOL).toBe(F_BOL);
    expect(l.flags[4]! & F_BOL).toBe(0);
  });

  it('accepts blanks between backslash and newline as a splice (gcc)', () => {
    expect(toks('a \\  \nb')).toEqual(['a', 'b']);
  });

  it('treats comments as whitespace, block comments do not end a line', () => {
    const l = lex('a/* x\n y */b // c\nd', 't.c');
    expect([l.text(0), l.text(1), l.text(2)]).toEqual(['a', 'b', 'd']);
    expect(l.flags[1]! & (F_WHITE | F_BOL)).toBe(F_WHITE);
    expect(l.line[1]).toBe(2);
    expect(l.flags[2]! & F_BOL).toBe(F_BOL);
  });

  it('lexes string and character literals with prefixes', () => {
    const l = lex(`"a\\"b" L"w" u8"x" 'c' L'\\n' u8'x' R"d( " )d"`, 't.c');
    const kinds = Array.from(l.kind.slice(0, l.count));
    expect(toks(`"a\\"b" L"w" u8"x" 'c' L'\\n' u8'x' R"d( " )d"`)).toEqual([
      '"a\\"b"', 'L"w"', 'u8"x"', "'c'", "L'\\n'", 'u8', "'x'", 'R"d( " )d"',
    ]);
    expect(kinds).toEqual([K_STRING, K_STRING, K_STRING, K_CHAR, K_CHAR, K_IDENT, K_CHAR, K_STRING]);
  });

  it('makes an unterminated quote an Other token to the end of the line (asm comments)', () => {
    const l = lex("mov r0, r1 @ don't\nfoo", 't.S', 'asm');
    expect(toks("mov r0, r1 @ don't\nfoo", 'asm')).toEqual(['mov', 'r0', ',', 'r1', '@', 'don', "'t", 'foo']);
    expect(l.kind[4]).toBe(K_OTHER);
    expect(l.kind[6]).toBe(K_OTHER);
  });

  it("handles '$' like gcc: identifier character in C, Other in assembler", () => {
    expect(toks('x$y $z')).toEqual(['x$y', '$z']);
    expect(toks('x$y $z', 'asm')).toEqual(['x', '$', 'y', '$', 'z']);
    expect(toks('R"(a)"', 'asm')).toEqual(['R', '"(a)"']);
  });

  it('keeps digraph spellings and maps them to their punctuator', () => {
    const l = lex('<: :> <% %> %: %:%:', 't.c');
    expect(toks('<: :> <% %> %: %:%:')).toEqual(['<:', ':>', '<%', '%>', '%:', '%:%:']);
    expect(l.val[4]).toBe(P_HASH);
    expect(l.val[5]).toBe(P_PASTE);
    expect(l.kind[5]).toBe(K_PUNCT);
  });

  it('reports unterminated comments without throwing', () => {
    const l = lex('a /* never closed', 't.c');
    expect(l.count).toBe(1);
    expect(l.problems[0]).toMatchObject({ line: 1, col: 3, message: 'unterminated comment' });
  });

  it('folds CRLF line ends', () => {
    const l = lex('a\r\nb \\\r\nc', 't.c');
    expect(toks('a\r\nb \\\r\nc')).toEqual(['a', 'b', 'c']);
    expect(l.line[2]).toBe(3);
  });
});
