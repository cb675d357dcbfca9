import { describe, expect, test } from 'vitest';
import { InputError } from '../../src/core/errors.js';
import { buildMatrix } from '../../src/engine/matrix.js';
import { type MatrixSettings, type Settings, defaultSettings, loadSettings, parseSettings } from '../../src/settings/index.js';
import { KernelTree, bundledTreePath } from '../../src/tree/tree.js';
import type { MatrixDefaults } from '../../src/engine/matrix.js';

/** Parse, expecting an InputError; returns "line:col: message". */
function fails(text: string): string {
  try {
    parseSettings(text, '.kvlint.json');
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    const err = e as InputError;
    expect(err.span?.file).toBe('.kvlint.json');
    return `${err.span!.line}:${err.span!.col}: ${err.message}`;
  }
  throw new Error(`accepted: ${text}`);
}

describe('.kvlint.json', () => {
  test('the bundled tree has one: ARM, multi_v7_defconfig, SMP=y,n', () => {
    const s = loadSettings(new KernelTree(bundledTreePath()));
    expect(s.file).toBe('.kvlint.json');
    expect(s.matrix).toEqual({ arch: 'arm', base: { kind: 'defconfig', name: 'multi_v7_defconfig' }, axes: [{ symbol: 'SMP', values: ['y', 'n'] }] });
    // the engine expands it into the two configurations of the founding case
    const m = buildMatrix({ overrides: {}, axes: [] }, s.matrix);
    expect(m.map((e) => e.ref.id)).toEqual(['arm:multi_v7_defconfig+SMP=y', 'arm:multi_v7_defconfig+SMP=n']);
    expect(new KernelTree(bundledTreePath()).isFile('arch/arm/configs/multi_v7_defconfig')).toBe(true);
  });

  test('a tree without one gets the defaults', () => {
    const tree = KernelTree.fromFiles({ Kconfig: '' });
    expect(loadSettings(tree)).toEqual(defaultSettings());
    expect(defaultSettings()).toEqual({ file: null, matrix: {}, rules: {}, ignores: [], toolchain: null });
  });

  test('MatrixSettings is what the engine takes', () => {
    const m: MatrixSettings = {};
    const d: MatrixDefaults = m; // compile-time: assignable
    expect(d).toBe(m);
  });

  test('everything it can hold', () => {
    const s: Settings = parseSettings(
      `{
        "$schema": "https://example.invalid/kvlint.schema.json",
        // comments are allowed, as in tsconfig.json
        "matrix": {
          "arch": "arm",
          "base": { "from": "configs/ci.config" },
          "overrides": { "CONFIG_ZSMALLOC": "m", "NR_CPUS": 4 },
          "axes": ["SMP", "SMP_ON_UP=y,n"]
        },
        "rules": {
          "X001": "warning",
          "module-uses-unexported-symbol2": "off"
        },
        "ignores": [
          { "code": "module-uses-unexported-symbol", "module": "zsmalloc.ko", "symbol": "v7wbi_*", "reason": "fixed upstream in 3.9" },
          { "code": "X001", "path": "drivers/staging/**", "reason": "staging" }
        ],
        "toolchain": "../profiles/arm-gcc12.json"
      }`,
      '.kvlint.json',
      {
        rules: [
          { meta: { code: 'X001', name: 'module-uses-unexported-symbol' }, defaultOptions: { includeWeak: false } },
          { meta: { code: 'X002', name: 'module-uses-unexported-symbol2' }, defaultOptions: {} },
        ],
      },
    );
    expect(s.matrix).toEqual({
      arch: 'arm',
      base: { kind: 'file', path: 'configs/ci.config' },
      overrides: { ZSMALLOC: 'm', NR_CPUS: '4' },
      axes: [
        { symbol: 'SMP', values: ['y', 'n'] },
        { symbol: 'SMP_ON_UP', values: ['y', 'n'] },
      ],
    });
    expect(s.rules.X001).toMatchObject({ severity: 'warning', options: {}, span: { line: 11, col: 11 } });
    expect(s.rules.X002!.severity).toBe('off');
    expect(s.ignores).toEqual([
      { code: 'X001', module: 'zsmalloc.ko', symbol: 'v7wbi_*', reason: 'fixed upstream in 3.9', span: { file: '.kvlint.json', line: 15, col: 11 } },
      { code: 'X001', path: 'drivers/staging/**', reason: 'staging', span: { file: '.kvlint.json', line: 16, col: 11 } },
    ]);
    expect(s.toolchain).toEqual({ kind: 'file', ref: '../profiles/arm-gcc12.json', span: { file: '.kvlint.json', line: 18, col: 22 } });
    expect(parseSettings('{"toolchain": "arm-linux-gnueabihf-gcc-12"}', 'f').toolchain).toMatchObject({ kind: 'bundled', ref: 'arm-linux-gnueabihf-gcc-12' });
    expect(parseSettings('{"toolchain": "mine.json"}', 'f').toolchain).toMatchObject({ kind: 'file', ref: 'mine.json' });
  });

  test('base forms', () => {
    const base = (b: string) => parseSettings(`{"matrix": {"base": ${b}}}`, 'f').matrix.base;
    expect(base('"allmodconfig"')).toEqual({ kind: 'allmodconfig' });
    expect(base('"alldefconfig"')).toEqual({ kind: 'alldefconfig' });
    expect(base('"multi_v7_defconfig"')).toEqual({ kind: 'defconfig', name: 'multi_v7_defconfig' });
    expect(base('{"defconfig": "imx_v6_v7_defconfig"}')).toEqual({ kind: 'defconfig', name: 'imx_v6_v7_defconfig' });
    expect(base('{"from": "/tmp/.config"}')).toEqual({ kind: 'file', path: '/tmp/.config' });
  });

  test('rules with options are checked against the rule (the real registry by default)', () => {
    const s = parseSettings('{"rules": {"module-uses-unexported-symbol": {"severity": "error", "options": {"includeWeak": true}}}}', 'f');
    expect(s.rules.X001).toMatchObject({ severity: 'error', options: { includeWeak: true } });
    expect(fails('{"rules": {"X001": {"options": {"includeWeek": true}}}}')).toBe(
      "1:33: unknown key 'includeWeek' in rules.X001.options (did you mean 'includeWeak'?); known keys: includeWeak",
    );
    expect(fails('{"rules": {"X001": {"options": {"includeWeak": "yes"}}}}')).toBe(
      '1:48: rules.X001.options.includeWeak must be a boolean (the rule\'s default is false)',
    );
    expect(fails('{"rules": {"X999": "off"}}')).toMatch(/^1:12: unknown rule 'X999'; known rules: X001 module-uses-unexported-symbol/);
    expect(fails('{"rules": {"X01": "off"}}')).toMatch(/^1:12: unknown rule 'X01' \(did you mean 'X001'\?\)/);
    expect(fails('{"rules": {"X001": "warn"}}')).toBe("1:20: rules.X001 must be one of error, warning, info, off, got 'warn'");
    expect(fails('{"rules": {"X001": "off", "module-uses-unexported-symbol": "error"}}')).toBe(
      '1:27: rules: module-uses-unexported-symbol names rule X001 (module-uses-unexported-symbol) a second time',
    );
    expect(fails('{"rules": {"X001": true}}')).toMatch(/^1:20: rules\.X001 must be a severity/);
  });

  test('renamed rules are found through the redirects', () => {
    const s = parseSettings('{"rules": {"old-name": "off"}}', 'f', {
      rules: [{ meta: { code: 'X001', name: 'new-name' }, defaultOptions: {} }],
      redirects: { 'old-name': 'X001' },
    });
    expect(s.rules.X001!.severity).toBe('off');
  });

  test('unknown keys are named, with the file, line and column, and a suggestion', () => {
    expect(fails('{\n  "matrx": {}\n}')).toBe("2:3: unknown key 'matrx' in the settings (did you mean 'matrix'?); known keys: $schema, matrix, rules, ignores, toolchain");
    expect(fails('{"matrix": {"arch": "arm", "axis": {}}}')).toBe(
      "1:28: unknown key 'axis' in 'matrix' (did you mean 'axes'?); known keys: arch, base, overrides, axes",
    );
    expect(fails('{"ignores": [{"code": "X001", "reason": "r", "file": "a.c"}]}')).toBe(
      "1:46: unknown key 'file' in ignores[0]; known keys: code, path, module, symbol, reason",
    );
    expect(fails('{"wholly": 1}')).toBe("1:2: unknown key 'wholly' in the settings; known keys: $schema, matrix, rules, ignores, toolchain");
  });

  test('ignores need a code, a reason and a selector', () => {
    expect(fails('{"ignores": [{"code": "X001", "path": "a.c"}]}')).toBe("1:14: ignores[0] needs a 'reason': say why this finding is accepted");
    expect(fails('{"ignores": [{"code": "X001", "path": "a.c", "reason": "  "}]}')).toBe('1:56: ignores[0].reason is empty: say why this finding is accepted');
    expect(fails('{"ignores": [{"path": "a.c", "reason": "r"}]}')).toBe("1:14: ignores[0] needs a 'code' (the rule's code or name)");
    expect(fails('{"ignores": [{"code": "X001", "reason": "r"}]}')).toBe(
      '1:14: ignores[0] ignores every X001 finding: give a \'path\', \'module\' or \'symbol\', or set "rules": {"X001": "off"}',
    );
    expect(fails('{"ignores": [{"code": "X777", "symbol": "s", "reason": "r"}]}')).toMatch(/^1:23: unknown rule 'X777'/);
    expect(fails('{"ignores": {"code": "X001"}}')).toBe("1:13: 'ignores' must be a list, got an object");
  });

  test('bad JSON, bad types and bad values say where', () => {
    expect(fails('{"matrix": {"arch": "arm",}}')).toBe('1:27: .kvlint.json is not valid JSON: property name expected');
    expect(fails('{"matrix": {"arch": "arm"}')).toMatch(/^1:27: \.kvlint\.json is not valid JSON: /);
    expect(fails('')).toMatch(/^1:1: \.kvlint\.json is not valid JSON/);
    expect(fails('[]')).toBe('1:1: the settings must be an object, got a list');
    expect(fails('{"matrix": {"arch": "ARM!"}}')).toBe("1:21: matrix.arch must be a kernel SRCARCH name (arm, arm64, x86, …), got 'ARM!'");
    expect(fails('{"matrix": {"arch": 5}}')).toBe('1:21: matrix.arch must be a string, got a number');
    expect(fails('{"matrix": {"overrides": {"SMP": true}}}')).toBe(
      '1:34: matrix.overrides.SMP must be a value as in .config ("y", "m", "n" or a literal), got a boolean',
    );
    expect(fails('{"matrix": {"overrides": {"NOT A SYMBOL": "y"}}}')).toBe("1:27: matrix.overrides: 'NOT A SYMBOL' is not a Kconfig symbol name");
    expect(fails('{"matrix": {"axes": {"SMP": []}}}')).toBe('1:29: matrix.axes.SMP has no values');
    expect(fails('{"matrix": {"axes": {"SMP": "y"}}}')).toMatch(/^1:29: matrix\.axes\.SMP must be a list of values/);
    expect(fails('{"matrix": {"axes": ["SMP", "CONFIG_SMP=y"]}}')).toBe('1:29: matrix.axes names SMP twice');
    expect(fails('{"matrix": {"axes": ["=y"]}}')).toBe("1:22: matrix.axes[0]: --axis expects SYM or SYM=v1,v2, got '=y'");
    expect(fails('{"matrix": {"base": "a b"}}')).toMatch(/^1:21: matrix\.base 'a b' is neither/);
    expect(fails('{"matrix": {"base": {"defconfig": "a", "from": "b"}}}')).toBe("1:21: matrix.base must have exactly one of 'defconfig' or 'from'");
    expect(fails('{"matrix": {}, "matrix": {}}')).toBe("1:16: duplicate key 'matrix' in the settings");
    expect(fails('{"toolchain": ""}')).toBe("1:15: 'toolchain' must name a toolchain profile (a file, or a bundled profile's name)");
  });

  test('a bad file in a tree is reported by loadSettings with its span', () => {
    const tree = KernelTree.fromFiles({ '.kvlint.json': '{\n  "matrix": {\n    "arch": "arm",\n    "bse": "x"\n  }\n}\n' });
    expect(() => loadSettings(tree)).toThrow(InputError);
    try {
      loadSettings(tree);
    } catch (e) {
      expect((e as InputError).oneLine()).toBe(".kvlint.json:4: unknown key 'bse' in 'matrix' (did you mean 'base'?); known keys: arch, base, overrides, axes");
      expect((e as InputError).span).toEqual({ file: '.kvlint.json', line: 4, col: 5 });
    }
  });
});
