// fused_common.wgsl: the interface of the fused kernel family, prepended (after common.wgsl) to
// each variant: sgd_invocation.wgsl (one invocation a model) and sgd_subgroup.wgsl (one subgroup
// a model). Every variant trains P models at once, each exactly as Keras trains one (DESIGN.md 1):
//
//   for step in [span.step_begin, span.step_end):
//     first = step * batch_size, count = min(batch_size, train_points - first)
//     for the points (x_i, y_i) = visits[span.visit_offset + order_index * train_points + first + i], i < count:
//       r_i = alpha(x_i) - y_i,  loss += r_i^2 (Kahan),  g += r_i d alpha(x_i) / d theta
//     theta -= learning_rate * ((2 / count) g)
//   at the end of the epoch (span.epoch_end = 1): val_loss = MSE on the validation points, and
//   alpha on the plot points, with the epoch's final theta.
//
// A single model is a sweep of one. An epoch is one dispatch unless it is very long, when the
// host splits it into spans of steps; theta and the running loss wait in the record between them.
// Nothing is shared between invocations through memory, so no variant has a barrier.
//
// The record of model m, at records[m * record_stride ..] (float32):
//   REC_LOSS, REC_LOSS_C   the epoch's sum of r^2 so far and its Kahan compensation
//   REC_VAL                the epoch's validation MSE (at its end)
//   REC_THETA ..           theta, K x 3 rows [v, w, b] (read at the start of a dispatch, written at its end)
//   plot_offset ..         alpha on the plot points (at the end of the epoch)
// The host copies every record to a staging buffer after each epoch: losses, theta and alpha arrive together.
//
// Bindings (group 0):
//   0 run      uniform          RunParams: the shape of the run
//   1 span     uniform          Span: the steps of this dispatch and where its epoch's visits are
//                               (a dynamic offset into the submission's spans picks the dispatch's own)
//   2 models   storage, read    Model per model: K, learning rate, which visiting order
//   3 records  storage, rw      the records above
//   4 visits   storage, read    the training points (x, y) in each epoch's visiting order, one order per
//                               distinct seed, train_points each, for every epoch of the submission
//                               (gathered by the host, so a step reads its point in one load)
//   5 val      storage, read    validation points (x, y)
//   6 plot     storage, read    the plot points' x

struct RunParams {
  batch_size: u32,
  train_points: u32,
  val_points: u32,
  plot_points: u32,
  models: u32,
  record_stride: u32,
  plot_offset: u32,
  pad: u32,
}

struct Span {
  step_begin: u32,
  step_end: u32,
  epoch_end: u32,
  visit_offset: u32,
}

struct Model {
  hidden_units: u32,
  learning_rate: f32,
  order_index: u32,
  pad: u32,
}

const REC_LOSS = 0u;
const REC_LOSS_C = 1u;
const REC_VAL = 2u;
const REC_THETA = 3u;

@group(0) @binding(0) var<uniform> run: RunParams;
@group(0) @binding(1) var<uniform> span: Span;
@group(0) @binding(2) var<storage, read> models: array<Model>;
@group(0) @binding(3) var<storage, read_write> records: array<f32>;
@group(0) @binding(4) var<storage, read> visits: array<vec2f>;
@group(0) @binding(5) var<storage, read> val: array<vec2f>;
@group(0) @binding(6) var<storage, read> plot: array<f32>;

// The epoch's running loss (sum, compensation): zero at its first step, else where the last span left it.
fn loss_so_far(rec: u32) -> vec2f {
  if (span.step_begin == 0u) {
    return vec2f(0.0);
  }
  return vec2f(records[rec + REC_LOSS], records[rec + REC_LOSS_C]);
}

// The end of an epoch: validation MSE and alpha on the plot points into the record, alpha by the
// variant's model_alpha(). Every invocation of a model computes (a subgroup sums across lanes);
// only the `writer` stores.
fn finish_epoch(rec: u32, writer: bool) {
  if (run.val_points > 0u) {
    var acc = vec2f(0.0);
    for (var i = 0u; i < run.val_points; i++) {
      let p = val[i];
      let r = model_alpha(p.x) - p.y;
      acc = kahan_add(acc, r * r);
    }
    if (writer) {
      records[rec + REC_VAL] = acc.x / f32(run.val_points);
    }
  }
  for (var i = 0u; i < run.plot_points; i++) {
    let a = model_alpha(plot[i]);
    if (writer) {
      records[rec + run.plot_offset + i] = a;
    }
  }
}
