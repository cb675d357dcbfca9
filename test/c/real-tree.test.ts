import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { extractFacts } from '../../src/c/index.js';
import { packageRoot } from '../../src/tree/tree.js';
import { tokensFromPreprocessed } from '../support/gcc-e.js';
import { LINUX_SKIP_REASON, cacheDir, haveCommand, linuxDir } from '../support/linux.js';

/**
 * Symbol facts on the real tree against the committed ground truth of the ARM multi_v7 build
 * (test/data/arm-multi_v7): a fixed sample of modules (every 33rd of modules.order and one with namespaced exports:
 * 26 modules, 49 units), each unit
 * preprocessed by the build's own gcc -E command line (flags from flags.tsv), compared with `nm -u` of the real .ko
 * and with the module's Module.symvers entries. The whole tree is measured by bench/facts-arm.ts (figures and every
 * remaining difference: test/data/arm-multi_v7/known-gaps.md).
 *
 * gcc -E needs the generated headers of the configuration, nothing a full build makes: by default the O= directory
 * `scripts/cpp-oracle-prepare.sh arm` prepares (make ARCH=arm multi_v7_defconfig prepare) under
 * ~/.cache/kvlint/oracle/arm-multi_v7; KVLINT_ARM_OBJTREE may name another one (a full build's objtree works too).
 * Without it the test skips, except under KVLINT_REQUIRE_LINUX=1 (CI), where it fails naming the command.
 */
const GCC = 'arm-linux-gnueabihf-gcc';
const REQUIRE = process.env.KVLINT_REQUIRE_LINUX === '1';
const data = path.join(packageRoot(), 'test/data/arm-multi_v7');
const objtree = process.env.KVLINT_ARM_OBJTREE ?? path.join(cacheDir(), 'oracle', 'arm-multi_v7');
const linux = linuxDir();
const missing = !linux
  ? LINUX_SKIP_REASON
  : !haveCommand(GCC)
    ? `${GCC} not installed (scripts/get-linux.sh --toolchains)`
    : !fs.existsSync(path.join(objtree, 'include/generated/autoconf.h'))
      ? `no prepared ARM multi_v7 O= directory at ${objtree} for the generated headers: run scripts/cpp-oracle-prepare.sh arm (or set KVLINT_ARM_OBJTREE)`
      : !fs.existsSync(path.join(data, 'flags.tsv.gz'))
        ? 'no ground truth in test/data/arm-multi_v7'
        : undefined;
// under CI a missing preparation is a failure, not a skip
const skip = REQUIRE ? undefined : missing;

const gz = (f: string) => zlib.gunzipSync(fs.readFileSync(path.join(data, f))).toString('latin1');

describe.skipIf(skip !== undefined)(`real tree: facts vs nm of the real .ko (ARM multi_v7)${skip ? ` — skipped: ${skip}` : ''}`, () => {
  it('a sample of modules: undefined symbols precision and recall ≥ 99%, global definitions and exports exact', () => {
    if (missing) throw new Error(missing);
    const srctree = fs.realpathSync(linux!);
    const modules = gz('modules.tsv.gz').split('\n').filter(Boolean).map((l) => {
      const [name, objs] = l.split('\t');
      return { name: name!, objects: objs!.split(' ') };
    });
    const nmKo = new Map<string, { U: Set<string>; D: Set<string> }>();
    let cur: { U: Set<string>; D: Set<string> } | undefined;
    for (const line of gz('nm-modules.gz').split('\n')) {
      if (line.startsWith('@ ')) nmKo.set(line.slice(2), (cur = { U: new Set(), D: new Set() }));
      else if (cur && line) {
        const [t, s] = line.split(' ');
        (t === 'U' || t === 'w' || t === 'v' ? cur.U : cur.D).add(s!);
      }
    }
    const flags = new Map<string, string[]>();
    for (const l of gz('flags.tsv.gz').split('\n')) {
      const [o, ...f] = l.split('\t');
      if (o) flags.set(o, f);
    }
    const symvers = new Map<string, Map<string, string>>();
    for (const l of gz('Module.symvers.gz').split('\n')) {
      const [, sym, mod, kind, ns] = l.split('\t');
      if (!sym) continue;
      if (!symvers.has(mod!)) symvers.set(mod!, new Map());
      symvers.get(mod!)!.set(sym, `${kind} ${ns ?? ''}`);
    }
    // every 33rd module, and drivers/counter/counter for namespaced exports (EXPORT_SYMBOL_NS_GPL(…, COUNTER))
    const sample = modules.filter((m, i) => i % 33 === 7 || m.name === 'drivers/counter/counter');
    let exportsCompared = 0;
    let tp = 0;
    let fp = 0;
    let fn = 0;
    const diffs: string[] = [];
    for (const m of sample) {
      const refs = new Set<string>();
      const defs = new Set<string>();
      const exps = new Map<string, string>();
      for (const o of m.objects) {
        const [src, ...fl] = flags.get(o)!;
        const asm = src!.endsWith('.S');
        const sub = (x: string) => x.split('$(srctree)').join(srctree);
        const args = fl.flatMap((x) => (x.startsWith('-include ') ? ['-include', sub(x.slice(9))] : [sub(x)]));
        const out = path.join(cacheDir(), 'oracle', 'facts-gcc-e', o + (asm ? '.s' : '.i'));
        if (!fs.existsSync(out)) {
          fs.mkdirSync(path.dirname(out), { recursive: true });
          execFileSync(GCC, ['-E', ...args, ...(asm ? ['-x', 'assembler-with-cpp'] : []), '-o', out + '.tmp', sub(src!)], { cwd: objtree, stdio: 'pipe' });
          fs.renameSync(out + '.tmp', out);
        }
        const ts = tokensFromPreprocessed(fs.readFileSync(out, 'latin1'), {
          asm,
          mapFile: (p) => (p.startsWith(srctree + '/') ? p.slice(srctree.length + 1) : p.replace(/^\.\//, '')),
        });
        const f = extractFacts(ts, { object: o, source: src!.replace('$(srctree)/', ''), language: asm ? 'assembler-with-cpp' : 'c', arch: 'arm', flags: fl.filter((x) => /^-(f|m|O)/.test(x)) });
        for (const r of f.refs) refs.add(r.name);
        for (const d of f.defs) if (d.binding !== 'local') defs.add(d.name);
        for (const x of f.exports) exps.set(x.name, `${x.gpl ? 'EXPORT_SYMBOL_GPL' : 'EXPORT_SYMBOL'} ${x.namespace ?? ''}`);
      }
      const real = nmKo.get(m.name + '.ko')!;
      const mine = [...refs].filter((r) => !defs.has(r) && r !== '__this_module');
      const extra = mine.filter((s) => !real.U.has(s));
      const missing = [...real.U].filter((s) => !mine.includes(s));
      tp += mine.length - extra.length;
      fp += extra.length;
      fn += missing.length;
      if (extra.length || missing.length) diffs.push(`${m.name}.ko +[${extra.join(' ')}] -[${missing.join(' ')}]`);
      expect([...defs].sort(), `${m.name}.ko global definitions`).toEqual([...real.D].filter((s) => s !== '__this_module').sort());
      // exports: name, GPL flag and namespace as in Module.symvers
      const realX = symvers.get(m.name) ?? new Map<string, string>();
      expect(Object.fromEntries([...exps].sort()), `${m.name}.ko exports vs Module.symvers`).toEqual(Object.fromEntries([...realX].sort()));
      exportsCompared += realX.size;
    }
    const precision = tp / (tp + fp);
    const recall = tp / (tp + fn);
    console.log(`facts vs nm -u of the real .ko on ${sample.length} modules: precision ${(100 * precision).toFixed(2)}% recall ${(100 * recall).toFixed(2)}% (tp ${tp} fp ${fp} fn ${fn}); exports identical to Module.symvers: ${exportsCompared}\n${diffs.join('\n')}`);
    expect(exportsCompared).toBeGreaterThan(0);
    expect(precision).toBeGreaterThanOrEqual(0.99);
    expect(recall).toBeGreaterThanOrEqual(0.99);
  }, 600_000);
});
