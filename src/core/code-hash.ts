import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * Hashes of kvlint's own code, for the caches whose entries that code computes: an entry made by other code is
 * never taken. They work from the TypeScript sources (tests, tsx) and from the compiled build alike.
 */

/** .js/.ts files under `dir`, in a fixed order (missing directory: none). */
export function sourceFilesUnder(dir: string): string[] {
  const files: string[] = [];
  const walk = (p: string): void => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(p, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries.sort((a, b) => a.name.localeCompare(b.name))) {
      const f = path.join(p, e.name);
      if (e.isDirectory()) walk(f);
      else if (/\.(js|ts)$/.test(e.name)) files.push(f);
    }
  };
  walk(dir);
  return files;
}

/** 16 hex digits over the names (relative to `dir`) and contents of the code files under `dir`. */
export function codeHashUnder(dir: string, salt = ''): string {
  const h = createHash('sha1').update(salt);
  for (const f of sourceFilesUnder(dir)) h.update(path.relative(dir, f) + '\0').update(fs.readFileSync(f));
  return h.digest('hex').slice(0, 16);
}
