import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { UnitFacts } from '../../src/core/facts.js';
import { runCheck } from '../../src/engine/check.js';
import { linkSignature } from '../../src/engine/link-findings.js';
import { loadSettings } from '../../src/settings/index.js';
import { KernelTree, bundledTreePath } from '../../src/tree/tree.js';

const span = (file: string, line: number) => ({ file, line, col: 1 });

function facts(over: Partial<UnitFacts> = {}): UnitFacts {
  return {
    object: 'a.o',
    source: 'a.c',
    defs: [
      { name: 'f', binding: 'global', kind: 'func', span: span('a.c', 3) },
      { name: 'helper', binding: 'local', kind: 'func', span: span('a.c', 9) },
    ],
    refs: [
      { name: 'printk', span: span('a.c', 4), trace: [] },
      { name: 'kmalloc', span: span('include/linux/slab.h', 20), trace: [] },
    ],
    exports: [{ name: 'f', gpl: true, namespace: null, span: span('a.c', 7), trace: [] }],
    license: { value: 'GPL', span: span('a.c', 12) },
    importNs: [],
    ...over,
  };
}

describe('linkSignature', () => {
  it('ignores where things are (lines, order, local symbols, macro traces)', () => {
    const a = facts();
    const moved = facts({
      defs: [
        { name: 'helper2', binding: 'local', kind: 'func', span: span('a.c', 1) },
        { name: 'f', binding: 'global', kind: 'func', span: span('a.c', 30) },
      ],
      refs: [
        { name: 'kmalloc', span: span('include/linux/slab.h', 21), trace: [{ kind: 'expand', label: 'x' }] },
        { name: 'printk', span: span('a.c', 40), trace: [] },
      ],
      exports: [{ name: 'f', gpl: true, namespace: null, span: span('a.c', 70), trace: [] }],
      license: { value: 'GPL', span: span('a.c', 1) },
    });
    expect(linkSignature(moved, false)).toBe(linkSignature(a, false));
  });

  it('changes with anything the link resolves', () => {
    const a = linkSignature(facts(), false);
    const variants: Partial<UnitFacts>[] = [
      { refs: [...facts().refs, { name: 'mem_init', span: span('a.c', 5), trace: [] }] },
      { refs: [{ name: 'printk', span: span('a.c', 4), trace: [], weak: true }, facts().refs[1]!] },
      // the first use moved into another file: rules look at the directories of uses
      { refs: [{ name: 'printk', span: span('b.h', 4), trace: [] }, facts().refs[1]!] },
      { defs: [{ name: 'f', binding: 'weak', kind: 'func', span: span('a.c', 3) }] },
      { exports: [{ name: 'f', gpl: false, namespace: null, span: span('a.c', 7), trace: [] }] },
      { exports: [{ name: 'f', gpl: true, namespace: 'NS', span: span('a.c', 7), trace: [] }] },
      { license: { value: 'Proprietary', span: span('a.c', 12) } },
      { importNs: [{ ns: 'NS', span: span('a.c', 13) }] },
    ];
    for (const v of variants) expect(linkSignature(facts(v), false)).not.toBe(a);
    expect(linkSignature(facts(), true)).not.toBe(a);
  });
});

describe('link rules taken from an earlier run', () => {
  const dirs: string[] = [];
  afterAll(() => {
    for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
  });
  const selection = { overrides: { SMP: 'n' }, axes: [] };
  const zram = 'drivers/staging/zram/zram_drv.c';
  const base = new KernelTree(bundledTreePath());
  const comment = () => base.withOverlay(new Map([[zram, base.readText(zram) + '\n/* touched */\n']]));
  // a new reference to a symbol vmlinux defines but does not export: a new X001
  const newRef = () =>
    base.withOverlay(
      new Map([[zram, base.readText(zram).replace('static int __init zram_init(void)\n{', 'extern void mem_init(void);\n\nstatic int __init zram_init(void)\n{\n\tmem_init();')]]),
    );

  it('the base of a staged run takes the fingerprints a whole check stored; a different link runs the rules', async () => {
    const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kvlint-links-'));
    dirs.push(cacheDir);
    const check = (tree: KernelTree, fingerprintsOnly: boolean) =>
      runCheck({ tree, selection, settings: loadSettings(tree), cacheDir, jobs: 1, ...(fingerprintsOnly ? { fingerprintsOnly } : {}) });
    const whole = await check(base, false);
    const x001 = whole.diagnostics.filter((d) => d.code === 'X001').map((d) => d.fingerprint);
    expect(x001).toHaveLength(1);
    expect(whole.run.linkRules?.taken).toBe(false);

    // the same tree again, only fingerprints wanted: nothing runs, the fingerprints are there
    const again = await check(base, true);
    expect(again.run.linkRules?.taken).toBe(true);
    expect(again.diagnostics.filter((d) => d.code.startsWith('X'))).toEqual([]);
    expect([...again.run.linkRules!.fingerprints]).toEqual(expect.arrayContaining(x001));
    // a comment moves lines, not symbols: the same link digest
    expect((await check(comment(), true)).run.linkRules?.taken).toBe(true);
    // a new reference is a different link: the rules run (and store what they found for the next time)
    const other = await check(newRef(), true);
    expect(other.run.linkRules?.taken).toBe(false);
    expect(other.diagnostics.filter((d) => d.code === 'X001')).toHaveLength(2);
    expect((await check(newRef(), true)).run.linkRules?.taken).toBe(true);
    // whole checks always run them (their findings are printed)
    expect((await check(base, false)).run.linkRules?.taken).toBe(false);
  });

  it('an entry is not used once a tree file the rules read has changed', async () => {
    const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kvlint-links-'));
    dirs.push(cacheDir);
    const whole = await runCheck({ tree: base, selection, settings: loadSettings(base), cacheDir, jobs: 1 });
    const reads = [...whole.run.linkRules!.reads];
    // X005 reads the linker script, chains read Makefiles
    expect(reads.length).toBeGreaterThan(0);
    // (the bundled tree has no include/asm-generic/vmlinux.lds.h: creating one changes what X005 reads too)
    expect(reads).toContain('include/asm-generic/vmlinux.lds.h');
    const f = 'include/asm-generic/vmlinux.lds.h';
    const touched = base.withOverlay(new Map([[f, (base.tryReadText(f) ?? '') + '\n_stext = .;\n']]));
    const r = await runCheck({ tree: touched, selection, settings: loadSettings(touched), cacheDir, jobs: 1, fingerprintsOnly: true });
    expect(r.run.linkRules?.taken).toBe(false);
  });

  it('a change that keeps the base link runs no link rule; one that changes it reports exactly the new finding', async () => {
    const first = await runCheck({ tree: base, selection, settings: loadSettings(base), cacheDir: null, jobs: 1, fingerprintsOnly: true });
    const change = async (tree: KernelTree) => {
      const changed = new Set([zram]);
      const cache = first.run.cache.derive(tree, [zram]);
      const reuse = { result: first.run, changed, addedOrRemoved: false, newOnly: true };
      return runCheck({ tree, selection, settings: loadSettings(tree), cacheDir: null, jobs: 1, cache, reuse });
    };
    const same = await change(comment());
    expect(same.run.linkRules?.taken).toBe(true);
    expect(same.diagnostics.filter((d) => d.code.startsWith('X'))).toEqual([]);
    // the link is never resolved then
    expect(same.run.runs[0]!.stats.ms.link).toBe(0);

    const other = await change(newRef());
    expect(other.run.linkRules?.taken).toBe(false);
    const known = new Set([...first.diagnostics.map((d) => d.fingerprint), ...first.run.linkRules!.fingerprints]);
    const fresh = other.diagnostics.filter((d) => !known.has(d.fingerprint));
    expect(fresh.map((d) => [d.code, d.message])).toEqual([['X001', expect.stringContaining('"mem_init" [drivers/staging/zram/zram.ko] undefined!')]]);
  });
});

describe('findings the caller drops (RuleContext.known)', () => {
  it('are not built, yet the link rules\' stored fingerprints stay complete', async () => {
    const selection = { overrides: { SMP: 'n' }, axes: [] };
    const base = new KernelTree(bundledTreePath());
    const zram = 'drivers/staging/zram/zram_drv.c';
    const tree = base.withOverlay(
      new Map([[zram, base.readText(zram).replace('static int __init zram_init(void)\n{', 'extern void mem_init(void);\n\nstatic int __init zram_init(void)\n{\n\tmem_init();')]]),
    );
    const full = await runCheck({ tree, selection, settings: loadSettings(tree), cacheDir: null, jobs: 1 });
    const x001 = full.diagnostics.filter((d) => d.code === 'X001').map((d) => d.fingerprint);
    expect(x001).toHaveLength(2);
    const known = new Set([x001[0]!]);
    const r = await runCheck({ tree, selection, settings: loadSettings(tree), cacheDir: null, jobs: 1, known });
    expect(r.diagnostics.filter((d) => d.code === 'X001').map((d) => d.fingerprint)).toEqual([x001[1]]);
    expect([...r.run.linkRules!.fingerprints].filter((f) => f.startsWith('X001'))).toEqual(expect.arrayContaining(x001));
    expect([...r.run.linkRules!.fingerprints].sort()).toEqual([...full.run.linkRules!.fingerprints].sort());
  });
});

describe('KernelTree.remember', () => {
  it('counts a remembered value as reading what computing it read; a change tree takes its base value unless it changed one of those files', () => {
    const base = new KernelTree(bundledTreePath());
    let computed = 0;
    const table = (t: KernelTree) =>
      t.remember('test-table', () => {
        computed++;
        return t.readText('Kconfig').length;
      });
    const first = base.recordReads(() => table(base));
    const again = base.recordReads(() => table(base));
    expect(computed).toBe(1);
    expect(again.value).toBe(first.value);
    // a memo must not hide the dependency from a later recording
    expect([...again.read]).toEqual(['Kconfig']);

    const zram = 'drivers/staging/zram/zram_drv.c';
    const unrelated = base.withOverlay(new Map([[zram, base.readText(zram) + '\n']]));
    unrelated.inheritMemos(base, new Set([zram]));
    const u = unrelated.recordReads(() => table(unrelated));
    expect(computed).toBe(1);
    expect([...u.read]).toEqual(['Kconfig']);

    const related = base.withOverlay(new Map([['Kconfig', base.readText('Kconfig') + '\n# touched\n']]));
    related.inheritMemos(base, new Set(['Kconfig']));
    expect(table(related)).toBe(first.value + '\n# touched\n'.length);
    expect(computed).toBe(2);
  });

  it('a value with a codec is kept on disk: a later run reads it back while the files it read are unchanged', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kvlint-memos-'));
    try {
      let computed = 0;
      const codec = { version: 'test 1', encode: (v: string[]) => v, decode: (j: unknown) => j as string[] };
      const table = (t: KernelTree) =>
        t.remember(
          'test-persisted',
          () => {
            computed++;
            return t.readText('Kconfig').split('\n').filter((l) => l.startsWith('source'));
          },
          codec,
        );
      const fresh = () => {
        const t = new KernelTree(bundledTreePath());
        t.persistMemos(dir);
        return t;
      };
      const first = table(fresh());
      const t2 = fresh();
      const second = t2.recordReads(() => table(t2));
      expect(computed).toBe(1);
      expect(second.value).toEqual(first);
      expect([...second.read]).toEqual(['Kconfig']);
      // another version of the code: computed again
      expect(fresh().remember('test-persisted', () => (computed++, []), { ...codec, version: 'test 2' })).toEqual([]);
      expect(computed).toBe(2);
      // the file changed: computed again, from the new content
      const changed = fresh().withOverlay(new Map([['Kconfig', 'source "x/Kconfig"\n']]));
      changed.persistMemos(dir);
      expect(table(changed)).toEqual(['source "x/Kconfig"']);
      expect(computed).toBe(3);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
