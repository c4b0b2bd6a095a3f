/**
 * The CPU twin of common.wgsl (beside it): the activations, their slopes and the compensated sum
 * every kernel and every CPU engine uses, with the WGSL's order of operations. The twins of the
 * kernels themselves are perop/twin.ts and fused/twin.ts, each beside its WGSL; a line that
 * computes one of the lecture's formulas ends in `// [math KEY]` in both, so a reader (and the
 * page's math view) goes from a formula to every line that computes it, GPU and CPU. `precision` 'f64' is the float64 reference; 'f32' rounds every operation
 * to float32 as the GPU does (the GPU's exp may still differ in its last bits, which is why the
 * tests compare with a tolerance).
 *
 * The precision is a flag tested at each operation by a small module-level function that V8
 * inlines: 40,000 lecture steps take ~16 ms in float64 and ~19 ms in float32 (Node 20). Passing
 * a rounding function instead, sometimes the identity and sometimes Math.fround, or making a
 * rounding closure per call, made the same loops 5 to 12 times slower.
 */

/** Float64 (JavaScript's own numbers) or float32 (every operation rounded by Math.fround). */
export type Precision = 'f64' | 'f32';

/** x rounded to the precision. */
export function roundTo(x: number, precision: Precision): number {
  return rnd(x, precision === 'f32');
}

/** x rounded to float32 when `single`, else as it is: inlined by V8 into each loop. */
function rnd(x: number, single: boolean): number {
  return single ? Math.fround(x) : x;
}

/**
 * sigmoid(z) as common.wgsl computes it, from e = exp(-|z|) only (never an overflowing exp):
 * 1 / (1 + e) for z >= 0, e * (1 / (1 + e)) for z < 0; rounded after each operation.
 */
export function sigmoid(z: number, precision: Precision): number {
  const single = precision === 'f32';
  const e = rnd(Math.exp(-Math.abs(z)), single);
  const s = rnd(1 / rnd(1 + e, single), single);
  return z >= 0 ? s : rnd(e * s, single);
}

/**
 * tanh(z) as common.wgsl computes it, from e = exp(-2|z|) in (0, 1] only:
 * (1 - e) / (1 + e) with the sign of z; rounded after each operation.
 */
export function tanhStable(z: number, precision: Precision): number {
  const single = precision === 'f32';
  const e = rnd(Math.exp(-2 * Math.abs(z)), single);
  const t = rnd(rnd(1 - e, single) / rnd(1 + e, single), single);
  return z >= 0 ? t : -t;
}

/** activate of common.wgsl: the unit's activation h = act(z) for the code (0 sigmoid, 1 tanh, 2 relu). */
export function activate(z: number, code: number, precision: Precision): number {
  if (code === 0) return sigmoid(z, precision); // [math unit]
  if (code === 1) return tanhStable(z, precision); // [math unit]
  return z > 0 ? z : 0; // [math unit]
}

/**
 * activation_slope of common.wgsl: d act / dz written in h = act(z): h (1 - h) for sigmoid,
 * 1 - h^2 for tanh, and for relu 1 where h > 0, else 0 (TensorFlow's choice at z = 0).
 */
export function slope(h: number, code: number, precision: Precision): number {
  const single = precision === 'f32';
  if (code === 0) return rnd(h * rnd(1 - h, single), single); // [math gradient]
  if (code === 1) return rnd(1 - rnd(h * h, single), single); // [math gradient]
  return h > 0 ? 1 : 0; // [math gradient]
}

/**
 * kahan_add of common.wgsl: adds `value` to the compensated sum acc = [sum, lost part], in place.
 * The epoch's loss and the validation MSE are summed this way by every engine.
 */
export function kahanAdd(acc: Float64Array, value: number, precision: Precision): void {
  const single = precision === 'f32';
  const y = rnd(value - acc[1], single);
  const t = rnd(acc[0] + y, single);
  acc[1] = rnd(rnd(t - acc[0], single) - y, single);
  acc[0] = t;
}
