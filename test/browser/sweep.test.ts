/**
 * Many models at once on the GPU (the fused family, one host for one model or thousands): every
 * model's history and final theta against its own single-model run of the float32 CPU reference,
 * with the engine tests' tolerance (1e-3 relative every epoch; theta 1e-3 + 1e-3 relative);
 * diverging learning rates marked while the rest finish; limits.
 */
import { describe, expect, inject, it } from 'vitest';
import { trainCpu } from '../../src/cpu/trainer';
import { closeness, compareRuns } from '../../src/experiment/compare';
import { prepareExperiment, type ExperimentConfig } from '../../src/experiment/config';
import type { ModelSpec } from '../../src/experiment/sweep';
import { useHarness } from './page';
import { GpuLimitError } from '../../src/errors';

const webgpu = inject('webgpu');

describe.skipIf(!webgpu.ok)(`many models on ${webgpu.description}`, () => {
  const harness = useHarness();

  /** Every model's losses and theta against its single-model float32 run; returns the worst relative difference. */
  async function expectEveryModel(base: Partial<ExperimentConfig>, r: { models: ModelSpec[]; loss: (number | null)[][]; valLoss: (number | null)[][]; thetas: number[][] }) {
    let worst = 0;
    for (let m = 0; m < r.models.length; m++) {
      const single = await trainCpu(prepareExperiment({ ...base, ...r.models[m] }), { engine: 'cpu-f32' });
      const gpu = { history: { loss: r.loss.map((l) => l[m] as number), valLoss: r.valLoss.map((l) => l[m]) } };
      const c = compareRuns(gpu, single);
      const t = closeness(r.thetas[m], single.theta, 1e-3, 1e-3, `model ${m} theta`);
      worst = Math.max(worst, c.maxRel);
      expect(c.ok, `model ${m} ${JSON.stringify(r.models[m])}: ${c.detail}`).toBe(true);
      expect(t.ok, t.report).toBe(true);
    }
    return worst;
  }

  it.each(['gpu', 'cpu', 'cpu-wasm'] as const)('answers a Stop 1 s into a 61,425-model sweep (its set-up) within 0.5 s on %s', async (engine) => {
    // 315 values of K: as many pipelines to compile and a fresh calibration on the GPU.
    const r = await harness().call('stopSweep', { steps: 1600 }, 'lr=0.001:0.1:log195,K=1:315:315', 1, engine, 1000);
    console.log(`Stop 1 s into a ${r.models}-model sweep on ${engine}: answered in ${r.answeredMs.toFixed(0)} ms, ${r.epochs} epochs, ${r.status}`);
    expect(r.status).toBe('aborted');
    expect(r.epochs).toBe(0);
    expect(r.thetas).toBe(r.models);
    expect(r.answeredMs).toBeLessThan(500);
  });

  it('gives each model of a sweep (lr x K x seeds, batch 7) its single-model run, theta included', async () => {
    const base = { steps: 2400, batchSize: 7 };
    const r = await harness().call('trainSweep', base, 'lr=0.002:0.05:log3,K=1:33:4', 2);
    if (!r.ok) throw new Error(`${r.error.name}: ${r.error.message}`);
    expect(r.models).toHaveLength(24);
    // At most one dispatch an epoch for each K (models of one K share a pipeline).
    const Ks = new Set(r.models.map((m) => m.hiddenUnits)).size;
    expect(r.dispatches).toBeGreaterThanOrEqual(Ks);
    expect(r.dispatches).toBeLessThanOrEqual(prepareExperiment(base).epochs * Ks);
    expect(r.kernel).toMatch(/^(subgroup|invocation)/);
    console.log(`24 models vs their single-model runs (${r.kernel}): max rel ${(await expectEveryModel(base, r)).toExponential(2)}`);
  });

  it('marks the models of a diverging learning rate and finishes the others', async () => {
    const r = await harness().call('trainSweep', { steps: 4000 }, 'lr=0.004:8:log3,K=10', 2);
    if (!r.ok) throw new Error(r.error.message);
    const diverged = r.divergedAt.map((d, m) => [r.models[m].learningRate, d] as const);
    expect(diverged.filter(([lr]) => lr === 8).every(([, d]) => d !== null)).toBe(true);
    expect(diverged.filter(([lr]) => lr < 1).every(([, d]) => d === null)).toBe(true);
    const last = r.loss.at(-1)!;
    r.models.forEach((m, i) => {
      if (m.learningRate < 1) expect(Number.isFinite(last[i])).toBe(true);
      else expect(last[i]).toBeNull();
    });
  });

  it('trains 16384 models at once, every one equal to its single-model run', async () => {
    const base = { points: 10, batchSize: 4, steps: 2 };
    const r = await harness().call('trainSweep', base, 'lr=0.001:0.05:log64,K=2:16:x2', 64);
    if (!r.ok) throw new Error(r.error.message);
    expect(r.models).toHaveLength(64 * 4 * 64);
    expect(r.loss[0].every((v) => v !== null && v > 0)).toBe(true);
    const worst = await expectEveryModel(base, r);
    console.log(`16384 models, 1 epoch of 2 steps: ${r.trainMs.toFixed(0)} ms (${r.kernel}); max rel ${worst.toExponential(2)}`);
  });

  it('says before it starts when a sweep would not fit, with the largest P that fits', async () => {
    // K = 1024 fits the subgroup kernel's registers on any adapter with subgroups of 4 or more;
    // the records of fits + 1 such models (two slots of 3 + 3K floats each) are what cannot fit.
    const { maxBinding } = await harness().call('limits');
    const fits = Math.floor(maxBinding / (2 * 4 * (3 + 3 * 1024)));
    // Past about 19,000 models of K = 1024 the memory budget refuses the sweep before the device is asked.
    if (fits + 1 > 16_000) {
      expect(maxBinding).toBeGreaterThanOrEqual(16_000 * 2 * 4 * (3 + 3 * 1024));
      return;
    }
    const r = await harness().call('trainSweep', { steps: 800 }, `lr=0.001:0.01:${fits + 1},K=1024`, 1);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.name).toBe(GpuLimitError.prototype.name);
    expect(r.error.message).toMatch(new RegExp(`${fits + 1} models do not fit this device: at most ${fits} with K up to 1024 .*Train P <= ${fits} at a time`));
  });
});
