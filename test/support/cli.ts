import type { CliIO } from '../../src/cli/context.js';
import { main } from '../../src/cli/main.js';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Run kvlint in-process with captured output (no TTY, no colour). */
export async function runCli(args: string[], opts: { cwd?: string; env?: Record<string, string> } = {}): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const io: CliIO = {
    stdout: (s) => void (stdout += s),
    stderr: (s) => void (stderr += s),
    isTTY: false,
    stderrTTY: false,
    cwd: opts.cwd ?? process.cwd(),
    env: { ...opts.env },
  };
  const code = await main(args, io);
  return { code, stdout, stderr };
}
