/** The CPU reference: Keras's semantics on a hand-checked case, the gradient, and float32 vs float64. */
import { describe, expect, it } from 'vitest';
import { ACTIVATIONS, activationCode } from '../../src/experiment/activation';
import { activate } from '../../src/kernels/common';
import { forward, mseGrad } from '../../src/kernels/perop/twin';
import { trainCpu } from '../../src/cpu/trainer';
import { prepareExperiment } from '../../src/experiment/config';
import { makeDataset } from '../../src/experiment/data';
import { RandomState } from '../../src/experiment/random';

import { closeness } from '../../src/experiment/compare';
import { DivergedError } from '../../src/errors';

const sigma = (z: number) => 1 / (1 + Math.exp(-z));

describe('Keras semantics on a tiny case, checked by hand', () => {
  // N = 5, split 0.4: split_at = floor(5 * 0.6) = 3, so points 0..2 train and 3, 4 validate.
  // Nbatch = 2: each epoch is a batch of 2, then a last batch of 1. M = 3 gives EPOCHS = 2.
  const config = { points: 5, validationSplit: 0.4, batchSize: 2, steps: 3, hiddenUnits: 1, learningRate: 0.1, initialTheta: [0.5, 1, 0] };

  /** One SGD step of the batch MSE on points `idx`, by the formulas written out; returns the squared errors. */
  function step(theta: number[], xs: ArrayLike<number>, ys: ArrayLike<number>, idx: number[], lr: number): number[] {
    const [v, w, b] = theta;
    const errors: number[] = [];
    let gv = 0;
    let gw = 0;
    let gb = 0;
    for (const i of idx) {
      const h = sigma(w * xs[i] + b);
      const r = v * h - ys[i];
      errors.push(r * r);
      gv += (2 / idx.length) * r * h;
      gw += (2 / idx.length) * r * v * h * (1 - h) * xs[i];
      gb += (2 / idx.length) * r * v * h * (1 - h);
    }
    theta[0] -= lr * gv;
    theta[1] -= lr * gw;
    theta[2] -= lr * gb;
    return errors;
  }

  function byHand(orders: number[][]) {
    const exp = prepareExperiment(config);
    const d = makeDataset(exp);
    const theta = [...config.initialTheta];
    const loss: number[] = [];
    const valLoss: number[] = [];
    for (const order of orders) {
      const errors = [...step(theta, d.xTrain, d.yTrain, [order[0], order[1]], 0.1), ...step(theta, d.xTrain, d.yTrain, [order[2]], 0.1)];
      loss.push((errors[0] + errors[1] + errors[2]) / 3);
      const val = [0, 1].map((i) => (theta[0] * sigma(theta[1] * d.xVal[i] + theta[2]) - d.yVal[i]) ** 2);
      valLoss.push((val[0] + val[1]) / 2);
    }
    return { loss, valLoss, theta };
  }

  it('without shuffle: batches [0, 1] and [2], loss averaged over samples, val_loss at epoch end', async () => {
    const exp = prepareExperiment({ ...config, shuffle: false });
    expect(exp).toMatchObject({ trainPoints: 3, valPoints: 2, epochs: 2, stepsPerEpoch: 2 });
    const expected = byHand([
      [0, 1, 2],
      [0, 1, 2],
    ]);
    const result = await trainCpu(exp, { engine: 'cpu' });
    expect(result.status).toBe('completed');
    expect(closeness(result.history.loss, expected.loss, 0, 1e-14).ok).toBe(true);
    expect(closeness(result.history.valLoss as number[], expected.valLoss, 0, 1e-14).ok).toBe(true);
    expect(closeness(result.theta, expected.theta, 0, 1e-14).ok).toBe(true);
  });

  it('with shuffle: each epoch visits np.random.RandomState(initSeed + 1).permutation(3)', async () => {
    const exp = prepareExperiment({ ...config, shuffle: true });
    const rs = new RandomState(exp.config.initSeed + 1);
    const orders = [[...rs.permutation(3)], [...rs.permutation(3)]];
    const expected = byHand(orders);
    const result = await trainCpu(exp, { engine: 'cpu' });
    expect(closeness(result.history.loss, expected.loss, 0, 1e-14).ok).toBe(true);
    expect(closeness(result.history.valLoss as number[], expected.valLoss, 0, 1e-14).ok).toBe(true);
    // The shuffle changes the outcome, so this case really tests the order.
    expect(
      byHand([
        [0, 1, 2],
        [0, 1, 2],
      ]).loss[1],
    ).not.toBe(expected.loss[1]);
  });

  it('reports val_loss as null when nothing is held out', async () => {
    const result = await trainCpu(prepareExperiment({ ...config, validationSplit: 0, steps: 5 }), { engine: 'cpu' });
    expect(result.history.valLoss).toEqual([null, null]);
  });
});

describe('the MSE gradient', () => {
  it.each(ACTIVATIONS)('matches central finite differences of the batch MSE (%s units)', (activation) => {
    const act = activationCode(activation);
    const K = 4;
    const rs = new RandomState(7);
    const theta = Float64Array.from(rs.uniform(-1.5, 1.5, 3 * K));
    const xs = rs.uniform(-4, 4, 9);
    const ys = xs.map((x) => Math.abs(x - 0.5) ** 2);
    const order = [4, 0, 8, 3, 1, 6];
    const mse = (t: ArrayLike<number>) => {
      const alpha = new Float64Array(order.length);
      forward(K, 0, order.length, t, xs, order, null, alpha, 'f64', act);
      return mseGrad(K, 0, order.length, t, xs, ys, order, null, alpha, null, 'f64', act) / order.length;
    };
    const hidden = new Float64Array(order.length * K);
    const alpha = new Float64Array(order.length);
    const grad = new Float64Array(3 * K);
    forward(K, 0, order.length, theta, xs, order, hidden, alpha, 'f64', act);
    mseGrad(K, 0, order.length, theta, xs, ys, order, hidden, alpha, grad, 'f64', act);
    const numeric = [...theta].map((_, p) => {
      const eps = 1e-6;
      const plus = Float64Array.from(theta);
      const minus = Float64Array.from(theta);
      plus[p] += eps;
      minus[p] -= eps;
      return (mse(plus) - mse(minus)) / (2 * eps);
    });
    // Central differences are accurate to O(eps^2) plus rounding ~1e-16 * |loss| / eps.
    const c = closeness(grad, numeric, 1e-7, 1e-6, 'gradient vs finite differences');
    console.log(c.report);
    expect(c.ok, c.report).toBe(true);
    expect(Math.max(...grad.map(Math.abs))).toBeGreaterThan(0.1);
  });
});

describe('float32 against float64', () => {
  it('agree on the lecture run: every epoch within 1e-3 relative', async () => {
    const exp = prepareExperiment();
    const f64 = await trainCpu(exp, { engine: 'cpu' });
    const f32 = await trainCpu(exp, { engine: 'cpu-f32' });
    expect(f32.history.loss.length).toBe(50);
    const loss = closeness(f32.history.loss, f64.history.loss, 0, 1e-3, 'loss');
    const val = closeness(f32.history.valLoss as number[], f64.history.valLoss as number[], 0, 1e-3, 'val_loss');
    console.log(loss.report, '\n', val.report);
    expect(loss.ok, loss.report).toBe(true);
    expect(val.ok, val.report).toBe(true);
    // And they differ: float32 really rounds.
    expect(f32.history.loss[49]).not.toBe(f64.history.loss[49]);
    // The lecture's network learns: from ~15 to under 0.05.
    expect(f64.history.loss[0]).toBeGreaterThan(10);
    expect(f64.history.valLoss[49]).toBeLessThan(0.05);
  });
});

describe('runs that go wrong', () => {
  it('a diverging run stops with a message naming the epoch and suggesting a smaller learning rate', async () => {
    let error: unknown;
    try {
      await trainCpu(prepareExperiment({ learningRate: 5, steps: 4000 }), { engine: 'cpu' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(DivergedError);
    const d = error as DivergedError;
    expect(d.message).toMatch(new RegExp(`diverged at epoch ${d.epoch}.*smaller learning rate`));
    expect(d.partial.status).toBe('diverged');
    expect(d.partial.history.loss.length).toBe(d.epoch - 1);
    expect(d.partial.history.loss.every(Number.isFinite)).toBe(true);
  });

  it('an aborted run keeps the epochs so far', async () => {
    const controller = new AbortController();
    const result = await trainCpu(prepareExperiment(), {
      engine: 'cpu',
      signal: controller.signal,
      onEpoch: (r) => {
        if (r.epoch === 3) controller.abort();
      },
    });
    expect(result.status).toBe('aborted');
    expect(result.history.loss.length).toBe(3);
  });
});

describe('validation in slices', () => {
  it('gives every epoch the val_loss of theta on all the validation points, however many slices it takes', async () => {
    // K = 64: 1024 validation points a slice, so 3000 of them take three slices (the last short).
    const exp = prepareExperiment({ points: 6000, validationSplit: 0.5, hiddenUnits: 64, batchSize: 50, steps: 120 });
    expect(exp.valPoints).toBe(3000);
    const data = makeDataset(exp);
    const got: number[] = [];
    const expected: number[] = [];
    await trainCpu(exp, {
      engine: 'cpu',
      thetaEachEpoch: true,
      onEpoch: (r) => {
        got.push(r.valLoss!);
        const alpha = new Float64Array(exp.valPoints);
        forward(64, 0, exp.valPoints, r.theta!, data.xVal, null, null, alpha, 'f64', 0);
        expected.push(alpha.reduce((sum, a, i) => sum + (a - data.yVal[i]) ** 2, 0) / exp.valPoints);
      },
    });
    expect(got).toHaveLength(exp.epochs);
    got.forEach((v, e) => expect(Math.abs(v - expected[e]) / expected[e]).toBeLessThan(1e-12));
  });
});

describe('the activations', () => {
  it("are Keras's sigmoid, tanh and relu, computed without overflow at any z", () => {
    const zs = [-1000, -30, -2.5, -1e-8, 0, 1e-8, 0.75, 3, 40, 1000];
    for (const z of zs) {
      expect(activate(z, activationCode('sigmoid'), 'f64')).toBeCloseTo(1 / (1 + Math.exp(-z)), 15);
      expect(Math.abs(activate(z, activationCode('tanh'), 'f64') - Math.tanh(z))).toBeLessThanOrEqual(2e-16 * Math.max(1, Math.abs(Math.tanh(z))) + 1e-300);
      expect(activate(z, activationCode('relu'), 'f64')).toBe(Math.max(z, 0));
      for (const a of ACTIVATIONS) {
        expect(Number.isFinite(activate(z, activationCode(a), 'f32'))).toBe(true);
      }
    }
  });
});
