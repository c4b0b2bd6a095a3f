/** The `cpu` engine's fused float64 loop (src/cpu/fast-f64.ts) against the kernel twins it fuses: every epoch, every theta. */
import { describe, expect, it } from 'vitest';
import { prepareExperiment, type ExperimentConfig } from '../../src/experiment/config';
import { epochOrders, initialTheta, makeDataset } from '../../src/experiment/data';
import { cpuModel } from '../../src/cpu/trainer';
import { trainSweepCpu } from '../../src/cpu/sweep';
import { prepareSweep, sweepModels } from '../../src/experiment/sweep';

/** Both loops over the same epochs: the largest relative difference of any loss, val_loss or theta. */
function worst(config: Partial<ExperimentConfig>): number {
  const exp = prepareExperiment(config);
  const data = makeDataset(exp);
  const [fast, twins] = [false, true].map((t) => cpuModel(exp, data, 'f64', initialTheta(exp), { twins: t }));
  const orders = epochOrders(exp);
  const rel = (a: number, b: number) => (a === b ? 0 : Math.abs(a - b) / Math.max(Math.abs(a), Math.abs(b)));
  let max = 0;
  for (let e = 0; e < exp.epochs; e++) {
    const order = orders();
    const [a, b] = [fast.epoch(order), twins.epoch(order)];
    max = Math.max(max, rel(a.loss, b.loss), rel(a.valLoss ?? 0, b.valLoss ?? 0), ...fast.theta.map((v, i) => rel(v, twins.theta[i])));
  }
  return max;
}

describe('the float64 loop', () => {
  it.each([
    ['the lecture', {}],
    ['batch 7 (a short last batch)', { batchSize: 7, steps: 4000 }],
    ['batch 800', { batchSize: 800, steps: 40 }],
    ['K 1', { hiddenUnits: 1, steps: 8000 }],
    ['K 256', { hiddenUnits: 256, steps: 4000 }],
    ['tanh units', { activation: 'tanh' as const, learningRate: 0.004, steps: 8000 }],
    ['relu units, batch 7', { activation: 'relu' as const, batchSize: 7, steps: 8000 }],
    ['no shuffle, split 0', { shuffle: false, validationSplit: 0, steps: 4000 }],
  ])('equals the kernel twins on %s, every epoch and theta, to 1e-12', (_, config) => {
    const w = worst(config);
    console.log(`fast vs twins, ${_}: max rel ${w.toExponential(1)}`);
    expect(w).toBeLessThanOrEqual(1e-12);
  });

  it('trains a CPU sweep the same way (its models are cpuModels)', async () => {
    const sweep = prepareSweep({ steps: 1600, batchSize: 7 }, sweepModels([0.004, 0.02], [3, 10], 2, 1234));
    const r = await trainSweepCpu(sweep, { engine: 'cpu' });
    for (const [m, exp] of sweep.experiments.entries()) {
      const data = makeDataset(exp);
      const twins = cpuModel(exp, data, 'f64', initialTheta(exp), { twins: true });
      const orders = epochOrders(exp);
      for (let e = 0; e < exp.epochs; e++) expect(Math.abs(twins.epoch(orders()).loss - r.loss[e][m])).toBeLessThanOrEqual(1e-12 * r.loss[e][m]);
    }
  });
});
