/**
 * The CPU reference trainer: Keras's semantics (docs/design.md section 1) in plain loops over the
 * CPU twins of the kernels, in float64 or in float32 rounded as the GPU rounds.
 */
import type { Experiment } from '../experiment/config';
import { epochOrders, initialTheta, makeDataset } from '../experiment/data';
import { DivergedError, isDiverged, type EngineName, type TrainOptions, type TrainResult } from '../experiment/run';
import { forward, kahanAdd, mseGrad, roundTo, sgdUpdate, type Precision } from './kernels';

/** A copy of `a` with every element rounded to the precision. */
function rounded(a: ArrayLike<number>, precision: Precision): Float64Array {
  const out = Float64Array.from(a);
  for (let i = 0; i < out.length; i++) out[i] = roundTo(out[i], precision);
  return out;
}

/** alpha at the given points with the given theta, by the forward twin. */
export function alphaCpu(theta: ArrayLike<number>, xs: ArrayLike<number>, precision: Precision = 'f64'): Float64Array {
  const alpha = new Float64Array(xs.length);
  forward(theta.length / 3, 0, xs.length, theta, rounded(xs, precision), null, null, alpha, precision);
  return alpha;
}

/** The data of an experiment rounded to a precision, shared by every model trained on it. */
export interface CpuData {
  xTrain: Float64Array;
  yTrain: Float64Array;
  xVal: Float64Array;
  yVal: Float64Array;
}

/** Makes the experiment's data and rounds it to the precision. */
export function cpuData(exp: Experiment, precision: Precision): CpuData {
  const data = makeDataset(exp);
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
  /** Runs the next epoch (its shuffle, its steps) and returns its loss and val_loss. */
  epoch(): { loss: number; valLoss: number | null };
}

/** A model of `exp` on `data`: its own theta, learning rate and visiting order (docs/design.md section 1). */
export function cpuModel(exp: Experiment, data: CpuData, precision: Precision): CpuModel {
  const { config, trainPoints, valPoints, stepsPerEpoch } = exp;
  const K = config.hiddenUnits;
  const B = config.batchSize;
  const { xTrain, yTrain, xVal, yVal } = data;
  const theta = rounded(initialTheta(exp), precision);
  const learningRate = roundTo(config.learningRate, precision);
  const nextOrder = epochOrders(exp);
  const hidden = new Float64Array(B * K);
  const alpha = new Float64Array(Math.max(B, valPoints));
  const grad = new Float64Array(3 * K);
  const single = precision === 'f32';
  // The squared residuals of a set of points summed as the fused kernels sum them (Kahan).
  const addSquares = (acc: Float64Array, first: number, count: number, ys: Float64Array, order: Uint32Array | null) => {
    for (let i = 0; i < count; i++) {
      const r = roundTo(alpha[i] - ys[order ? order[first + i] : first + i], precision);
      kahanAdd(acc, single ? Math.fround(r * r) : r * r, precision);
    }
  };
  const loss = new Float64Array(2);
  const val = new Float64Array(2);
  return {
    theta,
    epoch() {
      const order = nextOrder();
      loss.fill(0);
      for (let step = 0; step < stepsPerEpoch; step++) {
        const first = step * B;
        const count = Math.min(B, trainPoints - first);
        forward(K, first, count, theta, xTrain, order, hidden, alpha, precision);
        addSquares(loss, first, count, yTrain, order);
        mseGrad(K, first, count, theta, xTrain, yTrain, order, hidden, alpha, grad, precision);
        sgdUpdate(theta, grad, learningRate, precision);
      }
      let valLoss: number | null = null;
      if (valPoints > 0) {
        forward(K, 0, valPoints, theta, xVal, null, null, alpha, precision);
        val.fill(0);
        addSquares(val, 0, valPoints, yVal, null);
        valLoss = roundTo(val[0] / valPoints, precision);
      }
      return { loss: loss[0] / trainPoints, valLoss };
    },
  };
}

/** Lets the event loop run every ~30 ms, so a page stays responsive and a Stop is seen, without a timer per epoch. */
export function yielder(): () => Promise<void> {
  let last = performance.now();
  return async () => {
    if (performance.now() - last <= 30) return;
    await new Promise((r) => setTimeout(r, 0));
    last = performance.now();
  };
}

/** Trains on the CPU; `engine` is 'cpu' (float64) or 'cpu-f32'. Same contract as the GPU trainer. */
export async function trainCpu(exp: Experiment, options: TrainOptions & { engine: 'cpu' | 'cpu-f32' }): Promise<TrainResult> {
  const t0 = performance.now();
  const engine: EngineName = options.engine;
  const precision: Precision = engine === 'cpu-f32' ? 'f32' : 'f64';
  const model = cpuModel(exp, cpuData(exp, precision), precision);
  const alphaAt = options.alphaAt ?? null;
  const history = { loss: [] as number[], valLoss: [] as (number | null)[] };
  let lastTheta = Float64Array.from(model.theta);
  const t1 = performance.now();
  const result = (status: TrainResult['status']): TrainResult => {
    const t2 = performance.now();
    return {
      engine,
      history,
      theta: lastTheta,
      status,
      epochs: history.loss.length,
      dispatches: 0,
      timings: { setupMs: t1 - t0, trainMs: t2 - t1, totalMs: t2 - t0 },
      device: `CPU, JavaScript, ${engine === 'cpu-f32' ? 'float32 (Math.fround)' : 'float64'}, one thread`,
    };
  };

  const pause = yielder();
  for (let epoch = 1; epoch <= exp.epochs; epoch++) {
    if (options.signal?.aborted) return result('aborted');
    const { loss, valLoss } = model.epoch();
    if (isDiverged(loss)) throw new DivergedError(epoch, loss, result('diverged'));
    history.loss.push(loss);
    history.valLoss.push(valLoss);
    lastTheta = Float64Array.from(model.theta);
    if (options.onEpoch) {
      await options.onEpoch({
        epoch,
        loss,
        valLoss,
        theta: options.thetaEachEpoch ? lastTheta : undefined,
        alpha: alphaAt ? alphaCpu(model.theta, alphaAt, precision) : undefined,
      });
    }
    await pause();
  }
  return result('completed');
}
