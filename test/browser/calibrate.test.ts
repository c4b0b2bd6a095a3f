/**
 * The fused kernel is chosen by measurement: every variant the adapter can run is checked against
 * its CPU twin, then timed; the fastest that passed is chosen and kept per adapter and shape.
 */
import { describe, expect, inject, it } from 'vitest';
import { useHarness } from './page';

const webgpu = inject('webgpu');

describe.skipIf(!webgpu.ok)(`kernel calibration on ${webgpu.description}`, () => {
  const harness = useHarness();
  const lecture = [{ hiddenUnits: 10, learningRate: 0.008 }];

  it("checks, then times, every variant for the lecture's shape and picks the fastest that passed", async () => {
    const r = await harness().call('calibrate', {}, lecture);
    if (!r.ok) throw new Error(r.error);
    const { rows, choice } = r.calibration;
    for (const row of rows) console.log(`${row.kernel}: ${row.skipped ?? `${row.msPerStep!.toFixed(5)} ms a step, check max rel ${row.maxRel!.toExponential(1)}`}`);
    // Every variant has a row: the subgroup kernel, the tiled ones, then the invocation kernel.
    const variants = rows.map((x) => x.choice.variant);
    expect(variants[0]).toBe('subgroup');
    expect(variants.at(-1)).toBe('invocation');
    expect(variants.slice(1, -1).every((v) => v === 'tiled')).toBe(true);
    expect(variants.length).toBeGreaterThanOrEqual(3);
    // The lecture's batch of 1 would keep a tile of invocations idle: skipped, saying so.
    for (const row of rows.filter((x) => x.choice.variant === 'tiled')) expect(row.skipped).toMatch(/keeps under half|no subgroups/);
    const timed = rows.filter((x) => x.msPerStep !== undefined);
    expect(timed.length).toBeGreaterThan(0);
    for (const row of timed) expect(row.maxRel!).toBeLessThan(1e-4);
    const fastest = timed.reduce((a, b) => (b.msPerStep! < a.msPerStep! ? b : a));
    expect(choice).toEqual(fastest.choice);
    // Without subgroups the subgroup row says why it was left out.
    if (!webgpu.subgroupMinSize) expect(rows[0].skipped).toMatch(/no subgroups/);
  });

  it('never picks a variant that failed its check (a subgroup kernel twice as wide as a subgroup)', async () => {
    const r = await harness().call('calibrate', {}, lecture, 'too-many-lanes');
    if (!r.ok) throw new Error(r.error);
    const wrong = r.calibration.rows[0];
    if (!webgpu.subgroupMinSize) return; // no subgroups: no such candidate was added
    expect(wrong.choice.workgroupSize).toBeGreaterThan(webgpu.subgroupMinSize);
    // Half the units are summed into alpha, so the probe's theta comes out wrong.
    expect(wrong.skipped).toMatch(/failed its check against the CPU twin/);
    expect(wrong.msPerStep).toBeUndefined();
    expect(r.calibration.choice).not.toEqual(wrong.choice);
  });

  it('keeps the choice per adapter and shape, and a run reports the kernel it used', async () => {
    const config = { steps: 1600, batchSize: 3 };
    const models = [{ hiddenUnits: 10, learningRate: 0.008 }];
    expect(await harness().call('storedCalibration', config, models)).toBeNull();
    const run = await harness().call('train', config, 'gpu');
    if (!run.ok) throw new Error(run.error.message);
    const kept = await harness().call('storedCalibration', config, models);
    expect(kept).not.toBeNull();
    const { choice } = kept!;
    expect(run.result.kernel).toBe(kept!.rows.find((r) => r.choice.variant === choice.variant && r.choice.workgroupSize === choice.workgroupSize)!.kernel);
    // The same shape again takes the kept choice without calibrating: setup is only buffers.
    const again = await harness().call('train', config, 'gpu');
    if (!again.ok) throw new Error(again.error.message);
    expect(again.result.kernel).toBe(run.result.kernel);
    expect(again.result.timings.setupMs).toBeLessThan(run.result.timings.setupMs);
  });

  it('takes a kept choice of any variant, the tiled one included, without calibrating again', async () => {
    if (!webgpu.subgroupMinSize) return; // the tiled kernel needs subgroups
    // A tile of 64 at batch 40: calibration itself would skip it, so only the kept entry can pick it.
    const config = { steps: 1600, batchSize: 40 };
    const models = [{ hiddenUnits: 10, learningRate: 0.008 }];
    await harness().call('keepCalibration', config, models, { variant: 'tiled', workgroupSize: 64 });
    const run = await harness().call('train', config, 'gpu');
    if (!run.ok) throw new Error(run.error.message);
    expect(run.result.kernel).toBe('tiled, 64 invocations a model');
  });

  it('refuses a shape no variant can hold, naming the limit', async () => {
    const r = await harness().call('calibrate', { hiddenUnits: 4096, steps: 800 }, [{ hiddenUnits: 4096, learningRate: 0.008 }]);
    if (webgpu.subgroupMinSize && webgpu.subgroupMinSize >= 16) return; // 4096 / 16 = 256 a lane fits
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatch(/K = 4096/);
  });
});
