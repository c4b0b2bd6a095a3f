// fused_models.wgsl: P independent networks at once, one workgroup each, an epoch a dispatch.
//
// Workgroup m trains model m exactly as fused_epoch.wgsl trains one: every step of the epoch,
//   first = step * batch_size, count = min(batch_size, total - first), points orders[o][first + i]
//   (o = the model's order_index: models with the same seed share a visiting order);
//   A: r_i = alpha(x_i) - y_i -> residual;  B: theta_k -= learning_rate * (2 / count) * g_k,
// with its own K (<= the sweep's largest) and learning rate, theta in workgroup memory. Then it
// evaluates its validation MSE and writes theta back.
//   out[m].loss_sum = sum over the epoch's samples of r^2;  out[m].val_loss = MSE on the validation points
//
// Bindings (group 0):
//   0 params    uniform          batch_size, total (training points), steps_per_epoch, val_points, theta_stride
//   1 models    storage, read    per model: hidden_units, learning_rate, order_index
//   2 thetas    storage, rw      model m's theta at m * theta_stride (K_m x 3 used)
//   3 train     storage, read    training points (x, y)
//   4 orders    storage, read    one visiting order of `total` points per distinct seed
//   5 val       storage, read    validation points (x, y)
//   6 out       storage, rw      per model: loss_sum, val_loss
//   7 residual  storage, rw      model m's batch_size scratch at m * batch_size
// (x and y travel together: a stage may bind only 8 storage buffers by default.)
// Dispatch: P workgroups of WG invocations (a power of two). THETA_LEN = 3 * (largest K).

struct Params {
  batch_size: u32,
  total: u32,
  steps_per_epoch: u32,
  val_points: u32,
  theta_stride: u32,
}

struct Model {
  hidden_units: u32,
  learning_rate: f32,
  order_index: u32,
  pad: u32,
}

struct Out {
  loss_sum: f32,
  val_loss: f32,
}

override WG: u32 = 64;
override THETA_LEN: u32 = 30;

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> models: array<Model>;
@group(0) @binding(2) var<storage, read_write> thetas: array<f32>;
@group(0) @binding(3) var<storage, read> train: array<vec2f>;
@group(0) @binding(4) var<storage, read> orders: array<u32>;
@group(0) @binding(5) var<storage, read> val: array<vec2f>;
@group(0) @binding(6) var<storage, read_write> out: array<Out>;
@group(0) @binding(7) var<storage, read_write> residual: array<f32>;

var<workgroup> theta_w: array<f32, THETA_LEN>;
var<workgroup> part: array<f32, WG>;

// alpha(x) with the workgroup's theta.
fn alpha_of(x: f32, K: u32) -> f32 {
  var alpha = 0.0;
  for (var k = 0u; k < K; k++) {
    alpha += theta_w[3u * k + V] * hidden_unit(theta_w[3u * k + W], theta_w[3u * k + B], x);
  }
  return alpha;
}

// The sum of every invocation's `mine`, for invocation 0 (log2 WG barriers).
fn workgroup_sum(t: u32, mine: f32) -> f32 {
  part[t] = mine;
  workgroupBarrier();
  for (var stride = WG / 2u; stride > 0u; stride /= 2u) {
    if (t < stride) {
      part[t] += part[t + stride];
    }
    workgroupBarrier();
  }
  return part[0];
}

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_index) t: u32) {
  let m = wid.x;
  let model = models[m];
  let K = model.hidden_units;
  let lr = model.learning_rate;
  let base = m * params.theta_stride;
  let order_base = model.order_index * params.total;
  let res_base = m * params.batch_size;
  for (var p = t; p < 3u * K; p += WG) {
    theta_w[p] = thetas[base + p];
  }
  workgroupBarrier();

  var my_loss = 0.0;
  for (var step = 0u; step < params.steps_per_epoch; step++) {
    let first = step * params.batch_size;
    let count = min(params.batch_size, params.total - first);
    for (var i = t; i < count; i += WG) {
      let point = train[orders[order_base + first + i]];
      let r = alpha_of(point.x, K) - point.y;
      residual[res_base + i] = r;
      my_loss += r * r;
    }
    storageBarrier();
    let scale = 2.0 / f32(count);
    for (var k = t; k < K; k += WG) {
      let v = theta_w[3u * k + V];
      let w = theta_w[3u * k + W];
      let b = theta_w[3u * k + B];
      var g = vec3f(0.0);
      for (var i = 0u; i < count; i++) {
        let x = train[orders[order_base + first + i]].x;
        g += unit_gradient(residual[res_base + i], v, hidden_unit(w, b, x), x);
      }
      theta_w[3u * k + V] = v - lr * (scale * g.x);
      theta_w[3u * k + W] = w - lr * (scale * g.y);
      theta_w[3u * k + B] = b - lr * (scale * g.z);
    }
    workgroupBarrier();
  }
  let loss_sum = workgroup_sum(t, my_loss);

  var my_val = 0.0;
  for (var i = t; i < params.val_points; i += WG) {
    let r = alpha_of(val[i].x, K) - val[i].y;
    my_val += r * r;
  }
  workgroupBarrier();
  let val_sum = workgroup_sum(t, my_val);

  for (var p = t; p < 3u * K; p += WG) {
    thetas[base + p] = theta_w[p];
  }
  if (t == 0u) {
    out[m].loss_sum = loss_sum;
    out[m].val_loss = select(0.0, val_sum / f32(params.val_points), params.val_points > 0u);
  }
}
