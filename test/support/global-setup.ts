import * as fs from 'node:fs';

/** Remove this run's unit cache directory (vitest.config.ts sets KVLINT_CACHE_DIR) when the run ends. */
export default function setup(): () => void {
  return () => {
    const dir = process.env.KVLINT_CACHE_DIR;
    if (dir && dir.includes('kvlint-test-cache-')) fs.rmSync(dir, { recursive: true, force: true });
  };
}
