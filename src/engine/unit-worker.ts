import type { KconfigModel } from '../kconfig/index.js';
import type { ToolchainProfile } from '../toolchain/profile.js';
import { KernelTree } from '../tree/tree.js';
import { defaultStages } from './default-stages.js';
import type { Stages } from './stages.js';
import { type UnitOutput, type WorkerTask, type WorkerTreeSpec, analyseUnit } from './unit-runner.js';

/**
 * Worker entry (tinypool): analyse a batch of units. The stages, and with them the header token cache, live as long
 * as the worker and are rebuilt only when the tree or its overlay changes.
 */
let current: { id: string; tree: KernelTree; stages: Stages<KconfigModel> } | undefined;

export default function run(task: WorkerTask): UnitOutput[] {
  const { tree, stages } = stagesFor(task.tree);
  return task.jobs.map((j) => analyseUnit(stages, tree, task, j));
}

/** The tree and stages of a worker task (kept while the tree and its overlay stay the same). */
export function stagesFor(spec: WorkerTreeSpec): { tree: KernelTree; stages: Stages<KconfigModel> } {
  const id = `${spec.root}\0${spec.overlayId}\0${spec.objtree ?? ''}`;
  if (!current || current.id !== id) {
    const base = new KernelTree(spec.root);
    const tree = spec.overlay.length > 0 ? base.withOverlay(new Map(spec.overlay)) : base;
    const opts: Parameters<typeof defaultStages>[1] = {};
    if (spec.objtree) opts.objtree = spec.objtree;
    if (spec.profile) opts.profile = spec.profile as ToolchainProfile;
    current = { id, tree, stages: defaultStages(tree, opts) };
  }
  return current;
}
