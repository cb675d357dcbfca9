import { extractFacts } from '../../src/c/index.js';
import type { UnitFacts } from '../../src/core/facts.js';
import { tokensFromPreprocessed } from '../support/gcc-e.js';

/** the kernel's multi_v7 C flags that matter to facts */
export const ARM_FLAGS = ['-funwind-tables', '-fstack-protector-strong', '-mstack-protector-guard=tls', '-ftrivial-auto-var-init=zero', '-O2'];

/** facts of already-preprocessed C text (written as gcc -E would print it) */
export function cFacts(src: string, opts: { arch?: string; flags?: string[]; object?: string; perTaskStackProtector?: boolean } = {}): UnitFacts {
  const ts = tokensFromPreprocessed(src);
  return extractFacts(ts, {
    object: opts.object ?? 'unit.o',
    source: 'unit.c',
    language: 'c',
    arch: opts.arch ?? 'arm',
    flags: opts.flags ?? [],
    ...(opts.perTaskStackProtector ? { perTaskStackProtector: true } : {}),
  });
}

/** facts of already-preprocessed assembler text */
export function asmFacts(src: string, opts: { arch?: string; object?: string } = {}): UnitFacts {
  const ts = tokensFromPreprocessed(src, { asm: true });
  return extractFacts(ts, { object: opts.object ?? 'unit.o', source: 'unit.S', language: 'assembler-with-cpp', arch: opts.arch ?? 'arm' });
}

export const undef = (f: UnitFacts): string[] => f.refs.map((r) => r.name).sort();
export const globals = (f: UnitFacts): string[] => f.defs.filter((d) => d.binding !== 'local').map((d) => d.name).sort();
export const binding = (f: UnitFacts, name: string): string | undefined => f.defs.find((d) => d.name === name)?.binding;
