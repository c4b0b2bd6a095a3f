/** Stepping through SGD a batch at a time: the same numbers as the engine's own run, and what a step shows. */
import { describe, expect, it } from 'vitest';
import { cpuStepper } from '../../src/cpu/stepper';
import { alphaCpu, trainCpu } from '../../src/cpu/trainer';
import { prepareExperiment } from '../../src/experiment/config';

describe('the CPU stepper', () => {
  it.each(['cpu', 'cpu-f32', 'cpu-wasm'] as const)(
    '%s: after 1 + 1 + 10 + 100 + 3 steps (an epoch), then two epochs in uneven parts, theta is the run of the same epochs, exactly',
    async (engine) => {
      const exp = prepareExperiment({ steps: 2400, batchSize: 7 });
      expect(exp.stepsPerEpoch).toBe(115);
      const stepper = await cpuStepper(exp, engine);
      for (const n of [1, 1, 10, 100, 3]) await stepper.steps(n);
      expect(stepper.stepsDone).toBe(115);
      const one = await trainCpu(prepareExperiment({ steps: 115, batchSize: 7 }), { engine });
      expect(one.epochs).toBe(1);
      expect([...stepper.theta]).toEqual([...one.theta]);
      // Across the epoch boundary: the next epoch's order comes from the same stream.
      for (const n of [50, 100, 80]) await stepper.steps(n);
      const three = await trainCpu(prepareExperiment({ steps: 3 * 115, batchSize: 7 }), { engine });
      expect(three.epochs).toBe(3);
      expect(stepper.stepsDone).toBe(345);
      expect([...stepper.theta]).toEqual([...three.theta]);
      // And the epochs' losses, as Play shows them: the run's history, exactly.
      const last = await stepper.steps(115);
      const four = await trainCpu(prepareExperiment({ steps: 4 * 115, batchSize: 7 }), { engine });
      expect(last.history).toEqual({ loss: four.history.loss, valLoss: four.history.valLoss });
      expect(last.history.loss).toHaveLength(4);
    },
  );

  it('reports an epoch only once its last step ran', async () => {
    const stepper = await cpuStepper(prepareExperiment({ steps: 2400, batchSize: 7 }), 'cpu');
    expect((await stepper.steps(114)).history.loss).toEqual([]);
    expect((await stepper.steps(1)).history.loss).toHaveLength(1);
    expect((await stepper.steps(114)).history.loss).toHaveLength(1);
  });

  it("shows the last step: its batch, each residual from theta before it, the batch's gradient and the update dt * gradient", async () => {
    const exp = prepareExperiment({ steps: 2400, batchSize: 7 });
    const stepper = await cpuStepper(exp, 'cpu');
    const v = await stepper.steps(115);
    // The epoch's last batch is short: 800 = 114 x 7 + 2.
    expect([v.epoch, v.step, v.stepsDone]).toEqual([1, 115, 115]);
    expect(v.batch.x.length).toBe(2);
    const alpha = alphaCpu(v.thetaBefore, v.batch.x, 'sigmoid');
    v.batch.residual.forEach((r, i) => expect(r).toBeCloseTo(alpha[i] - v.batch.y[i], 14));
    expect(v.batchLoss).toBeCloseTo((v.batch.residual[0] ** 2 + v.batch.residual[1] ** 2) / 2, 14);
    // theta after = theta before - dt * gradient (float64: to rounding).
    v.theta.forEach((t, p) => expect(t).toBeCloseTo(v.thetaBefore[p] - 0.008 * v.gradient[p], 14));
    expect(Math.max(...v.gradient.map(Math.abs))).toBeGreaterThan(0);
    const next = await stepper.steps(1);
    expect([next.epoch, next.step, next.batch.x.length]).toEqual([2, 1, 7]);
  });

  it('stops at the last step of the run and says so', async () => {
    const exp = prepareExperiment({ points: 20, steps: 16, batchSize: 8 });
    expect(exp.epochs * exp.stepsPerEpoch).toBe(16);
    const stepper = await cpuStepper(exp, 'cpu');
    const v = await stepper.steps(100);
    expect([v.stepsDone, v.finished]).toEqual([16, true]);
    await expect(stepper.steps(1)).rejects.toThrow(/reset to start again/);
  });
});
