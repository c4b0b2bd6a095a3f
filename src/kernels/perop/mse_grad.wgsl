// mse_grad.wgsl: residuals, the batch's squared error and the MSE gradient of theta.
//
// For the batch's points i < count (chosen as in forward.wgsl), r_i = alpha_i - y_i and
//   grad[3k + (V, W, B)] = (2 / count) sum_i r_i (h_ik, v_k h_ik (1 - h_ik) x_i, v_k h_ik (1 - h_ik))
// which is the gradient of the batch loss (1 / count) sum_i r_i^2.
// TRAIN: workgroup k computes unit k's three entries; workgroup 0 also adds sum_i r_i^2 to
//        state.loss_sum (Keras's epoch loss is that sum over the epoch / training points).
// EVAL:  one workgroup; state.val_loss = (1 / total) sum_i r_i^2 over all `total` points.
// Each invocation t sums points t, t + WG, t + 2 WG, ...; the WG partial sums are then reduced
// in workgroup memory by a tree (log2 WG barriers).
//
// Bindings (group 0):
//   0 params  uniform            hidden_units K, batch_size, total, mode
//   1 state   storage, rw        step (read), loss_sum (TRAIN, +=), val_loss (EVAL, =)
//   2 theta   storage, read      K x 3
//   3 xs      storage, read      inputs
//   4 ys      storage, read      targets f(x)
//   5 order   storage, read      the epoch's visiting order (TRAIN)
//   6 hidden  storage, read      batch_size x K activations from forward.wgsl (TRAIN)
//   7 alpha   storage, read      alpha of each point of the batch, from forward.wgsl
//   8 grad    storage, rw        K x 3, like theta (TRAIN)
// Dispatch: TRAIN K workgroups, EVAL 1 workgroup; WG invocations each (a power of two).

override WG: u32 = 64;

@group(0) @binding(0) var<uniform> params: BatchParams;
@group(0) @binding(1) var<storage, read_write> state: State;
@group(0) @binding(2) var<storage, read> theta: array<f32>;
@group(0) @binding(3) var<storage, read> xs: array<f32>;
@group(0) @binding(4) var<storage, read> ys: array<f32>;
@group(0) @binding(5) var<storage, read> order: array<u32>;
@group(0) @binding(6) var<storage, read> hidden: array<f32>;
@group(0) @binding(7) var<storage, read> alpha: array<f32>;
@group(0) @binding(8) var<storage, read_write> grad: array<f32>;

// (sum r h, sum r v h (1-h) x, sum r v h (1-h), sum r^2) of each invocation, then the tree.
var<workgroup> partial: array<vec4f, WG>;

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_index) t: u32) {
  let train = params.mode == MODE_TRAIN;
  let first = select(0u, state.step * params.batch_size, train);
  let count = select(params.total, min(params.batch_size, params.total - first), train);
  let K = params.hidden_units;
  let k = wid.x;
  let v = theta[3u * k + V];

  var acc = vec4f(0.0);
  for (var i = t; i < count; i += WG) {
    var idx = i;
    if (train) {
      idx = order[first + i];
    }
    let r = alpha[i] - ys[idx]; // [math loss]
    if (train) {
      acc = vec4f(acc.xyz + unit_gradient(r, v, hidden[i * K + k], xs[idx]), acc.w); // [math gradient]
    }
    acc.w += r * r; // [math loss]
  }
  partial[t] = acc;
  workgroupBarrier();
  for (var stride = WG / 2u; stride > 0u; stride /= 2u) {
    if (t < stride) {
      partial[t] += partial[t + stride];
    }
    workgroupBarrier();
  }
  if (t != 0u) {
    return;
  }
  let total = partial[0];
  if (!train) {
    state.val_loss = total.w / f32(count);
    return;
  }
  let scale = 2.0 / f32(count); // [math gradient]
  grad[3u * k + V] = scale * total.x;
  grad[3u * k + W] = scale * total.y;
  grad[3u * k + BIAS] = scale * total.z;
  if (k == 0u) {
    state.loss_sum += total.w;
  }
}
