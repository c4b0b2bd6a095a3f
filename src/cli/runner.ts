/**
 * The runner page (runner.html) the command line drives in headless Chrome (`--runtime chrome`):
 * the runtime-neutral runner (runner-core.ts) with each epoch sent to Node through the functions
 * Node exposes, and the plots drawn on the page's canvas.
 */
import { createRunner, type EpochLine, type Runner, type SweepLine } from './runner-core';
import { domCanvas } from '../plots/charts';
import type { ProgressEvent } from '../experiment/phases';

declare global {
  interface Window {
    /** Set by Node (page.exposeFunction) to receive each epoch. */
    runnerEpoch?: (line: EpochLine) => Promise<void>;
    /** Set by Node to receive each epoch of a sweep. */
    runnerSweepEpoch?: (line: SweepLine) => Promise<void>;
    /** Set by Node to receive each phase of a run. */
    runnerProgress?: (event: ProgressEvent) => Promise<void>;
  }
}

(window as unknown as { runner: Runner }).runner = createRunner({
  epoch: (line) => window.runnerEpoch?.(line),
  sweepEpoch: (line) => window.runnerSweepEpoch?.(line),
  progress: (event) => void window.runnerProgress?.(event),
  png: async () => domCanvas,
});
