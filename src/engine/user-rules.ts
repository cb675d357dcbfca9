import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { InputError } from '../core/errors.js';
import type { Span } from '../core/types.js';
import type { KernelTree } from '../tree/tree.js';
import { packageRoot } from '../tree/tree.js';
import { cacheDirFor } from './unit-cache.js';
import { FAMILY_PREFIX, type Rule, type RuleFamily, type RuleOptions } from '../../rules/api.js';

/**
 * Users' own rules: TypeScript files in `.kvlint/rules/` of the checked tree (one rule per file, the file named like
 * the rule, the same shape and doc comment as a built-in rule: rules/api.ts, STYLE.md).
 *
 * Loading is transpile-only: esbuild's `transform` strips the types (~ms per file, no type checking — that is
 * `kvlint rules check`), the JavaScript is cached outside the tree under the content hash of the source (and of the
 * esbuild version), and imported from there. A rule file must be self-contained: `import type … from 'kvlint'` for
 * the API types; a value import of 'kvlint' is bound to this kvlint's rules/api module; any other import is refused.
 *
 * Running a user rule runs code from the checked tree, so the engine does it only when asked (`--user-rules`, or
 * KVLINT_USER_RULES=1): a CI gate checking someone else's tree must not execute that tree by default.
 */
export const USER_RULES_DIR = '.kvlint/rules';

export interface UserRule {
  rule: Rule<string, RuleOptions>;
  /** tree-relative path of the rule file */
  file: string;
  /** sha256 of the source */
  hash: string;
}

export interface LoadUserRulesOptions {
  /** cache directory (default $XDG_CACHE_HOME/kvlint); the transpiled files go to <cacheDir>/user-rules/ */
  cacheDir: string;
  /** codes and names already taken (the built-in registry) */
  taken: readonly Rule<string, RuleOptions>[];
}

export interface UserRulesResult {
  rules: UserRule[];
  /** one per file that could not be loaded or failed validation */
  errors: InputError[];
  stats: { files: number; transpiled: number; cached: number; ms: number };
}

/** The rule files of a tree (sorted), `.kvlint/rules/**\/*.ts` without declaration files. */
export function userRuleFiles(tree: KernelTree): string[] {
  const out: string[] = [];
  const walk = (dir: string, depth: number) => {
    if (depth > 4 || !tree.isDir(dir)) return;
    for (const e of tree.listDir(dir)) {
      const p = `${dir}/${e}`;
      if (tree.isDir(p)) walk(p, depth + 1);
      else if (e.endsWith('.ts') && !e.endsWith('.d.ts')) out.push(p);
    }
  };
  walk(USER_RULES_DIR, 0);
  return out.sort();
}

const HEADINGS = ['What it does', 'Why it matters', 'Example', 'How to fix', 'References'];
const SEVERITIES = new Set(['error', 'warning', 'info']);

/** Where the kvlint rule API module is, for value imports of 'kvlint' from user rules (dist: dist/rules/api.js). */
function apiModuleUrl(): string {
  return new URL('../../rules/api.js', import.meta.url).href;
}

let esbuildVersion: string | undefined;

export async function loadUserRules(tree: KernelTree, opts: LoadUserRulesOptions): Promise<UserRulesResult> {
  const t0 = performance.now();
  const files = userRuleFiles(tree);
  const result: UserRulesResult = { rules: [], errors: [], stats: { files: files.length, transpiled: 0, cached: 0, ms: 0 } };
  if (files.length === 0) return result;
  const esbuild = await import('esbuild');
  esbuildVersion ??= esbuild.version;
  const dir = path.join(cacheDirFor(opts.cacheDir, tree), 'user-rules');
  fs.mkdirSync(dir, { recursive: true });
  const api = apiModuleUrl();
  const codes = new Map(opts.taken.map((r) => [r.meta.code, `built-in rule ${r.meta.name}`]));
  const names = new Map(opts.taken.map((r) => [r.meta.name, `built-in rule ${r.meta.code}`]));
  for (const file of files) {
    const at: Span = { file, line: 1, col: 1 };
    const source = tree.readText(file);
    const hash = createHash('sha256').update(source, 'latin1').digest('hex');
    const key = createHash('sha256').update(`${esbuildVersion}\0${api}\0${hash}`).digest('hex').slice(0, 32);
    const out = path.join(dir, `${key}.mjs`);
    if (fs.existsSync(out)) result.stats.cached++;
    else {
      let code: string;
      try {
        code = (await esbuild.transform(source, { loader: 'ts', format: 'esm', target: 'node20', sourcefile: file, sourcemap: 'inline' })).code;
      } catch (e) {
        const err = e as { errors?: { text: string; location?: { line: number; column: number } | null }[] };
        const first = err.errors?.[0];
        result.errors.push(new InputError(`user rule: ${first?.text ?? String(e)}`, first?.location ? { file, line: first.location.line, col: first.location.column + 1 } : at));
        continue;
      }
      const bad = importsOf(code).filter((s) => s !== 'kvlint');
      if (bad.length > 0) {
        result.errors.push(new InputError(`user rule imports '${bad[0]}': a rule file must be self-contained (only 'kvlint' may be imported)`, at));
        continue;
      }
      code = code.replace(/(\bfrom\s*|\bimport\s*\(\s*|\bimport\s*)(["'])kvlint\2/g, (_m, pre: string, q: string) => `${pre}${q}${api}${q}`);
      // write under a temporary name first: a concurrent run never imports a half-written file
      const tmp = `${out}.${process.pid}.tmp`;
      fs.writeFileSync(tmp, code);
      fs.renameSync(tmp, out);
      result.stats.transpiled++;
    }
    let mod: Record<string, unknown>;
    try {
      mod = (await import(pathToFileURL(out).href)) as Record<string, unknown>;
    } catch (e) {
      result.errors.push(new InputError(`user rule failed to load: ${(e as Error).message}`, at));
      continue;
    }
    const found = Object.values(mod).filter(isRuleLike);
    if (found.length !== 1) {
      result.errors.push(new InputError(`user rule file must export exactly one rule (found ${found.length})`, at));
      continue;
    }
    const rule = found[0] as Rule<string, RuleOptions>;
    const problems = validateRule(rule, file, source);
    const taken = codes.get(rule.meta.code);
    if (taken) problems.push(`code ${rule.meta.code} is already used by ${taken}`);
    const nameTaken = names.get(rule.meta.name);
    if (nameTaken) problems.push(`name ${rule.meta.name} is already used by ${nameTaken}`);
    if (problems.length > 0) {
      result.errors.push(new InputError(`user rule ${rule.meta?.code ?? '?'}: ${problems.join('; ')}`, at));
      continue;
    }
    codes.set(rule.meta.code, `user rule ${file}`);
    names.set(rule.meta.name, `user rule ${file}`);
    result.rules.push({ rule, file, hash });
  }
  result.stats.ms = performance.now() - t0;
  return result;
}

function isRuleLike(v: unknown): boolean {
  if (!v || typeof v !== 'object') return false;
  const r = v as { meta?: unknown; check?: unknown; checkRun?: unknown };
  return typeof r.meta === 'object' && r.meta !== null && (typeof r.check === 'function' || typeof r.checkRun === 'function');
}

/** Module specifiers still imported by transpiled code (type-only imports are gone after esbuild). */
export function importsOf(code: string): string[] {
  const out: string[] = [];
  for (const m of code.matchAll(/(?:^|[;\s])(?:import|export)\s[^'"`;]*?from\s*(["'])([^"']+)\1/g)) out.push(m[2]!);
  for (const m of code.matchAll(/(?:^|[;\s])import\s*(["'])([^"']+)\1/g)) out.push(m[2]!);
  for (const m of code.matchAll(/\bimport\s*\(\s*(["'])([^"']+)\1\s*\)/g)) out.push(m[2]!);
  for (const m of code.matchAll(/\brequire\s*\(\s*(["'])([^"']+)\1\s*\)/g)) out.push(m[2]!);
  return out;
}

/** The checks the registry test applies to built-in rules (code, family, name, doc comment, shape). */
export function validateRule(rule: Rule<string, RuleOptions>, file: string, source: string): string[] {
  const p: string[] = [];
  const m = rule.meta as Partial<Rule['meta']>;
  const family = m.family as RuleFamily | undefined;
  if (!family || !(family in FAMILY_PREFIX)) p.push(`family must be one of ${Object.keys(FAMILY_PREFIX).join(', ')}`);
  else if (typeof m.code !== 'string' || !new RegExp(`^${FAMILY_PREFIX[family]}\\d{3}$`).test(m.code)) {
    p.push(`code must be ${FAMILY_PREFIX[family]} and three digits for family ${family} (got ${JSON.stringify(m.code)})`);
  }
  const base = path.basename(file, '.ts');
  if (typeof m.name !== 'string' || !/^[a-z0-9]+(-[a-z0-9]+)*$/.test(m.name)) p.push(`name must be kebab-case (got ${JSON.stringify(m.name)})`);
  else if (m.name !== base) p.push(`name ${m.name} must equal the file name (${base})`);
  if (!SEVERITIES.has(m.defaultSeverity as string)) p.push('defaultSeverity must be error, warning or info');
  if (typeof m.summary !== 'string' || m.summary.trim() === '') p.push('summary (one line for `kvlint rules`) is missing');
  const msgs = m.messages as Record<string, unknown> | undefined;
  if (!msgs || typeof msgs !== 'object' || Object.keys(msgs).length === 0 || Object.values(msgs).some((v) => typeof v !== 'string')) {
    p.push('messages must be a non-empty record of message templates');
  }
  const opts = rule.defaultOptions as Record<string, unknown> | undefined;
  if (!opts || typeof opts !== 'object') p.push('defaultOptions must be an object (use {} for none)');
  else {
    for (const [k, v] of Object.entries(opts)) {
      const ok = ['string', 'number', 'boolean'].includes(typeof v) || (Array.isArray(v) && v.every((x) => typeof x === 'string'));
      if (!ok) p.push(`option ${k} must be a string, number, boolean or list of strings`);
    }
  }
  const doc = /^\s*\/\*\*([\s\S]*?)\*\//.exec(source)?.[1] ?? '';
  if (!doc) p.push('the file must start with a doc comment (/** … */)');
  else {
    if (typeof m.name === 'string' && !doc.includes(`# ${m.name} (`)) p.push(`the doc comment must start with "# ${m.name} (${m.code ?? 'CODE'})"`);
    for (const h of HEADINGS) if (!doc.includes(`## ${h}`)) p.push(`the doc comment lacks "## ${h}"`);
  }
  return p;
}

/** The module that declares kvlint's rule API for type-checking user rules (a checkout's rules/api.ts, else dist's .d.ts). */
export function apiDeclarationPath(): string | undefined {
  const root = packageRoot();
  for (const p of [path.join(root, 'rules', 'api.ts'), path.join(root, 'dist', 'rules', 'api.d.ts')]) if (fs.existsSync(p)) return p;
  return undefined;
}

export interface TypeCheckResult {
  files: string[];
  diagnostics: { file: string; line: number; col: number; code: number; message: string }[];
  ms: number;
}

/**
 * `kvlint rules check`: type-check the user rule files against kvlint's rule API with ts-morph (imported here only:
 * never on the check path). Files are read through the tree and type-checked in memory; nothing is written.
 */
export async function typeCheckUserRules(tree: KernelTree): Promise<TypeCheckResult> {
  const t0 = performance.now();
  const files = userRuleFiles(tree);
  const out: TypeCheckResult = { files, diagnostics: [], ms: 0 };
  if (files.length === 0) return out;
  const api = apiDeclarationPath();
  if (!api) throw new InputError("kvlint's rule API declarations are not installed (rules/api.ts or dist/rules/api.d.ts)");
  const { Project, ts } = await import('ts-morph');
  const project = new Project({
    skipAddingFilesFromTsConfig: true,
    compilerOptions: {
      strict: true,
      noEmit: true,
      target: ts.ScriptTarget.ES2022,
      lib: ['lib.es2023.d.ts'],
      module: ts.ModuleKind.ESNext,
      moduleResolution: ts.ModuleResolutionKind.Bundler,
      skipLibCheck: true,
      types: [],
      paths: { kvlint: [api] },
    },
  });
  const root = tree.root;
  const byPath = new Map<string, string>();
  for (const f of files) {
    const abs = path.join(root, f);
    byPath.set(path.resolve(abs), f);
    project.createSourceFile(abs, tree.readText(f), { overwrite: true });
  }
  for (const d of project.getPreEmitDiagnostics()) {
    const sf = d.getSourceFile();
    const rel = sf ? byPath.get(path.resolve(sf.getFilePath())) : undefined;
    if (!rel) continue; // only the user's files: kvlint's own sources are checked by its build
    const start = d.getStart() ?? 0;
    const lc = sf!.getLineAndColumnAtPos(start);
    const msg = d.getMessageText();
    out.diagnostics.push({
      file: rel,
      line: lc.line,
      col: lc.column,
      code: d.getCode(),
      message: typeof msg === 'string' ? msg : ts.flattenDiagnosticMessageText(msg.compilerObject, '\n'),
    });
  }
  out.ms = performance.now() - t0;
  return out;
}

/** Whether user rules are enabled for this invocation (the flag wins over the environment). */
export function userRulesEnabled(flag: boolean | undefined, env: Record<string, string | undefined>): boolean {
  return flag ?? env.KVLINT_USER_RULES === '1';
}
