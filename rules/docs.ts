import type { Rule, RuleOptions } from './api.js';

/**
 * Rule reference pages (docs/rules/), generated from each rule's doc comment (the single source, as Ruff does) plus
 * its metadata. test/rules/docs.test.ts keeps docs/rules/ equal to this output (UPDATE_EXPECTED=1 rewrites it).
 */
export function docComment(source: string): string {
  const m = /^\s*\/\*\*([\s\S]*?)\*\//.exec(source);
  if (!m) return '';
  return m[1]!
    .split('\n')
    .map((l) => l.replace(/^\s*\* ?/, ''))
    .join('\n')
    .trim();
}

export function ruleMarkdown(rule: Rule<string, RuleOptions>, source: string): string {
  const doc = docComment(source);
  const m = rule.meta;
  const scope = rule.checkRun && !rule.check ? 'once per run (tree-wide or across the matrix)' : 'per configuration';
  const lines = [
    doc,
    '',
    '## Rule',
    '',
    '| | |',
    '|---|---|',
    `| code | \`${m.code}\` |`,
    `| name | \`${m.name}\` |`,
    `| family | ${m.family} |`,
    `| default severity | ${m.defaultSeverity} |`,
    `| runs | ${scope} |`,
    '',
    '### Messages',
    '',
    ...Object.entries(m.messages).map(([id, t]) => `- \`${id}\`: ${code(t)}`),
    '',
    '### Options',
    '',
    ...(Object.keys(rule.defaultOptions).length === 0
      ? ['None.']
      : Object.entries(rule.defaultOptions).map(([k, v]) => `- \`${k}\` (default \`${JSON.stringify(v)}\`)`)),
    '',
    `Configure it in \`.kvlint.json\`: \`{"rules": {"${m.code}": {"severity": "…", "options": {…}}}}\`.`,
    '',
  ];
  return lines.join('\n');
}

/** inline code that may itself contain a backtick (ld's `sym' quoting) */
function code(t: string): string {
  return t.includes('`') ? `\`\` ${t} \`\`` : `\`${t}\``;
}

export function rulesIndexMarkdown(rules: readonly Rule<string, RuleOptions>[]): string {
  return [
    '# kvlint rules',
    '',
    'Generated from the rules\' doc comments (rules/<family>/<name>.ts); `kvlint rules` lists them with the severities',
    'in effect for a tree.',
    '',
    '| code | rule | default | what |',
    '|---|---|---|---|',
    ...rules.map((r) => `| ${r.meta.code} | [${r.meta.name}](${r.meta.code}-${r.meta.name}.md) | ${r.meta.defaultSeverity} | ${r.meta.summary} |`),
    '',
  ].join('\n');
}
