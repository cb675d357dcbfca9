import type { KvCommand } from '../context.js';
import { checkCommand } from './check.js';
import { configCommand } from './config.js';
import { cppCommand } from './cpp.js';
import { explainCommand } from './explain.js';
import { factsCommand } from './facts.js';
import { hookCommand } from './hook.js';
import { modelCommand } from './model.js';
import { rulesCommand } from './rules.js';

/**
 * Explicit registry of kvlint's commands (one file each in this folder). Adding a command: write
 * `commands/<name>.ts` exporting a KvCommand and add it here.
 */
export const commands: KvCommand[] = [
  checkCommand,
  configCommand,
  cppCommand,
  explainCommand,
  factsCommand,
  hookCommand,
  modelCommand,
  rulesCommand,
];
