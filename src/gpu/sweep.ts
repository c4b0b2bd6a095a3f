/**
 * A sweep on the GPU: every model trained at once by the fused host (fused.ts), one dispatch an
 * epoch, with the variant chosen by calibration. Models with the same seed share a visiting order.
 */
import { epochOrders, initialTheta, makeDatasetAsync } from '../experiment/data';
import { yielder } from '../experiment/pause';
import { markDiverged, type SweepOptions, type SweepResult, type Sweep } from '../experiment/sweep';
import { chooseKernel } from './calibrate';
import { getGpu } from './device';
import { deviceLostMessage } from './epochs';
import { describeKernel, runFused, type FusedEpoch } from './fused';
import type { GpuTuning } from './trainer';

/** Trains every model of the sweep on the GPU; a model whose loss stops being finite is marked diverged and left. */
export async function trainSweepGpu(sweep: Sweep, options: SweepOptions, tuning: GpuTuning = {}): Promise<SweepResult> {
  const t0 = performance.now();
  const { base, models, experiments } = sweep;
  const P = models.length;
  const gpu = await getGpu();
  // Models with the same seed share a visiting order: a sweep has few seeds and many cells.
  const seeds = [...new Set(models.map((m) => m.initSeed))];
  const seedIndex = new Map(seeds.map((s, i) => [s, i]));
  const choice = tuning.kernel ?? (await chooseKernel(gpu, base, { models, store: tuning.calibration }));
  const divergedAt: (number | null)[] = new Array(P).fill(null);
  const loss: Float64Array[] = [];
  const valLoss: Float64Array[] = [];
  let last: FusedEpoch | null = null;
  let t2 = t0;
  const data = await makeDatasetAsync(base, yielder());
  const outcome = await runFused(gpu.device, {
    base,
    data,
    models: models.map((spec, m) => ({
      hiddenUnits: spec.hiddenUnits,
      learningRate: spec.learningRate,
      orderIndex: seedIndex.get(spec.initSeed)!,
      theta: initialTheta(experiments[m]),
    })),
    orders: seeds.map((seed) => epochOrders(experiments[models.findIndex((m) => m.initSeed === seed)])),
    plotAt: null,
    choice,
    stepsPerDispatch: tuning.fusedStepsPerDispatch,
    ringSize: tuning.ringSize,
    signal: options.signal,
    onEpoch: async (e) => {
      markDiverged(divergedAt, e.epoch, e.loss, e.valLoss, base.lossBound);
      loss.push(e.loss);
      valLoss.push(e.valLoss);
      last = e;
      t2 = performance.now();
      await options.onEpoch?.({ epoch: e.epoch, loss: e.loss, valLoss: e.valLoss, divergedAt });
    },
  });
  if (outcome.lost) throw new Error(deviceLostMessage(outcome.lost, loss.length));
  if (outcome.failure) throw outcome.failure;
  const final = last as FusedEpoch | null;
  return {
    engine: 'gpu',
    loss,
    valLoss,
    divergedAt,
    thetas: models.map((_, m) => (final ? final.theta(m) : initialTheta(experiments[m]))),
    status: loss.length === base.epochs ? 'completed' : 'aborted',
    epochs: loss.length,
    dispatches: outcome.dispatches,
    timings: { setupMs: outcome.startedAt - t0, trainMs: t2 - outcome.startedAt, totalMs: t2 - t0 },
    device: gpu.description,
    kernel: describeKernel(choice),
    kernelChoice: choice,
  };
}
