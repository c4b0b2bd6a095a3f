// sgd_update.wgsl: one SGD step, theta <- theta - learning_rate * grad, then the step counter
// advances so the next step's forward and gradient dispatches take the next batch.
//
// Bindings (group 0):
//   0 params  uniform            n = 3K entries, learning_rate
//   1 state   storage, rw        step (+1 by invocation 0, which reads no theta of others)
//   2 theta   storage, rw        K x 3
//   3 grad    storage, read      K x 3, from mse_grad.wgsl
// Dispatch: ceil(3K / WG) workgroups of WG invocations, one invocation per entry of theta.

struct Params {
  n: u32,
  learning_rate: f32,
}

override WG: u32 = 64;

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read_write> state: State;
@group(0) @binding(2) var<storage, read_write> theta: array<f32>;
@group(0) @binding(3) var<storage, read> grad: array<f32>;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let p = gid.x;
  if (p == 0u) {
    state.step += 1u;
  }
  if (p < params.n) {
    theta[p] -= params.learning_rate * grad[p]; // [math update]
  }
}
