// sgd_invocation.wgsl: one invocation a model, theta in registers (the "register" variant).
//
// Invocation m trains model m alone (fused_common.wgsl says what a step is): every hidden unit,
// every point of the batch, one after another, with no other invocation to wait for. It needs no
// subgroups, so every adapter runs it. It suits small K and many models: a sweep fills every lane.
// The host dispatches models of one K together (its own pipeline, SLOTS = that K), with
// neighbouring models sharing a seed, so neighbouring lanes run the same loops over the same point.
//
// theta_registers.wgsl (prepended) holds theta, sized and unrolled for this dispatch's K, and
// serial_steps.wgsl (prepended) runs the steps.
// Dispatch: ceil(models of this K / WG) workgroups of WG invocations.

override WG: u32 = 64;

fn end_epoch(rec: u32, writer: bool) {
  evaluate_all(rec, writer);
}

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let m = span.model_begin + gid.x;
  if (m < span.model_end) {
    run_model(m, true);
  }
}
