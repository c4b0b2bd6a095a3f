/** The host's source templating: sizes written in, marked loops unrolled, and every kernel's source as compiled. */
import { describe, expect, it } from 'vitest';
import { applyTemplate, kernelSource, SOFTWARE_UNROLL_LIMIT, UNROLL_LIMIT, unrollLoops } from '../../src/gpu/kernels';
import { isSoftwareAdapter } from '../../src/gpu/device';

describe('kernel sources', () => {
  const loop = ['fn f() {', '  // unroll', '  for (var k = 0u; k < N; k++) {', '    if (k > 0u) {', '      a[k] = b[k];', '    }', '  }', '  done();', '}', ''].join('\n');

  it('writes a size into its templated constant, and refuses a name the kernel lacks', () => {
    expect(applyTemplate('const N: u32 = 1u; // templated\n', { N: 7 })).toBe('const N: u32 = 7u; // templated\n');
    expect(() => applyTemplate('const N: u32 = 1u; // templated\n', { M: 7 })).toThrow(/No templated constant M/);
    expect(() => applyTemplate('const N: u32 = 1u; // templated\n', { N: 0 })).toThrow(/positive integer/);
  });

  it('unrolls a marked loop into one block an index, nested braces and all', () => {
    const out = unrollLoops(loop, { N: 3 });
    expect(out).not.toMatch(/for \(/);
    expect(out.match(/a\[(\d)u\] = b\[\1u\];/g)).toEqual(['a[0u] = b[0u];', 'a[1u] = b[1u];', 'a[2u] = b[2u];']);
    expect(out).toMatch(/if \(2u > 0u\) \{/);
    expect(out.trimEnd().endsWith('  done();\n}')).toBe(true);
  });

  it(`leaves a loop past ${UNROLL_LIMIT} iterations, or with an unknown bound, as written`, () => {
    for (const templates of [{ N: UNROLL_LIMIT + 1 }, {}] as Record<string, number>[]) {
      const out = unrollLoops(loop, templates);
      expect(out).toContain('for (var k = 0u; k < N; k++) {');
      expect(out).not.toMatch(/^\s*\/\/ unroll$/m);
      expect(out).toContain('a[k] = b[k];');
    }
  });

  it('unrolls up to a given limit (lower on a software adapter, named as one by its info)', () => {
    expect(unrollLoops(loop, { N: 20 }, SOFTWARE_UNROLL_LIMIT)).toContain('for (var k = 0u; k < N; k++) {');
    expect(unrollLoops(loop, { N: 16 }, SOFTWARE_UNROLL_LIMIT)).not.toMatch(/for \(/);
    expect(isSoftwareAdapter({ vendor: 'google', architecture: 'swiftshader' })).toBe(true);
    expect(isSoftwareAdapter({ vendor: 'mesa', device: 'llvmpipe (LLVM 15.0.6, 256 bits)' })).toBe(true);
    expect(isSoftwareAdapter({ vendor: 'microsoft', description: 'Microsoft Basic Render Driver' })).toBe(true);
    expect(isSoftwareAdapter({ vendor: 'nvidia', architecture: 'hopper', isFallbackAdapter: true })).toBe(true);
    expect(isSoftwareAdapter({ vendor: 'nvidia', architecture: 'hopper', description: 'NVIDIA H200' })).toBe(false);
    expect(isSoftwareAdapter({ vendor: 'apple', architecture: 'metal-3' })).toBe(false);
  });

  it('gives the fused kernels their preludes, sizes and unrolled loops, `enable` first', () => {
    const sub = kernelSource('sgd_subgroup', { SLOTS: 3 });
    expect(sub.startsWith('enable subgroups;')).toBe(true);
    expect(sub).toContain('const SLOTS: u32 = 3u; // templated');
    expect(sub).toContain('fn kahan_add');
    expect(sub).toContain('fn run_model');
    expect(sub).not.toMatch(/^\s*\/\/ unroll$/m);
    const inv = kernelSource('sgd_invocation', { SLOTS: 10 });
    expect(inv).toContain('h[9u] = hidden_unit(tw[9u], tb[9u], x);');
    expect(inv).toContain('const SLOTS: u32 = 10u; // templated');
    expect(inv).toContain('let g = unit_gradient(r, tv[9u], h[9u], p.x);');
    expect(kernelSource('forward')).not.toContain('fn run_model');
  });
});
