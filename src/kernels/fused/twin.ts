/**
 * The CPU twin of the fused kernel family (fused_common.wgsl, sgd_invocation.wgsl,
 * sgd_subgroup.wgsl): one model's span of steps and its end-of-epoch work, in float32 (or
 * float64), with the kernels' order of operations. `lanes` is 1 for sgd_invocation (alpha summed
 * unit by unit) and LANES for sgd_subgroup (each lane sums its units, then the lanes are added in
 * lane order; the GPU's subgroupAdd may add them in another order, which the tests allow for).
 */
import { activate, kahanAdd, slope, type Precision } from '../common';

/** The data the fused kernels read, as (x, y) arrays. */
export interface FusedData {
  xTrain: ArrayLike<number>;
  yTrain: ArrayLike<number>;
  xVal: ArrayLike<number>;
  yVal: ArrayLike<number>;
}

const rnd = (x: number, single: boolean) => (single ? Math.fround(x) : x);

/** alpha(x) as a variant with `lanes` lanes sums it. */
export function fusedAlpha(theta: ArrayLike<number>, x: number, lanes: number, precision: Precision, act: number): number {
  const single = precision === 'f32';
  const K = theta.length / 3;
  let alpha = 0;
  for (let l = 0; l < lanes; l++) {
    let part = 0;
    for (let k = l; k < K; k += lanes) {
      const h = activate(rnd(rnd(theta[3 * k + 1] * x, single) + theta[3 * k + 2], single), act, precision); // [math unit]
      part = rnd(part + rnd(theta[3 * k] * h, single), single); // [math alpha]
    }
    alpha = l === 0 ? part : rnd(alpha + part, single); // [math alpha]
  }
  return alpha;
}

/**
 * Steps [stepBegin, stepEnd) of an epoch on `theta` (in place), as one dispatch of a fused kernel
 * runs them; `loss` is the Kahan pair [sum, compensation] carried on.
 */
export function fusedSpan(
  theta: Float64Array,
  learningRate: number,
  batchSize: number,
  order: ArrayLike<number>,
  data: FusedData,
  stepBegin: number,
  stepEnd: number,
  lanes: number,
  loss: Float64Array,
  precision: Precision,
  act: number,
): void {
  const single = precision === 'f32';
  const K = theta.length / 3;
  const n = order.length;
  const h = new Float64Array(K);
  const g = new Float64Array(3 * K);
  const lr = rnd(learningRate, single);
  for (let step = stepBegin; step < stepEnd; step++) {
    const first = step * batchSize;
    const count = Math.min(batchSize, n - first);
    g.fill(0);
    for (let i = 0; i < count; i++) {
      const idx = order[first + i];
      const x = data.xTrain[idx];
      for (let k = 0; k < K; k++) h[k] = activate(rnd(rnd(theta[3 * k + 1] * x, single) + theta[3 * k + 2], single), act, precision); // [math unit]
      let alpha = 0;
      for (let l = 0; l < lanes; l++) {
        let part = 0;
        for (let k = l; k < K; k += lanes) part = rnd(part + rnd(theta[3 * k] * h[k], single), single); // [math alpha]
        alpha = l === 0 ? part : rnd(alpha + part, single); // [math alpha]
      }
      const r = rnd(alpha - data.yTrain[idx], single); // [math loss]
      kahanAdd(loss, rnd(r * r, single), precision); // [math loss]
      for (let k = 0; k < K; k++) {
        const s = rnd(r * rnd(theta[3 * k] * slope(h[k], act, precision), single), single); // [math gradient]
        g[3 * k] = rnd(g[3 * k] + rnd(r * h[k], single), single); // [math gradient]
        g[3 * k + 1] = rnd(g[3 * k + 1] + rnd(s * x, single), single); // [math gradient]
        g[3 * k + 2] = rnd(g[3 * k + 2] + s, single); // [math gradient]
      }
    }
    const scale = rnd(2 / count, single); // [math gradient]
    for (let p = 0; p < 3 * K; p++) theta[p] = rnd(theta[p] - rnd(lr * rnd(scale * g[p], single), single), single); // [math update]
  }
}

/** The end of an epoch: the validation MSE (null without validation points) and alpha on `plotAt`. */
export function fusedFinish(
  theta: ArrayLike<number>,
  data: FusedData,
  plotAt: ArrayLike<number>,
  lanes: number,
  precision: Precision,
  act: number,
): { valLoss: number | null; alpha: number[] } {
  const single = precision === 'f32';
  let valLoss: number | null = null;
  if (data.xVal.length > 0) {
    const acc = new Float64Array(2);
    for (let i = 0; i < data.xVal.length; i++) {
      const r = rnd(fusedAlpha(theta, data.xVal[i], lanes, precision, act) - data.yVal[i], single);
      kahanAdd(acc, rnd(r * r, single), precision);
    }
    valLoss = rnd(acc[0] / data.xVal.length, single);
  }
  return { valLoss, alpha: Array.from(plotAt, (x) => fusedAlpha(theta, x, lanes, precision, act)) };
}
