/**
 * A sweep on the GPU: every model trained at once by the fused host (fused.ts), one dispatch an
 * epoch, with the variant chosen by calibration. Models with the same seed share a visiting order.
 */
import { prepareInputs } from '../experiment/inputs';
import { yielder } from '../experiment/pause';
import { SweepRecorder } from '../experiment/recorder';
import type { SweepOptions, SweepResult, Sweep } from '../experiment/sweep';
import { chooseKernel } from './calibrate';
import { getGpu } from './device';
import { deviceLostMessage } from './epochs';
import { describeKernel, runFused, type FusedEpoch } from './fused';
import type { GpuTuning } from './trainer';

/** Trains every model of the sweep on the GPU; a model whose loss stops being finite is marked diverged and left. */
export async function trainSweepGpu(sweep: Sweep, options: SweepOptions, tuning: GpuTuning = {}): Promise<SweepResult> {
  const recorder = new SweepRecorder(sweep, 'gpu', options);
  const { base, models } = sweep;
  const gpu = await getGpu();
  const choice = tuning.kernel ?? (await chooseKernel(gpu, base, { models, store: tuning.calibration }));
  const inputs = await prepareInputs(base, sweep.experiments, yielder());
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
    timeline: options.timeline,
    onEpoch: (e) => {
      last = e;
      return recorder.epoch(e.epoch, e.loss, e.valLoss);
    },
  });
  recorder.trainingStarts(outcome.startedAt);
  if (outcome.lost) throw new Error(deviceLostMessage(outcome.lost, recorder.loss.length));
  if (outcome.failure) throw outcome.failure;
  const final = last as FusedEpoch | null;
  return recorder.result(
    models.map((_, m) => (final ? final.theta(m) : inputs.thetas[m])),
    { device: gpu.description, dispatches: outcome.dispatches, kernel: describeKernel(choice), kernelChoice: choice, timeline: outcome.timeline },
  );
}
