/** useGpu: the package trains on the navigator.gpu-like object it is given (in Node: Dawn's, or any other). */
import { describe, expect, it } from 'vitest';
import { useGpu } from '../../src/gpu/device';
import { train } from '../../src/train';
import { WebGpuUnavailableError } from '../../src/errors';

describe('useGpu', () => {
  it('asks the given object for an adapter, and says what to do when it has none', async () => {
    let asked = 0;
    useGpu({
      requestAdapter: async () => {
        asked++;
        return null;
      },
    } as unknown as GPU);
    const run = train({ steps: 1600 }, { engine: 'gpu' });
    await expect(run).rejects.toThrow(WebGpuUnavailableError);
    await expect(run).rejects.toThrow(/gave no adapter: it needs the Vulkan loader/);
    // Once as asked, once more for a fallback (software) adapter.
    expect(asked).toBe(2);
  });
});
