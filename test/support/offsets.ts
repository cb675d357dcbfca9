/**
 * scripts/Makefile.lib's sed-offsets, applied to a compiler's assembler output: the lines `filechk offsets` puts
 * between the header's guard and its #endif (a '->' marker with no name gives an empty line).
 */
export function sedOffsets(asm: string): string[] {
  const out: string[] = [];
  for (const l of asm.split('\n')) {
    const m = /^\s*\.ascii\s*"(.*)".*$/.exec(l);
    if (!m || !m[1]!.startsWith('->')) continue;
    const d = /^->(\S*) [$#]*(\S*) (.*)$/.exec(m[1]!);
    out.push(d ? `#define ${d[1]} ${d[2]} /* ${d[3]} */` : '');
  }
  return out;
}
