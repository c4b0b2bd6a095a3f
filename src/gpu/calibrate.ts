/**
 * Choosing the fused kernel by measurement. For a run's shape (models, K, batch) every variant
 * the adapter can run is first checked against its CPU twin (src/kernels/fused/twin.ts) on a short probe,
 * every probe model compared, then timed on the run's own shape; the fastest variant that passed
 * is chosen. The choice is kept per adapter and shape in a CalibrationStore (the page: localStorage;
 * Node: the user's cache file, calibration-file.ts; else memory), so only the first run of a shape
 * on an adapter pays the few probes.
 */
import { fusedFinish, fusedSpan } from '../kernels/fused/twin';
import { activationCode } from '../experiment/activation';
import { closeness } from '../experiment/compare';
import { prepareExperiment, type Experiment, type ExperimentConfig } from '../experiment/config';
import { sweepFromAxes } from '../experiment/sweep';
import { epochOrders, initialThetas, makeDataset, type Dataset } from '../experiment/data';
import { unlessStopped, yielder } from '../experiment/pause';
import { getGpu, type Gpu } from './device';
import { CALIBRATION_PREFIX, calibrationFile, inNode, type CalibrationStore } from './calibration-file';
import { GpuLimitError, StoppedError } from '../errors';
import { checkFusedLimits, describeKernel, fusedPipeline, runFused, VARIANTS, type FusedEpoch, type KernelChoice } from './fused';
import { candidates, type Candidate } from './variants';
export type { CalibrationStore } from './calibration-file';

/** A store for this page or process only. */
export function memoryStore(): CalibrationStore {
  const map = new Map<string, string>();
  return { get: (k) => map.get(k) ?? null, set: (k, v) => void map.set(k, v) };
}

/** A store in the browser's localStorage, so a page calibrates a shape once per adapter. */
export function localStorageStore(storage: Storage): CalibrationStore {
  return {
    get: (k) => storage.getItem(k),
    set: (k, v) => {
      try {
        storage.setItem(k, v);
      } catch {
        // A full or disabled storage only means calibrating again next time.
      }
    },
  };
}

/** Where choices are kept unless a run gives a store: a page's localStorage; in Node the user's cache file (calibration-file.ts); else memory. */
let defaultStore: Promise<CalibrationStore> | null = null;
function storeHere(): Promise<CalibrationStore> {
  defaultStore ??=
    typeof localStorage !== 'undefined'
      ? Promise.resolve(localStorageStore(localStorage))
      : inNode()
        ? calibrationFile().catch(() => memoryStore())
        : Promise.resolve(memoryStore());
  return defaultStore;
}

/** One variant's line in a calibration. */
export interface CalibrationRow {
  kernel: string;
  choice: KernelChoice;
  /** Why it was not timed: it cannot run here, or it failed its check. */
  skipped?: string;
  /** The check against the CPU twin: worst relative difference seen. */
  maxRel?: number;
  /** Time per step of all the run's models, best of the timed probes. */
  msPerStep?: number;
  /** How it was timed: the GPU's timestamps where the adapter has them, else wall time. */
  clock?: 'gpu timestamps' | 'wall time';
}

/** A calibration: every variant's row and the one chosen. */
export interface Calibration {
  key: string;
  choice: KernelChoice;
  rows: CalibrationRow[];
}

/** The models of a shape: what differs between them (a single run is one). */
export interface ShapeModel {
  hiddenUnits: number;
  learningRate: number;
  initSeed?: number;
}

const bucket = (n: number) => 2 ** Math.ceil(Math.log2(Math.max(1, n)));

/** The key a shape's calibration is kept under: the adapter, and P, K and batch rounded up to powers of two. */
export function calibrationKey(gpu: Pick<Gpu, 'description' | 'subgroupMinSize'>, base: Experiment, models: readonly ShapeModel[]): string {
  const maxK = Math.max(...models.map((m) => m.hiddenUnits));
  return `${CALIBRATION_PREFIX} | ${gpu.description} | subgroups ${gpu.subgroupMinSize ?? 'none'} | P ${bucket(models.length)} | K ${bucket(maxK)} | batch ${bucket(base.config.batchSize)}`;
}

/** A probe of `steps` steps an epoch and `epochs` epochs on the run's data and batch. */
function probeExperiment(base: Experiment, steps: number, epochs: number): Experiment {
  const stepsPerEpoch = Math.max(1, Math.min(base.stepsPerEpoch, steps));
  return { ...base, epochs, stepsPerEpoch, totalSteps: epochs * stepsPerEpoch };
}

/** The initial thetas of a probe's models: the run's init, seeded by each model (its own seed, or the run's + m). */
function probeThetas(base: Experiment, models: readonly ShapeModel[]): Promise<Float64Array[]> {
  const exps = models.map((model, m) => ({
    ...base,
    config: { ...base.config, hiddenUnits: model.hiddenUnits, initSeed: model.initSeed ?? base.config.initSeed + m, initialTheta: undefined },
  }));
  return initialThetas(exps, yielder());
}

/** Every probe model's theta, loss and val_loss after a few steps, against the CPU twin. */
async function check(gpu: Gpu, base: Experiment, data: Dataset, models: readonly ShapeModel[], choice: KernelChoice): Promise<{ ok: boolean; maxRel: number; detail: string }> {
  const P = models.length;
  const picked = Array.from({ length: Math.min(P, 64) }, (_, i) => models[Math.floor((i * P) / Math.min(P, 64))]);
  const maxK = Math.max(...picked.map((m) => m.hiddenUnits));
  const steps = Math.max(1, Math.min(16, Math.floor(2 ** 18 / (picked.length * base.config.batchSize * maxK))));
  const probe = probeExperiment(base, steps, 1);
  const order = epochOrders(base)();
  const thetas = await probeThetas(base, picked);
  // The check is of the arithmetic: a learning rate that would diverge within the probe is probed
  // at 0.01, so every compared number is finite.
  const rate = (m: ShapeModel) => Math.min(m.learningRate, 0.01);
  let epoch: FusedEpoch | null = null;
  const outcome = await runFused(gpu.device, {
    base: probe,
    models: picked.map((m, i) => ({ hiddenUnits: m.hiddenUnits, learningRate: rate(m), orderIndex: 0, theta: thetas[i] })),
    orders: [() => order],
    plotAt: null,
    choice,
    data,
    onEpoch: (e) => void (epoch = e),
  });
  if (outcome.failure || !epoch) return { ok: false, maxRel: Infinity, detail: String(outcome.failure ?? 'no epoch came back') };
  const got = epoch as FusedEpoch;
  const f32 = (a: Float64Array) => Float64Array.from(a, Math.fround);
  const twinData = { xTrain: f32(data.xTrain), yTrain: f32(data.yTrain), xVal: f32(data.xVal), yVal: f32(data.yVal) };
  const lanes = choice.variant === 'subgroup' ? choice.workgroupSize : 1;
  const act = activationCode(base.config.activation);
  let maxRel = 0;
  for (let i = 0; i < picked.length; i++) {
    const theta = f32(thetas[i]);
    const loss = new Float64Array(2);
    fusedSpan(theta, rate(picked[i]), base.config.batchSize, order, twinData, 0, probe.stepsPerEpoch, lanes, loss, 'f32', act);
    const { valLoss } = fusedFinish(theta, twinData, [], lanes, 'f32', act);
    const checks = [
      closeness(got.theta(i), theta, 1e-5, 1e-4, `model ${i} theta`),
      closeness([got.loss[i] * base.trainPoints], [loss[0]], 1e-6, 1e-4, `model ${i} loss`),
      ...(valLoss === null ? [] : [closeness([got.valLoss[i]], [valLoss], 1e-6, 1e-4, `model ${i} val_loss`)]),
    ];
    for (const c of checks) {
      if (!c.ok) return { ok: false, maxRel: c.maxRel, detail: c.report };
      maxRel = Math.max(maxRel, c.maxRel);
    }
  }
  return { ok: true, maxRel, detail: `${picked.length} models, ${probe.stepsPerEpoch} steps` };
}

/**
 * Time per step of the run's models with this variant: a warm-up, then the best of two probes, on
 * the GPU's clock (timestamps) where the adapter has one, else wall time from submission to results.
 */
async function time(
  gpu: Gpu,
  base: Experiment,
  data: Dataset,
  models: readonly ShapeModel[],
  choice: KernelChoice,
): Promise<{ ms: number; clock: 'gpu timestamps' | 'wall time' }> {
  const P = models.length;
  const maxK = Math.max(...models.map((m) => m.hiddenUnits));
  const work = P * base.config.batchSize * maxK;
  const steps = Math.max(1, Math.ceil(2 ** 19 / work));
  // Steps only: the run's validation (a forward pass over its points, once an epoch) would weigh
  // far more in a probe of a few steps than in the run. Epochs until the probe has ~2^19 hidden-unit
  // evaluations: at one step an epoch (batch 800 of 1000 points) 8 epochs were 8 steps, under a
  // millisecond, and SwiftShader's noise picked the subgroup kernel where tiled is 1.7x faster.
  const probe = { ...probeExperiment(base, steps, Math.max(1, Math.min(64, Math.ceil(2 ** 19 / (Math.min(steps, base.stepsPerEpoch) * work))))), valPoints: 0 };
  const seeds = [...new Set(models.map((m, i) => m.initSeed ?? i))];
  const seedIndex = new Map(seeds.map((s, i) => [s, i]));
  const orders = seeds.map((_, i) => epochOrders({ ...base, config: { ...base.config, initSeed: base.config.initSeed + i } }));
  const thetas = await probeThetas(base, models);
  const fusedModels = models.map((m, i) => ({
    hiddenUnits: m.hiddenUnits,
    learningRate: m.learningRate,
    orderIndex: seedIndex.get(m.initSeed ?? i)!,
    theta: thetas[i],
  }));
  // Both clocks from every timed probe; the GPU's is used only if every probe had it.
  const gpuMs: (number | null)[] = [];
  const wallMs: number[] = [];
  // A warm-up of one epoch (the first dispatch of a pipeline pays for more than its work), then two timed probes.
  const warmUp = { ...probe, epochs: 1, totalSteps: probe.stepsPerEpoch };
  for (let trial = 0; trial < 3; trial++) {
    let end = 0;
    const outcome = await runFused(gpu.device, {
      base: trial === 0 ? warmUp : probe,
      models: fusedModels,
      orders,
      plotAt: null,
      choice,
      timestamps: true,
      data,
      onEpoch: () => void (end = performance.now()),
    });
    if (outcome.failure) throw outcome.failure;
    if (trial === 0) continue;
    gpuMs.push(outcome.gpuMs);
    wallMs.push(end - outcome.startedAt);
  }
  const onGpu = gpuMs.every((t) => t !== null);
  return { ms: Math.min(...(onGpu ? (gpuMs as number[]) : wallMs)) / probe.totalSteps, clock: onGpu ? 'gpu timestamps' : 'wall time' };
}

/** Points a probe's data holds at most: a shape (P, K, batch) times the same on 10^7 points as on these, and the probes stay short. */
const PROBE_POINTS = 2 ** 16;

/** The experiment the probes run on: the run's, with at most PROBE_POINTS points (and one epoch's steps). */
export function probeBase(base: Experiment): Experiment {
  const { points, batchSize, validationSplit } = base.config;
  const cap = Math.max(PROBE_POINTS, Math.ceil((4 * batchSize) / (1 - validationSplit)));
  if (points <= cap) return base;
  return prepareExperiment({ ...base.config, points: cap, steps: cap, initialTheta: undefined });
}

/** Checks and times every variant for this shape; throws if none passes its check. */
export async function calibrate(
  gpu: Gpu,
  run: Experiment,
  models: readonly ShapeModel[],
  list: Candidate[] = candidates(gpu, models.length, Math.max(...models.map((m) => m.hiddenUnits)), run.config.batchSize),
  signal?: AbortSignal,
  progress?: (done: number, total: number) => void,
): Promise<Calibration> {
  const stopHere = () => {
    if (signal?.aborted) throw new StoppedError('the calibration was stopped');
  };
  const base = probeBase(run);
  const rows: CalibrationRow[] = [];
  const maxK = Math.max(...models.map((m) => m.hiddenUnits));
  const seeds = new Set(models.map((m, i) => m.initSeed ?? i)).size;
  let limit: GpuLimitError | null = null;
  // The data once for every probe (at N = 10^6 it takes ~75 ms to make).
  const data = makeDataset(base);
  // Every probe model at the largest K: one pipeline a variant, not one a K (a sweep over
  // K = 2..32 compiled 20 pipelines to calibrate, 13.6 s on SwiftShader), and the largest K is the
  // costliest to run. The pipelines compile at once, before the first probe.
  const probed = models.map((m) => ({ ...m, hiddenUnits: maxK }));
  await unlessStopped(Promise.all(list.filter((c) => !c.skipped).map((c) => fusedPipeline(gpu.device, c.choice, maxK, run.config.activation).catch(() => undefined))), signal);
  // Variants measured so far, of those that can run here (a limit may still skip one).
  const runnable = list.filter((c) => !c.skipped).length;
  let measured = 0;
  for (const { choice, skipped } of list) {
    const row: CalibrationRow = { kernel: describeKernel(choice), choice };
    rows.push(row);
    if (!skipped) progress?.(measured++, runnable);
    if (skipped) {
      row.skipped = skipped;
      continue;
    }
    try {
      checkFusedLimits(base, models.length, maxK, seeds, 0, choice, gpu.device);
    } catch (e) {
      if (!(e instanceof GpuLimitError)) throw e;
      limit ??= e;
      row.skipped = e.message;
      continue;
    }
    stopHere();
    try {
      const c = await check(gpu, base, data, probed, choice);
      row.maxRel = c.maxRel;
      if (!c.ok) {
        row.skipped = `failed its check against the CPU twin: ${c.detail.split('\n')[0]}`;
        continue;
      }
      stopHere();
      const t = await time(gpu, base, data, probed, choice);
      row.msPerStep = t.ms;
      row.clock = t.clock;
    } catch (e) {
      if (e instanceof StoppedError) throw e;
      row.skipped = `failed to run: ${(e as Error).message}`;
    }
  }
  const timed = rows.filter((r) => r.msPerStep !== undefined).sort((a, b) => a.msPerStep! - b.msPerStep!);
  if (timed.length === 0) {
    // Nothing fits: say which limit, as a run past the limits would.
    if (limit && rows.every((r) => r.maxRel === undefined)) throw limit;
    if (rows.every((r) => r.maxRel === undefined))
      throw new GpuLimitError(
        `No fused kernel can run this shape on ${gpu.description}: ${rows.map((r) => `${r.kernel}: ${r.skipped}`).join('; ')}. Use the per-op engine (gpu-perop).`,
      );
    throw new Error(`No fused kernel passed its check on ${gpu.description}: ${rows.map((r) => `${r.kernel}: ${r.skipped}`).join('; ')}. Use the per-op engine (gpu-perop).`);
  }
  return { key: calibrationKey(gpu, base, models), choice: timed[0].choice, rows };
}

/** A calibration in progress, shared by every run of its shape that waits for it; stopped when every one of them has stopped. */
interface Pending {
  choice: Promise<KernelChoice>;
  controller: AbortController;
  /** Waiters that can still stop (a waiter without a signal never does: the count never reaches 0). */
  waiting: number;
}

const inFlight = new Map<string, Pending>();

/**
 * The variant for this shape: from the store if it was calibrated before on this adapter, else
 * calibrated now (and kept). A variant that cannot run or failed its check is never chosen.
 * `signal` stops the wait at once (StoppedError); the calibration itself stops at its next probe
 * when every run waiting for it has stopped, so nothing goes on unseen.
 */
export async function chooseKernel(
  gpu: Gpu,
  base: Experiment,
  options: { models: readonly ShapeModel[]; store?: CalibrationStore; fresh?: boolean; signal?: AbortSignal; progress?: (done: number, total: number) => void },
): Promise<KernelChoice> {
  const store = options.store ?? (await storeHere());
  const key = calibrationKey(gpu, base, options.models);
  const kept = options.fresh ? null : store.get(key);
  if (kept) {
    try {
      const parsed = JSON.parse(kept) as Calibration;
      if (parsed.choice && VARIANTS.includes(parsed.choice.variant) && Number.isInteger(parsed.choice.workgroupSize)) return parsed.choice;
    } catch {
      // A damaged entry is calibrated again.
    }
  }
  let pending = inFlight.get(key);
  if (!pending) {
    const controller = new AbortController();
    const choice = calibrate(gpu, base, options.models, undefined, controller.signal, options.progress).then((c) => {
      store.set(key, JSON.stringify(c));
      return c.choice;
    });
    pending = { choice, controller, waiting: 0 };
    inFlight.set(key, pending);
    void choice.finally(() => inFlight.delete(key)).catch(() => undefined);
  }
  const { signal } = options;
  if (!signal) {
    pending.waiting = -Infinity;
    return pending.choice;
  }
  const shared = pending;
  shared.waiting++;
  signal.addEventListener('abort', () => --shared.waiting === 0 && shared.controller.abort(), { once: true });
  return unlessStopped(shared.choice, signal);
}

/** Calibrates the shape of a config (one model) or of a sweep on it, afresh: `npm run bench -- --kernels`. */
export async function calibrateShape(config: Partial<ExperimentConfig>, sweep?: { text: string; seeds: number }): Promise<Calibration> {
  const gpu = await getGpu();
  if (!sweep) {
    const exp = prepareExperiment(config);
    return calibrate(gpu, exp, [{ hiddenUnits: exp.config.hiddenUnits, learningRate: exp.config.learningRate }]);
  }
  const { base, models } = sweepFromAxes(config, sweep.text, sweep.seeds);
  return calibrate(gpu, base, models);
}
