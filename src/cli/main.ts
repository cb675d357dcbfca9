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
 * yargs renders the whole help text of the command it is about to run, every time, to have it ready should the
 * command fail: ~50 ms of a 2 s pre-commit run for `check`'s flags. kvlint never shows help once a command runs
 * (failures print one line), so that rendering is dropped; `--help` and usage errors are unaffected. Through
 * yargs' internal methods, hence the guards: another yargs version only costs the time again.
 */
function skipHelpCache(parser: object): void {
  type Internal = { getInternalMethods?: () => { getUsageInstance?: () => { cacheHelpMessage?: () => void } } };
  const usage = (parser as Internal).getInternalMethods?.().getUsageInstance?.();
  if (usage && typeof usage.cacheHelpMessage === 'function') usage.cacheHelpMessage = () => {};
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
  skipHelpCache(parser);
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
