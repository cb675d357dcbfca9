#!/usr/bin/env node
// kvlint entry point: the only place that sets the process exit code.
import { main } from '../dist/src/cli/main.js';

// a reader that stops early (`kvlint cpp … | head`) is not an error: the rest of the output has nowhere to go
for (const s of [process.stdout, process.stderr]) {
  s.on('error', (e) => {
    if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw e;
  });
}

process.exitCode = await main(process.argv.slice(2));
