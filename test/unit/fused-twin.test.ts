/**
 * The CPU twin of the fused kernels (src/kernels/fused/twin.ts) and the numerics every engine shares: the
 * stable sigmoid, the compensated loss sum, and the twin against the reference trainer.
 */
import { describe, expect, it } from 'vitest';
import { fusedFinish, fusedSpan } from '../../src/kernels/fused/twin';
import { kahanAdd, sigmoid } from '../../src/kernels/common';
import { cpuModel } from '../../src/cpu/trainer';
import { roundedData } from '../../src/cpu/model';
import { prepareExperiment } from '../../src/experiment/config';
import { epochOrders, initialTheta, makeDataset } from '../../src/experiment/data';
import { activationCode } from '../../src/experiment/activation';
import { RandomState } from '../../src/experiment/random';

describe('numerics', () => {
  it('sigmoid never evaluates an overflowing exp and equals 1 / (1 + e^-z) where that is finite', () => {
    for (const z of [-1e30, -1000, -89, -30, -1, -1e-9, 0, 1e-9, 1, 30, 89, 1000, 1e30]) {
      for (const precision of ['f64', 'f32'] as const) {
        const s = sigmoid(z, precision);
        expect(Number.isFinite(s), `${z} ${precision}`).toBe(true);
        const naive = 1 / (1 + Math.exp(-z));
        expect(Math.abs(s - naive), `${z} ${precision}: ${s} vs ${naive}`).toBeLessThanOrEqual(precision === 'f64' ? 2e-16 : 1.2e-7);
      }
    }
    expect(sigmoid(-1000, 'f32')).toBe(0);
    expect(sigmoid(1000, 'f32')).toBe(1);
  });

  it('the compensated float32 sum of 10^6 squares stays within 1e-6 of float64, where a plain one drifts past 1e-5', () => {
    const rs = new RandomState(7);
    const values = rs.uniform(0, 20, 1_000_000).map((v) => Math.fround(v * v));
    let exact = 0;
    let plain = 0;
    const acc = new Float64Array(2);
    for (const v of values) {
      exact += v;
      plain = Math.fround(plain + v);
      kahanAdd(acc, v, 'f32');
    }
    const rel = (x: number) => Math.abs(x - exact) / exact;
    console.log(`10^6 squares: plain float32 sum off by ${rel(plain).toExponential(2)}, Kahan by ${rel(acc[0]).toExponential(2)}`);
    expect(rel(plain)).toBeGreaterThan(1e-5);
    expect(rel(acc[0])).toBeLessThan(1e-6);
  });
});

describe("the fused kernels' twin", () => {
  it('with one lane is exactly the float32 reference trainer, epoch after epoch', () => {
    for (const config of [
      { steps: 2400 },
      { batchSize: 7, steps: 2400, hiddenUnits: 3 },
      { batchSize: 65, points: 200, steps: 1000, learningRate: 0.05 },
      { steps: 1600, activation: 'tanh' as const },
      { batchSize: 7, steps: 2400, hiddenUnits: 33, activation: 'relu' as const },
    ]) {
      const exp = prepareExperiment(config);
      const data = roundedData(makeDataset(exp), 'f32');
      const reference = cpuModel(exp, data, 'f32', initialTheta(exp));
      const theta = Float64Array.from(initialTheta(exp), Math.fround);
      const next = epochOrders(exp);
      for (let epoch = 1; epoch <= exp.epochs; epoch++) {
        const loss = new Float64Array(2);
        const order = next();
        fusedSpan(theta, exp.config.learningRate, exp.config.batchSize, order, data, 0, exp.stepsPerEpoch, 1, loss, 'f32', activationCode(exp.config.activation));
        const { valLoss } = fusedFinish(theta, data, [], 1, 'f32', activationCode(exp.config.activation));
        const r = reference.epoch(order);
        expect(loss[0] / exp.trainPoints).toBe(r.loss);
        expect(valLoss).toBe(r.valLoss);
        expect([...theta]).toEqual([...reference.theta]);
      }
    }
  });

  it('with 4 lanes differs only in the order alpha is summed: within 1e-5 after 800 steps', () => {
    const exp = prepareExperiment({ steps: 800 });
    const data = roundedData(makeDataset(exp), 'f32');
    const order = epochOrders(exp)();
    const one = Float64Array.from(initialTheta(exp), Math.fround);
    const four = Float64Array.from(one);
    fusedSpan(one, 0.008, 1, order, data, 0, 800, 1, new Float64Array(2), 'f32', 0);
    fusedSpan(four, 0.008, 1, order, data, 0, 800, 4, new Float64Array(2), 'f32', 0);
    let worst = 0;
    one.forEach((v, i) => (worst = Math.max(worst, Math.abs(v - four[i]) / Math.max(1e-3, Math.abs(v)))));
    expect(worst).toBeGreaterThan(0);
    expect(worst).toBeLessThan(1e-5);
  });
});
