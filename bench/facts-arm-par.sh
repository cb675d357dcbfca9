#!/bin/sh
# Run bench/facts-arm in N shards side by side (default 2) and add up their figures.
#   bench/facts-arm-par.sh [N] [facts-arm options…]
set -e
cd "$(dirname "$0")/.."
n=${1:-2}; shift || true
npx tsc -p tsconfig.json --outDir dist >&2 || true
tmp=$(mktemp -d)
i=0
while [ $i -lt $n ]; do
  node dist/bench/facts-arm.js --shard $i/$n "$@" > "$tmp/$i.log" 2>&1 &
  i=$((i + 1))
done
wait
cat "$tmp"/*.log | grep -v '^SUMMARY\|^---\|^cpp:\|^module \|^top \|^time:'
node -e '
const fs = require("fs");
let t = [0,0,0,0,0,0]; const fp = new Map(), fn = new Map(); let time = [];
for (const f of fs.readdirSync(process.argv[1])) {
  for (const l of fs.readFileSync(process.argv[1] + "/" + f, "latin1").split("\n")) {
    if (l.startsWith("time:")) time.push(l);
    if (!l.startsWith("SUMMARY ")) continue;
    const parts = l.split(" ");
    for (let i = 0; i < 6; i++) t[i] += Number(parts[i + 1]);
    const rest = l.slice(l.indexOf("[["));
    const m = rest.match(/^(\[.*?\]\]|\[\]) (\[.*\]\]|\[\])$/);
    if (m) { for (const [k, v] of JSON.parse(m[1])) fp.set(k, (fp.get(k) || 0) + v); for (const [k, v] of JSON.parse(m[2])) fn.set(k, (fn.get(k) || 0) + v); }
  }
}
const pct = (a, b) => b ? (100 * a / b).toFixed(2) + "%" : "n/a";
console.log("---");
console.log(`module undefined symbols vs nm -u of the .ko: precision ${pct(t[0], t[0] + t[1])} recall ${pct(t[0], t[0] + t[2])} (tp ${t[0]}, fp ${t[1]}, fn ${t[2]})`);
console.log(`module global definitions vs nm of the .ko: precision ${pct(t[3], t[3] + t[4])} recall ${pct(t[3], t[3] + t[5])} (tp ${t[3]}, fp ${t[4]}, fn ${t[5]})`);
const top = (m) => [...m].sort((a, b) => b[1] - a[1]).slice(0, 30).map(([k, v]) => `${k}:${v}`).join(" ");
console.log("top extra: " + top(fp)); console.log("top missing: " + top(fn)); for (const x of time) console.log(x);
' "$tmp"
rm -rf "$tmp"
