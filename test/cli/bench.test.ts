/** `npm run bench -- --quick`: a valid bench.json whose results check out, in Chrome and through Dawn in Node. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { describe, expect, inject, it } from 'vitest';
import { BENCH_ENGINES, median, QUICK_WORKLOADS, type BenchRow } from '../../src/bench/rows';
import { runCli, tempDirs } from './run';
import { compileNativeFloor } from '../../src/cli/native';

const tempDir = tempDirs('webgpu-sgd-bench-');

interface BenchJson {
  runtime: string;
  browser: string | null;
  adapter: string;
  softwareAdapter: boolean;
  machine: { logicalCores: number; node: string };
  repeats: number;
  workloads: { workload: { name: string; group: string; size: number }; derived: { epochs: number; totalSteps: number }; rows: BenchRow[] }[];
}

/** Whether this machine compiles the plain C loop (the bench then adds its native-c row to the lecture's). */
const nativeC = (() => {
  const native = compileNativeFloor();
  if ('error' in native) return false;
  native.dispose();
  return true;
})();

function expectValid(report: BenchJson, engines: string[]) {
  expect(report.machine.logicalCores).toBeGreaterThan(0);
  expect(report.workloads.map((w) => w.workload.name)).toEqual(QUICK_WORKLOADS.map((w) => w.name));
  for (const w of report.workloads) {
    const models = w.workload.group === 'models';
    // Sweeps run fused on the GPU: no per-op row. The lecture's run adds the plain float64 loop,
    // the floor the cpu engine is held to, and the plain C loop, the limit cpu-wasm is held to.
    const lecture = w.workload.group === 'lecture';
    const floor = [...(lecture && engines.includes('cpu') ? ['js-floor'] : []), ...(lecture && engines.includes('cpu-wasm') && nativeC ? ['native-c'] : [])];
    expect(w.rows.map((r) => r.engine)).toEqual(models ? engines.filter((e) => e !== 'gpu-perop') : [...engines, ...floor]);
    for (const row of w.rows) {
      expect(row.check.ok, `${w.workload.name} ${row.engine}: ${row.check.detail}`).toBe(true);
      expect(row.timingsMs).toHaveLength(report.repeats);
      expect(row.medianMs).toBeGreaterThan(0);
      expect(row.minMs).toBeLessThanOrEqual(row.medianMs!);
      expect(row.maxMs).toBeGreaterThanOrEqual(row.medianMs!);
      expect(row.speedup).toBeGreaterThan(0);
    }
    // Every speed-up is one CPU thread's median over the row's, from the raw timings written.
    const cpu = w.rows.find((r) => r.engine === 'cpu')!;
    for (const row of w.rows) expect(row.speedup).toBeCloseTo(median(cpu.timingsMs) / median(row.timingsMs), 9);
    // The fused kernel issues at most one dispatch an epoch, validation inside it, for one model or
    // all of a sweep's; the row names the variant the calibration chose.
    for (const plain of floor) expect(w.rows.find((r) => r.engine === plain)!.check.reference).toBe('cpu');
    const fused = w.rows.find((r) => r.engine === 'gpu')!;
    expect(fused.dispatches).toBeGreaterThan(0);
    expect(fused.dispatches).toBeLessThanOrEqual(w.derived.epochs);
    expect(fused.kernel).toMatch(/^(subgroup, \d+ lanes a model|invocation a model, \d+ a workgroup|tiled, \d+ invocations a model)$/);
    for (const row of w.rows) {
      const P = models ? w.workload.size : 1;
      expect(row.modelsPerSecond).toBeCloseTo(P / (row.medianMs! / 1000), 6);
      expect(row.modelStepsPerSecond).toBeCloseTo((P * w.derived.totalSteps) / (row.medianMs! / 1000), 3);
    }
  }
}

/** A software adapter (SwiftShader here) is named as one in bench.json and in the output, with what a real GPU measured. */
function expectSoftwareNamed(report: BenchJson, stdout: string): void {
  const software = /swiftshader|llvmpipe|lavapipe|basic render/i.test(report.adapter);
  expect(report.softwareAdapter).toBe(software);
  if (software) expect(stdout).toMatch(/^Note: .+ is a software adapter: the CPU pretending to be a GPU .+NVIDIA H200, measured 2026-11-29/m);
  else expect(stdout).not.toMatch(/software adapter/);
}

describe('npm run bench', () => {
  it('--quick in Chrome: bench.json with every raw timing, results checked, and the chart', async () => {
    const out = tempDir();
    const r = await runCli('bench', ['--quick', '--out', out], { timeoutMs: 170_000 });
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(readFileSync(join(out, 'bench.json'), 'utf8')) as BenchJson;
    expect(report.runtime).toBe('chrome');
    // The adapter the browser tests found, whatever it is (SwiftShader here, a real GPU elsewhere).
    expect(report.adapter).toBe(inject('webgpu').description);
    expectSoftwareNamed(report, r.stdout);
    expectValid(report, [...BENCH_ENGINES]);
    const png = PNG.sync.read(readFileSync(join(out, 'bench.png')));
    expect([png.width, png.height]).toEqual([1200, 800]);
    expect(r.stdout).toMatch(/gpu-perop .* ms .*ok \(max rel/);
    expect(r.stdout).toMatch(/cpu takes \d+\.\d\dx the plain float64 loop's time/);
    if (nativeC) expect(r.stdout).toMatch(/native-c .* ms .*ok \(max rel[^\n]*\n[^]*cpu-wasm takes \d+\.\d\dx the plain C loop's time/);
  }, 180_000);

  it('--quick --runtime node: the GPU engines through Dawn in Node, the chart drawn without a browser', async () => {
    const out = tempDir();
    const r = await runCli('bench', ['--quick', '--runtime', 'node', '--engines', 'gpu,gpu-perop,cpu,cpu-wasm', '--out', out], { timeoutMs: 170_000 });
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(readFileSync(join(out, 'bench.json'), 'utf8')) as BenchJson;
    expect(report.runtime).toBe('node');
    expect(report.adapter).toMatch(/Dawn in Node/);
    expectSoftwareNamed(report, r.stdout);
    expect(report.browser).toBeNull();
    expectValid(report, ['gpu', 'gpu-perop', 'cpu', 'cpu-wasm']);
    const png = PNG.sync.read(readFileSync(join(out, 'bench.png')));
    expect([png.width, png.height]).toEqual([1200, 800]);
  }, 180_000);

  it('refuses an unknown engine with exit code 2', async () => {
    const r = await runCli('bench', ['--quick', '--engines', 'gpu,tpu']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unknown engine "tpu"/);
  });

  it('refuses an --out it cannot write with exit code 2, before starting anything', async () => {
    const r = await runCli('bench', ['--quick', '--out', '/proc/webgpu-sgd-bench'], { timeoutMs: 30_000 });
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toMatch(/^error: --out: cannot write in \/proc \(\w+\)$/);
    expect(r.stdout).not.toMatch(/benchmark/);
  });
});
