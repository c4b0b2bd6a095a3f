/**
 * What the command line asks of a runtime, the same in both: train with the one training
 * interface, send each epoch as it comes, draw the lecture's plots as PNG. In headless Chrome it
 * is the runner page (runner.ts: the epochs go to Node through page.exposeFunction); under
 * `--runtime node` it runs in the command's own process (the epochs are printed directly, the
 * plots drawn on @napi-rs/canvas).
 */
import { alphaChartConfig, benchChartConfig, lossChartConfig, renderPng as renderWith, type BenchChartInput, type PngMaker } from '../plots/charts';
import type { Language } from '../plots/i18n';
import type { ExperimentConfig } from '../experiment/config';
import { plotGrid } from '../experiment/data';
import type { EngineName, EpochRecord, TrainResult } from '../experiment/run';
import { loadTarget, targetFunction, type TargetName } from '../experiment/targets';
import { calibrateShape, type Calibration, type CalibrationStore, type GpuTuning, gpuStatus, train, trainSweep } from '../train';
import type { ProgressEvent } from '../experiment/phases';
import { heatmapConfig } from '../plots/heatmap';
import { prepareExperiment } from '../experiment/config';
import { plainLoop, type FloorRun } from '../bench/floor';
import { finiteOrNull, summarizeSweep, sweepFromAxes, type SweepEngine, type SweepResult, type ModelSpec, type SweepSummary } from '../experiment/sweep';

/** An epoch as sent to Node: plain numbers. */
export type EpochLine = Pick<EpochRecord, 'epoch' | 'loss' | 'valLoss'>;

/** An error as JSON: its class's name, its message and, for a ConfigError or SweepError, the field at fault. */
export interface RunError {
  name: string;
  message: string;
  epoch?: number;
  field?: string;
}

function runError(e: unknown): RunError {
  const err = e as Error & { field?: unknown };
  return { name: err.name, message: err.message, ...(typeof err.field === 'string' ? { field: err.field } : {}) };
}

/** A run's outcome as JSON: the result (theta as an array), or the error and what was kept. */
export type RunOutcome = { ok: true; result: JsonResult; alpha: number[] } | { ok: false; error: RunError; partial?: JsonResult; alpha: number[] };

/** A TrainResult with theta as a plain array. */
export type JsonResult = Omit<TrainResult, 'theta'> & { theta: number[] };

/** A sweep's epoch as sent to Node. */
export interface SweepLine {
  epoch: number;
  epochs: number;
  models: number;
  diverged: number;
  best: { index: number; valLoss: number; model: ModelSpec } | null;
}

/** A sweep's outcome as JSON (NaN as null), or the error. */
export type SweepOutcome =
  | ({ ok: true; models: ModelSpec[]; loss: (number | null)[][]; valLoss: (number | null)[][] } & Pick<
      SweepResult,
      'divergedAt' | 'status' | 'epochs' | 'timings' | 'dispatches' | 'device' | 'softwareAdapter' | 'kernel'
    >)
  | { ok: false; error: RunError };

/** Where a runner sends each epoch and each phase, and how it makes a PNG of a chart. */
export interface RunnerHost {
  epoch(line: EpochLine): Promise<void> | void;
  sweepEpoch(line: SweepLine): Promise<void> | void;
  /** A run's phase as it starts, and the parts of a counted one (onProgress). */
  progress?(event: ProgressEvent): void;
  /** The canvas to draw plots on (loaded when the first plot is drawn). */
  png(): Promise<PngMaker>;
  /** Where the GPU's kernel calibrations are kept (default: the page's localStorage, or memory). */
  calibration?: CalibrationStore;
}

const json = (r: TrainResult): JsonResult => ({ ...r, theta: [...r.theta] });

/** A runner: what the command line calls (through page.evaluate in Chrome, directly in Node). */
export function createRunner(host: RunnerHost) {
  let controller: AbortController | null = null;
  /** Set by abort(): a Stop that came before the run started stops it as it starts. */
  let abortRequested = false;

  /** The controller of a run starting now, already aborted if a Stop came first. */
  function newController(): AbortController {
    controller = new AbortController();
    if (abortRequested) controller.abort();
    return controller;
  }
  const renderPng = async (config: Parameters<typeof renderWith>[0], width: number, height: number) => renderWith(config, width, height, await host.png());
  let tuning: GpuTuning = host.calibration ? { calibration: host.calibration } : {};
  const onProgress = host.progress ? (event: ProgressEvent) => host.progress!(event) : undefined;

  return {
    /** The adapter's name, or why there is none. */
    async adapter(): Promise<{ ok: boolean; description: string; software: boolean }> {
      return gpuStatus();
    },

    /**
     * Trains; each epoch goes to window.runnerEpoch; alpha on the plot grid (unless `plain`, as the
     * benchmark runs) comes back at the end.
     */
    /** Whether the runs that follow calibrate their kernel again even if a choice is kept (--calibrate). */
    async recalibrate(on: boolean): Promise<void> {
      tuning = { ...tuning, recalibrate: on };
    },

    async train(config: Partial<ExperimentConfig>, engine: EngineName, plain = false): Promise<RunOutcome> {
      const { signal } = newController();
      let alpha: number[] = [];
      try {
        const result = await train(
          config,
          {
            engine,
            signal,
            onProgress: plain ? undefined : onProgress,
            alphaAt: plain ? undefined : plotGrid(),
            // A plain run (the benchmark's) reports nothing as it goes: in Chrome each report is a
            // round trip to Node inside the timed run (~1-2 ms an epoch).
            onEpoch: plain
              ? undefined
              : async (r) => {
                  if (r.alpha) alpha = [...r.alpha];
                  await host.epoch({ epoch: r.epoch, loss: r.loss, valLoss: r.valLoss });
                },
          },
          tuning,
        );
        return { ok: true, result: json(result), alpha };
      } catch (e) {
        const err = e as Error & { partial?: TrainResult; epoch?: number };
        return {
          ok: false,
          error: { ...runError(err), epoch: err.epoch },
          partial: err.partial ? json(err.partial) : undefined,
          alpha,
        };
      }
    },

    /**
     * Trains a sweep (src/experiment/sweep.ts); each epoch's best model and diverged count go to
     * the host (unless `plain`, as the benchmark runs). Losses come back with NaN as null.
     */
    async trainSweep(base: Partial<ExperimentConfig>, text: string, seeds: number, engine: SweepEngine, plain = false): Promise<SweepOutcome> {
      const { signal } = newController();
      try {
        await loadTarget(base);
        const sweep = sweepFromAxes(base, text, seeds);
        const { models } = sweep;
        const r = await trainSweep(
          sweep,
          {
            engine,
            signal,
            onProgress: plain ? undefined : onProgress,
            onEpoch: plain
              ? undefined
              : async ({ epoch, loss, valLoss, divergedAt }) => {
                  const s = summarizeSweep(models, { loss: [loss], valLoss: [valLoss], divergedAt: [...divergedAt] });
                  const diverged = s.diverged.flat().reduce((a, b) => a + b, 0);
                  await host.sweepEpoch({ epoch, epochs: sweep.base.epochs, models: models.length, diverged, best: s.best ? { ...s.best, model: models[s.best.index] } : null });
                },
          },
          tuning,
        );
        return {
          ok: true,
          models,
          loss: r.loss.map(finiteOrNull),
          valLoss: r.valLoss.map(finiteOrNull),
          divergedAt: r.divergedAt,
          status: r.status,
          epochs: r.epochs,
          timings: r.timings,
          dispatches: r.dispatches,
          device: r.device,
          softwareAdapter: r.softwareAdapter,
          kernel: r.kernel,
        };
      } catch (e) {
        return { ok: false, error: runError(e) };
      }
    },

    /** The benchmark's plain float64 loop (src/bench/floor.ts) on a config: the JavaScript floor `cpu` is held to. */
    async floor(config: Partial<ExperimentConfig>): Promise<FloorRun | { error: string }> {
      try {
        return plainLoop(prepareExperiment(config));
      } catch (e) {
        return { error: `${(e as Error).name}: ${(e as Error).message}` };
      }
    },

    /** Checks and times every fused kernel variant on a shape (npm run bench -- --kernels). */
    async calibrateShape(
      config: Partial<ExperimentConfig>,
      sweep?: { text: string; seeds: number },
    ): Promise<{ ok: true; calibration: Calibration } | { ok: false; error: string }> {
      try {
        return { ok: true, calibration: await calibrateShape(config, sweep) };
      } catch (e) {
        return { ok: false, error: `${(e as Error).name}: ${(e as Error).message}` };
      }
    },

    /** TensorFlow.js 4.22 on the same experiment, for the benchmark's competitor rows (src/cli/tfjs.ts). */
    async tfjs(config: Partial<ExperimentConfig>, backend: 'webgpu' | 'cpu', epochs: number): Promise<{ ok: true; run: import('./tfjs').TfjsRun } | { ok: false; error: string }> {
      try {
        const { tfjsTrain } = await import('./tfjs');
        return { ok: true, run: await tfjsTrain(config, backend, epochs) };
      } catch (e) {
        return { ok: false, error: `${(e as Error).name}: ${(e as Error).message}` };
      }
    },

    /** A sweep's heatmap as a PNG data URL. */
    async heatmap(summary: SweepSummary, lang: Language, width: number, height: number): Promise<string> {
      return renderPng(heatmapConfig(summary, lang), width, height);
    },

    /** Stops the run (inside an epoch where it is long), or the next one to start. */
    abort(): void {
      abortRequested = true;
      controller?.abort();
    },

    /** The benchmark's chart (see src/cli/bench.ts) as a PNG data URL. */
    async benchChart(input: BenchChartInput): Promise<string> {
      return renderPng(benchChartConfig(input), input.width, input.height);
    },

    /** The lecture's two plots as PNG data URLs. */
    async plots(input: { target: TargetName; formula?: string; alpha: number[]; loss: number[]; valLoss: (number | null)[]; lang: Language; width: number; height: number }) {
      const grid = plotGrid();
      await loadTarget(input);
      const f = grid.map(targetFunction(input.target, input.formula));
      return {
        alpha: await renderPng(alphaChartConfig(grid, f, input.alpha.length ? input.alpha : null, input.lang), input.width, input.height),
        loss: await renderPng(
          lossChartConfig(
            input.loss,
            input.valLoss,
            input.lang,
            input.valLoss.some((v) => v !== null),
          ),
          input.width,
          input.height,
        ),
      };
    },
  };
}

/** What a runner offers the command line. */
export type Runner = ReturnType<typeof createRunner>;
