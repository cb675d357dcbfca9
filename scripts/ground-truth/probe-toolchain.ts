/**
 * Build a toolchain profile table by asking the real toolchain every question the tree's Makefiles ask under a
 * configuration (cc-option, cc-disable-warning, as-option, as-instr, ld-option), exactly as kbuild's try-run would,
 * and add the answers to the "kbuild" section of a toolchain profile (toolchains/*.json; answers already there are
 * kept and not asked again, so probing another tree or configuration extends the profile). Repeats until the set of
 * questions is stable (an answer can lead to other questions).
 *
 *   scripts/ground-truth/run-ts.sh scripts/ground-truth/probe-toolchain.ts TREE DOTCONFIG ARCH CROSS_COMPILE PROFILE.json
 */
import { execSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { evalKbuild, parseDotConfig } from '../../src/kbuild/index.js';
import { TableProfile } from '../../src/kbuild/profile.js';
import { formatProfile, loadProfileFile } from '../../src/toolchain/profile.js';
import { KernelTree } from '../../src/tree/tree.js';

const [treeDir, dotconfig, arch, cross, outFile] = process.argv.slice(2);
if (!treeDir || !dotconfig || !arch || cross === undefined || !outFile) {
  console.error('usage: probe-toolchain.ts TREE DOTCONFIG ARCH CROSS_COMPILE PROFILE.json');
  process.exit(2);
}
const tree = new KernelTree(treeDir);
const srctree = fs.realpathSync(treeDir);
const config = parseDotConfig(fs.readFileSync(dotconfig, 'utf8'), arch);
const file = loadProfileFile(outFile);
const known = (file['kbuild'] ?? {}) as Partial<Record<'cc' | 'as' | 'instr' | 'ld' | 'run', Record<string, boolean>> & { shell: Record<string, string> }>;
const table = {
  cc: { ...known.cc } as Record<string, boolean>,
  as: { ...known.as } as Record<string, boolean>,
  instr: { ...known.instr } as Record<string, boolean>,
  ld: { ...known.ld } as Record<string, boolean>,
  run: { ...known.run } as Record<string, boolean>,
  shell: { ...known.shell } as Record<string, string>,
};
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kvlint-probe-'));
const sh = (cmd: string): boolean => {
  try {
    execSync(cmd, { stdio: 'ignore', shell: '/bin/sh', cwd: tmp });
    return true;
  } catch {
    return false;
  }
};
const q = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

for (let round = 1; round <= 5; round++) {
  const profile = new TableProfile('probing', cross, 'gcc', table);
  const r = evalKbuild(tree, config, { profile, objtree: tmp });
  const ctx = (v: string): string => (r.stats.top[v] ?? '').split('$(srctree)/').join(srctree + '/');
  const cc = `${cross}gcc`;
  let asked = 0;
  for (const key of r.stats.unanswered.keys()) {
    const kind = key.slice(0, key.indexOf(':')) as 'cc' | 'as' | 'instr' | 'ld' | 'run';
    const flags = key.slice(kind.length + 1);
    const real = flags.split('$(srctree)/').join(srctree + '/');
    let ok: boolean;
    if (kind === 'cc') ok = sh(`${cc} -Werror ${ctx('KBUILD_CPPFLAGS')} ${ctx('KBUILD_CFLAGS')} ${real} -c -x c /dev/null -o probe.o`);
    else if (kind === 'as') ok = sh(`${cc} -Werror ${ctx('KBUILD_CPPFLAGS')} ${ctx('KBUILD_AFLAGS')} ${real} -c -x assembler-with-cpp /dev/null -o probe.o`);
    else if (kind === 'instr') ok = sh(`printf "%b\\n" ${q(real)} | ${cc} -Werror ${ctx('KBUILD_AFLAGS')} -c -x assembler-with-cpp -o probe.o -`);
    else if (kind === 'ld') ok = sh(`${cross}ld ${ctx('KBUILD_LDFLAGS')} ${real} -v`);
    // try-run itself: the command as the Makefile wrote it, with TMP as kbuild sets it
    else ok = sh(`set -e; TMP=probe.tmp; (${real}) >/dev/null 2>&1`);
    table[kind][flags] = ok;
    asked++;
  }
  // $(shell) queries of the toolchain itself (never other commands: they depend on the host or the build)
  for (const cmd of r.stats.shells.keys()) {
    if (cmd in table.shell) continue;
    const w = cmd.split(' ');
    if (!w[0] || !(w[0] === `${cross}gcc` || w[0] === `${cross}ld` || w[0] === `${cross}as`)) continue;
    if (!w.slice(1).every((a) => /^-(print-[a-z-]+(=\S+)?|dumpversion|dumpmachine|v|-version)$/.test(a))) continue;
    try {
      table.shell[cmd] = execSync(cmd, { encoding: 'utf8', shell: '/bin/sh', cwd: tmp }).replace(/\n$/, '').replace(/\n/g, ' ');
      asked++;
    } catch {
      /* a failing query stays unanswered */
    }
  }
  console.error(`round ${round}: ${asked} new questions`);
  if (asked === 0) break;
}
fs.rmSync(tmp, { recursive: true, force: true });

file['kbuild'] = table;
fs.writeFileSync(outFile, formatProfile(file));
console.error(`wrote ${outFile} (kbuild section): cc ${Object.keys(table.cc).length}, as ${Object.keys(table.as).length}, instr ${Object.keys(table.instr).length}, ld ${Object.keys(table.ld).length}, run ${Object.keys(table.run).length}, shell ${Object.keys(table.shell).length}`);
