/**
 * Answers of aarch64-linux-gnu-gcc (Debian 12.2.0-14) 12.2.0 (and aarch64-linux-gnu-ld) to the toolchain probes of Linux's Makefiles, measured by
 * scripts/ground-truth/probe-toolchain.ts (arm64, .config). Regenerate rather than edit.
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
    "-Wgnu": false,
    "-Winitializer-overrides": false,
    "-Wno-override-init": true,
    "-Woverride-init": true,
    "-Wpacked-not-aligned": true,
    "-Wpsabi": true,
    "-Wrestrict": true,
    "-Wstringop-overflow": true,
    "-Wstringop-truncation": true,
    "-Wuninitialized-const-pointer": false,
    "-Wunused-but-set-variable": true,
    "-Wunused-const-variable": true,
    "-femit-struct-debug-detailed=any": true,
    "-fmacro-prefix-map=$(srctree)/=": true,
    "-fno-addrsig": false,
    "-fno-allow-store-data-races": true,
    "-fno-code-hoisting": true,
    "-fno-conserve-stack": true,
    "-fno-schedule-insns": true,
    "-fno-stack-clash-protection": true,
    "-fsched-pressure": true,
    "-mabi=lp64": true,
    "-mbranch-protection=none": true,
    "-mno-single-pic-base": false,
    "-msse -mpreferred-stack-boundary=3": false
  },
  "as": {},
  "instr": {},
  "ld": {
    "--no-apply-dynamic-relocs": true,
    "--no-warn-rwx-segments": true,
    "-maarch64elf": true
  },
  "run": {
    "echo 'int main(void) { asm volatile(\"and w0, w0, %w0\" :: \"K\" (4294967295)); return 0; }' | aarch64-linux-gnu-gcc -S -x c -o \"$TMP\" -": false,
    "echo 'long long x; void f(void){x++;}' | aarch64-linux-gnu-gcc -D__KERNEL__ -mlittle-endian -DKASAN_SHADOW_SCALE_SHIFT= -Wall -Wundef -Werror=strict-prototypes -Wno-trigraphs -fno-strict-aliasing -fno-common -fshort-wchar -fno-PIE -Werror=implicit-function-declaration -Werror=implicit-int -Werror=return-type -Wno-format-security -std=gnu11 -mgeneral-regs-only -DCONFIG_CC_HAS_K_CONSTRAINT=1 -Wno-psabi -mabi=lp64 -fno-asynchronous-unwind-tables -fno-unwind-tables -mbranch-protection=pac-ret+leaf -Wa,-march=armv8.5-a -DARM64_ASM_ARCH='\"armv8.5-a\"' -DKASAN_SHADOW_SCALE_SHIFT= -fno-delete-null-pointer-checks -Wno-frame-address -Wno-format-truncation -Wno-format-overflow -Wno-address-of-packed-member -O2 -fno-allow-store-data-races -Wframe-larger-than=2048 -fstack-protector-strong -Wno-main -Wno-unused-but-set-variable -Wno-unused-const-variable -Wno-dangling-pointer -fno-omit-frame-pointer -fno-optimize-sibling-calls -ftrivial-auto-var-init=zero -fno-stack-clash-protection -Wvla -Wno-pointer-sign -Wcast-function-type -Wno-stringop-truncation -Wno-stringop-overflow -Wno-restrict -Wno-maybe-uninitialized -Wno-array-bounds -Wno-alloc-size-larger-than -Wimplicit-fallthrough=5 -fno-strict-overflow -fno-stack-check -fconserve-stack -Werror=date-time -Werror=incompatible-pointer-types -Werror=designated-init -fno-builtin-wcslen -w -fprofile-arcs -ftest-coverage -x c - -c -o \"$TMP.base\" && echo 'long long x; void f(void){x++;}' | aarch64-linux-gnu-gcc -D__KERNEL__ -mlittle-endian -DKASAN_SHADOW_SCALE_SHIFT= -Wall -Wundef -Werror=strict-prototypes -Wno-trigraphs -fno-strict-aliasing -fno-common -fshort-wchar -fno-PIE -Werror=implicit-function-declaration -Werror=implicit-int -Werror=return-type -Wno-format-security -std=gnu11 -mgeneral-regs-only -DCONFIG_CC_HAS_K_CONSTRAINT=1 -Wno-psabi -mabi=lp64 -fno-asynchronous-unwind-tables -fno-unwind-tables -mbranch-protection=pac-ret+leaf -Wa,-march=armv8.5-a -DARM64_ASM_ARCH='\"armv8.5-a\"' -DKASAN_SHADOW_SCALE_SHIFT= -fno-delete-null-pointer-checks -Wno-frame-address -Wno-format-truncation -Wno-format-overflow -Wno-address-of-packed-member -O2 -fno-allow-store-data-races -Wframe-larger-than=2048 -fstack-protector-strong -Wno-main -Wno-unused-but-set-variable -Wno-unused-const-variable -Wno-dangling-pointer -fno-omit-frame-pointer -fno-optimize-sibling-calls -ftrivial-auto-var-init=zero -fno-stack-clash-protection -Wvla -Wno-pointer-sign -Wcast-function-type -Wno-stringop-truncation -Wno-stringop-overflow -Wno-restrict -Wno-maybe-uninitialized -Wno-array-bounds -Wno-alloc-size-larger-than -Wimplicit-fallthrough=5 -fno-strict-overflow -fno-stack-check -fconserve-stack -Werror=date-time -Werror=incompatible-pointer-types -Werror=designated-init -fno-builtin-wcslen -w -fprofile-arcs -ftest-coverage -fprofile-update=prefer-atomic -x c - -c -o \"$TMP\" && aarch64-linux-gnu-nm \"$TMP.base\" | grep ' U ' > \"$TMP.ubase\" || true ; aarch64-linux-gnu-nm \"$TMP\" | grep ' U ' > \"$TMP.utest\" || true ; cmp -s \"$TMP.ubase\" \"$TMP.utest\"": false,
    "echo 'long long x; void f(void){x++;}' | aarch64-linux-gnu-gcc -D__KERNEL__ -mlittle-endian -DKASAN_SHADOW_SCALE_SHIFT= -Wall -Wundef -Werror=strict-prototypes -Wno-trigraphs -fno-strict-aliasing -fno-common -fshort-wchar -fno-PIE -Werror=implicit-function-declaration -Werror=implicit-int -Werror=return-type -Wno-format-security -std=gnu11 -mgeneral-regs-only -DCONFIG_CC_HAS_K_CONSTRAINT=1 -fno-asynchronous-unwind-tables -fno-unwind-tables -mbranch-protection=pac-ret+leaf -Wa,-march=armv8.5-a -DARM64_ASM_ARCH='\"armv8.5-a\"' -DKASAN_SHADOW_SCALE_SHIFT= -fno-delete-null-pointer-checks -O2 -Wframe-larger-than=2048 -fstack-protector-strong -Wno-main -fno-omit-frame-pointer -fno-optimize-sibling-calls -ftrivial-auto-var-init=zero -Wvla -Wno-pointer-sign -Wno-maybe-uninitialized -Wno-array-bounds -Wno-alloc-size-larger-than -Wimplicit-fallthrough=5 -fno-strict-overflow -fno-stack-check -fconserve-stack -Werror=date-time -fno-builtin-wcslen -w -fprofile-arcs -ftest-coverage -x c - -c -o \"$TMP.base\" && echo 'long long x; void f(void){x++;}' | aarch64-linux-gnu-gcc -D__KERNEL__ -mlittle-endian -DKASAN_SHADOW_SCALE_SHIFT= -Wall -Wundef -Werror=strict-prototypes -Wno-trigraphs -fno-strict-aliasing -fno-common -fshort-wchar -fno-PIE -Werror=implicit-function-declaration -Werror=implicit-int -Werror=return-type -Wno-format-security -std=gnu11 -mgeneral-regs-only -DCONFIG_CC_HAS_K_CONSTRAINT=1 -fno-asynchronous-unwind-tables -fno-unwind-tables -mbranch-protection=pac-ret+leaf -Wa,-march=armv8.5-a -DARM64_ASM_ARCH='\"armv8.5-a\"' -DKASAN_SHADOW_SCALE_SHIFT= -fno-delete-null-pointer-checks -O2 -Wframe-larger-than=2048 -fstack-protector-strong -Wno-main -fno-omit-frame-pointer -fno-optimize-sibling-calls -ftrivial-auto-var-init=zero -Wvla -Wno-pointer-sign -Wno-maybe-uninitialized -Wno-array-bounds -Wno-alloc-size-larger-than -Wimplicit-fallthrough=5 -fno-strict-overflow -fno-stack-check -fconserve-stack -Werror=date-time -fno-builtin-wcslen -w -fprofile-arcs -ftest-coverage -fprofile-update=prefer-atomic -x c - -c -o \"$TMP\" && aarch64-linux-gnu-nm \"$TMP.base\" | grep ' U ' > \"$TMP.ubase\" || true ; aarch64-linux-gnu-nm \"$TMP\" | grep ' U ' > \"$TMP.utest\" || true ; cmp -s \"$TMP.ubase\" \"$TMP.utest\"": false
  },
  "shell": {
    "aarch64-linux-gnu-gcc -print-file-name=include": "/usr/lib/gcc-cross/aarch64-linux-gnu/12/include"
  }
};
