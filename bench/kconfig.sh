#!/bin/sh
# Older name of scripts/ground-truth/run-ts.sh (compile the project, run one of its TypeScript scripts with node);
# kept because the bench and kconfig docs use it. `.ts` may be left off.
#   bench/kconfig.sh bench/kconfig-conformance [args…]
script="$1"; shift
exec "$(dirname "$0")/../scripts/ground-truth/run-ts.sh" "${script%.ts}.ts" "$@"
