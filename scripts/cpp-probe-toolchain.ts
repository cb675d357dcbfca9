/**
 * Fill the `predefined` section of a toolchain profile (src/toolchain/predefined.ts): the compiler's predefined
 * macros for every distinct flag set a kernel build directory used (from its .cmd files), each single flag's effect,
 * and __has_attribute / __has_builtin answers for the names a kernel tree asks about (plus a common list).
 *
 *   node dist/scripts/cpp-probe-toolchain.js --profile toolchains/arm-linux-gnueabihf-gcc-12.json \
 *        --objtree /work/kbuild/arm [--objtree …] [--tree ~/.cache/kvlint/linux-source-6.1]
 *
 * Runs the compiler (that is what probing is); reads the tree with grep; writes only the profile file.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import { formatProfile, loadProfileFile } from '../src/toolchain/profile.js';
import { COMMON_ATTRIBUTES, COMMON_BUILTINS, predefinedKey, probeFeatures, probeMacros, recordSet, relevantFlags, section } from '../src/toolchain/predefined.js';
import { srctreeOf } from './cpp-diff.js';
import { listUnits } from './cpp-kbuild-cmd.js';

/** literal names in __has_attribute(X) / __has_builtin(X) across a tree */
export function namesAsked(tree: string): { attributes: string[]; builtins: string[] } {
  const r = spawnSync('grep', ['-rhoE', '--include=*.[chS]', '__has_(c_|cpp_)?(attribute|builtin)[[:space:]]*\\([[:space:]]*[A-Za-z_:]+[[:space:]]*\\)', tree], { encoding: 'utf8', maxBuffer: 1 << 28 });
  const attributes = new Set<string>();
  const builtins = new Set<string>();
  for (const m of (r.stdout ?? '').matchAll(/__has_(?:c_|cpp_)?(attribute|builtin)\s*\(\s*([A-Za-z_:]+)\s*\)/g)) {
    if (m[2]!.length <= 1) continue; // macro parameters like x
    (m[1] === 'attribute' ? attributes : builtins).add(m[2]!.replace(/^gnu::/, ''));
  }
  return { attributes: [...attributes], builtins: [...builtins] };
}

function main(args: string[]): number {
  const all = (n: string) => args.flatMap((a, i) => (a === n && args[i + 1] ? [args[i + 1]!] : []));
  const file = all('--profile')[0];
  if (!file) {
    process.stderr.write('usage: cpp-probe-toolchain --profile FILE [--objtree DIR]… [--tree LINUX]\n');
    return 2;
  }
  const profile = loadProfileFile(file);
  const cc = profile.env.CC;
  if (!cc) throw new Error(`${file}: env.CC missing`);
  let sets = 0;
  for (const objtree of all('--objtree')) {
    const srctree = srctreeOf(objtree);
    const seen = new Set<string>();
    for (const u of listUnits(objtree, srctree, /gcc$/)) {
      if (u.argv[0] !== cc.split(/\s+/)[0]) continue;
      const key = predefinedKey(u.cmd);
      if (seen.has(key)) continue;
      seen.add(key);
      if (section(profile)?.sets[key]) continue;
      recordSet(profile, u.cmd, probeMacros(cc, relevantFlags(u.cmd.flags), u.cmd.language === 'assembler-with-cpp' ? 'asm' : 'c'));
      sets++;
    }
  }
  const tree = all('--tree')[0];
  const asked = tree ? namesAsked(tree) : { attributes: [], builtins: [] };
  probeFeatures(profile, [...COMMON_ATTRIBUTES, ...asked.attributes], [...COMMON_BUILTINS, ...asked.builtins]);
  fs.writeFileSync(file, formatProfile(profile));
  const sec = section(profile)!;
  process.stdout.write(`${file}: ${Object.keys(sec.sets).length} flag sets (${sets} new), ${Object.keys(sec.flags).length} single flags, ${Object.keys(sec.attributes).length} attributes, ${Object.keys(sec.builtins).length} builtins\n`);
  return 0;
}

if (process.argv[1] && import.meta.url === `file://${process.argv[1]}`) process.exitCode = main(process.argv.slice(2));
