/**
 * Runs in the test page: each kernel against its CPU twin, and whole training runs, with
 * results returned as plain JSON to the Node side (test/browser/*.test.ts), which asserts.
 */
import { activationCode, type Activation } from '../../src/experiment/activation';
import { forward, mseGrad, sgdUpdate } from '../../src/kernels/perop/twin';
import type { ExperimentConfig } from '../../src/experiment/config';
import { RandomState } from '../../src/experiment/random';
import { type EngineName, type TrainResult } from '../../src/experiment/run';
import { bufferWith, readBuffer } from '../../src/gpu/buffers';
import { getGpu, releaseGpu } from '../../src/gpu/device';
import { getPipeline, type KernelName } from '../../src/gpu/kernels';
import type { GpuTuning } from '../../src/gpu/trainer';
import { gradWorkgroupSize, WG } from '../../src/gpu/perop';
import { runFused, type FusedEpoch, type KernelChoice } from '../../src/gpu/fused';
import { calibrate, calibrationKey, type Calibration } from '../../src/gpu/calibrate';
import { candidates } from '../../src/gpu/variants';
import { fusedFinish, fusedSpan } from '../../src/kernels/fused/twin';
import { makeDataset, plotGrid } from '../../src/experiment/data';
import { createStepper, train, trainSweep as trainSweepEngine } from '../../src/train';
import { started as workersStarted } from '../../src/cpu/pool';
import { finiteOrNull, parseSweep, prepareSweep, sweepFromAxes, type SweepEngine } from '../../src/experiment/sweep';
import { DEFAULT_CONFIG, prepareExperiment } from '../../src/experiment/config';
import { DivergedError } from '../../src/errors';

/** A kernel case: K units, batches of `batch` out of `total` points, the batch at `step`. */
export interface KernelCase {
  K: number;
  batch: number;
  total: number;
  step: number;
  seed: number;
  mode?: 'train' | 'eval';
  /** The hidden units' activation (default the lecture's sigmoid). */
  activation?: Activation;
}

/** A fused-kernel case: P models (K, learning rate), `steps` steps of `batch` on N points. */
export interface FusedCase {
  variant: 'invocation' | 'subgroup' | 'tiled';
  workgroupSize?: number;
  /** Subgroup variant: lanes a model (default: the adapter's smallest subgroup). */
  lanes?: number;
  models: { K: number; lr: number }[];
  batch: number;
  points: number;
  steps: number;
  stepsPerDispatch?: number;
  seed: number;
  activation?: Activation;
}

/** Extras of a harness training run. */
export interface TrainExtra {
  abortAfterEpoch?: number;
  /** Destroys the device from inside onEpoch once that epoch is reported, as a lost GPU would. */
  loseDeviceAfterEpoch?: number;
  /** Record the GPU's timeline (TrainOptions.timeline). */
  timeline?: boolean | 'wall';
  alphaAt?: number[];
  tuning?: GpuTuning;
  workers?: number;
}

/** GPU and CPU outputs of one kernel case, by output name. */
export type KernelOutputs = Record<string, { gpu: number[]; cpu: number[] }>;

const f32 = (a: ArrayLike<number>) => Float32Array.from(a as ArrayLike<number>);
const STORAGE = GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST;

function inputs(c: KernelCase) {
  const rs = new RandomState(c.seed);
  const theta = new Float64Array(3 * c.K);
  for (let k = 0; k < c.K; k++) {
    theta[3 * k] = rs.uniform(-1, 1, 1)[0];
    theta[3 * k + 1] = rs.uniform(-3, 3, 1)[0];
    theta[3 * k + 2] = rs.uniform(-2, 2, 1)[0];
  }
  return {
    theta: f32(theta),
    xs: f32(rs.uniform(-4, 4, c.total)),
    ys: f32(rs.uniform(0, 12, c.total)),
    order: rs.permutation(c.total),
    hidden: f32(rs.uniform(0, 1, c.batch * c.K)),
    alpha: f32(rs.uniform(-2, 14, Math.max(c.batch, c.total))),
    grad: f32(rs.uniform(-5, 5, 3 * c.K)),
  };
}

async function runKernel(name: KernelName, constants: Record<string, number>, buffers: ArrayBufferView[], uniformWords: ArrayBufferView, groups: number) {
  const { device } = await getGpu();
  const pipeline = await getPipeline(device, name, constants);
  device.pushErrorScope('validation');
  const made = [bufferWith(device, 'params', uniformWords, GPUBufferUsage.UNIFORM), ...buffers.map((b, i) => bufferWith(device, `${name} ${i}`, b, STORAGE))];
  const group = device.createBindGroup({ layout: pipeline.getBindGroupLayout(0), entries: made.map((buffer, binding) => ({ binding, resource: { buffer } })) });
  const encoder = device.createCommandEncoder();
  const pass = encoder.beginComputePass();
  pass.setPipeline(pipeline);
  pass.setBindGroup(0, group);
  pass.dispatchWorkgroups(groups);
  pass.end();
  device.queue.submit([encoder.finish()]);
  const out = await Promise.all(made.slice(1).map((b) => readBuffer(device, b)));
  const error = await device.popErrorScope();
  made.forEach((b) => b.destroy());
  if (error) throw new Error(error.message);
  return out;
}

function state(step: number, lossSum: number, valLoss = 0): ArrayBuffer {
  const buf = new ArrayBuffer(16);
  new Uint32Array(buf)[0] = step;
  new Float32Array(buf)[1] = lossSum;
  new Float32Array(buf)[2] = valLoss;
  return buf;
}

const params = (...w: number[]) => new Uint32Array([...w, 0, 0, 0, 0, 0, 0, 0, 0].slice(0, 8));
const MODE = { train: 0, eval: 1 };

const harness = {
  trainSweep,

  /** Steps a run on an engine in chunks; theta after them, and the float32 CPU twin's stepper after the same chunks. */
  async stepThrough(config: Partial<ExperimentConfig>, engine: EngineName, chunks: number[]) {
    const stepper = await createStepper(config, engine);
    const twin = await createStepper(config, 'cpu-f32');
    const views = [];
    let history = { loss: [] as number[], valLoss: [] as (number | null)[] };
    let twinHistory = history;
    for (const n of chunks) {
      const v = await stepper.steps(n);
      twinHistory = (await twin.steps(n)).history;
      history = v.history;
      views.push({ epoch: v.epoch, step: v.step, stepsDone: v.stepsDone, batch: v.batch.x.length, gradient: [...v.gradient] });
    }
    stepper.dispose();
    return { theta: [...stepper.theta], twin: [...twin.theta], views, history, twinHistory };
  },

  /** The adapter in use, or why there is none. */
  async adapter(): Promise<{ ok: boolean; description: string; subgroupMinSize: number | null }> {
    try {
      const gpu = await getGpu();
      return { ok: true, description: gpu.description, subgroupMinSize: gpu.subgroupMinSize };
    } catch (e) {
      return { ok: false, description: String(e), subgroupMinSize: null };
    }
  },

  /** forward.wgsl against forward(). */
  async forward(c: KernelCase): Promise<KernelOutputs> {
    const d = inputs(c);
    const train = (c.mode ?? 'train') === 'train';
    const first = train ? c.step * c.batch : 0;
    const count = train ? Math.min(c.batch, c.total - first) : c.total;
    const batch = train ? c.batch : c.total;
    const hiddenCpu = new Float64Array(batch * c.K);
    const alphaCpu = new Float64Array(batch);
    const act = activationCode(c.activation ?? 'sigmoid');
    forward(c.K, first, count, d.theta, d.xs, train ? d.order : null, hiddenCpu, alphaCpu, 'f32', act);
    const [, , , , hidden, alpha] = await runKernel(
      'forward',
      { WG, ACTIVATION: act },
      [new Uint8Array(state(c.step, 0)), d.theta, d.xs, d.order, new Float32Array(batch * c.K), new Float32Array(batch)],
      params(c.K, batch, c.total, MODE[c.mode ?? 'train']),
      Math.ceil(batch / WG),
    );
    const out: KernelOutputs = {
      alpha: { gpu: [...new Float32Array(alpha)].slice(0, count), cpu: [...alphaCpu].slice(0, count) },
    };
    if (train) out.hidden = { gpu: [...new Float32Array(hidden)].slice(0, count * c.K), cpu: [...hiddenCpu].slice(0, count * c.K) };
    return out;
  },

  /** mse_grad.wgsl against mseGrad(). */
  async mseGrad(c: KernelCase): Promise<KernelOutputs> {
    const d = inputs(c);
    const train = (c.mode ?? 'train') === 'train';
    const first = train ? c.step * c.batch : 0;
    const count = train ? Math.min(c.batch, c.total - first) : c.total;
    const gradCpu = new Float64Array(3 * c.K);
    const lossBefore = 0.75;
    const act = activationCode(c.activation ?? 'sigmoid');
    const sumSq = mseGrad(c.K, first, count, d.theta, d.xs, d.ys, train ? d.order : null, train ? d.hidden : null, d.alpha, train ? gradCpu : null, 'f32', act);
    const wg = train ? gradWorkgroupSize(c.batch) : WG;
    const [st, , , , , , , grad] = await runKernel(
      'mse_grad',
      { WG: wg, ACTIVATION: act },
      [new Uint8Array(state(c.step, lossBefore)), d.theta, d.xs, d.ys, d.order, d.hidden, d.alpha, new Float32Array(3 * c.K)],
      params(c.K, train ? c.batch : c.total, c.total, MODE[c.mode ?? 'train']),
      train ? c.K : 1,
    );
    const s = new Float32Array(st);
    if (!train) return { valLoss: { gpu: [s[2]], cpu: [Math.fround(sumSq / count)] } };
    return {
      grad: { gpu: [...new Float32Array(grad)], cpu: [...gradCpu] },
      lossSum: { gpu: [s[1]], cpu: [Math.fround(lossBefore + sumSq)] },
    };
  },

  /** sgd_update.wgsl against sgdUpdate(). */
  async sgdUpdate(c: KernelCase): Promise<KernelOutputs> {
    const d = inputs(c);
    const lr = Math.fround(0.008);
    const thetaCpu = Float64Array.from(d.theta);
    sgdUpdate(thetaCpu, d.grad, lr, 'f32');
    const words = new ArrayBuffer(32);
    new Uint32Array(words)[0] = 3 * c.K;
    new Float32Array(words)[1] = lr;
    const [st, theta] = await runKernel('sgd_update', { WG }, [new Uint8Array(state(c.step, 0)), d.theta, d.grad], new Uint8Array(words), Math.ceil((3 * c.K) / WG));
    return {
      theta: { gpu: [...new Float32Array(theta)], cpu: [...thetaCpu] },
      step: { gpu: [new Uint32Array(st)[0]], cpu: [c.step + 1] },
    };
  },

  /**
   * A fused kernel (one variant) against its CPU twin: P models with their own K and learning
   * rate, two visiting orders, `steps` steps in dispatches of `stepsPerDispatch`, then validation
   * and alpha on the plot grid; every model's theta, loss, val_loss and alpha returned.
   */
  async fusedKernel(c: FusedCase): Promise<KernelOutputs & { kernel: KernelOutputs[string] }> {
    const gpu = await getGpu();
    const rs = new RandomState(c.seed);
    const maxK = Math.max(...c.models.map((m) => m.K));
    const exp = prepareExperiment({ points: c.points, batchSize: c.batch, hiddenUnits: maxK, steps: 10 * c.points, activation: c.activation ?? 'sigmoid' });
    const act = activationCode(exp.config.activation);
    const base = { ...exp, epochs: 1, stepsPerEpoch: c.steps, totalSteps: c.steps };
    const orders = [rs.permutation(exp.trainPoints), rs.permutation(exp.trainPoints)];
    const thetas = c.models.map((m) => {
      const t = new Float64Array(3 * m.K);
      for (let k = 0; k < m.K; k++) {
        t[3 * k] = rs.uniform(-1, 1, 1)[0];
        t[3 * k + 1] = rs.uniform(-3, 3, 1)[0];
        t[3 * k + 2] = rs.uniform(-2, 2, 1)[0];
      }
      return f32(t);
    });
    const choice: KernelChoice =
      c.variant === 'subgroup'
        ? { variant: 'subgroup', workgroupSize: c.lanes ?? gpu.subgroupMinSize ?? 0 }
        : { variant: c.variant, workgroupSize: c.workgroupSize ?? (c.variant === 'tiled' ? 16 : 64) };
    const grid = plotGrid();
    let got: FusedEpoch | null = null;
    const outcome = await runFused(gpu.device, {
      base,
      models: c.models.map((m, i) => ({ hiddenUnits: m.K, learningRate: Math.fround(m.lr), orderIndex: i % 2, theta: Float64Array.from(thetas[i]) })),
      orders: orders.map((o) => () => o),
      data: makeDataset(exp),
      plotAt: grid,
      choice,
      stepsPerDispatch: c.stepsPerDispatch,
      onEpoch: (e) => void (got = e),
    });
    if (outcome.failure) throw outcome.failure;
    const e = got as unknown as FusedEpoch;
    const data = makeDataset(exp);
    const twinData = { xTrain: f32(data.xTrain), yTrain: f32(data.yTrain), xVal: f32(data.xVal), yVal: f32(data.yVal) };
    const lanes = c.variant === 'subgroup' ? choice.workgroupSize : 1;
    const out = {
      theta: { gpu: [] as number[], cpu: [] as number[] },
      lossSum: { gpu: [] as number[], cpu: [] as number[] },
      valLoss: { gpu: [] as number[], cpu: [] as number[] },
      alpha: { gpu: [] as number[], cpu: [] as number[] },
    };
    c.models.forEach((m, i) => {
      const theta = Float64Array.from(thetas[i]);
      const loss = new Float64Array(2);
      fusedSpan(theta, m.lr, c.batch, orders[i % 2], twinData, 0, c.steps, lanes, loss, 'f32', act);
      const fin = fusedFinish(theta, twinData, f32(grid), lanes, 'f32', act);
      out.theta.gpu.push(...e.theta(i));
      out.theta.cpu.push(...theta);
      out.lossSum.gpu.push(e.loss[i] * exp.trainPoints);
      out.lossSum.cpu.push(loss[0]);
      out.valLoss.gpu.push(e.valLoss[i]);
      out.valLoss.cpu.push(fin.valLoss ?? NaN);
      out.alpha.gpu.push(...e.alpha(i));
      out.alpha.cpu.push(...fin.alpha);
    });
    // One dispatch a span of steps and a K.
    const spans = Math.ceil(c.steps / (c.stepsPerDispatch ?? c.steps));
    return { ...out, kernel: { gpu: [outcome.dispatches], cpu: [spans * new Set(c.models.map((m) => m.K)).size] } };
  },

  /** Calibrates a shape (optionally with extra candidates, e.g. a wrong one) and returns every row and the choice. */
  async calibrate(config: Partial<ExperimentConfig>, models: { hiddenUnits: number; learningRate: number }[], extra: 'too-many-lanes' | null = null) {
    const gpu = await getGpu();
    const exp = prepareExperiment(config);
    const list = candidates(gpu, models.length, Math.max(...models.map((m) => m.hiddenUnits)), exp.config.batchSize);
    const info = gpu.adapter.info as GPUAdapterInfo & { subgroupMaxSize?: number };
    // Twice the largest subgroup: the workgroup spans two subgroups and subgroupAdd sees half the units.
    if (extra === 'too-many-lanes' && info.subgroupMaxSize) list.unshift({ choice: { variant: 'subgroup', workgroupSize: 2 * info.subgroupMaxSize } });
    try {
      return { ok: true as const, calibration: await calibrate(gpu, exp, models, list), subgroupMinSize: gpu.subgroupMinSize };
    } catch (e) {
      return { ok: false as const, error: (e as Error).message, subgroupMinSize: gpu.subgroupMinSize };
    }
  },

  /** The calibration kept in localStorage for a shape, parsed, or null. */
  async storedCalibration(config: Partial<ExperimentConfig>, models: { hiddenUnits: number; learningRate: number }[]) {
    const kept = localStorage.getItem(calibrationKey(await getGpu(), prepareExperiment(config), models));
    return kept === null ? null : (JSON.parse(kept) as Calibration);
  },

  /** TensorFlow.js on the same experiment (the benchmark's competitor), or why it failed. */
  async tfjs(config: Partial<ExperimentConfig>, backend: 'webgpu' | 'cpu', epochs: number) {
    try {
      const { tfjsTrain } = await import('../../src/cli/tfjs');
      return { ok: true as const, run: await tfjsTrain(config, backend, epochs) };
    } catch (e) {
      return { ok: false as const, error: `${(e as Error).name}: ${(e as Error).message}` };
    }
  },

  /** Keeps `choice` as the calibration of a shape in localStorage, as a calibration would. */
  async keepCalibration(config: Partial<ExperimentConfig>, models: { hiddenUnits: number; learningRate: number }[], choice: KernelChoice) {
    const key = calibrationKey(await getGpu(), prepareExperiment(config), models);
    localStorage.setItem(key, JSON.stringify({ key, choice, rows: [] } satisfies Calibration));
  },

  /** The device's limits that bound a sweep's size. */
  async limits() {
    const { limits } = (await getGpu()).device;
    return { maxBinding: Math.min(limits.maxStorageBufferBindingSize, limits.maxBufferSize), subgroupMinSize: (await getGpu()).subgroupMinSize };
  },

  /** The variants this adapter can run for P models of up to maxK units. */
  async candidates(P: number, maxK: number) {
    return candidates(await getGpu(), P, maxK);
  },

  workerRuns,

  stopSweep,

  /**
   * Trains and returns the result as JSON, or the error's name, message and partial history.
   * `abortAfterEpoch` aborts from inside onEpoch once that epoch is reported.
   */
  async train(config: Partial<ExperimentConfig>, engine: EngineName, extra: TrainExtra = {}) {
    const controller = new AbortController();
    const seen: number[] = [];
    const alphas: number[][] = [];
    const plain = (r: TrainResult) => ({ ...r, theta: [...r.theta] });
    try {
      const result = await train(
        config,
        {
          engine,
          signal: controller.signal,
          workers: extra.workers,
          timeline: extra.timeline,
          alphaAt: extra.alphaAt ? Float64Array.from(extra.alphaAt) : undefined,
          onEpoch: (r) => {
            seen.push(r.epoch);
            if (r.alpha) alphas.push([...r.alpha]);
            if (extra.abortAfterEpoch !== undefined && r.epoch >= extra.abortAfterEpoch) controller.abort();
            if (r.epoch === extra.loseDeviceAfterEpoch) void releaseGpu();
          },
        },
        extra.tuning,
      );
      return { ok: true as const, result: plain(result), seen, alphas };
    } catch (e) {
      const err = e as Error & { partial?: TrainResult; epoch?: number };
      return {
        ok: false as const,
        error: { name: err.name, message: err.message, epoch: err instanceof DivergedError ? err.epoch : undefined },
        partial: err.partial ? plain(err.partial) : undefined,
        seen,
      };
    }
  },
};

/**
 * Trains with cpu-workers (3 workers) and then a sweep on all cores, each `times`
 * times, and says how many workers of each kind had been started after each run (the pool keeps
 * them), with each run's wall time from the call to the result.
 */
async function workerRuns(times: number) {
  const runs: { single: number; sweep: number; singleMs: number; sweepMs: number }[] = [];
  const { models } = parseSweep('lr=0.004:0.016:x2,K=4:8:x2', 1, DEFAULT_CONFIG);
  for (let i = 0; i < times; i++) {
    let t = performance.now();
    await train({ steps: 1600 }, { engine: 'cpu-workers', workers: 3 });
    const singleMs = performance.now() - t;
    t = performance.now();
    await trainSweepEngine(prepareSweep({ steps: 1600 }, models), { engine: 'cpu-workers' });
    runs.push({ single: workersStarted.get('cpu-workers') ?? 0, sweep: workersStarted.get('sweep') ?? 0, singleMs, sweepMs: performance.now() - t });
  }
  return runs;
}

/** Trains a sweep on the GPU and returns its result as JSON (NaN as null), or the error. */
async function trainSweep(base: Partial<ExperimentConfig>, text: string, seeds: number) {
  try {
    const sweep = sweepFromAxes(base, text, seeds);
    const r = await trainSweepEngine(sweep, { engine: 'gpu' });
    return {
      ok: true as const,
      models: sweep.models,
      loss: r.loss.map(finiteOrNull),
      valLoss: r.valLoss.map(finiteOrNull),
      divergedAt: r.divergedAt,
      thetas: r.thetas.map((t) => [...t]),
      dispatches: r.dispatches,
      trainMs: r.timings.trainMs,
      kernel: r.kernel,
    };
  } catch (e) {
    return { ok: false as const, error: { name: (e as Error).name, message: (e as Error).message } };
  }
}

/**
 * Starts a sweep on `engine`, stops it `stopAfterMs` into the call (while it sets up, for a big
 * sweep), and says how long the Stop took to be answered and how far the sweep got.
 */
async function stopSweep(base: Partial<ExperimentConfig>, text: string, seeds: number, engine: SweepEngine, stopAfterMs: number) {
  const sweep = sweepFromAxes(base, text, seeds);
  const controller = new AbortController();
  let stoppedAt = 0;
  setTimeout(() => {
    stoppedAt = performance.now();
    controller.abort();
  }, stopAfterMs);
  const r = await trainSweepEngine(sweep, { engine, signal: controller.signal });
  return { answeredMs: performance.now() - stoppedAt, epochs: r.epochs, status: r.status, models: sweep.models.length, thetas: r.thetas.length };
}

/** What window.harness offers the tests. */
export type Harness = typeof harness;

(window as unknown as { harness: Harness }).harness = harness;
