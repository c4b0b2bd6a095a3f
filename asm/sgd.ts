// The `cpu-wasm` engine's kernel, in AssemblyScript (compiled to WebAssembly with SIMD by
// build/assemblyscript.ts): SGD in float64 with the f64x2 lanes over hidden units for one model
// (`steps`, `validate`) and over models for a sweep's pairs (`steps2`, `validate2`, below), exported
// as `run` and `run2` (at the end: one function each for steps and validation, see there). For one
// model, theta is held as three arrays (v, w, b) of Kp = K rounded up to even; a padded unit has
// v = w = b = 0 and its update masked off, so it adds nothing. The pointers are byte offsets into
// this module's memory, laid out by src/cpu/wasm.ts.
// It exists for speed only: its arithmetic is the kernel twins' (src/kernels/perop/twin.ts) in
// float64, and test/unit/wasm.test.ts holds its runs to the `cpu` engine's within 1e-12.
//
// What the x86 code costs was measured, not guessed (the lecture's run in Node, 3.8 to 2.7 ms): pmax
// in place of max, z | sign in place of -abs(z), and a logical shift in place of an arithmetic one on
// 64-bit lanes each stand for one instruction where the other takes several; a batch of one point
// scales its gradient terms once (e = 2 lr r) instead of summing a batch of one.
//
// exp, for x <= 0 (the activations ask only for exp of -|z|): a table-driven algorithm (Tang's,
// as in musl and ARM's optimized routines). k = round(64 x / ln 2), r = x - k ln2 / 64 with ln 2 in
// two parts (Cody and Waite), so |r| <= ln 2 / 128; then exp(x) = 2^(k >> 6) 2^((k & 63) / 64)
// exp(r), 2^(j / 64) from a 64-entry table kept as pairs hi + lo, exp(r) - 1 by its Taylor series
// to r^5 (truncation under 4e-17), and 2^(k >> 6) built in the exponent bits. Arguments below
// -708 are taken as -708 (exp = 3.3e-308). Measured against Math.exp over [-708, 0]: at most
// 1 ulp (test/unit/wasm.test.ts). It replaced a degree-13 Taylor series in Horner's form: the
// same accuracy, the lecture's run 1.5x faster (5.5 ms to 3.7 ms in Node, before the changes above).

const LN2_HI: f64 = 0.6931471803691238;
const LN2_LO: f64 = 1.9082149292705877e-10;
const SHIFTER: f64 = 6755399441055744.0; // 0x1.8p52: adding it rounds to an integer in the low bits

// 2^(j / 64) for j = 0 .. 63, each as a pair [hi, lo] of float64 with hi + lo within 2^-106 of it.
const EXP_TABLE = memory.data<f64>([
  1.0, 0.0, 1.0108892860517005, -1.5234778603368577e-17,
  1.0218971486541166, 5.109225028973444e-17, 1.0330248790212284, 7.600838874027088e-18,
  1.0442737824274138, 8.551889705537965e-17, 1.0556451783605572, 1.759325738772092e-18,
  1.0671404006768237, -7.899853966841582e-17, 1.0787607977571199, -6.656660436056593e-17,
  1.0905077326652577, -3.046782079812471e-17, 1.102382583307841, 5.2660368715706944e-17,
  1.1143867425958924, 1.0410278456845571e-16, 1.1265216186082418, 5.165856758795457e-17,
  1.1387886347566916, 8.912812676025408e-17, 1.1511892299529827, 3.250710218863827e-17,
  1.1637248587775775, 3.8292048369240935e-17, 1.1763969916502812, 5.554203254218079e-17,
  1.189207115002721, 3.982015231465646e-17, 1.202156731452703, 6.644981499252301e-17,
  1.215247359980469, -7.712630692681488e-17, 1.22848053610687, -1.89878163130253e-17,
  1.241857812073484, 4.658027591836937e-17, 1.255380757024691, -6.7113898212968784e-18,
  1.2690509571917332, 2.667932131342186e-18, 1.2828700160787783, 1.713594918243561e-17,
  1.2968395546510096, 2.5382502794888315e-17, 1.3109612115247644, -7.181536135519454e-17,
  1.3252366431597413, -2.8587312100388614e-17, 1.339667524053303, 8.927282594831732e-17,
  1.3542555469368927, 7.70094837980299e-17, 1.3690024229745905, 9.593797919118849e-17,
  1.383909881963832, -6.770511658794786e-17, 1.3989796725383112, -9.614213209051323e-17,
  1.4142135623730951, -9.667293313452913e-17, 1.42961333839197, -1.2031642489053655e-17,
  1.4451808069770467, -3.0237581349939873e-17, 1.460917794180647, -5.600377186075216e-17,
  1.4768261459394993, -3.483994556892796e-17, 1.4929077282912648, 1.4192920154284036e-17,
  1.5091644275934228, -1.016455327754295e-16, 1.5255981507445384, -1.1024941712342561e-16,
  1.5422108254079407, 7.949834809697621e-17, 1.559004400237837, 3.7812070533575275e-17,
  1.5759808451078865, -1.0136916471278304e-17, 1.593142151342267, -1.0094406542311964e-16,
  1.6104903319492543, 2.4707192569797888e-17, 1.6280274218573478, -6.712955084707084e-17,
  1.645755478153965, -1.0125679913674773e-16, 1.6636765803267364, 5.8909926967131e-17,
  1.681792830507429, 8.199010020581497e-17, 1.7001063537185235, -8.0237193703977e-18,
  1.718619298122478, -1.851380418263111e-17, 1.7373338352737062, 3.164389299292957e-17,
  1.7562521603732995, 2.960140695448873e-17, 1.7753764925265212, 6.429731796556572e-17,
  1.7947090750031072, 1.8227458427912087e-17, 1.8142521755003989, -9.969531538920349e-17,
  1.8340080864093424, 3.283107224245627e-17, 1.8539791250833855, 9.761887490727594e-17,
  1.8741676341103, -6.122763413004143e-17, 1.8945759815869656, 3.4034035352165297e-17,
  1.9152065613971474, -1.0619946056195963e-16, 1.9360617934922943, 1.0332385960676326e-16,
  1.9571441241754002, 8.960767791036668e-17, 1.978456026387951, 4.0388753109278167e-17,
]);
const N_LOG2E: f64 = 92.33248261689366; // 64 / ln 2
const SHIFTER_BITS: i64 = 0x4338000000000000; // SHIFTER's bits
// The sign bit of both lanes: z | SIGN is -|z| in one instruction.
const SIGN = i64x2.splat(0x8000000000000000);

// @ts-ignore: decorator
@inline
function expNeg(x: v128): v128 {
  // pmax (x < -708 ? -708 : x) is one x86 instruction where max's NaN and -0 rules take several; a NaN x stays NaN.
  const xc = f64x2.pmax(x, f64x2.splat(-708.0));
  const kd = f64x2.add(f64x2.mul(xc, f64x2.splat(N_LOG2E)), f64x2.splat(SHIFTER));
  const n = f64x2.sub(kd, f64x2.splat(SHIFTER));
  const r = f64x2.sub(f64x2.sub(xc, f64x2.mul(n, f64x2.splat(LN2_HI / 64.0))), f64x2.mul(n, f64x2.splat(LN2_LO / 64.0)));
  // k = round(x 64 / ln 2) is in kd's low bits: bits(kd) = bits(SHIFTER) + k, and bits(SHIFTER)
  // ends in 52 zero bits, so k & 63 is bits(kd) & 63. exp(x) = 2^(k >> 6) 2^((k & 63) / 64) exp(r).
  const t0 = v128.load(EXP_TABLE + (<usize>(i64x2.extract_lane(kd, 0) & 63) << 4));
  const t1 = v128.load(EXP_TABLE + (<usize>(i64x2.extract_lane(kd, 1) & 63) << 4));
  const hi = v128.shuffle<i64>(t0, t1, 0, 2);
  const lo = v128.shuffle<i64>(t0, t1, 1, 3);
  // exp(r) - 1 for |r| <= ln 2 / 128 by its Taylor series to r^5 (the next term is under 4e-17).
  const r2 = f64x2.mul(r, r);
  const c = f64x2.add(f64x2.splat(1.0 / 2.0), f64x2.mul(r, f64x2.splat(1.0 / 6.0)));
  const d = f64x2.add(f64x2.splat(1.0 / 24.0), f64x2.mul(r, f64x2.splat(1.0 / 120.0)));
  const u = f64x2.add(r, f64x2.mul(r2, f64x2.add(c, f64x2.mul(r2, d))));
  const m = f64x2.add(hi, f64x2.add(f64x2.mul(hi, u), lo));
  // 2^(k >> 6) built in the exponent bits: (k >> 6) + 1023 is (k + 1023 * 64) >>> 6, as k >= -708 * 64 / ln 2 > -1023 * 64
  // (a logical shift: WebAssembly's arithmetic one on 64-bit lanes costs several x86 instructions).
  const scale = i64x2.shl(i64x2.shr_u(i64x2.sub(kd, i64x2.splat(SHIFTER_BITS - 1023 * 64)), 6), 52);
  return f64x2.mul(m, scale);
}

/** The activation of z, two units at a time (0 sigmoid, 1 tanh, 2 relu), as common.wgsl computes it. */
// @ts-ignore: decorator
@inline
function activate(z: v128, act: i32): v128 {
  const zero = f64x2.splat(0.0);
  const one = f64x2.splat(1.0);
  const positive = f64x2.ge(z, zero);
  if (act == 0) {
    const e = expNeg(v128.or(z, SIGN));
    const s = f64x2.div(one, f64x2.add(one, e));
    return v128.bitselect(s, f64x2.mul(e, s), positive);
  }
  if (act == 1) {
    const e = expNeg(f64x2.mul(f64x2.splat(2.0), v128.or(z, SIGN)));
    const t = f64x2.div(f64x2.sub(one, e), f64x2.add(one, e));
    return v128.bitselect(t, f64x2.neg(t), positive);
  }
  return f64x2.max(z, zero);
}

/** d act / dz written in h. */
// @ts-ignore: decorator
@inline
function slope(h: v128, act: i32): v128 {
  const one = f64x2.splat(1.0);
  if (act == 0) return f64x2.mul(h, f64x2.sub(one, h));
  if (act == 1) return f64x2.sub(one, f64x2.mul(h, h));
  return v128.and(f64x2.gt(h, f64x2.splat(0.0)), one);
}

// ---- One model: two hidden units in the lanes of an f64x2 ----

/** alpha(x): the sum over units of v act(w x + b), lanes added last. Writes h to `hidden` when it is not 0. */
// @ts-ignore: decorator
@inline
function forward(kp: i32, act: i32, v: usize, w: usize, b: usize, x: f64, hidden: usize): f64 {
  const xs = f64x2.splat(x);
  let acc = f64x2.splat(0.0);
  for (let p = 0; p < kp; p += 2) {
    const o = <usize>p << 3;
    const h = activate(f64x2.add(f64x2.mul(v128.load(w + o), xs), v128.load(b + o)), act);
    if (hidden) v128.store(hidden + o, h);
    acc = f64x2.add(acc, f64x2.mul(v128.load(v + o), h));
  }
  return f64x2.extract_lane(acc, 0) + f64x2.extract_lane(acc, 1);
}

/**
 * Steps [from, to) of an epoch visiting `order` (u32 indices into x and y), batch `batch`, on
 * `n` training points. The squared residuals go into the Kahan sum at `loss` = [sum, lost].
 * Scratch: `hidden` (batch x kp f64), `res` and `xb` (batch f64 each). `mask` is 2 f64: 1 for a
 * real unit, 0 for the padding of the last pair.
 */
// @ts-ignore: decorator
@inline
function steps(
  kp: i32,
  batch: i32,
  n: i32,
  act: i32,
  lr: f64,
  v: usize,
  w: usize,
  b: usize,
  mask: usize,
  x: usize,
  y: usize,
  order: usize,
  from: i32,
  to: i32,
  loss: usize,
  hidden: usize,
  res: usize,
  xb: usize,
): void {
  let sum = load<f64>(loss);
  let lost = load<f64>(loss, 8);
  const last = <usize>(kp - 2) << 3;
  if (batch == 1) {
    // One point a step (the lecture's): the gradient is that point's terms, so the step's error
    // e = 2 lr r scales them directly, without sums over the batch (a shorter chain from r to theta).
    const lr2 = lr * 2.0;
    for (let step = from; step < to; step++) {
      const idx = <usize>load<u32>(order + (<usize>step << 2)) << 3;
      const xi = load<f64>(x + idx);
      const r = forward(kp, act, v, w, b, xi, hidden) - load<f64>(y + idx);
      const t0 = r * r - lost;
      const t = sum + t0;
      lost = t - sum - t0;
      sum = t;
      const e = f64x2.splat(lr2 * r);
      const xs = f64x2.splat(xi);
      for (let p = 0; p < kp; p += 2) {
        const o = <usize>p << 3;
        const vp = v128.load(v + o);
        const h = v128.load(hidden + o);
        // The padding of an odd K keeps its zeros.
        const em = o == last ? f64x2.mul(v128.load(mask), e) : e;
        const s = f64x2.mul(em, f64x2.mul(vp, slope(h, act)));
        v128.store(v + o, f64x2.sub(vp, f64x2.mul(em, h)));
        v128.store(w + o, f64x2.sub(v128.load(w + o), f64x2.mul(s, xs)));
        v128.store(b + o, f64x2.sub(v128.load(b + o), s));
      }
    }
    store<f64>(loss, sum);
    store<f64>(loss, lost, 8);
    return;
  }
  const rowBytes = <usize>kp << 3;
  for (let step = from; step < to; step++) {
    const first = step * batch;
    const count = min(batch, n - first);
    for (let i = 0; i < count; i++) {
      const idx = <usize>load<u32>(order + (<usize>(first + i) << 2)) << 3;
      const xi = load<f64>(x + idx);
      const r = forward(kp, act, v, w, b, xi, hidden + <usize>i * rowBytes) - load<f64>(y + idx);
      store<f64>(res + (<usize>i << 3), r);
      store<f64>(xb + (<usize>i << 3), xi);
      const t0 = r * r - lost;
      const t = sum + t0;
      lost = t - sum - t0;
      sum = t;
    }
    const scale = f64x2.splat(lr * (2.0 / <f64>count));
    for (let p = 0; p < kp; p += 2) {
      const o = <usize>p << 3;
      const vp = v128.load(v + o);
      let gv = f64x2.splat(0.0);
      let gw = f64x2.splat(0.0);
      let gb = f64x2.splat(0.0);
      for (let i = 0; i < count; i++) {
        const ri = f64x2.splat(load<f64>(res + (<usize>i << 3)));
        const h = v128.load(hidden + <usize>i * rowBytes + o);
        const s = f64x2.mul(ri, f64x2.mul(vp, slope(h, act)));
        gv = f64x2.add(gv, f64x2.mul(ri, h));
        gw = f64x2.add(gw, f64x2.mul(s, f64x2.splat(load<f64>(xb + (<usize>i << 3)))));
        gb = f64x2.add(gb, s);
      }
      // The padding of an odd K keeps its zeros.
      const m = o == last ? v128.load(mask) : f64x2.splat(1.0);
      v128.store(v + o, f64x2.sub(vp, f64x2.mul(m, f64x2.mul(scale, gv))));
      v128.store(w + o, f64x2.sub(v128.load(w + o), f64x2.mul(m, f64x2.mul(scale, gw))));
      v128.store(b + o, f64x2.sub(v128.load(b + o), f64x2.mul(m, f64x2.mul(scale, gb))));
    }
  }
  store<f64>(loss, sum);
  store<f64>(loss, lost, 8);
}

/** Validation points [from, to) of x and y: squared residuals into the Kahan sum at `acc`. */
// @ts-ignore: decorator
@inline
function validate(kp: i32, act: i32, v: usize, w: usize, b: usize, x: usize, y: usize, from: i32, to: i32, acc: usize): void {
  let sum = load<f64>(acc);
  let lost = load<f64>(acc, 8);
  for (let j = from; j < to; j++) {
    const o = <usize>j << 3;
    const r = forward(kp, act, v, w, b, load<f64>(x + o), 0) - load<f64>(y + o);
    const t0 = r * r - lost;
    const t = sum + t0;
    lost = t - sum - t0;
    sum = t;
  }
  store<f64>(acc, sum);
  store<f64>(acc, lost, 8);
}

// ---- Two models of a sweep at once: model A in lane 0, model B in lane 1 ----
//
// Two models with the same K, batch, activation and visiting order (a sweep's models of one seed)
// step together, unit k of both in one f64x2: each lane's arithmetic is its model's own, in the
// order `steps` uses, so a model trained here is bit for bit its run alone. A unit is one f64x2
// (no padding for an odd K), theta is three arrays (v, w, b) of K f64x2, the learning rates one
// f64x2, and each model keeps its Kahan sums [sum, lost] in 16 bytes of its own (A's, then B's).
// The lanes never mix: a model that diverges (NaN) leaves its partner's lane as it is.

/** alpha(x) of both models: units 0, 2, 4, ... summed in one accumulator, 1, 3, 5, ... in another, then added, as forward's lanes are. */
// @ts-ignore: decorator
@inline
function forward2(k: i32, act: i32, v: usize, w: usize, b: usize, x: f64, hidden: usize): v128 {
  const xs = f64x2.splat(x);
  let even = f64x2.splat(0.0);
  let odd = f64x2.splat(0.0);
  const end = <usize>k << 4;
  let o: usize = 0;
  for (; o + 16 < end; o += 32) {
    const h0 = activate(f64x2.add(f64x2.mul(v128.load(w + o), xs), v128.load(b + o)), act);
    const h1 = activate(f64x2.add(f64x2.mul(v128.load(w + o, 16), xs), v128.load(b + o, 16)), act);
    if (hidden) {
      v128.store(hidden + o, h0);
      v128.store(hidden + o, h1, 16);
    }
    even = f64x2.add(even, f64x2.mul(v128.load(v + o), h0));
    odd = f64x2.add(odd, f64x2.mul(v128.load(v + o, 16), h1));
  }
  if (o < end) {
    // The last unit of an odd K (forward adds its padding's v h = 0 to the odd lane: no change).
    const h0 = activate(f64x2.add(f64x2.mul(v128.load(w + o), xs), v128.load(b + o)), act);
    if (hidden) v128.store(hidden + o, h0);
    even = f64x2.add(even, f64x2.mul(v128.load(v + o), h0));
  }
  return f64x2.add(even, odd);
}

/** The two models' Kahan sums, A's [sum, lost] at p and B's at p + 16, as [sum A, sum B] and [lost A, lost B]. */
// @ts-ignore: decorator
@inline
function sums2(p: usize): v128 {
  return v128.shuffle<i64>(v128.load(p), v128.load(p, 16), 0, 2);
}
// @ts-ignore: decorator
@inline
function losts2(p: usize): v128 {
  return v128.shuffle<i64>(v128.load(p), v128.load(p, 16), 1, 3);
}
// @ts-ignore: decorator
@inline
function storeSums2(p: usize, sum: v128, lost: v128): void {
  v128.store(p, v128.shuffle<i64>(sum, lost, 0, 2));
  v128.store(p, v128.shuffle<i64>(sum, lost, 1, 3), 16);
}

/**
 * `steps` for two models (see above): `lr` is their two learning rates, `loss` their Kahan sums
 * (32 bytes); scratch `hidden` is batch x K f64x2, `res` batch f64x2, `xb` batch f64.
 */
// @ts-ignore: decorator
@inline
function steps2(
  k: i32,
  batch: i32,
  n: i32,
  act: i32,
  lr: usize,
  v: usize,
  w: usize,
  b: usize,
  x: usize,
  y: usize,
  order: usize,
  from: i32,
  to: i32,
  loss: usize,
  hidden: usize,
  res: usize,
  xb: usize,
): void {
  let sum = sums2(loss);
  let lost = losts2(loss);
  const rates = v128.load(lr);
  const end = <usize>k << 4;
  if (batch == 1) {
    const lr2 = f64x2.mul(rates, f64x2.splat(2.0));
    for (let step = from; step < to; step++) {
      const idx = <usize>load<u32>(order + (<usize>step << 2)) << 3;
      const xi = load<f64>(x + idx);
      const r = f64x2.sub(forward2(k, act, v, w, b, xi, hidden), f64x2.splat(load<f64>(y + idx)));
      const t0 = f64x2.sub(f64x2.mul(r, r), lost);
      const t = f64x2.add(sum, t0);
      lost = f64x2.sub(f64x2.sub(t, sum), t0);
      sum = t;
      const e = f64x2.mul(lr2, r);
      const xs = f64x2.splat(xi);
      for (let o: usize = 0; o < end; o += 16) {
        const vp = v128.load(v + o);
        const h = v128.load(hidden + o);
        const s = f64x2.mul(e, f64x2.mul(vp, slope(h, act)));
        v128.store(v + o, f64x2.sub(vp, f64x2.mul(e, h)));
        v128.store(w + o, f64x2.sub(v128.load(w + o), f64x2.mul(s, xs)));
        v128.store(b + o, f64x2.sub(v128.load(b + o), s));
      }
    }
    storeSums2(loss, sum, lost);
    return;
  }
  for (let step = from; step < to; step++) {
    const first = step * batch;
    const count = min(batch, n - first);
    for (let i = 0; i < count; i++) {
      const idx = <usize>load<u32>(order + (<usize>(first + i) << 2)) << 3;
      const xi = load<f64>(x + idx);
      const r = f64x2.sub(forward2(k, act, v, w, b, xi, hidden + <usize>i * end), f64x2.splat(load<f64>(y + idx)));
      v128.store(res + (<usize>i << 4), r);
      store<f64>(xb + (<usize>i << 3), xi);
      const t0 = f64x2.sub(f64x2.mul(r, r), lost);
      const t = f64x2.add(sum, t0);
      lost = f64x2.sub(f64x2.sub(t, sum), t0);
      sum = t;
    }
    const scale = f64x2.mul(rates, f64x2.splat(2.0 / <f64>count));
    for (let o: usize = 0; o < end; o += 16) {
      const vp = v128.load(v + o);
      let gv = f64x2.splat(0.0);
      let gw = f64x2.splat(0.0);
      let gb = f64x2.splat(0.0);
      for (let i = 0; i < count; i++) {
        const ri = v128.load(res + (<usize>i << 4));
        const h = v128.load(hidden + <usize>i * end + o);
        const s = f64x2.mul(ri, f64x2.mul(vp, slope(h, act)));
        gv = f64x2.add(gv, f64x2.mul(ri, h));
        gw = f64x2.add(gw, f64x2.mul(s, f64x2.splat(load<f64>(xb + (<usize>i << 3)))));
        gb = f64x2.add(gb, s);
      }
      v128.store(v + o, f64x2.sub(vp, f64x2.mul(scale, gv)));
      v128.store(w + o, f64x2.sub(v128.load(w + o), f64x2.mul(scale, gw)));
      v128.store(b + o, f64x2.sub(v128.load(b + o), f64x2.mul(scale, gb)));
    }
  }
  storeSums2(loss, sum, lost);
}

/** `validate` for two models: their Kahan sums at `acc` (32 bytes). */
// @ts-ignore: decorator
@inline
function validate2(k: i32, act: i32, v: usize, w: usize, b: usize, x: usize, y: usize, from: i32, to: i32, acc: usize): void {
  let sum = sums2(acc);
  let lost = losts2(acc);
  for (let j = from; j < to; j++) {
    const o = <usize>j << 3;
    const r = f64x2.sub(forward2(k, act, v, w, b, load<f64>(x + o), 0), f64x2.splat(load<f64>(y + o)));
    const t0 = f64x2.sub(f64x2.mul(r, r), lost);
    const t = f64x2.add(sum, t0);
    lost = f64x2.sub(f64x2.sub(t, sum), t0);
    sum = t;
  }
  storeSums2(acc, sum, lost);
}

// ---- The exported entry points ----
//
// One exported function does a model's steps and its validation (`op`: 0 steps, 1 validation), and
// one a pair's. V8 tiers a function up to optimised code by how much it has run: a validation
// exported on its own, called once an epoch, stayed unoptimised in Chrome for the first ~15 runs of
// the lecture (4.6 ms a run, 3.7 once it was optimised; seen with Chrome's dynamic tiering turned
// off); inside the steps' function it is optimised with them.

/** `steps` (op 0) or `validate` (op 1; x and y the validation points, `sums` its Kahan sum; batch, n, lr, mask, order and the scratch unused). */
export function run(
  op: i32,
  kp: i32,
  batch: i32,
  n: i32,
  act: i32,
  lr: f64,
  v: usize,
  w: usize,
  b: usize,
  mask: usize,
  x: usize,
  y: usize,
  order: usize,
  from: i32,
  to: i32,
  sums: usize,
  hidden: usize,
  res: usize,
  xb: usize,
): void {
  if (op == 1) validate(kp, act, v, w, b, x, y, from, to, sums);
  else steps(kp, batch, n, act, lr, v, w, b, mask, x, y, order, from, to, sums, hidden, res, xb);
}

/** `steps2` (op 0) or `validate2` (op 1), as `run` for one model. */
export function run2(
  op: i32,
  k: i32,
  batch: i32,
  n: i32,
  act: i32,
  lr: usize,
  v: usize,
  w: usize,
  b: usize,
  x: usize,
  y: usize,
  order: usize,
  from: i32,
  to: i32,
  sums: usize,
  hidden: usize,
  res: usize,
  xb: usize,
): void {
  if (op == 1) validate2(k, act, v, w, b, x, y, from, to, sums);
  else steps2(k, batch, n, act, lr, v, w, b, x, y, order, from, to, sums, hidden, res, xb);
}

/** exp of each of `count` float64 at `p`, in place (for the test of its accuracy). */
export function expInPlace(p: usize, count: i32): void {
  for (let i = 0; i < count; i += 2) {
    const o = p + (<usize>i << 3);
    v128.store(o, expNeg(v128.load(o)));
  }
}
