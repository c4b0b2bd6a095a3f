/**
 * The JavaScript floor the `cpu` engine is measured against (`js-floor` in the benchmark): the
 * same SGD written as plainly as it can be, in float64 with sigmoid units: theta and the
 * hidden values in typed arrays, one loop over the steps, nothing else. It draws each epoch's
 * visiting order as the engines do (inside its time, as theirs), and its history is checked
 * against the `cpu` engine's before its time counts, so it is the same work, not a shortcut.
 */
import type { Experiment } from '../experiment/config';
import { epochOrders, initialTheta, makeDataset } from '../experiment/data';

/** The plain loop's run: its training time and its per-epoch history. */
export interface FloorRun {
  trainMs: number;
  loss: number[];
  valLoss: (number | null)[];
}

/** One epoch of plain SGD over `order`, theta updated in place; returns the sum of squared residuals. */
function epochSteps(
  K: number,
  B: number,
  n: number,
  lr: number,
  theta: Float64Array,
  xTrain: Float64Array,
  yTrain: Float64Array,
  order: Uint32Array,
  h: Float64Array,
  r: Float64Array,
): number {
  let sq = 0;
  for (let first = 0; first < n; first += B) {
    const count = Math.min(B, n - first);
    for (let i = 0; i < count; i++) {
      const x = xTrain[order[first + i]];
      let alpha = 0;
      for (let k = 0; k < K; k++) {
        const s = 1 / (1 + Math.exp(-(theta[3 * k + 1] * x + theta[3 * k + 2])));
        h[i * K + k] = s;
        alpha += theta[3 * k] * s;
      }
      r[i] = alpha - yTrain[order[first + i]];
      sq += r[i] * r[i];
    }
    const c = (2 / count) * lr;
    for (let k = 0; k < K; k++) {
      let gv = 0;
      let gz = 0;
      let gw = 0;
      for (let i = 0; i < count; i++) {
        const s = h[i * K + k];
        const d = r[i] * s * (1 - s);
        gv += r[i] * s;
        gz += d;
        gw += d * xTrain[order[first + i]];
      }
      const v = theta[3 * k];
      theta[3 * k] = v - c * gv;
      theta[3 * k + 1] -= c * v * gw;
      theta[3 * k + 2] -= c * v * gz;
    }
  }
  return sq;
}

/** The mean squared residual of the validation points. */
function validationMse(K: number, theta: Float64Array, xVal: Float64Array, yVal: Float64Array): number {
  let vsq = 0;
  for (let j = 0; j < xVal.length; j++) {
    const x = xVal[j];
    let alpha = 0;
    for (let k = 0; k < K; k++) alpha += theta[3 * k] / (1 + Math.exp(-(theta[3 * k + 1] * x + theta[3 * k + 2])));
    vsq += (alpha - yVal[j]) ** 2;
  }
  return vsq / xVal.length;
}

/** Trains `exp` (sigmoid units) with the plain loop; the data and theta are made before the clock starts. */
export function plainLoop(exp: Experiment): FloorRun {
  const { hiddenUnits: K, batchSize: B, learningRate: lr } = exp.config;
  const { trainPoints: n, valPoints, epochs } = exp;
  const { xTrain, yTrain, xVal, yVal } = makeDataset(exp);
  const theta = initialTheta(exp);
  const orders = epochOrders(exp);
  const h = new Float64Array(B * K);
  const r = new Float64Array(B);
  const loss: number[] = [];
  const valLoss: (number | null)[] = [];
  const t0 = performance.now();
  for (let epoch = 0; epoch < epochs; epoch++) {
    loss.push(epochSteps(K, B, n, lr, theta, xTrain, yTrain, orders(), h, r) / n);
    valLoss.push(valPoints > 0 ? validationMse(K, theta, xVal, yVal) : null);
  }
  return { trainMs: performance.now() - t0, loss, valLoss };
}
