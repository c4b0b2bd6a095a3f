/**
 * numpy's legacy RandomState, bit for bit. The expected values were printed by numpy 2.4 with
 * `np.random.seed(123); np.random.uniform(-4, 4, size=(1000, 1))` and the like (see each test);
 * they are exact float64 values, compared with toBe.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { epochOrders, epochOrdersAsync, initialTheta, initialThetas, makeDataset, makeDatasetAsync, pickDatasetAsync, plotGrid } from '../../src/experiment/data';
import { prepareExperiment } from '../../src/experiment/config';
import { RandomState } from '../../src/experiment/random';

describe('RandomState (numpy legacy MT19937)', () => {
  it('gives the MT19937 reference outputs of init_genrand(123)', () => {
    // np.random.RandomState(123).randint(0, 2**32, size=5, dtype=np.uint64)
    const rs = new RandomState(123);
    expect([1, 2, 3, 4, 5].map(() => rs.nextUint32())).toEqual([2991312382, 3062119789, 1228959102, 1840268610, 974319580]);
  });

  it('draws the lecture data: seed 123 gives 1.5717534847828931 first', () => {
    const xs = new RandomState(123).uniform(-4, 4, 1000);
    expect([...xs.slice(0, 5)]).toEqual([1.5717534847828931, -1.7108853203969643, -2.185188371486375, 0.41051815266312985, 1.7557517582845046]);
    expect([...xs.slice(-2)]).toEqual([-3.966652091139392, -1.640842327854041]);
    // xs.sum(): numpy sums pairwise, so compare to a few ULP of the sum, not bit for bit.
    expect(xs.reduce((a, b) => a + b, 0)).toBeCloseTo(-5.01575167798935, 10);
  });

  it('accepts the whole seed range 0 .. 2^32 - 1 and refuses the rest', () => {
    expect(new RandomState(0).uniform(-4, 4, 1)[0]).toBe(0.390508031418598);
    expect(new RandomState(4294967295).uniform(-4, 4, 1)[0]).toBe(-3.2189437680478896);
    expect(() => new RandomState(-1)).toThrow(/seed must be an integer from 0 to 4294967295/);
    expect(() => new RandomState(2 ** 32)).toThrow(/seed/);
    expect(() => new RandomState(1.5)).toThrow(/seed/);
  });

  it('draws normals by the legacy polar method, pairs cached', () => {
    // np.random.RandomState(124).normal(0, 0.05, 5)
    expect([...new RandomState(124).normal(0, 0.05, 5)]).toEqual([0.014423953046559216, -0.02314770411132935, -0.06690022103168056, 0.1158507836172301, -0.07336879669906059]);
  });

  it('permutes as np.random.RandomState(seed).permutation does', () => {
    const rs = new RandomState(125);
    expect([...rs.permutation(10)]).toEqual([9, 1, 0, 6, 4, 5, 3, 8, 7, 2]);
    expect([...rs.permutation(10)]).toEqual([9, 4, 0, 1, 8, 5, 3, 7, 2, 6]);
    expect([...new RandomState(125).permutation(800).slice(0, 8)]).toEqual([209, 194, 530, 630, 569, 629, 586, 319]);
  });
});

describe('the lecture experiment', () => {
  it('splits as Keras does: the first 800 points train, the last 200 validate', () => {
    const exp = prepareExperiment();
    const data = makeDataset(exp);
    expect(data.xTrain.length).toBe(800);
    expect(data.xVal.length).toBe(200);
    expect(data.xTrain[0]).toBe(1.5717534847828931);
    expect(data.xVal[199]).toBe(-1.640842327854041);
    // ys = np.square(np.abs(xs - 0.5))
    expect(data.yTrain[0]).toBe(Math.abs(1.5717534847828931 - 0.5) ** 2);
  });

  it('initialises theta from np.random.RandomState(initSeed): w = normal(0, 0.05, K), then v = uniform(+-sqrt(6/(K+1)), K), b = 0', () => {
    // rs = np.random.RandomState(124); w = rs.normal(0, .05, 10); v = rs.uniform(-l, l, 10), l = sqrt(6/11)
    const w = [
      0.014423953046559216, -0.02314770411132935, -0.06690022103168056, 0.1158507836172301, -0.07336879669906059, -0.0374273846067942, -0.050876068148132225, 0.08175334005124947,
      0.04612728061842972, -0.035994066228114706,
    ];
    const v = [
      0.14637178044864962, -0.5569451397829407, -0.16310996328437877, 0.7016043025806089, -0.04785959543188556, -0.531502055152107, -0.6764095356543686, 0.336772808926308,
      0.17076065403372243, 0.5948747303384405,
    ];
    const theta = initialTheta(prepareExperiment());
    expect(theta.length).toBe(30);
    for (let k = 0; k < 10; k++) {
      expect([theta[3 * k], theta[3 * k + 1], theta[3 * k + 2]]).toEqual([v[k], w[k], 0]);
    }
  });

  it('starts from a given theta when one is passed', () => {
    const given = [1, 2, 3, 4, 5, 6];
    expect([...initialTheta(prepareExperiment({ hiddenUnits: 2, initialTheta: given }))]).toEqual(given);
  });

  it('plots on np.linspace(-4, 4, 300)', () => {
    const grid = plotGrid();
    expect(grid.length).toBe(300);
    expect(grid[0]).toBe(-4);
    expect(grid[1]).toBe(-3.9732441471571907);
    expect(grid[150]).toBe(0.013377926421404673);
    expect(grid[299]).toBe(4);
  });

  it('picks the very points makeDataset makes, at any indices, without making the rest (pickDatasetAsync)', async () => {
    const exp = prepareExperiment({ points: 700_000, steps: 560_000 });
    const whole = makeDataset(exp);
    // The ends of both parts, the points around a slice's edge (16,384), and a spread between.
    const train = [0, 1, 16_383, 16_384, 16_385, 333_333, exp.trainPoints - 1];
    const val = [0, 7, 65_536, exp.valPoints - 1];
    let pauses = 0;
    const picked = await pickDatasetAsync(exp, { train, val }, async () => void pauses++);
    expect([...picked.xTrain]).toEqual(train.map((i) => whole.xTrain[i]));
    expect([...picked.yTrain]).toEqual(train.map((i) => whole.yTrain[i]));
    expect([...picked.xVal]).toEqual(val.map((i) => whole.xVal[i]));
    expect([...picked.yVal]).toEqual(val.map((i) => whole.yVal[i]));
    expect(pauses).toBe(43);
    // Only the training part asked for: the stream is drawn only as far as its last point.
    const first = await pickDatasetAsync(exp, { train: [5], val: [] }, async () => undefined);
    expect([...first.xTrain]).toEqual([whole.xTrain[5]]);
    expect(first.xVal.length).toBe(0);
  });

  it("draws a sweep's initial thetas once per (K, seed), each model its own copy (initialThetas)", async () => {
    // 3000 models of 3 K values and 5 seeds, one with a theta of its own.
    const exps = Array.from({ length: 3000 }, (_, m) => prepareExperiment({ hiddenUnits: [2, 10, 32][m % 3], initSeed: 124 + (m % 5) }));
    exps[7] = prepareExperiment({ hiddenUnits: 2, initialTheta: [1, 2, 3, 4, 5, 6] });
    let pauses = 0;
    const thetas = await initialThetas(exps, async () => void pauses++);
    const alone = exps.map((exp) => initialTheta(exp));
    expect(thetas.map((t, m) => t.length === alone[m].length && t.every((v, i) => v === alone[m][i]))).toEqual(exps.map(() => true));
    expect([...thetas[7]]).toEqual([1, 2, 3, 4, 5, 6]);
    // Models of one (K, seed) share values, not an array.
    expect([...thetas[15]]).toEqual([...thetas[0]]);
    thetas[15][0] = 99;
    expect(thetas[0][0]).not.toBe(99);
    expect(pauses).toBe(2);
  });

  it('makes the same data and visiting orders in slices as at once (makeDatasetAsync, epochOrdersAsync)', async () => {
    const exp = prepareExperiment({ points: 700_000, steps: 560_000 });
    let pauses = 0;
    const pause = async () => void pauses++;
    // Element by element (toEqual on arrays this long takes seconds).
    const same = (a: ArrayLike<number>, b: ArrayLike<number>) => a.length === b.length && Array.prototype.every.call(a, (v: number, i: number) => v === b[i]);
    const whole = makeDataset(exp);
    const sliced = await makeDatasetAsync(exp, pause);
    for (const key of ['xTrain', 'yTrain', 'xVal', 'yVal'] as const) expect(same(sliced[key], whole[key]), key).toBe(true);
    const orders = epochOrders(exp);
    const slicedOrders = epochOrdersAsync(exp, pause);
    for (let e = 0; e < 2; e++) expect(same(await slicedOrders(), orders()), `epoch ${e + 1}`).toBe(true);
    // 700,000 points in slices of 16,384, then each 560,000-point order: its identity in slices of
    // 262,144 and its swaps in slices of 65,536.
    expect(pauses).toBe(43 + 2 * (3 + 9));
  });

  it("draws numpy's normal values bit for bit: 5 seeds x 1,000 and 5 x 20,000 draws", () => {
    // numpy's legacy Gaussian takes log from the C library: glibc's, reproduced by libmLog (V8's
    // Math.log put ~3 % of draws up to 2 ulp off; a correctly rounded log, 1 draw in ~3,000).
    // Written by test/fixtures/numpy-normal.py (numpy, x86-64 glibc with FMA).
    const dir = join(__dirname, '../fixtures');
    const fixture = JSON.parse(readFileSync(join(dir, 'numpy-normal.json'), 'utf8')) as {
      draws: Record<string, number[]>;
      bulkSeeds: number[];
      bulkCount: number;
    };
    const bytes = readFileSync(join(dir, 'numpy-normal.f64'));
    const bulk = new Float64Array(bytes.buffer, bytes.byteOffset, bytes.length / 8);
    const cases: [string, ArrayLike<number>][] = Object.entries(fixture.draws);
    fixture.bulkSeeds.forEach((seed, s) => cases.push([String(seed), bulk.subarray(s * fixture.bulkCount, (s + 1) * fixture.bulkCount)]));
    let draws = 0;
    let mathLogWouldMiss = 0;
    for (const [seed, numpy] of cases) {
      const got = new RandomState(Number(seed)).normal(0, 1, numpy.length);
      const withMathLog = normalWithMathLog(Number(seed), numpy.length);
      for (let i = 0; i < numpy.length; i++) {
        if (got[i] !== numpy[i]) expect(got[i], `seed ${seed} draw ${i}`).toBe(numpy[i]);
        if (withMathLog[i] !== numpy[i]) mathLogWouldMiss++;
      }
      draws += numpy.length;
    }
    expect(draws).toBe(105_000);
    // The fixture tells logs apart: V8's Math.log in the same loop misses thousands of the draws.
    expect(mathLogWouldMiss).toBeGreaterThan(1000);
  });
});

/** numpy's legacy polar method as RandomState.standardNormal draws it, but with V8's Math.log. */
function normalWithMathLog(seed: number, n: number): Float64Array {
  const rs = new RandomState(seed);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i += 2) {
    let x1: number, x2: number, r2: number;
    do {
      x1 = 2 * rs.random() - 1;
      x2 = 2 * rs.random() - 1;
      r2 = x1 * x1 + x2 * x2;
    } while (r2 >= 1 || r2 === 0);
    const f = Math.sqrt((-2 * Math.log(r2)) / r2);
    out[i] = f * x2;
    if (i + 1 < n) out[i + 1] = f * x1;
  }
  return out;
}
