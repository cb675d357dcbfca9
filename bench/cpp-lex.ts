import { lex } from '../src/cpp/lexer.js';
import * as fs from 'node:fs';
import { globSync } from 'tinyglobby';
const root = process.argv[2] ?? process.env.KVLINT_LINUX_DIR ?? '/root/.cache/kvlint/linux-source-6.1';
const files = globSync(['include/**/*.h', 'kernel/**/*.c', 'mm/**/*.c', 'arch/x86/**/*.[chS]'], { cwd: root });
const texts = files.map(f => fs.readFileSync(root + '/' + f, 'latin1'));
let bytes = 0; for (const t of texts) bytes += t.length;
for (let r = 0; r < 3; r++) {
  const t0 = performance.now(); let toks = 0;
  for (let i = 0; i < texts.length; i++) toks += lex(texts[i], files[i], files[i].endsWith('.S') ? 'asm' : 'c').count;
  const dt = performance.now() - t0;
  console.log(files.length, 'files', (bytes/1e6).toFixed(1), 'MB', toks, 'tokens', dt.toFixed(0), 'ms', (bytes/1e6/(dt/1000)).toFixed(1), 'MB/s');
}
