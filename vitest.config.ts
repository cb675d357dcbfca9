import * as os from 'node:os';
import * as path from 'node:path';
import { defineConfig } from 'vitest/config';

const cacheDir = path.join(os.tmpdir(), `kvlint-test-cache-${process.pid}`);
process.env.KVLINT_CACHE_DIR ??= cacheDir;

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 600_000,
    pool: 'forks',
    globalSetup: ['test/support/global-setup.ts'],
    // kvlint's unit cache goes to a directory of this test run, never the user's cache
    env: { KVLINT_CACHE_DIR: cacheDir },
  },
});
