import yargs from 'yargs';
import { InputError } from '../core/errors.js';
import { commands } from './commands/index.js';
import { type CliIO, type CommandContext, UsageError } from './context.js';

export function processIO(): CliIO {
  return {
    stdout: (s) => void process.stdout.write(s),
    stderr: (s) => void process.stderr.write(s),
    isTTY: Boolean(process.stdout.isTTY),
    stderrTTY: Boolean(process.stderr.isTTY),
    cwd: process.cwd(),
    env: process.env,
  };
}

/**
 * Run kvlint with the given arguments; returns the exit code (CLI.md): 0 no errors, 1 errors found, 2 usage error,
 * bad input or internal failure (with a one-line reason on stderr). Never calls process.exit.
 */
export async function main(args: string[], io: CliIO = processIO()): Promise<number> {
  const ctx: CommandContext = { io, exitCode: 0 };
  let parser = yargs(args)
    .scriptName('kvlint')
    .usage('$0 <command> [tree] [options]')
    .strict()
    .exitProcess(false)
    .showHelpOnFail(false)
    .wrap(Math.min(120, process.stdout.columns || 100))
    .fail((msg, err) => {
      throw err ?? new UsageError(msg);
    })
    .demandCommand(1, 'a command is required (try kvlint --help)')
    .recommendCommands()
    .help()
    .version();
  for (const make of commands) parser = parser.command(make(ctx));
  try {
    await parser.parseAsync();
    return ctx.exitCode;
  } catch (e) {
    if (e instanceof UsageError) {
      io.stderr(`kvlint: ${e.message}\n`);
      return 2;
    }
    if (e instanceof InputError) {
      io.stderr(`kvlint: ${e.oneLine()}\n`);
      return 2;
    }
    const err = e as Error;
    // yargs validation errors (unknown flags, bad choices) are usage errors
    if (err && err.name === 'YError') {
      io.stderr(`kvlint: ${err.message}\n`);
      return 2;
    }
    io.stderr(`kvlint: internal error: ${err?.stack ?? String(e)}\n`);
    return 2;
  }
}
