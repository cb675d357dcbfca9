#!/usr/bin/env bash
# Compile the project (tsc, to node_modules/.cache/kvlint-scripts) and run one of its TypeScript scripts with node.
#   scripts/ground-truth/run-ts.sh scripts/ground-truth/probe-toolchain.ts ARGS…
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
out="$root/node_modules/.cache/kvlint-scripts"
script=$1
shift
# type errors elsewhere in the project (work in progress) do not stop the emit
(cd "$root" && npx tsc -p tsconfig.json --noEmit false --outDir "$out" --sourceMap false --declaration false >/dev/null) \
  || echo "run-ts.sh: tsc reported type errors (see npm run typecheck); running anyway" >&2
exec node "$out/${script%.ts}.js" "$@"
