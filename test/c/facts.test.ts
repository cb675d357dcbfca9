import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { UnitFacts } from '../../src/core/facts.js';
import { compilerModel } from '../../src/c/compiler-refs.js';
import { haveCommand } from '../support/linux.js';
import { parseNm } from '../support/nm.js';
import { ARM_FLAGS, binding, cFacts as rawCFacts, globals, undef } from './helpers.js';

const GCC: Record<string, { cc: string; nm: string; flags: string[] }> = {
  arm: {
    cc: 'arm-linux-gnueabihf-gcc',
    nm: 'arm-linux-gnueabihf-nm',
    flags: ['-march=armv7-a', '-marm', '-mabi=aapcs-linux', '-msoft-float'],
  },
  arm64: { cc: 'aarch64-linux-gnu-gcc', nm: 'aarch64-linux-gnu-nm', flags: [] },
  x86: { cc: 'gcc', nm: 'nm', flags: ['-m64', '-mcmodel=kernel', '-mno-red-zone'] },
};

/**
 * Facts of the snippet; when the target's cross compiler is installed, the same text is compiled at -O2 with the
 * same flags and nm of the object must agree (undefined symbols and global definitions).
 */
function cFacts(src: string, opts: { arch?: string; flags?: string[]; noOracle?: boolean } = {}): UnitFacts {
  const f = rawCFacts(src, opts);
  const tc = GCC[opts.arch ?? 'arm'];
  if (tc && !opts.noOracle && haveCommand(tc.cc)) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kvlint-cc-'));
    try {
      fs.writeFileSync(path.join(dir, 't.i'), src);
      const flags = (opts.flags ?? []).filter((x) => x !== '-O2');
      if (flags.includes('-mstack-protector-guard=tls') && opts.arch !== 'arm64') flags.push('-mstack-protector-guard-offset=1272');
      execFileSync(tc.cc, ['-x', 'cpp-output', '-O2', '-std=gnu11', '-fno-PIE', '-fno-common', '-fno-strict-aliasing', '-fno-stack-protector', ...tc.flags, ...flags, '-w', '-c', '-o', path.join(dir, 't.o'), path.join(dir, 't.i')], { stdio: 'pipe' });
      const real = parseNm(execFileSync(tc.nm, [path.join(dir, 't.o')], { encoding: 'latin1' }));
      expect(undef(f), 'undefined symbols vs gcc+nm').toEqual([...real.undefined.keys()].sort());
      expect(globals(f), 'global symbols vs gcc+nm').toEqual([...real.defined.keys()].sort());
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }
  return f;
}

/** the 6.1 export.h expansion for architectures without PREL32 relocations (ARM), as gcc -E prints it */
function exportSym(sym: string, sec: '' | '_gpl', ns = ''): string {
  return `extern typeof(${sym}) ${sym}; extern const char __kstrtab_${sym}[]; extern const char __kstrtabns_${sym}[];
asm("	.section \\"__ksymtab_strings\\",\\"aMS\\",%progbits,1	\\n" "__kstrtab_" "${sym}" ":	\\n" "	.asciz 	\\"" "${sym}" "\\"	\\n" "__kstrtabns_" "${sym}" ":	\\n" "	.asciz 	\\"" "${ns}" "\\"	\\n" "	.previous	\\n");
static const struct kernel_symbol __ksymtab_${sym} __attribute__((section("___ksymtab" "${sec}" "+" "${sym}"), used)) __attribute__((__aligned__(sizeof(void *)))) = { (unsigned long)&${sym}, __kstrtab_${sym}, __kstrtabns_${sym} };
`;
}
const KSYM = 'struct kernel_symbol { unsigned long value; const char *name; const char *namespace; };\n';

describe('definitions', () => {
  it('global, static, weak, alias, tentative, extern', () => {
    const f = cFacts(`
      int g(void) { return 0; }
      static int s(void) { return 1; }
      __attribute__((weak)) int w(void) { return 2; }
      static int real(void) { return 3; }
      int al(void) __attribute__((alias("real")));
      int tent;
      int inited = 5;
      extern int ext;
      static int unused_static;
      const int ro = 1;
    `);
    expect(globals(f)).toEqual(['al', 'g', 'inited', 'ro', 'tent', 'w']);
    expect(binding(f, 'w')).toBe('weak');
    expect(binding(f, 'real')).toBe('local');
    expect(binding(f, 's')).toBeUndefined(); // never used: gcc drops it
    expect(f.defs.find((d) => d.name === 'al')?.how).toBe('__attribute__((alias))');
  });

  it('gnu_inline: extern inline is never emitted, plain inline is', () => {
    const f = cFacts(`
      extern inline __attribute__((__gnu_inline__)) int ei(void) { return 1; }
      inline __attribute__((__gnu_inline__)) int pi(void) { return 2; }
      int user(void) { return ei(); }
    `);
    expect(globals(f)).toEqual(['pi', 'user']);
  });

  it('an asm label renames the symbol', () => {
    const f = cFacts(`extern int foo(void) __asm__("bar"); int x(void) { return foo(); }`);
    expect(undef(f)).toEqual(['bar']);
  });

  it('a global register variable is not a symbol', () => {
    const f = cFacts(`register unsigned long current_stack_pointer asm ("sp"); unsigned long f(void) { return current_stack_pointer; }`);
    expect(globals(f)).toEqual(['f']);
    expect(undef(f)).toEqual([]);
  });
});

describe('references from kept code only', () => {
  it('unused static inline functions contribute nothing', () => {
    const f = cFacts(`
      extern void a(void); extern void b(void); extern void c(void);
      static inline void never(void) { a(); }
      static inline void used(void) { b(); }
      static void dead_static(void) { c(); }
      void api(void) { used(); }
    `);
    expect(undef(f)).toEqual(['b']);
  });

  it('constant conditions are folded as gcc -O2 does', () => {
    const f = cFacts(`
      extern void yes(void); extern int no(void); extern void no2(void); extern void no3(void); extern void maybe(void);
      extern int cond;
      void api(void) {
        if (0 || 0) no();
        if (1) yes(); else no2();
        while (0) no3();
        if (cond) maybe();
        (void)(0 && no());
      }
    `);
    expect(undef(f)).toEqual(['cond', 'maybe', 'yes']);
  });

  it('unevaluated operands (sizeof, typeof, __builtin_constant_p, _Generic) reference nothing', () => {
    const f = cFacts(`
      extern int x1(void); extern int x2(void); extern int x3(void); extern int x4;
      int api(void) {
        typeof(x1()) v = 0;
        return sizeof(x2()) + __builtin_constant_p(x3()) + v + _Generic(x4, int: 1, default: 2);
      }
    `);
    expect(undef(f)).toEqual([]);
  });

  it('__builtin_constant_p sees constants through inlined static inline functions', () => {
    const f = cFacts(`
      extern int fast(void); extern int slow(int);
      static inline __attribute__((__always_inline__)) int pick(int n) { if (__builtin_constant_p(n)) return fast(); return slow(n); }
      int g(void) { return pick(3); }
    `);
    expect(undef(f)).toEqual(['fast']);
    const h = cFacts(`
      extern int fast(void); extern int slow(int);
      static inline __attribute__((__always_inline__)) int pick(int n) { if (__builtin_constant_p(n)) return fast(); return slow(n); }
      int h(int x) { return pick(x); }
    `);
    expect(undef(h)).toEqual(['slow']);
  });

  it('a parameter keeps its inlined value until it is written (flow-sensitive)', () => {
    const f = cFacts(`
      extern void generic(void);
      static inline void xor(unsigned int size) {
        if (__builtin_constant_p(size) && size % 4 == 0) { while (size > 0) size -= 4; }
        else generic();
      }
      void api(void) { xor(16); }
    `);
    expect(undef(f)).toEqual([]);
  });

  it('the value of an inlined function folds a caller condition (kmalloc_index style)', () => {
    const f = cFacts(`
      extern void *small(void); extern void *large(void);
      static inline __attribute__((__always_inline__)) unsigned int idx(unsigned int size) {
        if (size <= 8) return 3;
        if (size <= 16) return 4;
        return 0;
      }
      void *alloc8(void) { if (idx(sizeof(long long)) == 0) return large(); return small(); }
    `);
    expect(undef(f)).toEqual(['small']);
  });

  it('a statement expression with a once-guard folds (DO_ONCE_LITE_IF / WARN_ON_ONCE)', () => {
    const f = cFacts(`
      extern void warn(void);
      int check(void) {
        unsigned int bytes = 4;
        if (({ _Bool r = !!(bytes > 100); if (({ static _Bool done; _Bool c = !!(r); _Bool once = 0;
              if (__builtin_expect(!!(c && !done), 0)) { done = 1; once = 1; } __builtin_expect(!!(once), 0); })) warn();
              __builtin_expect(!!(r), 0); }))
          return 1;
        return 0;
      }
    `);
    expect(undef(f)).toEqual([]);
  });

  it('check_mul_overflow() with constant operands gives kmalloc_array a constant size', () => {
    const f = cFacts(`
      typedef unsigned int size_t; extern void *__kmalloc(size_t); extern void *kmalloc_const(size_t);
      static inline __attribute__((__always_inline__)) void *kmalloc(size_t size) { if (__builtin_constant_p(size)) return kmalloc_const(size); return __kmalloc(size); }
      static inline void *kmalloc_array(size_t n, size_t size) {
        size_t bytes;
        if (__builtin_expect(!!(({ typeof(n) __a = (n); typeof(size) __b = (size); typeof(&bytes) __d = (&bytes); (void) (&__a == &__b); (void) (&__a == __d); __builtin_mul_overflow(__a, __b, __d); })), 0))
          return ((void *)0);
        if (__builtin_constant_p(n) && __builtin_constant_p(size)) return kmalloc(bytes);
        return __kmalloc(bytes);
      }
      void *api(void) { return kmalloc_array(4, 16); }
    `);
    expect(undef(f)).toEqual(['kmalloc_const']);
  });

  it('value ranges decide conditions (clamped lengths, 64-bit values known to exceed 32 bits)', () => {
    const f = cFacts(`
      extern void warn(void); extern unsigned int get(void); extern void use(unsigned int);
      void clamp(void) { unsigned int len = get(); if (len > 128) len = 128; if (len > 0x7fffffff) warn(); use(len); }
    `);
    expect(undef(f)).toEqual(['get', 'use']);
    const g = cFacts(`
      typedef unsigned long long u64; typedef unsigned int u32; extern u32 div64(u64 *, u32); extern u64 out;
      void f(u32 vco) { u64 t = 0x400000000ULL + vco / 2; if (((t) >> 32) == 0) t = (u32)t / vco; else div64(&t, vco); out = t; }
    `);
    expect(undef(g)).toEqual(['div64', 'out']);
  });

  it('a test of an address-taken local does not narrow it: a call may rewrite it (tda10071 probe reading ids twice)', () => {
    const f = cFacts(`
      extern int rd(unsigned int *v); extern void ok(void);
      int probe(void) {
        unsigned int v;
        if (rd(&v)) return -1;
        if (v != 0x0f) return -19;
        if (rd(&v)) return -1;
        if (v != 0x00) return -19;
        ok();
        return 0;
      }
    `);
    expect(undef(f)).toEqual(['ok', 'rd']);
  });

  it('a loop condition on a field of a local struct prunes a switch on that field in the inlined loop step (scoped_seqlock_read canary)', () => {
    // the shape of 6.1.192's scoped_seqlock_read(): the state checked by the loop condition is read, unchanged, by
    // the always-inline step's switch; gcc drops the impossible case and its canary call
    const src = (body: string) => `
      enum st { st_done = 0, st_a, st_b, st_c };
      struct tmp { enum st state; unsigned long data; int *lock; };
      extern void canary(void); extern void bad_target(void); extern unsigned long begin(void); extern int retry(unsigned long);
      extern void take(int *); extern void drop(int *); extern void leak(struct tmp *);
      static inline __attribute__((__always_inline__)) void done_fn(struct tmp *t) { if (t->lock) drop(t->lock); }
      static inline __attribute__((__always_inline__)) void next(struct tmp *t, int *l, enum st target) {
        switch (t->state) {
        case st_done: canary(); return;
        case st_a: case st_b: t->state = st_done; return;
        case st_c: if (!retry(t->data)) { t->state = st_done; return; } break;
        }
        switch (target) {
        case st_done: bad_target(); return;
        case st_a: t->lock = l; take(l); t->state = st_a; return;
        case st_b: t->lock = l; take(l); t->state = st_b; return;
        case st_c: t->data = begin(); return;
        }
      }
      extern int shared, out; int lk;
      void read_it(void) {
        for (struct tmp s __attribute__((__cleanup__(done_fn))) = { .state = st_c, .data = begin() }; s.state != st_done; next(&s, &lk, st_a)) {
          ${body}
        }
      }
    `;
    expect(undef(cFacts(src('out = shared;')))).toEqual(['begin', 'drop', 'out', 'retry', 'shared', 'take']);
    // the body writes the state, or lets its address escape: the case stays (gcc keeps the call)
    expect(undef(cFacts(src('out = shared; if (out) s.state = st_done;')))).toContain('canary');
    expect(undef(cFacts(src('out = shared; leak(&s);')))).toContain('canary');
  });

  it('a case the loop condition excludes is still reached by falling through from a possible one', () => {
    const f = cFacts(`
      struct tmp { int state; }; extern void canary(void); extern void work(void); extern int more(void);
      static inline __attribute__((__always_inline__)) void next(struct tmp *t) {
        switch (t->state) {
        case 2: work(); /* fall through */
        case 0: canary(); t->state = more(); return;
        case 1: t->state = 0; return;
        }
      }
      extern int out;
      void api(void) { for (struct tmp s = { .state = more() }; s.state != 0; next(&s)) out++; }
    `);
    expect(undef(f)).toEqual(['canary', 'more', 'out', 'work']);
  });

  it('a local initialised from a global is loaded only if kept code reads it (ARM tlb_flag() with SMP=n: no cpu_tlb)', () => {
    // the shape of arch/arm/include/asm/tlbflush.h's local_flush_*(): `const unsigned int __tlb_flag =
    // cpu_tlb.tlb_flags;` read only behind `always & f ||` (already true) or `& possible & f` (always 0)
    const src = (extra: string) => `
      struct fns { unsigned long flags; void (*f)(void); };
      extern struct fns tab; extern int g, h; extern void use(int);
      static inline __attribute__((__always_inline__)) void a(void) {
        const int zero = 0;
        const unsigned int fl = tab.flags;
        if ((((-1UL) & (-1UL) & 0x90011010UL) & (1 << 23)) || (fl & (0 | 0 | 0x90011010UL) & (1 << 23)))
          asm volatile("mcr p15, 0, %0, c7, c5, 6" : : "r" (zero));
      }
      static inline __attribute__((__always_inline__)) void b(void) {
        const unsigned int fl = tab.flags;
        if ((((-1UL) & 0x90011010UL) & (1 << 19)) || (fl & 0x90011010UL & (1 << 19))) asm volatile("nop");
      }
      void api(void) { a(); b(); }
      void unread(void) { int x = g; int y = h * 0; if (0) use(x); use(y); }
      ${extra}
    `;
    expect(undef(cFacts(src('')))).toEqual(['use']);
    // read where it decides kept code: loaded
    expect(undef(cFacts(src('void used(void) { const unsigned int fl = tab.flags; if (fl & (1 << 4)) asm volatile("nop"); }')))).toEqual(['tab', 'use']);
  });

  it('a switch on a known value keeps only the matching case', () => {
    const f = cFacts(`
      extern void one(void); extern void two(void); extern void other(void);
      static inline void sw(int n) { switch (n) { case 1: one(); break; case 2: two(); break; default: other(); } }
      void api(void) { sw(2); }
    `);
    expect(undef(f)).toEqual(['two']);
  });

  it('calls to error()/warning() attributed functions never reach nm (BUILD_BUG_ON)', () => {
    const f = cFacts(`
      extern void __compiletime_assert_1(void) __attribute__((__error__("BUILD_BUG_ON failed")));
      void api(int x) { do { if (!(!(sizeof(int) != 4))) __compiletime_assert_1(); } while (0); }
    `);
    expect(undef(f)).toEqual([]);
  });

  it('_Generic selects by type, const on the pointed-to type included', () => {
    const f = cFacts(`
      struct device; extern void *fw_const(const struct device *); extern void *fw(struct device *);
      void *api(struct device *dev) { return _Generic((dev), const struct device *: fw_const, struct device *: fw)(dev); }
    `);
    expect(undef(f)).toEqual(['fw']);
  });

  it('loads of a global that cancel out are not references (virt_to_page on ARM)', () => {
    const f = cFacts(`
      struct page { unsigned long flags; }; extern struct page *mem_map; extern unsigned long __pv_phys_pfn_offset;
      struct page *v2p(const void *p) { return (mem_map + ((((((unsigned long)(p) - 0xC0000000UL) >> 12) + (__pv_phys_pfn_offset))) - (__pv_phys_pfn_offset))); }
    `);
    expect(undef(f)).toEqual(['mem_map']);
  });

  it('weak references are marked weak', () => {
    const f = cFacts(`extern int wr(void) __attribute__((weak)); int u(void) { return wr ? wr() : 0; }`);
    expect(f.refs).toMatchObject([{ name: 'wr', weak: true }]);
  });

  it('references in kept objects and address-taken statics count; unused statics do not', () => {
    const f = cFacts(`
      extern void cb1(void); extern void cb2(void); extern void cb3(void);
      struct ops { void (*a)(void); };
      static void handler(void) { cb1(); }
      static const struct ops used_ops = { .a = handler };
      static const struct ops unused_ops = { .a = cb2 };
      const struct ops *get(void) { return &used_ops; }
      static struct ops kept __attribute__((__used__)) = { cb3 };
    `);
    expect(undef(f)).toEqual(['cb1', 'cb3']);
  });

  it('module_init aliases keep their static target', () => {
    const f = cFacts(`
      extern int reg(void);
      static int __attribute__((__section__(".init.text"))) my_init(void) { return reg(); }
      int init_module(void) __attribute__((__copy__(my_init))) __attribute__((alias("my_init")));
    `);
    expect(undef(f)).toEqual(['reg']);
    expect(globals(f)).toEqual(['init_module']);
  });

  it('inline asm: the template and the operands', () => {
    const f = cFacts(`
      struct static_key { int enabled; }; extern struct static_key my_key;
      int get4(void) { int r; asm volatile("bl __get_user_4" : "=r"(r) : : "lr"); return r; }
      int branch(void) { asm goto("1: nop\\n\\t.pushsection __jump_table, \\"aw\\"\\n\\t.word 1b, %l[l_yes], %c0\\n\\t.popsection" : : "i"(&((char *)&my_key)[0]) : : l_yes); return 0; l_yes: return 1; }
    `);
    expect(undef(f)).toEqual(['__get_user_4', 'my_key']);
  });
});

describe('compiler-introduced references (ARM, gcc 12 -O2)', () => {
  it('32-bit division by a variable calls the AEABI helper, by a constant does not', () => {
    const f = cFacts(`
      unsigned int ud(unsigned int a, unsigned int b) { return a / b; }
      int sm(int a, int b) { return a % b; }
      unsigned int c(unsigned int a) { return a / 10; }
    `);
    expect(undef(f)).toEqual(['__aeabi_idivmod', '__aeabi_uidiv']);
  });

  it('a / b next to a % b is one divmod call', () => {
    expect(undef(cFacts(`unsigned int q, r; void f(unsigned int a, unsigned int b) { r = a % b; q = a / b; }`))).toEqual(['__aeabi_uidivmod']);
  });

  it('64-bit division: by 10 inline, % 1000 and by a variable call __aeabi_uldivmod', () => {
    expect(undef(cFacts(`unsigned long long a(unsigned long long x) { return x / 10; }`))).toEqual([]);
    expect(undef(cFacts(`unsigned long long b(unsigned long long x) { return x % 1000; }`))).toEqual(['__aeabi_uldivmod']);
    expect(undef(cFacts(`long long c(long long x, long long y) { return x / y; }`))).toEqual(['__aeabi_ldivmod']);
    expect(undef(cFacts(`unsigned long long d(unsigned long long x) { return x / 1024; }`))).toEqual([]);
  });

  it('64-bit division of operands extended from 32 bits is done in 32 bits (the C front end shortens it)', () => {
    // (u64)u32 / constant: a 32-bit division by a constant, inline; constant / (u64)u32: __aeabi_uidiv
    expect(undef(cFacts(`unsigned long long a(unsigned int x) { return (unsigned long long)x / 1000ULL; }`))).toEqual([]);
    expect(undef(cFacts(`unsigned long long b(unsigned int x) { return 2000000000ULL / x; }`))).toEqual(['__aeabi_uidiv']);
    expect(undef(cFacts(`unsigned long long c(unsigned int x, unsigned int y) { return (unsigned long long)x / y; }`))).toEqual(['__aeabi_uidiv']);
    expect(undef(cFacts(`long long d(int x) { return (long long)x / 1000; }`))).toEqual([]);
    expect(undef(cFacts(`unsigned long long g(unsigned int x) { return (unsigned long long)x % 1000; }`))).toEqual([]);
    expect(undef(cFacts(`unsigned long long h(unsigned short x, unsigned short y) { return (unsigned long long)x / (unsigned long long)y; }`))).toEqual(['__aeabi_uidiv']);
    // not shortened: a signed dividend over a variable (INT_MIN / -1), operands extended differently, a 64-bit operand
    expect(undef(cFacts(`long long e(int x, int y) { return (long long)x / y; }`))).toEqual(['__aeabi_ldivmod']);
    expect(undef(cFacts(`long long l(int x, int y) { return (long long)x / (long long)(unsigned int)y; }`))).toEqual(['__aeabi_ldivmod']);
    expect(undef(cFacts(`unsigned long long j(unsigned long long x, unsigned int y) { return x / y; }`))).toEqual(['__aeabi_uldivmod']);
    expect(undef(cFacts(`unsigned long long k(int x) { return (unsigned long long)x / 1000U; }`))).toEqual(['__aeabi_uldivmod']);
  });

  it('a global stub of the unit returning a constant is inlined: code behind a test of its result folds (a weak one is not)', () => {
    const f = cFacts(`
      extern int vma_thp(void *v); extern void other(void);
      _Bool is_huge(void *v, int i) { return 0; }
      __attribute__((weak)) _Bool maybe_huge(void *v) { return 0; }
      int f(void *v, int i) { if (!is_huge(v, i)) goto nohuge; return vma_thp(v); nohuge: return 1; }
      int g(void *v) { if (maybe_huge(v)) other(); return 0; }
    `);
    expect(undef(f)).toEqual(['other']);
  });

  it('no division helper on a 64-bit target', () => {
    expect(undef(cFacts(`unsigned long a(unsigned long x, unsigned long y) { return x / y; }`, { arch: 'arm64' }))).toEqual([]);
  });

  it('a remainder nobody reads is not computed (div_u64 → div_u64_rem → do_div)', () => {
    const f = cFacts(`
      typedef unsigned long long u64; typedef unsigned int u32;
      extern u32 __div64_32(u64 *n, u32 base);
      static inline u64 div_u64_rem(u64 dividend, u32 divisor, u32 *remainder) {
        *remainder = ({ u32 __base = (divisor); u32 __rem;
          if (__builtin_expect(!!(((dividend) >> 32) == 0), 1)) { __rem = (u32)(dividend) % __base; (dividend) = (u32)(dividend) / __base; }
          else { __rem = __div64_32(&(dividend), __base); }
          __rem; });
        return dividend;
      }
      static inline u64 div_u64(u64 dividend, u32 divisor) { u32 remainder; return div_u64_rem(dividend, divisor, &remainder); }
      u64 api(u64 a, u32 b) { return div_u64(a, b); }
      u32 rem(u64 a, u32 b) { u32 r; div_u64_rem(a, b, &r); return r; }
    `);
    expect(undef(f)).toEqual(['__aeabi_uidiv', '__aeabi_uidivmod', '__div64_32']);
  });

  it('memcpy/memset with small constant sizes are expanded inline', () => {
    const f = cFacts(`
      typedef unsigned int size_t; extern void *memcpy(void *, const void *, size_t); extern void *memset(void *, int, size_t);
      void a(void *d, const void *s) { memcpy(d, s, 8); memset(d, 0, 16); }
    `);
    expect(undef(f)).toEqual([]);
    const g = cFacts(`
      typedef unsigned int size_t; extern void *memcpy(void *, const void *, size_t); extern void *memset(void *, int, size_t);
      void a(void *d, const void *s, size_t n) { memcpy(d, s, 100); memset(d, 0, n); }
    `);
    expect(undef(g)).toEqual(['memcpy', 'memset']);
  });

  it('initialiser lists: memset for word-aligned objects over 28 bytes, memcpy from a constant for byte arrays over 64', () => {
    expect(undef(cFacts(`struct w { int a[8]; }; extern void use(void *); void f(void) { struct w x = {0}; use(&x); }`))).toEqual(['memset', 'use']);
    expect(undef(cFacts(`struct w { int a[7]; }; extern void use(void *); void f(void) { struct w x = {0}; use(&x); }`))).toEqual(['use']);
    expect(undef(cFacts(`struct b { unsigned char a[80]; }; extern void use(void *); void f(void) { struct b x = {0}; use(&x); }`))).toEqual(['memcpy', 'use']);
    expect(undef(cFacts(`struct b { unsigned char a[40]; }; extern void use(void *); void f(int v) { struct b x = { .a[0] = v }; use(&x); }`))).toEqual(['memset', 'use']);
  });

  it('copying a const static template stores its initialiser (memset), a non-const one is copied (memcpy)', () => {
    const pre = `struct wd { int id; void *ops[20]; unsigned int timeout; }; extern void *ops1; struct holder { struct wd w; };\n`;
    expect(undef(cFacts(pre + `static const struct wd tmpl = { .ops[0] = &ops1, .timeout = 30 }; void f(struct holder *h) { h->w = tmpl; }`))).toEqual(['memset', 'ops1']);
    expect(undef(cFacts(pre + `static struct wd tmpl = { .ops[0] = &ops1, .timeout = 30 }; void f(struct holder *h) { h->w = tmpl; }`))).toEqual(['memcpy', 'ops1']);
  });

  it('aggregate copies over 64 bytes call memcpy', () => {
    const f = cFacts(`struct big { int a[20]; }; void cp(struct big *d, struct big *s) { *d = *s; }`);
    expect(undef(f)).toEqual(['memcpy']);
    expect(undef(cFacts(`struct small { int a[4]; }; void cp(struct small *d, struct small *s) { *d = *s; }`))).toEqual([]);
  });

  it('stack protector guard: global unless the command or CONFIG_STACKPROTECTOR_PER_TASK says per task', () => {
    const src = `extern void g(char *); void f(void) { char buf[16]; g(buf); }`;
    const flags = ['-fstack-protector-strong'];
    // kbuild's own commands lack the flag arch/arm's prepare recipe adds (-mstack-protector-guard=tls): the
    // configuration says where the canary is
    expect(undef(rawCFacts(src, { flags }))).toEqual(['__stack_chk_fail', '__stack_chk_guard', 'g']);
    expect(undef(rawCFacts(src, { flags, perTaskStackProtector: true }))).toEqual(['__stack_chk_fail', 'g']);
    for (const arch of ['arm', 'arm64', 'riscv']) expect(compilerModel(arch, flags, true).stackGuard).not.toBe('global');
    expect(compilerModel('arm64', flags, true).stackGuard).toBe('sysreg');
    // an explicit flag wins
    expect(compilerModel('arm', [...flags, '-mstack-protector-guard=global'], true).stackGuard).toBe('global');
  });

  it('stack protector (strong, TLS guard): local arrays and escaping addresses', () => {
    const flags = ['-fstack-protector-strong', '-mstack-protector-guard=tls'];
    expect(undef(cFacts(`extern void g(char *); void f(void) { char buf[16]; g(buf); }`, { flags }))).toEqual(['__stack_chk_fail', 'g']);
    expect(undef(cFacts(`extern void g(int *); void f(void) { int v; g(&v); }`, { flags }))).toEqual(['__stack_chk_fail', 'g']);
    expect(undef(cFacts(`extern void g(int); void f(int x) { g(x); }`, { flags }))).toEqual(['g']);
    // the address of a parameter does not count (gcc checks local variables only)
    expect(undef(cFacts(`extern void g(unsigned char *); void f(unsigned char v) { g(&v); }`, { flags }))).toEqual(['g']);
    // a struct returned in memory (AAPCS: over 4 bytes) goes through an address-taken temporary
    expect(undef(cFacts(`struct ts { long long s; long ns; }; extern struct ts now(void); struct ts *t; void f(void) { *t = now(); }`, { flags }))).toEqual(['__stack_chk_fail', 'now']);
    // typecheck(): comparing addresses does not make them escape
    expect(undef(cFacts(`extern void g(long); void f(long x) { ({ long d1; typeof(x) d2; (void)(&d1 == &d2); 1; }); g(x); }`, { flags }))).toEqual(['g']);
    // an array only indexed by constants is split into registers, also when handed to an inlined function
    expect(undef(cFacts(`extern void g(int); void f(int x) { int t[2]; t[0] = x; t[1] = x; g(t[0] + t[1]); }`, { flags }))).toEqual(['g']);
    expect(undef(cFacts(`extern void g(unsigned long, unsigned long);
      static void ipi(void *arg) { unsigned long *r = arg; g(r[0], r[1]); }
      void f(unsigned long s, unsigned long e) { unsigned long range[2] = { s, e }; ipi(range); }`, { flags }))).toEqual(['g']);
  });

  it('-ftrivial-auto-var-init=zero clears uninitialised aggregates of 32 bytes or more with memset', () => {
    const flags = ['-ftrivial-auto-var-init=zero'];
    expect(undef(cFacts(`struct big { int a[16]; }; extern void use(struct big *); void f(void) { struct big b; use(&b); }`, { flags }))).toEqual(['memset', 'use']);
    expect(undef(cFacts(`struct sm { int a[4]; }; extern void use(struct sm *); void f(void) { struct sm b; use(&b); }`, { flags }))).toEqual(['use']);
    expect(undef(cFacts(`struct cmd { unsigned char len; unsigned char args[30]; }; extern void use(struct cmd *); void f(void) { struct cmd c; use(&c); }`, { flags }))).toEqual(['memset', 'use']);
  });

  it('-funwind-tables on ARM: objects with code reference __aeabi_unwind_cpp_pr0', () => {
    expect(undef(cFacts(`int f(void) { return 0; }`, { flags: ARM_FLAGS }))).toEqual(['__aeabi_unwind_cpp_pr0']);
    expect(undef(cFacts(`int data = 1;`, { flags: ARM_FLAGS }))).toEqual([]);
  });

  it('loops gcc turns into memset/memcpy (loop distribution), small constant ones stay inline', () => {
    const pre = 'typedef unsigned long long u64; typedef unsigned int u32; typedef unsigned char u8;\n';
    expect(undef(cFacts(pre + `void clr(u64 *d, unsigned n) { unsigned i; for (i = 0; i < n; i++) d[i] = 0; }`))).toEqual(['memset']);
    expect(undef(cFacts(pre + `void z8(u32 *d) { int i; for (i = 0; i < 8; i++) d[i] = 0; }`))).toEqual(['memset']);
    expect(undef(cFacts(pre + `void z6(u32 *d) { int i; for (i = 0; i < 6; i++) d[i] = 0; }`))).toEqual([]);
    expect(undef(cFacts(pre + `void f5(u32 *d, int n) { int i; for (i = 0; i < n; i++) d[i] = 5; }`))).toEqual([]);
    expect(undef(cFacts(pre + `void w(u32 *d, int n) { while (n--) *d++ = 0; }`))).toEqual(['memset']);
    expect(undef(cFacts(pre + `void set(u64 *d, const u64 *s, unsigned n) { unsigned i; for (i = 0; i < n; i++) d[i] = s[i]; }`))).toEqual([]);
    expect(undef(cFacts(pre + `extern void use(u64 *); void loc(const u64 *s, unsigned n) { u64 t[16]; unsigned i; for (i = 0; i < n && i < 16; i++) t[i] = s[i]; use(t); }`))).toEqual(['use']);
    expect(undef(cFacts(pre + `struct s { u64 a[8]; }; extern void use(u64 *); void loc2(struct s *p, unsigned n) { u64 t[16]; unsigned i; for (i = 0; i < n; i++) t[i] = p->a[i]; use(t); }`))).toEqual(['memcpy', 'use']);
  });

  it('string builtins gcc folds', () => {
    const f = cFacts(`
      typedef unsigned int size_t; extern size_t strlen(const char *); extern int strcmp(const char *, const char *);
      extern int strncmp(const char *, const char *, size_t); extern int sprintf(char *, const char *, ...);
      int a(const char *s) { return strlen(s) ? strcmp(s, "ab") : strncmp(s, "__", 2); }
      void b(char *d, const char *s) { sprintf(d, "%s", s); }
    `);
    expect(undef(f)).toEqual(['strcpy']);
  });
});

describe('exports and module info', () => {
  it('EXPORT_SYMBOL / _GPL / _NS from the ___ksymtab section strings', () => {
    const f = cFacts(
      KSYM +
        `int a(void) { return 0; } int b(void) { return 1; } int c(void) { return 2; } extern int d(void);\n` +
        exportSym('a', '') +
        exportSym('b', '_gpl') +
        exportSym('c', '_gpl', 'MY_NS') +
        exportSym('d', ''),
    );
    expect(f.exports.map((x) => [x.name, x.gpl, x.namespace])).toEqual([
      ['a', false, null],
      ['b', true, null],
      ['c', true, 'MY_NS'],
      ['d', false, null],
    ]);
    // exporting a symbol defined elsewhere references it; the __kstrtab strings are defined by the asm
    expect(undef(f)).toEqual(['d']);
  });

  it('an empty namespace string stays empty when a later asm string follows (a BUG() file name in __bug_table)', () => {
    const f = cFacts(
      KSYM +
        `int a(void) { return 0; }\n` +
        exportSym('a', '_gpl') +
        `void f(void) { asm volatile("1: .word 0\\n .pushsection __bug_table,\\"aw\\"\\n 2: .long 1b\\n .asciz \\"drivers/x/y.c\\"\\n .popsection"); }\n`,
    );
    expect(f.exports.map((x) => [x.name, x.gpl, x.namespace])).toEqual([['a', true, null]]);
  });

  it('PREL32 form (arm64, x86): the ___ksymtab section in top-level asm', () => {
    const f = cFacts(`
      int foo(void) { return 0; }
      asm("	.section \\"___ksymtab_gpl+foo\\", \\"a\\"	\\n" "	.balign	4	\\n" "__ksymtab_foo:	\\n" "	.long	foo- .	\\n" "	.long	__kstrtab_foo- .	\\n" "	.long	__kstrtabns_foo- .	\\n" "	.previous	\\n");
      asm("	.section \\"__ksymtab_strings\\",\\"aMS\\",%progbits,1	\\n" "__kstrtab_foo:	\\n" "	.asciz 	\\"foo\\"	\\n" "__kstrtabns_foo:	\\n" "	.asciz 	\\"NS2\\"	\\n" "	.previous	\\n");
    `, { arch: 'arm64' });
    expect(f.exports.map((x) => [x.name, x.gpl, x.namespace])).toEqual([['foo', true, 'NS2']]);
    expect(undef(f)).toEqual([]);
  });

  it('MODULE_LICENSE and MODULE_IMPORT_NS from .modinfo (module and built-in prefixes)', () => {
    const f = cFacts(`
      static const char __UNIQUE_ID_license12[] __attribute__((__used__)) __attribute__((__section__(".modinfo"))) __attribute__((__aligned__(1))) = "license" "=" "Dual BSD/GPL";
      static const char __UNIQUE_ID_import_ns13[] __attribute__((__used__)) __attribute__((__section__(".modinfo"))) __attribute__((__aligned__(1))) = "import_ns" "=" "CRYPTO_INTERNAL";
    `);
    expect(f.license?.value).toBe('Dual BSD/GPL');
    expect(f.importNs.map((n) => n.ns)).toEqual(['CRYPTO_INTERNAL']);
    const b = cFacts(`static const char __UNIQUE_ID_license1[] __attribute__((__used__)) __attribute__((__section__(".modinfo"))) = "zsmalloc" "." "license" "=" "GPL";`);
    expect(b.license?.value).toBe('GPL');
  });
});

describe('robustness', () => {
  it('a declaration it cannot parse is skipped with a named gap, the rest still counts', () => {
    const f = cFacts(`int ok1(void) { return 0; } int ??? broken; extern void x(void); void ok2(void) { x(); }`, { noOracle: true });
    expect(globals(f)).toEqual(['ok1', 'ok2']);
    expect(undef(f)).toEqual(['x']);
    expect(f.gaps?.[0]).toMatch(/not understood/);
  });

  it('deep recursion and self-calls terminate', () => {
    const f = cFacts(`extern void leaf(void); static int r(int n) { if (n) return r(n - 1); leaf(); return 0; } int api(void) { return r(1000); }`);
    expect(undef(f)).toEqual(['leaf']);
  });

  it('x86: a constant asm operand is substituted as gcc prints it (get_user: call __get_user_nocheck_%P4 with "i" (sizeof(*ptr)))', () => {
    const src = `typedef unsigned int u32;
register unsigned long current_stack_pointer asm("rsp");
struct pt_regs { unsigned long bp, sp; };
int fetch(struct pt_regs *regs) {
  int __ret_gu;
  register unsigned int __val_gu asm("%" "rdx");
  asm volatile("call __" "get_user_nocheck" "_%P4" : "=a" (__ret_gu), "=r" (__val_gu), "+r" (current_stack_pointer) : "0" ((u32 *)(unsigned long)(u32)regs->sp), "i" (sizeof(*((u32 *)(unsigned long)(u32)regs->sp))));
  regs->bp = __val_gu;
  return __ret_gu;
}
`;
    expect(undef(cFacts(src, { arch: 'x86', flags: ['-O2'] }))).toEqual(['__get_user_nocheck_4']);
  });

  it('x86: a constant operand named [size] is substituted for %P[size] (put_user: call __put_user_nocheck_%P[size])', () => {
    const src = `typedef unsigned short u16;
register unsigned long current_stack_pointer asm("rsp");
int store(u16 v, u16 *p) {
  int __ret_pu;
  register u16 __val_pu asm("%" "rax") = v;
  asm volatile("call __" "put_user_nocheck" "_%P[size]" : "=c" (__ret_pu), "+r" (current_stack_pointer) : "0" (p), "r" (__val_pu), [size] "i" (sizeof(*(p))) : "ebx");
  return __ret_pu;
}
`;
    expect(undef(cFacts(src, { arch: 'x86', flags: ['-O2'] }))).toEqual(['__put_user_nocheck_2']);
  });

  it("make's ARCH spellings are one SRCARCH: --arch x86_64 analyses as x86 (gas comments and immediates, the TLS canary); -m32 is the 32-bit data model", () => {
    const src = `extern void sink(unsigned long long);
void f(unsigned long long a, unsigned long long b) {
  asm volatile("movl $5, %%eax # the NOPs objtool wants\\n\\tcall helper_%P0" : : "i" (4) : "eax");
  sink(a / b);
}
`;
    const x86 = rawCFacts(src, { arch: 'x86', flags: ['-O2', '-m64'] });
    expect(undef(x86)).toEqual(['helper_4', 'sink']);
    expect(undef(rawCFacts(src, { arch: 'x86_64', flags: ['-O2', '-m64'] }))).toEqual(undef(x86));
    // 64-bit division is a libgcc call on i386, whichever spelling of the arch
    for (const arch of ['x86', 'i386']) expect(undef(rawCFacts(src, { arch, flags: ['-O2', '-m32'] }))).toEqual(['__udivdi3', 'helper_4', 'sink']);
  });
});
