/**
 * Answers of riscv64-linux-gnu-gcc (Debian 12.2.0-13) 12.2.0 (and riscv64-linux-gnu-ld) to the toolchain probes of Linux's Makefiles, measured by
 * scripts/ground-truth/probe-toolchain.ts (riscv, .config). Regenerate rather than edit.
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
    "-fno-schedule-insns": true,
    "-fno-stack-clash-protection": true,
    "-fsched-pressure": true,
    "-mbranch-protection=none": false,
    "-mno-relax": true,
    "-mno-riscv-attribute": true,
    "-mno-single-pic-base": false,
    "-msse -mpreferred-stack-boundary=3": false,
    "-mstrict-align": true
  },
  "as": {
    "-Wa,-mno-arch-attr": true,
    "-Wa,-mno-relax": true
  },
  "instr": {},
  "ld": {
    "--no-warn-rwx-segments": true
  },
  "run": {
    "echo 'long long x; void f(void){x++;}' | riscv64-linux-gnu-gcc -D__KERNEL__ -Wall -Wundef -Werror=strict-prototypes -Wno-trigraphs -fno-strict-aliasing -fno-common -fshort-wchar -fno-PIE -Werror=implicit-function-declaration -Werror=implicit-int -Werror=return-type -Wno-format-security -std=gnu11 -mabi=lp64 -march=rv64imac_zicsr_zifencei_zicbom_zihintpause -mno-save-restore -DCONFIG_PAGE_OFFSET=0xff60000000000000 -mcmodel=medany -fno-omit-frame-pointer -fno-asynchronous-unwind-tables -fno-unwind-tables -fno-delete-null-pointer-checks -O2 -Wframe-larger-than=2048 -fstack-protector-strong -Wno-main -fno-omit-frame-pointer -fno-optimize-sibling-calls -ftrivial-auto-var-init=zero -Wvla -Wno-pointer-sign -Wno-maybe-uninitialized -Wno-array-bounds -Wno-alloc-size-larger-than -Wimplicit-fallthrough=5 -fno-strict-overflow -fno-stack-check -fconserve-stack -Werror=date-time -fno-builtin-wcslen -w -fprofile-arcs -ftest-coverage -x c - -c -o \"$TMP.base\" && echo 'long long x; void f(void){x++;}' | riscv64-linux-gnu-gcc -D__KERNEL__ -Wall -Wundef -Werror=strict-prototypes -Wno-trigraphs -fno-strict-aliasing -fno-common -fshort-wchar -fno-PIE -Werror=implicit-function-declaration -Werror=implicit-int -Werror=return-type -Wno-format-security -std=gnu11 -mabi=lp64 -march=rv64imac_zicsr_zifencei_zicbom_zihintpause -mno-save-restore -DCONFIG_PAGE_OFFSET=0xff60000000000000 -mcmodel=medany -fno-omit-frame-pointer -fno-asynchronous-unwind-tables -fno-unwind-tables -fno-delete-null-pointer-checks -O2 -Wframe-larger-than=2048 -fstack-protector-strong -Wno-main -fno-omit-frame-pointer -fno-optimize-sibling-calls -ftrivial-auto-var-init=zero -Wvla -Wno-pointer-sign -Wno-maybe-uninitialized -Wno-array-bounds -Wno-alloc-size-larger-than -Wimplicit-fallthrough=5 -fno-strict-overflow -fno-stack-check -fconserve-stack -Werror=date-time -fno-builtin-wcslen -w -fprofile-arcs -ftest-coverage -fprofile-update=prefer-atomic -x c - -c -o \"$TMP\" && riscv64-linux-gnu-nm \"$TMP.base\" | grep ' U ' > \"$TMP.ubase\" || true ; riscv64-linux-gnu-nm \"$TMP\" | grep ' U ' > \"$TMP.utest\" || true ; cmp -s \"$TMP.ubase\" \"$TMP.utest\"": true,
    "echo 'long long x; void f(void){x++;}' | riscv64-linux-gnu-gcc -D__KERNEL__ -Wall -Wundef -Werror=strict-prototypes -Wno-trigraphs -fno-strict-aliasing -fno-common -fshort-wchar -fno-PIE -Werror=implicit-function-declaration -Werror=implicit-int -Werror=return-type -Wno-format-security -std=gnu11 -mabi=lp64 -march=rv64imac_zicsr_zifencei_zicbom_zihintpause -mno-save-restore -DCONFIG_PAGE_OFFSET=0xff60000000000000 -mcmodel=medany -fno-omit-frame-pointer -fno-asynchronous-unwind-tables -fno-unwind-tables -mno-riscv-attribute -Wa,-mno-arch-attr -mstrict-align -fno-delete-null-pointer-checks -Wno-frame-address -Wno-format-truncation -Wno-format-overflow -Wno-address-of-packed-member -O2 -fno-allow-store-data-races -Wframe-larger-than=2048 -fstack-protector-strong -Wno-main -Wno-unused-but-set-variable -Wno-unused-const-variable -Wno-dangling-pointer -fno-omit-frame-pointer -fno-optimize-sibling-calls -ftrivial-auto-var-init=zero -fno-stack-clash-protection -Wvla -Wno-pointer-sign -Wcast-function-type -Wno-stringop-truncation -Wno-stringop-overflow -Wno-restrict -Wno-maybe-uninitialized -Wno-array-bounds -Wno-alloc-size-larger-than -Wimplicit-fallthrough=5 -fno-strict-overflow -fno-stack-check -fconserve-stack -Werror=date-time -Werror=incompatible-pointer-types -Werror=designated-init -fno-builtin-wcslen -w -fprofile-arcs -ftest-coverage -x c - -c -o \"$TMP.base\" && echo 'long long x; void f(void){x++;}' | riscv64-linux-gnu-gcc -D__KERNEL__ -Wall -Wundef -Werror=strict-prototypes -Wno-trigraphs -fno-strict-aliasing -fno-common -fshort-wchar -fno-PIE -Werror=implicit-function-declaration -Werror=implicit-int -Werror=return-type -Wno-format-security -std=gnu11 -mabi=lp64 -march=rv64imac_zicsr_zifencei_zicbom_zihintpause -mno-save-restore -DCONFIG_PAGE_OFFSET=0xff60000000000000 -mcmodel=medany -fno-omit-frame-pointer -fno-asynchronous-unwind-tables -fno-unwind-tables -mno-riscv-attribute -Wa,-mno-arch-attr -mstrict-align -fno-delete-null-pointer-checks -Wno-frame-address -Wno-format-truncation -Wno-format-overflow -Wno-address-of-packed-member -O2 -fno-allow-store-data-races -Wframe-larger-than=2048 -fstack-protector-strong -Wno-main -Wno-unused-but-set-variable -Wno-unused-const-variable -Wno-dangling-pointer -fno-omit-frame-pointer -fno-optimize-sibling-calls -ftrivial-auto-var-init=zero -fno-stack-clash-protection -Wvla -Wno-pointer-sign -Wcast-function-type -Wno-stringop-truncation -Wno-stringop-overflow -Wno-restrict -Wno-maybe-uninitialized -Wno-array-bounds -Wno-alloc-size-larger-than -Wimplicit-fallthrough=5 -fno-strict-overflow -fno-stack-check -fconserve-stack -Werror=date-time -Werror=incompatible-pointer-types -Werror=designated-init -fno-builtin-wcslen -w -fprofile-arcs -ftest-coverage -fprofile-update=prefer-atomic -x c - -c -o \"$TMP\" && riscv64-linux-gnu-nm \"$TMP.base\" | grep ' U ' > \"$TMP.ubase\" || true ; riscv64-linux-gnu-nm \"$TMP\" | grep ' U ' > \"$TMP.utest\" || true ; cmp -s \"$TMP.ubase\" \"$TMP.utest\"": true
  },
  "shell": {}
};
