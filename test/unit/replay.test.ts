/** The thetas the page keeps for its replay slider. */
import { describe, expect, it } from 'vitest';
import { EpochThetas, MAX_KEPT } from '../../src/app/replay';

describe('EpochThetas', () => {
  it('keeps every epoch of a short run', () => {
    const t = new EpochThetas();
    for (let e = 1; e <= 50; e++) t.add(e, Float64Array.of(e));
    expect(t.entries().map((k) => k.epoch)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    expect(t.entries()[49].theta[0]).toBe(50);
  });

  it('thins a long run evenly, never past MAX_KEPT + 1, keeping the first and the last epoch', () => {
    const t = new EpochThetas();
    const E = 12_345;
    for (let e = 1; e <= E; e++) t.add(e, Float64Array.of(e));
    const epochs = t.entries().map((k) => k.epoch);
    expect(epochs.length).toBeLessThanOrEqual(MAX_KEPT + 1);
    expect(epochs.length).toBeGreaterThan(MAX_KEPT / 2);
    expect(epochs[0]).toBe(1);
    expect(epochs.at(-1)).toBe(E);
    // Evenly: every gap but the first and the last is the same stride.
    const gaps = new Set(epochs.slice(1, -1).map((e, i) => e - epochs[i]));
    gaps.delete(epochs[1] - epochs[0]);
    expect(gaps.size).toBe(1);
    expect(t.entries().every((k) => k.theta[0] === k.epoch)).toBe(true);
  });
});
