/**
 * Stepping on the GPU engines. Steps [from, to) of an epoch run as a run of their own: an
 * experiment of one epoch of to - from steps whose training points are that slice of the epoch's
 * visiting order, through the engine's own host (the fused kernel the run would choose, or the
 * per-op kernels), from the theta the steps before left. The same kernels, the same arithmetic.
 */
import type { Experiment } from '../experiment/config';
import { prepareInputs } from '../experiment/inputs';
import { yielder } from '../experiment/pause';
import { makeStepper, type Stepper } from '../experiment/stepping';
import { chooseKernel } from './calibrate';
import { getGpu } from './device';
import { runFused } from './fused';
import { runPerOp } from './perop';
import type { GpuEngine } from '../experiment/engines';

/** A Stepper on 'gpu' (fused) or 'gpu-perop'. */
export async function gpuStepper(exp: Experiment, engine: GpuEngine): Promise<Stepper> {
  const gpu = await getGpu();
  const { device } = gpu;
  const model = { hiddenUnits: exp.config.hiddenUnits, learningRate: exp.config.learningRate };
  const choice = engine === 'gpu' ? await chooseKernel(gpu, exp, { models: [model] }) : null;
  const inputs = await prepareInputs(exp, [exp], yielder());
  const B = exp.config.batchSize;
  // The GPU starts from theta in float32, as a run does.
  const start = { ...inputs, thetas: [Float64Array.from(inputs.thetas[0], Math.fround)] };
  // The epoch's squared residuals so far, summed over its slices: at its last, the epoch's loss.
  let lossSum = 0;
  return makeStepper(exp, start, engine, async (theta, order, from, to) => {
    const slice = order.subarray(from * B, Math.min(order.length, to * B));
    const part: Experiment = { ...exp, epochs: 1, stepsPerEpoch: to - from, totalSteps: to - from, trainPoints: slice.length };
    let after: Float64Array | null = null;
    let losses = { sum: 0, valLoss: NaN };
    const outcome = choice
      ? await runFused(device, {
          base: part,
          data: inputs.data,
          models: [{ ...model, orderIndex: 0, theta }],
          orders: [() => Uint32Array.from(slice)],
          plotAt: null,
          choice,
          onEpoch: (e) => {
            after = e.theta(0);
            losses = { sum: e.loss[0] * slice.length, valLoss: e.valLoss[0] };
          },
        })
      : await runPerOp(device, part, { ...inputs, thetas: [theta], orders: [async () => Uint32Array.from(slice)], orderIndex: [0] }, null, {
          onEpoch: (e) => {
            after = e.theta;
            losses = { sum: e.lossSum, valLoss: e.valLoss };
          },
        });
    if (outcome.failure) throw outcome.failure;
    if (!after) throw new Error(`The GPU ran no step (${outcome.lost ? 'device lost' : 'no result'}).`);
    lossSum = from === 0 ? losses.sum : lossSum + losses.sum;
    // The last slice validated with theta at the epoch's end, as the run's last dispatch does.
    const epochEnd = to === exp.stepsPerEpoch ? { loss: lossSum / exp.trainPoints, valLoss: exp.valPoints > 0 ? losses.valLoss : null } : undefined;
    return { theta: after, epochEnd };
  });
}
