/**
 * The CPU twin of the per-op kernels (forward.wgsl, mse_grad.wgsl, sgd_update.wgsl, beside it),
 * with the same arguments in the same order and the same order of operations, in float64 (the
 * reference) or float32 (every operation rounded as the GPU rounds it).
 */
import { activate, slope, type Precision } from '../common';

const rnd = (x: number, single: boolean) => (single ? Math.fround(x) : x);

/**
 * forward.wgsl: for the batch of `count` points starting at `first` of the index list
 * (`order`, or the points themselves when it is null):
 * hidden[i K + k] = act(w_k x_i + b_k) and alpha[i] = sum_k v_k hidden[i K + k], for the
 * activation's code `act` (activationCode).
 */
export function forward(
  K: number,
  first: number,
  count: number,
  theta: ArrayLike<number>,
  xs: ArrayLike<number>,
  order: ArrayLike<number> | null,
  hidden: Float64Array | null,
  alpha: Float64Array,
  precision: Precision,
  act: number,
): void {
  const single = precision === 'f32';
  for (let i = 0; i < count; i++) {
    const j = first + i;
    const x = xs[order ? order[j] : j];
    let sum = 0;
    for (let k = 0; k < K; k++) {
      const h = activate(rnd(rnd(theta[3 * k + 1] * x, single) + theta[3 * k + 2], single), act, precision); // [math unit]
      if (hidden) hidden[i * K + k] = h;
      sum = rnd(sum + rnd(theta[3 * k] * h, single), single); // [math alpha]
    }
    alpha[i] = sum;
  }
}

/**
 * mse_grad.wgsl: residuals r_i = alpha_i - y_i of the batch, the gradient of the batch MSE
 * (1/B) sum r_i^2 with respect to theta, (2/B) sum_i r_i d alpha_i / d theta, written to `grad`
 * (K x 3 like theta), and the sum of r_i^2 returned. With `grad` null only the sum is computed.
 */
export function mseGrad(
  K: number,
  first: number,
  count: number,
  theta: ArrayLike<number>,
  xs: ArrayLike<number>,
  ys: ArrayLike<number>,
  order: ArrayLike<number> | null,
  hidden: ArrayLike<number> | null,
  alpha: ArrayLike<number>,
  grad: Float64Array | null,
  precision: Precision,
  act: number,
): number {
  const single = precision === 'f32';
  let sumSq = 0;
  for (let i = 0; i < count; i++) {
    const j = first + i;
    const r = rnd(alpha[i] - ys[order ? order[j] : j], single); // [math loss]
    sumSq = rnd(sumSq + rnd(r * r, single), single); // [math loss]
  }
  if (!grad || !hidden) return sumSq;
  const scale = rnd(2 / count, single); // [math gradient]
  for (let k = 0; k < K; k++) {
    const v = theta[3 * k];
    let gv = 0;
    let gw = 0;
    let gb = 0;
    for (let i = 0; i < count; i++) {
      const j = first + i;
      const idx = order ? order[j] : j;
      const r = rnd(alpha[i] - ys[idx], single);
      const h = hidden[i * K + k];
      // d alpha / d b_k = v_k act'(z), act' written in h (sigmoid: h (1 - h)); d alpha / d w_k = that times x.
      const s = rnd(r * rnd(v * slope(h, act, precision), single), single); // [math gradient]
      gv = rnd(gv + rnd(r * h, single), single); // [math gradient]
      gw = rnd(gw + rnd(s * xs[idx], single), single); // [math gradient]
      gb = rnd(gb + s, single); // [math gradient]
    }
    grad[3 * k] = rnd(scale * gv, single);
    grad[3 * k + 1] = rnd(scale * gw, single);
    grad[3 * k + 2] = rnd(scale * gb, single);
  }
  return sumSq;
}

/** sgd_update.wgsl: theta <- theta - learningRate * grad, element by element. */
export function sgdUpdate(theta: Float64Array, grad: ArrayLike<number>, learningRate: number, precision: Precision): void {
  const single = precision === 'f32';
  for (let p = 0; p < theta.length; p++) theta[p] = rnd(theta[p] - rnd(learningRate * grad[p], single), single); // [math update]
}
