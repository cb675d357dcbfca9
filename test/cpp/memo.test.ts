import { describe, expect, it } from 'vitest';
import type { CppResult } from '../../src/cpp/index.js';
import { CppCache, preprocess } from '../../src/cpp/index.js';
import { MemoStore } from '../../src/cpp/memo.js';
import { evalKbuild } from '../../src/kbuild/index.js';
import { autoconfHeader, loadKconfig, resolveConfig } from '../../src/kconfig/index.js';
import { bundledTreePath, KernelTree } from '../../src/tree/tree.js';
import { cmd } from './support.js';

/** Replaying memoized headers must give exactly what preprocessing them again gives: tokens, spans, traces, footprints. */
function same(a: CppResult, b: CppResult): void {
  const ta = a.tokens;
  const tb = b.tokens;
  expect(ta.length).toBe(tb.length);
  for (let i = 0; i < ta.length; i++) {
    if (ta.text(i) !== tb.text(i) || ta.kind(i) !== tb.kind(i) || JSON.stringify(ta.span(i)) !== JSON.stringify(tb.span(i)) ||
      JSON.stringify(ta.site(i)) !== JSON.stringify(tb.site(i)) || JSON.stringify(ta.trace(i)) !== JSON.stringify(tb.trace(i))) {
      expect({ i, text: ta.text(i), span: ta.span(i), site: ta.site(i), trace: ta.trace(i) }).toEqual({ i, text: tb.text(i), span: tb.span(i), site: tb.site(i), trace: tb.trace(i) });
    }
  }
  expect([...a.footprint].sort()).toEqual([...b.footprint].sort());
  expect(a.includes).toEqual(b.includes);
  expect(a.diagnostics).toEqual(b.diagnostics);
}

describe('header memoization', () => {
  const tree = new KernelTree(bundledTreePath());
  const model = loadKconfig(tree, { arch: 'arm' });
  const predefined = new Map([['__arm__', '1'], ['__GNUC__', '12']]);

  it('every unit of the bundled tree, over four configurations sharing one cache, equals a run without memo', () => {
    const shared = new CppCache(tree);
    for (const overrides of [{ SMP: 'y' }, { SMP: 'n' }, { SMP: 'n', ZSMALLOC: 'y' }, { SMP: 'y' }] as Record<string, string>[]) {
      const { config } = resolveConfig(model, { kind: 'defconfig', name: 'multi_v7_defconfig' }, overrides);
      const autoconf = autoconfHeader(model, config);
      for (const obj of evalKbuild(tree, config).graph.objects.values()) {
        if (!obj.source) continue;
        const o = { cmd: obj.cmd, autoconf, predefined };
        same(preprocess(tree, obj.source, { ...o, cache: shared }), preprocess(tree, obj.source, { ...o, cache: new CppCache(tree), memo: false }));
      }
    }
    expect(shared.memo.stats.hits).toBeGreaterThan(50);
  });

  it('assembler: a header first met at the start of a unit, replayed after earlier lines, still starts a line of its own', () => {
    // the unit that records h.h outputs nothing before it; the next unit has a line first (the x86 retpoline.S case:
    // '.cfi_sections .debug_frame' then objtool.h's '.macro UNWIND_HINT …' glued into one line)
    const files = {
      'h.h': '#ifndef H\n#define H\n.macro HINT type:req end=0\n.byte \\type\n.endm\n#endif\n',
      'a.S': '#include "h.h"\nHINT type=1\n',
      'b.S': '.cfi_sections .debug_frame\n#include "h.h"\nHINT type=2\n',
    };
    const t = KernelTree.fromFiles(files);
    const o = { cmd: cmd({ language: 'assembler-with-cpp' }), autoconf: '', predefined: new Map<string, string>(), srcPrefix: '' };
    const shared = new CppCache(t);
    preprocess(t, 'a.S', { ...o, cache: shared });
    const replayed = preprocess(t, 'b.S', { ...o, cache: shared });
    expect(shared.memo.stats.hits).toBeGreaterThan(0);
    same(replayed, preprocess(t, 'b.S', { ...o, cache: new CppCache(t), memo: false }));
  });

  it('a full store makes room for another configuration (or, under the lru policy, for any entry); replay stays exact', () => {
    // six headers whose output depends on CONFIG_MODE (~60 tokens each); the units of MODE 1's configuration, then
    // those of MODE 2's; the store holds one configuration's variants, not both
    const files: Record<string, string> = {};
    const vars = (p: string) => Array.from({ length: 30 }, (_, i) => `${p}${i}`).join(', ');
    const hs = [1, 2, 3, 4, 5, 6].map((k) => `h${k}.h`);
    hs.forEach((h, k) => {
      files[h] = `#ifndef H${k}\n#define H${k}\n#if CONFIG_MODE == 1\nint ${vars(`a${k}_`)};\n#else\nlong ${vars(`b${k}_`)};\n#endif\n#endif\n`;
    });
    for (const u of [1, 2, 3]) files[`u${u}.c`] = `#include <generated/autoconf.h>\n${hs.map((h) => `#include "${h}"`).join('\n')}\nint unit${u};\n`;
    const t = KernelTree.fromFiles(files);
    const o = (mode: number) => ({ cmd: cmd(), autoconf: `#define CONFIG_MODE ${mode}\n`, predefined: new Map<string, string>(), srcPrefix: '' });
    // the budget: what one unit of MODE 1 records (its six header variants)
    const one = new CppCache(t, [], new MemoStore(1e9, 8, 'stop'));
    preprocess(t, 'u1.c', { ...o(1), cache: one });
    const budget = one.memo.tokens;
    expect(budget).toBeGreaterThanOrEqual(6 * 60);
    const run = (store: MemoStore) => {
      const shared = new CppCache(t, [], store);
      const replayed: number[] = [];
      for (const mode of [1, 2]) {
        for (const main of ['u1.c', 'u2.c', 'u3.c']) {
          const before = store.stats.replayedTokens;
          same(preprocess(t, main, { ...o(mode), cache: shared }), preprocess(t, main, { ...o(mode), cache: new CppCache(t), memo: false }));
          replayed.push(store.stats.replayedTokens - before);
          expect(store.tokens).toBeLessThanOrEqual(budget);
        }
      }
      return { replayed, evicted: store.stats.evicted };
    };
    const stop = run(new MemoStore(budget, 8, 'stop'));
    const byConfig = run(new MemoStore(budget, 8, 'config', 0));
    const lru = run(new MemoStore(budget, 8, 'lru'));
    for (const r of [stop, byConfig, lru]) {
      // MODE 1's later units replay the six headers
      expect(r.replayed[1]).toBeGreaterThanOrEqual(6 * 60);
      expect(r.replayed[2]).toBeGreaterThanOrEqual(6 * 60);
    }
    // MODE 2: the store that stops recording when full still holds MODE 1's variants only; the others recorded
    // MODE 2's (dropping MODE 1's) in its first unit and replay them in the next ones
    expect(stop.evicted).toBe(0);
    expect(stop.replayed[4]).toBeLessThan(6 * 60);
    for (const r of [byConfig, lru]) {
      expect(r.evicted).toBeGreaterThan(0);
      expect(r.replayed[4]).toBeGreaterThanOrEqual(6 * 60);
      expect(r.replayed[5]).toBeGreaterThanOrEqual(6 * 60);
    }
  });

  it('a header is replayed only when the macros it consulted are the same', () => {
    const files = {
      'a.c': '#include "mode1.h"\n#include "h.h"\nuse(F, __COUNTER__)\n',
      'b.c': '#include "mode2.h"\n#include "h.h"\nuse(F)\n',
      'c.c': '#include "mode1.h"\n#define EXTRA\n#define DEBUG_H 3\n#include "h.h"\n',
      'mode1.h': '#define MODE 1\n',
      'mode2.h': '#define MODE 2\n#define DEBUG_H 2\n',
      'h.h': '#ifndef H\n#define H\n#if MODE == 1\n#define F one\n#else\n#define F two\n#endif\n#ifdef DEBUG_H\nint debug;\n#endif\nint h_ ## __LINE__;\nid __COUNTER__ F\n#include "g.h"\n#endif\n',
      'g.h': 'int g = MODE;\n#define G(x) x ## _g\nG(p)\n',
    };
    const t = KernelTree.fromFiles(files);
    const shared = new CppCache(t);
    for (const main of ['a.c', 'b.c', 'c.c', 'a.c', 'b.c']) {
      const o = { cmd: cmd(), autoconf: '', predefined: new Map<string, string>(), srcPrefix: '' };
      same(preprocess(t, main, { ...o, cache: shared }), preprocess(t, main, { ...o, cache: new CppCache(t), memo: false }));
    }
    // mode1.h: in c.c and a.c again; mode2.h: b.c again; h.h: a.c and b.c again (c.c defines DEBUG_H, which h.h
    // tests, so it records its own variant — its EXTRA is never looked at); g.h: inside c.c's h.h (same MODE)
    expect(shared.memo.stats.hits).toBe(2 + 1 + 2 + 1);
  });
});
