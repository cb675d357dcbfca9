/**
 * kvlint's assembler model against the real assembler: every `.S` unit of a real build, preprocessed with its own
 * saved command (gcc -E), fed through src/c's gas model, and compared with `nm` of the object the build assembled —
 * global and weak definitions, and undefined symbols.
 *
 *   scripts/ground-truth/run-ts.sh bench/asm-vs-nm.ts --objtree /work/kbuild/x86_64 --arch x86 [--nm nm] [-v]
 *
 * Prints the number of units compared and identical, and each differing unit with what kvlint has extra (+) and
 * lacks (-), by kind. Objects only built as prerequisites of other products (boot code, vDSO, realmode) count too:
 * whatever the build assembled.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { extractFacts } from '../src/c/index.js';
import { nm } from '../test/support/nm.js';
import { factFlags, preprocessWithGcc, readCmd } from './facts-support.js';

const argv = process.argv.slice(2);
const opt = (name: string, dflt?: string) => (argv.includes(name) ? argv[argv.indexOf(name) + 1] : dflt);
const objtree = path.resolve(opt('--objtree', '/work/kbuild/x86_64')!);
const srctree = fs.realpathSync(opt('--srctree', path.join(process.env.HOME ?? '/root', '.cache/kvlint/linux-source-6.1'))!);
const arch = opt('--arch', 'x86')!;
const nmTool = opt('--nm', 'nm')!;
const verbose = argv.includes('-v');

/** every object with a saved command whose source is a .S file */
function asmObjects(): string[] {
  const out: string[] = [];
  const walk = (rel: string) => {
    for (const e of fs.readdirSync(path.join(objtree, rel), { withFileTypes: true })) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) {
        if (r !== 'scripts' && r !== 'tools' && r !== 'include' && r !== 'usr') walk(r);
      } else if (e.name.startsWith('.') && e.name.endsWith('.o.cmd')) {
        const obj = `${rel ? rel + '/' : ''}${e.name.slice(1, -4)}`;
        const text = fs.readFileSync(path.join(objtree, rel, e.name), 'latin1');
        const first = text.split('\n')[0] ?? '';
        if (/\.S(\s|$)/.test(first) && fs.existsSync(path.join(objtree, obj))) out.push(obj);
      }
    }
  };
  walk('');
  return out.sort();
}

const objects = asmObjects();
let identical = 0;
let compared = 0;
const diffs: string[] = [];
for (const obj of objects) {
  const u = readCmd(objtree, srctree, obj);
  if (!u || u.language !== 'assembler-with-cpp') continue;
  let ts;
  try {
    ts = preprocessWithGcc(objtree, srctree, u, `asm-gcc-e-${path.basename(objtree)}`);
  } catch (e) {
    diffs.push(`${obj}: gcc -E failed: ${String(e).split('\n')[0]}`);
    continue;
  }
  const f = extractFacts(ts, { object: obj, source: u.source, language: 'assembler-with-cpp', arch, flags: factFlags(u.args) });
  const real = nm(nmTool, path.join(objtree, obj));
  compared++;
  const mineDef = new Set(f.defs.filter((d) => d.binding !== 'local').map((d) => `${d.binding === 'weak' ? 'W' : 'G'} ${d.name}`));
  const realDef = new Set([...real.defined].map(([n, t]) => `${t === 'W' || t === 'V' || t === 'w' || t === 'v' ? 'W' : 'G'} ${n}`));
  const mineRef = new Set(f.refs.map((r) => r.name));
  const realRef = new Set(real.undefined.keys());
  const plus = [...mineDef].filter((x) => !realDef.has(x)).concat([...mineRef].filter((x) => !realRef.has(x)).map((x) => `U ${x}`));
  const minus = [...realDef].filter((x) => !mineDef.has(x)).concat([...realRef].filter((x) => !mineRef.has(x)).map((x) => `U ${x}`));
  if (plus.length === 0 && minus.length === 0) identical++;
  else diffs.push(`${obj}: +[${plus.join(', ')}] -[${minus.join(', ')}]`);
}
for (const d of diffs) process.stdout.write(d + '\n');
process.stdout.write(`${compared} .S units of ${objtree} compared with ${nmTool}: ${identical} identical (${((100 * identical) / Math.max(compared, 1)).toFixed(1)} %), ${compared - identical} differ\n`);
if (verbose) process.stdout.write(`objects: ${objects.length}\n`);
