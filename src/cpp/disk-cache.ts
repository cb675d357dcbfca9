import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { InputError } from '../core/errors.js';
import type { Footprint } from '../core/tokens.js';

/**
 * Results of translation units persisted on disk, outside the checked tree, so that a pre-commit run costs only the
 * changed files and the units that include them. An entry is found by a unit key (object, compile command, kvlint
 * version) and is valid for a configuration when
 *   - every file the preprocessing read still has the content hash it had, and
 *   - every name of the footprint (CONFIG_* and other -D / predefined macros the unit consulted) has the value it had.
 * Several variants (configurations that disagree on the footprint) live under one key.
 *
 * Layout: <dir>/v<version>/<2 hex>/<sha1 of the unit key>.json = [{ footprint, files, value }, …]. Writes go to a
 * temporary file renamed into place, so concurrent runs never read half an entry.
 */

export const DISK_CACHE_VERSION = 1;

export interface DiskEntry<T> {
  footprint: [string, string | null][];
  /** [path, sha1] of every file read (tree-relative, or absolute for extra roots) */
  files: [string, string][];
  value: T;
}

export function defaultCacheDir(env: Record<string, string | undefined> = process.env): string {
  return path.join(env.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache'), 'kvlint', 'units');
}

export class UnitDiskCache<T> {
  readonly root: string;
  stats = { hits: 0, misses: 0, stores: 0 };

  /** `treeRoot`: the checked tree, which the cache must never be inside */
  constructor(dir: string, treeRoot?: string, readonly maxVariants = 8) {
    this.root = path.join(path.resolve(dir), `v${DISK_CACHE_VERSION}`);
    if (treeRoot) {
      const t = path.resolve(treeRoot) + path.sep;
      if ((this.root + path.sep).startsWith(t)) throw new InputError(`cache directory ${dir} is inside the checked tree ${treeRoot}; kvlint never writes there`);
    }
  }

  private file(unitKey: string): string {
    const h = createHash('sha1').update(unitKey).digest('hex');
    return path.join(this.root, h.slice(0, 2), h + '.json');
  }

  private read(unitKey: string): DiskEntry<T>[] {
    try {
      const v = JSON.parse(fs.readFileSync(this.file(unitKey), 'utf8')) as { key: string; entries: DiskEntry<T>[] };
      return v.key === unitKey && Array.isArray(v.entries) ? v.entries : [];
    } catch {
      return [];
    }
  }

  /** a stored value whose files and footprint agree with now, or undefined */
  lookup(unitKey: string, env: (name: string) => string | null, fileHash: (p: string) => string): T | undefined {
    for (const e of this.read(unitKey)) {
      if (e.files.every(([p, h]) => fileHash(p) === h) && e.footprint.every(([n, v]) => env(n) === v)) {
        this.stats.hits++;
        return e.value;
      }
    }
    this.stats.misses++;
    return undefined;
  }

  store(unitKey: string, footprint: Footprint, files: string[], value: T, fileHash: (p: string) => string): void {
    const entry: DiskEntry<T> = { footprint: [...footprint], files: files.map((p) => [p, fileHash(p)]), value };
    const fp = JSON.stringify(entry.footprint);
    const entries = this.read(unitKey).filter((e) => JSON.stringify(e.footprint) !== fp);
    entries.push(entry);
    while (entries.length > this.maxVariants) entries.shift();
    const f = this.file(unitKey);
    fs.mkdirSync(path.dirname(f), { recursive: true });
    const tmp = `${f}.${process.pid}.${Date.now()}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify({ key: unitKey, entries }));
    fs.renameSync(tmp, f);
    this.stats.stores++;
  }
}

/** content hash of a file for the cache: tree files through the tree (overlays included), others from disk */
export function fileHasher(treeHash: (rel: string) => string): (p: string) => string {
  const memo = new Map<string, string>();
  return (p) => {
    let h = memo.get(p);
    if (h === undefined) {
      if (path.isAbsolute(p)) {
        try {
          h = createHash('sha1').update(fs.readFileSync(p)).digest('hex');
        } catch {
          h = '-';
        }
      } else h = treeHash(p);
      memo.set(p, h);
    }
    return h;
  };
}
