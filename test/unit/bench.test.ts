/** The benchmark's arithmetic and its honesty rule: a row whose results disagree reports no speed-up. */
import { describe, expect, it } from 'vitest';
import { benchWorkload, crossover, formatRows, median, type RunOnce } from '../../src/bench/rows';
import { trainCpu } from '../../src/cpu/trainer';
import { prepareExperiment } from '../../src/experiment/config';

describe('bench arithmetic', () => {
  it('takes medians of odd and even counts', () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });

  it('finds where the GPU line crosses below the CPU line, on log-log axes', () => {
    // GPU/CPU ratio 4 at 100 points, 1/4 at 10000: the log ratio crosses zero halfway, at 1000.
    expect(crossover([10, 100, 10000], [80, 40, 100], [10, 10, 400])).toBeCloseTo(1000, 6);
    expect(crossover([10, 100], [20, 20], [10, 10])).toBeNull();
    expect(crossover([10, 100], [5, 5], [10, 10])).toBeNull();
  });
});

describe('bench rows', () => {
  const workload = { name: 'tiny', group: 'lecture' as const, size: 1, config: { steps: 1600 } };
  const exp = prepareExperiment(workload.config);

  it('reports a median, a spread and the ratio to one CPU thread when results agree', async () => {
    const runOnce: RunOnce = (config, engine) => trainCpu(prepareExperiment(config), { engine: engine === 'cpu' ? 'cpu' : 'cpu-f32' }).then((r) => ({ ...r, engine }));
    const rows = await benchWorkload(workload, ['gpu', 'cpu'], runOnce, 3);
    for (const row of rows) {
      expect(row.check.ok, row.check.detail).toBe(true);
      expect(row.timingsMs).toHaveLength(3);
      expect(row.medianMs).toBe(median(row.timingsMs));
      expect(row.minMs).toBeLessThanOrEqual(row.medianMs!);
    }
    // Each row's speed-up is the reference's median over its own (the CPU's row is its own reference).
    for (const row of rows) expect(row.speedup).toBeCloseTo(rows[1].medianMs! / row.medianMs!, 12);
  });

  it('reports no time and no speed-up for a row whose results disagree with the reference', async () => {
    const runOnce: RunOnce = async (config, engine) => {
      const r = await trainCpu(prepareExperiment(config), { engine: 'cpu-f32' });
      if (engine === 'gpu') r.history.loss[1] *= 1.01; // off by 1 %, past the 1e-3 tolerance
      return { ...r, engine };
    };
    const rows = await benchWorkload(workload, ['gpu', 'cpu'], runOnce, 3);
    const gpu = rows[0];
    expect(gpu.check.ok).toBe(false);
    expect(gpu.check.maxRel).toBeGreaterThan(9e-3);
    expect(gpu.medianMs).toBeNull();
    expect(gpu.speedup).toBeNull();
    expect(formatRows(workload, rows)).toMatch(/gpu .*no speed-up: results disagree.*DISAGREES with cpu-f32/);
    expect(exp.epochs).toBe(2);
  });
});
