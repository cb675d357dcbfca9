import type { Expr } from './ast.js';
import type { Parser } from './parser.js';
import { typeOf } from './sema.js';
import { decay } from './types.js';

const PURE_BUILTINS = new Set([
  '__builtin_expect', '__builtin_expect_with_probability', '__builtin_constant_p', '__builtin_object_size',
  '__builtin_dynamic_object_size', '__builtin_clz', '__builtin_clzl', '__builtin_clzll', '__builtin_ctz', '__builtin_ctzl',
  '__builtin_ctzll', '__builtin_ffs', '__builtin_ffsl', '__builtin_ffsll', '__builtin_popcount', '__builtin_popcountl',
  '__builtin_popcountll', '__builtin_bswap16', '__builtin_bswap32', '__builtin_bswap64', '__builtin_classify_type',
  '__builtin_choose_expr', '__builtin_assume_aligned',
]);

/**
 * Can gcc drop this expression when its value is unused? True for arithmetic on constants, locals and non-volatile
 * loads; false for calls, assignments, increments, volatile accesses (READ_ONCE) and statement expressions.
 */
export function isPure(p: Parser, e: Expr): boolean {
  switch (e.k) {
    case 'num': case 'str': case 'chr': case 'sizeof': case 'offsetof': case 'typescompat': case 'labeladdr':
      return true;
    case 'id':
      return !(e.sym && e.sym.type.vq) && !(e.local && e.local.type.vq);
    case 'cast':
      return isPure(p, e.e);
    case 'un': {
      if (e.op === '++' || e.op === '--') return false;
      if (e.op === '*') {
        const t = decay(typeOf(p, e.e));
        if (t.k === 'ptr' && t.to.vq) return false;
      }
      return isPure(p, e.e);
    }
    case 'member': {
      if (e.arrow) {
        const t = decay(typeOf(p, e.e));
        if (t.k === 'ptr' && t.to.vq) return false;
      }
      return !typeOf(p, e).vq && isPure(p, e.e);
    }
    case 'index':
      return !typeOf(p, e).vq && isPure(p, e.e) && isPure(p, e.i);
    case 'bin':
    case 'comma':
      return isPure(p, e.l) && isPure(p, e.r);
    case 'cond':
      return isPure(p, e.c) && (!e.a || isPure(p, e.a)) && isPure(p, e.b);
    case 'choose':
      return isPure(p, e.c) && isPure(p, e.a) && isPure(p, e.b);
    case 'builtin':
      return PURE_BUILTINS.has(e.name) && e.args.every((a) => isPure(p, a));
    case 'generic':
      return e.assoc.every((a) => isPure(p, a.e));
    default:
      return false;
  }
}
