import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, test } from 'vitest';
import { formatGcc } from '../../src/report/index.js';
import { haveCommand } from '../support/linux.js';
import { SUMMARY, founding, sameSymbolIn } from './founding.js';

/**
 * vim's default 'errorformat' (`:set errorformat?` with -u NONE) takes a gcc line by its entry `%f:%l:%c:%m`; every
 * earlier entry must fail on our lines, the first one of them being `%*[^"]"%f"%*\D%l: %m` (a quoted file name
 * followed by a line number and ': ' — our messages quote symbol names, so it is checked too).
 */
const VIM_GCC = /^(?<file>[^:\s][^:]*):(?<line>\d+):(?<col>\d+):(?<msg>.*)$/;
const VIM_QUOTED_FIRST = /^[^"]*"[^"]+"\D*\d+: /;
/** emacs compilation-mode's `gnu` entry, reduced to what matters here: file:line:col: [error|warning|note] */
const EMACS_GNU = /^(?<file>[^\s:][^:\n]*):(?<line>[0-9]+):(?<col>[0-9]+): (?:(?<warn>warning|note)|error): /;

describe('gcc format', () => {
  const out = formatGcc([founding()], SUMMARY);
  const lines = out.trimEnd().split('\n');

  test('one error line in gcc wording with the code, then notes', () => {
    expect(lines[0]).toBe(
      'drivers/staging/zsmalloc/zsmalloc-main.c:72:2: error: "v7wbi_flush_kern_tlb_range" [drivers/staging/zsmalloc/zsmalloc.ko] undefined! [X001]',
    );
    expect(lines).toContain('arch/arm/include/asm/tlbflush.h:65:9: note: in expansion of local_flush_tlb_kernel_range');
    expect(lines).toContain('arch/arm/include/asm/glue.h:10:9: note: token paste: ____glue: v7wbi ## _flush_kern_tlb_range');
    expect(lines).toContain('arch/arm/mm/tlb-v7.S:24:7: note: defined: v7wbi_flush_kern_tlb_range is defined in vmlinux by ENTRY() (global)');
    expect(lines).toContain('drivers/staging/zsmalloc/zsmalloc-main.c:72:2: note: breaks: ARCH=arm multi_v7_defconfig, SMP=n; fine: SMP=y');
    expect(lines.filter((l) => / error: /.test(l))).toHaveLength(1);
    // the use step at the primary location is not repeated
    expect(lines.some((l) => l.includes('used here'))).toBe(false);
  });

  test('every line matches the errorformat vim and emacs use for gcc', () => {
    for (const l of lines) {
      const m = VIM_GCC.exec(l);
      expect(m, l).not.toBeNull();
      expect(VIM_QUOTED_FIRST.test(l), l).toBe(false);
      expect(EMACS_GNU.test(l), l).toBe(true);
      expect(fs.existsSync(path.join(import.meta.dirname, '../../fixtures/trees/zsmalloc-arm', m!.groups!.file!)), l).toBe(true);
    }
    const m = VIM_GCC.exec(lines[0]!)!.groups!;
    expect([m.file, m.line, m.col]).toEqual(['drivers/staging/zsmalloc/zsmalloc-main.c', '72', '2']);
  });

  test('multi-line texts stay on one line; paths take the prefix; warnings and infos', () => {
    const d = founding();
    d.help = 'first\nsecond';
    d.severity = 'warning';
    const o = formatGcc([d, { ...sameSymbolIn('m', 'm.c', 3), severity: 'info' }], SUMMARY, { pathPrefix: '../linux' });
    expect(o).toContain('../linux/drivers/staging/zsmalloc/zsmalloc-main.c:72:2: warning: ');
    expect(o).toContain(': note: help: first second\n');
    expect(o).toContain('../linux/m.c:3:2: note: "v7wbi_flush_kern_tlb_range" [m.ko] undefined! [X001]\n');
    expect(formatGcc([], SUMMARY)).toBe('');
  });

  // The real thing: vim itself reads the output into its quickfix list with its default errorformat.
  test.skipIf(!haveCommand('vim'))('vim -u NONE reads every line as a valid quickfix entry (skipped only where vim is absent)', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kvlint-vim-'));
    try {
      const two = formatGcc([founding(), sameSymbolIn('drivers/staging/zram/zram', 'drivers/staging/zram/zram_drv.c', 9)], SUMMARY);
      fs.writeFileSync(path.join(dir, 'out.txt'), two);
      const script =
        'call writefile(map(getqflist(), {_, e -> e.valid . "|" . bufname(e.bufnr) . "|" . e.lnum . "|" . e.col . "|" . e.text}), "res.txt")';
      execFileSync('vim', ['-u', 'NONE', '-i', 'NONE', '-N', '-n', '-es', '-c', 'cgetfile out.txt', '-c', script, '-c', 'qa!'], {
        cwd: dir,
        stdio: 'ignore',
        timeout: 20_000,
      });
      const got = fs.readFileSync(path.join(dir, 'res.txt'), 'utf8').trimEnd().split('\n');
      const want = two.trimEnd().split('\n');
      expect(got).toHaveLength(want.length);
      got.forEach((g, i) => {
        const m = VIM_GCC.exec(want[i]!)!.groups!;
        expect(g).toBe(`1|${m.file}|${m.line}|${m.col}|${m.msg}`);
      });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  // emacs' compilation-mode with its default regexps: file, line, column and type (2 error, 1 warning, 0 info) of
  // every line. Emacs is not on the CI image (vim is); this oracle runs where it is installed (apt-get install emacs-nox).
  test.skipIf(!haveCommand('emacs'))('emacs compilation-mode reads every line with the right place and type (skipped where emacs is absent)', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kvlint-emacs-'));
    try {
      const w = { ...sameSymbolIn('m', 'drivers/m.c', 5), severity: 'warning' as const };
      const text = formatGcc([founding(), w], SUMMARY);
      fs.writeFileSync(path.join(dir, 'out.txt'), text);
      const el = `(require 'compile)
(with-current-buffer (get-buffer-create "*kv*")
  (insert-file-contents ${JSON.stringify(path.join(dir, 'out.txt'))})
  (setq default-directory ${JSON.stringify(dir + '/')})
  (compilation-mode)
  (compilation--ensure-parse (point-max))
  (goto-char (point-min))
  (while (not (eobp))
    (let ((msg (get-text-property (point) 'compilation-message)))
      (if (null msg) (princ "NONE\n")
        (let ((loc (compilation--message->loc msg)))
          (princ (format "%s|%s|%s|%s\n" (caar (compilation--loc->file-struct loc)) (compilation--loc->line loc)
                         (compilation--loc->col loc) (compilation--message->type msg))))))
    (forward-line 1)))`;
      fs.writeFileSync(path.join(dir, 'parse.el'), el);
      const got = execFileSync('emacs', ['--batch', '-Q', '-l', path.join(dir, 'parse.el')], { encoding: 'utf8', timeout: 60_000 })
        .trimEnd()
        .split('\n');
      const want = text.trimEnd().split('\n').map((l) => {
        const m = VIM_GCC.exec(l)!.groups!;
        const type = / error: /.test(l.slice(m.file!.length)) ? 2 : / warning: /.test(l.slice(m.file!.length)) ? 1 : 0;
        return `${m.file}|${m.line}|${m.col}|${type}`;
      });
      expect(got).toEqual(want);
      expect(got.filter((g) => g.endsWith('|2'))).toHaveLength(1);
      expect(got.filter((g) => g.endsWith('|1'))).toHaveLength(1);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
