/**
 * Answers of x86_64-linux-gnu-gcc (Debian 12.2.0-14+deb12u1) 12.2.0 (and x86_64-linux-gnu-ld) to the toolchain probes of Linux's Makefiles, measured by
 * scripts/ground-truth/probe-toolchain.ts (x86_64, .config). Regenerate rather than edit.
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
    "-falign-jumps=1": true,
    "-falign-loops=1": true,
    "-fcf-protection=none": true,
    "-fmacro-prefix-map=$(srctree)/=": true,
    "-fno-addrsig": false,
    "-fno-allow-store-data-races": true,
    "-fno-code-hoisting": true,
    "-fno-conserve-stack": true,
    "-fno-schedule-insns": true,
    "-fno-stack-clash-protection": true,
    "-foptimize-sibling-calls": true,
    "-fsched-pressure": true,
    "-mbranch-protection=none": false,
    "-mindirect-branch-cs-prefix": true,
    "-mindirect-branch=thunk-extern -mindirect-branch-register": true,
    "-mindirect-branch=thunk-inline -mindirect-branch-register": true,
    "-mno-fp-ret-in-387": true,
    "-mno-single-pic-base": false,
    "-mpreferred-stack-boundary=4": true,
    "-mskip-rax-setup": true,
    "-msse -mpreferred-stack-boundary=3": true,
    "-mstack-alignment=16": false
  },
  "as": {},
  "instr": {},
  "ld": {
    "--no-warn-rwx-segments": true
  },
  "run": {
    "echo 'long long x; void f(void){x++;}' | x86_64-linux-gnu-gcc -D__KERNEL__ -Wall -Wundef -Werror=strict-prototypes -Wno-trigraphs -fno-strict-aliasing -fno-common -fshort-wchar -fno-PIE -Werror=implicit-function-declaration -Werror=implicit-int -Werror=return-type -Wno-format-security -std=gnu11 -mno-sse -mno-mmx -mno-sse2 -mno-3dnow -mno-avx -fcf-protection=none -m64 -falign-jumps=1 -falign-loops=1 -mno-80387 -mno-fp-ret-in-387 -mpreferred-stack-boundary=3 -mskip-rax-setup -mtune=generic -mno-red-zone -mcmodel=kernel -Wno-sign-compare -fno-asynchronous-unwind-tables -mindirect-branch=thunk-extern -mindirect-branch-register -mindirect-branch-cs-prefix -mfunction-return=thunk-extern -fno-jump-tables -fno-delete-null-pointer-checks -Wno-frame-address -Wno-format-truncation -Wno-format-overflow -Wno-address-of-packed-member -O2 -fno-allow-store-data-races -Wframe-larger-than=2048 -fstack-protector-strong -Wno-main -Wno-unused-but-set-variable -Wno-unused-const-variable -Wno-dangling-pointer -fomit-frame-pointer -ftrivial-auto-var-init=zero -fno-stack-clash-protection -Wvla -Wno-pointer-sign -Wcast-function-type -Wno-stringop-truncation -Wno-stringop-overflow -Wno-restrict -Wno-maybe-uninitialized -Werror -Wno-array-bounds -Wno-alloc-size-larger-than -Wimplicit-fallthrough=5 -fno-strict-overflow -fno-stack-check -fconserve-stack -Werror=date-time -Werror=incompatible-pointer-types -Werror=designated-init -fno-builtin-wcslen -w -fprofile-arcs -ftest-coverage -x c - -c -o \"$TMP.base\" && echo 'long long x; void f(void){x++;}' | x86_64-linux-gnu-gcc -D__KERNEL__ -Wall -Wundef -Werror=strict-prototypes -Wno-trigraphs -fno-strict-aliasing -fno-common -fshort-wchar -fno-PIE -Werror=implicit-function-declaration -Werror=implicit-int -Werror=return-type -Wno-format-security -std=gnu11 -mno-sse -mno-mmx -mno-sse2 -mno-3dnow -mno-avx -fcf-protection=none -m64 -falign-jumps=1 -falign-loops=1 -mno-80387 -mno-fp-ret-in-387 -mpreferred-stack-boundary=3 -mskip-rax-setup -mtune=generic -mno-red-zone -mcmodel=kernel -Wno-sign-compare -fno-asynchronous-unwind-tables -mindirect-branch=thunk-extern -mindirect-branch-register -mindirect-branch-cs-prefix -mfunction-return=thunk-extern -fno-jump-tables -fno-delete-null-pointer-checks -Wno-frame-address -Wno-format-truncation -Wno-format-overflow -Wno-address-of-packed-member -O2 -fno-allow-store-data-races -Wframe-larger-than=2048 -fstack-protector-strong -Wno-main -Wno-unused-but-set-variable -Wno-unused-const-variable -Wno-dangling-pointer -fomit-frame-pointer -ftrivial-auto-var-init=zero -fno-stack-clash-protection -Wvla -Wno-pointer-sign -Wcast-function-type -Wno-stringop-truncation -Wno-stringop-overflow -Wno-restrict -Wno-maybe-uninitialized -Werror -Wno-array-bounds -Wno-alloc-size-larger-than -Wimplicit-fallthrough=5 -fno-strict-overflow -fno-stack-check -fconserve-stack -Werror=date-time -Werror=incompatible-pointer-types -Werror=designated-init -fno-builtin-wcslen -w -fprofile-arcs -ftest-coverage -fprofile-update=prefer-atomic -x c - -c -o \"$TMP\" && x86_64-linux-gnu-nm \"$TMP.base\" | grep ' U ' > \"$TMP.ubase\" || true ; x86_64-linux-gnu-nm \"$TMP\" | grep ' U ' > \"$TMP.utest\" || true ; cmp -s \"$TMP.ubase\" \"$TMP.utest\"": true,
    "echo 'long long x; void f(void){x++;}' | x86_64-linux-gnu-gcc -D__KERNEL__ -Wall -Wundef -Werror=strict-prototypes -Wno-trigraphs -fno-strict-aliasing -fno-common -fshort-wchar -fno-PIE -Werror=implicit-function-declaration -Werror=implicit-int -Werror=return-type -Wno-format-security -std=gnu11 -mno-sse -mno-mmx -mno-sse2 -mno-3dnow -mno-avx -m64 -mno-80387 -mtune=generic -mno-red-zone -mcmodel=kernel -Wno-sign-compare -fno-asynchronous-unwind-tables -mfunction-return=thunk-extern -fno-jump-tables -fno-delete-null-pointer-checks -O2 -Wframe-larger-than=2048 -fstack-protector-strong -Wno-main -fomit-frame-pointer -ftrivial-auto-var-init=zero -Wvla -Wno-pointer-sign -Wno-maybe-uninitialized -Werror -Wno-array-bounds -Wno-alloc-size-larger-than -Wimplicit-fallthrough=5 -fno-strict-overflow -fno-stack-check -fconserve-stack -Werror=date-time -fno-builtin-wcslen -w -fprofile-arcs -ftest-coverage -x c - -c -o \"$TMP.base\" && echo 'long long x; void f(void){x++;}' | x86_64-linux-gnu-gcc -D__KERNEL__ -Wall -Wundef -Werror=strict-prototypes -Wno-trigraphs -fno-strict-aliasing -fno-common -fshort-wchar -fno-PIE -Werror=implicit-function-declaration -Werror=implicit-int -Werror=return-type -Wno-format-security -std=gnu11 -mno-sse -mno-mmx -mno-sse2 -mno-3dnow -mno-avx -m64 -mno-80387 -mtune=generic -mno-red-zone -mcmodel=kernel -Wno-sign-compare -fno-asynchronous-unwind-tables -mfunction-return=thunk-extern -fno-jump-tables -fno-delete-null-pointer-checks -O2 -Wframe-larger-than=2048 -fstack-protector-strong -Wno-main -fomit-frame-pointer -ftrivial-auto-var-init=zero -Wvla -Wno-pointer-sign -Wno-maybe-uninitialized -Werror -Wno-array-bounds -Wno-alloc-size-larger-than -Wimplicit-fallthrough=5 -fno-strict-overflow -fno-stack-check -fconserve-stack -Werror=date-time -fno-builtin-wcslen -w -fprofile-arcs -ftest-coverage -fprofile-update=prefer-atomic -x c - -c -o \"$TMP\" && x86_64-linux-gnu-nm \"$TMP.base\" | grep ' U ' > \"$TMP.ubase\" || true ; x86_64-linux-gnu-nm \"$TMP\" | grep ' U ' > \"$TMP.utest\" || true ; cmp -s \"$TMP.ubase\" \"$TMP.utest\"": true
  },
  "shell": {}
};
