import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ConfigBase } from '../../src/core/types.js';
import { runCheck } from '../../src/engine/check.js';
import { formatGcc } from '../../src/report/index.js';
import { defaultSettings } from '../../src/settings/index.js';
import { KernelTree, packageRoot } from '../../src/tree/tree.js';

/**
 * Rule fixtures (STYLE.md): fixtures/rules/<rule-name>/<pass-…|fail-…>/ holding
 *  - case.json: { description, base (a tree under fixtures/trees/, default zsmalloc-arm), arch, defconfig,
 *    configs: [overrides…] (the matrix), options, edits: [{file, replace, with}], mirrors? }
 *  - tree/ (optional): files added to or replacing files of the base tree
 *  - expected.txt: the rule's findings in gcc format (tree-relative paths); empty for pass cases.
 * Only the rule named by the directory runs, so unrelated changes do not move the snapshots.
 */
export interface RuleCase {
  rule: string;
  name: string;
  dir: string;
  description: string;
  base: string;
  arch: string;
  baseConfig: ConfigBase | undefined;
  configs: Record<string, string>[];
  options: Record<string, unknown>;
  edits: { file: string; replace: string; with: string }[];
  mirrors?: string;
  /**
   * Link facts the case also pins down, in every configuration (so that a pass case cannot pass for the wrong
   * reason): module's reference to symbol resolves with this status ('exported', 'defined-unexported',
   * 'undefined'), or 'none' when the module does not reference it; `when` limits the entry to the configurations
   * whose overrides include those values.
   */
  links: { module: string; symbol: string; status: string; when?: Record<string, string> }[];
}

const CASE_KEYS = new Set(['description', 'base', 'arch', 'defconfig', 'configs', 'options', 'edits', 'mirrors', 'links']);

export function fixturesRoot(): string {
  return path.join(packageRoot(), 'fixtures', 'rules');
}

export function listCases(): RuleCase[] {
  const root = fixturesRoot();
  const out: RuleCase[] = [];
  if (!fs.existsSync(root)) return out;
  for (const rule of fs.readdirSync(root).sort()) {
    const rdir = path.join(root, rule);
    if (!fs.statSync(rdir).isDirectory()) continue;
    for (const name of fs.readdirSync(rdir).sort()) {
      const dir = path.join(rdir, name);
      if (!fs.statSync(dir).isDirectory()) continue;
      const raw = JSON.parse(fs.readFileSync(path.join(dir, 'case.json'), 'utf8')) as Record<string, unknown>;
      for (const k of Object.keys(raw)) if (!CASE_KEYS.has(k)) throw new Error(`${dir}/case.json: unknown key '${k}'`);
      const c: RuleCase = {
        rule,
        name,
        dir,
        description: String(raw.description ?? ''),
        base: String(raw.base ?? 'zsmalloc-arm'),
        arch: String(raw.arch ?? 'arm'),
        baseConfig: raw.defconfig ? { kind: 'defconfig', name: String(raw.defconfig) } : undefined,
        configs: (raw.configs as Record<string, string>[] | undefined) ?? [{}],
        options: (raw.options as Record<string, unknown> | undefined) ?? {},
        edits: (raw.edits as RuleCase['edits'] | undefined) ?? [],
        links: (raw.links as RuleCase['links'] | undefined) ?? [],
      };
      if (raw.mirrors) c.mirrors = String(raw.mirrors);
      out.push(c);
    }
  }
  return out;
}

function walkFiles(dir: string, prefix = ''): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const rel = prefix ? `${prefix}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...walkFiles(path.join(dir, e.name), rel));
    else out.push(rel);
  }
  return out;
}

/** The case's tree: the base with the case's files and edits laid over it (in memory; nothing is written). */
export function caseTree(c: RuleCase): KernelTree {
  const base = new KernelTree(path.join(packageRoot(), 'fixtures', 'trees', c.base));
  const overlay = new Map<string, string | null>();
  const own = path.join(c.dir, 'tree');
  if (fs.existsSync(own)) for (const f of walkFiles(own)) overlay.set(f, fs.readFileSync(path.join(own, f), 'latin1'));
  for (const e of c.edits) {
    const text = overlay.get(e.file) ?? base.readText(e.file);
    if (!text.includes(e.replace)) throw new Error(`${c.dir}: edit of ${e.file}: text not found: ${e.replace}`);
    overlay.set(e.file, text.replace(e.replace, e.with));
  }
  return base.withOverlay(overlay);
}

/**
 * Run the case's rule over its matrix: the findings rendered in gcc format, and for each `links` entry and
 * configuration the status actually found ("config: module symbol status").
 */
export async function runCase(c: RuleCase): Promise<{ output: string; links: string[] }> {
  const tree = caseTree(c);
  const settings = defaultSettings();
  settings.matrix = { arch: c.arch, ...(c.baseConfig ? { base: c.baseConfig } : {}) };
  settings.rules = {};
  if (Object.keys(c.options).length > 0) {
    // options are keyed by code in settings; the engine resolves names too
    settings.rules[c.rule] = { options: c.options, span: { file: 'case.json', line: 1, col: 1 } };
  }
  const result = await runCheck({
    tree,
    selection: { arch: c.arch, ...(c.baseConfig ? { base: c.baseConfig } : {}), overrides: {}, axes: [] },
    settings,
    only: [c.rule],
    configs: c.configs,
  });
  const links: string[] = [];
  for (const run of result.run.runs) {
    for (const l of c.links) {
      if (l.when && !Object.entries(l.when).every(([k, v]) => run.ref.overrides[k] === v)) continue;
      const mod = run.link.modules.find((m) => m.name === l.module);
      const ref = mod?.refs.find((r) => r.symbol === l.symbol);
      links.push(`${run.ref.id}: ${l.module} ${l.symbol} ${mod ? (ref?.status ?? 'none') : 'no-such-module'}`);
    }
  }
  return { output: formatGcc(result.diagnostics, { configs: result.run.runs.map((r) => r.ref) }), links };
}
