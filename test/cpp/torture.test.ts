import { describe, expect, it } from 'vitest';
import { out, pp } from './support.js';

/** Bad or extreme input: diagnostics with file:line, never a crash or a hang. */
describe('torture', () => {
  it('include cycles are diagnosed at the depth limit, naming the cycle', () => {
    const r = pp({ 'main.c': '#include "a.h"\nafter\n', 'a.h': '#include "b.h"\nA\n', 'b.h': '#include "a.h"\nB\n' });
    const d = r.diagnostics.filter((x) => x.code === 'P007');
    expect(d).toHaveLength(1);
    expect(d[0]!.message).toMatch(/#include nested depth 200 exceeds maximum of 200 \(include cycle through b\.h\)/);
    expect(d[0]!.primary).toMatchObject({ file: 'a.h', line: 1 });
    expect(d[0]!.notes![0]).toMatch(/b\.h → a\.h → b\.h$/);
    // the rest of the unit is still preprocessed
    expect(r.tokens.text(r.tokens.length - 1)).toBe('after');
  });

  it('guarded mutual includes are fine', () => {
    const files = { 'main.c': '#include "a.h"\nx\n', 'a.h': '#ifndef A\n#define A\n#include "b.h"\na\n#endif\n', 'b.h': '#ifndef B\n#define B\n#include "a.h"\nb\n#endif\n' };
    expect(out(files).split(/\s+/).filter(Boolean)).toEqual(['b', 'a', 'x']);
    expect(pp(files).diagnostics).toEqual([]);
  });

  it('unbalanced conditionals are reported with file:line', () => {
    const r = pp({
      'main.c': '#include "h.h"\n#if 1\nx\n#else\ny\n#else\nz\n#endif\n#endif\n#elif 1\n',
      'h.h': 'h\n#ifdef FOO\nfoo\n',
    });
    const got = r.diagnostics.map((d) => `${d.code} ${d.primary.file}:${d.primary.line} ${d.message}`);
    expect(got).toEqual([
      'P004 h.h:2 unterminated #ifdef',
      'P004 main.c:6 #else after #else',
      'P004 main.c:9 #endif without #if',
      'P004 main.c:10 #elif without #if',
    ]);
  });

  it('#error and #warning become diagnostics; preprocessing goes on', () => {
    const r = pp({ 'main.c': '#ifndef CONFIG_X\n#error CONFIG_X is required /* here */\n#endif\n#warning careful\nafter\n' });
    expect(r.diagnostics.map((d) => [d.code, d.severity, d.primary.line, d.message])).toEqual([
      ['P001', 'error', 2, '#error CONFIG_X is required'],
      ['P002', 'warning', 4, '#warning careful'],
    ]);
    expect(r.tokens.text(0)).toBe('after');
  });

  it('missing headers: an error, a named gap for generated ones', () => {
    const r = pp({ 'main.c': '#include <linux/nothere.h>\n#include <generated/bounds.h>\n#include <asm/asm-offsets.h>\nok\n' });
    expect(r.diagnostics.map((d) => [d.code, d.severity, d.primary.line])).toEqual([
      ['P003', 'error', 1],
      ['P003', 'warning', 2],
      ['P003', 'warning', 3],
    ]);
    expect(r.gaps).toHaveLength(2);
    expect(r.gaps[0]).toMatch(/generated header <generated\/bounds\.h> not found \(included from main\.c:2\)/);
  });

  it('self-referential and mutually recursive macros terminate', () => {
    const src = '#define a a b\n#define b a\n#define f(x) f(x) g(x)\n#define g(x) f(x)\na b f(f(1))\n';
    // what gcc -E prints
    expect(out({ 'main.c': src }).trim()).toBe('a a a b f(f(1) f(1)) f(f(1) f(1))');
  });

  it('GNU comma elision (`, ## args` / `, ## __VA_ARGS__`), gnu11 mode: what gcc -E prints', () => {
    const src = [
      '#define e(fmt, args...) f(fmt , ## args)',
      '#define v(...) g(0 , ## __VA_ARGS__)',
      '#define w(a, ...) h(a , ## __VA_ARGS__)',
      '#define p(x, ...) k(x, ##__VA_ARGS__)',
      'e("a") e("a", 1) e("a", 1, 2) e("a",)',
      'v() v(1) v(1, 2) v(,)',
      'w(1) w(1,) w(1, 2) p(q) p(q,) p(q, r)',
    ].join('\n') + '\n';
    // gcc 12.2 `gcc -E -P -std=gnu11`: the comma goes only when the variable argument is absent or empty, and the
    // pasted comma is not pasted with the argument's first token
    expect(out({ 'main.c': src }).split('\n').map((l) => l.trim()).filter(Boolean)).toEqual([
      'f("a") f("a" , 1) f("a" , 1, 2) f("a" ,)',
      'g(0) g(0 ,1) g(0 ,1, 2) g(0 ,,)',
      'h(1) h(1 ,) h(1 , 2) k(q) k(q,) k(q, r)',
    ]);
  });

  it('exponential expansion hits the token limit, reported', () => {
    let src = '#define m0 x x\n';
    for (let i = 1; i <= 40; i++) src += `#define m${i} m${i - 1} m${i - 1}\n`;
    src += 'm40\n';
    const r = pp({ 'main.c': src }, 'main.c', { limits: { maxTokens: 100_000 } });
    expect(r.diagnostics.map((d) => d.code)).toEqual(['P007']);
    expect(r.diagnostics[0]!.message).toMatch(/limit: maxTokens/);
  });

  it('deeply nested macro calls in arguments: a limit diagnostic, not a stack overflow', () => {
    const depth = 2000;
    const src = '#define f(x) (x)\n' + 'f('.repeat(depth) + '1' + ')'.repeat(depth) + '\nafter\n';
    const r = pp({ 'main.c': src });
    expect(r.diagnostics.map((d) => d.code)).toEqual(['P007']);
    expect(r.diagnostics[0]!.message).toMatch(/maxArgNesting/);
  });

  it('nesting below the limit works', () => {
    const depth = 300;
    const src = '#define f(x) (x)\n' + 'f('.repeat(depth) + '1' + ')'.repeat(depth) + '\n';
    expect(out({ 'main.c': src }).replace(/\s/g, '')).toBe('('.repeat(depth) + '1' + ')'.repeat(depth));
  });

  it('a 1 MB generated file: tables of macros, long lines, deep #if nesting', () => {
    const lines: string[] = ['#define ENTRY(n, v) [n] = { .id = n, .val = (v) * 2, .name = #n },', '#define WRAP(x) x'];
    for (let i = 0; i < 400; i++) lines.push(`#if ${i} < 1000 /* level ${i} */`);
    let body = 0;
    let size = lines.join('\n').length;
    lines.push('static const struct e table[] = {');
    while (size < 1_000_000) {
      const l = `  WRAP(ENTRY(${body}, ${body} + 1))`;
      lines.push(l);
      size += l.length + 1;
      body++;
    }
    lines.push('};');
    for (let i = 0; i < 400; i++) lines.push('#endif');
    lines.push('#define LONG ' + 'x + '.repeat(20_000) + 'x', 'int y = LONG;');
    const text = lines.join('\n') + '\n';
    expect(text.length).toBeGreaterThan(1_000_000);
    const t0 = performance.now();
    const r = pp({ 'main.c': text });
    const ms = performance.now() - t0;
    expect(r.diagnostics).toEqual([]);
    const toks = r.tokens;
    expect(toks.length).toBeGreaterThan(body * 20);
    expect(toks.text(toks.length - 2)).toBe('x');
    // no hang: far below a minute even on a loaded machine
    expect(ms).toBeLessThan(60_000);
  });

  it('unterminated comments and macro calls are diagnosed', () => {
    const r = pp({ 'main.c': '#define f(x) x\nf(1, \n', 'b.h': '' });
    expect(r.diagnostics.map((d) => d.message)).toEqual(['unterminated argument list invoking macro "f"']);
    const c = pp({ 'main.c': 'a /* never closed\n' });
    expect(c.diagnostics.map((d) => [d.code, d.primary.line, d.primary.col])).toEqual([['P008', 1, 3]]);
  });

  it('macro call errors: wrong argument counts', () => {
    const r = pp({ 'main.c': '#define f(a, b) a b\nf(1) f(1, 2, 3) f(1, 2)\n' });
    expect(r.diagnostics.map((d) => d.message)).toEqual([
      'macro "f" requires 2 arguments, but only 1 given',
      'macro "f" passed 3 arguments, but takes just 2',
    ]);
  });
});
