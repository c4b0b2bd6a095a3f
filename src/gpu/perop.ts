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

/** A per-op run's options. */
interface PerOpOptions {
  signal?: AbortSignal;
  ringSize?: number;
  timeline?: boolean | 'wall';
  phases?: PhaseClock;
  onEpoch(e: PerOpEpoch): void | Promise<void>;
}

type Pipelines = Awaited<ReturnType<typeof perOpPipelines>>;

/** What a per-op run has on the GPU: its buffers and the bind group of every dispatch. */
interface PerOpResources {
  owned: ReturnType<typeof runBuffers>;
  theta: GPUBuffer;
  state: GPUBuffer;
  order: GPUBuffer;
  alphaPlot: GPUBuffer;
  groups: Record<'forwardTrain' | 'forwardVal' | 'forwardPlot' | 'gradTrain' | 'gradVal' | 'update', GPUBindGroup>;
}

/** Everything an epoch's submission and its read-back need. */
interface PerOpContext {
  device: GPUDevice;
  exp: Experiment;
  inputs: RunInputs;
  options: PerOpOptions;
  plotCount: number;
  pipes: Pipelines;
  gpu: PerOpResources;
  /** The last epoch's last steps timed pass by pass on the GPU's clock (a timeline), or null. */
  querySet: GPUQuerySet | null;
  timedSteps: number;
  wall: SubmissionClock;
}

const KERNELS = ['forward', 'mse_grad', 'sgd_update'] as const;

/** Trains `exp` with three dispatches a step; each epoch's results go to `onEpoch` in order. */
export async function runPerOp(
  device: GPUDevice,
  exp: Experiment,
  inputs: RunInputs,
  plotAt: Float64Array | null,
  options: PerOpOptions,
): Promise<EpochOutcome & { startedAt: number; timeline: Timeline | null }> {
  const plotCount = plotAt?.length ?? 0;
  checkLimits(exp, device.limits, plotCount);
  options.phases?.enter('compiling');
  const pipes = await perOpPipelines(device, exp.config.batchSize, exp.config.activation);
  options.phases?.enter('uploading');
  const gpu = await uploadPerOp(device, exp, inputs, plotAt, pipes);
  // The timeline (TrainOptions.timeline): the last epoch's last steps with each dispatch in its own
  // pass, timed on the GPU's clock where the adapter has one; else each epoch on the host's clock.
  const timedSteps = Math.min(TIMELINE_BARS / 3, exp.stepsPerEpoch);
  const querySet =
    options.timeline === true && device.features.has('timestamp-query')
      ? device.createQuerySet({ label: 'per-op timestamps', type: 'timestamp', count: 2 * 3 * timedSteps })
      : null;
  const ctx: PerOpContext = { device, exp, inputs, options, plotCount, pipes, gpu, querySet, timedSteps, wall: new SubmissionClock() };
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
      stagingBytes: STATE_BYTES + 4 * 3 * exp.config.hiddenUnits + 4 * plotCount,
      submit: (epoch, _count, staging) => submitEpoch(ctx, epoch, staging),
      report: (epoch, bytes) => readEpoch(ctx, epoch, bytes),
      signal: options.signal,
    });
    const ok = !outcome.failure && !outcome.lost;
    return { ...outcome, startedAt, timeline: options.timeline && ok ? await perOpTimeline(ctx, outcome.reported === exp.epochs) : null };
  } finally {
    gpu.owned.destroyAll();
    querySet?.destroy();
  }
}

/**
 * The run's buffers and bind groups (a refusal, too big, is a GpuLimitError), then the points
 * uploaded in slices (writeFloats): at 10^7 points one copy is a long task.
 */
async function uploadPerOp(device: GPUDevice, exp: Experiment, inputs: RunInputs, plotAt: Float64Array | null, pipes: Pipelines): Promise<PerOpResources> {
  const { config, trainPoints, valPoints } = exp;
  const K = config.hiddenUnits;
  const B = config.batchSize;
  const plotCount = plotAt?.length ?? 0;
  const [forwardPipe, gradTrainPipe, gradEvalPipe, updatePipe] = pipes;
  const { data } = inputs;
  device.pushErrorScope('out-of-memory');
  device.pushErrorScope('validation');
  const STORAGE = BUFFER.STORAGE;
  const UNIFORM = BUFFER.UNIFORM;
  const owned = runBuffers(device);
  const { make, empty } = owned;
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
  const groups = {
    // forward.wgsl: 0 params, 1 state, 2 theta, 3 xs, 4 order, 5 hidden, 6 alpha
    forwardTrain: bind('forward train', forwardPipe, { 0: paramsTrain, 1: state, 2: theta, 3: xTrain, 4: order, 5: hidden, 6: alphaBatch }),
    forwardVal: bind('forward val', forwardPipe, { 0: paramsVal, 1: state, 2: theta, 3: xVal, 4: order, 5: hidden, 6: alphaVal }),
    forwardPlot: bind('forward plot', forwardPipe, { 0: paramsPlot, 1: state, 2: theta, 3: xPlot, 4: order, 5: hidden, 6: alphaPlot }),
    // mse_grad.wgsl: 0 params, 1 state, 2 theta, 3 xs, 4 ys, 5 order, 6 hidden, 7 alpha, 8 grad
    gradTrain: bind('mse_grad train', gradTrainPipe, { 0: paramsTrain, 1: state, 2: theta, 3: xTrain, 4: yTrain, 5: order, 6: hidden, 7: alphaBatch, 8: grad }),
    gradVal: bind('mse_grad val', gradEvalPipe, { 0: paramsVal, 1: state, 2: theta, 3: xVal, 4: yVal, 5: order, 6: hidden, 7: alphaVal, 8: grad }),
    // sgd_update.wgsl: 0 params, 1 state, 2 theta, 3 grad
    update: bind('sgd_update', updatePipe, { 0: paramsUpdate, 1: state, 2: theta, 3: grad }),
  };
  const setupError = (await device.popErrorScope()) ?? (await device.popErrorScope());
  if (setupError) {
    owned.destroyAll();
    throw new GpuLimitError(`The GPU refused the run's buffers: ${setupError.message}`);
  }
  const pause = yielder();
  for (const { buffer, values } of uploads) await writeFloats(device, buffer, values, pause);
  return { owned, theta, state, order, alphaPlot, groups };
}

/**
 * An epoch: its order and a zeroed state written, three dispatches a step (the last epoch's last
 * steps each in a timed pass of its own when a timeline is asked for), validation and alpha on the
 * plot points, then the state, theta and alpha copied to `staging`; resolves with the dispatches.
 */
async function submitEpoch(ctx: PerOpContext, epoch: number, staging: GPUBuffer): Promise<number> {
  const { device, exp, gpu, querySet, plotCount } = ctx;
  const { stepsPerEpoch, valPoints } = exp;
  const K = exp.config.hiddenUnits;
  const [forwardPipe, gradTrainPipe, gradEvalPipe, updatePipe] = ctx.pipes;
  let n = 0;
  device.queue.writeBuffer(gpu.order, 0, await ctx.inputs.orders[0]());
  device.queue.writeBuffer(gpu.state, 0, new Uint32Array(STATE_BYTES / 4));
  const encoder = device.createCommandEncoder({ label: `epoch ${epoch} (per-op)` });
  const step = [
    [forwardPipe, gpu.groups.forwardTrain, Math.ceil(exp.config.batchSize / WG)],
    [gradTrainPipe, gpu.groups.gradTrain, K],
    [updatePipe, gpu.groups.update, Math.ceil((3 * K) / WG)],
  ] as const;
  // Steps before the timed ones (all of them, but in the last epoch of a timed run) in one pass.
  const timedFrom = querySet && epoch === exp.epochs ? stepsPerEpoch - ctx.timedSteps : stepsPerEpoch;
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
    pass.setBindGroup(0, gpu.groups.forwardVal);
    pass.dispatchWorkgroups(Math.ceil(valPoints / WG));
    pass.setPipeline(gradEvalPipe);
    pass.setBindGroup(0, gpu.groups.gradVal);
    pass.dispatchWorkgroups(1);
    n += 2;
  }
  if (plotCount > 0) {
    pass.setPipeline(forwardPipe);
    pass.setBindGroup(0, gpu.groups.forwardPlot);
    pass.dispatchWorkgroups(Math.ceil(plotCount / WG));
    n += 1;
  }
  pass.end();
  const thetaBytes = 4 * 3 * K;
  encoder.copyBufferToBuffer(gpu.state, 0, staging, 0, STATE_BYTES);
  encoder.copyBufferToBuffer(gpu.theta, 0, staging, STATE_BYTES, thetaBytes);
  if (plotCount > 0) encoder.copyBufferToBuffer(gpu.alphaPlot, 0, staging, STATE_BYTES + thetaBytes, 4 * plotCount);
  device.queue.submit([encoder.finish()]);
  if (ctx.options.timeline) ctx.wall.submitted(epoch, { label: `epoch ${epoch}`, kernel: 'per-op epoch', dispatches: n });
  return n;
}

/** An epoch read back: steps done, the loss sum, val_loss, theta and alpha, to onEpoch. */
function readEpoch(ctx: PerOpContext, epoch: number, bytes: ArrayBuffer): void | Promise<void> {
  const K = ctx.exp.config.hiddenUnits;
  ctx.wall.reported(epoch);
  const f32 = new Float32Array(bytes);
  const at = STATE_BYTES / 4;
  return ctx.options.onEpoch({
    epoch,
    stepsDone: new Uint32Array(bytes, 0, 1)[0],
    lossSum: f32[1],
    valLoss: f32[2],
    theta: Float64Array.from(f32.subarray(at, at + 3 * K)),
    alpha: Float64Array.from(f32.subarray(at + 3 * K, at + 3 * K + ctx.plotCount)),
  });
}

/** The last epoch's timed steps on the GPU's clock (if it ran and was timed), else the last epochs on the host's. */
async function perOpTimeline(ctx: PerOpContext, lastEpochRan: boolean): Promise<Timeline | null> {
  const { device, exp, querySet, timedSteps } = ctx;
  const times = querySet && lastEpochRan ? await readPassTimes(device, querySet, 3 * timedSteps) : null;
  if (!times) return ctx.wall.timeline();
  const firstStep = exp.stepsPerEpoch - timedSteps;
  const raw: RawBar[] = times.map(([start, end], q) => ({
    label: `epoch ${exp.epochs} step ${firstStep + Math.floor(q / 3) + 1}: ${KERNELS[q % 3]}`,
    kernel: KERNELS[q % 3],
    start,
    end,
    dispatches: 1,
  }));
  return placeBars(raw, 'gpu timestamps');
}
