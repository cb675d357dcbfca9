/**
 * Conformance sweep: kvlint's Kconfig resolution against the kernel's own conf (make <target> in O= dirs under
 * ~/.cache/kvlint/oracle/), for every defconfig of x86, arm, arm64 and riscv plus all{no,yes,mod,def}config,
 * fragment targets and seeded randconfigs. Prints, per arch, how many configurations are identical (.config
 * symbol by symbol, .config text, autoconf.h text) and lists every mismatch.
 *
 *   bench/kconfig.sh bench/kconfig-conformance.ts [--arch A,B] [--only TARGET] [--rand N] [--no-cache] [LINUX_DIR]
 */
import * as path from 'node:path';
import { KernelTree } from '../src/tree/tree.js';
import { loadKconfig, runMakeTargets } from '../src/kconfig/index.js';
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
  if (i < 0) return false;
  argv.splice(i, 1);
  return true;
};
const arches = (opt('--arch') ?? 'x86,arm,arm64,riscv').split(',');
const only = opt('--only');
const nrand = Number(opt('--rand') ?? '5');
const noCache = flag('--no-cache');
const linux = argv[0] ?? process.env.KVLINT_LINUX_DIR ?? path.join(process.env.HOME ?? '', '.cache/kvlint/linux-source-6.1');
const tree = new KernelTree(linux);

interface Case {
  name: string;
  targets: string[];
  seed?: number;
}

function cases(arch: string): Case[] {
  const out: Case[] = [];
  for (const t of ['allnoconfig', 'allyesconfig', 'allmodconfig', 'alldefconfig', 'defconfig', 'tinyconfig']) out.push({ name: t, targets: [t] });
  const srcarch = arch;
  for (const f of tree.listDir(`arch/${srcarch}/configs`)) {
    if (f.endsWith('_defconfig') || f === 'defconfig') {
      if (f === 'defconfig') continue;
      out.push({ name: f, targets: [f] });
    }
  }
  const frags = [...tree.listDir('kernel/configs'), ...tree.listDir(`arch/${srcarch}/configs`)].filter(
    (f) => f.endsWith('.config') && f !== 'tiny-base.config' && f !== 'tiny.config',
  );
  for (const f of [...new Set(frags)]) {
    if (/^(android|rust|dram_|32-bit|64-bit)/.test(f) && !(arch === 'riscv' && f === '32-bit.config')) continue;
    out.push({ name: `defconfig+${f}`, targets: ['defconfig', f] });
  }
  if (arch === 'riscv') out.push({ name: 'rv32_defconfig', targets: ['rv32_defconfig'] });
  for (let s = 1; s <= nrand; s++) out.push({ name: `randconfig seed=${s}`, targets: ['randconfig'], seed: s });
  return out;
}

const summary: string[] = [];
for (const arch of arches) {
  const t0 = performance.now();
  const model = loadKconfig(tree, { arch });
  const loadMs = performance.now() - t0;
  if (model.fatal) {
    console.log(`${arch}: Kconfig failed: ${model.diagnostics.find((d) => d.severity === 'error')?.message}`);
    continue;
  }
  let n = 0;
  let symOk = 0;
  let dotOk = 0;
  let autoOk = 0;
  let syms = 0;
  let symMismatch = 0;
  for (const c of cases(arch)) {
    if (only && c.name !== only) continue;
    let conf;
    try {
      conf = runOracle(
        { linux, arch, crossCompile: CROSS[arch]!, targets: c.targets, ccVersion: model.profile.env.CC_VERSION_TEXT ?? '', ...(c.seed !== undefined ? { seed: c.seed } : {}) },
        { noCache },
      );
    } catch (e) {
      console.log(`${arch} ${c.name}: oracle failed: ${(e as Error).message.split('\n')[0]}`);
      continue;
    }
    const kv = runMakeTargets(model, c.targets, c.seed !== undefined ? { seed: c.seed } : {});
    const cmp = compare(kv, conf);
    n++;
    syms += cmp.symbols;
    symMismatch += cmp.mismatches.length;
    if (!cmp.mismatches.length) symOk++;
    if (cmp.dotconfigIdentical) dotOk++;
    if (cmp.autoconfIdentical) autoOk++;
    const status = cmp.mismatches.length ? `${cmp.mismatches.length} symbol(s) differ` : cmp.dotconfigIdentical && cmp.autoconfIdentical ? 'identical' : `values identical, ${cmp.dotconfigIdentical ? '' : '.config text differs '}${cmp.autoconfIdentical ? '' : 'autoconf.h differs'}`;
    console.log(`${arch} ${c.name}: ${cmp.symbols} symbols, ${status}`);
    for (const m of cmp.mismatches.slice(0, 20)) console.log(`    ${m.sym}: kvlint=${m.kvlint ?? '(absent)'} conf=${m.conf ?? '(absent)'}`);
  }
  const line = `${arch}: ${symOk}/${n} configurations identical symbol by symbol (${syms - symMismatch}/${syms} symbol values), .config text identical ${dotOk}/${n}, autoconf.h identical ${autoOk}/${n}; Kconfig load ${loadMs.toFixed(0)} ms`;
  summary.push(line);
  console.log(line);
}
console.log('\nSUMMARY');
for (const l of summary) console.log(l);
