/**
 * Many models at once on the GPU (fused_models.wgsl): sampled models against single-model runs
 * of the same config on the float32 CPU reference, with the engine tests' tolerance (1e-3
 * relative every epoch); diverging learning rates marked while the rest finish; limits.
 */
import { describe, expect, inject, it } from 'vitest';
import { trainCpu } from '../../src/cpu/trainer';
import { compareRuns } from '../../src/experiment/compare';
import { prepareExperiment } from '../../src/experiment/config';
import { useHarness } from './page';

const webgpu = inject('webgpu');

describe.skipIf(!webgpu.ok)(`many models on ${webgpu.description}`, () => {
  const harness = useHarness();

  it('gives each model of a sweep (lr x K x seeds, batch 7) its single-model run', async () => {
    const base = { steps: 2400, batchSize: 7 };
    const r = await harness().call('trainSweep', base, 'lr=0.002:0.05:log3,K=1:33:4', 2);
    if (!r.ok) throw new Error(`${r.error.name}: ${r.error.message}`);
    expect(r.models).toHaveLength(24);
    expect(r.dispatches).toBe(prepareExperiment(base).epochs);
    let worst = 0;
    for (let m = 0; m < r.models.length; m++) {
      const single = await trainCpu(prepareExperiment({ ...base, ...r.models[m] }), { engine: 'cpu-f32' });
      const gpu = { history: { loss: r.loss.map((l) => l[m] as number), valLoss: r.valLoss.map((l) => l[m]) } };
      const c = compareRuns(gpu, single);
      worst = Math.max(worst, c.maxRel);
      expect(c.ok, `model ${m} ${JSON.stringify(r.models[m])}: ${c.detail}`).toBe(true);
      expect(r.thetas[m]).toHaveLength(3 * r.models[m].hiddenUnits);
    }
    console.log(`24 models vs their single-model runs: max rel ${worst.toExponential(2)}`);
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

  it('trains 16384 models at once (a small problem: SwiftShader runs the workgroups on two cores)', async () => {
    const base = { points: 10, batchSize: 4, steps: 2 };
    const r = await harness().call('trainSweep', base, 'lr=0.001:0.05:log64,K=2:16:x2', 64);
    if (!r.ok) throw new Error(r.error.message);
    expect(r.models).toHaveLength(64 * 4 * 64);
    expect(r.loss[0].every((v) => v !== null && v > 0)).toBe(true);
    // Spot-check the last model against its own single-model run.
    const m = r.models.length - 1;
    const single = await trainCpu(prepareExperiment({ ...base, ...r.models[m] }), { engine: 'cpu-f32' });
    const c = compareRuns({ history: { loss: r.loss.map((l) => l[m] as number), valLoss: r.valLoss.map((l) => l[m]) } }, single);
    expect(c.ok, c.detail).toBe(true);
    console.log(`16384 models, 1 epoch of 2 steps: ${r.trainMs.toFixed(0)} ms`);
  });

  it('says before it starts when a sweep would not fit, with the largest P that fits', async () => {
    const r = await harness().call('trainSweep', { steps: 800 }, 'lr=0.001:0.01:255,K=4096', 257);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.name).toBe('GpuLimitError');
    expect(r.error.message).toMatch(/65535 models do not fit this device: at most 21845 with K up to 4096 .*Train P <= 21845 at a time/);
  });
});
