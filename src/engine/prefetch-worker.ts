import { parentPort } from 'node:worker_threads';
import { type PrefetchMessage, analyseUnit } from './unit-runner.js';
import { stagesFor } from './unit-worker.js';

/**
 * Worker entry of UnitPrefetch (a plain worker_threads Worker, not the pool): jobs arrive as messages and each unit's
 * output is posted back as soon as it is done. Nothing here waits for the main thread, which is busy with the base
 * run while this thread works: a pool would need the main thread's event loop to hand the job over.
 */
parentPort!.on('message', (m: PrefetchMessage) => {
  const { tree, stages } = stagesFor(m.tree);
  if (m.jobs.length === 0) return;
  for (const j of m.jobs) parentPort!.postMessage(analyseUnit(stages, tree, m, j, { memo: m.memo }));
});
