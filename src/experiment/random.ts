/**
 * numpy's legacy `np.random.RandomState` (MT19937), reproduced bit for bit so a student gets
 * the very points of the lecture. The raw 32-bit stream comes from pure-rand's MT19937, whose
 * seeding is the reference `init_genrand(seed)` that `np.random.seed(seed)` uses; the Gaussian's
 * log is glibc's, as numpy on x86-64 Linux calls it (`./libm-log.ts`).
 */
import { mersenne } from 'pure-rand/generator/mersenne';
import { libmLog } from './libm-log';

/** The largest seed numpy's legacy seeding accepts. */
export const MAX_SEED = 2 ** 32 - 1;

/** A seeded stream with the same draws as `np.random.RandomState(seed)`. */
export class RandomState {
  private readonly mt: ReturnType<typeof mersenne>;
  private gauss: number | null = null;

  constructor(seed: number) {
    if (!Number.isInteger(seed) || seed < 0 || seed > MAX_SEED) {
      throw new RangeError(`seed must be an integer from 0 to ${MAX_SEED}, got ${seed}`);
    }
    // pure-rand takes the seed as int32; the bits are what init_genrand uses.
    this.mt = mersenne(seed | 0);
  }

  /** The next raw 32-bit output, as an unsigned integer. */
  nextUint32(): number {
    return this.mt.next() >>> 0;
  }

  /** A double in [0, 1) with 53 random bits: numpy's `random_standard_uniform` (genrand_res53). */
  random(): number {
    const a = this.nextUint32() >>> 5;
    const b = this.nextUint32() >>> 6;
    return (a * 67108864 + b) / 9007199254740992;
  }

  /** `uniform(low, high, size)`: low + (high - low) * random(), in float64. */
  uniform(low: number, high: number, size: number): Float64Array {
    return this.fillUniform(new Float64Array(size), 0, size, low, high);
  }

  /** The next `to - from` draws of `uniform(low, high)` into out[from, to), in place (no array a slice); returns out. */
  fillUniform(out: Float64Array, from: number, to: number, low: number, high: number): Float64Array {
    const scale = high - low;
    for (let i = from; i < to; i++) out[i] = low + scale * this.random();
    return out;
  }

  /** One standard normal draw by numpy's legacy polar Box-Muller, which caches its second value. */
  standardNormal(): number {
    if (this.gauss !== null) {
      const g = this.gauss;
      this.gauss = null;
      return g;
    }
    let x1: number, x2: number, r2: number;
    do {
      x1 = 2 * this.random() - 1;
      x2 = 2 * this.random() - 1;
      r2 = x1 * x1 + x2 * x2;
    } while (r2 >= 1 || r2 === 0);
    const f = Math.sqrt((-2 * libmLog(r2)) / r2);
    this.gauss = f * x1;
    return f * x2;
  }

  /** `normal(loc, scale, size)`: loc + scale * standardNormal(). */
  normal(loc: number, scale: number, size: number): Float64Array {
    const out = new Float64Array(size);
    for (let i = 0; i < size; i++) out[i] = loc + scale * this.standardNormal();
    return out;
  }

  /** A uniform integer in [0, max] by numpy's masked rejection (`random_interval`), max < 2^32. */
  interval(max: number): number {
    if (max === 0) return 0;
    let mask = max;
    mask |= mask >>> 1;
    mask |= mask >>> 2;
    mask |= mask >>> 4;
    mask |= mask >>> 8;
    mask |= mask >>> 16;
    mask >>>= 0;
    let value: number;
    do value = (this.nextUint32() & mask) >>> 0;
    while (value > max);
    return value;
  }

  /** Shuffles in place as numpy's legacy `shuffle` does (Fisher-Yates from the back). */
  shuffle<T extends { length: number; [i: number]: number }>(a: T): T {
    this.swapsDown(a, a.length - 1, 0);
    return a;
  }

  /** The Fisher-Yates swaps of shuffle for i = from down to stop + 1 (a shuffle in pieces, from the back). */
  private swapsDown(a: { [i: number]: number }, from: number, stop: number): void {
    for (let i = from; i > stop; i--) {
      const j = this.interval(i);
      const t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
  }

  /**
   * `permutation(n)` in slices, awaiting `pause` between them (the same numbers), for n in the
   * millions: the identity in slices of 2^18, the swaps in slices of 2^16 (each swap touches a
   * random place of the array: at 10^7 points, a cache miss each).
   */
  async permutationAsync(n: number, pause: () => Promise<void>): Promise<Uint32Array<ArrayBuffer>> {
    const a = new Uint32Array(n);
    for (let from = 0; from < n; from += 2 ** 18) {
      for (let i = from; i < Math.min(n, from + 2 ** 18); i++) a[i] = i;
      await pause();
    }
    for (let i = n - 1; i > 0; i -= 2 ** 16) {
      this.swapsDown(a, i, Math.max(0, i - 2 ** 16));
      await pause();
    }
    return a;
  }

  /** `permutation(n)`: a shuffled 0..n-1. */
  permutation(n: number): Uint32Array<ArrayBuffer> {
    const a = new Uint32Array(n);
    for (let i = 0; i < n; i++) a[i] = i;
    return this.shuffle(a);
  }
}
