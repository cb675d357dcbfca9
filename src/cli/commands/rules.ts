import * as path from 'node:path';
import type { Argv } from 'yargs';
import { defaultCacheDir } from '../../engine/unit-cache.js';
import { type UserRule, loadUserRules, typeCheckUserRules, userRuleFiles, userRulesEnabled } from '../../engine/user-rules.js';
import { loadSettings, ruleSeverity } from '../../settings/index.js';
import { KernelTree, bundledTreePath } from '../../tree/tree.js';
import type { Rule, RuleOptions } from '../../../rules/api.js';
import { rules } from '../../../rules/index.js';
import type { KvCommand } from '../context.js';

/**
 * `kvlint rules [tree] [--user-rules] [--format text|json]` lists the rules: code, name, effective severity (the
 * tree's .kvlint.json applied), where the rule comes from, one line. The tree's own rules (.kvlint/rules/*.ts) are
 * listed by name only unless --user-rules (or KVLINT_USER_RULES=1) allows kvlint to load them (loading runs them).
 *
 * `kvlint rules check [tree]` type-checks the tree's rule files against kvlint's rule API (ts-morph, loaded only
 * here) and validates them like built-in rules (code, family, file name, doc comment headings); exit 1 on any error.
 */
interface RulesArgv {
  tree?: string;
  format?: string;
  'user-rules'?: boolean;
  'cache-dir'?: string;
}

function treeOf(arg: string | undefined, cwd: string): KernelTree {
  return new KernelTree(arg === undefined ? bundledTreePath() : path.resolve(cwd, arg));
}

function withTree<T>(y: Argv<T>) {
  return y
    .positional('tree', { type: 'string', describe: 'kernel tree (default: the bundled zsmalloc/ARM fixture tree)' })
    .option('cache-dir', { type: 'string', describe: 'cache directory for transpiled user rules (default: $XDG_CACHE_HOME/kvlint)' });
}

export const rulesCommand: KvCommand = (ctx) => ({
  command: 'rules [tree]',
  describe: 'list the rules (built-in and the tree\'s own); `rules check` type-checks the tree\'s own rules',
  builder: (y) =>
    withTree(y)
      .option('format', { type: 'string', choices: ['text', 'json'], describe: 'output format' })
      .option('user-rules', { type: 'boolean', describe: "load the tree's own rules from .kvlint/rules/ (runs their code; default: KVLINT_USER_RULES=1)" })
      .command({
        command: 'check [tree]',
        describe: "type-check and validate the tree's own rules (.kvlint/rules/*.ts)",
        builder: (yy) => withTree(yy),
        handler: async (raw) => {
          const argv = raw as unknown as RulesArgv;
          const io = ctx.io;
          const tree = treeOf(argv.tree, io.cwd);
          const files = userRuleFiles(tree);
          if (files.length === 0) {
            io.stdout(`no rule files in ${path.join(tree.root, '.kvlint/rules')}\n`);
            ctx.exitCode = 0;
            return;
          }
          const tc = await typeCheckUserRules(tree);
          const lines: string[] = [];
          for (const d of tc.diagnostics) lines.push(`${d.file}:${d.line}:${d.col}: error: ${d.message.replace(/\n/g, ' ')} [TS${d.code}]`);
          // validation needs the rules loaded: `rules check` is the explicit request to do so
          const loaded = await loadUserRules(tree, { cacheDir: cacheDirOf(argv, io.cwd, io.env), taken: rules });
          for (const e of loaded.errors) lines.push(`${e.span ? `${e.span.file}:${e.span.line}:${e.span.col}` : '?'}: error: ${e.message}`);
          io.stdout(lines.length ? lines.join('\n') + '\n' : '');
          const errors = tc.diagnostics.length + loaded.errors.length;
          io.stderr(`kvlint: ${files.length} rule file(s): ${errors === 0 ? 'ok' : `${errors} error(s)`} (type-check ${Math.round(tc.ms)} ms)\n`);
          ctx.exitCode = errors === 0 ? 0 : 1;
        },
      }),
  handler: async (raw) => {
    const argv = raw as unknown as RulesArgv;
    const io = ctx.io;
    const tree = treeOf(argv.tree, io.cwd);
    const files = userRuleFiles(tree);
    let user: UserRule[] = [];
    const notes: string[] = [];
    if (files.length > 0 && userRulesEnabled(argv['user-rules'], io.env)) {
      const loaded = await loadUserRules(tree, { cacheDir: cacheDirOf(argv, io.cwd, io.env), taken: rules });
      user = loaded.rules;
      for (const e of loaded.errors) notes.push(`${e.span ? `${e.span.file}: ` : ''}${e.message}`);
    } else if (files.length > 0) {
      notes.push(`${files.length} rule file(s) in .kvlint/rules/ not loaded (--user-rules to load them: that runs their code): ${files.join(', ')}`);
    }
    const all: { rule: Rule<string, RuleOptions>; origin: string }[] = [
      ...rules.map((r) => ({ rule: r, origin: 'built-in' })),
      ...user.map((u) => ({ rule: u.rule, origin: u.file })),
    ];
    const settings = loadSettings(tree, { rules: all.map((a) => a.rule) });
    const rows = all.map(({ rule, origin }) => ({
      code: rule.meta.code,
      name: rule.meta.name,
      family: rule.meta.family,
      severity: ruleSeverity(settings, rule.meta.code, rule.meta.defaultSeverity),
      defaultSeverity: rule.meta.defaultSeverity,
      scope: rule.checkRun && !rule.check ? 'run' : 'configuration',
      origin,
      summary: rule.meta.summary,
      options: rule.defaultOptions,
    }));
    if ((argv.format ?? 'text') === 'json') io.stdout(JSON.stringify({ rules: rows, notes }, null, 1) + '\n');
    else {
      const w = Math.max(...rows.map((r) => r.name.length));
      const lines = rows.map((r) => `${r.code}  ${r.name.padEnd(w)}  ${r.severity.padEnd(7)}  ${r.summary}${r.origin === 'built-in' ? '' : `  (${r.origin})`}`);
      io.stdout(lines.join('\n') + '\n');
      for (const n of notes) io.stderr(`kvlint: ${n}\n`);
    }
    ctx.exitCode = 0;
  },
});

function cacheDirOf(argv: RulesArgv, cwd: string, env: Record<string, string | undefined>): string {
  return argv['cache-dir'] ? path.resolve(cwd, argv['cache-dir']) : defaultCacheDir(env);
}
