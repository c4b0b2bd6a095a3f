// The `cpu-wasm` engine's kernel, in AssemblyScript (compiled to WebAssembly with SIMD by
// src/build/assemblyscript.ts): SGD of one model in float64, two hidden units at a time in the
// lanes of an f64x2. Theta is held as three arrays (v, w, b) of Kp = K rounded up to even; a
// padded unit has v = w = b = 0 and its update masked off, so it adds nothing. The pointers are
// byte offsets into this module's memory, laid out by src/cpu/wasm.ts.
//
// exp: Cody and Waite's reduction x = n ln2 + r, |r| <= ln2 / 2 (ln2 in two parts), then
// exp(r) by its Taylor series to r^13 / 13! in Horner form (truncation under 2e-17 relative),
// times 2^n built in the exponent bits; arguments below -708 are taken as -708 (exp = 3.3e-308).
// Measured against Math.exp over [-708, 0]: at most 2 ulp (test/unit/wasm.test.ts).

const LOG2E: f64 = 1.4426950408889634;
const LN2_HI: f64 = 0.6931471803691238;
const LN2_LO: f64 = 1.9082149292705877e-10;
const SHIFTER: f64 = 6755399441055744.0; // 0x1.8p52: adding it rounds to an integer in the low bits

// @ts-ignore: decorator
@inline
function expNeg(x: v128): v128 {
  const xc = f64x2.max(x, f64x2.splat(-708.0));
  const kd = f64x2.add(f64x2.mul(xc, f64x2.splat(LOG2E)), f64x2.splat(SHIFTER));
  const n = f64x2.sub(kd, f64x2.splat(SHIFTER));
  const r = f64x2.sub(f64x2.sub(xc, f64x2.mul(n, f64x2.splat(LN2_HI))), f64x2.mul(n, f64x2.splat(LN2_LO)));
  let p = f64x2.splat(1.0 / 6227020800.0);
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(1.0 / 479001600.0));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(1.0 / 39916800.0));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(1.0 / 3628800.0));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(1.0 / 362880.0));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(1.0 / 40320.0));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(1.0 / 5040.0));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(1.0 / 720.0));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(1.0 / 120.0));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(1.0 / 24.0));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(1.0 / 6.0));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(0.5));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(1.0));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(1.0));
  // 2^n: n's integer is in kd's low bits; (n + 1023) << 52 is its float64.
  const bits = i64x2.shl(i64x2.add(i64x2.sub(kd, f64x2.splat(SHIFTER)), i64x2.splat(1023)), 52);
  return f64x2.mul(p, bits);
}

/** The activation of z, two units at a time (0 sigmoid, 1 tanh, 2 relu), as common.wgsl computes it. */
// @ts-ignore: decorator
@inline
function activate(z: v128, act: i32): v128 {
  const zero = f64x2.splat(0.0);
  const one = f64x2.splat(1.0);
  const positive = f64x2.ge(z, zero);
  if (act == 0) {
    const e = expNeg(f64x2.neg(f64x2.abs(z)));
    const s = f64x2.div(one, f64x2.add(one, e));
    return v128.bitselect(s, f64x2.mul(e, s), positive);
  }
  if (act == 1) {
    const e = expNeg(f64x2.mul(f64x2.splat(-2.0), f64x2.abs(z)));
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
export function steps(
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
  const rowBytes = <usize>kp << 3;
  const last = <usize>(kp - 2) << 3;
  for (let step = from; step < to; step++) {
    const first = step * batch;
    const count = min(batch, n - first);
    for (let i = 0; i < count; i++) {
      const idx = <usize>load<u32>(order + (<usize>(first + i) << 2)) << 3;
      const xi = load<f64>(x + idx);
      const alpha = forward(kp, act, v, w, b, xi, hidden + <usize>i * rowBytes);
      const r = alpha - load<f64>(y + idx);
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
export function validate(kp: i32, act: i32, v: usize, w: usize, b: usize, x: usize, y: usize, from: i32, to: i32, acc: usize): void {
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

/** exp of each of `count` float64 at `p`, in place (for the test of its accuracy). */
export function expInPlace(p: usize, count: i32): void {
  for (let i = 0; i < count; i += 2) {
    const o = p + (<usize>i << 3);
    v128.store(o, expNeg(v128.load(o)));
  }
}
