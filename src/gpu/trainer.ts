/**
 * trainGpu: one model on the GPU, fused (a sweep of one through fused.ts, the variant chosen by
 * measurement) or per-op (perop.ts). Both hosts run their epochs through epochs.ts; this file
 * turns what comes back into the one TrainResult every engine reports.
 */
import type { Experiment } from '../experiment/config';
import { epochOrders, epochOrdersAsync, initialTheta, makeDatasetAsync } from '../experiment/data';
import { stoppable, yielder } from '../experiment/pause';
import { isDiverged, type EpochRecord, type TrainOptions, type TrainResult } from '../experiment/run';
import { chooseKernel, type CalibrationStore } from './calibrate';
import { getGpu } from './device';
import { deviceLostMessage } from './epochs';

import { describeKernel, runFused, type KernelChoice } from './fused';
import { perOpPipelines, runPerOp } from './perop';
import { DeviceLostError, DivergedError, StoppedError } from '../errors';

/** Knobs of the GPU hosts, for tests and the benchmark; by default the kernel is chosen by calibration. */
export interface GpuTuning {
  /** Most steps one fused dispatch runs (an epoch takes several dispatches past it). */
  fusedStepsPerDispatch?: number;
  /** Run this variant of the fused family instead of the calibrated choice. */
  kernel?: KernelChoice;
  /** Epochs in flight at once (staging buffers in the ring). */
  ringSize?: number;
  /** Where calibrations are kept (default: in memory for this page or process). */
  calibration?: CalibrationStore;
}

/**
 * Gets the device and compiles the pipelines a run of `exp` will need, so that pressing Train
 * later starts at once. Errors are left for the run itself to report.
 */
export async function warmUpGpu(exp: Experiment, engine: 'gpu' | 'gpu-perop' = 'gpu'): Promise<void> {
  const gpu = await getGpu();
  if (engine === 'gpu-perop') await perOpPipelines(gpu.device, exp.config.batchSize);
  else await chooseKernel(gpu, exp, { models: [{ hiddenUnits: exp.config.hiddenUnits, learningRate: exp.config.learningRate }] });
}

/** Trains on the GPU with the fused ('gpu') or per-op ('gpu-perop') strategy. */
export async function trainGpu(exp: Experiment, options: TrainOptions & { engine: 'gpu' | 'gpu-perop' }, tuning: GpuTuning = {}): Promise<TrainResult> {
  const t0 = performance.now();
  const { engine } = options;
  const { config, trainPoints, stepsPerEpoch } = exp;
  const alphaAt = options.alphaAt ?? null;
  const gpu = await getGpu();
  const { device } = gpu;

  let kernel: string | undefined;
  let kernelChoice: KernelChoice | undefined;
  const history = { loss: [] as number[], valLoss: [] as (number | null)[] };
  let lastTheta = initialTheta(exp);
  let dispatches = 0;
  let t1 = t0;
  let t2 = t0;
  const result = (status: TrainResult['status']): TrainResult => ({
    engine,
    history,
    theta: lastTheta,
    status,
    epochs: history.loss.length,
    dispatches,
    timings: { setupMs: t1 - t0, trainMs: t2 - t1, totalMs: t2 - t0 },
    device: gpu.description,
    ...(kernel ? { kernel, kernelChoice } : {}),
  });

  /** Checks one epoch, records it and reports it. */
  const record = async (epoch: number, loss: number, valLoss: number | null, theta: Float64Array, alpha: Float64Array | null) => {
    if (isDiverged(loss, exp.lossBound)) {
      t2 = performance.now();
      throw new DivergedError(epoch, loss, result('diverged'));
    }
    history.loss.push(loss);
    history.valLoss.push(valLoss);
    lastTheta = theta;
    t2 = performance.now();
    const r: EpochRecord = { epoch, loss, valLoss };
    if (options.thetaEachEpoch) r.theta = theta;
    if (alpha) r.alpha = alpha;
    await options.onEpoch?.(r);
  };

  let outcome;
  if (engine === 'gpu-perop') {
    outcome = await runPerOp(device, exp, alphaAt, {
      signal: options.signal,
      ringSize: tuning.ringSize,
      onEpoch: (e) => {
        if (e.stepsDone !== stepsPerEpoch) throw new Error(`Internal error: epoch ${e.epoch} ran ${e.stepsDone} of ${stepsPerEpoch} steps on the GPU.`);
        return record(e.epoch, e.lossSum / trainPoints, exp.valPoints > 0 ? e.valLoss : null, e.theta, alphaAt ? e.alpha : null);
      },
    });
  } else {
    const model = { hiddenUnits: config.hiddenUnits, learningRate: config.learningRate };
    const choice = tuning.kernel ?? (await chooseKernel(gpu, exp, { models: [model], store: tuning.calibration }));
    kernel = describeKernel(choice);
    kernelChoice = choice;
    // Making 10^7 points takes most of a second; a Stop during it ends the run there.
    let data;
    try {
      data = await makeDatasetAsync(exp, stoppable(yielder(), options.signal));
    } catch (e) {
      if (e instanceof StoppedError) return result('aborted');
      throw e;
    }
    outcome = await runFused(device, {
      base: exp,
      data,
      models: [{ ...model, orderIndex: 0, theta: initialTheta(exp) }],
      orders: [epochOrders(exp)],
      ordersAsync: [epochOrdersAsync(exp, stoppable(yielder(), options.signal))],
      plotAt: alphaAt,
      choice,
      stepsPerDispatch: tuning.fusedStepsPerDispatch,
      ringSize: tuning.ringSize,
      signal: options.signal,
      onEpoch: (e) => record(e.epoch, e.loss[0], exp.valPoints > 0 ? e.valLoss[0] : null, e.theta(0), alphaAt ? e.alpha(0) : null),
    });
  }
  // Training time runs from the first submission (after data and pipelines are up) to the last epoch in hand.
  t1 = outcome.startedAt;
  dispatches = outcome.dispatches;
  if (outcome.failure instanceof DivergedError) {
    throw new DivergedError(outcome.failure.epoch, outcome.failure.loss, result('diverged'));
  }
  if (outcome.lost) throw new DeviceLostError(deviceLostMessage(outcome.lost, history.loss.length), result('aborted'));
  if (outcome.failure) throw outcome.failure;
  if (history.loss.length === 0) t2 = performance.now();
  if (history.loss.length === exp.epochs) return result('completed');
  const partial = outcome.partial;
  return partial ? { ...result('aborted'), partialEpoch: { ...partial, steps: stepsPerEpoch } } : result('aborted');
}
