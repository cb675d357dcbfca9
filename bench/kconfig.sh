#!/bin/sh
# Run a kvlint TypeScript bench/script after compiling the project (tests, bench and scripts included) into dist/.
#   bench/kconfig.sh bench/kconfig-conformance [args…]
#   bench/kconfig.sh scripts/kconfig-probe-profiles [LINUX_DIR]
set -e
cd "$(dirname "$0")/.."
npx tsc -p tsconfig.json --outDir dist >&2 || echo "bench/kconfig.sh: type errors above (emitted anyway)" >&2
script="$1"; shift
exec node "dist/${script%.ts}.js" "$@"
