/**
 * The CPU reference trainer: Keras's semantics (DESIGN.md section 1) in plain loops over the
 * CPU twins of the kernels, in float64 or in float32 rounded as the GPU rounds.
 */
import type { Experiment } from '../experiment/config';
import { epochOrders, initialTheta, makeDataset } from '../experiment/data';
import { DivergedError, isDiverged, type EngineName, type TrainOptions, type TrainResult } from '../experiment/run';
import { forward, mseGrad, roundTo, sgdUpdate, type Precision } from './kernels';

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

/** Trains on the CPU; `engine` is 'cpu' (float64) or 'cpu-f32'. Same contract as the GPU trainer. */
export async function trainCpu(exp: Experiment, options: TrainOptions & { engine: 'cpu' | 'cpu-f32' }): Promise<TrainResult> {
  const t0 = performance.now();
  const engine: EngineName = options.engine;
  const precision: Precision = engine === 'cpu-f32' ? 'f32' : 'f64';
  const { config, trainPoints, valPoints, epochs, stepsPerEpoch } = exp;
  const K = config.hiddenUnits;
  const B = config.batchSize;
  const data = makeDataset(exp);
  const xTrain = rounded(data.xTrain, precision);
  const yTrain = rounded(data.yTrain, precision);
  const xVal = rounded(data.xVal, precision);
  const yVal = rounded(data.yVal, precision);
  const theta = rounded(initialTheta(exp), precision);
  const learningRate = roundTo(config.learningRate, precision);
  const nextOrder = epochOrders(exp);
  const hidden = new Float64Array(B * K);
  const alpha = new Float64Array(Math.max(B, valPoints));
  const grad = new Float64Array(3 * K);
  const alphaAt = options.alphaAt ?? null;

  const history = { loss: [] as number[], valLoss: [] as (number | null)[] };
  let lastTheta = Float64Array.from(theta);
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

  let lastYield = t1;
  for (let epoch = 1; epoch <= epochs; epoch++) {
    if (options.signal?.aborted) return result('aborted');
    const order = nextOrder();
    let lossSum = 0;
    for (let step = 0; step < stepsPerEpoch; step++) {
      const first = step * B;
      const count = Math.min(B, trainPoints - first);
      forward(K, first, count, theta, xTrain, order, hidden, alpha, precision);
      lossSum = roundTo(lossSum + mseGrad(K, first, count, theta, xTrain, yTrain, order, hidden, alpha, grad, precision), precision);
      sgdUpdate(theta, grad, learningRate, precision);
    }
    const loss = lossSum / trainPoints;
    let valLoss: number | null = null;
    if (valPoints > 0) {
      forward(K, 0, valPoints, theta, xVal, null, null, alpha, precision);
      valLoss = mseGrad(K, 0, valPoints, theta, xVal, yVal, null, null, alpha, null, precision) / valPoints;
    }
    if (isDiverged(loss)) throw new DivergedError(epoch, loss, result('diverged'));
    history.loss.push(loss);
    history.valLoss.push(valLoss);
    lastTheta = Float64Array.from(theta);
    if (options.onEpoch) {
      await options.onEpoch({
        epoch,
        loss,
        valLoss,
        theta: options.thetaEachEpoch ? lastTheta : undefined,
        alpha: alphaAt ? alphaCpu(theta, alphaAt, precision) : undefined,
      });
    }
    // Yield to the event loop every ~30 ms so a page stays responsive and a Stop is seen,
    // without paying a timer per epoch in the timings.
    if (performance.now() - lastYield > 30) {
      await new Promise((r) => setTimeout(r, 0));
      lastYield = performance.now();
    }
  }
  return result('completed');
}
