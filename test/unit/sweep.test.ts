/** Sweeps: reading them, and the CPU's many-model trainer against single-model runs. */
import { describe, expect, it } from 'vitest';
import { trainSweepCpu } from '../../src/cpu/sweep';
import { trainCpu } from '../../src/cpu/trainer';
import { prepareExperiment } from '../../src/experiment/config';
import { parseAxis, parseSweep, prepareSweep, sweepFromAxes } from '../../src/experiment/sweep';
import { DivergedError, SweepError } from '../../src/errors';

describe('reading a sweep', () => {
  it('reads log, geometric and linear axes, ends included', () => {
    const lr = parseAxis('lr', '0.001:0.1:log8');
    expect(lr).toHaveLength(8);
    expect(lr[0]).toBe(0.001);
    expect(lr[7]).toBe(0.1);
    expect(lr[1] / lr[0]).toBeCloseTo(lr[7] / lr[6], 12);
    expect(parseAxis('K', '2:32:x2')).toEqual([2, 4, 8, 16, 32]);
    expect(parseAxis('lr', '0.1:0.3:3')).toEqual([0.1, 0.2, 0.3]);
    expect(parseAxis('lr', '0.05')).toEqual([0.05]);
  });

  it.each([
    ['lr=0.1:0.01:log3', /runs backwards/],
    ['lr=0:1:log3', /log range needs lo > 0/],
    ['K=2:32:x1', /needs lo > 0 and F > 1/],
    ['lr=a:b:3', /"a" is not a number/],
    ['mu=1', /unknown axis "mu"/],
    ['lr', /expected name=values/],
    ['lr=1:2:3:4', /expected a value or lo:hi:logN/],
    // Past the model limit: refused with the count it would have, never cut at the limit.
    ['lr=1e-5:1e5:x1.0001', /lr: 1e-5:1e5:x1\.0001 has 230271 values, more than the 65535 models a sweep may have/],
    ['K=1:4096:x1.0000001', /K: 1:4096:x1\.0000001 has 83177666 values, more than the 65535/],
    ['lr=0.01,lr=0.02', /the axis lr is given twice/],
    ['lr=0.01,K=2,dt=0.02', /the axis dt is given twice/],
  ])('refuses %j', (text, message) => {
    expect(() => parseSweep(text, 1, { learningRate: 0.008, hiddenUnits: 10, initSeed: 124 })).toThrow(SweepError);
    expect(() => parseSweep(text, 1, { learningRate: 0.008, hiddenUnits: 10, initSeed: 124 })).toThrow(message);
  });

  it('makes a geometric axis up to the limit whole: 65,535 values, the last at most hi', () => {
    const f = 1.0001;
    const hi = 1e-5 * f ** 65_534 * (1 + 1e-13);
    const lr = parseAxis('lr', `1e-5:${hi}:x${f}`);
    expect(lr).toHaveLength(65_535);
    expect(lr.at(-1)).toBeLessThanOrEqual(hi);
    expect(() => parseAxis('lr', `1e-5:${hi * f}:x${f}`)).toThrow(/has 65536 values/);
  });

  it('makes lr x K x seeds models, lr outermost', () => {
    const s = parseSweep('lr=0.001:0.1:log8,K=2:32:x2', 4, { learningRate: 0.008, hiddenUnits: 10, initSeed: 124 });
    expect(s.models).toHaveLength(8 * 5 * 4);
    expect(s.models[0]).toEqual({ learningRate: 0.001, hiddenUnits: 2, initSeed: 124 });
    expect(s.models[3]).toEqual({ learningRate: 0.001, hiddenUnits: 2, initSeed: 127 });
    expect(s.models[4]).toEqual({ learningRate: 0.001, hiddenUnits: 4, initSeed: 124 });
  });

  it("makes a sweep from its axes over a base, the lecture's fields where the base says nothing (the one recipe)", () => {
    const sweep = sweepFromAxes({ steps: 4000, initSeed: 7 }, 'lr=0.001:0.1:log8,K=2:32:x2', 2);
    expect(sweep.models).toEqual(parseSweep('lr=0.001:0.1:log8,K=2:32:x2', 2, { learningRate: 0.008, hiddenUnits: 10, initSeed: 7 }).models);
    expect(sweep.base.config.steps).toBe(4000);
    expect(sweep.experiments[1].config).toMatchObject({ learningRate: 0.001, hiddenUnits: 2, initSeed: 8 });
    // An axis left out takes the base's value.
    expect(sweepFromAxes({ hiddenUnits: 3 }, 'lr=0.01:0.02:2', 1).models.map((m) => m.hiddenUnits)).toEqual([3, 3]);
  });

  it('names the model whose config is bad', () => {
    expect(() =>
      prepareSweep({ steps: 1600 }, [
        { learningRate: 0.01, hiddenUnits: 2, initSeed: 1 },
        { learningRate: -1, hiddenUnits: 2, initSeed: 1 },
      ]),
    ).toThrow(/model 1 \(lr -1, K 2, seed 1\): the learning rate must be a finite number > 0/);
  });
});

describe('many models on the CPU', () => {
  it.each(['sigmoid', 'relu'] as const)('gives every model exactly its single-model run, and marks the diverging ones (%s units)', async (activation) => {
    const base = { steps: 2400, activation };
    const { models } = parseSweep('lr=0.002:5:log4,K=1:12:x3', 2, { learningRate: 0.008, hiddenUnits: 10, initSeed: 124 });
    const sweep = prepareSweep(base, models);
    const seen: number[] = [];
    const many = await trainSweepCpu(sweep, { engine: 'cpu', onEpoch: (r) => void seen.push(r.epoch) });
    expect(seen).toEqual([1, 2, 3]);
    expect(many.loss).toHaveLength(3);
    let diverged = 0;
    for (let m = 0; m < models.length; m++) {
      const exp = prepareExperiment({ ...base, ...models[m] });
      let single;
      try {
        single = await trainCpu(exp, { engine: 'cpu' });
      } catch (e) {
        // A single run that diverges throws; the sweep marks the model and goes on with the rest.
        expect(e).toBeInstanceOf(DivergedError);
        expect(many.divergedAt[m]).toBe((e as { epoch: number }).epoch);
        diverged++;
        continue;
      }
      expect(many.divergedAt[m]).toBeNull();
      expect(many.loss.map((l) => l[m])).toEqual(single.history.loss);
      expect(many.valLoss.map((l) => l[m])).toEqual(single.history.valLoss);
      expect([...many.thetas[m]]).toEqual([...single.theta]);
    }
    expect(diverged).toBeGreaterThan(0);
    expect(diverged).toBeLessThan(models.length);
  });
});
