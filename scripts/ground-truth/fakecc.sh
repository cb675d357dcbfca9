#!/bin/sh
# A stand-in for the cross compiler, for Kbuild dry runs (dryrun-build.sh): compiling a real source file to an object
# writes an empty ELF object and a dependency file instead (so make, fixdep, ar and ld -r carry on and every .cmd,
# .mod, built-in.a and modules.order is written exactly as in a real build); anything else — toolchain probes on
# /dev/null or stdin, -S for asm-offsets, -E for linker scripts, vDSO and 16/32-bit objects — runs the real compiler.
real="$FAKECC_REAL"
empty="$FAKECC_EMPTY"
out=""; dep=""; src=""; compile=0
prev=""
for a in "$@"; do
  case "$prev" in -o) out="$a" ;; esac
  case "$a" in
    -c) compile=1 ;;
    -Wp,-MMD,*|-Wp,-MD,*) dep="${a#-Wp,-M*D,}" ;;
    -o|-D|-U|-I|-include|-imacros|-isystem|-idirafter|-x) ;;
    -*) ;;
    *) case "$prev" in -o|-D|-U|-I|-include|-imacros|-isystem|-idirafter|-x) ;; *) src="$a" ;; esac ;;
  esac
  prev="$a"
done
if [ "$compile" = 1 ] && [ -n "$out" ] && [ -n "$src" ] && [ "$src" != /dev/null ] && [ "$src" != - ]; then
  # objects that must really link while preparing (arm64 builds its vDSO before descending): compile for real
  case "$out" in *vdso*) exec "$real" "$@" ;; esac
  # 16/32-bit code linked into blobs during the build (x86 realmode): compile for real too
  case " $* " in *" -m16 "*|*" -m32 "*) exec "$real" "$@" ;; esac
  case "$out" in
    *.o)
      cp "$empty" "$out" || exit 1
      [ -n "$dep" ] && printf '%s: %s\n' "$out" "$src" > "$dep"
      exit 0 ;;
  esac
fi
exec "$real" "$@"
