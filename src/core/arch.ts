/**
 * Make's ARCH to SRCARCH, the way the top-level Makefile maps them (x86_64 and i386 build arch/x86, …). One
 * function for every stage: Kconfig's $(SRCARCH), Kbuild's arch/$(SRCARCH), the toolchain profile's default, the
 * assembler syntax and the compiler conventions of the C front end.
 */
export function srcarchOf(arch: string): string {
  switch (arch) {
    case 'i386':
    case 'x86_64':
      return 'x86';
    case 'sparc32':
    case 'sparc64':
      return 'sparc';
    case 'parisc64':
      return 'parisc';
    case 'sh64':
      return 'sh';
    default:
      return arch;
  }
}
