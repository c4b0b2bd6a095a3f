// fused_epoch.wgsl: many SGD steps in one dispatch, theta held in workgroup memory.
//
// Runs steps state.step .. min(state.step + max_steps, steps_per_epoch) - 1 of an epoch, each
// exactly as forward.wgsl, mse_grad.wgsl and sgd_update.wgsl do it in three dispatches:
//   first = step * batch_size, count = min(batch_size, total - first), points order[first + i];
//   A (one invocation per point):  r_i = alpha(x_i) - y_i -> residual[i]; r_i^2 into a running sum
//   B (one invocation per unit k): g = sum_i r_i d alpha(x_i) / d theta_k (h recomputed),
//                                  theta_k -= learning_rate * (2 / count) g
// With batch 1 and K = 10 a step is about a hundred flops, so what matters is that no step
// pays a dispatch: two workgroup barriers a step instead of three launches.
// At the end: theta -> global memory, state.step advanced, state.loss_sum += sum of r_i^2.
//
// Bindings (group 0):
//   0 params    uniform          hidden_units K, batch_size, total (training points),
//                                steps_per_epoch, max_steps (this dispatch), learning_rate
//   1 state     storage, rw      step, loss_sum
//   2 theta     storage, rw      K x 3, read at the start and written at the end
//   3 xs        storage, read    training inputs
//   4 ys        storage, read    training targets
//   5 order     storage, read    the epoch's visiting order
//   6 residual  storage, rw      batch_size scratch: the step's residuals
// Dispatch: one workgroup of WG invocations (a power of two). THETA_LEN = 3K sizes the
// workgroup copy of theta.

struct Params {
  hidden_units: u32,
  batch_size: u32,
  total: u32,
  steps_per_epoch: u32,
  max_steps: u32,
  learning_rate: f32,
}

override WG: u32 = 64;
override THETA_LEN: u32 = 30;

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read_write> state: State;
@group(0) @binding(2) var<storage, read_write> theta: array<f32>;
@group(0) @binding(3) var<storage, read> xs: array<f32>;
@group(0) @binding(4) var<storage, read> ys: array<f32>;
@group(0) @binding(5) var<storage, read> order: array<u32>;
@group(0) @binding(6) var<storage, read_write> residual: array<f32>;

var<workgroup> theta_w: array<f32, THETA_LEN>;
var<workgroup> loss_part: array<f32, WG>;
var<workgroup> start_step: u32;

@compute @workgroup_size(WG)
fn main(@builtin(local_invocation_index) t: u32) {
  let K = params.hidden_units;
  for (var p = t; p < 3u * K; p += WG) {
    theta_w[p] = theta[p];
  }
  if (t == 0u) {
    start_step = state.step;
  }
  // workgroupUniformLoad is also a barrier: theta_w is complete after it.
  let begin = workgroupUniformLoad(&start_step);
  let end = min(begin + params.max_steps, params.steps_per_epoch);
  let lr = params.learning_rate;

  var my_loss = 0.0;
  for (var step = begin; step < end; step++) {
    let first = step * params.batch_size;
    let count = min(params.batch_size, params.total - first);

    // A: residuals of the batch's points with the current theta.
    for (var i = t; i < count; i += WG) {
      let idx = order[first + i];
      let x = xs[idx];
      var alpha = 0.0;
      for (var k = 0u; k < K; k++) {
        alpha += theta_w[3u * k + V] * hidden_unit(theta_w[3u * k + W], theta_w[3u * k + B], x);
      }
      let r = alpha - ys[idx];
      residual[i] = r;
      my_loss += r * r;
    }
    storageBarrier();

    // B: each unit's gradient over the batch, then its SGD update.
    let scale = 2.0 / f32(count);
    for (var k = t; k < K; k += WG) {
      let v = theta_w[3u * k + V];
      let w = theta_w[3u * k + W];
      let b = theta_w[3u * k + B];
      var g = vec3f(0.0);
      for (var i = 0u; i < count; i++) {
        let x = xs[order[first + i]];
        g += unit_gradient(residual[i], v, hidden_unit(w, b, x), x);
      }
      theta_w[3u * k + V] = v - lr * (scale * g.x);
      theta_w[3u * k + W] = w - lr * (scale * g.y);
      theta_w[3u * k + B] = b - lr * (scale * g.z);
    }
    workgroupBarrier();
  }

  for (var p = t; p < 3u * K; p += WG) {
    theta[p] = theta_w[p];
  }
  loss_part[t] = my_loss;
  workgroupBarrier();
  for (var stride = WG / 2u; stride > 0u; stride /= 2u) {
    if (t < stride) {
      loss_part[t] += loss_part[t + stride];
    }
    workgroupBarrier();
  }
  if (t == 0u) {
    state.step = end;
    state.loss_sum += loss_part[0];
  }
}
