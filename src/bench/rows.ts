/**
 * The benchmark's core, the same in the command line (src/cli/bench.ts) and the page's "How many
 * models a second?": the workloads, and timing one engine's row (a warm-up, then repeats, each
 * run's history checked against the CPU reference before its time counts) with medians, spreads
 * and the ratio to one CPU thread. Nothing here needs Node or a DOM.
 */
import { compareRuns } from '../experiment/compare';
import { prepareExperiment, type Experiment, type ExperimentConfig } from '../experiment/config';
import type { TrainResult } from '../experiment/run';
import type { PhaseTimes } from '../experiment/phases';
import { compareSweeps, modelsBenchmark, sweepFromAxes, type SweepEngine } from '../experiment/sweep';
import { train, trainSweep } from '../train';
import { BENCH_ENGINES, ENGINE_TABLE, referenceOf, type BenchEngine } from '../experiment/engines';

/** One thing to time: a config, and where it sits on its group's size axis. */
export interface Workload {
  name: string;
  group: 'lecture' | 'batch' | 'hidden' | 'points' | 'models';
  /** The size the chart plots against (points per step for the `points` group, models for `models`). */
  size: number;
  config: Partial<ExperimentConfig>;
  /** `models` group: the sweep that makes its P models. */
  sweep?: { text: string; seeds: number };
}

/** The engines a benchmark compares, the single-threaded CPU last but one as the baseline. */
export { BENCH_ENGINES, type BenchEngine };

/** N points, 100 steps an epoch: the batch grows with N while the step count stays fixed. */
const pointsWorkload = (N: number, steps: number): Workload => ({
  name: `N=${N}, batch ${(N * 0.8) / 100}, ${steps} steps`,
  group: 'points',
  size: (N * 0.8) / 100,
  config: { points: N, batchSize: (N * 0.8) / 100, steps },
});

/** P models at once (4 seeds, log-spaced learning rates, K = 10), batch 8, one epoch of 100 steps. */
export const modelsWorkload = (P: number): Workload => {
  const { config, text, seeds } = modelsBenchmark(P);
  return { name: `P=${P} models at once, batch 8, 100 steps each`, group: 'models', size: P, config, sweep: { text, seeds } };
};

/** The issue's sweep target: P = 4096 models, K 10, batch 1, one epoch of 1000 steps each (4 seeds, lr log-spaced). */
const SWEEP_4096: Workload = {
  name: 'P=4096 models at once, K 10, batch 1, 1000 steps each',
  group: 'models',
  size: 4096,
  config: { points: 1250, batchSize: 1, steps: 1000 },
  sweep: { text: 'lr=0.002:0.02:log1024', seeds: 4 },
};

/** The full benchmark: the lecture, batch sizes, hidden units, data sizes and models at once. */
export const FULL_WORKLOADS: Workload[] = [
  { name: "the lecture's run (N=1000, K=10, batch 1, 40000 steps)", group: 'lecture', size: 1, config: {} },
  ...[1, 32, 800].map((b): Workload => ({ name: `batch ${b}, 2000 steps`, group: 'batch', size: b, config: { batchSize: b, steps: 2000, learningRate: b === 1 ? 0.008 : 0.02 } })),
  ...[10, 100, 1000].map((k): Workload => ({ name: `K=${k}, batch 1, 1600 steps`, group: 'hidden', size: k, config: { hiddenUnits: k, steps: 1600, learningRate: 0.002 } })),
  ...[1e3, 1e4, 1e5, 1e6].map((n) => pointsWorkload(n, 500)),
  ...[1, 64, 1024, 16384].map(modelsWorkload),
  SWEEP_4096,
];

/** The shapes `--kernels` calibrates: one model small and large, big batches, sweeps of mixed K. */
export const KERNEL_SHAPES: { name: string; config: Partial<ExperimentConfig>; sweep?: { text: string; seeds: number } }[] = [
  { name: "the lecture's (P 1, K 10, batch 1)", config: {} },
  { name: 'P 1, K 100, batch 1', config: { hiddenUnits: 100 } },
  { name: 'P 1, K 10, batch 800', config: { batchSize: 800, steps: 1000 } },
  { name: 'P 1, K 10, batch 8000 (N 10^6)', config: { points: 1_000_000, batchSize: 8000, steps: 500 } },
  { name: 'P 1, K 256, batch 7', config: { hiddenUnits: 256, batchSize: 7 } },
  { name: 'P 64, K 10, batch 8', config: { batchSize: 8, steps: 100 }, sweep: { text: 'lr=0.002:0.02:log16', seeds: 4 } },
  { name: 'P 4096, K 10, batch 1', config: SWEEP_4096.config, sweep: SWEEP_4096.sweep },
  { name: 'P 4096, K 2..64 mixed, batch 1', config: SWEEP_4096.config, sweep: { text: 'lr=0.002:0.02:log64,K=2:64:x2', seeds: 16 } },
];

/** A few seconds' worth, for tests and a first look. */
export const QUICK_WORKLOADS: Workload[] = [
  { name: 'lecture, 1600 steps', group: 'lecture', size: 1, config: { steps: 1600 } },
  { name: 'batch 32, 200 steps', group: 'batch', size: 32, config: { batchSize: 32, steps: 200, learningRate: 0.02 } },
  ...[1e3, 1e4].map((n) => pointsWorkload(n, 200)),
  ...[1, 64].map(modelsWorkload),
];

/** One engine on one workload. */
export interface BenchRow {
  /** An engine, or a plain loop (benchFloor): `js-floor`, the floor `cpu` is held to, or `native-c`, the limit `cpu-wasm` is held to. */
  engine: BenchEngine | 'js-floor' | 'native-c';
  /** Every timed run's training time, ms. */
  timingsMs: number[];
  /** Every timed run's set-up, ms, and where it went by phase (TrainResult.timings.phases). */
  setupMs: number[];
  setupPhases: PhaseTimes[];
  /** The first warm-up's training time, and its set-up by phase (it pays the compiles and any calibration); how many warm-ups ran. */
  warmupMs: number | null;
  warmupSetup: { setupMs: number; phases: PhaseTimes } | null;
  warmups: number;
  medianMs: number | null;
  minMs: number | null;
  maxMs: number | null;
  /** CPU single thread's median / this median; null where the results disagree or failed. */
  speedup: number | null;
  dispatches: number;
  /** Models trained per second and model-steps per second, from the median (null without one). */
  modelsPerSecond: number | null;
  modelStepsPerSecond: number | null;
  check: { ok: boolean; reference: 'cpu-f32' | 'cpu'; maxRel: number; detail: string };
  device: string;
  /** GPU fused: the kernel variant the calibration chose. */
  kernel?: string;
  error?: string;
}

/** Median of a non-empty list. */
export function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/**
 * Where the GPU line crosses below the CPU line, interpolated on log-log axes between the two
 * sizes around the change; null if the GPU never wins, or wins already at the smallest size.
 */
export function crossover(sizes: number[], gpuMs: number[], cpuMs: number[]): number | null {
  for (let i = 1; i < sizes.length; i++) {
    const before = Math.log(gpuMs[i - 1] / cpuMs[i - 1]);
    const after = Math.log(gpuMs[i] / cpuMs[i]);
    if (before > 0 && after <= 0) {
      const t = before / (before - after);
      return Math.exp(Math.log(sizes[i - 1]) + t * (Math.log(sizes[i]) - Math.log(sizes[i - 1])));
    }
  }
  return null;
}

/** A run of one engine on one config: the runtime's way to train. */
export type RunOnce = (config: Partial<ExperimentConfig>, engine: BenchEngine) => Promise<TrainResult | { error: string }>;

/** Checks a run's per-epoch history against the CPU reference (float32 for the GPU, float64 for the CPU). */
function check(result: TrainResult, exp: Experiment, refs: { f32: TrainResult; f64: TrainResult }): Omit<BenchRow['check'], 'reference'> {
  const f32 = referenceOf(result.engine) === 'cpu-f32';
  const ref = f32 ? refs.f32 : refs.f64;
  const rtol = f32 ? 1e-3 : 1e-9;
  if (result.status !== 'completed' || result.epochs !== exp.epochs) {
    return { ok: false, maxRel: Infinity, detail: `ran ${result.epochs} of ${exp.epochs} epochs (${result.status})` };
  }
  return compareRuns(result, ref, rtol);
}

/** A timed run's outcome as the benchmark needs it. */
type Timed = { timings: TrainResult['timings']; dispatches: number; device: string; kernel?: string } | { error: string };

/** Warm-up runs before the timed ones: until they add up to this many ms (at least 1, at most MAX_WARMUPS). */
const WARMUP_MS = 250;
const MAX_WARMUPS = 10;

/**
 * One engine's row: warm-ups (WARMUP_MS) and then `repeats` runs (3 when a run takes over 3 s), each
 * checked before its time counts; the first disagreement or failure ends the row without a time.
 */
async function timeRow<R extends Timed>(
  engine: BenchRow['engine'],
  reference: BenchRow['check']['reference'],
  repeats: number,
  run: () => Promise<R>,
  check: (r: Exclude<R, { error: string }>) => { ok: boolean; maxRel: number; detail: string },
): Promise<BenchRow> {
  const row: BenchRow = {
    engine,
    timingsMs: [],
    setupMs: [],
    setupPhases: [],
    warmupSetup: null,
    warmupMs: null,
    warmups: 0,
    medianMs: null,
    minMs: null,
    maxMs: null,
    speedup: null,
    dispatches: 0,
    modelsPerSecond: null,
    modelStepsPerSecond: null,
    check: { ok: false, reference, maxRel: Infinity, detail: 'not run' },
    device: '',
  };
  let runs = repeats;
  // Warm-ups: at least one (it compiles), then more until they add up to WARMUP_MS: Chrome's V8
  // takes several runs of a 10 ms workload to optimise the CPU engines (seen: cpu's first runs
  // 56, 27, 31 ms, then 9-15 ms), so a single warm-up left it half-compiled in the median.
  let warmupTotal = 0;
  for (let i = 0; row.timingsMs.length < runs; i++) {
    const r = await run();
    if ('error' in r) {
      row.error = r.error;
      row.check = { ...row.check, ok: false, detail: r.error };
      break;
    }
    const c = check(r as Exclude<R, { error: string }>);
    if (i === 0 || !c.ok) row.check = { ...c, reference };
    if (!c.ok) break;
    row.dispatches = r.dispatches;
    row.device = r.device;
    if (r.kernel) row.kernel = r.kernel;
    if (row.warmups === 0 || (warmupTotal < WARMUP_MS && row.warmups < MAX_WARMUPS)) {
      if (row.warmups === 0) {
        row.warmupMs = r.timings.trainMs;
        row.warmupSetup = { setupMs: r.timings.setupMs, phases: r.timings.phases ?? {} };
      }
      if (r.timings.trainMs > 3000) runs = Math.min(runs, 3);
      row.warmups++;
      warmupTotal += r.timings.trainMs;
      continue;
    }
    row.timingsMs.push(r.timings.trainMs);
    row.setupMs.push(r.timings.setupMs);
    row.setupPhases.push(r.timings.phases ?? {});
  }
  if (row.check.ok && row.timingsMs.length > 0) {
    row.medianMs = median(row.timingsMs);
    row.minMs = Math.min(...row.timingsMs);
    row.maxMs = Math.max(...row.timingsMs);
  }
  return row;
}

/** Times every engine on one workload: warm-ups, then `repeats` runs, each checked first. */
export async function benchWorkload(w: Workload, engines: readonly BenchEngine[], runOnce: RunOnce, repeats: number): Promise<BenchRow[]> {
  const exp = prepareExperiment(w.config);
  const refs = { f32: await train(exp, { engine: 'cpu-f32' }), f64: await train(exp, { engine: 'cpu' }) };
  const rows: BenchRow[] = [];
  for (const engine of engines) {
    const reference = referenceOf(engine);
    rows.push(
      await timeRow(
        engine,
        reference,
        repeats,
        () => runOnce(w.config, engine),
        (r) => check(r, exp, refs),
      ),
    );
  }
  finishRows(rows, 1, exp.totalSteps);
  return rows;
}

/** A plain loop's run (floor.ts in the runtime, or native.c as a child process): its time and history. */
export type RunFloor = (config: Partial<ExperimentConfig>) => Promise<import('./floor').FloorRun | { error: string }>;

/**
 * A plain loop's row on a workload: `js-floor`, the plain float64 loop of floor.ts (the floor the
 * `cpu` engine is held to), or `native-c`, the same loop in C (native.c, the limit `cpu-wasm` is
 * held to); timed as the engines are (warm-ups, then `repeats` runs), each run checked against
 * the float64 reference first. Its ratio is to `cpu`.
 */
export async function benchFloor(
  w: Workload,
  runFloor: RunFloor,
  repeats: number,
  rows: BenchRow[],
  kind: { engine: 'js-floor' | 'native-c'; device: string } = { engine: 'js-floor', device: 'plain float64 loop' },
): Promise<BenchRow> {
  const exp = prepareExperiment(w.config);
  const ref = await train(exp, { engine: 'cpu' });
  const row = await timeRow(
    kind.engine,
    'cpu',
    repeats,
    async () => {
      const r = await runFloor(w.config);
      return 'error' in r ? r : { ...r, timings: { trainMs: r.trainMs, setupMs: 0, phases: {}, totalMs: r.trainMs }, dispatches: 0, device: kind.device };
    },
    (r) => compareRuns({ history: { loss: r.loss, valLoss: r.valLoss } }, ref, 1e-9),
  );
  finishRows([...rows.filter((x) => x.engine === 'cpu'), row], 1, exp.totalSteps);
  return row;
}

/** Fills in each row's ratio to one CPU thread and its throughput. */
function finishRows(rows: BenchRow[], models: number, steps: number): void {
  const cpu = rows.find((r) => r.engine === 'cpu')?.medianMs ?? null;
  for (const row of rows) {
    row.speedup = cpu !== null && row.medianMs !== null ? cpu / row.medianMs : null;
    if (row.medianMs !== null) {
      row.modelsPerSecond = models / (row.medianMs / 1000);
      row.modelStepsPerSecond = (models * steps) / (row.medianMs / 1000);
    }
  }
}

/** A sweep's run as JSON: losses by epoch and model (null for NaN), or why it failed. */
export type SweepRun =
  | { loss: (number | null)[][]; valLoss: (number | null)[][]; divergedAt: (number | null)[]; timings: TrainResult['timings']; dispatches: number; device: string; kernel?: string }
  | { error: string };

/** A run of one engine on one sweep: the runtime's way to train many models. */
export type RunSweep = (config: Partial<ExperimentConfig>, text: string, seeds: number, engine: SweepEngine) => Promise<SweepRun>;

/** Times the sweep engines on one `models` workload, each run checked against the CPU's sweep. */
export async function benchModels(w: Workload, engines: readonly BenchEngine[], runSweep: RunSweep, repeats: number): Promise<BenchRow[]> {
  const sweep = sweepFromAxes(w.config, w.sweep!.text, w.sweep!.seeds);
  const ref = await trainSweep(sweep, { engine: 'cpu' });
  const rows: BenchRow[] = [];
  for (const engine of engines) {
    if (!ENGINE_TABLE[engine].sweeps) continue; // per-op: sweeps run fused on the GPU
    // The CPU engines are float64 (cpu-wasm with its own exp): 1e-9 of cpu's sweep.
    const rtol = referenceOf(engine) === 'cpu-f32' ? 1e-3 : 1e-9;
    rows.push(
      await timeRow(
        engine,
        'cpu',
        repeats,
        () => runSweep(w.config, w.sweep!.text, w.sweep!.seeds, engine as SweepEngine),
        (r) => compareSweeps(r, ref, rtol),
      ),
    );
  }
  finishRows(rows, sweep.models.length, sweep.base.totalSteps);
  return rows;
}

/** Text padded (pad: on the right, lpad: on the left) to n characters, and a time in ms as the tables print it. */
export const pad = (s: string, n: number) => (s.length >= n ? s : s + ' '.repeat(n - s.length));
export const lpad = (s: string, n: number) => (s.length >= n ? s : ' '.repeat(n - s.length) + s);
export const ms = (v: number | null) => (v === null ? '-' : v >= 100 ? v.toFixed(0) : v.toFixed(1));

/** The table printed for one workload. */
export function formatRows(w: Workload, rows: BenchRow[]): string {
  const lines = [w.name];
  for (const r of rows) {
    const spread = r.minMs === null ? '-' : `${ms(r.minMs)}-${ms(r.maxMs)}`;
    // Every ratio names what it is against: one CPU thread, the `cpu` engine (float64, the fused loop).
    const ratio = r.speedup === null ? (r.check.ok ? '-' : 'no speed-up: results disagree') : `${r.speedup.toFixed(2)}x vs cpu`;
    const verdict = r.error
      ? `FAILED: ${r.error.split('\n')[0]}`
      : r.check.ok
        ? `ok (max rel ${r.check.maxRel.toExponential(1)} vs ${r.check.reference})`
        : `DISAGREES with ${r.check.reference}: ${r.check.detail.split('\n')[0]}`;
    const throughput = w.group === 'models' && r.modelsPerSecond !== null ? `  ${Math.round(r.modelsPerSecond)} models/s, ${Math.round(r.modelStepsPerSecond!)} model-steps/s` : '';
    const kernel = r.kernel ? `  [${r.kernel}]` : '';
    lines.push(
      `  ${pad(r.engine, 12)}${lpad(ms(r.medianMs), 10)} ms  ${pad(`(${spread}, n=${r.timingsMs.length})`, 24)}${lpad(ratio, 14)}  ${lpad(String(r.dispatches), 8)} disp  ${verdict}${throughput}${kernel}`,
    );
  }
  return lines.join('\n');
}
