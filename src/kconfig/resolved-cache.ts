import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as v8 from 'node:v8';
import { fileURLToPath } from 'node:url';
import { codeHashUnder } from '../core/code-hash.js';
import type { ConfigRef, Diagnostic, SymbolValue } from '../core/types.js';
import type { ConfMode } from './conf.js';

/**
 * Resolved configurations kept between runs: conf's result (values, .config, autoconf.h, its warnings) for one
 * model identity (every Kconfig file's content, arch, toolchain profile, environment: cache.ts modelIdentity), one
 * mode with the text of its input (the defconfig or .config read, the randconfig seed) and the overrides, computed
 * by this version of the Kconfig code. Resolving multi_v7_defconfig costs ~0.2 s, a pre-commit run's largest
 * Kconfig cost once the model itself comes from the cache. What needs conf's internal state (explain, why an
 * override did not take) computes it again when asked.
 */

const FORMAT = 1;
/** entries kept per cache directory (least recently used go first) */
const KEEP = 64;

export interface StoredResolution {
  values: [string, SymbolValue][];
  ref: ConfigRef;
  diagnostics: Diagnostic[];
  dotconfig: string;
  autoconf: string;
  baseDotconfig: string;
  userSource: [string, string][];
}

let codeHash: string | undefined;

/** this directory's code (the evaluator, conf, the writers): a result computed by other code is never taken */
function kconfigCodeHash(): string {
  return (codeHash ??= codeHashUnder(path.dirname(fileURLToPath(import.meta.url)), `resolved ${FORMAT}`));
}

export class ResolvedCache {
  private readonly file: string;

  constructor(dir: string, identity: string, mode: ConfMode, overrides: Record<string, string>) {
    const key = createHash('sha1').update(JSON.stringify([kconfigCodeHash(), identity, mode, overrides])).digest('hex');
    this.file = path.join(dir, 'resolved', `${key}.v8`);
  }

  get(): StoredResolution | undefined {
    try {
      const s = v8.deserialize(fs.readFileSync(this.file)) as StoredResolution;
      const now = new Date();
      fs.utimesSync(this.file, now, now);
      return s;
    } catch {
      return undefined;
    }
  }

  put(s: StoredResolution): void {
    try {
      const dir = path.dirname(this.file);
      fs.mkdirSync(dir, { recursive: true });
      const tmp = `${this.file}.${process.pid}.tmp`;
      fs.writeFileSync(tmp, v8.serialize(s));
      fs.renameSync(tmp, this.file);
      const entries = fs.readdirSync(dir).filter((f) => f.endsWith('.v8'));
      if (entries.length > KEEP) {
        const aged = entries.map((f) => ({ f, t: fs.statSync(path.join(dir, f)).mtimeMs })).sort((a, b) => b.t - a.t);
        for (const { f } of aged.slice(KEEP)) fs.rmSync(path.join(dir, f), { force: true });
      }
    } catch {
      /* a cache that cannot be written is only slower */
    }
  }
}
