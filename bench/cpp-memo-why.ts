/** Why header memos miss: node dist/bench/cpp-memo-why.js OBJTREE LIST [N] — counts the first failing dependency by name. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CppCache, preprocess } from '../src/cpp/index.js';
import { idents } from '../src/cpp/lexer.js';
import { setMissWhy } from '../src/cpp/memo.js';
import { predefinedFor } from '../src/toolchain/predefined.js';
import { bundledProfiles } from '../src/toolchain/profile.js';
import { KernelTree } from '../src/tree/tree.js';
import { selectUnits, srctreeOf } from '../scripts/cpp-diff.js';

const [objtree, list, n] = process.argv.slice(2);
const srctree = srctreeOf(objtree!);
const units = selectUnits(objtree!, srctree, { list: list! }).slice(0, Number(n ?? 20));
const tree = new KernelTree(srctree);
const cache = new CppCache(tree, [objtree!]);
const autoconf = fs.readFileSync(path.join(objtree!, 'include/generated/autoconf.h'), 'latin1');
const profiles = new Map(bundledProfiles().filter((p) => p.env.CC).map((p) => [p.env.CC!, p]));
const why = new Map<string, number>();
setMissWhy((e, id, was, now) => {
  const w = typeof was === 'symbol' ? 'defined' : was === undefined ? 'undef' : `${was.origin}:${was.lf?.file}`;
  const k = `${idents.name(id)} was ${w} now ${now === undefined ? 'undef' : `${now.origin}:${now.lf?.file}`} (${e.key.split('|')[0]})`;
  why.set(k, (why.get(k) ?? 0) + 1);
});
for (const u of units) {
  const pre = predefinedFor(profiles.get(u.argv[0]!)!, u.cmd);
  preprocess(tree, u.source, { cmd: u.cmd, autoconf, predefined: pre.macros, attributes: pre.attributes, builtins: pre.builtins, cache, extraRoots: [objtree!], srcPrefix: srctree + '/' });
}
console.log(cache.memo.stats);
for (const [k, c] of [...why].sort((a, b) => b[1] - a[1]).slice(0, 40)) console.log(c, k);
