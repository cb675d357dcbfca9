#!/usr/bin/env node
// kvlint entry point: the only place that sets the process exit code.
import { main } from '../dist/src/cli/main.js';

process.exitCode = await main(process.argv.slice(2));
