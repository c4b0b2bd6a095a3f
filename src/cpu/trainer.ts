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
import { activationCode, type Activation } from '../experiment/activation';
import { ENGINE_TABLE, type OneThreadEngine } from '../experiment/engines';
import { kahanAdd, roundTo, type Precision } from '../kernels/common';
import { forward, mseGrad, sgdUpdate } from '../kernels/perop/twin';
import { StoppedError } from '../errors';
import { f64Scratch, f64Steps, f64Validate } from './fast-f64';
import { cpuModelOf, groupOfOne, rounded, roundedData, valPointsPerSlice, type CpuData, type CpuModel, type CpuModelGroup } from './model';

/** alpha at the given points with the given theta and activation, by the forward twin. */
export function alphaCpu(theta: ArrayLike<number>, xs: ArrayLike<number>, activation: Activation, precision: Precision = 'f64'): Float64Array {
  const alpha = new Float64Array(xs.length);
  forward(theta.length / 3, 0, xs.length, theta, rounded(xs, precision), null, null, alpha, precision, activationCode(activation));
  return alpha;
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

/** The CPU engines that train on one thread (engines.ts): JavaScript in float64 or float32, WebAssembly in float64. */
export type { OneThreadEngine };

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
  const precision: Precision = ENGINE_TABLE[engine].precision;
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
  const precision: Precision = ENGINE_TABLE[engine].precision;
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
