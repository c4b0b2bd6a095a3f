/** The benchmark's plain float64 loop does the engines' work: its history is the `cpu` engine's. */
import { describe, expect, it } from 'vitest';
import { plainLoop } from '../../src/bench/floor';
import { prepareExperiment } from '../../src/experiment/config';
import { train } from '../../src/train';

describe('the JavaScript floor', () => {
  it.each([
    ['the lecture', {}],
    ['batch 7', { batchSize: 7, steps: 4000 }],
  ])('trains %s as the cpu engine does (every epoch within 1e-9)', async (_, config) => {
    const exp = prepareExperiment(config);
    const floor = plainLoop(exp);
    const cpu = await train(exp, { engine: 'cpu' });
    expect(floor.loss).toHaveLength(exp.epochs);
    floor.loss.forEach((l, i) => expect(Math.abs(l - cpu.history.loss[i]) / l).toBeLessThan(1e-9));
    floor.valLoss.forEach((l, i) => expect(Math.abs(l! - cpu.history.valLoss[i]!) / l!).toBeLessThan(1e-9));
  });
});
