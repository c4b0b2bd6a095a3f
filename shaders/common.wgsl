// common.wgsl: what every kernel shares. The host prepends it to each kernel's source.
//
// theta is K x 3 in one array<f32>, row k = [v_k, w_k, b_k]:
//   theta[3k + V] = v_k  (output weight, the lecture's w~_{1,k})
//   theta[3k + W] = w_k  (hidden weight, w_{1,k})
//   theta[3k + B] = b_k  (hidden bias, b_k)
// so that alpha(x) = sum_k v_k * sigmoid(w_k * x + b_k).

const V = 0u;
const W = 1u;
const B = 2u;

// Kernel modes (Params.mode).
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

// What the host and the kernels share between dispatches; the host zeroes it each epoch and
// reads it back after. loss_sum is sum r^2 over the epoch's training samples.
struct State {
  step: u32,
  loss_sum: f32,
  val_loss: f32,
  pad: u32,
}

// sigma(z) = 1 / (1 + e^-z). For z very negative exp overflows to +inf and sigma is 0, as it should be.
fn sigmoid(z: f32) -> f32 {
  return 1.0 / (1.0 + exp(-z));
}

// One hidden unit's activation h = sigma(w x + b).
fn hidden_unit(w: f32, b: f32, x: f32) -> f32 {
  return sigmoid(w * x + b);
}

// One point's contribution r * d alpha / d(v_k, w_k, b_k) for residual r = alpha - y:
//   d alpha / d v_k = h,  d alpha / d b_k = v_k h (1 - h),  d alpha / d w_k = v_k h (1 - h) x.
fn unit_gradient(r: f32, v: f32, h: f32, x: f32) -> vec3f {
  let s = r * (v * (h * (1.0 - h)));
  return vec3f(r * h, s * x, s);
}
