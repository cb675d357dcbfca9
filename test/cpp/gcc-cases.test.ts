import { describe, expect, it } from 'vitest';
import { gccE, HAVE_GCC, out, tokenize } from './support.js';

/**
 * Corner cases of cpplib's behaviour, each compared token for token (and line by line, spacing included) with the
 * host gcc -E. The inputs are written here; the expected outputs are whatever gcc prints.
 */
const C: Record<string, Record<string, string>> = {
  'GNU named variadics and , ## comma elision': {
    'main.c': `#define e(fmt, args...) f(fmt , ## args)
#define v(...) g(0 , ## __VA_ARGS__)
#define w(a, ...) h(a , ## __VA_ARGS__)
#define p(x, ...) k(x, ##__VA_ARGS__)
e("a") e("a", 1) e("a", 1, 2) e("a",)
v() v(1) v(1, 2) v(,)
w(1) w(1,) w(1, 2) p(q) p(q,) p(q, r)
`,
  },
  '__VA_OPT__': {
    'main.c': `#define F(a, ...) f(a __VA_OPT__(,) __VA_ARGS__)
#define G(X, ...) X __VA_OPT__(- X ## __VA_ARGS__) end
#define H(...) __VA_OPT__(x ## __VA_ARGS__ ## y)
#define S(...) #__VA_OPT__(a __VA_ARGS__ b)
F(1) F(1, 2) F(1, 2, 3) F(1,)
G(a) G(a, b) G(a, b c)
H() H(1) H(1 2)
S() S(q) S( q  r )
`,
  },
  'recursion is blocked (hide sets / disabled macros)': {
    'main.c': `#define foo foo
#define a b
#define b a
#define f(x) x f
#define g(x) g(x) + x
#define h h(
#define AA BB
#define BB AA AA
foo a b f(1)(2) g(g(1)) h h
AA BB
#define i(x) j(x
#define j(x) x)
i(i(1)))
#define obj obj(obj)
#define obj2(x) obj2 x
obj obj2(obj2)(3)
`,
  },
  'f(2)(9) and other context-popping cases': {
    'main.c': `#define f(a) a*g
#define g(a) f(a)
f(2)(9)
#define EMPTY
#define LPAREN (
#define RPAREN )
#define F(x, y) x + y
#define ELLIP_FUNC(...) __VA_ARGS__
ELLIP_FUNC(F, LPAREN, 'a', 'b', RPAREN);
#define q(x) x
#define r() q
r()(1) r() (2) q EMPTY (3)
#define fun(x) [x]
fun
(1)
#define obj fun
obj(2) obj (3) obj
(4)
`,
  },
  'stringification spacing through padding': {
    'main.c': `#define s(x) #x
#define xs(x) s(x)
#define E
#define P +
#define id(x) x
#define cat(a,b) a##b
xs(a E b) xs( E a) xs(a E) xs(f( E )) xs(P P) xs(id(1)id(2)) xs(id( 1 ) P)
xs(cat(x,y) z) xs( "a\\"b" 'c' ) xs(a
b) s(  spaced   out  ) s(/* c */ a /* d */ b)
xs(E) xs(E E) xs(+E+) xs(-E-) xs(id(-)-)
#define str2(x, y) #x #y
str2(, a) str2(a,) str2( , )
`,
  },
  'pasting: placemarkers, operators, failures in assembler-free C': {
    'main.c': `#define cat(a, b) a ## b
#define cat3(a, b, c) a ## b ## c
#define xcat(a, b) cat(a, b)
cat(x, y) cat(, y) cat(x, ) cat(, ) cat(1, 2) cat(1, e) cat(0x, 1f) cat(-, =) cat(<, <=) cat(., 5)
cat3(a, , c) cat3(, , ) cat3(1, ., 2) xcat(cat(a, b), c) cat(L, "s") cat(u8, "s") cat(L, 'c')
#define ID(x) x
#define obj ID(a) ## b
#define pcat(a) a ## cat
pcat(x)(1, 2)
`,
  },
  'directives inside macro arguments': {
    'main.c': `#define f(x, y) [x|y]
#define D 1
f(a,
#ifdef D
  b
#else
  c
#endif
)
f(
#define E 2
E, E)
#define g(x) <x>
g
#undef D
(D)
`,
  },
  '#if arithmetic': {
    'main.c': `#if -1 > 0u
unsigned_compare
#endif
#if (-1 >> 63) == -1 && (1 << 62) > 0 && (0xffffffffffffffff == -1) && (18446744073709551615 == -1)
shifts
#endif
#if 'a' == 97 && '\\377' < 0 && L'\\377' > 0 && 'ab' == 24930 && '\\x41' == 65
chars
#endif
#if defined X || !defined(Y) && (1 ? 2 : (1/0)) == 2
defined_and_ternary
#endif
#if 0x7fffffffffffffff + 1 < 0
overflow_wraps
#endif
#define DEF defined
#if DEF(DEF) && !DEF X
defined_from_macro
#endif
#if (2 || 1/0) && !(0 && 1/0) && (0 ? 1/0 : 1) && 10 % 3 == 1 && -7 / 2 == -3 && -7 % 2 == -1
short_circuit
#endif
#if 1 == 1L && 1u == 1ULL && 010 == 8 && 0b101 == 5 && (0 ? -1 : 0u) > 0 == 0
suffixes
#endif
#if __LINE__ == 31 && UNDEFINED_NAME == 0 && (1, 2) == 2
line_and_undefined
#endif
`,
  },
  '__LINE__, __FILE__, __COUNTER__, __INCLUDE_LEVEL__': {
    'main.c': `#define L __LINE__
#define F(x) __LINE__ x L
F(
1
) L __LINE__
#define H() F
H()
(3)
__FILE__ __INCLUDE_LEVEL__ __COUNTER__ __COUNTER__
#include "inc.h"
#line 100
__LINE__ L
#line 7 "renamed.c"
__LINE__ __FILE__
`,
    'inc.h': `__FILE__ __INCLUDE_LEVEL__ __LINE__ __COUNTER__ __BASE_FILE__
`,
  },
  '__LINE__ in a macro argument spanning lines: pre-expanded (its own line) or pasted through ## (the invocation)': {
    'main.c': `#define W(f, ...) g(f, ##__VA_ARGS__)
#define E(d, fmt, ...) W(fmt, ##__VA_ARGS__)
#define E2(d, fmt, ...) W(fmt, __VA_ARGS__)
#define E3(d, fmt, ...) g(fmt, ##__VA_ARGS__)
#define P(x) x
#define S(x) #x
#define A __LINE__
a E(d, "x",
  __LINE__);
b E2(d, "x",
  __LINE__);
c E3(d, "x",
  __LINE__);
d P(
  __LINE__);
e E3(d,
  P(__LINE__),
  __LINE__) P(E3(d,
  "y", __LINE__)) S(
  __LINE__)
f E3(d, "z",
  P(__LINE__)) E3(d, "w",
  A) P(
  A) E3(d, P(A),
  A)
`,
  },
  'includes: quote dir first, include_next, #pragma once, guards, __has_include, computed': {
    'main.c': `#include "a.h"
#include "a.h"
#include <b.h>
#include <b.h>
#define HDR <c.h>
#include HDR
#define Q(x) #x
#include Q(d.h)
#if __has_include(<b.h>) && !__has_include("nope.h") && __has_include_next(<b.h>)
has_include
#endif
#include "sub/e.h"
once_count
`,
    'a.h': 'a_h\n',
    'inc1/b.h': '#ifndef B_H\n#define B_H\nb_inc1\n#include_next <b.h>\n#endif\n',
    'inc2/b.h': 'b_inc2\n',
    'inc1/c.h': '#pragma once\nc_once\n',
    'd.h': 'd_h\n',
    'sub/e.h': '#include "f.h"\n#include "c.h"\n',
    'sub/f.h': 'sub_f\n',
    'f.h': 'top_f\n',
    'inc2/c.h': 'c_inc2\n',
  },
  'pragmas and _Pragma': {
    'main.c': `#define X 1
#define DO_PRAGMA(x) _Pragma (#x)
#define DIAG(s) _Pragma("GCC diagnostic push") s _Pragma("GCC diagnostic pop")
a DO_PRAGMA(GCC dependency) b
DIAG(int x;)
#pragma pack(X)
#pragma message ("m" X)
#pragma weak foo
#define EMPTY_PRAGMA _Pragma("")
c EMPTY_PRAGMA d
#ident "id"
`,
  },
  'null directive, unknown directives in skipped groups, line splices in directives': {
    'main.c': `#
#if 0
#bogus directive
#else
# define A \\
  1 + \\
  2
#endif
A
  #  define B(x) \\
    x ## x
B(y)
/* comment */ # /* c */ define C /* c */ 3
C
`,
  },
};

describe.skipIf(!HAVE_GCC)('same as gcc -E', () => {
  for (const [name, files] of Object.entries(C)) {
    it(name, () => {
      const inc = ['-Iinc1', '-Iinc2'];
      const gcc = gccE(files, 'main.c', inc);
      expect(gcc.length).toBeGreaterThan(0);
      const mine = out(files, 'main.c', { cmd: { includes: ['inc1', 'inc2'], systemIncludes: [], defines: [], forcedIncludes: [], flags: ['-std=gnu11'], language: 'c' } });
      expect(tokenize(mine)).toEqual(tokenize(gcc));
      const lines = (s: string) => s.split('\n').map((l) => l.trim()).filter((l) => l !== '');
      expect(lines(mine)).toEqual(lines(gcc));
    });
  }
});
