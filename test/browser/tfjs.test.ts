/**
 * The benchmark's competitor is the same experiment: TensorFlow.js 4.22's Keras `fit`, from our
 * initial theta over our visiting orders, must give our float32 reference's history (1e-3
 * relative, the GPU engines' tolerance) before any of its times are reported.
 */
import { describe, expect, inject, it } from 'vitest';
import { trainCpu } from '../../src/cpu/trainer';
import { closeness } from '../../src/experiment/compare';
import { prepareExperiment } from '../../src/experiment/config';
import { useHarness } from './page';

const webgpu = inject('webgpu');

describe("TensorFlow.js, the benchmark's competitor", () => {
  const harness = useHarness();
  // 100 points, batch 1: two epochs of 80 steps (tfjs-webgpu takes milliseconds a step here).
  const config = { points: 100, steps: 160 };

  it.each((webgpu.ok ? ['cpu', 'webgpu'] : ['cpu']) as ('cpu' | 'webgpu')[])("tfjs-%s trains the lecture's network as our reference does", async (backend) => {
    const r = await harness().call('tfjs', config, backend, 2);
    if (!r.ok) throw new Error(r.error);
    expect(r.run.backend).toBe(backend);
    expect(r.run.version).toBe('4.22.0');
    expect(r.run.epochMs).toHaveLength(2);
    expect(r.run.epochsInRun).toBe(prepareExperiment(config).epochs);
    const ref = await trainCpu(prepareExperiment(config), { engine: 'cpu-f32' });
    for (const c of [
      closeness(r.run.loss, ref.history.loss, 0, 1e-3, `tfjs-${backend} loss`),
      closeness(r.run.valLoss, ref.history.valLoss as number[], 0, 1e-3, `tfjs-${backend} val_loss`),
    ]) {
      console.log(c.report);
      expect(c.ok, c.report).toBe(true);
    }
  });
});
