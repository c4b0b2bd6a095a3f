/**
 * The phases of a run, as its engine goes through them: what the page's status, the command's
 * phase lines and an API caller's onProgress show while a run sets up, and what `timings.phases`
 * says each took. Every engine reports through the same clock (its recorder's), so a slow phase is
 * visible without a profiler.
 */

/** A run's phases, in the order they come (a run goes through those it needs). */
export const PHASES = ['kernel', 'data', 'thetas', 'compiling', 'uploading', 'training', 'writing'] as const;

/** One of PHASES: choosing the fused kernel (a calibration the first time a shape is run on an adapter), making the data points, drawing the initial thetas (and making the CPU's models), compiling the GPU's pipelines (or instantiating the WebAssembly module), uploading to the GPU, training (its epochs' steps and validation), and the command's writing of its files. */
export type Phase = (typeof PHASES)[number];

/** What onProgress reports: a phase as it starts (done 0), and, for one counted in parts, each part done. */
export interface ProgressEvent {
  phase: Phase;
  /** Parts of the phase done so far (pipelines compiled, say), where it has parts. */
  done?: number;
  /** Its parts in all. */
  total?: number;
  /** While training: the epoch whose steps (or validation points) `done` and `total` count (a long epoch reports as it goes). */
  epoch?: number;
  /** While training on the CPU: 'validation' once the epoch's steps are done and its validation points are counted. */
  part?: 'validation';
}

/** The least time between two reports of parts done (a long epoch's steps come every few milliseconds). */
const PROGRESS_EVERY_MS = 100;

/** Milliseconds spent in each set-up phase a run went through (training is trainMs). */
export type PhaseTimes = Partial<Record<Exclude<Phase, 'training' | 'writing'>, number>>;

/**
 * Times the phases: `enter` closes the phase before (its time added to `times`) and tells
 * `onProgress`; `progress` reports parts of the current one. Time before the first phase is not
 * counted in any (it is in setupMs).
 */
export class PhaseClock {
  readonly times: PhaseTimes = {};
  private current: Phase | null = null;
  private since = 0;
  private reported = 0;

  constructor(private readonly onProgress?: (event: ProgressEvent) => void) {}

  /** Enters `phase` (at `at`, if it began earlier than now), with `total` parts if it is counted. */
  enter(phase: Phase, total?: number, at = performance.now()): void {
    if (phase === this.current) return;
    this.close(at);
    this.current = phase;
    this.since = at;
    this.onProgress?.(total === undefined ? { phase } : { phase, done: 0, total });
  }

  /** `done` of `total` parts of the current phase are done (of `epoch`'s steps, while training); reported at most every 100 ms but for the last part. */
  progress(done: number, total: number, epoch?: number, part?: 'validation'): void {
    if (!this.current || !this.onProgress) return;
    const now = performance.now();
    if (done < total && now - this.reported < PROGRESS_EVERY_MS) return;
    this.reported = now;
    this.onProgress({ phase: this.current, done, total, ...(epoch === undefined ? {} : { epoch }), ...(part ? { part } : {}) });
  }

  /** Ends the current phase, adding its time (none for training, which is timed apart, nor the command's writing). */
  close(at = performance.now()): void {
    if (this.current && this.current !== 'training' && this.current !== 'writing') this.times[this.current] = (this.times[this.current] ?? 0) + (at - this.since);
    this.current = null;
  }
}
