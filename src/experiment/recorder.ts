/**
 * Where every engine's result is built: an engine hands each epoch's numbers to a recorder, which
 * checks them for divergence, keeps the history and theta, tells the caller (onEpoch), and at the
 * end makes the one TrainResult (or SweepResult) shape with its timings. The engines differ in how
 * they compute an epoch, never in what they report.
 */
import type { Experiment } from './config';
import { isDiverged, type EngineName, type PartialEpoch, type Timeline, type Timings, type TrainOptions, type TrainResult } from './run';
import { PhaseClock, type ProgressEvent } from './phases';
import { markDiverged, type Sweep, type SweepEngine, type SweepOptions, type SweepResult } from './sweep';
import { DivergedError } from '../errors';

/** What an engine says of itself in its result. */
export interface EngineInfo {
  /** A line naming what ran the code: the GPU adapter, or the CPU engine. */
  device: string;
  /** GPU engines: whether the adapter is software, the CPU pretending to be a GPU. */
  softwareAdapter?: boolean;
  /** GPU dispatches issued (0 on the CPU). */
  dispatches?: number;
  /** The fused GPU kernel that ran, as text and as data. */
  kernel?: string;
  kernelChoice?: { variant: string; workgroupSize: number };
  /** What the GPU ran at the end (GPU engines, when asked for). */
  timeline?: Timeline | null;
}

/**
 * Timings shared by both recorders: setup runs from the recorder's creation to `trainingStarts`,
 * broken down by the phases the engine enters (PhaseClock, which also tells onProgress); training
 * from there to the last epoch in hand (or to the end, for a run that reported none or was stopped
 * or diverged).
 */
class Clock {
  private readonly t0 = performance.now();
  private t1: number | null = null;
  private last: number | null = null;
  readonly phases: PhaseClock;
  constructor(onProgress?: (event: ProgressEvent) => void) {
    this.phases = new PhaseClock(onProgress);
  }
  trainingStarts(at = performance.now()): void {
    this.t1 = at;
    this.phases.enter('training', undefined, at);
  }
  epochInHand(): void {
    this.last = performance.now();
  }
  timings(toNow: boolean): Timings {
    const end = toNow || this.last === null ? performance.now() : this.last;
    const t1 = Math.min(this.t1 ?? end, end);
    if (this.t1 === null) this.phases.close(end);
    return { setupMs: t1 - this.t0, phases: { ...this.phases.times }, trainMs: end - t1, totalMs: end - this.t0 };
  }
}

/** One model's run: history, theta and timings, reported epoch by epoch. */
export class RunRecorder {
  readonly history = { loss: [] as number[], valLoss: [] as (number | null)[] };
  /** Theta after the last recorded epoch (the initial theta before any). */
  theta: Float64Array;
  info: EngineInfo;
  private readonly clock: Clock;

  constructor(
    private readonly exp: Experiment,
    private readonly engine: EngineName,
    private readonly options: Pick<TrainOptions, 'onEpoch' | 'thetaEachEpoch' | 'onProgress'>,
    initialTheta: Float64Array,
    info: EngineInfo,
  ) {
    this.theta = initialTheta;
    this.info = info;
    this.clock = new Clock(options.onProgress);
  }

  /** Training starts now (or at `at`): what came before is setup. */
  trainingStarts(at?: number): void {
    this.clock.trainingStarts(at);
  }

  /** The run's set-up phases, timed and reported (onProgress). */
  get phases(): PhaseClock {
    return this.clock.phases;
  }

  /**
   * Records epoch `epoch`: throws DivergedError (with the result so far) if its loss diverged,
   * else keeps it and awaits the caller's onEpoch. `alpha` is computed only when asked for.
   */
  async epoch(epoch: number, loss: number, valLoss: number | null, theta: Float64Array, alpha?: () => Float64Array): Promise<void> {
    this.clock.epochInHand();
    if (isDiverged(loss, this.exp.lossBound)) throw new DivergedError(epoch, loss, this.result('diverged'));
    this.history.loss.push(loss);
    this.history.valLoss.push(valLoss);
    this.theta = theta;
    await this.options.onEpoch?.({ epoch, loss, valLoss, theta: this.options.thetaEachEpoch ? theta : undefined, alpha: alpha?.() });
  }

  /** The run's result: completed only if every epoch was recorded; a Stop inside an epoch says how far it got. */
  result(status: TrainResult['status'], partialEpoch?: Omit<PartialEpoch, 'steps'>): TrainResult {
    const epochs = this.history.loss.length;
    const { device, softwareAdapter, dispatches = 0, kernel, kernelChoice, timeline } = this.info;
    return {
      engine: this.engine,
      history: this.history,
      theta: this.theta,
      status: status === 'completed' && epochs < this.exp.epochs ? 'aborted' : status,
      epochs,
      dispatches,
      timings: this.clock.timings(status !== 'completed'),
      device,
      ...(softwareAdapter === undefined ? {} : { softwareAdapter }),
      ...(kernel ? { kernel, kernelChoice } : {}),
      ...(partialEpoch ? { partialEpoch: { ...partialEpoch, steps: this.exp.stepsPerEpoch } } : {}),
      ...(timeline ? { timeline } : {}),
    };
  }
}

/** A sweep's run: every model's losses an epoch, which models diverged, and timings. */
export class SweepRecorder {
  readonly loss: Float64Array[] = [];
  readonly valLoss: Float64Array[] = [];
  readonly divergedAt: (number | null)[];
  private readonly clock: Clock;

  constructor(
    private readonly sweep: Sweep,
    private readonly engine: SweepEngine,
    private readonly options: Pick<SweepOptions, 'onEpoch' | 'onProgress'>,
  ) {
    this.divergedAt = new Array(sweep.models.length).fill(null);
    this.clock = new Clock(options.onProgress);
  }

  /** Training starts now (or at `at`): what came before is setup. */
  trainingStarts(at?: number): void {
    this.clock.trainingStarts(at);
  }

  /** The sweep's set-up phases, timed and reported (onProgress). */
  get phases(): PhaseClock {
    return this.clock.phases;
  }

  /** Records epoch `epoch` of every model (marking, and blanking, the diverged ones) and awaits onEpoch. */
  async epoch(epoch: number, loss: Float64Array, valLoss: Float64Array): Promise<void> {
    this.clock.epochInHand();
    markDiverged(this.divergedAt, epoch, loss, valLoss, this.sweep.base.lossBound);
    this.loss.push(loss);
    this.valLoss.push(valLoss);
    await this.options.onEpoch?.({ epoch, loss, valLoss, divergedAt: this.divergedAt });
  }

  /** The sweep's result: completed if every epoch was recorded; `thetas` are those after the last recorded epoch. */
  result(thetas: Float64Array[], info: EngineInfo): SweepResult {
    const epochs = this.loss.length;
    const completed = epochs === this.sweep.base.epochs;
    const { device, softwareAdapter, dispatches = 0, kernel, kernelChoice, timeline } = info;
    return {
      engine: this.engine,
      loss: this.loss,
      valLoss: this.valLoss,
      divergedAt: this.divergedAt,
      thetas,
      status: completed ? 'completed' : 'aborted',
      epochs,
      dispatches,
      timings: this.clock.timings(!completed),
      device,
      ...(softwareAdapter === undefined ? {} : { softwareAdapter }),
      ...(kernel ? { kernel, kernelChoice } : {}),
      ...(timeline ? { timeline } : {}),
    };
  }
}
