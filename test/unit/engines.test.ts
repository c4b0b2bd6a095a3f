/** The one table of engines (src/experiment/engines.ts) and what derives from it. */
import { describe, expect, it } from 'vitest';
import { BENCH_ENGINES, ENGINE_TABLE, ENGINES, enginesHelp, onGpu, onOneThread, PAGE_ENGINES, referenceOf, SWEEP_ENGINES } from '../../src/experiment/engines';
import { LABELS } from '../../src/plots/i18n';
import { pickRuntime } from '../../src/cli/runtime-choice';

describe('the table of engines', () => {
  it('gives every list of engines, in its order', () => {
    expect(ENGINES).toEqual(['gpu', 'gpu-perop', 'cpu', 'cpu-f32', 'cpu-wasm', 'cpu-workers']);
    expect(SWEEP_ENGINES).toEqual(['gpu', 'cpu', 'cpu-wasm', 'cpu-workers']);
    expect(PAGE_ENGINES).toEqual(['gpu', 'gpu-perop', 'cpu', 'cpu-wasm']);
    expect(BENCH_ENGINES).toEqual(['gpu', 'gpu-perop', 'cpu', 'cpu-wasm', 'cpu-workers']);
    expect(ENGINES.filter(onGpu)).toEqual(['gpu', 'gpu-perop']);
    expect(ENGINES.filter(onOneThread)).toEqual(['cpu', 'cpu-f32', 'cpu-wasm']);
    expect(ENGINES.map(referenceOf)).toEqual(['cpu-f32', 'cpu-f32', 'cpu', 'cpu-f32', 'cpu', 'cpu']);
  });

  it('names every engine in both languages, each name its own, and in the command help with its line', () => {
    for (const L of Object.values(LABELS)) {
      const names = ENGINES.map((e) => L.engineName(e));
      expect(new Set(names).size).toBe(ENGINES.length);
      expect(L.engineName('gpu', true)).not.toBe(L.engineName('gpu'));
    }
    for (const e of ENGINES) expect(enginesHelp()).toContain(`${e} (${ENGINE_TABLE[e].help})`);
  });

  it('picks the runtime from what an engine needs: a browser-only engine Chrome, a GPU one Node where Dawn is', () => {
    expect(ENGINES.map((e) => pickRuntime(e, true))).toEqual(['node', 'node', 'node', 'node', 'node', 'chrome']);
    expect(ENGINES.map((e) => pickRuntime(e, false))).toEqual(['chrome', 'chrome', 'node', 'node', 'node', 'chrome']);
  });
});
