/**
 * Fill the gcc -E cache used by bench/facts-vs-nm for every module member (and, with --builtin, every built-in
 * object) of a real build, N compiles at a time.
 *   bench/kconfig.sh bench/facts-prep [--objtree DIR] [--srctree DIR] [--jobs 2] [--builtin]
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { cacheRoot, readCmd } from './facts-support.js';

const argv = process.argv.slice(2);
const opt = (name: string, dflt: string) => {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1]! : dflt;
};
const objtree = opt('--objtree', '/work/kbuild/arm');
const srctree = fs.realpathSync(opt('--srctree', '/root/.cache/kvlint/linux-source-6.1'));
const jobs = Number(opt('--jobs', '2'));
const objects = new Set<string>();
for (const ko of fs.readFileSync(path.join(objtree, 'modules.order'), 'latin1').split('\n').filter(Boolean)) {
  for (const o of fs.readFileSync(path.join(objtree, ko.replace(/\.ko$/, '.mod')), 'latin1').split(/\s+/)) if (o) objects.add(o);
}
if (argv.includes('--builtin')) {
  const ar = fs.readFileSync(path.join(objtree, 'vmlinux.a'), 'latin1');
  // thin archive: member names in the long-name table
  for (const m of ar.matchAll(/([\w./+-]+\.o)\/\n/g)) objects.add(m[1]!);
}
const todo = [...objects].filter((o) => {
  const u = readCmd(objtree, srctree, o);
  if (!u) return false;
  return !fs.existsSync(path.join(cacheRoot(), 'facts-gcc-e', o + (u.language === 'c' ? '.i' : '.s')));
});
console.log(`${objects.size} objects, ${todo.length} to preprocess`);
let next = 0;
let done = 0;
let failed = 0;
const t0 = Date.now();
function run(): void {
  const o = todo[next++];
  if (o === undefined) return;
  const u = readCmd(objtree, srctree, o)!;
  const out = path.join(cacheRoot(), 'facts-gcc-e', o + (u.language === 'c' ? '.i' : '.s'));
  fs.mkdirSync(path.dirname(out), { recursive: true });
  const p = spawn('nice', ['-n', '10', u.gcc, '-E', ...u.args, '-o', out + '.tmp', u.sourceAbs], { cwd: objtree, stdio: 'ignore' });
  p.on('exit', (code) => {
    if (code === 0) fs.renameSync(out + '.tmp', out);
    else failed++;
    done++;
    if (done % 200 === 0) console.log(`${done}/${todo.length} (${((Date.now() - t0) / 1000).toFixed(0)} s)`);
    if (done === todo.length) console.log(`done: ${done}, failed ${failed}, ${((Date.now() - t0) / 1000).toFixed(0)} s`);
    run();
  });
}
for (let i = 0; i < jobs; i++) run();
