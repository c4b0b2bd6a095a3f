/**
 * A sweep on the GPU: every model trained at once by the fused host (fused.ts), one dispatch an
 * epoch, with the variant chosen by calibration. Models with the same seed share a visiting order.
 */
import { prepareInputs, type RunInputs } from '../experiment/inputs';
import { stoppable, yielder } from '../experiment/pause';
import { SweepRecorder } from '../experiment/recorder';
import { notTrained, type SweepOptions, type SweepResult, type Sweep } from '../experiment/sweep';
import { StoppedError } from '../errors';
import { chooseKernel } from './calibrate';
import { getGpu } from './device';
import { deviceLostMessage } from './epochs';
import { describeKernel, fusedPipeline, runFused, type FusedEpoch, type KernelChoice } from './fused';
import type { GpuTuning } from './trainer';

/** Trains every model of the sweep on the GPU; a model whose loss stops being finite is marked diverged and left. */
export async function trainSweepGpu(sweep: Sweep, options: SweepOptions, tuning: GpuTuning = {}): Promise<SweepResult> {
  const recorder = new SweepRecorder(sweep, 'gpu', options);
  const { base, models } = sweep;
  const gpu = await getGpu();
  // A Stop while the kernel is chosen or the inputs are made ends the sweep there, before its first epoch.
  let choice: KernelChoice;
  let inputs: RunInputs;
  try {
    recorder.phases.enter('kernel');
    choice =
      tuning.kernel ??
      (await chooseKernel(gpu, base, {
        models,
        store: tuning.calibration,
        fresh: tuning.recalibrate,
        signal: options.signal,
        progress: (done, total) => recorder.phases.progress(done, total),
      }));
    inputs = await prepareInputs(base, sweep.experiments, stoppable(yielder(), options.signal), recorder.phases);
  } catch (e) {
    if (e instanceof StoppedError) return recorder.result(notTrained(sweep), { device: gpu.description, softwareAdapter: gpu.software, dispatches: 0 });
    throw e;
  }
  let last: FusedEpoch | null = null;
  const outcome = await runFused(gpu.device, {
    base,
    data: inputs.data,
    models: models.map((spec, m) => ({ hiddenUnits: spec.hiddenUnits, learningRate: spec.learningRate, orderIndex: inputs.orderIndex[m], theta: inputs.thetas[m] })),
    orders: inputs.orders,
    plotAt: null,
    choice,
    stepsPerDispatch: tuning.fusedStepsPerDispatch,
    ringSize: tuning.ringSize,
    signal: options.signal,
    phases: recorder.phases,
    timeline: options.timeline,
    onEpoch: (e) => {
      last = e;
      return recorder.epoch(e.epoch, e.loss, e.valLoss);
    },
  }).catch((e: unknown) => {
    // A Stop while the pipelines compiled: the sweep ends before its first epoch, at its initial thetas.
    if (e instanceof StoppedError) return null;
    throw e;
  });
  if (!outcome)
    return recorder.result(inputs.thetas, { device: gpu.description, softwareAdapter: gpu.software, dispatches: 0, kernel: describeKernel(choice), kernelChoice: choice });
  recorder.trainingStarts(outcome.startedAt);
  if (outcome.lost) throw new Error(deviceLostMessage(outcome.lost, recorder.loss.length));
  if (outcome.failure) throw outcome.failure;
  const final = last as FusedEpoch | null;
  return recorder.result(
    models.map((_, m) => (final ? final.theta(m) : inputs.thetas[m])),
    { device: gpu.description, softwareAdapter: gpu.software, dispatches: outcome.dispatches, kernel: describeKernel(choice), kernelChoice: choice, timeline: outcome.timeline },
  );
}

/**
 * Gets the device, chooses the kernel for the sweep's shape (calibrating it if it is new) and
 * compiles a pipeline for each of its K, so that the page's sweep starts at once when Train is
 * pressed: the page does this while the student reads. Errors are left for the sweep to report.
 */
export async function warmUpSweepGpu(sweep: Sweep): Promise<void> {
  const gpu = await getGpu();
  const choice = await chooseKernel(gpu, sweep.base, { models: sweep.models });
  for (const K of new Set(sweep.models.map((m) => m.hiddenUnits))) await fusedPipeline(gpu.device, choice, K, sweep.base.config.activation);
}
