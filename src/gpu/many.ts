/**
 * A sweep on the GPU: fused_models.wgsl trains every model in one dispatch an epoch, one
 * workgroup a model. The data goes up once; each epoch, one visiting order per distinct seed;
 * each epoch's losses of all models come back through a ring of staging buffers.
 */
import { epochOrders, initialTheta, makeDataset } from '../experiment/data';
import type { ManyOptions, ManyResult, Sweep } from '../experiment/sweep';
import { readBuffer, runBuffers } from './buffers';
import { getGpu } from './device';
import { getPipeline } from './kernels';
import { fusedWorkgroupSize, GpuLimitError } from './trainer';

/** Bytes a sweep needs in its largest buffers, per model and in all. */
export function sweepFootprint(sweep: Sweep, distinctSeeds: number) {
  const { batchSize } = sweep.base.config;
  const perModel = { thetas: 4 * 3 * sweep.maxHiddenUnits, residual: 4 * batchSize };
  return { perModel, orders: 4 * distinctSeeds * sweep.base.trainPoints };
}

/** Throws GpuLimitError, naming the largest P that fits, if the sweep would not fit the device. */
export function checkSweepLimits(sweep: Sweep, limits: GPUSupportedLimits, distinctSeeds: number, wg: number): void {
  const P = sweep.models.length;
  const maxBinding = Math.min(limits.maxStorageBufferBindingSize, limits.maxBufferSize);
  const f = sweepFootprint(sweep, distinctSeeds);
  const fits = Math.min(
    limits.maxComputeWorkgroupsPerDimension,
    Math.floor(maxBinding / f.perModel.thetas),
    Math.floor(maxBinding / Math.max(4, f.perModel.residual)),
  );
  if (P > fits) {
    throw new GpuLimitError(`${P} models do not fit this device: at most ${fits} with K up to ${sweep.maxHiddenUnits} and batch ${sweep.base.config.batchSize} (one workgroup and ${f.perModel.thetas + f.perModel.residual} bytes a model). Train P <= ${fits} at a time.`);
  }
  if (f.orders > maxBinding) throw new GpuLimitError(`${distinctSeeds} visiting orders of ${sweep.base.trainPoints} points need ${f.orders} bytes; this device allows ${maxBinding}. Use fewer seeds.`);
  const workgroupBytes = 4 * (3 * sweep.maxHiddenUnits + wg);
  if (workgroupBytes > limits.maxComputeWorkgroupStorageSize) {
    throw new GpuLimitError(`K = ${sweep.maxHiddenUnits} needs ${workgroupBytes} bytes of workgroup memory; this device has ${limits.maxComputeWorkgroupStorageSize}. Use a smaller K.`);
  }
}

/** Points as (x, y) pairs in float32, at least one pair so the buffer is never empty. */
function interleave(xs: Float64Array, ys: Float64Array): Float32Array {
  const out = new Float32Array(Math.max(2, 2 * xs.length));
  xs.forEach((x, i) => {
    out[2 * i] = x;
    out[2 * i + 1] = ys[i];
  });
  return out;
}

/** Trains every model of the sweep on the GPU. */
export async function trainManyGpu(sweep: Sweep, options: ManyOptions): Promise<ManyResult> {
  const t0 = performance.now();
  const { base, models, experiments } = sweep;
  const P = models.length;
  const { batchSize: B } = base.config;
  const Kmax = sweep.maxHiddenUnits;
  const stride = 3 * Kmax;
  const wg = fusedWorkgroupSize(B, Kmax);
  // Models with the same seed share a visiting order: a sweep has few seeds and many cells.
  const seeds = [...new Set(models.map((m) => m.initSeed))];
  const seedIndex = new Map(seeds.map((s, i) => [s, i]));
  const gpu = await getGpu();
  const { device } = gpu;
  checkSweepLimits(sweep, device.limits, seeds.length, wg);
  const pipeline = await getPipeline(device, 'fused_models', { WG: wg, THETA_LEN: stride });

  device.pushErrorScope('out-of-memory');
  const STORAGE = GPUBufferUsage.STORAGE;
  const owned = runBuffers(device);
  const { make } = owned;
  const data = makeDataset(base);
  const thetaInit = new Float32Array(P * stride);
  experiments.forEach((exp, m) => thetaInit.set(initialTheta(exp), m * stride));
  const modelWords = new ArrayBuffer(16 * P);
  const u32 = new Uint32Array(modelWords);
  const f32 = new Float32Array(modelWords);
  models.forEach((spec, m) => {
    u32[4 * m] = spec.hiddenUnits;
    f32[4 * m + 1] = spec.learningRate;
    u32[4 * m + 2] = seedIndex.get(spec.initSeed)!;
  });
  const params = new Uint32Array([B, base.trainPoints, base.stepsPerEpoch, base.valPoints, stride, 0, 0, 0]);
  const buffers = [
    make('params', params, GPUBufferUsage.UNIFORM),
    make('models', new Uint8Array(modelWords)),
    make('thetas', thetaInit, STORAGE | GPUBufferUsage.COPY_SRC),
    make('train', interleave(data.xTrain, data.yTrain)),
    make('orders', new Uint32Array(seeds.length * base.trainPoints), STORAGE | GPUBufferUsage.COPY_DST),
    make('val', interleave(data.xVal, data.yVal)),
    make('out', new Float32Array(2 * P), STORAGE | GPUBufferUsage.COPY_SRC),
    make('residual', new Float32Array(P * B)),
  ];
  const [, , thetas, , orders, , out] = buffers;
  const group = device.createBindGroup({ label: 'fused_models', layout: pipeline.getBindGroupLayout(0), entries: buffers.map((buffer, binding) => ({ binding, resource: { buffer } })) });
  const ring = [0, 1, 2].map((i) => make(`staging ${i}`, new Float32Array(2 * P), GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST));
  const oom = await device.popErrorScope();
  if (oom) {
    owned.destroyAll();
    throw new GpuLimitError(`The GPU could not hold ${P} models: ${oom.message}`);
  }
  const nextOrders = seeds.map((seed) => epochOrders(experiments[models.findIndex((m) => m.initSeed === seed)]));
  const divergedAt: (number | null)[] = new Array(P).fill(null);
  const loss: Float64Array[] = [];
  const valLoss: Float64Array[] = [];
  let dispatches = 0;
  let failure: unknown = null;
  const t1 = performance.now();

  let chain: Promise<void> = Promise.resolve();
  const slotFree = ring.map(() => Promise.resolve());
  try {
    for (let epoch = 1; epoch <= base.epochs; epoch++) {
      const slot = (epoch - 1) % ring.length;
      await slotFree[slot];
      if (failure || options.signal?.aborted) break;
      nextOrders.forEach((next, i) => device.queue.writeBuffer(orders, 4 * i * base.trainPoints, next()));
      const encoder = device.createCommandEncoder({ label: `sweep epoch ${epoch}` });
      const pass = encoder.beginComputePass();
      pass.setPipeline(pipeline);
      pass.setBindGroup(0, group);
      pass.dispatchWorkgroups(P);
      pass.end();
      dispatches++;
      encoder.copyBufferToBuffer(out, 0, ring[slot], 0, 8 * P);
      device.queue.submit([encoder.finish()]);
      const staging = ring[slot];
      const mapped = staging.mapAsync(GPUMapMode.READ);
      mapped.catch(() => undefined);
      chain = chain
        .then(async () => {
          await mapped;
          const values = new Float32Array(staging.getMappedRange().slice(0));
          staging.unmap();
          if (failure || options.signal?.aborted) return;
          const l = new Float64Array(P);
          const v = new Float64Array(P);
          for (let m = 0; m < P; m++) {
            const diverged = divergedAt[m] !== null;
            l[m] = diverged ? NaN : values[2 * m] / base.trainPoints;
            v[m] = diverged || base.valPoints === 0 ? NaN : values[2 * m + 1];
            if (!diverged && !Number.isFinite(l[m])) divergedAt[m] = epoch;
          }
          loss.push(l);
          valLoss.push(v);
          await options.onEpoch?.({ epoch, loss: l, valLoss: v });
        })
        .catch((e: unknown) => {
          failure ??= e;
        });
      slotFree[slot] = chain;
    }
    await chain;
    if (failure) throw failure;
    const final = new Float32Array(await readBuffer(device, thetas));
    const t2 = performance.now();
    return {
      engine: 'gpu',
      loss,
      valLoss,
      divergedAt,
      thetas: models.map((spec, m) => Float64Array.from(final.subarray(m * stride, m * stride + 3 * spec.hiddenUnits))),
      status: loss.length === base.epochs ? 'completed' : 'aborted',
      epochs: loss.length,
      dispatches,
      timings: { setupMs: t1 - t0, trainMs: t2 - t1, totalMs: t2 - t0 },
      device: gpu.description,
    };
  } finally {
    owned.destroyAll();
  }
}
