/** Readying a process for Dawn: a restart only when the Vulkan loader must come from LD_LIBRARY_PATH, never otherwise. */
import { describe, expect, it } from 'vitest';
import { dawnEnvironment, prepareDawn } from '../../src/cli/dawn';

describe('prepareDawn', () => {
  it('leaves a process that needs nothing as it is, whatever its LD_LIBRARY_PATH (a CUDA machine sets one)', () => {
    // With both already given, nothing is needed here: no restart, and the environment untouched.
    const env = { PATH: '/usr/bin', LD_LIBRARY_PATH: '/usr/lib/chromium:/usr/local/cuda/lib64', VK_ICD_FILENAMES: '/some/icd.json' };
    expect(dawnEnvironment(env)).toBeNull();
    expect(prepareDawn(env)).toBeNull();
    expect(env).toEqual({ PATH: '/usr/bin', LD_LIBRARY_PATH: '/usr/lib/chromium:/usr/local/cuda/lib64', VK_ICD_FILENAMES: '/some/icd.json' });
  });

  it('restarts, keeping the rest of the environment, only when the loader path changes, and once', () => {
    const env = { PATH: '/usr/bin', HOME: '/root', VK_ICD_FILENAMES: '/some/icd.json' };
    const next = dawnEnvironment(env);
    const restart = prepareDawn({ ...env });
    if (next && next.LD_LIBRARY_PATH !== undefined) {
      expect(restart).toMatchObject({ PATH: '/usr/bin', HOME: '/root', LD_LIBRARY_PATH: next.LD_LIBRARY_PATH, WEBGPU_SGD_RESTARTED: '1' });
      expect(prepareDawn({ ...env, WEBGPU_SGD_RESTARTED: '1' })).toBeNull();
    } else expect(restart).toBeNull();
  });
});
