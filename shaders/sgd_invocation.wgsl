// sgd_invocation.wgsl: one invocation a model, theta in registers (the "register" variant).
//
// Invocation m trains model m alone (fused_common.wgsl says what a step is): every hidden unit,
// every point of the batch, one after another, with no other invocation to wait for. It needs no
// subgroups, so every adapter runs it. It suits small K and many models: a sweep fills every lane,
// and the host orders models by K and seed, so neighbouring lanes share their loop bounds and read
// the same point in the same step.
//
// MAX_UNITS (the run's largest K) is written into the source by the host: it sizes the arrays
// theta lives in, which WGSL wants fixed.
// Dispatch: ceil(P / WG) workgroups of WG invocations.

const MAX_UNITS: u32 = 10u; // templated

override WG: u32 = 64;

var<private> tv: array<f32, MAX_UNITS>;
var<private> tw: array<f32, MAX_UNITS>;
var<private> tb: array<f32, MAX_UNITS>;
var<private> units: u32;

fn load_theta(rec: u32, K: u32) {
  units = K;
  for (var k = 0u; k < units; k++) {
    tv[k] = records[rec + REC_THETA + 3u * k + V];
    tw[k] = records[rec + REC_THETA + 3u * k + W];
    tb[k] = records[rec + REC_THETA + 3u * k + BIAS];
  }
}

fn store_theta(rec: u32) {
  for (var k = 0u; k < units; k++) {
    records[rec + REC_THETA + 3u * k + V] = tv[k];
    records[rec + REC_THETA + 3u * k + W] = tw[k];
    records[rec + REC_THETA + 3u * k + BIAS] = tb[k];
  }
}

// alpha(x) with this invocation's theta.
fn model_alpha(x: f32) -> f32 {
  var alpha = 0.0;
  for (var k = 0u; k < MAX_UNITS; k++) {
    if (k >= units) {
      break;
    }
    alpha += tv[k] * hidden_unit(tw[k], tb[k], x);
  }
  return alpha;
}

// Steps [begin, end) of an epoch whose visits start at visit_base; returns the running loss.
fn train_steps(visit_base: u32, begin: u32, end: u32, lr: f32, loss_in: vec2f) -> vec2f {
  var loss = loss_in;
  var h: array<f32, MAX_UNITS>;
  if (run.batch_size == 1u) {
    // Batch 1 (the lecture's): the gradient is the one point's, and 2 / count = 2, so
    // lr * (2 g) = (2 lr) g exactly; no accumulators, no inner loop.
    let lr2 = 2.0 * lr;
    for (var step = begin; step < end; step++) {
      let p = visits[visit_base + step];
      var alpha = 0.0;
      for (var k = 0u; k < MAX_UNITS; k++) {
        if (k >= units) {
          break;
        }
        h[k] = hidden_unit(tw[k], tb[k], p.x);
        alpha += tv[k] * h[k];
      }
      let r = alpha - p.y;
      loss = kahan_add(loss, r * r);
      for (var k = 0u; k < MAX_UNITS; k++) {
        if (k >= units) {
          break;
        }
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
    for (var k = 0u; k < MAX_UNITS; k++) {
      gv[k] = 0.0;
      gw[k] = 0.0;
      gb[k] = 0.0;
    }
    for (var i = 0u; i < count; i++) {
      let p = visits[visit_base + first + i];
      var alpha = 0.0;
      for (var k = 0u; k < MAX_UNITS; k++) {
        if (k >= units) {
          break;
        }
        h[k] = hidden_unit(tw[k], tb[k], p.x);
        alpha += tv[k] * h[k];
      }
      let r = alpha - p.y;
      loss = kahan_add(loss, r * r);
      for (var k = 0u; k < MAX_UNITS; k++) {
        if (k >= units) {
          break;
        }
        let g = unit_gradient(r, tv[k], h[k], p.x);
        gv[k] += g.x;
        gw[k] += g.y;
        gb[k] += g.z;
      }
    }
    let scale = 2.0 / f32(count);
    for (var k = 0u; k < MAX_UNITS; k++) {
      if (k >= units) {
        break;
      }
      tv[k] -= lr * (scale * gv[k]);
      tw[k] -= lr * (scale * gw[k]);
      tb[k] -= lr * (scale * gb[k]);
    }
  }
  return loss;
}

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  if (gid.x < run.models) {
    run_model(gid.x, true);
  }
}
