/**
 * The per-op GPU host, kept as the teaching contrast: every SGD step is three dispatches
 * (forward.wgsl, mse_grad.wgsl, sgd_update.wgsl), all the steps of an epoch in one submission,
 * the batch a dispatch takes coming from a step counter the update kernel advances on the GPU.
 * The validation loss takes two more dispatches an epoch (forward and the gradient kernel's
 * loss-only mode), alpha on the plot grid one more.
 */
import type { Experiment } from '../experiment/config';
import type { RunInputs } from '../experiment/inputs';
import { activationCode, type Activation } from '../experiment/activation';
import { runBuffers, writeFloats } from './buffers';
import { placeBars, readPassTimes, SubmissionClock, TIMELINE_BARS, type RawBar } from './timeline';
import type { Timeline } from '../experiment/run';
import { yielder } from '../experiment/pause';
import { runEpochs, type EpochOutcome } from './epochs';
import { GpuLimitError } from '../errors';
import { getPipeline } from './kernels';
import type { PhaseClock } from '../experiment/phases';
import { packBatchParams, packUpdateParams } from './params';
import { BUFFER } from './flags';

const STATE_BYTES = 16;
/** Workgroup size of forward, sgd_update and the evaluation pass of mse_grad. */
export const WG = 64;

/** The MSE gradient's workgroup for a batch: the batch rounded up to a power of two, at most 64. */
export function gradWorkgroupSize(batchSize: number): number {
  return Math.min(WG, 2 ** Math.ceil(Math.log2(Math.max(1, batchSize))));
}

/** One epoch's results as the per-op host reads them. */
export interface PerOpEpoch {
  epoch: number;
  stepsDone: number;
  lossSum: number;
  valLoss: number;
  theta: Float64Array;
  alpha: Float64Array;
}

/** Throws GpuLimitError if the run needs more than the device allows. */
function checkLimits(exp: Experiment, limits: GPUSupportedLimits, plotCount: number): void {
  const { config, valPoints } = exp;
  const K = config.hiddenUnits;
  const B = config.batchSize;
  const maxBinding = Math.min(limits.maxStorageBufferBindingSize, limits.maxBufferSize);
  const buffers: [string, number][] = [
    ['the data (N points)', 4 * config.points],
    ['the hidden activations (Nbatch x K)', 4 * B * K],
  ];
  for (const [what, bytes] of buffers) {
    if (bytes > maxBinding)
      throw new GpuLimitError(`${what} need ${bytes} bytes in one buffer; this device allows ${maxBinding}. Use fewer points, a smaller batch or fewer hidden units.`);
  }
  const dispatches: [string, number][] = [
    ['the forward pass of a batch (Nbatch / 64)', Math.ceil(B / WG)],
    ['the forward pass of the validation points', Math.ceil(valPoints / WG)],
    ['the forward pass of the plot points', Math.ceil(plotCount / WG)],
    ['the MSE gradient (one workgroup per hidden unit)', K],
  ];
  for (const [what, groups] of dispatches) {
    if (groups > limits.maxComputeWorkgroupsPerDimension)
      throw new GpuLimitError(`${what} needs ${groups} workgroups; this device allows ${limits.maxComputeWorkgroupsPerDimension} per dispatch. Use a smaller size.`);
  }
}

/** The pipelines of the per-op strategy for a batch size and an activation, from the per-device cache. */
export function perOpPipelines(device: GPUDevice, batchSize: number, activation: Activation) {
  const ACTIVATION = activationCode(activation);
  return Promise.all([
    getPipeline(device, 'forward', { WG, ACTIVATION }),
    getPipeline(device, 'mse_grad', { WG: gradWorkgroupSize(batchSize), ACTIVATION }),
    getPipeline(device, 'mse_grad', { WG, ACTIVATION }),
    getPipeline(device, 'sgd_update', { WG }),
  ]);
}

/** Trains `exp` with three dispatches a step; each epoch's results go to `onEpoch` in order. */
export async function runPerOp(
  device: GPUDevice,
  exp: Experiment,
  inputs: RunInputs,
  plotAt: Float64Array | null,
  options: { signal?: AbortSignal; ringSize?: number; timeline?: boolean | 'wall'; phases?: PhaseClock; onEpoch(e: PerOpEpoch): void | Promise<void> },
): Promise<EpochOutcome & { startedAt: number; timeline: Timeline | null }> {
  const { config, trainPoints, valPoints, stepsPerEpoch } = exp;
  const K = config.hiddenUnits;
  const B = config.batchSize;
  const plotCount = plotAt?.length ?? 0;
  checkLimits(exp, device.limits, plotCount);
  options.phases?.enter('compiling');
  const [forwardPipe, gradTrainPipe, gradEvalPipe, updatePipe] = await perOpPipelines(device, B, config.activation);

  options.phases?.enter('uploading');
  const { data } = inputs;
  device.pushErrorScope('out-of-memory');
  device.pushErrorScope('validation');
  const STORAGE = BUFFER.STORAGE;
  const owned = runBuffers(device);
  const { make, empty } = owned;
  // The points go up after the buffers are made, in slices (writeFloats): at 10^7 points one copy is a long task.
  const points = { xTrain: data.xTrain, yTrain: data.yTrain, xVal: data.xVal, yVal: data.yVal };
  const uploads = Object.entries(points).map(([label, values]) => ({ values, buffer: empty(label, 4 * values.length, STORAGE | BUFFER.COPY_DST) }));
  const [xTrain, yTrain, xVal, yVal] = uploads.map((u) => u.buffer);
  const xPlot = make('xPlot', Float32Array.from(plotAt ?? [0]));
  const theta = make('theta', Float32Array.from(inputs.thetas[0]), STORAGE | BUFFER.COPY_SRC);
  const state = empty('state', STATE_BYTES, STORAGE | BUFFER.COPY_SRC | BUFFER.COPY_DST);
  const order = empty('order', 4 * trainPoints, STORAGE | BUFFER.COPY_DST);
  const hidden = empty('hidden', 4 * B * K);
  const alphaBatch = empty('alphaBatch', 4 * B);
  const alphaVal = empty('alphaVal', 4 * valPoints);
  const alphaPlot = empty('alphaPlot', 4 * plotCount, STORAGE | BUFFER.COPY_SRC);
  const grad = empty('grad', 4 * 3 * K);
  const UNIFORM = BUFFER.UNIFORM;
  const paramsTrain = make('params train', packBatchParams({ hiddenUnits: K, batchSize: B, total: trainPoints, mode: 'train' }), UNIFORM);
  const paramsVal = make('params val', packBatchParams({ hiddenUnits: K, batchSize: valPoints, total: valPoints, mode: 'eval' }), UNIFORM);
  const paramsPlot = make('params plot', packBatchParams({ hiddenUnits: K, batchSize: plotCount, total: plotCount, mode: 'eval' }), UNIFORM);
  const paramsUpdate = make('params update', packUpdateParams({ n: 3 * K, learningRate: config.learningRate }), UNIFORM);

  const bind = (label: string, pipeline: GPUComputePipeline, buffers: Record<number, GPUBuffer>) =>
    device.createBindGroup({
      label,
      layout: pipeline.getBindGroupLayout(0),
      entries: Object.entries(buffers).map(([binding, buffer]) => ({ binding: Number(binding), resource: { buffer } })),
    });
  // forward.wgsl: 0 params, 1 state, 2 theta, 3 xs, 4 order, 5 hidden, 6 alpha
  const forwardTrain = bind('forward train', forwardPipe, { 0: paramsTrain, 1: state, 2: theta, 3: xTrain, 4: order, 5: hidden, 6: alphaBatch });
  const forwardVal = bind('forward val', forwardPipe, { 0: paramsVal, 1: state, 2: theta, 3: xVal, 4: order, 5: hidden, 6: alphaVal });
  const forwardPlot = bind('forward plot', forwardPipe, { 0: paramsPlot, 1: state, 2: theta, 3: xPlot, 4: order, 5: hidden, 6: alphaPlot });
  // mse_grad.wgsl: 0 params, 1 state, 2 theta, 3 xs, 4 ys, 5 order, 6 hidden, 7 alpha, 8 grad
  const gradTrain = bind('mse_grad train', gradTrainPipe, { 0: paramsTrain, 1: state, 2: theta, 3: xTrain, 4: yTrain, 5: order, 6: hidden, 7: alphaBatch, 8: grad });
  const gradVal = bind('mse_grad val', gradEvalPipe, { 0: paramsVal, 1: state, 2: theta, 3: xVal, 4: yVal, 5: order, 6: hidden, 7: alphaVal, 8: grad });
  // sgd_update.wgsl: 0 params, 1 state, 2 theta, 3 grad
  const update = bind('sgd_update', updatePipe, { 0: paramsUpdate, 1: state, 2: theta, 3: grad });
  const setupError = (await device.popErrorScope()) ?? (await device.popErrorScope());
  if (setupError) {
    owned.destroyAll();
    throw new GpuLimitError(`The GPU refused the run's buffers: ${setupError.message}`);
  }
  const pause = yielder();
  for (const { buffer, values } of uploads) await writeFloats(device, buffer, values, pause);

  const thetaBytes = 4 * 3 * K;
  const zeroState = new Uint32Array(STATE_BYTES / 4);
  // The timeline (TrainOptions.timeline): the last epoch's last steps with each dispatch in its own
  // pass, timed on the GPU's clock where the adapter has one; else each epoch on the host's clock.
  const timedSteps = Math.min(TIMELINE_BARS / 3, stepsPerEpoch);
  const querySet =
    options.timeline === true && device.features.has('timestamp-query')
      ? device.createQuerySet({ label: 'per-op timestamps', type: 'timestamp', count: 2 * 3 * timedSteps })
      : null;
  const wall = new SubmissionClock();
  const KERNELS = ['forward', 'mse_grad', 'sgd_update'] as const;
  const submit = async (epoch: number, _count: number, staging: GPUBuffer): Promise<number> => {
    let n = 0;
    device.queue.writeBuffer(order, 0, await inputs.orders[0]());
    device.queue.writeBuffer(state, 0, zeroState);
    const encoder = device.createCommandEncoder({ label: `epoch ${epoch} (per-op)` });
    const forwardGroups = Math.ceil(B / WG);
    const updateGroups = Math.ceil((3 * K) / WG);
    const step = [
      [forwardPipe, forwardTrain, forwardGroups],
      [gradTrainPipe, gradTrain, K],
      [updatePipe, update, updateGroups],
    ] as const;
    // Steps before the timed ones (all of them, but in the last epoch of a timed run) in one pass.
    const timedFrom = querySet && epoch === exp.epochs ? stepsPerEpoch - timedSteps : stepsPerEpoch;
    let pass = encoder.beginComputePass({ label: `epoch ${epoch} (per-op)` });
    for (let s = 0; s < timedFrom; s++, n += 3) {
      for (const [pipeline, group, groups] of step) {
        pass.setPipeline(pipeline);
        pass.setBindGroup(0, group);
        pass.dispatchWorkgroups(groups);
      }
    }
    pass.end();
    for (let s = timedFrom, q = 0; s < stepsPerEpoch; s++, n += 3) {
      for (const [pipeline, group, groups] of step) {
        const timed = encoder.beginComputePass({
          label: `epoch ${epoch} step ${s + 1}: ${KERNELS[q % 3]}`,
          timestampWrites: { querySet: querySet!, beginningOfPassWriteIndex: 2 * q, endOfPassWriteIndex: 2 * q + 1 },
        });
        q++;
        timed.setPipeline(pipeline);
        timed.setBindGroup(0, group);
        timed.dispatchWorkgroups(groups);
        timed.end();
      }
    }
    pass = encoder.beginComputePass({ label: `epoch ${epoch} (per-op): validation and plot` });
    if (valPoints > 0) {
      pass.setPipeline(forwardPipe);
      pass.setBindGroup(0, forwardVal);
      pass.dispatchWorkgroups(Math.ceil(valPoints / WG));
      pass.setPipeline(gradEvalPipe);
      pass.setBindGroup(0, gradVal);
      pass.dispatchWorkgroups(1);
      n += 2;
    }
    if (plotCount > 0) {
      pass.setPipeline(forwardPipe);
      pass.setBindGroup(0, forwardPlot);
      pass.dispatchWorkgroups(Math.ceil(plotCount / WG));
      n += 1;
    }
    pass.end();
    encoder.copyBufferToBuffer(state, 0, staging, 0, STATE_BYTES);
    encoder.copyBufferToBuffer(theta, 0, staging, STATE_BYTES, thetaBytes);
    if (plotCount > 0) encoder.copyBufferToBuffer(alphaPlot, 0, staging, STATE_BYTES + thetaBytes, 4 * plotCount);
    device.queue.submit([encoder.finish()]);
    if (options.timeline) wall.submitted(epoch, { label: `epoch ${epoch}`, kernel: 'per-op epoch', dispatches: n });
    return n;
  };
  const report = (epoch: number, bytes: ArrayBuffer) => {
    wall.reported(epoch);
    const f32 = new Float32Array(bytes);
    return options.onEpoch({
      epoch,
      stepsDone: new Uint32Array(bytes, 0, 1)[0],
      lossSum: f32[1],
      valLoss: f32[2],
      theta: Float64Array.from(f32.subarray(STATE_BYTES / 4, STATE_BYTES / 4 + 3 * K)),
      alpha: Float64Array.from(f32.subarray(STATE_BYTES / 4 + 3 * K, STATE_BYTES / 4 + 3 * K + plotCount)),
    });
  };
  const startedAt = performance.now();
  // Training begins here, before the epochs report (the recorder's trainingStarts comes after them).
  options.phases?.enter('training', undefined, startedAt);
  try {
    const outcome = await runEpochs({
      device,
      label: 'per-op',
      epochs: exp.epochs,
      epochsPerSubmit: 1,
      ringSize: options.ringSize ?? 3,
      stagingBytes: STATE_BYTES + thetaBytes + 4 * plotCount,
      submit,
      report,
      signal: options.signal,
    });
    const ok = !outcome.failure && !outcome.lost;
    return { ...outcome, startedAt, timeline: options.timeline && ok ? await perOpTimeline(outcome.reported === exp.epochs) : null };
  } finally {
    owned.destroyAll();
    querySet?.destroy();
  }

  /** The last epoch's timed steps on the GPU's clock (if it ran and was timed), else the last epochs on the host's. */
  async function perOpTimeline(lastEpochRan: boolean): Promise<Timeline | null> {
    const times = querySet && lastEpochRan ? await readPassTimes(device, querySet, 3 * timedSteps) : null;
    if (times) {
      const firstStep = stepsPerEpoch - timedSteps;
      const raw: RawBar[] = times.map(([start, end], q) => ({
        label: `epoch ${exp.epochs} step ${firstStep + Math.floor(q / 3) + 1}: ${KERNELS[q % 3]}`,
        kernel: KERNELS[q % 3],
        start,
        end,
        dispatches: 1,
      }));
      return placeBars(raw, 'gpu timestamps');
    }
    return wall.timeline();
  }
}
