// Reads NUL-separated .cmd paths on stdin (relative to the objtree, the working directory) and prints one line per
// compiled object: "object<TAB>source<TAB>flag<TAB>flag…" — flags are the preprocessor-relevant part of the command line
// (-I -isystem -idirafter -iquote -include -imacros -D -U -std= -m* -f* -O* -nostdinc -undef -ansi), in order,
// one word each (a separated "-I dir" becomes "-Idir"), with the source tree's path written as $(srctree).
import * as fs from 'node:fs';

const [srctree, cross] = process.argv.slice(2);
const input = fs.readFileSync(0, 'latin1').split('\0').filter(Boolean);

/** split a shell command line into words (quotes removed, as the shell passes them to gcc) */
function shellWords(s) {
  const out = [];
  let cur = null;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === ' ' || c === '\t' || c === '\n') {
      if (cur !== null) out.push(cur), (cur = null);
      continue;
    }
    if (c === ';' || c === '|' || c === '&') {
      if (cur !== null) out.push(cur), (cur = null);
      out.push(c);
      continue;
    }
    cur ??= '';
    if (c === "'") {
      const j = s.indexOf("'", i + 1);
      cur += s.slice(i + 1, j < 0 ? s.length : j);
      i = j < 0 ? s.length : j;
    } else if (c === '"') {
      let j = i + 1;
      for (; j < s.length && s[j] !== '"'; j++) {
        if (s[j] === '\\' && j + 1 < s.length) cur += s[++j];
        else cur += s[j];
      }
      i = j;
    } else if (c === '\\' && i + 1 < s.length) cur += s[++i];
    else cur += c;
  }
  if (cur !== null) out.push(cur);
  return out;
}

/** "a/b/../c" → "a/c" (make keeps such paths; ar and kvlint name the normalised one) */
function normPath(p) {
  const out = [];
  for (const seg of p.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..' && out.length > 0 && out[out.length - 1] !== '..') out.pop();
    else out.push(seg);
  }
  return (p.startsWith('/') ? '/' : '') + out.join('/');
}

const withArg = new Set(['-I', '-isystem', '-idirafter', '-iquote', '-include', '-imacros', '-D', '-U']);
const sp = (p) => (p === srctree ? '$(srctree)' : p.split(srctree + '/').join('$(srctree)/'));

for (const f of input) {
  const text = fs.readFileSync(f, 'latin1');
  const m = /^cmd_(\S+) := (.*)$/m.exec(text);
  if (!m) continue;
  const target = normPath(m[1]);
  const words = shellWords(m[2]);
  // the compiler invocation: the first word that is the cross gcc, up to the end of that command
  let i = words.findIndex((w) => w === `${cross}gcc` || w.endsWith(`/${cross}gcc`));
  if (i < 0) continue;
  let end = words.indexOf(';', i);
  if (end < 0) end = words.length;
  const cmd = words.slice(i + 1, end);
  if (!cmd.includes('-c')) continue;
  const o = cmd.indexOf('-o');
  if (o < 0 || normPath(cmd[o + 1]) !== target) continue;
  const flags = [];
  let source = '';
  for (let k = 0; k < cmd.length; k++) {
    const w = cmd[k];
    if (withArg.has(w)) {
      const a = cmd[++k];
      flags.push(w === '-include' || w === '-imacros' ? `${w} ${sp(a)}` : w + sp(a));
    } else if (/^-(I|isystem|idirafter|iquote)./.test(w)) {
      const opt = /^-(I|isystem|idirafter|iquote)/.exec(w)[0];
      flags.push(opt + sp(w.slice(opt.length)));
    } else if (/^-[DU]./.test(w)) flags.push(w);
    else if (/^-(std=|m|f|O)/.test(w) || w === '-nostdinc' || w === '-undef' || w === '-ansi') flags.push(sp(w));
    else if (w === '-o') k++;
    else if (!w.startsWith('-') && /\.(c|S|s)$/.test(w)) source = sp(w);
  }
  process.stdout.write([target, source, ...flags].join('\t') + '\n');
}
