/**
 * Answers of arm-linux-gnueabihf-gcc (Debian 12.2.0-14) 12.2.0 (and arm-linux-gnueabihf-ld) to the toolchain probes of Linux's Makefiles, measured by
 * scripts/ground-truth/probe-toolchain.ts (arm, .config). Regenerate rather than edit.
 */
export const TABLE = {
  "cc": {
    "--param=allow-store-data-races=0": false,
    "-Waddress-of-packed-member": true,
    "-Wcast-function-type": true,
    "-Wdangling-pointer": true,
    "-Werror=designated-init": true,
    "-Werror=incompatible-pointer-types": true,
    "-Wformat-overflow": true,
    "-Wformat-truncation": true,
    "-Wframe-address": true,
    "-Wframe-larger-than=10240": true,
    "-Wgnu": false,
    "-Winitializer-overrides": false,
    "-Wno-override-init": true,
    "-Woverride-init": true,
    "-Wpacked-not-aligned": true,
    "-Wrestrict": true,
    "-Wstringop-overflow": true,
    "-Wstringop-truncation": true,
    "-Wunused-but-set-variable": true,
    "-Wunused-const-variable": true,
    "-fmacro-prefix-map=$(srctree)/=": true,
    "-fno-addrsig": false,
    "-fno-allow-store-data-races": true,
    "-fno-code-hoisting": true,
    "-fno-conserve-stack": true,
    "-fno-dwarf2-cfi-asm": true,
    "-fno-ipa-sra": true,
    "-fno-schedule-insns": true,
    "-fno-stack-clash-protection": true,
    "-fsched-pressure": true,
    "-malignment-traps": false,
    "-marm": true,
    "-mbranch-protection=none": false,
    "-mno-fdpic": true,
    "-mno-single-pic-base": true,
    "-mshort-load-bytes": false,
    "-msse -mpreferred-stack-boundary=3": false
  },
  "as": {
    "-Wa,-mno-warn-deprecated": true
  },
  "instr": {},
  "ld": {
    "--no-warn-rwx-segments": true
  }
};
