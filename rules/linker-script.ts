import type { KernelTree } from '../src/tree/tree.js';

/**
 * Symbols the vmlinux linker script defines (`__bss_start = .;`, `jiffies = jiffies_64;`, `PROVIDE(x = …)`, and the
 * macro-built ones of include/asm-generic/vmlinux.lds.h such as `__initcall##level##_start`). Built-in code refers
 * to them freely; no object file defines them, so the link stage lists them as unresolved.
 *
 * Read textually from arch/$SRCARCH/kernel/vmlinux*.lds.S, arch/$SRCARCH/include/asm/vmlinux.lds.h and
 * include/asm-generic/vmlinux.lds.h, once per tree object and arch (KernelTree.remember). A name assembled with `##` becomes a pattern in
 * which each pasted macro parameter matches any identifier characters. (This belongs in the link stage eventually:
 * it is what ld does with the script.)
 */
export interface LinkerScriptSymbols {
  has(name: string): boolean;
}

export function linkerScriptSymbols(tree: KernelTree, srcarch: string): LinkerScriptSymbols {
  return tree.remember(`linker-script:${srcarch}`, () => read(tree, srcarch));
}

function read(tree: KernelTree, srcarch: string): LinkerScriptSymbols {
  const names = new Set<string>();
  const patterns: RegExp[] = [];
  const files: string[] = ['include/asm-generic/vmlinux.lds.h', `arch/${srcarch}/include/asm/vmlinux.lds.h`];
  const kdir = `arch/${srcarch}/kernel`;
  if (tree.isDir(kdir)) for (const f of tree.listDir(kdir)) if (/\.lds\.S$/.test(f)) files.push(`${kdir}/${f}`);
  const assign = /(?:^|[\s;({])(?:PROVIDE(?:_HIDDEN)?\s*\(\s*)?([A-Za-z_.$#][A-Za-z0-9_.$#]*)\s*=(?!=)/g;
  for (const f of files) {
    const text = tree.tryReadText(f);
    if (text === undefined) continue;
    // comments out; line continuations joined
    const clean = text.replace(/\/\*[\s\S]*?\*\//g, ' ').replace(/\\\n/g, ' ');
    const params = new Set<string>();
    for (const m of clean.matchAll(/#\s*define\s+\w+\(([^)]*)\)/g)) for (const p of m[1]!.split(',')) params.add(p.trim());
    for (const line of clean.split('\n')) {
      if (/^\s*#\s*(if|ifdef|ifndef|elif|include|error|warning)\b/.test(line)) continue;
      for (const m of line.matchAll(assign)) {
        const lhs = m[1]!;
        if (lhs === '.' || /^[0-9]/.test(lhs)) continue;
        if (lhs.includes('##')) {
          const parts = lhs.split('##').map((p) => p.trim());
          // each part is either literal text or a macro parameter (an identifier standing alone): parameters match any name piece
          const re = parts.map((p) => (params.has(p) ? '[A-Za-z0-9_]*' : escape(p))).join('');
          patterns.push(new RegExp(`^${re}$`));
        } else if (!lhs.startsWith('#') && !lhs.includes('.')) {
          names.add(lhs);
        }
      }
    }
  }
  return { has: (n) => names.has(n) || patterns.some((p) => p.test(n)) };
}

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
