import { test } from 'vitest';
import { main } from '../../src/cli/main.js';
test('cli', async () => {
  const out: string[] = []; const err: string[] = [];
  const io = { stdout: (s: string) => out.push(s), stderr: (s: string) => err.push(s), isTTY: false, stderrTTY: false, cwd: process.cwd(), env: {} };
  const args = (process.env.ARGS ?? '').split(' ').filter(Boolean);
  const code = await main(args, io);
  console.log(out.join('') + '\n---stderr---\n' + err.join('') + '\ncode ' + code);
});
