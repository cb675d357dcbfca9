import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, test } from 'vitest';
import { InputError } from '../../src/core/errors.js';
import { loadToolchain, parseSettings } from '../../src/settings/index.js';
import { bundledProfiles, formatProfile } from '../../src/toolchain/profile.js';
import { KernelTree } from '../../src/tree/tree.js';

const PROFILE = formatProfile({ format: 1, name: 'test-gcc', kind: 'gcc', version: '12.2.0', target: 'arm-linux-gnueabihf', env: { CC: 'gcc' } });

describe('the toolchain setting', () => {
  test('none: undefined (the architecture default applies)', () => {
    expect(loadToolchain(parseSettings('{}', 'f'), KernelTree.fromFiles({}))).toBeUndefined();
  });

  test('a profile file in the tree is read through the tree', () => {
    const tree = KernelTree.fromFiles({ 'tools/kvlint/arm.json': PROFILE, '.kvlint.json': '{"toolchain": "tools/kvlint/arm.json"}' });
    const s = parseSettings(tree.readText('.kvlint.json'), '.kvlint.json');
    expect(loadToolchain(s, tree)!.name).toBe('test-gcc');
    const missing = parseSettings('{"toolchain": "nope.json"}', '.kvlint.json');
    expect(() => loadToolchain(missing, tree)).toThrow('toolchain profile nope.json not found in the tree');
    const bad = KernelTree.fromFiles({ 'p.json': '{"format": 2}' });
    expect(() => loadToolchain(parseSettings('{"toolchain": "p.json"}', 'f'), bad)).toThrow(/toolchain profile p\.json: expected/);
  });

  test('a profile file outside the tree (absolute or ../) is read from disk; errors carry the setting span', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kvlint-tc-'));
    try {
      fs.mkdirSync(path.join(dir, 'tree'));
      fs.writeFileSync(path.join(dir, 'arm.json'), PROFILE);
      const tree = new KernelTree(path.join(dir, 'tree'));
      expect(loadToolchain(parseSettings(JSON.stringify({ toolchain: path.join(dir, 'arm.json') }), 'f'), tree)!.name).toBe('test-gcc');
      expect(loadToolchain(parseSettings('{"toolchain": "../arm.json"}', 'f'), tree)!.name).toBe('test-gcc');
      try {
        loadToolchain(parseSettings('{\n "toolchain": "../gone.json"}', '.kvlint.json'), tree);
        throw new Error('accepted');
      } catch (e) {
        expect(e).toBeInstanceOf(InputError);
        expect((e as InputError).oneLine()).toMatch(/^\.kvlint\.json:2: toolchain profile not found: .*gone\.json$/);
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a bundled profile by name', () => {
    const s = parseSettings('{"toolchain": "no-such-gcc-1"}', '.kvlint.json');
    expect(() => loadToolchain(s, KernelTree.fromFiles({}))).toThrow(/toolchain 'no-such-gcc-1' is not a bundled profile \(bundled: /);
    for (const p of bundledProfiles()) {
      expect(loadToolchain(parseSettings(JSON.stringify({ toolchain: p.name }), 'f'), KernelTree.fromFiles({}))).toEqual(p);
    }
  });
});
