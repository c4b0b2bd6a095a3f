/**
 * trainGpu: one model on the GPU, fused (a sweep of one through fused.ts, the variant chosen by
 * measurement) or per-op (perop.ts). Both hosts run their epochs through epochs.ts; this file
 * turns what comes back into the one TrainResult every engine reports.
 */
import type { Experiment } from '../experiment/config';
import { initialTheta } from '../experiment/data';
import { prepareInputs, type RunInputs } from '../experiment/inputs';
import { stoppable, yielder } from '../experiment/pause';
import { RunRecorder } from '../experiment/recorder';
import type { TrainOptions, TrainResult } from '../experiment/run';
import { chooseKernel, type CalibrationStore } from './calibrate';
import { getGpu } from './device';
import { deviceLostMessage } from './epochs';

import { describeKernel, fusedPipeline, runFused, type KernelChoice } from './fused';
import { perOpPipelines, runPerOp } from './perop';
import { DeviceLostError, DivergedError, StoppedError } from '../errors';
import type { GpuEngine } from '../experiment/engines';

/** Knobs of the GPU hosts, for tests and the benchmark; by default the kernel is chosen by calibration. */
export interface GpuTuning {
  /** Most steps one fused dispatch runs (an epoch takes several dispatches past it). */
  fusedStepsPerDispatch?: number;
  /** Run this variant of the fused family instead of the calibrated choice. */
  kernel?: KernelChoice;
  /** Epochs in flight at once (staging buffers in the ring). */
  ringSize?: number;
  /** Where calibrations are kept (default: a page's localStorage, in Node the user's cache file, else memory). */
  calibration?: CalibrationStore;
  /** Calibrate the shape again even if a choice is kept (the command's --calibrate), and keep the new one. */
  recalibrate?: boolean;
}

/**
 * Gets the device and compiles the pipelines a run of `exp` will need, so that pressing Train
 * later starts at once. Errors are left for the run itself to report.
 */
export async function warmUpGpu(exp: Experiment, engine: GpuEngine = 'gpu'): Promise<void> {
  const gpu = await getGpu();
  if (engine === 'gpu-perop') await perOpPipelines(gpu.device, exp.config.batchSize, exp.config.activation);
  else {
    const choice = await chooseKernel(gpu, exp, { models: [{ hiddenUnits: exp.config.hiddenUnits, learningRate: exp.config.learningRate }] });
    // A choice kept from an earlier page load still needs its pipeline compiled.
    await fusedPipeline(gpu.device, choice, exp.config.hiddenUnits, exp.config.activation);
  }
}

/** Trains on the GPU with the fused ('gpu') or per-op ('gpu-perop') strategy. */
export async function trainGpu(exp: Experiment, options: TrainOptions & { engine: GpuEngine }, tuning: GpuTuning = {}): Promise<TrainResult> {
  const { engine, signal } = options;
  const { config, stepsPerEpoch, trainPoints } = exp;
  const alphaAt = options.alphaAt ?? null;
  const gpu = await getGpu();
  const recorder = new RunRecorder(exp, engine, options, initialTheta(exp), { device: gpu.description, softwareAdapter: gpu.software });
  const model = { hiddenUnits: config.hiddenUnits, learningRate: config.learningRate };
  let choice: KernelChoice | undefined;
  // Choosing the kernel takes a second or more the first time; making 10^7 points most of a second,
  // an order half of one: a Stop during any of them ends the run there.
  let inputs: RunInputs;
  try {
    if (engine === 'gpu') {
      recorder.phases.enter('kernel');
      choice =
        tuning.kernel ??
        (await chooseKernel(gpu, exp, {
          models: [model],
          store: tuning.calibration,
          fresh: tuning.recalibrate,
          signal,
          progress: (done, total) => recorder.phases.progress(done, total),
        }));
      recorder.info = { ...recorder.info, kernel: describeKernel(choice), kernelChoice: choice };
    }
    inputs = await prepareInputs(exp, [exp], stoppable(yielder(), signal), recorder.phases);
  } catch (e) {
    if (e instanceof StoppedError) return recorder.result('aborted');
    throw e;
  }
  const withAlpha = (alpha: Float64Array) => (alphaAt ? () => alpha : undefined);
  const fused = (kernel: KernelChoice) =>
    runFused(gpu.device, {
      base: exp,
      data: inputs.data,
      models: [{ ...model, orderIndex: 0, theta: inputs.thetas[0] }],
      orders: inputs.orders,
      plotAt: alphaAt,
      choice: kernel,
      stepsPerDispatch: tuning.fusedStepsPerDispatch,
      ringSize: tuning.ringSize,
      signal,
      phases: recorder.phases,
      timeline: options.timeline,
      onEpoch: (e) => recorder.epoch(e.epoch, e.loss[0], exp.valPoints > 0 ? e.valLoss[0] : null, e.theta(0), withAlpha(e.alpha(0))),
    }).catch((e: unknown) => {
      // A Stop while the pipelines compiled: the run ends before its first epoch.
      if (e instanceof StoppedError) return null;
      throw e;
    });
  const outcome = choice
    ? await fused(choice)
    : await runPerOp(gpu.device, exp, inputs, alphaAt, {
        signal,
        phases: recorder.phases,
        ringSize: tuning.ringSize,
        timeline: options.timeline,
        onEpoch: (e) => {
          if (e.stepsDone !== stepsPerEpoch) throw new Error(`Internal error: epoch ${e.epoch} ran ${e.stepsDone} of ${stepsPerEpoch} steps on the GPU.`);
          return recorder.epoch(e.epoch, e.lossSum / trainPoints, exp.valPoints > 0 ? e.valLoss : null, e.theta, withAlpha(e.alpha));
        },
      });
  if (!outcome) return recorder.result('aborted');
  // Training time runs from the first submission (after data and pipelines are up) to the last epoch in hand.
  recorder.trainingStarts(outcome.startedAt);
  recorder.info = { ...recorder.info, dispatches: outcome.dispatches, timeline: outcome.timeline };
  if (outcome.failure instanceof DivergedError) {
    throw new DivergedError(outcome.failure.epoch, outcome.failure.loss, recorder.result('diverged'));
  }
  if (outcome.lost) throw new DeviceLostError(deviceLostMessage(outcome.lost, recorder.history.loss.length), recorder.result('aborted'));
  if (outcome.failure) throw outcome.failure;
  return recorder.result('completed', outcome.partial ?? undefined);
}
