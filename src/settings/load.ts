import { type Node, type ParseError, parseTree, printParseErrorCode } from 'jsonc-parser';
import picomatch from 'picomatch';
import { redirects as registryRedirects, rules as registry } from '../../rules/index.js';
import { InputError } from '../core/errors.js';
import type { ConfigBase, Span } from '../core/types.js';
import { parseAxis } from '../matrix/selection.js';
import type { KernelTree } from '../tree/tree.js';
import {
  type IgnoreEntry,
  type MatrixSettings,
  type RuleCatalogEntry,
  type RuleSetting,
  SETTINGS_FILE,
  type Settings,
  type SeveritySetting,
} from './types.js';

export interface LoadOptions {
  /** the rules that exist (default: the registry of rules/index.ts) */
  rules?: readonly RuleCatalogEntry[];
  /** renamed codes/names -> current code (default: the registry's redirects) */
  redirects?: Readonly<Record<string, string>>;
}

/** Settings of a tree without a settings file. */
export function defaultSettings(): Settings {
  return { file: null, matrix: {}, rules: {}, ignores: [], toolchain: null };
}

/**
 * Read `.kvlint.json` at the tree root; defaults when there is none. Strict: an unknown key, a wrong type, an
 * unknown rule or rule option, an ignore without a reason are InputErrors naming the file, line and column.
 * JSON with comments is accepted (as tsconfig.json); trailing commas are not.
 */
export function loadSettings(tree: KernelTree, opts: LoadOptions = {}): Settings {
  const text = tree.tryReadText(SETTINGS_FILE);
  if (text === undefined) return defaultSettings();
  return parseSettings(text, SETTINGS_FILE, opts);
}

const BASE_KEYWORDS = ['allnoconfig', 'allyesconfig', 'allmodconfig', 'alldefconfig'] as const;
const SEVERITIES: readonly SeveritySetting[] = ['error', 'warning', 'info', 'off'];

/** Parse and validate the text of a settings file (`file` is the name used in errors). */
export function parseSettings(text: string, file: string, opts: LoadOptions = {}): Settings {
  const p = new Parser(text, file, opts.rules ?? registry, opts.redirects ?? registryRedirects);
  return p.settings();
}

class Parser {
  private readonly lineStarts: number[] = [0];

  constructor(
    private readonly text: string,
    private readonly file: string,
    private readonly catalog: readonly RuleCatalogEntry[],
    private readonly redirects: Readonly<Record<string, string>>,
  ) {
    for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) this.lineStarts.push(i + 1);
  }

  settings(): Settings {
    const errors: ParseError[] = [];
    const root = parseTree(this.text, errors, { disallowComments: false, allowTrailingComma: false, allowEmptyContent: false });
    if (errors.length > 0) {
      const e = errors[0]!;
      throw new InputError(`${this.file} is not valid JSON: ${describeParseError(printParseErrorCode(e.error))}`, this.span(e.offset));
    }
    if (!root) throw new InputError(`${this.file} is empty`, this.span(0));
    const top = this.object(root, 'the settings', ['$schema', 'matrix', 'rules', 'ignores', 'toolchain']);
    const s: Settings = { file: this.file, matrix: {}, rules: {}, ignores: [], toolchain: null };
    if (top.$schema) this.string(top.$schema.value, '$schema');
    if (top.matrix) s.matrix = this.matrix(top.matrix.value);
    if (top.rules) s.rules = this.rules(top.rules.value);
    if (top.ignores) s.ignores = this.ignores(top.ignores.value);
    if (top.toolchain) {
      const ref = this.string(top.toolchain.value, 'toolchain');
      if (ref === '') throw this.error(top.toolchain.value, `'toolchain' must name a toolchain profile (a file, or a bundled profile's name)`);
      const kind = ref.includes('/') || ref.endsWith('.json') ? 'file' : 'bundled';
      s.toolchain = { kind, ref, span: this.span(top.toolchain.value.offset) };
    }
    return s;
  }

  private matrix(node: Node): MatrixSettings {
    const m = this.object(node, "'matrix'", ['arch', 'base', 'overrides', 'axes']);
    const out: MatrixSettings = {};
    if (m.arch) {
      const arch = this.string(m.arch.value, 'matrix.arch');
      if (!/^[a-z0-9_]+$/.test(arch)) throw this.error(m.arch.value, `matrix.arch must be a kernel SRCARCH name (arm, arm64, x86, …), got '${arch}'`);
      out.arch = arch;
    }
    if (m.base) out.base = this.base(m.base.value);
    if (m.overrides) {
      const ov = this.object(m.overrides.value, 'matrix.overrides', null);
      out.overrides = {};
      for (const [k, { key, value }] of Object.entries(ov)) {
        const sym = this.symbol(key, k, 'matrix.overrides');
        out.overrides[sym] = this.configValue(value, `matrix.overrides.${k}`);
      }
    }
    if (m.axes) out.axes = this.axes(m.axes.value);
    return out;
  }

  /** "multi_v7_defconfig" | "allmodconfig" (and the other all*config) | {"defconfig": NAME} | {"from": PATH} */
  private base(node: Node): ConfigBase {
    if (node.type === 'string') {
      const v = node.value as string;
      if ((BASE_KEYWORDS as readonly string[]).includes(v)) return { kind: v as (typeof BASE_KEYWORDS)[number] };
      if (!/^[A-Za-z0-9_.+-]+$/.test(v)) {
        throw this.error(node, `matrix.base '${v}' is neither ${BASE_KEYWORDS.join(', ')} nor a defconfig name (a file in arch/$ARCH/configs/)`);
      }
      return { kind: 'defconfig', name: v };
    }
    if (node.type === 'object') {
      const b = this.object(node, 'matrix.base', ['defconfig', 'from']);
      const keys = Object.keys(b);
      if (keys.length !== 1) throw this.error(node, `matrix.base must have exactly one of 'defconfig' or 'from'`);
      if (b.defconfig) return { kind: 'defconfig', name: this.string(b.defconfig.value, 'matrix.base.defconfig') };
      return { kind: 'file', path: this.string(b.from!.value, 'matrix.base.from') };
    }
    throw this.error(node, `matrix.base must be a string (a defconfig name or ${BASE_KEYWORDS.join('/')}) or {"defconfig": NAME} / {"from": PATH}, got ${this.typeName(node)}`);
  }

  /** {"SMP": ["y", "n"]} or ["SMP", "NR_CPUS=1,4"] (the --axis syntax) */
  private axes(node: Node): { symbol: string; values: string[] }[] {
    const out: { symbol: string; values: string[] }[] = [];
    const seen = new Set<string>();
    const add = (symbol: string, values: string[], at: Node): void => {
      if (seen.has(symbol)) throw this.error(at, `matrix.axes names ${symbol} twice`);
      seen.add(symbol);
      out.push({ symbol, values });
    };
    if (node.type === 'object') {
      for (const [k, { key, value }] of Object.entries(this.object(node, 'matrix.axes', null))) {
        const sym = this.symbol(key, k, 'matrix.axes');
        if (value.type !== 'array') throw this.error(value, `matrix.axes.${k} must be a list of values, e.g. ["y", "n"], got ${this.typeName(value)}`);
        const values = (value.children ?? []).map((v, i) => this.configValue(v, `matrix.axes.${k}[${i}]`));
        if (values.length === 0) throw this.error(value, `matrix.axes.${k} has no values`);
        if (new Set(values).size !== values.length) throw this.error(value, `matrix.axes.${k} repeats a value`);
        add(sym, values, key);
      }
      return out;
    }
    if (node.type === 'array') {
      for (const [i, item] of (node.children ?? []).entries()) {
        const s = this.string(item, `matrix.axes[${i}]`);
        let axis: { symbol: string; values: string[] };
        try {
          axis = parseAxis(s);
        } catch (e) {
          throw this.error(item, `matrix.axes[${i}]: ${(e as Error).message}`);
        }
        add(axis.symbol, axis.values, item);
      }
      return out;
    }
    throw this.error(node, `matrix.axes must be an object ({"SMP": ["y", "n"]}) or a list of "SYM[=v1,v2]", got ${this.typeName(node)}`);
  }

  private rules(node: Node): Record<string, RuleSetting> {
    const out: Record<string, RuleSetting> = {};
    for (const [k, { key, value }] of Object.entries(this.object(node, "'rules'", null))) {
      const rule = this.rule(key, k);
      const code = rule.meta.code;
      if (out[code]) throw this.error(key, `rules: ${k} names rule ${code} (${rule.meta.name}) a second time`);
      const setting: RuleSetting = { options: {}, span: this.span(key.offset) };
      if (value.type === 'string') {
        setting.severity = this.severity(value, `rules.${k}`);
      } else if (value.type === 'object') {
        const r = this.object(value, `rules.${k}`, ['severity', 'options']);
        if (r.severity) setting.severity = this.severity(r.severity.value, `rules.${k}.severity`);
        if (r.options) setting.options = this.ruleOptions(r.options.value, k, rule);
      } else {
        throw this.error(value, `rules.${k} must be a severity (${SEVERITIES.join(', ')}) or {"severity": …, "options": {…}}, got ${this.typeName(value)}`);
      }
      out[code] = setting;
    }
    return out;
  }

  private rule(key: Node, k: string): RuleCatalogEntry {
    const target = this.redirects[k] ?? k;
    const r = this.catalog.find((x) => x.meta.code === target || x.meta.name === target);
    if (r) return r;
    const known = this.catalog.map((x) => `${x.meta.code} ${x.meta.name}`);
    const hint = suggest(k, this.catalog.flatMap((x) => [x.meta.code, x.meta.name]));
    throw this.error(key, `unknown rule '${k}'${hint ? ` (did you mean '${hint}'?)` : ''}; known rules: ${known.join(', ') || 'none'}`);
  }

  private ruleOptions(node: Node, k: string, rule: RuleCatalogEntry): Record<string, unknown> {
    const defaults = rule.defaultOptions;
    const o = this.object(node, `rules.${k}.options`, Object.keys(defaults));
    const out: Record<string, unknown> = {};
    for (const [name, { value }] of Object.entries(o)) {
      const d = defaults[name];
      const v = this.plainValue(value);
      const ok = Array.isArray(d) ? Array.isArray(v) && v.every((x) => typeof x === 'string') : typeof v === typeof d;
      if (!ok) {
        throw this.error(value, `rules.${k}.options.${name} must be ${Array.isArray(d) ? 'a list of strings' : `a ${typeof d}`} (the rule's default is ${JSON.stringify(d)})`);
      }
      out[name] = v;
    }
    return out;
  }

  private ignores(node: Node): IgnoreEntry[] {
    if (node.type !== 'array') throw this.error(node, `'ignores' must be a list, got ${this.typeName(node)}`);
    return (node.children ?? []).map((item, i) => {
      const where = `ignores[${i}]`;
      const o = this.object(item, where, ['code', 'path', 'module', 'symbol', 'reason']);
      if (!o.code) throw this.error(item, `${where} needs a 'code' (the rule's code or name)`);
      if (!o.reason) throw this.error(item, `${where} needs a 'reason': say why this finding is accepted`);
      const code = this.rule(o.code.value, this.string(o.code.value, `${where}.code`)).meta.code;
      const reason = this.string(o.reason.value, `${where}.reason`).trim();
      if (reason === '') throw this.error(o.reason.value, `${where}.reason is empty: say why this finding is accepted`);
      const e: IgnoreEntry = { code, reason, span: this.span(item.offset) };
      for (const sel of ['path', 'module', 'symbol'] as const) {
        const n = o[sel];
        if (!n) continue;
        const glob = this.string(n.value, `${where}.${sel}`);
        if (glob === '') throw this.error(n.value, `${where}.${sel} is empty`);
        try {
          picomatch(glob);
        } catch (err) {
          throw this.error(n.value, `${where}.${sel} is not a valid glob: ${(err as Error).message}`);
        }
        e[sel] = glob;
      }
      if (e.path === undefined && e.module === undefined && e.symbol === undefined) {
        throw this.error(item, `${where} ignores every ${code} finding: give a 'path', 'module' or 'symbol', or set "rules": {"${code}": "off"}`);
      }
      return e;
    });
  }

  // ---- helpers --------------------------------------------------------------------------------------------------

  /**
   * The properties of an object node, by key. `known` lists the accepted keys (null: any); an unknown key is an
   * error naming it (with a suggestion). Duplicate keys are errors.
   */
  private object(node: Node, what: string, known: readonly string[] | null): Record<string, { key: Node; value: Node }> {
    if (node.type !== 'object') throw this.error(node, `${what} must be an object, got ${this.typeName(node)}`);
    const out: Record<string, { key: Node; value: Node }> = Object.create(null) as Record<string, { key: Node; value: Node }>;
    for (const prop of node.children ?? []) {
      const [key, value] = prop.children ?? [];
      if (!key || !value) continue;
      const k = key.value as string;
      if (known && !known.includes(k)) {
        const hint = suggest(k, known);
        throw this.error(key, `unknown key '${k}' in ${what}${hint ? ` (did you mean '${hint}'?)` : ''}; known keys: ${known.join(', ') || 'none'}`);
      }
      if (k in out) throw this.error(key, `duplicate key '${k}' in ${what}`);
      out[k] = { key, value };
    }
    return out;
  }

  private string(node: Node, what: string): string {
    if (node.type !== 'string') throw this.error(node, `${what} must be a string, got ${this.typeName(node)}`);
    return node.value as string;
  }

  /** A Kconfig value as written in .config: y/m/n or a literal; JSON numbers are taken as their decimal text. */
  private configValue(node: Node, what: string): string {
    if (node.type === 'string') {
      const v = node.value as string;
      if (v === '') throw this.error(node, `${what} is empty`);
      return v;
    }
    if (node.type === 'number' && Number.isInteger(node.value)) return String(node.value);
    throw this.error(node, `${what} must be a value as in .config ("y", "m", "n" or a literal), got ${this.typeName(node)}`);
  }

  private symbol(key: Node, k: string, what: string): string {
    const m = /^(?:CONFIG_)?([A-Za-z0-9_]+)$/.exec(k);
    if (!m) throw this.error(key, `${what}: '${k}' is not a Kconfig symbol name`);
    return m[1]!;
  }

  private severity(node: Node, what: string): SeveritySetting {
    const v = this.string(node, what);
    if (!(SEVERITIES as readonly string[]).includes(v)) {
      throw this.error(node, `${what} must be one of ${SEVERITIES.join(', ')}, got '${v}'`);
    }
    return v as SeveritySetting;
  }

  private plainValue(node: Node): unknown {
    switch (node.type) {
      case 'array':
        return (node.children ?? []).map((c) => this.plainValue(c));
      case 'object': {
        const o: Record<string, unknown> = {};
        for (const p of node.children ?? []) o[p.children![0]!.value as string] = this.plainValue(p.children![1]!);
        return o;
      }
      default:
        return node.value as unknown;
    }
  }

  private typeName(node: Node): string {
    return node.type === 'array' ? 'a list' : node.type === 'object' ? 'an object' : node.type === 'null' ? 'null' : `a ${node.type}`;
  }

  span(offset: number): Span {
    let lo = 0;
    let hi = this.lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.lineStarts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { file: this.file, line: lo + 1, col: offset - this.lineStarts[lo]! + 1 };
  }

  /** An InputError at the node's place (span: file, line, column); the CLI prints it as `file:line: message`. */
  private error(node: Node, message: string): InputError {
    return new InputError(message, this.span(node.offset));
  }
}

function describeParseError(code: string): string {
  // jsonc-parser's names (InvalidSymbol, CommaExpected, …) made readable
  return code.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
}

/** The closest known word within a small edit distance, for "did you mean". */
export function suggest(word: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  for (const k of known) {
    const d = editDistance(word.toLowerCase(), k.toLowerCase());
    if (d < bestD) {
      bestD = d;
      best = k;
    }
  }
  return best !== undefined && bestD <= Math.max(1, Math.floor(word.length / 3)) ? best : undefined;
}

function editDistance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0]!;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = prev[j]!;
      prev[j] = Math.min(prev[j]! + 1, prev[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = tmp;
    }
  }
  return prev[b.length]!;
}
