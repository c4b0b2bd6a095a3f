// fused_common.wgsl: the interface of the fused kernel family, prepended (after common.wgsl) to
// each variant: sgd_invocation.wgsl (one invocation a model), sgd_subgroup.wgsl (one subgroup a
// model) and sgd_tiled.wgsl (a workgroup a model, for big batches). Every variant trains P models
// at once, each exactly as Keras trains one (docs/design.md section 1):
//
//   for step in [span.step_begin, span.step_end) of each of the span's epochs:
//     first = step * batch_size, count = min(batch_size, train_points - first)
//     for the points (x_i, y_i) = the epoch's visits[order_index * train_points + first + i], i < count:
//       r_i = alpha(x_i) - y_i,  loss += r_i^2 (Kahan),  g += r_i d alpha(x_i) / d theta
//     theta -= learning_rate * ((2 / count) g)
//   at the end of each epoch: val_loss = MSE on the validation points and alpha on the plot
//   points with the epoch's final theta, written with the loss and theta to the epoch's record.
//
// A single model is a sweep of one. One dispatch runs the models of one K, whole epochs (as many as
// the host packs into it) or, for a very long epoch, a span of its steps; theta and the running
// loss wait in slot 0 of the records between dispatches. The invocation and subgroup variants share
// nothing between invocations through memory, so they pass no barrier; the tiled variant (big
// batches) passes one a step. Each variant supplies load_theta, store_theta, train_steps and
// end_epoch; run_model below is the rest.
//
// Records, float32: slot s (0 .. epochs of a submission) holds record_stride floats a model at
// (s * models + m) * record_stride. Slot 0 is the carried state; slot s >= 1 the record of the
// submission's s-th epoch, which the host copies out:
//   REC_LOSS, REC_LOSS_C   the epoch's sum of r^2 and its Kahan compensation
//   REC_VAL                the epoch's validation MSE
//   REC_THETA ..           theta, K x 3 rows [v, w, b]
//   plot_offset ..         alpha on the plot points
//
// Bindings (group 0):
//   0 run      uniform          RunParams: the shape of the run
//   1 span     uniform          Span: what this dispatch runs (a dynamic offset picks its own)
//   2 models   storage, read    Model per model: K, learning rate, which visiting order
//   3 records  storage, rw      the records above
//   4 visits   storage, read    the training points (x, y) in each epoch's visiting order, one order
//                               per distinct seed, train_points each, every epoch of the submission
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
  seeds: u32,
}

struct Span {
  step_begin: u32,
  step_end: u32,
  // Epochs this dispatch runs; more than one only when each runs whole.
  epochs: u32,
  // 1: the span's (last) epoch ends in this dispatch.
  epoch_end: u32,
  // Where the first epoch's visits start, in points; the next epoch's come seeds * train_points later.
  visit_offset: u32,
  // The record slot of the first epoch.
  record_slot: u32,
  // The models this dispatch trains, [model_begin, model_end): those of one K.
  model_begin: u32,
  model_end: u32,
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

// The end of an epoch as the invocation and subgroup variants do it (their end_epoch): validation
// MSE and alpha on the plot points into the record, alpha by the variant's model_alpha(). Every
// invocation of a model computes every point (a subgroup sums across lanes); only the `writer` stores.
fn evaluate_all(rec: u32, writer: bool) {
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

// Model m's share of the dispatch: its epochs (or span of steps), each ended epoch written to its
// record, then theta and the running loss kept in slot 0. `writer` stores what all lanes share.
fn run_model(m: u32, writer: bool) {
  let model = models[m];
  let state = m * run.record_stride;
  load_theta(state, model.hidden_units);
  var loss = vec2f(0.0);
  if (span.step_begin > 0u) {
    loss = vec2f(records[state + REC_LOSS], records[state + REC_LOSS_C]);
  }
  for (var e = 0u; e < span.epochs; e++) {
    let visit_base = span.visit_offset + (e * run.seeds + model.order_index) * run.train_points;
    loss = train_steps(visit_base, span.step_begin, span.step_end, model.learning_rate, loss);
    if (span.epoch_end == 1u) {
      let rec = ((span.record_slot + e) * run.models + m) * run.record_stride;
      if (writer) {
        records[rec + REC_LOSS] = loss.x;
        records[rec + REC_LOSS_C] = loss.y;
      }
      store_theta(rec, writer);
      end_epoch(rec, writer);
      loss = vec2f(0.0);
    }
  }
  store_theta(state, writer);
  if (writer) {
    records[state + REC_LOSS] = loss.x;
    records[state + REC_LOSS_C] = loss.y;
  }
}
