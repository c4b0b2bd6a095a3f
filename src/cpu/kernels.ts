/**
 * The CPU twins of the WGSL kernels, with the same arguments in the same order and the same
 * order of operations. `precision` 'f64' is the float64 reference; 'f32' rounds every operation
 * to float32 as the GPU does (the GPU's exp may still differ in its last bits, which is why the
 * tests compare with a tolerance).
 *
 * The precision is a flag tested at each operation by a small module-level function that V8
 * inlines: 40,000 lecture steps take ~16 ms in float64 and ~19 ms in float32 (Node 20). Passing
 * a rounding function instead, sometimes the identity and sometimes Math.fround, or making a
 * rounding closure per call, made the same loops 5 to 12 times slower.
 */

export { ACTIVATIONS, activationCode, type Activation } from '../experiment/activation';

/** Float64 (JavaScript's own numbers) or float32 (every operation rounded by Math.fround). */
export type Precision = 'f64' | 'f32';

/** x rounded to the precision. */
export function roundTo(x: number, precision: Precision): number {
  return rnd(x, precision === 'f32');
}

/** x rounded to float32 when `single`, else as it is: inlined by V8 into each loop. */
function rnd(x: number, single: boolean): number {
  return single ? Math.fround(x) : x;
}

/**
 * sigmoid(z) as common.wgsl computes it, from e = exp(-|z|) only (never an overflowing exp):
 * 1 / (1 + e) for z >= 0, e * (1 / (1 + e)) for z < 0; rounded after each operation.
 */
export function sigmoid(z: number, precision: Precision): number {
  const single = precision === 'f32';
  const e = rnd(Math.exp(-Math.abs(z)), single);
  const s = rnd(1 / rnd(1 + e, single), single);
  return z >= 0 ? s : rnd(e * s, single);
}

/**
 * tanh(z) as common.wgsl computes it, from e = exp(-2|z|) in (0, 1] only:
 * (1 - e) / (1 + e) with the sign of z; rounded after each operation.
 */
export function tanhStable(z: number, precision: Precision): number {
  const single = precision === 'f32';
  const e = rnd(Math.exp(-2 * Math.abs(z)), single);
  const t = rnd(rnd(1 - e, single) / rnd(1 + e, single), single);
  return z >= 0 ? t : -t;
}

/** activate of common.wgsl: the unit's activation h = act(z) for the code (0 sigmoid, 1 tanh, 2 relu). */
export function activate(z: number, code: number, precision: Precision): number {
  if (code === 0) return sigmoid(z, precision);
  if (code === 1) return tanhStable(z, precision);
  return z > 0 ? z : 0;
}

/**
 * activation_slope of common.wgsl: d act / dz written in h = act(z): h (1 - h) for sigmoid,
 * 1 - h^2 for tanh, and for relu 1 where h > 0, else 0 (TensorFlow's choice at z = 0).
 */
export function slope(h: number, code: number, precision: Precision): number {
  const single = precision === 'f32';
  if (code === 0) return rnd(h * rnd(1 - h, single), single);
  if (code === 1) return rnd(1 - rnd(h * h, single), single);
  return h > 0 ? 1 : 0;
}

/**
 * kahan_add of common.wgsl: adds `value` to the compensated sum acc = [sum, lost part], in place.
 * The epoch's loss and the validation MSE are summed this way by every engine.
 */
export function kahanAdd(acc: Float64Array, value: number, precision: Precision): void {
  const single = precision === 'f32';
  const y = rnd(value - acc[1], single);
  const t = rnd(acc[0] + y, single);
  acc[1] = rnd(rnd(t - acc[0], single) - y, single);
  acc[0] = t;
}

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
      const h = activate(rnd(rnd(theta[3 * k + 1] * x, single) + theta[3 * k + 2], single), act, precision);
      if (hidden) hidden[i * K + k] = h;
      sum = rnd(sum + rnd(theta[3 * k] * h, single), single);
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
    const r = rnd(alpha[i] - ys[order ? order[j] : j], single);
    sumSq = rnd(sumSq + rnd(r * r, single), single);
  }
  if (!grad || !hidden) return sumSq;
  const scale = rnd(2 / count, single);
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
      const s = rnd(r * rnd(v * slope(h, act, precision), single), single);
      gv = rnd(gv + rnd(r * h, single), single);
      gw = rnd(gw + rnd(s * xs[idx], single), single);
      gb = rnd(gb + s, single);
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
  for (let p = 0; p < theta.length; p++) theta[p] = rnd(theta[p] - rnd(learningRate * grad[p], single), single);
}
