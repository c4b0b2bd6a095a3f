// sgd_subgroup.wgsl: one subgroup a model, each lane owning hidden units (the "subgroup" variant).
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
// Every lane runs all UNITS_PER_LANE slots, with no branch: a slot past K holds v = w = b = 0,
// adds exactly 0 to alpha, and its v stays 0 because its update is masked (s = 0 keeps w and b).
// UNITS_PER_LANE = ceil(K / LANES) is written into the source by the host, which dispatches the
// models of one K together and unrolls the loops marked `// unroll` (up to 64 slots).
// Dispatch: one workgroup of LANES invocations a model of this K.

enable subgroups;

const UNITS_PER_LANE: u32 = 3u; // templated

override LANES: u32 = 4;

var<private> tv: array<f32, UNITS_PER_LANE>;
var<private> tw: array<f32, UNITS_PER_LANE>;
var<private> tb: array<f32, UNITS_PER_LANE>;
// 1 for a slot that holds one of the model's units, 0 past K.
var<private> live: array<f32, UNITS_PER_LANE>;
// sigma(w_k x + b_k) of the lane's units at the last point model_alpha saw, for the gradient.
var<private> h: array<f32, UNITS_PER_LANE>;
var<private> lane: u32;
var<private> units: u32;

fn load_theta(rec: u32, K: u32) {
  units = K;
  // unroll
  for (var u = 0u; u < UNITS_PER_LANE; u++) {
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
  for (var u = 0u; u < UNITS_PER_LANE; u++) {
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
  for (var u = 0u; u < UNITS_PER_LANE; u++) {
    h[u] = hidden_unit(tw[u], tb[u], x);
    part += tv[u] * h[u];
  }
  return subgroupAdd(part);
}

// Steps [begin, end) of an epoch whose visits start at visit_base; returns the running loss.
fn train_steps(visit_base: u32, begin: u32, end: u32, lr: f32, loss_in: vec2f) -> vec2f {
  var loss = loss_in;
  if (run.batch_size == 1u) {
    // Batch 1 (the lecture's): the gradient is the one point's, and 2 / count = 2, so
    // lr * (2 g) = (2 lr) g exactly; no accumulators, no inner loop.
    let lr2 = 2.0 * lr;
    for (var step = begin; step < end; step++) {
      let p = visits[visit_base + step];
      let r = model_alpha(p.x) - p.y;
      loss = kahan_add(loss, r * r);
      // unroll
      for (var u = 0u; u < UNITS_PER_LANE; u++) {
        let g = unit_gradient(r, tv[u], h[u], p.x);
        tv[u] -= (lr2 * g.x) * live[u];
        tw[u] -= lr2 * g.y;
        tb[u] -= lr2 * g.z;
      }
    }
    return loss;
  }
  var gv: array<f32, UNITS_PER_LANE>;
  var gw: array<f32, UNITS_PER_LANE>;
  var gb: array<f32, UNITS_PER_LANE>;
  for (var step = begin; step < end; step++) {
    let first = step * run.batch_size;
    let count = min(run.batch_size, run.train_points - first);
    // unroll
    for (var u = 0u; u < UNITS_PER_LANE; u++) {
      gv[u] = 0.0;
      gw[u] = 0.0;
      gb[u] = 0.0;
    }
    for (var i = 0u; i < count; i++) {
      let p = visits[visit_base + first + i];
      let r = model_alpha(p.x) - p.y;
      loss = kahan_add(loss, r * r);
      // unroll
      for (var u = 0u; u < UNITS_PER_LANE; u++) {
        let g = unit_gradient(r, tv[u], h[u], p.x);
        gv[u] += g.x;
        gw[u] += g.y;
        gb[u] += g.z;
      }
    }
    let scale = 2.0 / f32(count);
    // unroll
    for (var u = 0u; u < UNITS_PER_LANE; u++) {
      tv[u] -= (lr * (scale * gv[u])) * live[u];
      tw[u] -= lr * (scale * gw[u]);
      tb[u] -= lr * (scale * gb[u]);
    }
  }
  return loss;
}

@compute @workgroup_size(LANES)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_index) t: u32) {
  lane = t;
  run_model(span.model_begin + wid.x, t == 0u);
}
