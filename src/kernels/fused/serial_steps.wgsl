// serial_steps.wgsl: the steps of the fused variants that take a batch's points one after another
// (sgd_invocation.wgsl, sgd_subgroup.wgsl); prepended after fused_common.wgsl. Each variant keeps
// SLOTS of its model's units in tv, tw, tb (live[u] = 1 for a slot that holds a unit, 0 past K,
// so an empty slot adds exactly 0 to alpha and its v stays 0) and supplies model_alpha(x): alpha
// at x, with each slot's sigma(w x + b) kept in h for the gradient. The invocation kernel's
// model_alpha sums all K units; the subgroup kernel's sums the lane's and adds the lanes.

// Steps [begin, end) of an epoch whose visits start at visit_base; returns the running loss.
fn train_steps(visit_base: u32, begin: u32, end: u32, lr: f32, loss_in: vec2f) -> vec2f {
  var loss = loss_in;
  if (run.batch_size == 1u) {
    // Batch 1 (the lecture's): the gradient is the one point's, and 2 / count = 2, so
    // lr * (2 g) = (2 lr) g exactly; no accumulators, no inner loop.
    let lr2 = 2.0 * lr; // [math gradient]
    for (var step = begin; step < end; step++) {
      let p = visits[visit_base + step];
      let r = model_alpha(p.x) - p.y; // [math loss]
      loss = kahan_add(loss, r * r); // [math loss]
      // unroll
      for (var u = 0u; u < SLOTS; u++) {
        let g = unit_gradient(r, tv[u], h[u], p.x); // [math gradient]
        tv[u] -= (lr2 * g.x) * live[u]; // [math update]
        tw[u] -= lr2 * g.y; // [math update]
        tb[u] -= lr2 * g.z; // [math update]
      }
    }
    return loss;
  }
  var gv: array<f32, SLOTS>;
  var gw: array<f32, SLOTS>;
  var gb: array<f32, SLOTS>;
  for (var step = begin; step < end; step++) {
    let first = step * run.batch_size;
    let count = min(run.batch_size, run.train_points - first);
    // unroll
    for (var u = 0u; u < SLOTS; u++) {
      gv[u] = 0.0;
      gw[u] = 0.0;
      gb[u] = 0.0;
    }
    for (var i = 0u; i < count; i++) {
      let p = visits[visit_base + first + i];
      let r = model_alpha(p.x) - p.y; // [math loss]
      loss = kahan_add(loss, r * r); // [math loss]
      // unroll
      for (var u = 0u; u < SLOTS; u++) {
        let g = unit_gradient(r, tv[u], h[u], p.x); // [math gradient]
        gv[u] += g.x; // [math gradient]
        gw[u] += g.y; // [math gradient]
        gb[u] += g.z; // [math gradient]
      }
    }
    let scale = 2.0 / f32(count); // [math gradient]
    // unroll
    for (var u = 0u; u < SLOTS; u++) {
      tv[u] -= (lr * (scale * gv[u])) * live[u]; // [math update]
      tw[u] -= lr * (scale * gw[u]); // [math update]
      tb[u] -= lr * (scale * gb[u]); // [math update]
    }
  }
  return loss;
}
