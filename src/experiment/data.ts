/** The lecture's data, its Keras split, the initial theta and the plot grid. */
import { formulaConfigError, type Experiment, type ExperimentConfig } from './config';
import { RandomState } from './random';
import { mapInSlices } from './pause';
import { MAX_TARGET_MAGNITUDE, targetFunction, targetValueProblem } from './targets';
import { FormulaError } from '../errors';
export { PLOT_POINTS, plotGrid } from './grid';

/** Training and validation points in float64, in the order numpy drew them. */
export interface Dataset {
  xTrain: Float64Array;
  yTrain: Float64Array;
  xVal: Float64Array;
  yVal: Float64Array;
}

/**
 * `np.random.seed(dataSeed); xs = np.random.uniform(-4, 4, size=(N, 1)); ys = f(xs)`, then
 * Keras's split: the first trainPoints train and the last ones validate, before any shuffle.
 */
export function makeDataset(exp: Experiment): Dataset {
  const { config } = exp;
  const xs = new RandomState(config.dataSeed).uniform(-4, 4, config.points);
  const ys = new Float64Array(xs.length);
  evaluateTarget(config, targetFunction(config.target, config.formula), xs, ys, 0, ys.length);
  return split(exp, xs, ys);
}

/** Points made between two looks at the clock by makeDatasetAsync (~4 ms of work on a slow machine). */
const SLICE_POINTS = 2 ** 14;

/**
 * makeDataset in slices of SLICE_POINTS, awaiting `pause` between them, so a page stays
 * responsive while it makes 10^7 points (~1 s); the same numbers (numpy draws x one after another).
 */
export async function makeDatasetAsync(exp: Experiment, pause: () => Promise<void>): Promise<Dataset> {
  const { config } = exp;
  const rs = new RandomState(config.dataSeed);
  const f = targetFunction(config.target, config.formula);
  const xs = new Float64Array(config.points);
  const ys = new Float64Array(config.points);
  for (let at = 0; at < config.points; at += SLICE_POINTS) {
    const n = Math.min(SLICE_POINTS, config.points - at);
    rs.fillUniform(xs, at, at + n, -4, 4);
    evaluateTarget(config, f, xs, ys, at, at + n);
    await pause();
  }
  return split(exp, xs, ys);
}

/**
 * The data points at the given indices (`train` into the training points, `val` into the
 * validation points, each ascending), the very points makeDataset makes, in slices: numpy's
 * stream is drawn through, but only the points asked for are kept and only their f computed. What
 * a chart shows of 10^7 points, without holding them (160 MB) or evaluating f 10^7 times. Their y
 * is not checked finite (a chart skips a point that is not).
 */
export async function pickDatasetAsync(exp: Experiment, at: { train: number[]; val: number[] }, pause: () => Promise<void>): Promise<Dataset> {
  const { config, trainPoints } = exp;
  const rs = new RandomState(config.dataSeed);
  const f = targetFunction(config.target, config.formula);
  const wanted = [...at.train, ...at.val.map((i) => trainPoints + i)];
  const xs = new Float64Array(wanted.length);
  const slice = new Float64Array(SLICE_POINTS);
  let next = 0;
  for (let from = 0; from < config.points && next < wanted.length; from += SLICE_POINTS) {
    const n = Math.min(SLICE_POINTS, config.points - from);
    rs.fillUniform(slice, 0, n, -4, 4);
    for (; next < wanted.length && wanted[next] < from + n; next++) xs[next] = slice[wanted[next] - from];
    await pause();
  }
  const ys = xs.map((x) => {
    try {
      return f(x);
    } catch {
      return NaN;
    }
  });
  const t = at.train.length;
  return { xTrain: xs.subarray(0, t), yTrain: ys.subarray(0, t), xVal: xs.subarray(t), yVal: ys.subarray(t) };
}

/**
 * ys[i] = f(xs[i]) for points [from, to); a ConfigError (formula) at the first point where f
 * cannot be evaluated or its value cannot be used (targetValueProblem), naming the point.
 */
function evaluateTarget(config: ExperimentConfig, f: (x: number) => number, xs: Float64Array, ys: Float64Array, from: number, to: number): void {
  let i = from;
  try {
    for (; i < to; i++) {
      const y = f(xs[i]);
      ys[i] = y;
      // One comparison a point (false for NaN too); the reason is worked out only for a bad one.
      if (!(Math.abs(y) <= MAX_TARGET_MAGNITUDE)) break;
    }
  } catch (e) {
    if (!(e instanceof FormulaError)) throw e;
    throw formulaConfigError(config.formula, `${e.message} at data point ${i}: f must be usable on all of (-4, 4)`);
  }
  if (i < to) throw formulaConfigError(config.formula, `${targetValueProblem(xs[i], ys[i])} at data point ${i}: f must be usable on all of (-4, 4)`);
}

/** Keras's split of the points (their ys checked finite). */
function split(exp: Experiment, xs: Float64Array, ys: Float64Array): Dataset {
  const { trainPoints } = exp;
  return {
    xTrain: xs.subarray(0, trainPoints),
    yTrain: ys.subarray(0, trainPoints),
    xVal: xs.subarray(trainPoints),
    yVal: ys.subarray(trainPoints),
  };
}

/**
 * The initial theta, K x 3 row-major with row k = [v_k, w_k, b_k], as Keras initialises the
 * lecture's layers: w ~ Normal(0, 0.05) (`random_normal`), b = 0 (`zeros`), v ~ Uniform(+-sqrt(6/(K+1)))
 * (`glorot_uniform` of a K x 1 kernel). TensorFlow's random streams cannot be reproduced, so the
 * draws come from `rs = np.random.RandomState(initSeed)`: first `rs.normal(0, 0.05, K)` for w,
 * then `rs.uniform(-limit, limit, K)` for v.
 */
export function initialTheta(exp: Experiment): Float64Array {
  const K = exp.config.hiddenUnits;
  const theta = new Float64Array(3 * K);
  if (exp.config.initialTheta) {
    theta.set(exp.config.initialTheta);
    return theta;
  }
  const rs = new RandomState(exp.config.initSeed);
  const w = rs.normal(0, 0.05, K);
  const limit = Math.sqrt(6 / (K + 1));
  const v = rs.uniform(-limit, limit, K);
  for (let k = 0; k < K; k++) {
    theta[3 * k] = v[k];
    theta[3 * k + 1] = w[k];
    theta[3 * k + 2] = 0;
  }
  return theta;
}

/**
 * initialTheta of each experiment, drawn once for each (K, initSeed) and copied to the models that
 * share it (a sweep's thousands of models share a few seeds), with `pause` between every 1,024:
 * each draw seeds an MT19937, and 16,384 of them in one piece were a 0.3-0.4 s task on a page.
 */
export async function initialThetas(exps: readonly Experiment[], pause: () => Promise<void>): Promise<Float64Array[]> {
  const drawn = new Map<string, Float64Array>();
  return mapInSlices(exps, 1024, pause, (exp) => {
    const { hiddenUnits, initSeed, initialTheta: given } = exp.config;
    if (given) return initialTheta(exp);
    const key = `${hiddenUnits} ${initSeed}`;
    if (!drawn.has(key)) drawn.set(key, initialTheta(exp));
    return Float64Array.from(drawn.get(key)!);
  });
}

/**
 * The per-epoch visiting order of the training points: `rs = np.random.RandomState(initSeed + 1)`,
 * one `rs.permutation(trainPoints)` per epoch (or 0..n-1 each time when shuffle is off). Both
 * engines draw from this, so the CPU and the GPU see the same order.
 */
export function epochOrders(exp: Experiment): () => Uint32Array<ArrayBuffer> {
  const n = exp.trainPoints;
  if (!exp.config.shuffle) {
    const identity = new Uint32Array(n);
    for (let i = 0; i < n; i++) identity[i] = i;
    return () => identity;
  }
  const rs = new RandomState(orderSeed(exp));
  return () => rs.permutation(n);
}

/** epochOrders, each order made in slices with `pause` between them (a page stays responsive while it shuffles 10^7 points). */
export function epochOrdersAsync(exp: Experiment, pause: () => Promise<void>): () => Promise<Uint32Array<ArrayBuffer>> {
  if (!exp.config.shuffle) {
    const identity = epochOrders(exp);
    return async () => identity();
  }
  const rs = new RandomState(orderSeed(exp));
  return () => rs.permutationAsync(exp.trainPoints, pause);
}

/** The seed of the stream of visiting orders (numpy's RandomState(initSeed + 1)). */
export function orderSeed(exp: Experiment): number {
  return (exp.config.initSeed + 1) % 2 ** 32;
}
