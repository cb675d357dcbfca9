/**
 * Kconfig fidelity on older trees: kvlint's resolution against each tree's own conf (built by the tree's make in
 * a temporary O= directory under ~/.cache/kvlint/oracle/; 3.x trees get autoconf.h from `make silentoldconfig`, the
 * only conf mode that writes it there), for allnoconfig, allmodconfig and the ARM and x86 defconfigs.
 *
 *   scripts/ground-truth/run-ts.sh bench/kconfig-old-trees.ts TREE… [--arm N] [--only TARGET] [--no-cache]
 *
 * TREE: an unpacked kernel tree (e.g. /work/trees/linux-3.7.2; test/data/old-trees/*.SOURCE.txt say where they come
 * from). For each tree and configuration prints whether .config and autoconf.h are byte-identical, and the first
 * differing lines; then one summary line per tree (the README table's figures).
 */
import * as path from 'node:path';
import { loadKconfig, runMakeTargets } from '../src/kconfig/index.js';
import { KernelTree } from '../src/tree/tree.js';
import { CROSS, compare, runOracle } from '../test/kconfig/oracle.js';

const argv = process.argv.slice(2);
const opt = (name: string) => {
  const i = argv.indexOf(name);
  if (i < 0) return undefined;
  const v = argv[i + 1];
  argv.splice(i, 2);
  return v;
};
const flag = (name: string) => {
  const i = argv.indexOf(name);
  if (i >= 0) argv.splice(i, 1);
  return i >= 0;
};
const nArm = Number(opt('--arm') ?? '5');
const only = opt('--only');
const noCache = flag('--no-cache');
const trees = argv.length ? argv : ['/work/trees/linux-3.7.2', '/work/trees/linux-4.19.1', '/work/trees/linux-5.10.7'];

/** ARM defconfigs spread over the list (the first, the last, and evenly between), always with multi_v7 */
function armDefconfigs(tree: KernelTree): string[] {
  const all = tree.listDir('arch/arm/configs').filter((f) => f.endsWith('_defconfig')).sort();
  const pick = new Set<string>(all.includes('multi_v7_defconfig') ? ['multi_v7_defconfig'] : []);
  for (let i = 0; pick.size < Math.min(nArm, all.length); i++) pick.add(all[Math.floor((i * (all.length - 1)) / Math.max(1, nArm - 1))]!);
  return [...pick];
}

interface Case {
  arch: string;
  targets: string[];
}

function cases(tree: KernelTree): Case[] {
  const out: Case[] = [];
  for (const arch of ['arm', 'x86_64']) for (const t of ['allnoconfig', 'allmodconfig']) out.push({ arch, targets: [t] });
  for (const d of armDefconfigs(tree)) out.push({ arch: 'arm', targets: [d] });
  // x86 has two defconfig files; with `defconfig` (per ARCH) and alldefconfig they make five configurations
  out.push({ arch: 'x86_64', targets: ['x86_64_defconfig'] }, { arch: 'x86_64', targets: ['i386_defconfig'] });
  out.push({ arch: 'x86_64', targets: ['defconfig'] }, { arch: 'i386', targets: ['defconfig'] }, { arch: 'x86_64', targets: ['alldefconfig'] });
  return out;
}

const summary: string[] = [];
for (const dir of trees) {
  const tree = new KernelTree(dir);
  const models = new Map<string, ReturnType<typeof loadKconfig>>();
  let n = 0;
  let dotOk = 0;
  let autoOk = 0;
  for (const c of cases(tree)) {
    const name = `${c.arch} ${c.targets.join('+')}`;
    if (only && !c.targets.includes(only)) continue;
    let model = models.get(c.arch);
    if (!model) {
      model = loadKconfig(tree, { arch: c.arch });
      models.set(c.arch, model);
    }
    if (model.fatal) {
      console.log(`${path.basename(dir)} ${name}: kvlint's Kconfig failed: ${model.diagnostics.find((d) => d.severity === 'error')?.message}`);
      n++;
      continue;
    }
    let conf;
    try {
      const cross = CROSS[c.arch === 'x86_64' || c.arch === 'i386' ? 'x86' : c.arch] ?? '';
      conf = runOracle({ linux: dir, arch: c.arch, crossCompile: cross, targets: c.targets, ccVersion: model.profile.env.CC_VERSION_TEXT ?? '' }, { noCache });
    } catch (e) {
      console.log(`${path.basename(dir)} ${name}: the tree's conf failed: ${(e as Error).message.split('\n').slice(0, 3).join(' | ')}`);
      continue;
    }
    const kv = runMakeTargets(model, c.targets);
    const cmp = compare(kv, conf);
    n++;
    if (cmp.dotconfigIdentical) dotOk++;
    if (cmp.autoconfIdentical) autoOk++;
    const status = cmp.dotconfigIdentical && cmp.autoconfIdentical ? 'identical' : `${cmp.mismatches.length} symbol(s) differ${cmp.dotconfigIdentical ? '' : ', .config text differs'}${cmp.autoconfIdentical ? '' : ', autoconf.h differs'}`;
    console.log(`${path.basename(dir)} ${name}: ${cmp.symbols} symbols, ${status}`);
    for (const m of cmp.mismatches.slice(0, 10)) console.log(`    ${m.sym}: kvlint=${m.kvlint ?? '(absent)'} conf=${m.conf ?? '(absent)'}`);
    if (!cmp.dotconfigIdentical && cmp.mismatches.length === 0) console.log(`    first .config difference: ${firstDiff(kv.dotconfig, conf.dotconfig)}`);
    if (!cmp.autoconfIdentical) console.log(`    first autoconf.h difference: ${firstDiff(kv.autoconf, conf.autoconf)}`);
  }
  const line = `${path.basename(dir)}: .config identical ${dotOk}/${n}, autoconf.h identical ${autoOk}/${n}`;
  summary.push(line);
  console.log(line);
}
console.log('\nSUMMARY');
for (const l of summary) console.log(l);

function firstDiff(a: string, b: string): string {
  const x = a.split('\n');
  const y = b.split('\n');
  for (let i = 0; i < Math.max(x.length, y.length); i++) if (x[i] !== y[i]) return `line ${i + 1}: kvlint ${JSON.stringify(x[i])} conf ${JSON.stringify(y[i])}`;
  return 'none';
}
