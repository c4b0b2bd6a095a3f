// sgd_tiled.wgsl: one workgroup a model, for big batches (the "tiled" variant).
//
// Workgroup m trains model m (fused_common.wgsl says what a step is). Every invocation keeps all
// of theta in registers (theta_registers.wgsl, prepended, sized and unrolled for this dispatch's
// K). A step's batch is dealt out over the TILE invocations (point i to invocation i mod TILE);
// each computes sigma(w_k x_i + b_k) once for its points and adds up their gradient and squared
// residuals; subgroupAdd sums those within each subgroup, one lane a subgroup
// writes the sums to workgroup memory, and after the step's one barrier every invocation adds the
// subgroups' sums in the same order and takes the same SGD step, so theta stays identical
// everywhere without being shared. The sums are double-buffered (step s writes buffer s mod 2),
// so one barrier a step is enough: no invocation can reach step s + 2's writes before all have
// read step s's. Validation and the plot points are dealt out the same way at the end of an epoch.
//
// SUBGROUPS is the most subgroups a workgroup can hold (TILE / the adapter's smallest subgroup).
// Dispatch: one workgroup of TILE invocations a model of this K.

enable subgroups;

override TILE: u32 = 64;
override SUBGROUPS: u32 = 16;

// The gradient of theta (3K) and the sum of r^2: what a step reduces over the batch.
const SUMS: u32 = 3u * SLOTS + 1u;

var<private> t: u32;
// This invocation's subgroup's slot in `sums`, and how many subgroups there are.
var<private> slot: u32;
var<private> subgroups: u32;

var<workgroup> sums: array<f32, 2u * SUMS * SUBGROUPS>;
var<workgroup> subgroup_count: atomic<u32>;
var<workgroup> slot_count: u32;

// The workgroup's total of `mine` over all invocations, in every invocation: subgroupAdd, then the
// subgroups' sums in slot order. Uses buffer `buf` of `sums` at column 0; one barrier.
fn workgroup_total(mine: f32, buf: u32) -> f32 {
  let s = subgroupAdd(mine);
  if (subgroupElect()) {
    sums[(buf * SUBGROUPS + slot) * SUMS] = s;
  }
  workgroupBarrier();
  var total = 0.0;
  for (var j = 0u; j < subgroups; j++) {
    total += sums[(buf * SUBGROUPS + j) * SUMS];
  }
  return total;
}

// The end of an epoch: validation points and plot points dealt out over the workgroup.
fn end_epoch(rec: u32, writer: bool) {
  if (run.val_points > 0u) {
    var mine = 0.0;
    for (var i = t; i < run.val_points; i += TILE) {
      let p = val[i];
      let r = model_alpha(p.x) - p.y; // [math loss]
      mine += r * r;
    }
    // Buffer 0 here; the steps' last writes were to a buffer all have read (see train_steps).
    let total = workgroup_total(mine, 0u);
    if (writer) {
      records[rec + REC_VAL] = total / f32(run.val_points);
    }
    workgroupBarrier();
  }
  for (var i = t; i < run.plot_points; i += TILE) {
    records[rec + run.plot_offset + i] = model_alpha(plot[i]);
  }
}

// Steps [begin, end) of an epoch whose visits start at visit_base; returns the running loss.
fn train_steps(visit_base: u32, begin: u32, end: u32, lr: f32, loss_in: vec2f) -> vec2f {
  var loss = loss_in;
  var g: array<f32, SUMS>;
  for (var step = begin; step < end; step++) {
    let first = step * run.batch_size;
    let count = min(run.batch_size, run.train_points - first);
    for (var j = 0u; j < SUMS; j++) {
      g[j] = 0.0;
    }
    for (var i = t; i < count; i += TILE) {
      let p = visits[visit_base + first + i];
      let r = model_alpha(p.x) - p.y; // [math loss]
      g[3u * SLOTS] += r * r; // [math loss]
      // unroll
      for (var k = 0u; k < SLOTS; k++) {
        let u = unit_gradient(r, tv[k], h[k], p.x); // [math gradient]
        g[3u * k + V] += u.x; // [math gradient]
        g[3u * k + W] += u.y; // [math gradient]
        g[3u * k + BIAS] += u.z; // [math gradient]
      }
    }
    // Each subgroup's sums to workgroup memory, then one barrier.
    let buf = step % 2u;
    for (var j = 0u; j < SUMS; j++) {
      let s = subgroupAdd(g[j]);
      if (subgroupElect()) {
        sums[(buf * SUBGROUPS + slot) * SUMS + j] = s;
      }
    }
    workgroupBarrier();
    for (var j = 0u; j < SUMS; j++) {
      var total = 0.0;
      for (var q = 0u; q < subgroups; q++) {
        total += sums[(buf * SUBGROUPS + q) * SUMS + j];
      }
      g[j] = total;
    }
    loss = kahan_add(loss, g[3u * SLOTS]); // [math loss]
    let scale = 2.0 / f32(count); // [math gradient]
    // unroll
    for (var k = 0u; k < SLOTS; k++) {
      tv[k] -= lr * (scale * g[3u * k + V]); // [math update]
      tw[k] -= lr * (scale * g[3u * k + W]); // [math update]
      tb[k] -= lr * (scale * g[3u * k + BIAS]); // [math update]
    }
  }
  // The next writes (the next span's first step, or validation, to buffer 0) must wait until all
  // have read the last step's buffer.
  workgroupBarrier();
  return loss;
}

@compute @workgroup_size(TILE)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_index) index: u32) {
  t = index;
  // Each subgroup takes a slot in `sums` (subgroups need not be numbered as invocations are).
  var mine = 0u;
  if (subgroupElect()) {
    mine = atomicAdd(&subgroup_count, 1u);
  }
  slot = subgroupBroadcastFirst(mine);
  workgroupBarrier();
  if (t == 0u) {
    slot_count = atomicLoad(&subgroup_count);
  }
  subgroups = workgroupUniformLoad(&slot_count);
  run_model(span.model_begin + wid.x, t == 0u);
}
