import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCheck } from '../../src/engine/check.js';
import { importsOf, loadUserRules, typeCheckUserRules, userRuleFiles } from '../../src/engine/user-rules.js';
import { defaultSettings } from '../../src/settings/index.js';
import { KernelTree, bundledTreePath } from '../../src/tree/tree.js';
import { rules } from '../../rules/index.js';
import { runCli } from '../support/cli.js';

/** Users' own rules from .kvlint/rules/: transpile-only loading with a content-hash cache, validation, type-check. */

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kvlint-user-rules-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const DOC = (name: string, code: string) => `/**
 * # ${name} (${code})
 *
 * ## What it does
 * Reports modules that use a symbol this tree forbids.
 *
 * ## Why it matters
 * The tree's maintainers want these interfaces gone.
 *
 * ## Example
 * zram calling zs_malloc().
 *
 * ## How to fix
 * Use the replacement interface.
 *
 * ## References
 * - the tree's own policy.
 */
`;

const GOOD = `${DOC('module-uses-denied-symbol', 'X900')}import type { Rule } from 'kvlint';

type Options = { symbols: string[] };

export const rule: Rule<'denied', Options> = {
  meta: {
    code: 'X900',
    name: 'module-uses-denied-symbol',
    family: 'exports',
    defaultSeverity: 'warning',
    summary: 'a module uses a symbol this tree forbids',
    messages: { denied: '{{module}}.ko uses {{symbol}}, which this tree forbids' },
  },
  defaultOptions: { symbols: ['zs_malloc'] },
  check(ctx, report) {
    for (const m of ctx.link.modules) {
      for (const r of m.refs) {
        const use = r.uses[0];
        if (!use || !ctx.options.symbols.includes(r.symbol)) continue;
        report({ messageId: 'denied', data: { module: m.name, symbol: r.symbol }, primary: use.span, trace: [], subject: [m.name, r.symbol] });
      }
    }
  },
};
`;

function treeWith(files: Record<string, string>): KernelTree {
  const overlay = new Map<string, string | null>();
  for (const [p, c] of Object.entries(files)) overlay.set(`.kvlint/rules/${p}`, c);
  return new KernelTree(bundledTreePath()).withOverlay(overlay);
}

describe('user rules', () => {
  it('finds rule files under .kvlint/rules/ (declarations excluded)', () => {
    const t = treeWith({ 'a-rule.ts': GOOD, 'types.d.ts': 'export {};', 'sub/b-rule.ts': GOOD });
    expect(userRuleFiles(t)).toEqual(['.kvlint/rules/a-rule.ts', '.kvlint/rules/sub/b-rule.ts']);
  });

  it('loads a rule transpile-only, caches it by content hash, and the engine runs it', async () => {
    const cacheDir = path.join(tmp, 'c1');
    const tree = treeWith({ 'module-uses-denied-symbol.ts': GOOD });
    const first = await loadUserRules(tree, { cacheDir, taken: rules });
    expect(first.errors.map((e) => e.message)).toEqual([]);
    expect(first.rules.map((r) => r.rule.meta.code)).toEqual(['X900']);
    expect(first.stats).toMatchObject({ files: 1, transpiled: 1, cached: 0 });
    const again = await loadUserRules(tree, { cacheDir, taken: rules });
    expect(again.stats).toMatchObject({ files: 1, transpiled: 0, cached: 1 });
    // nothing was written into the tree: the transpiled file is in the cache directory
    expect(fs.readdirSync(path.join(cacheDir, 'user-rules')).filter((f) => f.endsWith('.mjs'))).toHaveLength(1);

    const settings = defaultSettings();
    const result = await runCheck({
      tree,
      selection: { arch: 'arm', base: { kind: 'defconfig', name: 'multi_v7_defconfig' }, overrides: { SMP: 'y' }, axes: [] },
      settings,
      only: ['X900'],
      userRules: first.rules.map((r) => r.rule),
      cacheDir: null,
    });
    expect(result.diagnostics.map((d) => `${d.code} ${d.message}`)).toEqual(['X900 drivers/staging/zram/zram.ko uses zs_malloc, which this tree forbids']);
  });

  it('a changed rule file is transpiled again', async () => {
    const cacheDir = path.join(tmp, 'c2');
    await loadUserRules(treeWith({ 'module-uses-denied-symbol.ts': GOOD }), { cacheDir, taken: rules });
    const changed = await loadUserRules(treeWith({ 'module-uses-denied-symbol.ts': GOOD.replace("'zs_malloc'", "'zs_free'") }), { cacheDir, taken: rules });
    expect(changed.stats).toMatchObject({ transpiled: 1, cached: 0 });
    expect(changed.rules[0]!.rule.defaultOptions).toEqual({ symbols: ['zs_free'] });
  });

  it('validates like built-in rules: code, family, file name, doc headings, clashes', async () => {
    const cacheDir = path.join(tmp, 'c3');
    const bad = {
      'wrong-name.ts': GOOD,
      'module-uses-denied-symbol.ts': GOOD.replace("code: 'X900'", "code: 'K900'"),
      'x001-clash.ts': GOOD.replace(/module-uses-denied-symbol/g, 'x001-clash').replace(/X900/g, 'X001'),
      'no-doc.ts': GOOD.replace(/module-uses-denied-symbol/g, 'no-doc').replace(/X900/g, 'X901').replace('## How to fix', '## Fix'),
    };
    const r = await loadUserRules(treeWith(bad), { cacheDir, taken: rules });
    expect(r.rules).toHaveLength(0);
    const msgs = r.errors.map((e) => `${e.span?.file}: ${e.message}`).sort();
    expect(msgs).toHaveLength(4);
    expect(msgs[0]).toMatch(/module-uses-denied-symbol\.ts: .*code must be X and three digits/);
    expect(msgs[1]).toMatch(/no-doc\.ts: .*lacks "## How to fix"/);
    expect(msgs[2]).toMatch(/wrong-name\.ts: .*must equal the file name/);
    expect(msgs[3]).toMatch(/x001-clash\.ts: .*X001 is already used by built-in rule module-uses-unexported-symbol/);
  });

  it('refuses rule files that import anything but kvlint, and reports syntax errors with their line', async () => {
    const cacheDir = path.join(tmp, 'c4');
    const r = await loadUserRules(
      treeWith({
        'module-uses-denied-symbol.ts': `${GOOD.replace("import type { Rule } from 'kvlint';", "import type { Rule } from 'kvlint';\nimport { helper } from './helper.js';")}\nexport const used = helper;\n`,
        'broken.ts': `${DOC('broken', 'X902')}export const rule = {\n  meta: { code: 'X902' \n`,
      }),
      { cacheDir, taken: rules },
    );
    const msgs = r.errors.map((e) => `${e.span?.file}:${e.span?.line}: ${e.message}`).sort();
    expect(msgs[0]).toMatch(/^\.kvlint\/rules\/broken\.ts:(2[0-9]): user rule: /);
    expect(msgs[1]).toContain("imports './helper.js': a rule file must be self-contained");
    expect(importsOf('import { a } from "x";\nimport "y";\nconst z = await import("z");')).toEqual(['x', 'y', 'z']);
  });

  it('rules check type-checks against the rule API (ts-morph) and reports the user file:line', async () => {
    const ok = await typeCheckUserRules(treeWith({ 'module-uses-denied-symbol.ts': GOOD }));
    expect(ok.diagnostics).toEqual([]);
    const wrong = await typeCheckUserRules(treeWith({ 'module-uses-denied-symbol.ts': GOOD.replace('ctx.link.modules', 'ctx.link.modulez') }));
    expect(wrong.diagnostics).toHaveLength(1);
    expect(wrong.diagnostics[0]).toMatchObject({ file: '.kvlint/rules/module-uses-denied-symbol.ts', code: 2551 });
    expect(wrong.diagnostics[0]!.message).toContain("'modulez'");
  }, 60_000);

  describe('commands', () => {
    // a copy of the bundled tree on disk (commands take a path); the copy is this test's, never the fixture
    const root = path.join(tmp, 'tree');
    fs.cpSync(bundledTreePath(), root, { recursive: true });
    fs.mkdirSync(path.join(root, '.kvlint/rules'), { recursive: true });
    fs.writeFileSync(path.join(root, '.kvlint/rules/module-uses-denied-symbol.ts'), GOOD);
    const env = { XDG_CACHE_HOME: path.join(tmp, 'xdg') };

    it('kvlint rules lists built-in rules, and the tree\'s own only with --user-rules', async () => {
      const plain = await runCli(['rules', root], { env });
      expect(plain.code).toBe(0);
      expect(plain.stdout).toMatch(/^X001 {2}module-uses-unexported-symbol +error {4}a module references/m);
      expect(plain.stdout).not.toContain('X900');
      expect(plain.stderr).toContain('1 rule file(s) in .kvlint/rules/ not loaded (--user-rules');
      const withUser = await runCli(['rules', root, '--user-rules', '--format', 'json'], { env });
      const rows = (JSON.parse(withUser.stdout) as { rules: { code: string; origin: string; severity: string }[] }).rules;
      expect(rows.find((r) => r.code === 'X900')).toMatchObject({ origin: '.kvlint/rules/module-uses-denied-symbol.ts', severity: 'warning' });
      expect(rows.map((r) => r.code)).toEqual([...rules.map((r) => r.meta.code), 'X900']);
    });

    it('kvlint check --user-rules runs them; .kvlint.json can configure them', async () => {
      fs.writeFileSync(path.join(root, '.kvlint.json'), JSON.stringify({ ...JSON.parse(fs.readFileSync(path.join(bundledTreePath(), '.kvlint.json'), 'utf8')), rules: { X900: 'error' } }));
      const r = await runCli(['check', root, '--user-rules', '--rule', 'X900', '--format', 'gcc', '--no-cache'], { env });
      expect(r.stdout).toContain('error: drivers/staging/zram/zram.ko uses zs_malloc, which this tree forbids [X900]');
      expect(r.code).toBe(1);
      const without = await runCli(['check', root, '--rule', 'X001', '--format', 'gcc', '--no-cache'], { env });
      expect(without.code).toBe(2); // .kvlint.json names X900, unknown without the tree's rules
      expect(without.stderr).toContain("unknown rule 'X900'");
    }, 60_000);

    it('kvlint rules check exits 1 on a type error, 0 when clean', async () => {
      const clean = await runCli(['rules', 'check', root], { env });
      expect(clean.stderr).toContain('1 rule file(s): ok');
      expect(clean.code).toBe(0);
      fs.writeFileSync(path.join(root, '.kvlint/rules/module-uses-denied-symbol.ts'), GOOD.replace("defaultSeverity: 'warning'", "defaultSeverity: 'fatal'"));
      const bad = await runCli(['rules', 'check', root], { env });
      expect(bad.code).toBe(1);
      expect(bad.stdout).toMatch(/^\.kvlint\/rules\/module-uses-denied-symbol\.ts:\d+:\d+: error: .*'"fatal"'.* \[TS2322\]$/m);
      expect(bad.stdout).toContain('defaultSeverity must be error, warning or info');
    }, 60_000);
  });
});
