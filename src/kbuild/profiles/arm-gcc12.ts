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
  },
  "run": {
    "echo 'long long x; void f(void){x++;}' | arm-linux-gnueabihf-gcc -D__KERNEL__ -mlittle-endian -Wall -Wundef -Werror=strict-prototypes -Wno-trigraphs -fno-strict-aliasing -fno-common -fshort-wchar -fno-PIE -Werror=implicit-function-declaration -Werror=implicit-int -Werror=return-type -Wno-format-security -std=gnu11 -fno-dwarf2-cfi-asm -mno-fdpic -fno-ipa-sra -mabi=aapcs-linux -mfpu=vfp -funwind-tables -mtp=cp15 -marm -Wa,-mno-warn-deprecated -D__LINUX_ARM_ARCH__=7 -march=armv7-a -msoft-float -Uarm -fno-delete-null-pointer-checks -Wno-frame-address -Wno-format-truncation -Wno-format-overflow -Wno-address-of-packed-member -O2 -fno-allow-store-data-races -Wframe-larger-than=1024 -fstack-protector-strong -Wno-main -Wno-unused-but-set-variable -Wno-unused-const-variable -Wno-dangling-pointer -fomit-frame-pointer -ftrivial-auto-var-init=zero -fno-stack-clash-protection -Wvla -Wno-pointer-sign -Wcast-function-type -Wno-stringop-truncation -Wno-stringop-overflow -Wno-restrict -Wno-maybe-uninitialized -Wno-array-bounds -Wno-alloc-size-larger-than -Wimplicit-fallthrough=5 -fno-strict-overflow -fno-stack-check -fconserve-stack -Werror=date-time -Werror=incompatible-pointer-types -Werror=designated-init -fno-builtin-wcslen -w -fprofile-arcs -ftest-coverage -x c - -c -o \"$TMP.base\" && echo 'long long x; void f(void){x++;}' | arm-linux-gnueabihf-gcc -D__KERNEL__ -mlittle-endian -Wall -Wundef -Werror=strict-prototypes -Wno-trigraphs -fno-strict-aliasing -fno-common -fshort-wchar -fno-PIE -Werror=implicit-function-declaration -Werror=implicit-int -Werror=return-type -Wno-format-security -std=gnu11 -fno-dwarf2-cfi-asm -mno-fdpic -fno-ipa-sra -mabi=aapcs-linux -mfpu=vfp -funwind-tables -mtp=cp15 -marm -Wa,-mno-warn-deprecated -D__LINUX_ARM_ARCH__=7 -march=armv7-a -msoft-float -Uarm -fno-delete-null-pointer-checks -Wno-frame-address -Wno-format-truncation -Wno-format-overflow -Wno-address-of-packed-member -O2 -fno-allow-store-data-races -Wframe-larger-than=1024 -fstack-protector-strong -Wno-main -Wno-unused-but-set-variable -Wno-unused-const-variable -Wno-dangling-pointer -fomit-frame-pointer -ftrivial-auto-var-init=zero -fno-stack-clash-protection -Wvla -Wno-pointer-sign -Wcast-function-type -Wno-stringop-truncation -Wno-stringop-overflow -Wno-restrict -Wno-maybe-uninitialized -Wno-array-bounds -Wno-alloc-size-larger-than -Wimplicit-fallthrough=5 -fno-strict-overflow -fno-stack-check -fconserve-stack -Werror=date-time -Werror=incompatible-pointer-types -Werror=designated-init -fno-builtin-wcslen -w -fprofile-arcs -ftest-coverage -fprofile-update=prefer-atomic -x c - -c -o \"$TMP\" && arm-linux-gnueabihf-nm \"$TMP.base\" | grep ' U ' > \"$TMP.ubase\" || true ; arm-linux-gnueabihf-nm \"$TMP\" | grep ' U ' > \"$TMP.utest\" || true ; cmp -s \"$TMP.ubase\" \"$TMP.utest\"": true,
    "echo 'long long x; void f(void){x++;}' | arm-linux-gnueabihf-gcc -D__KERNEL__ -mlittle-endian -Wall -Wundef -Werror=strict-prototypes -Wno-trigraphs -fno-strict-aliasing -fno-common -fshort-wchar -fno-PIE -Werror=implicit-function-declaration -Werror=implicit-int -Werror=return-type -Wno-format-security -std=gnu11 -mabi=aapcs-linux -mfpu=vfp -funwind-tables -mtp=cp15 -Wa,-W -D__LINUX_ARM_ARCH__=7 -march=armv7-a -msoft-float -Uarm -fno-delete-null-pointer-checks -O2 -Wframe-larger-than=1024 -fstack-protector-strong -Wno-main -fomit-frame-pointer -ftrivial-auto-var-init=zero -Wvla -Wno-pointer-sign -Wno-maybe-uninitialized -Wno-array-bounds -Wno-alloc-size-larger-than -Wimplicit-fallthrough=5 -fno-strict-overflow -fno-stack-check -fconserve-stack -Werror=date-time -fno-builtin-wcslen -w -fprofile-arcs -ftest-coverage -x c - -c -o \"$TMP.base\" && echo 'long long x; void f(void){x++;}' | arm-linux-gnueabihf-gcc -D__KERNEL__ -mlittle-endian -Wall -Wundef -Werror=strict-prototypes -Wno-trigraphs -fno-strict-aliasing -fno-common -fshort-wchar -fno-PIE -Werror=implicit-function-declaration -Werror=implicit-int -Werror=return-type -Wno-format-security -std=gnu11 -mabi=aapcs-linux -mfpu=vfp -funwind-tables -mtp=cp15 -Wa,-W -D__LINUX_ARM_ARCH__=7 -march=armv7-a -msoft-float -Uarm -fno-delete-null-pointer-checks -O2 -Wframe-larger-than=1024 -fstack-protector-strong -Wno-main -fomit-frame-pointer -ftrivial-auto-var-init=zero -Wvla -Wno-pointer-sign -Wno-maybe-uninitialized -Wno-array-bounds -Wno-alloc-size-larger-than -Wimplicit-fallthrough=5 -fno-strict-overflow -fno-stack-check -fconserve-stack -Werror=date-time -fno-builtin-wcslen -w -fprofile-arcs -ftest-coverage -fprofile-update=prefer-atomic -x c - -c -o \"$TMP\" && arm-linux-gnueabihf-nm \"$TMP.base\" | grep ' U ' > \"$TMP.ubase\" || true ; arm-linux-gnueabihf-nm \"$TMP\" | grep ' U ' > \"$TMP.utest\" || true ; cmp -s \"$TMP.ubase\" \"$TMP.utest\"": true
  },
  "shell": {}
};
