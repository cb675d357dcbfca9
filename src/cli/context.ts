import type { CommandModule } from 'yargs';

/** Where a command writes. Tests pass buffers; bin/kvlint.js passes the process streams. */
export interface CliIO {
  stdout(s: string): void;
  stderr(s: string): void;
  /** stdout is a terminal (colour and progress default on) */
  isTTY: boolean;
  /** stderr is a terminal (progress bars) */
  stderrTTY: boolean;
  cwd: string;
  env: Record<string, string | undefined>;
}

export interface CommandContext {
  io: CliIO;
  /** set by the command: 0 ok, 1 findings at error severity, 2 usage/input/internal error */
  exitCode: number;
}

/** A command is a factory of a yargs command module bound to the run's context. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type KvCommand = (ctx: CommandContext) => CommandModule<any, any>;

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}
