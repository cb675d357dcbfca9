import type { KconfigModel } from '../kconfig/index.js';
import type { ToolchainProfile } from '../toolchain/profile.js';
import { KernelTree } from '../tree/tree.js';
import { defaultStages } from './default-stages.js';
import type { Stages } from './stages.js';
import { type UnitOutput, type WorkerTask, analyseUnit } from './unit-runner.js';

/**
 * Worker entry (tinypool): analyse a batch of units. The stages, and with them the header token cache, live as long
 * as the worker and are rebuilt only when the tree or its overlay changes.
 */
let current: { id: string; tree: KernelTree; stages: Stages<KconfigModel> } | undefined;

export default function run(task: WorkerTask): UnitOutput[] {
  const id = `${task.tree.root}\0${task.tree.overlayId}\0${task.tree.objtree ?? ''}`;
  if (!current || current.id !== id) {
    const base = new KernelTree(task.tree.root);
    const tree = task.tree.overlay.length > 0 ? base.withOverlay(new Map(task.tree.overlay)) : base;
    const opts: Parameters<typeof defaultStages>[1] = {};
    if (task.tree.objtree) opts.objtree = task.tree.objtree;
    if (task.tree.profile) opts.profile = task.tree.profile as ToolchainProfile;
    current = { id, tree, stages: defaultStages(tree, opts) };
  }
  const { tree, stages } = current;
  return task.jobs.map((j) => analyseUnit(stages, tree, task.arch, task.autoconf, j));
}
