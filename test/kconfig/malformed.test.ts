import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import type { CliIO } from '../../src/cli/context.js';
import { loadKconfig, resolveConfig } from '../../src/kconfig/index.js';
import { InputError } from '../../src/core/errors.js';
import { emptyProfile } from '../../src/toolchain/profile.js';
import { KernelTree } from '../../src/tree/tree.js';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { realConf, runRealConf } from './realconf.js';

/**
 * Bad Kconfig input gives a diagnostic with file:line (and the model is marked fatal, as conf would stop),
 * never an exception or a hang. Where the Linux tree is installed, the kernel's conf is run on the same files
 * and must fail too, naming the same place.
 */

interface Bad {
  name: string;
  files: Record<string, string>;
  /** expected primary location and a fragment of the message */
  at: string;
  msg: RegExp;
  code?: string;
}

const bad: Bad[] = [
  { name: 'unterminated if', files: { Kconfig: 'config A\n\tbool "a"\nif A\nconfig B\n\tbool "b"\n' }, at: 'Kconfig:3', msg: /missing end statement/ },
  {
    name: 'unterminated choice',
    files: { Kconfig: 'choice\n\tprompt "c"\nconfig A\n\tbool "a"\n' },
    at: 'Kconfig:1',
    msg: /missing end statement/,
  },
  { name: 'unterminated menu in a sourced file', files: { Kconfig: 'source "sub/Kconfig"\n', 'sub/Kconfig': 'menu "m"\nconfig A\n\tbool "a"\n' }, at: 'sub/Kconfig:1', msg: /missing end statement/ },
  { name: 'unknown keyword', files: { Kconfig: 'config A\n\tbool "a"\nfrobnicate A\n' }, at: 'Kconfig:3', msg: /unknown statement "frobnicate"/ },
  { name: 'bad expression', files: { Kconfig: 'config A\n\tbool "a"\n\tdepends on B &&\n' }, at: 'Kconfig:3', msg: /syntax error/ },
  { name: 'unbalanced parenthesis', files: { Kconfig: 'config A\n\tbool "a"\n\tdepends on (B || C\n' }, at: 'Kconfig:3', msg: /syntax error/ },
  { name: 'endmenu without menu', files: { Kconfig: 'config A\n\tbool "a"\nendmenu\n' }, at: 'Kconfig:3', msg: /invalid statement/ },
  { name: 'mismatched end', files: { Kconfig: 'menu "m"\nconfig A\n\tbool "a"\nendif\n' }, at: 'Kconfig:4', msg: /unexpected 'if' within menu block/ },
  { name: 'missing source file', files: { Kconfig: 'config A\n\tbool "a"\nsource "nowhere/Kconfig"\n' }, at: 'Kconfig:3', msg: /can't open file "nowhere\/Kconfig"/ },
  { name: 'source escaping the tree', files: { Kconfig: 'source "../../etc/Kconfig"\n' }, at: 'Kconfig:1', msg: /escapes the tree/ },
  {
    name: 'recursive source',
    files: { Kconfig: 'source "a/Kconfig"\n', 'a/Kconfig': 'config A\n\tbool "a"\nsource "Kconfig"\n' },
    at: 'a/Kconfig:3',
    msg: /Recursive inclusion detected/,
  },
  { name: '$(error-if,…)', files: { Kconfig: 'x := 1\n$(error-if,y,this tree refuses)\n' }, at: 'Kconfig:2', msg: /this tree refuses/ },
  { name: 'unterminated $( reference', files: { Kconfig: 'config A\n\tbool "$(oops"\n' }, at: 'Kconfig:2', msg: /unterminated reference/ },
  { name: 'self-referencing variable', files: { Kconfig: 'X = $(X)\nconfig A\n\tbool "$(X)"\n' }, at: 'Kconfig:3', msg: /references itself/ },
  {
    name: 'recursive dependency',
    files: { Kconfig: 'config A\n\tbool "a"\n\tdepends on B\nconfig B\n\tbool "b"\n\tdepends on A\n' },
    at: 'Kconfig:4',
    msg: /recursive dependency detected!/,
    code: 'K002',
  },
];

function load(files: Record<string, string>) {
  return loadKconfig(KernelTree.fromFiles(files), { arch: 'x86', profile: emptyProfile('x86') });
}

describe('malformed Kconfig', () => {
  for (const b of bad) {
    it(`${b.name}: diagnostic at ${b.at}`, () => {
      const m = load(b.files);
      expect(m.fatal).toBe(true);
      const errs = m.diagnostics.filter((d) => d.severity === 'error');
      expect(errs.length).toBeGreaterThan(0);
      const d = errs[0]!;
      expect(`${d.primary.file}:${d.primary.line}`).toBe(b.at);
      expect(d.message).toMatch(b.msg);
      expect(d.code).toBe(b.code ?? 'K001');
      // resolving is refused with the same place, not attempted
      try {
        resolveConfig(m, undefined, {});
        expect.unreachable();
      } catch (e) {
        expect(e).toBeInstanceOf(InputError);
        expect((e as InputError).oneLine()).toMatch(new RegExp(`^${b.at}: `));
      }
    });
  }

  it('recursive dependency chain is reported in the kernel\'s words', () => {
    const m = load(bad.find((b) => b.name === 'recursive dependency')!.files);
    const d = m.diagnostics.find((x) => x.code === 'K002')!;
    // conf starts from the symbol it meets first in its symbol table (B, by hash order)
    expect(d.trace.map((t) => `${t.span?.file}:${t.span?.line}:\t${t.label}`)).toEqual([
      'Kconfig:4:\tsymbol B depends on A',
      'Kconfig:1:\tsymbol A depends on B',
    ]);
  });

  it('a select cycle is reported as "is selected by"', () => {
    // A selects B and B depends on A: the usual pattern, no cycle (a select is an edge into B only) ...
    const m = load({ Kconfig: 'config A\n\tbool "a"\n\tselect B\nconfig B\n\tbool "b"\n\tdepends on A\n' });
    expect(m.fatal).toBe(false);
    // ... but A depending on B while selecting it is one
    const m2 = load({ Kconfig: 'config A\n\tbool "a"\n\tdepends on B\n\tselect B\nconfig B\n\tbool "b"\n' });
    expect(m2.fatal).toBe(true);
    const d = m2.diagnostics.find((x) => x.code === 'K002')!;
    expect(d.trace.map((t) => `${t.span?.file}:${t.span?.line}:\t${t.label}`)).toEqual([
      'Kconfig:5:\tsymbol B is selected by A',
      'Kconfig:1:\tsymbol A depends on B',
    ]);
  });

  it('the CLI exits 2 with file:line on stderr', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kvlint-bad-'));
    try {
      fs.mkdirSync(path.join(dir, 'arch/x86'), { recursive: true });
      fs.writeFileSync(path.join(dir, 'Kconfig'), 'source "arch/$(SRCARCH)/Kconfig"\n');
      fs.writeFileSync(path.join(dir, 'arch/x86/Kconfig'), 'config A\n\tbool "a"\nif A\n');
      let out = '';
      let err = '';
      const io: CliIO = { stdout: (s) => (out += s), stderr: (s) => (err += s), isTTY: false, stderrTTY: false, cwd: dir, env: {} };
      const code = await main(['config', dir, '--arch', 'x86'], io);
      expect(code).toBe(2);
      expect(out).toBe('');
      expect(err).toMatch(/^kvlint: arch\/x86\/Kconfig:3: missing end statement for this entry/m);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('random damage to a Kconfig file never throws or hangs', () => {
    const good = `mainmenu "t"
config A
\tbool "a"
\tdepends on B || (C && !D)
\tselect E if F
\tdefault y if G = "x"
\thelp
\t  text
menu "m"
\tvisible if A
choice
\tprompt "c"
config C1
\tbool "c1"
endchoice
endmenu
x := $(y,1,2)
`;
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(good.length), fc.nat(8), fc.constantFrom('', '(', ')', '"', '$(', 'if', '\n', 'endif', '&&', '\\\n', '#', 'menu', "'", ',')), { maxLength: 6 }),
        (edits) => {
          let s = good;
          for (const [at, del, ins] of edits) s = s.slice(0, at) + ins + s.slice(at + del);
          const m = load({ Kconfig: s });
          if (!m.fatal) resolveConfig(m, { kind: 'allyesconfig' }, { A: 'y' });
          for (const d of m.diagnostics) {
            expect(d.primary.line).toBeGreaterThanOrEqual(0);
            expect(typeof d.message).toBe('string');
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});

const conf = (() => {
  try {
    return realConf();
  } catch {
    return undefined;
  }
})();

describe.skipIf(!conf)('the kernel\'s conf rejects the same input at the same place', () => {
  for (const b of bad) {
    if (b.name === 'source escaping the tree') continue; // conf would read outside the tree; kvlint refuses by design
    it(b.name, () => {
      const r = runRealConf(b.files, ['--alldefconfig']);
      expect(r.status).not.toBe(0);
      expect(r.stderr).toContain(b.at);
      const m = load(b.files);
      const rec = m.diagnostics.find((d) => d.code === 'K002');
      if (rec) {
        // the chain, line by line as conf prints it
        for (const t of rec.trace) expect(r.stderr).toContain(`${t.span?.file}:${t.span?.line}:\t${t.label}\n`);
      }
    });
  }
});
