import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Span } from '../../src/core/types.js';
import { MakeEvaluator } from '../../src/kbuild/make/evaluator.js';
import type { MakeHost } from '../../src/kbuild/make/host.js';
import { haveCommand } from '../support/linux.js';

interface Reported {
  code: string;
  message: string;
  span: Span;
}

function host(files: Record<string, string> = {}, reported: Reported[] = []): MakeHost {
  return {
    readMakefile: (p) => (p in files ? { text: files[p]!, display: p } : undefined),
    wildcard: (p) => (p in files ? [p] : []),
    report: (code, message, span) => reported.push({ code, message, span }),
  };
}

/** evaluate `text` and return the expanded value of `v` */
function val(text: string, v = 'x', files: Record<string, string> = {}): string {
  const ev = new MakeEvaluator(host(files));
  ev.evalFile(text, 'Makefile');
  return ev.value(v);
}

describe('make evaluator: assignments', () => {
  it('simple vs recursive', () => {
    expect(val('a := 1\nx := $(a)\na := 2')).toBe('1');
    expect(val('a := 1\nx = $(a)\na := 2')).toBe('2');
  });
  it('append keeps the flavor and adds one space', () => {
    expect(val('x := a\nx += b')).toBe('a b');
    expect(val('x :=\nx += b')).toBe('b');
    expect(val('a = 1\nx = $(a)\nx += c\na = 2')).toBe('2 c');
    expect(val('x += only')).toBe('only');
  });
  it('?= sets only undefined variables', () => {
    expect(val('x ?= 1')).toBe('1');
    expect(val('x :=\nx ?= 1')).toBe('');
  });
  it('computed names (obj-$(CONFIG_X))', () => {
    expect(val('CONFIG_A := y\nobj-$(CONFIG_A) += a.o\nobj-$(CONFIG_B) += b.o', 'obj-y')).toBe('a.o');
    expect(val('CONFIG_A := y\nobj-$(CONFIG_A) += a.o\nobj-$(CONFIG_B) += b.o', 'obj-')).toBe('b.o');
  });
  it('continuation lines collapse to one space, comments are dropped, \\# is literal', () => {
    expect(val('x := a \\\n    b \\\n\tc # comment')).toBe('a b c ');
    expect(val('x := \\#')).toBe('#');
  });
  it('define … endef keeps newlines', () => {
    expect(val('define x\nline1\nline2\nendef')).toBe('line1\nline2');
  });
  it('command-line variables win unless override', () => {
    const ev = new MakeEvaluator(host());
    ev.define('x', 'cmd', 'command line');
    ev.evalFile('x := file\ny := file\noverride y := over', 'Makefile');
    expect(ev.value('x')).toBe('cmd');
    expect(ev.value('y')).toBe('over');
  });
  it('export marks variables for sub-makes', () => {
    const ev = new MakeEvaluator(host());
    ev.evalFile('export A := 1\nB := 2\nexport B\nC := 3\nexport D\nD := 4', 'Makefile');
    expect([...ev.exportedEnvironment().entries()].sort()).toEqual([
      ['A', '1'],
      ['B', '2'],
      ['D', '4'],
    ]);
  });
});

describe('make evaluator: conditionals', () => {
  it('ifeq / ifneq / ifdef / ifndef / else / nested / else if', () => {
    expect(val('a := y\nifeq ($(a),y)\nx := 1\nelse\nx := 2\nendif')).toBe('1');
    expect(val("ifneq ('$(a)','')\nx := 1\nelse\nx := 2\nendif")).toBe('2');
    expect(val('a = $(b)\nifdef a\nx := def\nendif')).toBe('def');
    expect(val('ifndef a\nx := undef\nendif')).toBe('undef');
    expect(val('a := 2\nifeq ($(a),1)\nx := 1\nelse ifeq ($(a),2)\nx := 2\nelse\nx := 3\nendif')).toBe('2');
    expect(val('ifeq (1,2)\n ifeq (1,1)\n x := wrong\n else\n x := wrong2\n endif\nelse\nx := ok\nendif')).toBe('ok');
  });
  it('reports an unterminated conditional with its line', () => {
    const rep: Reported[] = [];
    const ev = new MakeEvaluator(host({}, rep));
    ev.evalFile('x := 1\nifeq (a,a)\ny := 2\n', 'Kbuild');
    expect(rep.map((r) => `${r.code}:${r.span.file}:${r.span.line}`)).toEqual(['B003:Kbuild:2']);
  });
});

describe('make evaluator: functions', () => {
  const cases: [string, string][] = [
    ['$(subst a,b,banana)', 'bbnbnb'],
    ['$(patsubst %.o,%.c,a.o b.o c.h)', 'a.c b.c c.h'],
    ['$(x:.o=.c)', 'a.c b.c'],
    ['$(x:%.o=dir/%.s)', 'dir/a.s dir/b.s'],
    ['$(strip   a   b  )', 'a b'],
    ['$(filter %.o %/,a.o b/ c.c)', 'a.o b/'],
    ['$(filter-out %/,a.o b/ c.c)', 'a.o c.c'],
    ['$(sort b a c a)', 'a b c'],
    ['$(word 2,a b c)', 'b'],
    ['$(wordlist 2,3,a b c d)', 'b c'],
    ['$(words a b c)', '3'],
    ['$(firstword a b) $(lastword a b)', 'a b'],
    ['$(dir a/b.c c) $(notdir a/b.c c)', 'a/ ./ b.c c'],
    ['$(basename a/b.c d) $(suffix a/b.c d)', 'a/b d .c'],
    ['$(addprefix p/,a b) $(addsuffix .o,a b)', 'p/a p/b a.o b.o'],
    ['$(join a b,1 2 3)', 'a1 b2 3'],
    ['$(if $(empty),yes,no) $(if x,yes)', 'no yes'],
    ['$(or ,,b,c) $(and a,b,c)', 'b c'],
    ['$(foreach v,a b,[$(v)])', '[a] [b]'],
    ['$(call f,1,2)', '2-1'],
    ['$(origin x) $(origin nope) $(flavor f)', 'file undefined recursive'],
    ['$(value f)', '$(2)-$(1)'],
    ['$(findstring an,banana)', 'an'],
  ];
  for (const [expr, want] of cases) {
    it(expr, () => {
      expect(val(`x := a.o b.o\nf = $(2)-$(1)\nresult := ${expr}`, 'result')).toBe(want);
    });
  }
  it('$(eval) defines variables and rules', () => {
    expect(val('$(eval y := 5)\nx := $(y)')).toBe('5');
    expect(val('m = $(eval $(1) := $(2))\n$(call m,x,7)')).toBe('7');
  });
  it('$(shell) is not executed and is reported with its line', () => {
    const rep: Reported[] = [];
    const ev = new MakeEvaluator(host({}, rep));
    ev.evalFile('\nx := $(shell echo hi)', 'arch/arm/Makefile');
    expect(ev.value('x')).toBe('');
    expect(rep[0]!.code).toBe('B001');
    expect(rep[0]!.span).toMatchObject({ file: 'arch/arm/Makefile', line: 2 });
  });
  it('self-reference is reported, not looped', () => {
    const rep: Reported[] = [];
    const ev = new MakeEvaluator(host({}, rep));
    ev.evalFile('x = $(x) a', 'Makefile');
    expect(ev.value('x')).toBe(' a');
    expect(rep.some((r) => r.code === 'B005')).toBe(true);
  });
  it('include reads through the host; -include tolerates a missing file', () => {
    const rep: Reported[] = [];
    const ev = new MakeEvaluator(host({ 'inc.mk': 'y := from-inc' }, rep));
    ev.evalFile('include inc.mk\n-include none.mk\ninclude none2.mk\nx := $(y)', 'Makefile');
    expect(ev.value('x')).toBe('from-inc');
    expect(rep.map((r) => r.code)).toEqual(['B002']);
  });
  it('recipes are skipped, target-specific variables recorded', () => {
    const ev = new MakeEvaluator(host());
    ev.evalFile('all: foo\n\tx := not-an-assignment\n$(obj)/a.o: ccflags-y += -DA\nx := 1', 'Makefile');
    expect(ev.value('x')).toBe('1');
    expect(ev.targetVars.map((t) => [t.target, t.name, t.op, t.value])).toEqual([['/a.o', 'ccflags-y', '+=', '-DA']]);
  });
});

/** GNU make itself as the oracle: the same makefile, the same printed values */
describe.skipIf(!haveCommand('make'))('make evaluator agrees with GNU make', () => {
  const programs = [
    'a := 1\nb = $(a) 2\na := 3\nc := $(b)\nd = $(patsubst %.o,%.c,$(filter-out x.o,x.o y.o z.o))\nall := $(c)|$(d)',
    "comma := ,\nempty :=\nspace := $(empty) $(empty)\nl := a b c\nall := $(subst $(space),$(comma),$(l))|$(words $(l))",
    'f = $(if $(filter $(1),$(2)),found-$(1),none)\nall := $(call f,b,a b c) $(call f,z,a b c)',
    'obj-y := a.o sub/ b.o\nall := $(patsubst %/,%/built-in.a,$(obj-y))|$(sort $(patsubst %/,%,$(filter %/,$(obj-y))))',
    'suffix-search = $(strip $(foreach s, $3, $($(1:%$(strip $2)=%$s))))\nfoo-y := p.o q.o\nall := $(call suffix-search, foo.o, .o, -objs -y)',
    'x := a\nifeq ($(x),a)\n  ifneq ($(y),)\n    all := 1\n  else\n    all := 2\n  endif\nelse\nall := 3\nendif',
    'define two\nl1\nl2\nendef\nall := $(words $(two)) $(flavor two)',
    'x = 1\nx += 2\ny := $(x)\nx := 3\nx += 4\nall := $(y)|$(x)|$(origin x)|$(flavor x)',
    'v := a.o b.o\nall := $(v:.o=.c)|$(v:%.o=%.s)|$(addsuffix /x,$(dir a/b c))',
    'name-fix = $(subst $(comma),_,$(subst -,_,$1))\ncomma := ,\nall := $(call name-fix,a-b,c)',
    'all := $(or $(empty),$(firstword x y))$(and 1,2)|$(if ,a,b)|$(wordlist 2,9,a b c)',
    'CONFIG_X := y\nobj-$(CONFIG_X) += x.o\nobj-$(CONFIG_Y) += y.o\nall := $(obj-y)|$(obj-)',
  ];
  programs.forEach((p, i) => {
    it(`program ${i + 1}`, () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kvlint-make-'));
      try {
        const mk = path.join(dir, 'Makefile');
        fs.writeFileSync(mk, `${p}\n$(info RESULT[$(all)])\nnothing:\n\t@:\n`);
        const out = execFileSync('make', ['-s', '-f', mk, '-C', dir, 'nothing'], { encoding: 'utf8' });
        const want = /RESULT\[([\s\S]*)\]/.exec(out)![1];
        expect(val(p, 'all')).toBe(want);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });
  });
});
