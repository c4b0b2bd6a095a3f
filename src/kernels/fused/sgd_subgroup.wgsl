// sgd_subgroup.wgsl: one subgroup a model, each lane owning hidden units (the "subgroup" variant);
// its steps are serial_steps.wgsl (prepended).
//
// Workgroup m is one subgroup of LANES invocations and trains model m (fused_common.wgsl says what
// a step is). Lane l owns units l, l + LANES, l + 2 LANES, ... (slots u = 0, 1, ...) and keeps
// their v, w, b in registers. For each point of a batch every lane computes its units'
// sigma(w x + b) once, and
//   alpha = subgroupAdd(sum over the lane's units of v_k h_k)
// gives every lane the whole alpha, hence the residual; each lane then adds its units' gradient and
// updates its own units. No memory is shared and no barrier is passed: lanes of one subgroup run
// together. LANES is the adapter's smallest subgroup size (adapter.info.subgroupMinSize), so the
// workgroup is one subgroup on any adapter.
//
// Every lane runs all SLOTS slots, with no branch: a slot past K holds v = w = b = 0,
// adds exactly 0 to alpha, and its v stays 0 because its update is masked (s = 0 keeps w and b).
// SLOTS = ceil(K / LANES) is written into the source by the host, which dispatches the
// models of one K together and unrolls the loops marked `// unroll` (up to 64 slots).
// Dispatch: one workgroup of LANES invocations a model of this K.

enable subgroups;

const SLOTS: u32 = 3u; // templated

override LANES: u32 = 4;

var<private> tv: array<f32, SLOTS>;
var<private> tw: array<f32, SLOTS>;
var<private> tb: array<f32, SLOTS>;
// 1 for a slot that holds one of the model's units, 0 past K.
var<private> live: array<f32, SLOTS>;
// sigma(w_k x + b_k) of the lane's units at the last point model_alpha saw, for the gradient.
var<private> h: array<f32, SLOTS>;
var<private> lane: u32;
var<private> units: u32;

fn load_theta(rec: u32, K: u32) {
  units = K;
  // unroll
  for (var u = 0u; u < SLOTS; u++) {
    let k = lane + u * LANES;
    if (k < K) {
      tv[u] = records[rec + REC_THETA + 3u * k + V];
      tw[u] = records[rec + REC_THETA + 3u * k + W];
      tb[u] = records[rec + REC_THETA + 3u * k + BIAS];
      live[u] = 1.0;
    }
  }
}

fn store_theta(rec: u32, writer: bool) {
  // unroll
  for (var u = 0u; u < SLOTS; u++) {
    let k = lane + u * LANES;
    if (k < units) {
      records[rec + REC_THETA + 3u * k + V] = tv[u];
      records[rec + REC_THETA + 3u * k + W] = tw[u];
      records[rec + REC_THETA + 3u * k + BIAS] = tb[u];
    }
  }
}

fn end_epoch(rec: u32, writer: bool) {
  evaluate_all(rec, writer);
}

// alpha(x) with the subgroup's theta, in every lane: each lane sums its units' v_k sigma(w_k x + b_k),
// keeping each sigma in h, and subgroupAdd adds the lanes.
fn model_alpha(x: f32) -> f32 {
  var part = 0.0;
  // unroll
  for (var u = 0u; u < SLOTS; u++) {
    h[u] = hidden_unit(tw[u], tb[u], x); // [math unit]
    part += tv[u] * h[u]; // [math alpha]
  }
  return subgroupAdd(part); // [math alpha]
}

@compute @workgroup_size(LANES)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_index) t: u32) {
  lane = t;
  run_model(span.model_begin + wid.x, t == 0u);
}
