// theta_registers.wgsl: all of a model's theta in one invocation's registers, for the fused
// variants that keep it whole (sgd_invocation.wgsl, sgd_tiled.wgsl); prepended after
// fused_common.wgsl. SLOTS (the dispatch's K) is written in by the host, which also unrolls the
// loops marked `// unroll`, so each element below is a register rather than memory.

const SLOTS: u32 = 10u; // templated

var<private> tv: array<f32, SLOTS>;
var<private> tw: array<f32, SLOTS>;
var<private> tb: array<f32, SLOTS>;
// Every slot holds one of the model's units (SLOTS = K): 1 everywhere, for serial_steps.wgsl.
var<private> live: array<f32, SLOTS>;
// sigma(w_k x + b_k) of the last point model_alpha saw, for its gradient.
var<private> h: array<f32, SLOTS>;

fn load_theta(rec: u32, K: u32) {
  // unroll
  for (var k = 0u; k < SLOTS; k++) {
    tv[k] = records[rec + REC_THETA + 3u * k + V];
    tw[k] = records[rec + REC_THETA + 3u * k + W];
    tb[k] = records[rec + REC_THETA + 3u * k + BIAS];
    live[k] = 1.0;
  }
}

fn store_theta(rec: u32, writer: bool) {
  if (writer) {
    // unroll
    for (var k = 0u; k < SLOTS; k++) {
      records[rec + REC_THETA + 3u * k + V] = tv[k];
      records[rec + REC_THETA + 3u * k + W] = tw[k];
      records[rec + REC_THETA + 3u * k + BIAS] = tb[k];
    }
  }
}

// alpha(x) = sum_k v_k sigma(w_k x + b_k), unit after unit, keeping each sigma in h.
fn model_alpha(x: f32) -> f32 {
  var alpha = 0.0;
  // unroll
  for (var k = 0u; k < SLOTS; k++) {
    h[k] = hidden_unit(tw[k], tb[k], x); // [math unit]
    alpha += tv[k] * h[k]; // [math alpha]
  }
  return alpha;
}
