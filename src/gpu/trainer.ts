/**
 * The GPU training host. It uploads the data once, streams each epoch's visiting order, encodes
 * every step of an epoch in one submission (per-op: forward, MSE gradient and SGD update as
 * three dispatches a step; fused: fused_epoch.wgsl, one dispatch for the epoch), and reads each
 * epoch's losses and theta back through a ring of staging buffers with mapAsync, so the queue
 * already holds the next epochs while the host reports the last one.
 */
import type { Experiment } from '../experiment/config';
import { epochOrders, initialTheta, makeDataset } from '../experiment/data';
import { DivergedError, isDiverged, type EpochRecord, type TrainOptions, type TrainResult } from '../experiment/run';
import { runBuffers } from './buffers';
import { getGpu } from './device';
import { getPipeline } from './kernels';

/** The run does not fit this device's limits; the message names the limit and what to change. */
export class GpuLimitError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'GpuLimitError';
  }
}

/** The device was lost during a run; `partial` keeps the epochs that completed. */
export class DeviceLostError extends Error {
  constructor(
    message: string,
    readonly partial: TrainResult,
  ) {
    super(message);
    this.name = 'DeviceLostError';
  }
}

/** Knobs of the GPU host, for tests and the benchmark; the defaults suit both strategies. */
export interface GpuTuning {
  /** Most steps one fused dispatch runs (an epoch takes several dispatches past it). */
  fusedStepsPerDispatch?: number;
  /** Workgroup size of the fused kernel (a power of two). */
  fusedWorkgroupSize?: number;
  /** Epochs in flight at once (staging buffers in the ring). */
  ringSize?: number;
}

const MODE_TRAIN = 0;
const MODE_EVAL = 1;
const STATE_BYTES = 16;
/** Workgroup size of forward, sgd_update and the evaluation pass of mse_grad. */
export const WG = 64;
/** About 2^24 hidden-unit evaluations per fused dispatch keeps one dispatch well under a second on a real GPU. */
const FUSED_WORK_PER_DISPATCH = 2 ** 24;

function nextPow2(n: number): number {
  return 2 ** Math.ceil(Math.log2(Math.max(1, n)));
}

/** The MSE gradient's workgroup for a batch: the batch rounded up to a power of two, at most 64. */
export function gradWorkgroupSize(batchSize: number): number {
  return Math.min(WG, nextPow2(batchSize));
}

/**
 * The fused kernel's default workgroup: one invocation per point of the batch or per four
 * hidden units, a power of two from 4 to 64. Every step pays two barriers across the workgroup,
 * so idle invocations cost: on SwiftShader the lecture's run took ~80 ms with 4 invocations,
 * ~150 ms with 16 and ~400 ms with 64 (and ~140 ms with 1, which computes all K units alone).
 */
export function fusedWorkgroupSize(batchSize: number, hiddenUnits: number): number {
  return Math.min(64, Math.max(4, nextPow2(Math.max(Math.min(batchSize, 64), Math.ceil(hiddenUnits / 4)))));
}

/** Throws GpuLimitError if the run needs more than the device allows. */
function checkLimits(exp: Experiment, limits: GPUSupportedLimits, fused: boolean, fusedWg: number, plotCount: number): void {
  const { config, trainPoints, valPoints } = exp;
  const K = config.hiddenUnits;
  const B = config.batchSize;
  const maxGroups = limits.maxComputeWorkgroupsPerDimension;
  const maxBinding = Math.min(limits.maxStorageBufferBindingSize, limits.maxBufferSize);
  const buffers: [string, number][] = [
    ['the data (N points)', 4 * config.points],
    ['the hidden activations (Nbatch x K)', 4 * B * K],
  ];
  for (const [what, bytes] of buffers) {
    if (bytes > maxBinding) {
      throw new GpuLimitError(`${what} need ${bytes} bytes in one buffer; this device allows ${maxBinding}. Use fewer points, a smaller batch or fewer hidden units.`);
    }
  }
  const dispatches: [string, number][] = [
    ['the forward pass of a batch (Nbatch / 64)', Math.ceil(B / WG)],
    ['the forward pass of the validation points', Math.ceil(valPoints / WG)],
    ['the forward pass of the plot points', Math.ceil(plotCount / WG)],
    ['the MSE gradient (one workgroup per hidden unit)', K],
  ];
  for (const [what, groups] of dispatches) {
    if (groups > maxGroups) {
      throw new GpuLimitError(`${what} needs ${groups} workgroups; this device allows ${maxGroups} per dispatch. Use a smaller size.`);
    }
  }
  if (fused) {
    const bytes = 4 * (3 * K + fusedWg + 1);
    if (bytes > limits.maxComputeWorkgroupStorageSize) {
      const maxK = Math.floor((limits.maxComputeWorkgroupStorageSize / 4 - fusedWg - 1) / 3);
      throw new GpuLimitError(
        `The fused kernel keeps theta in workgroup memory: K = ${K} needs ${bytes} bytes, this device has ` +
          `${limits.maxComputeWorkgroupStorageSize} (K <= ${maxK}). Use fewer hidden units or the per-op engine (gpu-perop).`,
      );
    }
  }
  if (trainPoints > 2 ** 31) throw new GpuLimitError('Too many training points for 32-bit indices.');
}

/** The pipelines a run needs, from the per-device cache; `fusedWg` null for per-op. */
function pipelinesFor(device: GPUDevice, batchSize: number, hiddenUnits: number, fusedWg: number | null) {
  return Promise.all([
    getPipeline(device, 'forward', { WG }),
    getPipeline(device, 'mse_grad', { WG: gradWorkgroupSize(batchSize) }),
    getPipeline(device, 'mse_grad', { WG }),
    getPipeline(device, 'sgd_update', { WG }),
    fusedWg === null ? null : getPipeline(device, 'fused_epoch', { WG: fusedWg, THETA_LEN: 3 * hiddenUnits }),
  ]);
}

/**
 * Gets the device and compiles the pipelines a run of `exp` will need, so that pressing Train
 * later starts at once. Errors are left for the run itself to report.
 */
export async function warmUpGpu(exp: Experiment): Promise<void> {
  const { device } = await getGpu();
  const { batchSize, hiddenUnits } = exp.config;
  await pipelinesFor(device, batchSize, hiddenUnits, fusedWorkgroupSize(batchSize, hiddenUnits));
}

/** Trains on the GPU with the fused ('gpu') or per-op ('gpu-perop') strategy. */
export async function trainGpu(
  exp: Experiment,
  options: TrainOptions & { engine: 'gpu' | 'gpu-perop' },
  tuning: GpuTuning = {},
): Promise<TrainResult> {
  const t0 = performance.now();
  const { engine } = options;
  const fused = engine === 'gpu';
  const { config, trainPoints, valPoints, epochs, stepsPerEpoch } = exp;
  const K = config.hiddenUnits;
  const B = config.batchSize;
  const alphaAt = options.alphaAt ?? null;
  const plotCount = alphaAt?.length ?? 0;
  const fusedWg = tuning.fusedWorkgroupSize ?? fusedWorkgroupSize(B, K);
  const fusedSteps = Math.max(1, Math.floor(tuning.fusedStepsPerDispatch ?? FUSED_WORK_PER_DISPATCH / (B * K)));
  const ringSize = Math.max(1, tuning.ringSize ?? 3);

  const gpu = await getGpu();
  const { device } = gpu;
  checkLimits(exp, device.limits, fused, fusedWg, plotCount);
  let lost: GPUDeviceLostInfo | null = null;
  void device.lost.then((info) => (lost = info));

  // Pipelines: compiled once per device and cached; the first run pays the compilation (or
  // warmUpGpu did it already).
  const [forwardPipe, gradTrainPipe, gradEvalPipe, updatePipe, fusedPipe] = await pipelinesFor(device, B, K, fused ? fusedWg : null);

  device.pushErrorScope('out-of-memory');
  device.pushErrorScope('validation');
  const STORAGE = GPUBufferUsage.STORAGE;
  const owned = runBuffers(device);
  const { make, empty } = owned;

  // The data goes up once, as float32.
  const data = makeDataset(exp);
  const xTrain = make('xTrain', Float32Array.from(data.xTrain));
  const yTrain = make('yTrain', Float32Array.from(data.yTrain));
  const xVal = make('xVal', Float32Array.from(data.xVal));
  const yVal = make('yVal', Float32Array.from(data.yVal));
  const xPlot = make('xPlot', Float32Array.from(alphaAt ?? [0]));
  const theta = make('theta', Float32Array.from(initialTheta(exp)), STORAGE | GPUBufferUsage.COPY_SRC);
  const state = empty('state', STATE_BYTES, STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST);
  const order = empty('order', 4 * trainPoints, STORAGE | GPUBufferUsage.COPY_DST);
  const hidden = empty('hidden', 4 * B * K);
  const alphaBatch = empty('alphaBatch', 4 * B);
  const alphaVal = empty('alphaVal', 4 * valPoints);
  const alphaPlot = empty('alphaPlot', 4 * plotCount, STORAGE | GPUBufferUsage.COPY_SRC);
  const grad = empty('grad', 4 * 3 * K);
  const residual = empty('residual', 4 * B);
  const uniform = (label: string, words: number[], floatAt = -1) => {
    const buf = new ArrayBuffer(32);
    const u = new Uint32Array(buf);
    words.forEach((w, i) => (i === floatAt ? (new Float32Array(buf)[i] = w) : (u[i] = w)));
    return make(label, u, GPUBufferUsage.UNIFORM);
  };
  const paramsTrain = uniform('params train', [K, B, trainPoints, MODE_TRAIN]);
  const paramsVal = uniform('params val', [K, valPoints, valPoints, MODE_EVAL]);
  const paramsPlot = uniform('params plot', [K, plotCount, plotCount, MODE_EVAL]);
  const paramsUpdate = uniform('params update', [3 * K, config.learningRate], 1);
  const paramsFused = uniform('params fused', [K, B, trainPoints, stepsPerEpoch, fusedSteps, config.learningRate], 5);

  const group = (label: string, pipeline: GPUComputePipeline, buffers: GPUBuffer[]) =>
    device.createBindGroup({
      label,
      layout: pipeline.getBindGroupLayout(0),
      entries: buffers.map((buffer, binding) => ({ binding, resource: { buffer } })),
    });
  const forwardTrain = group('forward train', forwardPipe, [paramsTrain, state, theta, xTrain, order, hidden, alphaBatch]);
  const forwardVal = group('forward val', forwardPipe, [paramsVal, state, theta, xVal, order, hidden, alphaVal]);
  const forwardPlot = group('forward plot', forwardPipe, [paramsPlot, state, theta, xPlot, order, hidden, alphaPlot]);
  const gradTrain = group('mse_grad train', gradTrainPipe, [paramsTrain, state, theta, xTrain, yTrain, order, hidden, alphaBatch, grad]);
  const gradVal = group('mse_grad val', gradEvalPipe, [paramsVal, state, theta, xVal, yVal, order, hidden, alphaVal, grad]);
  const update = group('sgd_update', updatePipe, [paramsUpdate, state, theta, grad]);
  const fusedGroup = fusedPipe && group('fused_epoch', fusedPipe, [paramsFused, state, theta, xTrain, yTrain, order, residual]);

  // The readback ring: state, theta and alpha of one epoch per staging buffer.
  const thetaBytes = 4 * 3 * K;
  const stagingBytes = STATE_BYTES + thetaBytes + 4 * plotCount;
  const ring = Array.from({ length: ringSize }, (_, i) =>
    empty(`staging ${i}`, stagingBytes, GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST),
  );
  const setupError = (await device.popErrorScope()) ?? (await device.popErrorScope());
  if (setupError) {
    owned.destroyAll();
    throw new GpuLimitError(`The GPU refused the run's buffers: ${setupError.message}`);
  }

  const nextOrder = epochOrders(exp);
  const zeroState = new Uint32Array(STATE_BYTES / 4);
  const history = { loss: [] as number[], valLoss: [] as (number | null)[] };
  let lastTheta = initialTheta(exp);
  let dispatches = 0;
  let failure: unknown = null;
  let stopped = false;
  const t1 = performance.now();
  let t2 = t1;
  const result = (status: TrainResult['status']): TrainResult => ({
    engine,
    history,
    theta: lastTheta,
    status,
    epochs: history.loss.length,
    dispatches,
    timings: { setupMs: t1 - t0, trainMs: t2 - t1, totalMs: t2 - t0 },
    device: gpu.description,
  });

  /** Encodes and submits one epoch; returns the dispatches it issued. */
  const submitEpoch = (staging: GPUBuffer): number => {
    let n = 0;
    device.queue.writeBuffer(order, 0, nextOrder());
    device.queue.writeBuffer(state, 0, zeroState);
    const encoder = device.createCommandEncoder({ label: `epoch (${engine})` });
    const pass = encoder.beginComputePass({ label: `epoch (${engine})` });
    if (fusedPipe && fusedGroup) {
      pass.setPipeline(fusedPipe);
      pass.setBindGroup(0, fusedGroup);
      for (let done = 0; done < stepsPerEpoch; done += fusedSteps, n++) pass.dispatchWorkgroups(1);
    } else {
      const forwardGroups = Math.ceil(B / WG);
      const updateGroups = Math.ceil((3 * K) / WG);
      for (let step = 0; step < stepsPerEpoch; step++, n += 3) {
        pass.setPipeline(forwardPipe);
        pass.setBindGroup(0, forwardTrain);
        pass.dispatchWorkgroups(forwardGroups);
        pass.setPipeline(gradTrainPipe);
        pass.setBindGroup(0, gradTrain);
        pass.dispatchWorkgroups(K);
        pass.setPipeline(updatePipe);
        pass.setBindGroup(0, update);
        pass.dispatchWorkgroups(updateGroups);
      }
    }
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
    return n;
  };

  /** Reads one epoch's staging buffer, checks it, records it and reports it. */
  const report = async (epoch: number, staging: GPUBuffer): Promise<void> => {
    const bytes = staging.getMappedRange().slice(0);
    staging.unmap();
    if (stopped) return;
    const stepDone = new Uint32Array(bytes, 0, 1)[0];
    const f32 = new Float32Array(bytes);
    if (stepDone !== stepsPerEpoch) {
      throw new Error(`Internal error: epoch ${epoch} ran ${stepDone} of ${stepsPerEpoch} steps on the GPU.`);
    }
    const loss = f32[1] / trainPoints;
    const valLoss = valPoints > 0 ? f32[2] : null;
    const thetaNow = Float64Array.from(f32.subarray(STATE_BYTES / 4, STATE_BYTES / 4 + 3 * K));
    if (isDiverged(loss)) {
      stopped = true;
      t2 = performance.now();
      throw new DivergedError(epoch, loss, result('diverged'));
    }
    history.loss.push(loss);
    history.valLoss.push(valLoss);
    lastTheta = thetaNow;
    t2 = performance.now();
    const record: EpochRecord = { epoch, loss, valLoss };
    if (options.thetaEachEpoch) record.theta = thetaNow;
    if (plotCount > 0) record.alpha = Float64Array.from(f32.subarray(STATE_BYTES / 4 + 3 * K));
    await options.onEpoch?.(record);
  };

  // Epochs run ahead of the reports by up to ringSize; reports stay in order on one chain.
  let chain: Promise<void> = Promise.resolve();
  const slotFree: Promise<void>[] = ring.map(() => Promise.resolve());
  try {
    for (let epoch = 1; epoch <= epochs; epoch++) {
      const slot = (epoch - 1) % ringSize;
      await slotFree[slot];
      if (stopped || failure || lost || options.signal?.aborted) break;
      const staging = ring[slot];
      device.pushErrorScope('validation');
      dispatches += submitEpoch(staging);
      const scope = device.popErrorScope();
      const mapped = staging.mapAsync(GPUMapMode.READ);
      chain = chain
        .then(async () => {
          const error = await scope;
          if (error) throw new Error(`WebGPU validation error in epoch ${epoch}: ${error.message}`);
          await mapped;
          if (failure || options.signal?.aborted) {
            staging.unmap();
            stopped = true;
            return;
          }
          await report(epoch, staging);
        })
        .catch((e: unknown) => {
          failure ??= e;
          stopped = true;
        });
      slotFree[slot] = chain;
      mapped.catch(() => undefined);
    }
    await chain;
  } finally {
    owned.destroyAll();
  }
  if (failure instanceof DivergedError) throw failure;
  // A lost device shows first as failed maps; give its lost promise a moment to say why.
  if (failure && !lost) await Promise.race([device.lost, new Promise((r) => setTimeout(r, 100))]);
  const lostInfo = lost as GPUDeviceLostInfo | null;
  if (lostInfo) {
    throw new DeviceLostError(
      `The GPU device was lost after epoch ${history.loss.length} (${lostInfo.reason}: ${lostInfo.message || 'no message'}). ` +
        'The history so far is kept; train again to get a new device, or use the CPU engine.',
      result('aborted'),
    );
  }
  if (failure) throw failure;
  t2 = performance.now();
  return result(history.loss.length === epochs ? 'completed' : 'aborted');
}
