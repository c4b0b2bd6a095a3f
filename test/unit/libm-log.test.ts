/**
 * libmLog is glibc's log bit for bit (what numpy's Gaussian calls), and fma, which it is built on,
 * rounds once. Fixture: test/fixtures/glibc-log.c, glibc 2.36 on x86-64 with FMA.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fma, libmLog } from '../../src/experiment/libm-log';

describe('fma', () => {
  it('rounds a * b + c once, as exact arithmetic rounded to nearest even would (200,000 triples, 50,000 near ties)', () => {
    const random = seeded(7);
    let cancelling = 0;
    for (let n = 0; n < 200_000; n++) {
      const a = signed(random) * 2 ** Math.floor(random() * 120 - 60);
      const b = signed(random) * 2 ** Math.floor(random() * 120 - 60);
      // c: an unrelated number, or the product's negation rounded (cancellation: what remains is
      // the product's rounding error), or that nudged by a few ulps; or a product within a hair of
      // half c's ulp (a rounding tie, where rounding twice goes wrong).
      const kind = n % 4;
      const c = kind === 0 ? signed(random) * 2 ** Math.floor(random() * 240 - 120) : -(a * b) * (kind === 1 ? 1 : 1 + (random() - 0.5) * 2 ** -50);
      if (kind === 1) cancelling++;
      const [x, y, z] = kind === 3 ? nearTie(random) : [a, b, c];
      const got = fma(x, y, z);
      const want = exactFma(x, y, z);
      if (!Object.is(got, want)) expect(got, `fma(${x}, ${y}, ${z})`).toBe(want);
    }
    expect(cancelling).toBeGreaterThan(45_000);
  });

  it('rounds a sum that lands just off a tie the right way', () => {
    // 1 + 2^-52 + 2^-53 - 2^-113: just below the tie, so 1 + 2^-52 (two roundings give 1 + 2^-51).
    expect(fma(1 + 2 ** -30, 2 ** -53 * (1 - 2 ** -30), 1 + 2 ** -52)).toBe(1 + 2 ** -52);
  });

  it('differs from a * b + c where that rounds twice', () => {
    // (1 + 2^-30)^2 - 1 = 2^-29 + 2^-60: the separate product drops the 2^-60.
    const a = 1 + 2 ** -30;
    expect(a * a - 1).toBe(2 ** -29);
    expect(fma(a, a, -1)).toBe(2 ** -29 + 2 ** -60);
  });
});

describe('libmLog', () => {
  it("equals glibc's log on 2,000 arguments where it is not correctly rounded, 1,000 of them near 1", () => {
    const { cases } = JSON.parse(readFileSync(join(__dirname, '../fixtures/glibc-log.json'), 'utf8')) as { cases: [number, number][] };
    expect(cases.length).toBe(2000);
    let mathLogDiffers = 0;
    for (const [x, glibc] of cases) {
      if (libmLog(x) !== glibc) expect(libmLog(x), `log(${x})`).toBe(glibc);
      if (Math.log(x) !== glibc) mathLogDiffers++;
    }
    expect(mathLogDiffers).toBeGreaterThan(500);
  });

  it('agrees with Math.log within an ulp across the doubles, and on the special values', () => {
    const random = seeded(11);
    for (let n = 0; n < 20_000; n++) {
      const x = (1 + random()) * 2 ** Math.floor(random() * 2040 - 1020);
      const y = libmLog(x);
      expect(Math.abs(y - Math.log(x)), `log(${x})`).toBeLessThanOrEqual(Math.abs(y) * 2 ** -52);
    }
    expect(libmLog(1)).toBe(0);
    expect(libmLog(Math.E)).toBe(1);
    expect(libmLog(0)).toBe(-Infinity);
    expect(libmLog(Infinity)).toBe(Infinity);
    expect(libmLog(-1)).toBeNaN();
    expect(libmLog(5e-324)).toBe(Math.log(5e-324));
  });
});

/** A small seeded generator for the tests' own numbers (mulberry32). */
function seeded(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return (((t ^ (t >>> 14)) >>> 0) / 2 ** 32) * (1 - 2 ** -21) + random53Tail(s);
  };
}

/** Low bits so that the numbers use the whole significand. */
function random53Tail(s: number): number {
  return ((Math.imul(s, 0x9e3779b1) >>> 11) / 2 ** 21) * 2 ** -32;
}

/** c, and a * b within ~2^-k of half c's ulp: a = 1 +- 2^-k, b = +-ulp(c) / 2 (1 -+ 2^-j). */
function nearTie(random: () => number): [number, number, number] {
  const c = signed(random) * 2 ** Math.floor(random() * 80 - 40);
  const halfUlp = 2 ** (Math.floor(Math.log2(Math.abs(c))) - 53);
  const a = 1 + (random() < 0.5 ? -1 : 1) * 2 ** -Math.floor(20 + random() * 25);
  const b = (random() < 0.5 ? -1 : 1) * halfUlp * (1 + (random() < 0.5 ? -1 : 1) * 2 ** -Math.floor(20 + random() * 25));
  return [a, b, c];
}

function signed(random: () => number): number {
  return random() < 0.5 ? -(1 + random()) : 1 + random();
}

/** x as m 2^e with m an integer. */
function parts(x: number): [bigint, number] {
  if (x === 0) return [0n, 0];
  const e = Math.floor(Math.log2(Math.abs(x))) - 52;
  return [BigInt(x / 2 ** e), e];
}

/** a * b + c in exact integer arithmetic, rounded to the nearest double (ties to even). */
function exactFma(a: number, b: number, c: number): number {
  const [ma, ea] = parts(a);
  const [mb, eb] = parts(b);
  const [mc, ec] = parts(c);
  const e = Math.min(ea + eb, ec);
  const m = ((ma * mb) << BigInt(ea + eb - e)) + (mc << BigInt(ec - e));
  return toDouble(m, e);
}

function toDouble(m: bigint, e: number): number {
  if (m === 0n) return 0;
  const negative = m < 0n;
  let q = negative ? -m : m;
  let shift = q.toString(2).length - 53;
  if (shift > 0) {
    const rest = q & ((1n << BigInt(shift)) - 1n);
    const half = 1n << BigInt(shift - 1);
    q >>= BigInt(shift);
    if (rest > half || (rest === half && (q & 1n) === 1n)) q += 1n;
  } else shift = 0;
  const x = Number(q) * 2 ** (e + shift);
  return negative ? -x : x;
}
