/** What every engine trains from (prepareInputs) and where every result is built (the recorders). */
import { describe, expect, it } from 'vitest';
import { prepareExperiment } from '../../src/experiment/config';
import { epochOrders, initialTheta, makeDataset } from '../../src/experiment/data';
import { nextOrders, prepareInputs } from '../../src/experiment/inputs';
import { RunRecorder, SweepRecorder } from '../../src/experiment/recorder';
import { prepareSweep } from '../../src/experiment/sweep';
import { DivergedError } from '../../src/errors';

const noPause = async () => {};

describe('prepareInputs', () => {
  it("makes one order stream a seed, each model's theta from its own seed and K, and the base's data", async () => {
    const seeds = [7, 9, 7, 9, 11];
    const models = seeds.map((initSeed, m) => ({ learningRate: 0.01, hiddenUnits: 2 + m, initSeed }));
    const sweep = prepareSweep({ points: 300, steps: 480 }, models);
    const inputs = await prepareInputs(sweep.base, sweep.experiments, noPause);
    expect(inputs.orders).toHaveLength(3);
    expect(inputs.orderIndex).toEqual([0, 1, 0, 1, 2]);
    sweep.experiments.forEach((exp, m) => expect([...inputs.thetas[m]]).toEqual([...initialTheta(exp)]));
    expect([...inputs.data.xVal]).toEqual([...makeDataset(sweep.base).xVal]);
    // Each stream is numpy's: the orders of the first model with that seed, epoch after epoch.
    const reference = [0, 1, 4].map((m) => epochOrders(sweep.experiments[m]));
    for (let epoch = 0; epoch < 2; epoch++) {
      const got = await nextOrders(inputs);
      reference.forEach((next, s) => expect([...got[s]]).toEqual([...next()]));
    }
  });
});

describe('RunRecorder', () => {
  const exp = prepareExperiment({ points: 100, steps: 240 });
  const theta0 = new Float64Array(30);

  it('keeps the history and the last theta, and calls onEpoch with what was asked for', async () => {
    const seen: number[] = [];
    const recorder = new RunRecorder(exp, 'cpu', { onEpoch: (r) => void seen.push(r.epoch, r.theta ? 1 : 0, r.alpha?.length ?? -1) }, theta0, { device: 'test' });
    recorder.trainingStarts();
    await recorder.epoch(1, 0.5, 0.6, new Float64Array(30).fill(1), () => new Float64Array(4));
    await recorder.epoch(2, 0.4, null, new Float64Array(30).fill(2));
    expect(seen).toEqual([1, 0, 4, 2, 0, -1]);
    const result = recorder.result('completed');
    expect(result.history).toEqual({ loss: [0.5, 0.4], valLoss: [0.6, null] });
    expect(result.theta[0]).toBe(2);
    // 2 of exp.epochs epochs: a run that says it completed early is an aborted one.
    expect(exp.epochs).toBeGreaterThan(2);
    expect(result.status).toBe('aborted');
    expect(result.timings.totalMs).toBeGreaterThanOrEqual(result.timings.trainMs);
  });

  it('throws DivergedError with the epochs before it, and reports where a Stop cut an epoch', async () => {
    const recorder = new RunRecorder(exp, 'gpu', {}, theta0, { device: 'test', dispatches: 3 });
    await recorder.epoch(1, 0.5, 0.6, new Float64Array(30).fill(1));
    const error = await recorder.epoch(2, exp.lossBound * 2, 0.6, new Float64Array(30).fill(2)).catch((e) => e);
    expect(error).toBeInstanceOf(DivergedError);
    expect(error.epoch).toBe(2);
    expect(error.partial.history.loss).toEqual([0.5]);
    expect(error.partial.theta[0]).toBe(1);
    expect(error.partial.status).toBe('diverged');
    expect(error.partial.dispatches).toBe(3);
    const stopped = recorder.result('aborted', { epoch: 2, stepsDone: 5 });
    expect(stopped.partialEpoch).toEqual({ epoch: 2, stepsDone: 5, steps: exp.stepsPerEpoch });
  });
});

describe('SweepRecorder', () => {
  it('marks diverged models, blanks them afterwards, and completes only with every epoch', async () => {
    const sweep = prepareSweep({ points: 100, steps: 160 }, [
      { learningRate: 0.01, hiddenUnits: 2, initSeed: 1 },
      { learningRate: 0.5, hiddenUnits: 2, initSeed: 1 },
    ]);
    expect(sweep.base.epochs).toBe(2);
    const recorder = new SweepRecorder(sweep, 'cpu', {});
    await recorder.epoch(1, Float64Array.of(0.5, Infinity), Float64Array.of(0.6, 1));
    expect(recorder.result([], { device: 'test' }).status).toBe('aborted');
    await recorder.epoch(2, Float64Array.of(0.4, 3), Float64Array.of(0.5, 3));
    const result = recorder.result([], { device: 'test' });
    expect(result.divergedAt).toEqual([null, 1]);
    expect([...result.loss[1]]).toEqual([0.4, NaN]);
    expect(result.status).toBe('completed');
  });
});
