import type { KvCommand } from '../context.js';
import { checkCommand } from './check.js';
import { configCommand } from './config.js';
import { factsCommand } from './facts.js';
import { hookCommand } from './hook.js';
import { modelCommand } from './model.js';

/**
 * Explicit registry of kvlint's commands (one file each in this folder). Adding a command: write
 * `commands/<name>.ts` exporting a KvCommand and add it here.
 */
export const commands: KvCommand[] = [
  checkCommand,
  configCommand,
  factsCommand,
  hookCommand,
  modelCommand,
];
