/**
 * The CPU reference trainer: Keras's semantics (docs/design.md section 1) in plain loops over the
 * CPU twins of the kernels, in float64 or in float32 rounded as the GPU rounds.
 */
import type { Experiment } from '../experiment/config';
import { initialTheta, type Dataset } from '../experiment/data';
import { prepareInputs, type RunInputs } from '../experiment/inputs';
import { mapInSlices, stoppable, yielder } from '../experiment/pause';
import { RunRecorder } from '../experiment/recorder';
import type { TrainOptions, TrainResult } from '../experiment/run';
import { activationCode, forward, kahanAdd, mseGrad, roundTo, sgdUpdate, type Activation, type Precision } from './kernels';
import { StoppedError } from '../errors';
import { f64Scratch, f64Steps, f64Validate } from './fast-f64';

/** A copy of `a` with every element rounded to the precision. */
function rounded(a: ArrayLike<number>, precision: Precision): Float64Array {
  const out = Float64Array.from(a);
  for (let i = 0; i < out.length; i++) out[i] = roundTo(out[i], precision);
  return out;
}

/** alpha at the given points with the given theta and activation, by the forward twin. */
export function alphaCpu(theta: ArrayLike<number>, xs: ArrayLike<number>, activation: Activation, precision: Precision = 'f64'): Float64Array {
  const alpha = new Float64Array(xs.length);
  forward(theta.length / 3, 0, xs.length, theta, rounded(xs, precision), null, null, alpha, precision, activationCode(activation));
  return alpha;
}

/** The data of an experiment rounded to a precision, shared by every model trained on it. */
export interface CpuData {
  xTrain: Float64Array;
  yTrain: Float64Array;
  xVal: Float64Array;
  yVal: Float64Array;
}

/** The experiment's data rounded to the precision (float64 data is used as it is). */
export function roundedData(data: Dataset, precision: Precision): CpuData {
  // float64 data is already float64: no copy (at 10^7 points, copying is most of a second).
  if (precision === 'f64') return data;
  return {
    xTrain: rounded(data.xTrain, precision),
    yTrain: rounded(data.yTrain, precision),
    xVal: rounded(data.xVal, precision),
    yVal: rounded(data.yVal, precision),
  };
}

/** One network being trained on the CPU, an epoch at a time. */
export interface CpuModel {
  /** Theta now (K x 3, rows [v, w, b]), updated in place by each epoch. */
  theta: Float64Array;
  /** Runs an epoch (its steps, visiting the points in `order`) and returns its loss and val_loss. */
  epoch(order: Uint32Array): { loss: number; valLoss: number | null };
  /** The same epoch in parts, so a caller can yield and stop inside it: begin with the epoch's order, steps [from, to) in order, end. */
  beginEpoch(order: Uint32Array): void;
  steps(from: number, to: number): void;
  /** Validation points [from, to), in order after the epoch's steps; endEpoch validates those not yet done. */
  validate(from: number, to: number): void;
  endEpoch(): { loss: number; valLoss: number | null };
}

/** Validation points evaluated in one piece: about 2^16 hidden-unit evaluations. */
export function valPointsPerSlice(exp: Experiment): number {
  return Math.max(1, Math.floor(2 ** 16 / exp.config.hiddenUnits));
}

/** What a CpuModel is made of (cpuModel's JavaScript loops, cpu-wasm's module): the rest is cpuModelOf's. */
export interface CpuModelParts {
  theta: Float64Array;
  /** The epoch's Kahan sums [sum, lost] of squared residuals: training and validation. */
  loss: Float64Array;
  val: Float64Array;
  exp: Pick<Experiment, 'trainPoints' | 'valPoints' | 'stepsPerEpoch'>;
  /** Takes the epoch's visiting order (the sums are zeroed by cpuModelOf). */
  begin(order: Uint32Array): void;
  steps(from: number, to: number): void;
  /** Adds validation points [from, to) to `val`. */
  validate(from: number, to: number): void;
  /** The validation loss as the engine rounds it (the float32 twin rounds it to float32). */
  round?: (x: number) => number;
}

/** What an epoch's bookkeeping needs of one model: its Kahan sums of squared residuals, training and validation. */
export interface EpochSums {
  loss: Float64Array;
  val: Float64Array;
}

/**
 * An epoch's bookkeeping for models that step together (one, or cpu-wasm's pairs): the sums zeroed
 * at its start, validation checked to run in order, the rest validated and the losses taken at its end.
 */
export function epochKeeper(
  exp: Pick<Experiment, 'trainPoints' | 'valPoints'>,
  sums: readonly EpochSums[],
  validate: (from: number, to: number) => void,
  round: (x: number) => number = (x) => x,
) {
  let validated = 0;
  const keeper = {
    begin() {
      for (const { loss, val } of sums) {
        loss.fill(0);
        val.fill(0);
      }
      validated = 0;
    },
    validate(from: number, to: number) {
      if (from !== validated) throw new Error(`Internal error: validation points from ${from}, expected ${validated}.`);
      validate(from, to);
      validated = to;
    },
    end(): { loss: number; valLoss: number | null }[] {
      if (exp.valPoints > 0) keeper.validate(validated, exp.valPoints);
      return sums.map(({ loss, val }) => ({ loss: loss[0] / exp.trainPoints, valLoss: exp.valPoints > 0 ? round(val[0] / exp.valPoints) : null }));
    },
  };
  return keeper;
}

/** A CpuModel from its parts: validation checked to run in order, the epoch's end, a whole epoch. */
export function cpuModelOf(parts: CpuModelParts): CpuModel {
  const { loss, val, exp } = parts;
  const keeper = epochKeeper(exp, [{ loss, val }], (from, to) => parts.validate(from, to), parts.round);
  const model: CpuModel = {
    theta: parts.theta,
    beginEpoch(order) {
      parts.begin(order);
      keeper.begin();
    },
    steps: (from, to) => parts.steps(from, to),
    validate: (from, to) => keeper.validate(from, to),
    endEpoch: () => keeper.end()[0],
    epoch(order) {
      model.beginEpoch(order);
      model.steps(0, exp.stepsPerEpoch);
      return model.endEpoch();
    },
  };
  return model;
}

/**
 * Models a sweep steps side by side within an epoch: one CpuModel, or two in the lanes of
 * cpu-wasm's pair kernel (wasm.ts). The same calls as a CpuModel's, for all its members at once.
 */
export interface CpuModelGroup {
  /** The sweep's indices of its models. */
  members: number[];
  /** Each member's theta now (K x 3, rows [v, w, b]). */
  thetas: Float64Array[];
  /** Begins an epoch visiting `order`; a member not `live` (diverged) is carried along, its theta left as it is. */
  beginEpoch(order: Uint32Array, live: readonly boolean[]): void;
  steps(from: number, to: number): void;
  validate(from: number, to: number): void;
  /** Each member's loss and val_loss, in members' order. */
  endEpoch(): { loss: number; valLoss: number | null }[];
}

/** Model m of a sweep as a group of one. */
export function groupOfOne(model: CpuModel, m: number): CpuModelGroup {
  return {
    members: [m],
    thetas: [model.theta],
    beginEpoch: (order) => model.beginEpoch(order),
    steps: (from, to) => model.steps(from, to),
    validate: (from, to) => model.validate(from, to),
    endEpoch: () => [model.endEpoch()],
  };
}

/**
 * A model of `exp` on `data` from `initialTheta`, at its own learning rate (docs/design.md
 * section 1); the caller gives each epoch's visiting order. In float64 its steps are the fused
 * loop of fast-f64.ts; `twins: true` runs the kernel twins one call at a time instead.
 */
export function cpuModel(exp: Experiment, data: CpuData, precision: Precision, initialTheta: Float64Array, options: { twins?: boolean } = {}): CpuModel {
  const { config, trainPoints, valPoints } = exp;
  const K = config.hiddenUnits;
  const B = config.batchSize;
  const { xTrain, yTrain, xVal, yVal } = data;
  const theta = rounded(initialTheta, precision);
  const learningRate = roundTo(config.learningRate, precision);
  const act = activationCode(config.activation);
  const single = precision === 'f32';
  // float64 runs the fused loop unless the twins are asked for (the tests hold one to the other).
  const fast = !single && !options.twins;
  const hidden = new Float64Array(B * K);
  const valSlice = valPointsPerSlice(exp);
  // The twins' alpha and gradient: the fused loop needs neither (a sweep makes a model per network).
  const alpha = new Float64Array(fast ? 0 : Math.max(B, Math.min(valSlice, valPoints)));
  const grad = new Float64Array(fast ? 0 : 3 * K);
  const scratch = f64Scratch(hidden, B);
  // The squared residuals of a set of points summed as the fused kernels sum them (Kahan).
  const addSquares = (acc: Float64Array, first: number, count: number, ys: Float64Array, order: Uint32Array | null) => {
    for (let i = 0; i < count; i++) {
      const r = roundTo(alpha[i] - ys[order ? order[first + i] : first + i], precision);
      kahanAdd(acc, single ? Math.fround(r * r) : r * r, precision);
    }
  };
  const loss = new Float64Array(2);
  const val = new Float64Array(2);
  let order: Uint32Array = new Uint32Array(0);
  return cpuModelOf({
    theta,
    loss,
    val,
    exp,
    round: (x) => roundTo(x, precision),
    begin(given) {
      order = given;
    },
    steps(from, to) {
      // float64: the twins fused into one specialised loop (fast-f64.ts), bit for bit the same.
      if (fast) return f64Steps(K, B, trainPoints, act, learningRate, theta, data, order, from, to, loss, scratch);
      for (let step = from; step < to; step++) {
        const first = step * B;
        const count = Math.min(B, trainPoints - first);
        forward(K, first, count, theta, xTrain, order, hidden, alpha, precision, act);
        addSquares(loss, first, count, yTrain, order);
        mseGrad(K, first, count, theta, xTrain, yTrain, order, hidden, alpha, grad, precision, act);
        sgdUpdate(theta, grad, learningRate, precision);
      }
    },
    validate(from, to) {
      if (fast) return f64Validate(K, act, theta, xVal, yVal, from, to, val);
      for (let first = from; first < to; first += valSlice) {
        const count = Math.min(valSlice, to - first);
        forward(K, first, count, theta, xVal, null, null, alpha, precision, act);
        // addSquares reads alpha[i] for ys[first + i].
        addSquares(val, first, count, yVal, null);
      }
    },
  });
}

/** Steps of an epoch run between two looks at the clock and the signal: about 2^16 hidden-unit evaluations, well under a millisecond. */
export function stepsPerSlice(exp: Experiment): number {
  return Math.max(1, Math.floor(2 ** 16 / (exp.config.hiddenUnits * exp.config.batchSize)));
}

/** The CPU engines that train on one thread: JavaScript in float64 or float32, WebAssembly in float64. */
export type OneThreadEngine = 'cpu' | 'cpu-f32' | 'cpu-wasm';

/** What a one-thread CPU engine says ran its code. */
export function cpuDevice(engine: OneThreadEngine): string {
  return engine === 'cpu-wasm'
    ? 'CPU, WebAssembly SIMD (f64x2), float64, one thread'
    : `CPU, JavaScript, ${engine === 'cpu-f32' ? 'float32 (Math.fround)' : 'float64'}, one thread`;
}

/**
 * The models of `exps` (one run's, or a sweep's on the same data) for a one-thread CPU engine:
 * JavaScript loops on the data rounded to the engine's precision, or WebAssembly (all of them in
 * one module instance, wasm.ts). The one place a run and a stepper get their models.
 */
export async function oneThreadModels(
  engine: OneThreadEngine,
  exps: readonly Experiment[],
  data: Dataset,
  thetas: readonly Float64Array[],
  pause: () => Promise<void> = async () => undefined,
): Promise<CpuModel[]> {
  if (engine === 'cpu-wasm') return (await import('./wasm')).cpuWasmModels(exps, data, thetas);
  const precision: Precision = engine === 'cpu-f32' ? 'f32' : 'f64';
  const rounded = roundedData(data, precision);
  return mapInSlices(exps, 512, pause, (exp, m) => cpuModel(exp, rounded, precision, thetas[m]));
}

/**
 * A sweep's models as the groups it steps (oneThreadModels's, one a group, but for cpu-wasm, which
 * steps two models of one seed and shape at once where it can); `orderIndex` is each model's
 * stream of visiting orders (RunInputs.orderIndex).
 */
export async function oneThreadGroups(
  engine: OneThreadEngine,
  exps: readonly Experiment[],
  data: Dataset,
  thetas: readonly Float64Array[],
  orderIndex: readonly number[],
  pause?: () => Promise<void>,
): Promise<CpuModelGroup[]> {
  if (engine === 'cpu-wasm') return (await import('./wasm')).cpuWasmGroups(exps, data, thetas, orderIndex, pause);
  return (await oneThreadModels(engine, exps, data, thetas, pause)).map(groupOfOne);
}

/** Trains on the CPU; `engine` is 'cpu' (float64), 'cpu-f32' or 'cpu-wasm' (float64 in WebAssembly). Same contract as the GPU trainer. */
export async function trainCpu(exp: Experiment, options: TrainOptions & { engine: OneThreadEngine }): Promise<TrainResult> {
  const { engine, signal } = options;
  const precision: Precision = engine === 'cpu-f32' ? 'f32' : 'f64';
  const recorder = new RunRecorder(exp, engine, options, initialTheta(exp), { device: cpuDevice(engine) });
  const pause = yielder();
  // Preparation in slices ends at a Stop too (making 10^7 points takes most of a second).
  const stop = stoppable(pause, signal);
  let inputs: RunInputs;
  try {
    inputs = await prepareInputs(exp, [exp], stop, recorder.phases);
  } catch (e) {
    if (e instanceof StoppedError) return recorder.result('aborted');
    throw e;
  }
  recorder.phases.enter('compiling');
  const [model] = await oneThreadModels(engine, [exp], inputs.data, inputs.thetas);
  recorder.theta = Float64Array.from(model.theta);
  const alphaAt = options.alphaAt;
  const slice = stepsPerSlice(exp);
  recorder.trainingStarts();
  for (let epoch = 1; epoch <= exp.epochs; epoch++) {
    if (signal?.aborted) return recorder.result('aborted');
    // A long epoch runs in slices with a look at the clock between them: the page stays
    // responsive and a Stop ends the run inside the epoch (which is then left out of the history).
    try {
      model.beginEpoch(await inputs.orders[0]());
    } catch (e) {
      if (e instanceof StoppedError) return recorder.result('aborted', { epoch, stepsDone: 0 });
      throw e;
    }
    if (signal?.aborted) return recorder.result('aborted', { epoch, stepsDone: 0 });
    for (let from = 0; from < exp.stepsPerEpoch; from += slice) {
      const to = Math.min(from + slice, exp.stepsPerEpoch);
      model.steps(from, to);
      if (to < exp.stepsPerEpoch) {
        recorder.phases.progress(to, exp.stepsPerEpoch, epoch);
        await pause();
        if (signal?.aborted) return recorder.result('aborted', { epoch, stepsDone: to });
      }
    }
    // The validation pass in slices too: at 2 * 10^6 validation points it is a long task in one piece.
    const valSlice = valPointsPerSlice(exp);
    for (let from = 0; from < exp.valPoints; from += valSlice) {
      model.validate(from, Math.min(from + valSlice, exp.valPoints));
      if (from + valSlice < exp.valPoints) recorder.phases.progress(from + valSlice, exp.valPoints, epoch, 'validation');
      await pause();
      if (signal?.aborted) return recorder.result('aborted', { epoch, stepsDone: exp.stepsPerEpoch });
    }
    const { loss, valLoss } = model.endEpoch();
    await recorder.epoch(epoch, loss, valLoss, Float64Array.from(model.theta), alphaAt ? () => alphaCpu(model.theta, alphaAt, exp.config.activation, precision) : undefined);
    await pause();
  }
  return recorder.result('completed');
}
