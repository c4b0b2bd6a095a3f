// forward.wgsl: the batched forward pass, sigmoid included.
//
// For point i < count of a batch, with x_i its input:
//   hidden[i K + k] = sigma(w_k x_i + b_k)            (TRAIN only: the gradient kernel reads it)
//   alpha[i]        = sum_k v_k hidden[i K + k]
// TRAIN: the batch is step `state.step` of the epoch, first = step * batch_size,
//        count = min(batch_size, total - first), x_i = xs[order[first + i]].
// EVAL:  the batch is all `total` points in order, x_i = xs[i] (validation points, plot grid).
//
// Bindings (group 0):
//   0 params  uniform            hidden_units K, batch_size, total, mode
//   1 state   storage, read      step: which step of the epoch this is
//   2 theta   storage, read      K x 3
//   3 xs      storage, read      the inputs
//   4 order   storage, read      the epoch's visiting order (TRAIN)
//   5 hidden  storage, rw        batch_size x K activations (TRAIN)
//   6 alpha   storage, rw        alpha of each point of the batch
// Dispatch: ceil(batch_size / WG) workgroups of WG invocations, one invocation per point.

override WG: u32 = 64;

@group(0) @binding(0) var<uniform> params: BatchParams;
@group(0) @binding(1) var<storage, read> state: State;
@group(0) @binding(2) var<storage, read> theta: array<f32>;
@group(0) @binding(3) var<storage, read> xs: array<f32>;
@group(0) @binding(4) var<storage, read> order: array<u32>;
@group(0) @binding(5) var<storage, read_write> hidden: array<f32>;
@group(0) @binding(6) var<storage, read_write> alpha: array<f32>;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let i = gid.x;
  let train = params.mode == MODE_TRAIN;
  let first = select(0u, state.step * params.batch_size, train);
  if (i >= params.batch_size || first + i >= params.total) {
    return;
  }
  var idx = i;
  if (train) {
    idx = order[first + i];
  }
  let x = xs[idx];
  let K = params.hidden_units;
  var sum = 0.0;
  for (var k = 0u; k < K; k++) {
    let h = hidden_unit(theta[3u * k + W], theta[3u * k + BIAS], x); // [math unit]
    if (train) {
      hidden[i * K + k] = h;
    }
    sum += theta[3u * k + V] * h; // [math alpha]
  }
  alpha[i] = sum;
}
