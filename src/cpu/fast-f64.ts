/**
 * The `cpu` engine's float64 loop, a copy of the twins for speed only: the same arithmetic as the kernel twins (forward, the Kahan
 * loss sum, mse_grad, sgd_update; src/kernels/perop/twin.ts) in the same order, fused into one loop over
 * a step's points with nothing allocated and no call per point: theta and the step's residuals
 * in typed arrays, the activation chosen once per step, each unit's update made as soon as its
 * gradient is summed (it reads only its own v_k and the step's stored hidden values, so the
 * result is the twins' bit for bit; test/unit/fast-f64.test.ts holds it to them).
 */
import type { CpuData } from './model';

/**
 * activate of common.wgsl in float64, for the code `act` (0 sigmoid, 1 tanh, 2 relu): the twins'
 * operations (kernels.ts) without their precision flag. Small and module-level, so V8 inlines it
 * into each loop (measured: the same time as the branches written in place).
 */
function activate64(z: number, act: number): number {
  if (act === 0) {
    const e = Math.exp(-Math.abs(z));
    const s = 1 / (1 + e);
    return z >= 0 ? s : e * s;
  }
  if (act === 1) {
    const e = Math.exp(-2 * Math.abs(z));
    const t = (1 - e) / (1 + e);
    return z >= 0 ? t : -t;
  }
  return z > 0 ? z : 0;
}

/** activation_slope of common.wgsl in float64: d act / dz written in h. */
function slope64(h: number, act: number): number {
  return act === 0 ? h * (1 - h) : act === 1 ? 1 - h * h : h > 0 ? 1 : 0;
}

/**
 * forward.wgsl for one point in float64: alpha(x) = sum_k v_k act(w_k x + b_k), each unit's h
 * written to hidden[row + k] when `hidden` is given (steps), not (validation).
 */
function alpha64(K: number, act: number, theta: Float64Array, x: number, hidden: Float64Array | null, row: number): number {
  let alpha = 0;
  for (let k = 0; k < K; k++) {
    const h = activate64(theta[3 * k + 1] * x + theta[3 * k + 2], act);
    if (hidden) hidden[row + k] = h;
    alpha = alpha + theta[3 * k] * h;
  }
  return alpha;
}

/** Scratch for a model's steps: hidden values (B x K), residuals and inputs of the batch's points. */
export interface F64Scratch {
  hidden: Float64Array;
  residual: Float64Array;
  x: Float64Array;
}

/** Scratch around a model's hidden values (B x K, shared with the twins' path), for batches of B. */
export function f64Scratch(hidden: Float64Array, B: number): F64Scratch {
  return { hidden, residual: new Float64Array(B), x: new Float64Array(B) };
}

/**
 * Steps [from, to) of an epoch visiting `order`: theta updated in place, each point's squared
 * residual added to the Kahan sum `loss` = [sum, lost part] (as the fused kernels sum it).
 */
export function f64Steps(
  K: number,
  B: number,
  trainPoints: number,
  act: number,
  learningRate: number,
  theta: Float64Array,
  data: CpuData,
  order: Uint32Array,
  from: number,
  to: number,
  loss: Float64Array,
  s: F64Scratch,
): void {
  if (B === 1) return f64Steps1(K, act, learningRate, theta, data, order, from, to, loss, s.hidden);
  const { xTrain, yTrain } = data;
  const { hidden, residual, x: xb } = s;
  let sum = loss[0];
  let lost = loss[1];
  for (let step = from; step < to; step++) {
    const first = step * B;
    const count = Math.min(B, trainPoints - first);
    // forward.wgsl and the residuals: alpha_i = sum_k v_k act(w_k x_i + b_k), r_i = alpha_i - y_i.
    for (let i = 0; i < count; i++) {
      const idx = order[first + i];
      const x = xTrain[idx];
      const r = alpha64(K, act, theta, x, hidden, i * K) - yTrain[idx];
      residual[i] = r;
      xb[i] = x;
      // kahan_add of the squared residual.
      const y = r * r - lost;
      const t = sum + y;
      lost = t - sum - y;
      sum = t;
    }
    // mse_grad.wgsl and sgd_update.wgsl, a unit at a time.
    const scale = 2 / count;
    for (let k = 0; k < K; k++) {
      const v = theta[3 * k];
      let gv = 0;
      let gw = 0;
      let gb = 0;
      for (let i = 0; i < count; i++) {
        const r = residual[i];
        const h = hidden[i * K + k];
        const sv = r * (v * slope64(h, act));
        gv = gv + r * h;
        gw = gw + sv * xb[i];
        gb = gb + sv;
      }
      theta[3 * k] = v - learningRate * (scale * gv);
      theta[3 * k + 1] = theta[3 * k + 1] - learningRate * (scale * gw);
      theta[3 * k + 2] = theta[3 * k + 2] - learningRate * (scale * gb);
    }
  }
  loss[0] = sum;
  loss[1] = lost;
}

/**
 * f64Steps at batch 1 (the lecture's): one point a step, so no loops over the batch. The same
 * operations: the gradient's sums over one point are that point's terms (0 + a = a), and the
 * scale 2 / 1 is 2.
 */
function f64Steps1(
  K: number,
  act: number,
  learningRate: number,
  theta: Float64Array,
  data: CpuData,
  order: Uint32Array,
  from: number,
  to: number,
  loss: Float64Array,
  hidden: Float64Array,
): void {
  const { xTrain, yTrain } = data;
  let sum = loss[0];
  let lost = loss[1];
  for (let step = from; step < to; step++) {
    const idx = order[step];
    const x = xTrain[idx];
    const r = alpha64(K, act, theta, x, hidden, 0) - yTrain[idx];
    const y = r * r - lost;
    const t = sum + y;
    lost = t - sum - y;
    sum = t;
    for (let k = 0; k < K; k++) {
      const v = theta[3 * k];
      const h = hidden[k];
      const sv = r * (v * slope64(h, act));
      theta[3 * k] = v - learningRate * (2 * (r * h));
      theta[3 * k + 1] = theta[3 * k + 1] - learningRate * (2 * (sv * x));
      theta[3 * k + 2] = theta[3 * k + 2] - learningRate * (2 * sv);
    }
  }
  loss[0] = sum;
  loss[1] = lost;
}

/** Validation points [from, to): each squared residual added to the Kahan sum `acc`. */
export function f64Validate(K: number, act: number, theta: Float64Array, xs: Float64Array, ys: Float64Array, from: number, to: number, acc: Float64Array): void {
  let sum = acc[0];
  let lost = acc[1];
  for (let j = from; j < to; j++) {
    const r = alpha64(K, act, theta, xs[j], null, 0) - ys[j];
    const y = r * r - lost;
    const t = sum + y;
    lost = t - sum - y;
    sum = t;
  }
  acc[0] = sum;
  acc[1] = lost;
}
