import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { classIndexFor, geometry, pagesPerZspage, sizeClasses } from '../../src/model/sizeclass.js';
import { LINUX_SKIP_REASON, linuxDir } from '../support/linux.js';

/** Every fact below is computed by the model from the allocator's rules, then compared with the published figure. */
describe('size classes, 2013 allocator, 4 KiB pages', () => {
  const g = geometry({ era: '2013', pageSize: 4096 });
  const classes = sizeClasses(g);
  const bySize = (size: number) => classes.find((c) => c.size === size)!;

  it('has 255 classes from 32 to 4096 bytes in steps of 16', () => {
    expect(classes).toHaveLength(255);
    expect(g.classCount).toBe(255);
    expect(classes[0]!.size).toBe(32);
    expect(classes[254]!.size).toBe(4096);
    expect(g.classDelta).toBe(16);
  });

  it('1632 bytes: 2 pages, 5 objects, object #2 straddles', () => {
    const c = bySize(1632);
    expect(c.pagesPerZspage).toBe(2);
    expect(c.objsPerZspage).toBe(5);
    expect(c.straddling).toEqual([2]);
  });

  it('3264 bytes: 4 pages, 5 objects, 3 of them straddle', () => {
    const c = bySize(3264);
    expect(c.pagesPerZspage).toBe(4);
    expect(c.objsPerZspage).toBe(5);
    expect(c.straddling).toEqual([1, 2, 3]);
  });

  it('158 of the 255 classes have a straddling object', () => {
    expect(classes.filter((c) => c.straddling.length > 0)).toHaveLength(158);
  });

  it('ties go to fewer pages and no class is merged', () => {
    // 2048: one page holds 2 objects with no waste; more pages cannot beat 100%
    expect(pagesPerZspage(2048, g)).toBe(1);
    expect(classes.every((c) => c.servedBy === c.index && !c.huge)).toBe(true);
  });

  it('maps a request size to its class like get_size_class_index', () => {
    expect(classIndexFor(1, g)).toBe(0);
    expect(classIndexFor(32, g)).toBe(0);
    expect(classIndexFor(33, g)).toBe(1);
    expect(classes[classIndexFor(1632, g)]!.size).toBe(1632);
    expect(classes[classIndexFor(1617, g)]!.size).toBe(1632);
    expect(classes[classIndexFor(4096, g)]!.size).toBe(4096);
  });

  it('handles carry 12 index bits on 32-bit ARM (32 physical address bits, 4 KiB pages)', () => {
    expect(g.objIndexBits).toBe(12);
  });
});

describe('size classes, modern allocator (chain-size rework)', () => {
  it('picks the chain with the least waste: size class 208 takes 3 pages (the rework commit example)', () => {
    const g = geometry({ era: 'modern', maxPagesPerZspage: 4 });
    expect(pagesPerZspage(208, g)).toBe(3);
    // the 2013 rule stops at the first 99%: 2 pages
    expect(pagesPerZspage(208, geometry({ era: '2013' }))).toBe(2);
  });

  it('with chains of up to 4 pages, classes #95-#99 are merged into #100 (1632 bytes, 2 pages, 5 objects)', () => {
    const classes = sizeClasses(geometry({ era: 'modern', maxPagesPerZspage: 4 }));
    const c100 = classes[100]!;
    expect(c100.size).toBe(1632);
    expect([c100.pagesPerZspage, c100.objsPerZspage]).toEqual([2, 5]);
    for (let i = 95; i <= 99; i++) expect(classes[i]!.servedBy).toBe(100);
    expect(classes[94]!.servedBy).toBe(94);
    expect(classes[94]!.pagesPerZspage).toBe(3);
  });

  it('with longer chains, class #96 (1568 bytes) takes 5 pages and 13 objects', () => {
    const classes = sizeClasses(geometry({ era: 'modern', maxPagesPerZspage: 8 }));
    expect(classes[96]!.size).toBe(1568);
    expect([classes[96]!.pagesPerZspage, classes[96]!.objsPerZspage]).toEqual([5, 13]);
  });

  it('a power-of-two class uses one page; the 4096 class is huge (no header)', () => {
    const g = geometry({ era: 'modern' });
    const classes = sizeClasses(g);
    expect(pagesPerZspage(1024, g)).toBe(1);
    expect(classes[254]!.huge).toBe(true);
    expect(g.headerSize).toBe(4);
    // the header counts: a 1628-byte request needs a 1632-byte slot
    expect(classes[classIndexFor(1628, g)]!.size).toBe(1632);
    expect(classes[classIndexFor(1629, g)]!.size).toBe(1648);
  });

  it('rejects geometries that do not exist', () => {
    expect(() => geometry({ pageSize: 3000 })).toThrow(/power of two/);
    expect(() => geometry({ era: '2013', maxPagesPerZspage: 8 })).toThrow(/4 pages/);
  });
});

describe('the constants the model assumes are those of the real tree (6.1 mm/zsmalloc.c)', () => {
  const dir = linuxDir();
  it.skipIf(!dir)(`ZS_ALIGN, CLASS_BITS, ZS_MAX_ZSPAGE_ORDER, ZS_MIN_ALLOC_SIZE, the used-percent rule (${LINUX_SKIP_REASON})`, () => {
    const src = fs.readFileSync(path.join(dir!, 'mm/zsmalloc.c'), 'utf8');
    const define = (name: string) => new RegExp(`#define\\s+${name}\\s+(.+)`).exec(src)?.[1]?.trim();
    const g = geometry({ era: '2013' });
    expect(Number(define('ZS_ALIGN'))).toBe(8);
    expect(Number(define('CLASS_BITS'))).toBe(Math.log2(g.pageSize / g.classDelta));
    expect(2 ** Number(define('ZS_MAX_ZSPAGE_ORDER'))).toBe(g.maxPagesPerZspage);
    expect(define('ZS_MAX_ALLOC_SIZE')).toBe('PAGE_SIZE');
    expect(src).toMatch(/MAX\(32,/);
    // 6.1 still chooses pages per zspage by the highest used percentage, strictly greater: the '2013' rule
    expect(src).toMatch(/usedpc = \(zspage_size - waste\) \* 100 \/ zspage_size;/);
    expect(src).toMatch(/if \(usedpc > max_usedpc\)/);
    // the per-CPU copy buffer is one page (ZS_MAX_ALLOC_SIZE), as the model's
    expect(src).toMatch(/kmalloc\(ZS_MAX_ALLOC_SIZE/);
  });
});
