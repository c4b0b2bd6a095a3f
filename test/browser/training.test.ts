/**
 * GPU training (fused and per-op) against the float32 CPU reference, run in Node on the same
 * config with the same data, initial theta and per-epoch order.
 *
 * Tolerance: every epoch's loss and val_loss within 1e-3 relative (the issue's bound). The
 * kernels agree with their twins to a few ULP (kernels.test.ts); over thousands of SGD steps
 * those differences are carried along but not amplified much, since SGD on this problem
 * contracts (measured: ~1e-5 relative after the lecture's 40,000 steps). Final theta is
 * compared with atol 1e-3 + rtol 1e-3.
 */
import { describe, expect, inject, it } from 'vitest';
import { trainCpu } from '../../src/cpu/trainer';
import { alphaCpu } from '../../src/cpu/trainer';
import { prepareExperiment, type ExperimentConfig } from '../../src/experiment/config';
import { plotGrid } from '../../src/experiment/data';
import type { Timeline, TrainResult } from '../../src/experiment/run';
import { closeness, compareRuns } from '../../src/experiment/compare';
import type { TrainExtra } from './harness';
import type { GpuTuning } from '../../src/gpu/trainer';
import { useHarness } from './page';
import { DeviceLostError, DivergedError, GpuLimitError } from '../../src/errors';

const webgpu = inject('webgpu');

// Skipped, with the reason in its name, only where the browser has no WebGPU adapter;
// global-setup.ts fails the run instead under CI.
describe.skipIf(!webgpu.ok)(`WebGPU: ${webgpu.description}`, () => {
  const harness = useHarness();

  async function gpuRun(config: Partial<ExperimentConfig>, engine: 'gpu' | 'gpu-perop', extra: TrainExtra = {}) {
    const r = await harness().call('train', config, engine, extra);
    if (!r.ok) throw new Error(`${engine} failed: ${r.error.name}: ${r.error.message}`);
    return r;
  }

  function expectMatchesReference(gpu: Pick<TrainResult, 'history' | 'epochs'> & { theta: ArrayLike<number> }, cpu: TrainResult, label: string) {
    expect(gpu.epochs, `${label}: epochs`).toBe(cpu.epochs);
    const checks = [
      closeness(gpu.history.loss, cpu.history.loss, 0, 1e-3, `${label} loss`),
      closeness(gpu.history.valLoss as number[], cpu.history.valLoss as number[], 0, 1e-3, `${label} val_loss`),
      closeness(gpu.theta, cpu.theta, 1e-3, 1e-3, `${label} final theta`),
    ];
    for (const c of checks) {
      console.log(c.report);
      expect(c.ok, c.report).toBe(true);
    }
  }

  // The fused engine with the calibrated kernel, then with each variant forced, and per-op.
  const subgroupLanes = webgpu.subgroupMinSize;
  const runs: [string, 'gpu' | 'gpu-perop', GpuTuning | undefined][] = [
    ['gpu (calibrated kernel)', 'gpu', undefined],
    ['gpu, invocation kernel', 'gpu', { kernel: { variant: 'invocation', workgroupSize: 1 } }],
    ...(subgroupLanes
      ? ([
          ['gpu, subgroup kernel', 'gpu', { kernel: { variant: 'subgroup', workgroupSize: subgroupLanes } }],
          ['gpu, tiled kernel', 'gpu', { kernel: { variant: 'tiled', workgroupSize: 16 } }],
        ] as [string, 'gpu', GpuTuning][])
      : []),
    ['gpu-perop', 'gpu-perop', undefined],
  ];
  describe.each(runs)('%s against the float32 CPU reference', (name, engine, tuning) => {
    const cases: [string, Partial<ExperimentConfig>][] = [
      ['the lecture defaults (Nbatch 1, K 10)', {}],
      ['Nbatch 7 (a last batch of 2)', { batchSize: 7, steps: 8000 }],
      ['Nbatch 800 (the whole training set)', { batchSize: 800, steps: 100, learningRate: 0.05 }],
      ['K 1', { hiddenUnits: 1, steps: 8000 }],
      ['K 256', { hiddenUnits: 256, steps: 2400, learningRate: 0.002 }],
      ['tanh units (dt 0.004: at 0.008 float32 and float64 part ways)', { activation: 'tanh', steps: 2400, learningRate: 0.004 }],
      ['relu units, Nbatch 7', { activation: 'relu', batchSize: 7, steps: 2400 }],
    ];
    it.each(cases)('%s', async (label, config) => {
      const exp = prepareExperiment(config);
      const cpu = await trainCpu(exp, { engine: 'cpu-f32' });
      const gpu = await gpuRun(config, engine, { tuning });
      expect(gpu.result.status).toBe('completed');
      expect(gpu.seen).toEqual(Array.from({ length: exp.epochs }, (_, i) => i + 1));
      expectMatchesReference(gpu.result, cpu, `${name} ${label}`);
      // The dispatches are what the strategy promises: per-op three a step plus the validation
      // pass (forward and loss) each epoch; fused at most one an epoch, validation inside it
      // (short epochs share a dispatch).
      if (engine === 'gpu-perop') expect(gpu.result.dispatches).toBe(exp.epochs * (3 * exp.stepsPerEpoch + 2));
      else {
        expect(gpu.result.dispatches).toBeGreaterThan(0);
        expect(gpu.result.dispatches).toBeLessThanOrEqual(exp.epochs);
      }
      if (engine === 'gpu') expect(gpu.result.kernel).toMatch(tuning?.kernel ? new RegExp(`^${tuning.kernel.variant}`) : /^(subgroup|invocation|tiled)/);
      console.log(
        `${name} ${label}: ${gpu.result.timings.trainMs.toFixed(0)} ms, ${gpu.result.dispatches} dispatches, ${gpu.result.kernel ?? 'per-op'} (CPU f32 ${cpu.timings.trainMs.toFixed(0)} ms)`,
      );
    });
  });

  describe('cpu-workers (each batch shared among Web Workers) against the float64 CPU reference', () => {
    it.each([
      ['Nbatch 800', { batchSize: 800, steps: 40, learningRate: 0.05 }],
      ['Nbatch 7', { batchSize: 7, steps: 2400 }],
      ['Nbatch 1 (one worker idle each step)', { steps: 1600 }],
      ['tanh units, Nbatch 7', { activation: 'tanh', batchSize: 7, steps: 2400 }],
      ['relu units, Nbatch 7', { activation: 'relu', batchSize: 7, steps: 2400 }],
    ] as [string, Partial<ExperimentConfig>][])('%s, with 3 workers', async (label, config) => {
      const exp = prepareExperiment(config);
      const cpu = await trainCpu(exp, { engine: 'cpu' });
      const r = await harness().call('train', config, 'cpu-workers', { workers: 3 });
      if (!r.ok) throw new Error(`${r.error.name}: ${r.error.message}`);
      expect(r.result.device).toMatch(/3 Web Workers/);
      // Only the order of the sums differs: float64 rounding, far below float32's.
      for (const c of [
        closeness(r.result.history.loss, cpu.history.loss, 0, 1e-9, `${label} loss`),
        closeness(r.result.history.valLoss as number[], cpu.history.valLoss as number[], 0, 1e-9, `${label} val_loss`),
        closeness(r.result.theta, cpu.theta, 1e-9, 1e-9, `${label} theta`),
      ]) {
        console.log(c.report);
        expect(c.ok, c.report).toBe(true);
      }
    });

    it('stops when aborted, keeping the history so far', async () => {
      const r = await harness().call('train', {}, 'cpu-workers', { abortAfterEpoch: 2, workers: 2 });
      if (!r.ok) throw new Error(r.error.message);
      expect(r.result.status).toBe('aborted');
      expect(r.result.history.loss.length).toBe(2);
    });

    it('keeps its workers between runs: a second run and a second sweep on all cores start none', async () => {
      const runs = await harness().call('workerRuns', 3);
      console.log(`workers started after each run: ${JSON.stringify(runs)}`);
      expect(runs[0].single).toBeGreaterThanOrEqual(3);
      expect(runs[0].sweep).toBeGreaterThanOrEqual(1);
      for (const r of runs.slice(1)) {
        expect(r.single).toBe(runs[0].single);
        expect(r.sweep).toBe(runs[0].sweep);
      }
    });

    it('stops a diverging run', async () => {
      const r = await harness().call('train', { learningRate: 5, steps: 4000, batchSize: 4 }, 'cpu-workers', { workers: 2 });
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.error.name).toBe(DivergedError.prototype.name);
    });
  });

  describe("stepping a batch at a time (the page's Step and Play)", () => {
    it.each(['gpu', 'gpu-perop'] as const)(
      "%s: theta after 1 + 10 + 100 + 4 steps (an epoch of batch 7) and on into the next is the float32 twin's after as many, and the run's own after whole epochs",
      async (engine) => {
        const config = { steps: 2400, batchSize: 7 };
        const r = await harness().call('stepThrough', config, engine, [1, 10, 100, 4, 60, 55]);
        expect(r.views.map((v) => [v.epoch, v.step, v.stepsDone])).toEqual([
          [1, 1, 1],
          [1, 11, 11],
          [1, 111, 111],
          [1, 115, 115],
          [2, 60, 175],
          [2, 115, 230],
        ]);
        // The epoch's last batch is short (800 = 114 x 7 + 2); the others are whole.
        expect(r.views.map((v) => v.batch)).toEqual([7, 7, 7, 2, 7, 2]);
        const twin = closeness(r.theta, r.twin, 1e-5, 1e-4, `${engine} stepped vs the float32 twin stepped`);
        console.log(twin.report);
        expect(twin.ok, twin.report).toBe(true);
        const run = await gpuRun({ steps: 230, batchSize: 7 }, engine);
        expect(run.result.epochs).toBe(2);
        const own = closeness(r.theta, run.result.theta, 1e-5, 1e-4, `${engine} stepped vs its own run of 2 epochs`);
        console.log(own.report);
        expect(own.ok, own.report).toBe(true);
        // The epochs' losses stepped through (Play's error chart): the run's, and the twin's stepped, within float32 tolerance.
        expect(r.history.loss).toHaveLength(2);
        for (const [label, other] of [
          ['its run', run.result.history],
          ['the twin stepped', r.twinHistory],
        ] as const) {
          const c = compareRuns({ history: r.history }, { history: other });
          console.log(`${engine} stepped history vs ${label}: max rel ${c.maxRel.toExponential(2)}`);
          expect(c.ok, c.detail).toBe(true);
        }
      },
    );
  });

  describe('the GPU timeline', () => {
    // As many bars as the dispatches it claims; each ends after it starts; passes in order.
    function expectBars(t: Timeline | undefined, dispatches: number, label: string) {
      expect(t, label).toBeDefined();
      const bars = t!.bars;
      expect(
        bars.reduce((n, b) => n + b.dispatches, 0),
        label,
      ).toBe(dispatches);
      for (const b of bars) expect(b.endMs, `${label} ${b.label}`).toBeGreaterThanOrEqual(b.startMs);
      for (let i = 1; i < bars.length; i++) expect(bars[i].startMs, `${label} bar ${i}`).toBeGreaterThanOrEqual(bars[i - 1].startMs);
      expect(bars[0].startMs).toBe(0);
      console.log(`${label} (${t!.clock}): ${bars.map((b) => `${b.label} ${(b.endMs - b.startMs).toFixed(3)} ms`).join('; ')}`);
    }

    it("per-op: the last epoch's last 4 steps as 12 passes on the GPU's clock (forward, mse_grad, sgd_update), or its epochs on the host's", async () => {
      const exp = prepareExperiment({ steps: 2400 });
      const r = await gpuRun({ steps: 2400 }, 'gpu-perop', { timeline: true });
      const t = r.result.timeline!;
      if (t.clock === 'gpu timestamps') {
        expectBars(t, 12, 'per-op, GPU clock');
        expect(t.bars.map((b) => b.kernel)).toEqual(Array.from({ length: 12 }, (_, i) => ['forward', 'mse_grad', 'sgd_update'][i % 3]));
        expect(t.bars[11].label).toBe(`epoch ${exp.epochs} step ${exp.stepsPerEpoch}: sgd_update`);
        // Passes run one after another: each starts after the one before it ended.
        for (let i = 1; i < 12; i++) expect(t.bars[i].startMs).toBeGreaterThanOrEqual(t.bars[i - 1].endMs);
      } else {
        expect(webgpu.description).not.toMatch(/swiftshader/i);
      }
      // The same history with the timeline as without it (the timed steps are the same steps).
      const plain = await gpuRun({ steps: 2400 }, 'gpu-perop');
      expect(r.result.history).toEqual(plain.result.history);
      const wall = await gpuRun({ steps: 2400 }, 'gpu-perop', { timeline: 'wall' });
      expect(wall.result.timeline!.clock).toBe('wall time');
      expectBars(wall.result.timeline, exp.epochs * (3 * exp.stepsPerEpoch + 2), 'per-op, host clock');
    });

    it('fused: one bar a submission, as many dispatches as the run made', async () => {
      const r = await gpuRun({}, 'gpu', { timeline: true });
      expectBars(r.result.timeline, r.result.dispatches, `fused (${r.result.kernel})`);
      expect(r.result.timeline!.bars.every((b) => b.kernel === 'fused')).toBe(true);
      expect(r.result.timeline!.bars.at(-1)!.label).toMatch(/50$/);
      const wall = await gpuRun({}, 'gpu', { timeline: 'wall' });
      expect(wall.result.timeline!.clock).toBe('wall time');
      expectBars(wall.result.timeline, wall.result.dispatches, 'fused, host clock');
    });
  });

  describe('the GPU host', () => {
    it('reports alpha on the plot grid from the forward kernel, equal to the CPU forward pass of that epoch', async () => {
      const config = { steps: 2400 };
      const grid = plotGrid();
      const r = await gpuRun(config, 'gpu', { alphaAt: [...grid] });
      expect(r.alphas.length).toBe(3);
      const expected = alphaCpu(r.result.theta, grid, 'sigmoid', 'f32');
      const c = closeness(r.alphas[2], expected, 1e-5, 1e-5, 'alpha on the grid');
      console.log(c.report);
      expect(c.ok, c.report).toBe(true);
      // The grid is evaluated inside the dispatch that ends each epoch.
      expect(r.result.dispatches).toBeLessThanOrEqual(3);
    });

    it('gives the same run when an epoch is split over several fused dispatches', async () => {
      const config = { steps: 4000 };
      const whole = await gpuRun(config, 'gpu');
      const split = await gpuRun(config, 'gpu', { tuning: { fusedStepsPerDispatch: 7 } });
      // 800 steps in dispatches of 7: 115 an epoch, the last one validating.
      expect(split.result.dispatches).toBe(5 * 115);
      const c = closeness(split.result.history.loss, whole.result.history.loss, 0, 1e-6, 'split vs whole loss');
      expect(c.ok, c.report).toBe(true);
    });

    it('sums an epoch of 800,000 squared residuals within 1e-4 of float64 (Kahan in every variant)', async () => {
      // N = 10^6, batch 8000, 100 steps: one epoch. A plain float32 running sum of 800,000 terms
      // drifts by up to n ULP; the kernels' compensated sum stays within a few.
      const config = { points: 1_000_000, batchSize: 8000, steps: 100 };
      const cpu = await trainCpu(prepareExperiment(config), { engine: 'cpu' });
      for (const tuning of runs.filter(([, engine]) => engine === 'gpu').map(([, , t]) => t)) {
        const gpu = await gpuRun(config, 'gpu', { tuning });
        const c = closeness(gpu.result.history.loss, cpu.history.loss, 0, 1e-4, `loss of N = 10^6, ${gpu.result.kernel}`);
        const v = closeness(gpu.result.history.valLoss as number[], cpu.history.valLoss as number[], 0, 1e-4, `val_loss of 200,000 points, ${gpu.result.kernel}`);
        for (const x of [c, v]) {
          console.log(x.report);
          expect(x.ok, x.report).toBe(true);
        }
      }
    });

    it('stops within one epoch when aborted, keeping the history so far', async () => {
      for (const engine of ['gpu', 'gpu-perop'] as const) {
        const r = await gpuRun({}, engine, { abortAfterEpoch: 3 });
        expect(r.result.status).toBe('aborted');
        expect(r.result.history.loss.length).toBe(3);
        expect(r.seen).toEqual([1, 2, 3]);
        // theta is that of the last epoch kept: the same as a 3-epoch run's.
        const three = await trainCpu(prepareExperiment({ steps: 2400 }), { engine: 'cpu-f32' });
        expect(closeness(r.result.theta, three.theta, 1e-4, 1e-4).ok).toBe(true);
      }
    });

    it('stops a diverging run, naming the epoch and suggesting a smaller learning rate', async () => {
      for (const engine of ['gpu', 'gpu-perop'] as const) {
        const r = await harness().call('train', { learningRate: 5, steps: 4000 }, engine);
        expect(r.ok).toBe(false);
        if (r.ok) continue;
        expect(r.error.name).toBe(DivergedError.prototype.name);
        expect(r.error.message).toMatch(new RegExp(`diverged at epoch ${r.error.epoch}.*smaller learning rate`));
        expect(r.partial?.status).toBe('diverged');
        expect(r.partial?.history.loss.length).toBe((r.error.epoch ?? 0) - 1);
      }
    });

    it('keeps the history when the device is lost mid-run, and trains again on a new device', async () => {
      const r = await harness().call('train', {}, 'gpu', { loseDeviceAfterEpoch: 2 });
      expect(r.ok).toBe(false);
      if (r.ok) return;
      expect(r.error.name).toBe(DeviceLostError.prototype.name);
      // Epochs already read back with epoch 2 (one staging buffer a submission) are kept too.
      const kept = r.partial?.history.loss.length ?? 0;
      expect(kept).toBeGreaterThanOrEqual(2);
      expect(kept).toBeLessThan(50);
      expect(r.error.message).toMatch(new RegExp(`device was lost after epoch ${kept}`));
      const again = await gpuRun({ steps: 1600 }, 'gpu');
      expect(again.result.status).toBe('completed');
    });

    it('refuses a run past the device limits with a clear error', async () => {
      // theta of K = 4096 in one invocation's registers: past what WGSL lets an invocation hold.
      const r = await harness().call('train', { hiddenUnits: 4096, steps: 800 }, 'gpu', { tuning: { kernel: { variant: 'invocation', workgroupSize: 1 } } });
      expect(r.ok).toBe(false);
      if (r.ok) return;
      expect(r.error.name).toBe(GpuLimitError.prototype.name);
      expect(r.error.message).toMatch(/K = 4096 needs 4096 hidden units in each invocation's registers .*\(K <= 256\).*gpu-perop/);
    });
  });
});
