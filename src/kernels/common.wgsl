// common.wgsl: what every kernel shares. The host prepends it to each kernel's source.
//
// theta is K x 3 in one array<f32>, row k = [v_k, w_k, b_k]:
//   theta[3k + V]    = v_k  (output weight, the lecture's w~_{1,k})
//   theta[3k + W]    = w_k  (hidden weight, w_{1,k})
//   theta[3k + BIAS] = b_k  (hidden bias, b_k)
// so that alpha(x) = sum_k v_k * act(w_k * x + b_k), act the lecture's sigmoid, or tanh or relu.

const V = 0u;
const W = 1u;
const BIAS = 2u;

// Kernel modes (BatchParams.mode) of the per-op kernels.
// TRAIN: one SGD step of the batch at state.step (points gathered through the epoch's order).
// EVAL:  all `total` points in their own order from the first (validation loss, plot values).
const MODE_TRAIN = 0u;
const MODE_EVAL = 1u;

// The uniform of forward.wgsl and mse_grad.wgsl (one buffer serves both for a batch).
struct BatchParams {
  hidden_units: u32,
  batch_size: u32,
  total: u32,
  mode: u32,
}

// What the per-op host and kernels share between dispatches; the host zeroes it each epoch and
// reads it back after. loss_sum is sum r^2 over the epoch's training samples.
struct State {
  step: u32,
  loss_sum: f32,
  val_loss: f32,
  pad: u32,
}

// The hidden units' activation, set when the pipeline is made: 0 sigmoid (the lecture's), 1 tanh,
// 2 relu (Keras's names). An override constant, so the compiler folds the choice away.
override ACTIVATION: u32 = 0u;
const SIGMOID = 0u;
const TANH = 1u;

// sigma(z) = 1 / (1 + e^-z), computed from e = exp(-|z|) in (0, 1] only: WGSL may assume that
// no overflow or infinity occurs, so exp(-z) for very negative z must never be evaluated.
//   z >= 0: 1 / (1 + e);   z < 0: e / (1 + e) = e * (1 / (1 + e)).
fn sigmoid(z: f32) -> f32 {
  let e = exp(-abs(z));
  let s = 1.0 / (1.0 + e);
  return select(e * s, s, z >= 0.0);
}

// tanh(z) = (1 - e) / (1 + e) with the sign of z, from e = exp(-2|z|) in (0, 1] only, as sigmoid.
fn tanh_stable(z: f32) -> f32 {
  let e = exp(-2.0 * abs(z));
  let t = (1.0 - e) / (1.0 + e);
  return select(-t, t, z >= 0.0);
}

// The activation act(z).
fn activate(z: f32) -> f32 {
  if (ACTIVATION == SIGMOID) {
    return sigmoid(z); // [math unit]
  }
  if (ACTIVATION == TANH) {
    return tanh_stable(z); // [math unit]
  }
  return max(z, 0.0); // [math unit]
}

// act'(z) written in h = act(z): sigmoid h (1 - h), tanh 1 - h^2, relu 1 where h > 0 else 0.
fn activation_slope(h: f32) -> f32 {
  if (ACTIVATION == SIGMOID) {
    return h * (1.0 - h); // [math gradient]
  }
  if (ACTIVATION == TANH) {
    return 1.0 - h * h; // [math gradient]
  }
  return select(0.0, 1.0, h > 0.0); // [math gradient]
}

// One hidden unit's activation h = act(w x + b).
fn hidden_unit(w: f32, b: f32, x: f32) -> f32 {
  return activate(w * x + b); // [math unit]
}

// One point's contribution r * d alpha / d(v_k, w_k, b_k) for residual r = alpha - y:
//   d alpha / d v_k = h,  d alpha / d b_k = v_k act'(z),  d alpha / d w_k = v_k act'(z) x
// (for the lecture's sigmoid, act'(z) = h (1 - h)).
fn unit_gradient(r: f32, v: f32, h: f32, x: f32) -> vec3f {
  let s = r * (v * activation_slope(h)); // [math gradient]
  return vec3f(r * h, s * x, s); // [math gradient]
}

// Kahan's compensated sum: acc.x is the sum, acc.y the part of it lost to rounding so far.
// An epoch's loss is a sum of up to millions of squared residuals; a plain float32 sum of n terms
// may be off by n ULP, this one by a few whatever n is.
fn kahan_add(acc: vec2f, value: f32) -> vec2f {
  let y = value - acc.y;
  let t = acc.x + y;
  return vec2f(t, (t - acc.x) - y);
}
