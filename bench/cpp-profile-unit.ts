/**
 * Preprocess a few units of a kbuild O= directory repeatedly (first run cold, then warm caches) and print times:
 *   node dist/bench/cpp-profile-unit.js OBJTREE obj.o [obj.o…] [--runs N]
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CppCache, preprocess } from '../src/cpp/index.js';
import { KernelTree } from '../src/tree/tree.js';
import { bundledProfiles } from '../src/toolchain/profile.js';
import { predefinedFor } from '../src/toolchain/predefined.js';
import { listUnits } from '../scripts/cpp-kbuild-cmd.js';
import { srctreeOf } from '../scripts/cpp-diff.js';

const args = process.argv.slice(2);
const runsAt = args.indexOf('--runs');
const runs = runsAt >= 0 ? Number(args.splice(runsAt, 2)[1]) : 3;
const [objtree, ...objs] = args;
if (!objtree) throw new Error('usage: cpp-profile-unit OBJTREE obj.o…');
const srctree = srctreeOf(objtree);
const units = listUnits(objtree, srctree, /gcc$/).filter((u) => objs.length === 0 || objs.includes(u.object)).slice(0, objs.length || 20);
const tree = new KernelTree(srctree);
const autoconf = fs.readFileSync(path.join(objtree, 'include/generated/autoconf.h'), 'latin1');
const cache = new CppCache(tree, [objtree]);
const profile = bundledProfiles().find((p) => p.env.CC === units[0]!.argv[0])!;
for (let r = 0; r < runs; r++) {
  let total = 0;
  let toks = 0;
  for (const u of units) {
    const pre = predefinedFor(profile, u.cmd);
    const t0 = performance.now();
    const res = preprocess(tree, u.source, { memo: !process.env.NO_MEMO, cmd: u.cmd, autoconf, predefined: pre.macros, attributes: pre.attributes, builtins: pre.builtins, cache, extraRoots: [objtree], srcPrefix: srctree + '/' });
    total += performance.now() - t0;
    toks += res.tokens.length;
  }
  const ms = cache.memo.stats;
  console.log(`run ${r}: ${units.length} units ${total.toFixed(0)} ms (${(total / units.length).toFixed(1)} ms/unit), ${toks} tokens; lexed ${cache.stats.lexedFiles} files ${(cache.stats.lexedBytes / 1e6).toFixed(1)} MB in ${cache.stats.lexMs.toFixed(0)} ms; memo hits ${ms.hits} misses ${ms.misses} recorded ${ms.recorded} unmemoizable ${ms.unmemoizable} stored ${cache.memo.tokens} tokens`);
}
