/** What every engine takes and reports: the one training interface for CPU and GPU. */
import type { PhaseTimes, ProgressEvent } from './phases';
import type { EngineName } from './engines';

/** The engines, each with what it supports: engines.ts. */
export { ENGINES, type EngineName } from './engines';

/** What an engine reports after each epoch. */
export interface EpochRecord {
  /** 1-based, as Keras prints it. */
  epoch: number;
  /** Mean squared error over the epoch's training samples, each taken when its batch was evaluated. */
  loss: number;
  /** MSE on the validation points with the weights at the end of the epoch; null without validation. */
  valLoss: number | null;
  /** Theta at the end of the epoch (K x 3, rows [v, w, b]), when asked for. */
  theta?: Float64Array;
  /** alpha on the plot grid at the end of the epoch, when asked for. */
  alpha?: Float64Array;
}

/** How to run; the same for every engine. */
export interface TrainOptions {
  engine: EngineName;
  /** Called in order after each epoch; training goes on while it runs unless it returns a promise. */
  onEpoch?: (record: EpochRecord) => void | Promise<void>;
  /** Stops the run within one epoch; the history so far is kept. */
  signal?: AbortSignal;
  /** Called as each phase of the run starts (making the data, compiling, ...) and as a counted one goes on; see PHASES. */
  onProgress?: (event: ProgressEvent) => void;
  /** Also report alpha on these x (usually plotGrid()) after each epoch. */
  alphaAt?: Float64Array;
  /** Also report theta after each epoch. */
  thetaEachEpoch?: boolean;
  /** cpu-workers only: how many Web Workers (default: one a logical core). */
  workers?: number;
  /**
   * GPU engines: also record what the GPU ran at the end of the run (TrainResult.timeline), on the
   * GPU's clock where the adapter has timestamp-query; 'wall' uses the host's clock even so.
   */
  timeline?: boolean | 'wall';
}

/** How long a run took: set-up (and each of its phases), training, and both. */
export interface Timings {
  /** From the engine's start to its first step: making the data and thetas, choosing the kernel, compiling, uploading. */
  setupMs: number;
  /** The set-up's phases, each that a run went through (see PHASES); their sum is at most setupMs. */
  phases: PhaseTimes;
  /** From the first step to the last epoch's losses in hand. */
  trainMs: number;
  totalMs: number;
}

/** What the GPU ran at the end of a run, as bars on one time axis (the page draws it). */
export interface Timeline {
  /** 'gpu timestamps': each bar is one compute pass on the GPU's own clock; 'wall time': one submission, from the host's submit to its results in hand (no timestamp-query here, or asked for). */
  clock: 'gpu timestamps' | 'wall time';
  bars: TimelineBar[];
}

/** One bar of a Timeline: a pass (or a submission), what it ran and when, in ms from the first bar's start. */
export interface TimelineBar {
  /** e.g. "step 39997: forward", "epochs 26-50". */
  label: string;
  /** The kernel it ran: a per-op kernel, or the fused kernel (every dispatch of the pass). */
  kernel: 'forward' | 'mse_grad' | 'sgd_update' | 'fused' | 'per-op epoch';
  startMs: number;
  endMs: number;
  /** Dispatches in the bar. */
  dispatches: number;
}

/** Per-epoch history in Keras's names and layout. */
export interface History {
  loss: number[];
  valLoss: (number | null)[];
}

/** The outcome of a run that completed or was stopped. */
export interface TrainResult {
  engine: EngineName;
  history: History;
  /** Theta after the last reported epoch. */
  theta: Float64Array;
  /** Whether the run finished every epoch, was stopped by its signal, or diverged (see DivergedError). */
  status: 'completed' | 'aborted' | 'diverged';
  /** Epochs run (history length). */
  epochs: number;
  /** GPU dispatches issued (0 on the CPU). */
  dispatches: number;
  /** Milliseconds: setup (data, buffers, pipelines), broken down by phase, and the training loop itself. */
  timings: Timings;
  /** A line naming what ran the code: the GPU adapter, or the CPU engine. */
  device: string;
  /** GPU engines: whether the adapter is software (SwiftShader, llvmpipe, WARP, a fallback adapter): the CPU pretending to be a GPU, whose times say nothing of what a GPU buys. */
  softwareAdapter?: boolean;
  /** Fused GPU only: the kernel variant that ran, e.g. "subgroup, 4 lanes a model". */
  kernel?: string;
  /** The same as data: the variant and its workgroup size (lanes a model for subgroup). */
  kernelChoice?: { variant: string; workgroupSize: number };
  /** A Stop inside an epoch: how far that epoch got. It is not in the history, which ends with the epoch before. */
  partialEpoch?: PartialEpoch;
  /** GPU engines, when asked for (TrainOptions.timeline): what the GPU ran at the end of the run. */
  timeline?: Timeline;
}

/** An epoch that a Stop cut short: `stepsDone` of its `steps` steps ran; it has no record. */
export interface PartialEpoch {
  epoch: number;
  stepsDone: number;
  steps: number;
}

/** Whether an epoch's loss counts as diverged: not finite, or past the experiment's lossBound. */
export function isDiverged(loss: number, bound: number): boolean {
  return !(loss <= bound);
}
