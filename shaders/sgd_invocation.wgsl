// sgd_invocation.wgsl: one invocation a model, theta in registers (the "register" variant).
//
// Invocation m trains model m alone (fused_common.wgsl says what a step is): every hidden unit,
// every point of the batch, one after another, with no other invocation to wait for. It needs no
// subgroups, so every adapter runs it. It suits small K and many models: a sweep fills every lane.
// The host dispatches models of one K together (its own pipeline, MAX_UNITS = that K), with
// neighbouring models sharing a seed, so neighbouring lanes run the same loops over the same point.
//
// theta_registers.wgsl (prepended) holds theta, sized and unrolled for this dispatch's K.
// Dispatch: ceil(models of this K / WG) workgroups of WG invocations.

override WG: u32 = 64;

fn end_epoch(rec: u32, writer: bool) {
  evaluate_all(rec, writer);
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
      for (var k = 0u; k < MAX_UNITS; k++) {
        let g = unit_gradient(r, tv[k], h[k], p.x);
        tv[k] -= lr2 * g.x;
        tw[k] -= lr2 * g.y;
        tb[k] -= lr2 * g.z;
      }
    }
    return loss;
  }
  var gv: array<f32, MAX_UNITS>;
  var gw: array<f32, MAX_UNITS>;
  var gb: array<f32, MAX_UNITS>;
  for (var step = begin; step < end; step++) {
    let first = step * run.batch_size;
    let count = min(run.batch_size, run.train_points - first);
    // unroll
    for (var k = 0u; k < MAX_UNITS; k++) {
      gv[k] = 0.0;
      gw[k] = 0.0;
      gb[k] = 0.0;
    }
    for (var i = 0u; i < count; i++) {
      let p = visits[visit_base + first + i];
      let r = model_alpha(p.x) - p.y;
      loss = kahan_add(loss, r * r);
      // unroll
      for (var k = 0u; k < MAX_UNITS; k++) {
        let g = unit_gradient(r, tv[k], h[k], p.x);
        gv[k] += g.x;
        gw[k] += g.y;
        gb[k] += g.z;
      }
    }
    let scale = 2.0 / f32(count);
    // unroll
    for (var k = 0u; k < MAX_UNITS; k++) {
      tv[k] -= lr * (scale * gv[k]);
      tw[k] -= lr * (scale * gw[k]);
      tb[k] -= lr * (scale * gb[k]);
    }
  }
  return loss;
}

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let m = span.model_begin + gid.x;
  if (m < span.model_end) {
    run_model(m, true);
  }
}
