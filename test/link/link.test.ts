import { describe, expect, it } from 'vitest';
import type { ExportFact, SymbolDef, UnitFacts } from '../../src/core/facts.js';
import type { BuiltObject, ObjectGraph } from '../../src/core/graph.js';
import { licenseIsGplCompatible, resolveLink } from '../../src/link/index.js';

const span = (file: string, line = 1) => ({ file, line, col: 1 });

function unit(object: string, o: { defs?: (string | [string, SymbolDef['binding']])[]; refs?: (string | [string, boolean])[]; exports?: [string, boolean, string?][]; license?: string; ns?: string[] }): UnitFacts {
  const src = object.replace(/\.o$/, '.c');
  const f: UnitFacts = {
    object,
    source: src,
    defs: (o.defs ?? []).map((d) => {
      const [name, binding] = typeof d === 'string' ? [d, 'global' as const] : d;
      return { name, binding, kind: 'func', span: span(src) };
    }),
    refs: (o.refs ?? []).map((r) => {
      const [name, weak] = typeof r === 'string' ? [r, false] : r;
      return weak ? { name, span: span(src, 2), trace: [], weak } : { name, span: span(src, 2), trace: [] };
    }),
    exports: (o.exports ?? []).map(([name, gpl, ns]): ExportFact => ({ name, gpl, namespace: ns ?? null, span: span(src, 3), trace: [] })),
    importNs: (o.ns ?? []).map((ns) => ({ ns, span: span(src, 4) })),
  };
  if (o.license) f.license = { value: o.license, span: span(src, 5) };
  return f;
}

function graph(builtin: string[], modules: Record<string, string[]>, lib: string[] = []): ObjectGraph {
  const objects = new Map<string, BuiltObject>();
  const cmd = { includes: [], systemIncludes: [], defines: [], forcedIncludes: [], flags: [], language: 'c' as const };
  for (const o of builtin) objects.set(o, { path: o, builtin: true, span: span('Makefile'), cmd });
  for (const o of lib) objects.set(o, { path: o, builtin: true, lib: true, span: span('Makefile'), cmd });
  for (const [m, objs] of Object.entries(modules)) for (const o of objs) objects.set(o, { path: o, builtin: false, module: m, span: span('Makefile'), cmd });
  return {
    arch: 'arm',
    objects,
    modules: Object.entries(modules).map(([name, objs]) => ({ name, objects: objs, span: span('Makefile') })),
    builtin: [...builtin, ...lib],
  };
}

describe('resolveLink', () => {
  it('the founding case: a module reference defined in vmlinux by asm ENTRY() but never exported', () => {
    const g = graph(['arch/arm/mm/tlb-v7.o', 'mm/vmalloc.o'], { 'drivers/staging/zsmalloc/zsmalloc': ['drivers/staging/zsmalloc/zsmalloc-main.o'] });
    const facts = new Map([
      ['arch/arm/mm/tlb-v7.o', unit('arch/arm/mm/tlb-v7.o', { defs: ['v7wbi_flush_kern_tlb_range'] })],
      ['mm/vmalloc.o', unit('mm/vmalloc.o', { defs: ['unmap_kernel_range_noflush'], exports: [['unmap_kernel_range_noflush', true]] })],
      [
        'drivers/staging/zsmalloc/zsmalloc-main.o',
        unit('drivers/staging/zsmalloc/zsmalloc-main.o', {
          defs: ['zs_malloc', 'init_module'],
          refs: ['v7wbi_flush_kern_tlb_range', 'unmap_kernel_range_noflush', 'zs_malloc', '__this_module', 'nowhere'],
          license: 'Dual BSD/GPL',
        }),
      ],
    ]);
    const r = resolveLink(g, facts);
    const m = r.modules[0]!;
    expect(m.license?.value).toBe('Dual BSD/GPL');
    expect(m.refs.map((x) => [x.symbol, x.status])).toEqual([
      ['nowhere', 'undefined'],
      ['unmap_kernel_range_noflush', 'exported'],
      ['v7wbi_flush_kern_tlb_range', 'defined-unexported'],
    ]);
    const v7 = m.refs.find((x) => x.symbol === 'v7wbi_flush_kern_tlb_range')!;
    expect(v7.definition).toMatchObject({ provider: 'vmlinux', object: 'arch/arm/mm/tlb-v7.o' });
    expect(v7.uses[0]!.span.file).toBe('drivers/staging/zsmalloc/zsmalloc-main.c');
    const ex = m.refs.find((x) => x.symbol === 'unmap_kernel_range_noflush')!;
    expect(ex.export).toMatchObject({ provider: 'vmlinux', gpl: true });
    expect(ex.problems).toBeUndefined();
  });

  it('modules export to each other; a module is not satisfied by its own exports twice', () => {
    const g = graph([], { zsmalloc: ['zs.o'], zram: ['zram.o'] });
    const facts = new Map([
      ['zs.o', unit('zs.o', { defs: ['zs_malloc', 'zs_internal'], exports: [['zs_malloc', true]], license: 'GPL' })],
      ['zram.o', unit('zram.o', { refs: ['zs_malloc', 'zs_internal'], license: 'GPL' })],
    ]);
    const r = resolveLink(g, facts);
    const zram = r.modules.find((m) => m.name === 'zram')!;
    expect(zram.refs.map((x) => [x.symbol, x.status, x.export?.provider ?? x.definition?.provider])).toEqual([
      ['zs_internal', 'defined-unexported', 'zsmalloc'],
      ['zs_malloc', 'exported', 'zsmalloc'],
    ]);
  });

  it('GPL-only exports for a non-GPL module and namespaces that are not imported are noted', () => {
    const g = graph(['core.o'], { prop: ['prop.o'], good: ['good.o'] });
    const facts = new Map([
      ['core.o', unit('core.o', { defs: ['gpl_fn', 'ns_fn'], exports: [['gpl_fn', true], ['ns_fn', false, 'CRYPTO_INTERNAL']] })],
      ['prop.o', unit('prop.o', { refs: ['gpl_fn', 'ns_fn'], license: 'Proprietary' })],
      ['good.o', unit('good.o', { refs: ['gpl_fn', 'ns_fn'], license: 'GPL v2', ns: ['CRYPTO_INTERNAL'] })],
    ]);
    const r = resolveLink(g, facts);
    expect(r.modules[0]!.refs.map((x) => [x.symbol, x.problems])).toEqual([
      ['gpl_fn', ['gpl-only']],
      ['ns_fn', ['namespace']],
    ]);
    expect(r.modules[1]!.refs.every((x) => x.problems === undefined)).toBe(true);
  });

  it('weak references and strong-over-weak definitions', () => {
    const g = graph(['a.o', 'b.o'], { m: ['m.o'] });
    const facts = new Map([
      ['a.o', unit('a.o', { defs: [['hook', 'weak']], refs: [['optional', true]] })],
      ['b.o', unit('b.o', { defs: ['hook'] })],
      ['m.o', unit('m.o', { refs: [['maybe', true]] })],
    ]);
    const r = resolveLink(g, facts);
    expect(r.vmlinux.defined.get('hook')?.object).toBe('b.o');
    expect(r.vmlinux.unresolved).toEqual([]);
    expect(r.modules[0]!.refs[0]).toMatchObject({ symbol: 'maybe', status: 'undefined', weak: true });
  });

  it('vmlinux: unresolved built-in references and duplicate exports', () => {
    const g = graph(['a.o', 'b.o'], { m: ['m.o'] });
    const facts = new Map([
      ['a.o', unit('a.o', { defs: ['x'], refs: ['missing', 'modsym'], exports: [['x', false]] })],
      ['b.o', unit('b.o', { exports: [['x', true]], refs: ['x'] })],
      ['m.o', unit('m.o', { defs: ['modsym'] })],
    ]);
    const r = resolveLink(g, facts);
    expect(r.vmlinux.unresolved.map((u) => [u.symbol, u.status])).toEqual([
      ['missing', 'undefined'],
      ['modsym', 'defined-unexported'],
    ]);
    expect(r.vmlinux.duplicateExports).toEqual([{ name: 'x', first: 'a.o', second: 'b.o' }]);
  });

  it('lib-y objects: archive members only when needed without modules, whole with modules (6.1)', () => {
    const facts = new Map([
      ['main.o', unit('main.o', { refs: ['used_fn'] })],
      ['lib/used.o', unit('lib/used.o', { defs: ['used_fn'], refs: ['dep_fn'], exports: [['used_fn', false]] })],
      ['lib/dep.o', unit('lib/dep.o', { defs: ['dep_fn'] })],
      ['lib/unused.o', unit('lib/unused.o', { defs: ['unused_fn'], exports: [['unused_fn', false]] })],
    ]);
    const noMods = resolveLink(graph(['main.o'], {}, ['lib/used.o', 'lib/dep.o', 'lib/unused.o']), facts);
    expect(noMods.vmlinux.libObjects).toEqual(['lib/used.o', 'lib/dep.o']);
    expect(noMods.vmlinux.exports.map((x) => x.name)).toEqual(['used_fn']);
    const mods = new Map(facts);
    mods.set('m.o', unit('m.o', { refs: ['unused_fn'] }));
    const withMods = resolveLink(graph(['main.o'], { m: ['m.o'] }, ['lib/used.o', 'lib/dep.o', 'lib/unused.o']), mods);
    expect(withMods.modules[0]!.refs[0]).toMatchObject({ symbol: 'unused_fn', status: 'exported' });
  });

  it('objects without facts are listed, not guessed', () => {
    const r = resolveLink(graph(['a.o'], { m: ['m1.o', 'm2.o'] }), new Map([['m1.o', unit('m1.o', {})]]));
    expect(r.missingFacts?.sort()).toEqual(['a.o', 'm2.o']);
  });

  it('modpost license list', () => {
    expect(['GPL', 'GPL v2', 'GPL and additional rights', 'Dual BSD/GPL', 'Dual MIT/GPL', 'Dual MPL/GPL'].every(licenseIsGplCompatible)).toBe(true);
    expect(licenseIsGplCompatible('Proprietary')).toBe(false);
    expect(licenseIsGplCompatible('Dual BSD')).toBe(false);
  });
});
