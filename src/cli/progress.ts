import cliProgress from 'cli-progress';
import type { CliIO } from './context.js';

export interface ProgressReporter {
  update(p: { config: number; configs: number; units: number; unitsTotal: number }): void;
  stop(): void;
}

/**
 * A progress bar on stderr for long runs (units and configurations done). None when stderr is not a terminal or
 * with --quiet, so that hooks and CI logs stay clean.
 */
export function progressReporter(io: CliIO, quiet: boolean): ProgressReporter | undefined {
  if (quiet || !io.stderrTTY) return undefined;
  const bar = new cliProgress.SingleBar(
    {
      format: 'kvlint {bar} {value}/{total} units · configuration {config}/{configs}',
      stream: process.stderr,
      clearOnComplete: true,
      hideCursor: true,
      fps: 5,
    },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  return {
    update(p) {
      // the bundled tree is done before a bar is worth drawing
      if (p.unitsTotal < 200) return;
      const payload = { config: p.config + 1, configs: p.configs };
      if (!started) {
        bar.start(p.unitsTotal, p.units, payload);
        started = true;
      } else {
        bar.setTotal(p.unitsTotal);
        bar.update(p.units, payload);
      }
    },
    stop() {
      if (started) bar.stop();
    },
  };
}
