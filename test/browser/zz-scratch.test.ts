import { describe, expect, it } from 'vitest';
import { useHarness } from './page';
describe('scratch', () => {
  const harness = useHarness();
  it('timing', async () => {
    const sub = { kernel: { variant: 'subgroup' as const, workgroupSize: 4 } };
    const inv = { kernel: { variant: 'invocation' as const, workgroupSize: 1 } };
    for (const [name, cfg, tuning] of [
      ['lecture sub', {}, sub], ['lecture inv', {}, inv], 
      ['N1e4 5 epochs sub', { points: 10000 }, sub], 
      
      ['cpu', {}, undefined],
    ] as const) {
      const times: number[] = [];
      for (let i = 0; i < 6; i++) {
        const r = await harness().call('train', cfg, name === 'cpu' ? 'cpu' : 'gpu', { tuning: tuning as never });
        if (!r.ok && !r.error.message.includes('iverged')) throw new Error(r.error.message);
        if (!r.ok) { times.push(NaN); continue; }
        if (i > 0) times.push(r.result.timings.trainMs);
      }
      times.sort((a, b) => a - b);
      console.log(name, times.map((t) => t.toFixed(1)).join(' '));
    }
    expect(1).toBe(1);
  });
});
