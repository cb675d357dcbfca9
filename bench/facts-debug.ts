/**
 * Development aid: parse one preprocessed unit of a real build and print what the facts parser thinks of some
 * names (type, size, definition) or of a type name (`struct foo`).
 *   bench/kconfig.sh bench/facts-debug OBJECT NAME|'struct tag'… [--objtree DIR]
 */
import * as fs from 'node:fs';
import { Parser } from '../src/c/parser.js';
import { Toks } from '../src/c/toks.js';
import { alignOf, sizeOf, targetFor, type CType } from '../src/c/types.js';
import { preprocessWithGcc, readCmd } from './facts-support.js';

const argv = process.argv.slice(2);
const objtree = '/work/kbuild/arm';
const srctree = fs.realpathSync('/root/.cache/kvlint/linux-source-6.1');
const [obj, ...names] = argv;
const u = readCmd(objtree, srctree, obj!)!;
const ts = preprocessWithGcc(objtree, srctree, u, 'facts-gcc-e');
const p = new Parser(new Toks(ts), targetFor('arm'));
p.parseTranslationUnit();
console.log(`${p.errors.length} parse errors`);
for (const e of p.errors.slice(0, 10)) {
  const s = ts.site(Math.min(e.tok, ts.length - 1));
  console.log(`  ${s.file}:${s.line}: ${e.message}`);
}
const show = (t: CType, depth = 0): string => {
  switch (t.k) {
    case 'int': return `${t.signed ? 's' : 'u'}${t.size * 8}`;
    case 'ptr': return depth > 3 ? 'ptr' : `ptr(${show(t.to, depth + 1)})`;
    case 'array': return `${show(t.of, depth + 1)}[${t.len}]`;
    case 'record': return `${t.rec.kind} ${t.rec.tag ?? '<anon>'}`;
    case 'func': return `fn(${(t.params ?? []).map((x) => show(x, depth + 1)).join(',')})->${show(t.ret, depth + 1)}`;
    default: return t.k;
  }
};
for (const n of names) {
  const m = /^(struct|union|enum) (\w+)$/.exec(n);
  if (m) {
    const b = p.file.tags.get(m[2]!);
    if (!b) {
      console.log(`${n}: not found`);
      continue;
    }
    if (b.k === 'record') {
      const t: CType = { k: 'record', rec: b.rec };
      console.log(`${n}: size ${sizeOf(t, p.tg)} align ${alignOf(t, p.tg)} complete ${b.rec.complete}`);
      for (const mm of b.rec.members ?? []) {
        console.log(`   ${mm.name ?? '<anon>'}: ${show(mm.type)} off ${mm.offset} size ${sizeOf(mm.type, p.tg)} align ${alignOf(mm.type, p.tg)}${mm.bitWidth !== undefined ? ' bits ' + mm.bitWidth : ''}`);
      }
    }
    continue;
  }
  const g = p.globals.get(n);
  if (g) {
    console.log(`${n}: ${g.kind} ${show(g.type)} size ${sizeOf(g.type, p.tg)} static ${g.isStatic} defined ${g.defined} inline ${g.isInline} body ${!!g.body}`);
    continue;
  }
  const b = p.file.ord.get(n);
  console.log(`${n}: ${b ? b.k : 'not found'}${b && b.k === 'typedef' ? ' = ' + show(b.t) + ' size ' + sizeOf(b.t, p.tg) : ''}`);
}
