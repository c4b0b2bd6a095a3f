/** A CPU sweep on the page's thread keeps yielding inside a model's long epoch, and stops there. */
import { describe, expect, it } from 'vitest';
import type { ProgressEvent } from '../../src/experiment/phases';
import { trainSweepCpu } from '../../src/cpu/sweep';
import { prepareSweep, sweepModels } from '../../src/experiment/sweep';
import { initialTheta } from '../../src/experiment/data';

// One epoch of 1.6 million steps a model (N = 2 * 10^6): about half a second in one piece.
const long = () => prepareSweep({ points: 2_000_000, steps: 1_600_000, validationSplit: 0.2 }, sweepModels([0.008], [10], 2, 1234));

/** Runs `work` while a 5 ms timer ticks; returns the work's result and the longest gap between ticks. */
async function withGaps<T>(work: () => Promise<T>): Promise<{ result: T; gap: number }> {
  let last = performance.now();
  let gap = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    gap = Math.max(gap, now - last);
    last = now;
  }, 5);
  try {
    const result = await work();
    return { result, gap };
  } finally {
    clearInterval(timer);
  }
}

describe('a CPU sweep with long epochs', () => {
  it('lets the event loop run inside each model epoch (no gap near the epoch itself)', async () => {
    const t0 = performance.now();
    const { result, gap } = await withGaps(() => trainSweepCpu(long(), { engine: 'cpu' }));
    const ms = performance.now() - t0;
    console.log(`2 models x 1.6M steps: ${ms.toFixed(0)} ms, longest gap between timer ticks ${gap.toFixed(0)} ms`);
    expect(result.epochs).toBe(1);
    expect(result.divergedAt).toEqual([null, null]);
    expect(gap).toBeLessThan(Math.min(250, ms / 4));
  });

  it('stops inside a model epoch, reporting no partial epoch and each model back at its start', async () => {
    const sweep = long();
    const controller = new AbortController();
    // 150 ms into the training (a Stop while the data are made ends the sweep there, with no thetas).
    const onProgress = (e: ProgressEvent) => void (e.phase === 'training' && setTimeout(() => controller.abort(), 150));
    const t0 = performance.now();
    const r = await trainSweepCpu(sweep, { engine: 'cpu', signal: controller.signal, onProgress });
    expect(performance.now() - t0).toBeLessThan(2000);
    expect(r.status).toBe('aborted');
    expect(r.epochs).toBe(0);
    r.thetas.forEach((theta, m) => expect([...theta]).toEqual([...initialTheta(sweep.experiments[m])]));
  });
});
