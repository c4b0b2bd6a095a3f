/**
 * Bounded work, runaway models and Stop inside an epoch, on the CPU engines: the budget refuses
 * before allocating, a finite but exploding loss counts as diverged, and a Stop inside a long
 * epoch leaves a result that says so.
 */
import { describe, expect, it } from 'vitest';
import { trainSweepCpu } from '../../src/cpu/sweep';
import { trainCpu } from '../../src/cpu/trainer';
import { BUDGET, DIVERGENCE_FACTOR, estimateWork, prepareExperiment } from '../../src/experiment/config';
import { isDiverged } from '../../src/experiment/run';
import { markDiverged, MAX_MODELS, parseSweep, prepareSweep, summarizeSweep, sweepModels } from '../../src/experiment/sweep';
import { sweepTable } from '../../src/cli/train';
import { ConfigError, SweepError } from '../../src/errors';

const refused = (f: () => unknown): ConfigError => {
  try {
    f();
  } catch (e) {
    if (e instanceof ConfigError) return e;
    throw e;
  }
  throw new Error('not refused');
};

describe('the budget', () => {
  it('estimates the lecture at a few hundred kilobytes and 4 x 10^5 unit evaluations', () => {
    const exp = prepareExperiment();
    const e = estimateWork(exp, exp.config, [{ hiddenUnits: 10 }], 1);
    expect(e.unitSteps).toBe(40_000 * 10);
    expect(e.bytes).toBeGreaterThan(32 * 1000);
    expect(e.bytes).toBeLessThan(2 ** 20);
  });

  it.each([
    [{ points: 2, steps: 1e9 }, 'epochs', /EPOCHS = 625000000 is more than the 1000000 epochs/],
    [{ points: 1e6, hiddenUnits: 4096, steps: 1e9 }, 'steps', /4\.10e\+12 hidden-unit evaluations is more than the limit of 1e\+12/],
  ])('refuses %j naming %s, the estimate and the limit', (config, field, message) => {
    const e = refused(() => prepareExperiment(config));
    expect(e.field).toBe(field);
    expect(e.message).toMatch(message);
  });

  it('refuses a sweep past its memory before any model is made, and counts models before making them', () => {
    const base = { points: 10_000_000, steps: 8_000_000 };
    const models = sweepModels([0.001, 0.002, 0.004], [10], 200, 124);
    expect(() => prepareSweep(base, models)).toThrow(/the run needs about \d+\.\d GiB of memory for 600 models, more than the limit of 2\.0 GiB/);
    const started = performance.now();
    expect(() => sweepModels([0.01], [10], 100_000_000, 124)).toThrow(SweepError);
    expect(() => sweepModels([0.01], [10], 100_000_000, 124)).toThrow(`1 learning rates x 1 K x 100000000 seeds = 100000000 models: at most ${MAX_MODELS} in one sweep`);
    expect(performance.now() - started).toBeLessThan(50);
    expect(BUDGET.memoryBytes).toBe(2 * 2 ** 30);
  });

  it('prepares the largest sweep of lecture models in well under a second', () => {
    const started = performance.now();
    const sweep = prepareSweep({}, parseSweep('lr=0.001:0.1:log4095', 16, { learningRate: 0.008, hiddenUnits: 10, initSeed: 124 }).models);
    expect(sweep.models).toHaveLength(65_520);
    expect(sweep.experiments[65_519].config).toMatchObject({ learningRate: 0.1, hiddenUnits: 10, initSeed: 139 });
    expect(performance.now() - started).toBeLessThan(1000);
  });
});

describe('runaway models', () => {
  it('bounds the loss at a million times the largest f(x)^2 on the plot grid', () => {
    const exp = prepareExperiment();
    expect(exp.lossBound).toBe(DIVERGENCE_FACTOR * 4.5 ** 4);
    expect(prepareExperiment({ target: 'sin' }).lossBound).toBe(DIVERGENCE_FACTOR);
    expect(isDiverged(exp.lossBound, exp.lossBound)).toBe(false);
    expect(isDiverged(exp.lossBound * 1.0001, exp.lossBound)).toBe(true);
    expect(isDiverged(NaN, exp.lossBound)).toBe(true);
    expect(isDiverged(Infinity, exp.lossBound)).toBe(true);
  });

  it('marks a model diverged in the epoch its loss passes the bound, and blanks it after', () => {
    const divergedAt: (number | null)[] = [null, null, 3];
    const loss = Float64Array.of(1, 5e8, 2);
    const val = Float64Array.of(1, 1, 2);
    markDiverged(divergedAt, 4, loss, val, 4e8);
    expect(divergedAt).toEqual([null, 4, 3]);
    expect([...loss]).toEqual([1, 5e8, NaN]);
    expect([...val]).toEqual([1, 1, NaN]);
  });

  it('stops a single run whose loss explodes but stays finite (lr 0.5: 4.5e103 in epoch 1)', async () => {
    await expect(trainCpu(prepareExperiment({ learningRate: 0.5 }), { engine: 'cpu' })).rejects.toThrow(/diverged at epoch 1: the loss became 4\.\d+e\+103/);
  });

  it('leaves a runaway model of a sweep out of every scale', async () => {
    const sweep = prepareSweep({ steps: 2400 }, sweepModels([0.008, 0.05, 0.5], [10], 1, 124));
    const r = await trainSweepCpu(sweep, { engine: 'cpu' });
    expect(r.divergedAt).toEqual([null, null, 1]);
    expect(r.loss.every((l) => Number.isNaN(l[2]) || l[2] > sweep.base.lossBound)).toBe(true);
    const s = summarizeSweep(sweep.models, r);
    expect(s.diverged[2][0]).toBe(1);
    expect(s.cells[2][0]).toBeNull();
    expect(s.cells.flat().every((v) => v === null || v < 100)).toBe(true);
  });
});

describe('the sweep table', () => {
  it('keeps a space between columns whatever the numbers', () => {
    const table = sweepTable({
      learningRates: [0.001, 15.15],
      hiddenUnits: [2, 4096],
      cells: [
        [4.393587415441535e25, 0.01],
        [null, 123456.789],
      ],
    });
    const rows = table.split('\n').map((line) => line.trim().split(/\s{2,}/));
    expect(rows).toEqual([
      ['lr \\ K', '2', '4096'],
      ['0.00100', '4.3936e+25', '0.0100'],
      ['15.2', 'div', '123456.7890'],
    ]);
  });
});

describe('Stop inside a long epoch on the CPU', () => {
  it('ends a single run within the epoch and says how far it got', async () => {
    const exp = prepareExperiment({ points: 1_000_000, steps: 1_600_000 });
    const controller = new AbortController();
    // After the 10^6 points are made (~0.1 s), inside the first epoch of 800,000 steps (~1 s).
    setTimeout(() => controller.abort(), 300);
    const started = performance.now();
    const r = await trainCpu(exp, { engine: 'cpu', signal: controller.signal });
    expect(performance.now() - started).toBeLessThan(300 + 500);
    expect(r.status).toBe('aborted');
    expect(r.history.loss).toEqual([]);
    expect(r.partialEpoch).toMatchObject({ epoch: 1, steps: 800_000 });
    expect(r.partialEpoch!.stepsDone).toBeGreaterThan(0);
    expect(r.partialEpoch!.stepsDone).toBeLessThan(800_000);
  });

  it('ends a sweep between models, reporting only whole epochs, with the thetas of the last one', async () => {
    const sweep = prepareSweep({ points: 100_000, steps: 400_000 }, sweepModels([0.001, 0.002, 0.004, 0.008], [10], 2, 124));
    const controller = new AbortController();
    let epochs = 0;
    const r = await trainSweepCpu(sweep, {
      engine: 'cpu',
      signal: controller.signal,
      onEpoch: ({ epoch }) => {
        epochs = epoch;
        // Stop part-way through the next epoch.
        if (epoch === 1) setTimeout(() => controller.abort(), 30);
      },
    });
    expect(r.status).toBe('aborted');
    expect(r.epochs).toBe(epochs);
    expect(r.epochs).toBeLessThan(sweep.base.epochs);
    // Every model's theta is that of the last reported epoch: the same as a sweep of that many epochs.
    const whole = await trainSweepCpu(prepareSweep({ points: 100_000, steps: r.epochs * 80_000 }, sweep.models), { engine: 'cpu' });
    r.thetas.forEach((t, m) => expect([...t]).toEqual([...whole.thetas[m]]));
  });
});
