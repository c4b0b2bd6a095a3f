/**
 * Each WGSL kernel against its CPU twin (src/kernels/perop/twin.ts, float32 rounding) on random inputs,
 * at sizes on both sides of the workgroup size.
 *
 * Tolerances: the twins do the same operations in the same order, so the differences come from
 * WGSL's exp (allowed 3 + 2|x| ULP; |x| <= ~16 here, so ~35 ULP ~ 4e-6 relative), from fused
 * multiply-adds the compiler may form, and, in the reductions, from a tree instead of a
 * sequential sum (each of n terms may be off by n ULP of the largest partial sum).
 */
import { describe, expect, inject, it } from 'vitest';
import { closeness } from '../../src/experiment/compare';
import { useHarness } from './page';
import type { FusedCase, KernelCase, KernelOutputs } from './harness';

const webgpu = inject('webgpu');

// Skipped, with the reason in its name, only where the browser has no WebGPU adapter;
// global-setup.ts fails the run instead under CI.
describe.skipIf(!webgpu.ok)(`WebGPU: ${webgpu.description}`, () => {
  const harness = useHarness();

  const SIZES = [1, 63, 64, 65, 315];

  function expectClose(out: KernelOutputs, tol: Record<string, [atol: number, rtol: number]>) {
    for (const [name, { gpu, cpu }] of Object.entries(out)) {
      const [atol, rtol] = tol[name];
      const c = closeness(gpu, cpu, atol, rtol, name);
      console.log(c.report);
      expect(c.ok, c.report).toBe(true);
    }
  }

  describe.each(SIZES)('batch %i', (batch) => {
    // Three batches: a full one at step 1, then a last one of 5 points at step 2.
    const total = 2 * batch + 5;
    const cases: [string, KernelCase][] = [
      ['K=10 step 1', { K: 10, batch, total, step: 1, seed: batch }],
      ['K=65 last batch', { K: 65, batch, total, step: 2, seed: 1000 + batch }],
      ['K=10, tanh units', { K: 10, batch, total, step: 1, seed: 2000 + batch, activation: 'tanh' }],
      ['K=10, relu units', { K: 10, batch, total, step: 1, seed: 3000 + batch, activation: 'relu' }],
    ];

    it.each(cases)('forward.wgsl = forward() (%s)', async (_, c) => {
      expectClose(await harness().call('forward', c), { hidden: [1e-7, 4e-6], alpha: [2e-6, 2e-5] });
    });

    it('forward.wgsl in eval mode = forward() over all points', async () => {
      expectClose(await harness().call('forward', { K: 7, batch, total: batch, step: 0, seed: 7 + batch, mode: 'eval' }), { alpha: [2e-6, 2e-5] });
    });

    it.each(cases)('mse_grad.wgsl = mseGrad() (%s)', async (_, c) => {
      // Sums of up to 315 terms reduced as a tree: allow ~n ULP of the sum.
      expectClose(await harness().call('mseGrad', c), { grad: [1e-5, 5e-5], lossSum: [1e-4, 2e-5] });
    });

    it('mse_grad.wgsl in eval mode = mseGrad() loss', async () => {
      expectClose(await harness().call('mseGrad', { K: 3, batch, total: batch, step: 0, seed: 11 + batch, mode: 'eval' }), { valLoss: [1e-6, 2e-5] });
    });

    it('sgd_update.wgsl = sgdUpdate(), exactly but for FMA', async () => {
      // 3K = batch entries of theta when K = batch / 3, so the sizes straddle the workgroup too.
      expectClose(await harness().call('sgdUpdate', { K: batch, batch: 1, total: 1, step: 4, seed: 3 * batch }), { theta: [0, 1.2e-7], step: [0, 0] });
    });
  });

  // The fused family against src/kernels/fused/twin.ts. Theta after several steps: the per-step
  // differences of the kernels above (exp's ULP, FMA, subgroupAdd's order) carried through the
  // updates, so 1e-5 + 1e-4 relative; alpha on the grid from that theta likewise.
  const FUSED_TOL: Record<string, [number, number]> = { theta: [1e-5, 1e-4], lossSum: [1e-5, 1e-4], valLoss: [1e-6, 1e-4], alpha: [1e-5, 1e-4], kernel: [0, 0] };
  const lrs = [0.002, 0.008, 0.02, 0.05];
  const mixed = (P: number, Ks: number[]) => Array.from({ length: P }, (_, m) => ({ K: Ks[m % Ks.length], lr: lrs[Math.floor(m / Ks.length) % lrs.length] }));
  const cases: [string, Omit<FusedCase, 'variant' | 'seed'>][] = [
    ...[1, 3, 10, 33, 256].map((K): [string, Omit<FusedCase, 'variant' | 'seed'>] => [
      `one model, K ${K}, batch 7`,
      { models: [{ K, lr: 0.008 }], batch: 7, points: 200, steps: K > 100 ? 4 : 23, stepsPerDispatch: 10 },
    ]),
    ...[1, 64, 65, 800].map((batch): [string, Omit<FusedCase, 'variant' | 'seed'>] => [
      `one model, K 10, batch ${batch}`,
      { models: [{ K: 10, lr: 0.02 }], batch, points: 1000, steps: batch === 800 ? 1 : Math.min(12, Math.ceil(800 / batch)) },
    ]),
    ['one model, K 33, batch 65, the last batch short', { models: [{ K: 33, lr: 0.02 }], batch: 65, points: 1000, steps: 13, stepsPerDispatch: 5 }],
    ...[63, 64, 65].map((P): [string, Omit<FusedCase, 'variant' | 'seed'>] => [
      `${P} models, K 1/3/10/33, batch 7`,
      { models: mixed(P, [1, 3, 10, 33]), batch: 7, points: 100, steps: 6, stepsPerDispatch: 4 },
    ]),
    ['4096 models, K 1/3/10, batch 1', { models: mixed(4096, [1, 3, 10]), batch: 1, points: 50, steps: 5 }],
    ['65 models of tanh units, K 1/3/10/33, batch 7', { models: mixed(65, [1, 3, 10, 33]), batch: 7, points: 100, steps: 6, stepsPerDispatch: 4, activation: 'tanh' }],
    ['65 models of relu units, K 1/3/10/33, batch 7', { models: mixed(65, [1, 3, 10, 33]), batch: 7, points: 100, steps: 6, stepsPerDispatch: 4, activation: 'relu' }],
  ];

  describe.each(['invocation', 'subgroup', 'tiled'] as const)('sgd_%s.wgsl = its CPU twin, every model', (variant) => {
    it.each(cases)('%s', async (_, c) => {
      const subgroups = (await harness().call('candidates', 1, 1)).find((x) => x.choice.variant === 'subgroup');
      if (variant !== 'invocation' && subgroups?.skipped) {
        // Only where the adapter has no subgroups (never on SwiftShader or under CI's adapter).
        expect(subgroups.skipped).toMatch(/no subgroups/);
        return;
      }
      expectClose(await harness().call('fusedKernel', { ...c, variant, seed: c.models.length * 31 + c.batch }), FUSED_TOL);
    });
  });

  it('sgd_invocation.wgsl with 4 and 16 models a workgroup = its twin (65 models)', async () => {
    for (const workgroupSize of [4, 16]) {
      expectClose(
        await harness().call('fusedKernel', { variant: 'invocation', workgroupSize, models: mixed(65, [2, 10]), batch: 3, points: 100, steps: 9, seed: workgroupSize }),
        FUSED_TOL,
      );
    }
  });
});
