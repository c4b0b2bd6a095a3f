/**
 * `npm run bench`: GPU against CPU, honestly. Every workload runs with every engine in one
 * session (one browser page, or one Node process with --runtime node): a warm-up, then timed
 * repeats. Each run's history is checked against the CPU reference before its time counts;
 * medians and spreads are reported with the ratio to the single-threaded CPU of the same run.
 *
 * Times are the engines' own training time (TrainResult.timings.trainMs): from the first step to
 * the last epoch's losses in hand, data upload and pipeline creation excluded (setupMs, kept in
 * bench.json). Exit codes: 0 every row agrees; 1 some row disagrees or failed; 2 bad flags;
 * 3 no WebGPU adapter.
 */
import { cpus, freemem, platform, release, totalmem } from 'node:os';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { prepareExperiment, type Experiment, type ExperimentConfig } from '../experiment/config';
import { compareRuns } from '../experiment/compare';
import { BENCH_ENGINES, ENGINE_TABLE } from '../experiment/engines';
import {
  benchFloor,
  benchModels,
  benchWorkload,
  crossover,
  formatRows,
  FULL_WORKLOADS,
  KERNEL_SHAPES,
  median,
  ms,
  pad,
  QUICK_WORKLOADS,
  type BenchEngine,
  type BenchRow,
  type RunOnce,
  type RunSweep,
  type Workload,
} from '../bench/rows';

import { prepareDawn } from './dawn';
import { compileNativeFloor } from './native';
import { pngBytes, prepareOutDir, writeWhole, WriteError } from './output';
import { watchSignals, type Signals } from './signals';
import { train, type Calibration } from '../train';
import type { Runtime } from './runtimes';
import { restartWith } from './restart';
import { LABELS } from '../plots/i18n';
import { ChromeNotFoundError, EngineUnavailableError, StoppedError } from '../errors';

const say = (line: string) => process.stdout.write(`${line}\n`);

function parseEngines(value: string): BenchEngine[] {
  const list = value.split(',').map((s) => s.trim());
  for (const e of list) if (!(BENCH_ENGINES as readonly string[]).includes(e)) throw new InvalidArgumentError(`unknown engine "${e}"; use ${BENCH_ENGINES.join(',')}`);
  return list as BenchEngine[];
}

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`expected an integer >= 1, got "${value}"`);
  return n;
}

/** The benchmark's flags. */
export function program(): Command {
  return new Command('bench')
    .description('Time GPU (fused, per-op) against CPU (one thread, all cores) on the same workloads, results checked first.')
    .option('--quick', 'a few small workloads, a few seconds')
    .option('--no-tfjs', 'leave out the TensorFlow.js rows (they take about a minute)')
    .option('--kernels', 'instead of the workloads: check and time every fused kernel variant on a set of shapes, and say which the engine picks')
    .addOption(
      new Option('--runtime <runtime>', 'chrome (headless Chromium) or node (Dawn, the webgpu package; for a server without a browser)')
        .choices(['chrome', 'node'])
        .default('chrome'),
    )
    .option('--only <groups>', 'only these workload groups, comma-separated: lecture, batch, hidden, points, models', (v: string) => v.split(',').map((g) => g.trim()))
    .option('--engines <list>', `comma-separated subset of ${BENCH_ENGINES.join(',')}`, parseEngines, [...BENCH_ENGINES])
    .option('--repeats <n>', 'timed runs after the warm-up', positiveInt, 5)
    .option('--out <dir>', 'where to write bench.json and bench.png', 'out/bench')
    .exitOverride();
}

interface BenchOptions {
  quick?: boolean;
  only?: string[];
  tfjs: boolean;
  kernels?: boolean;
  runtime: 'chrome' | 'node';
  engines: BenchEngine[];
  repeats: number;
  out: string;
}

function machine() {
  const cpu = cpus();
  return {
    os: `${platform()} ${release()}`,
    cpu: cpu[0]?.model ?? 'unknown',
    logicalCores: cpu.length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    freeMemoryGiB: Math.round(freemem() / 2 ** 30),
    node: process.version,
  };
}

/**
 * `--kernels`: every fused variant on every shape of KERNEL_SHAPES, checked against its CPU twin
 * and then timed, as the engine's calibration does; prints the table and writes kernels.json.
 * Exit 0 when every shape has a variant that passed.
 */
async function kernelTable(
  calibrateOne: (config: Partial<ExperimentConfig>, sweep?: { text: string; seeds: number }) => Promise<{ ok: true; calibration: Calibration } | { ok: false; error: string }>,
  adapter: string,
  out: string,
): Promise<number> {
  say(
    'every fused kernel variant: checked against its CPU twin on a short probe (every probe model), then timed on the shape (best of 2 after a warm-up); * = the engine picks it',
  );
  const results: { shape: (typeof KERNEL_SHAPES)[number]; calibration: Calibration | null; error?: string }[] = [];
  for (const shape of KERNEL_SHAPES) {
    say(shape.name);
    const r = await calibrateOne(shape.config, shape.sweep);
    if (!r.ok) {
      say(`  FAILED: ${r.error}`);
      results.push({ shape, calibration: null, error: r.error });
      continue;
    }
    const { rows, choice } = r.calibration;
    const best = Math.min(...rows.map((x) => x.msPerStep ?? Infinity));
    for (const row of rows) {
      const picked = row.choice.variant === choice.variant && row.choice.workgroupSize === choice.workgroupSize ? '*' : ' ';
      const detail =
        row.msPerStep === undefined
          ? `skipped: ${row.skipped}`
          : `${(row.msPerStep * 1000).toFixed(3).padStart(10)} us a step (${row.clock})  ${(row.msPerStep / best).toFixed(2)}x the fastest  check ok (max rel ${row.maxRel!.toExponential(1)})`;
      say(` ${picked} ${pad(row.kernel, 36)}${detail}`);
    }
    results.push({ shape, calibration: r.calibration });
  }
  const [path] = writeWhole(out, [['kernels.json', JSON.stringify({ date: new Date().toISOString(), adapter, machine: machine(), shapes: results }, null, 2)]]);
  say(`Wrote ${path}`);
  return results.every((r) => r.calibration !== null) ? 0 : 1;
}

/** A TensorFlow.js row: its timed epochs, scaled to the run, checked against our float32 reference. */
export interface Competitor {
  name: string;
  version: string;
  epochsTimed: number;
  epochsInRun: number;
  epochMs: number[];
  /** The median epoch times the run's epochs: what the whole run would take. */
  scaledMs: number | null;
  check: { ok: boolean; maxRel: number; detail: string };
  /** Its scaled time over each of our engines' medians on the same workload: how many times faster ours is. */
  oursFaster: Partial<Record<BenchRow['engine'], number>>;
  error?: string;
}

/** The epochs of TensorFlow.js timed on the lecture (tfjs-webgpu takes seconds an epoch on SwiftShader). */
const TFJS_EPOCHS = 2;

/**
 * TensorFlow.js 4.22 (webgpu and cpu backends) on the lecture's workload in the same page: two
 * epochs timed and scaled to the run, its history first checked against our float32 reference.
 */
async function benchTfjs(
  config: Partial<ExperimentConfig>,
  ours: BenchRow[],
  run: (config: Partial<ExperimentConfig>, backend: 'webgpu' | 'cpu', epochs: number) => Promise<{ ok: true; run: import('./tfjs').TfjsRun } | { ok: false; error: string }>,
): Promise<Competitor[]> {
  const exp = prepareExperiment(config);
  const ref = await train(prepareExperiment({ ...config, steps: TFJS_EPOCHS * exp.stepsPerEpoch * exp.config.batchSize }), { engine: 'cpu-f32' });
  const out: Competitor[] = [];
  say(
    `TensorFlow.js 4.22 in the same page: Keras fit of the same model from the same theta over the same orders; ${TFJS_EPOCHS} of ${exp.epochs} epochs timed and scaled to ${exp.epochs}, history checked first`,
  );
  for (const backend of ['webgpu', 'cpu'] as const) {
    const name = `tfjs-${backend}`;
    const r = await run(config, backend, TFJS_EPOCHS);
    if (!r.ok) {
      out.push({
        name,
        version: '4.22.0',
        epochsTimed: 0,
        epochsInRun: exp.epochs,
        epochMs: [],
        scaledMs: null,
        check: { ok: false, maxRel: Infinity, detail: r.error },
        oursFaster: {},
        error: r.error,
      });
      say(`  ${pad(name, 12)}FAILED: ${r.error}`);
      continue;
    }
    const c = compareRuns({ history: { loss: r.run.loss, valLoss: r.run.valLoss } }, ref, 1e-3);
    const scaledMs = c.ok ? median(r.run.epochMs) * r.run.epochsInRun : null;
    const oursFaster: Competitor['oursFaster'] = {};
    for (const row of ours) if (scaledMs !== null && row.medianMs !== null) oursFaster[row.engine] = scaledMs / row.medianMs;
    out.push({ name, version: r.run.version, epochsTimed: r.run.epochMs.length, epochsInRun: r.run.epochsInRun, epochMs: r.run.epochMs, scaledMs, check: c, oursFaster });
    const vs = Object.entries(oursFaster)
      .map(([engine, f]) => `${engine} ${f >= 100 ? Math.round(f).toLocaleString('en') : f.toFixed(2)}x faster`)
      .join(', ');
    say(
      `  ${pad(name, 12)}${scaledMs === null ? '-' : `${ms(scaledMs)} ms (scaled; ${r.run.epochMs.map((t) => ms(t)).join(', ')} ms an epoch)`}  ${c.ok ? `ok (max rel ${c.maxRel.toExponential(1)} vs cpu-f32)` : `DISAGREES: ${c.detail.split('\n')[0]}`}${vs ? `  ours: ${vs}` : ''}`,
    );
  }
  return out;
}

/** What the benchmark asks of a runtime (runtimes.ts): the same calls in this process or in the runner page. */
interface Backend {
  adapter: { ok: boolean; description: string; software: boolean };
  runOnce: RunOnce;
  runSweep: RunSweep;
  calibrateOne(config: Partial<ExperimentConfig>, sweep?: { text: string; seeds: number }): Promise<{ ok: true; calibration: Calibration } | { ok: false; error: string }>;
}

/** The benchmark's calls on a runtime: plain runs (no alpha each epoch), errors as text. */
async function runtimeBackend(rt: Runtime): Promise<Backend> {
  const adapter = await rt.adapter();
  return {
    adapter: adapter.ok && rt.name === 'node' ? { ...adapter, description: `${adapter.description} (Dawn in ${rt.where})` } : adapter,
    runOnce: async (config, engine) => {
      const o = await rt.train(config, engine, true);
      return o.ok ? { ...o.result, theta: Float64Array.from(o.result.theta) } : { error: `${o.error.name}: ${o.error.message}` };
    },
    runSweep: async (config, text, seeds, engine) => {
      const o = await rt.trainSweep(config, text, seeds, engine, true);
      return o.ok ? o : { error: `${o.error.name}: ${o.error.message}` };
    },
    calibrateOne: (config, sweep) => rt.calibrateShape(config, sweep),
  };
}

/** The backend, refusing every run once a signal has come (StoppedError): a stopped benchmark starts nothing new. */
function stopsOnSignal(backend: Backend, signals: Signals): Backend {
  const check = () => {
    if (signals.exitCode() !== null) throw new StoppedError('the benchmark was stopped by a signal');
  };
  return {
    ...backend,
    runOnce: async (...a) => (check(), backend.runOnce(...a)).then((r) => (check(), r)),
    runSweep: async (...a) => (check(), backend.runSweep(...a)).then((r) => (check(), r)),
  };
}

/** bench.png: median training time against batch size for each engine, with the GPU's crossover; returns its path, or null if there is nothing to draw. */
async function drawBenchChart(rt: Runtime, results: { workload: Workload; rows: BenchRow[] }[], engines: BenchEngine[], adapter: string, out: string): Promise<string | null> {
  const points = results.filter((r) => r.workload.group === 'points');
  if (points.length < 2) return null;
  const series = engines.map((engine) => ({
    label: engine,
    points: points.flatMap((p) => {
      const row = p.rows.find((r) => r.engine === engine);
      return row?.medianMs ? [{ x: p.workload.size, y: row.medianMs }] : [];
    }),
  }));
  const med = (engine: BenchEngine) => points.map((p) => p.rows.find((r) => r.engine === engine)?.medianMs ?? NaN);
  // Where the fused GPU overtakes each one-thread CPU engine; the chart marks the later of them
  // (the stronger CPU; one never overtaken is the strongest), so its line names the CPU it beat.
  const sizes = points.map((p) => p.workload.size);
  const crosses = engines.includes('gpu')
    ? (['cpu', 'cpu-wasm'] as const)
        .filter((e) => engines.includes(e))
        // x: where the GPU overtakes; 0 when it is ahead from the first size; null when never.
        .map((engine) => ({ engine, x: med('gpu')[0] <= med(engine)[0] ? 0 : crossover(sizes, med('gpu'), med(engine)) }))
    : [];
  const strongest = crosses.reduce<(typeof crosses)[number] | null>((a, c) => (a === null || (a.x !== null && (c.x === null || c.x > a.x)) ? c : a), null);
  const steps = points[0].workload.config.steps;
  const png = await rt.benchChart({
    title: `Training time against batch size (${steps} steps, K = 10) on ${adapter}`,
    xLabel: 'points per step (N = 125 x batch)',
    yLabel: 'median training time, ms',
    series,
    crossover: !strongest?.x ? null : { x: strongest.x, label: `GPU (fused) overtakes ${strongest.engine} (one thread) at ~${Math.round(strongest.x)} points per step` },
    width: 1200,
    height: 800,
  });
  for (const { engine, x } of crosses)
    say(
      x === null
        ? `GPU (fused) does not overtake ${engine} (one thread) in the range measured.`
        : x === 0
          ? `GPU (fused) is faster than ${engine} (one thread) at every size measured.`
          : `GPU (fused) overtakes ${engine} (one thread) at ~${Math.round(x)} points per step.`,
    );
  return writeWhole(out, [pngBytes('bench.png', png)])[0];
}

/** Runs the benchmark; resolves to the exit code. */
export async function main(argv: string[]): Promise<number> {
  let options: BenchOptions;
  try {
    options = program().parse(argv, { from: 'user' }).opts<BenchOptions>();
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : 2;
    throw e;
  }
  // The output folder is checked before anything runs, so a benchmark is never lost to it.
  const outProblem = prepareOutDir(options.out, ['bench.json', 'bench.png', 'kernels.json']);
  if (outProblem) {
    process.stderr.write(`error: --out: ${outProblem}\n`);
    return 2;
  }
  if (options.runtime === 'node') {
    // Dawn needs a Vulkan loader (read at process start) and, without a GPU, SwiftShader.
    const restart = prepareDawn();
    if (restart) return restartWith(restart);
  }
  const workloads = (options.quick ? QUICK_WORKLOADS : FULL_WORKLOADS).filter((w) => !options.only || options.only.includes(w.group));
  const repeats = options.quick ? Math.min(options.repeats, 3) : options.repeats;
  let rt: Runtime | null = null;
  // A signal before the runtime is up ends the command at once; after, it stops the run in
  // progress, and the workloads measured so far are written.
  const signals = watchSignals();
  try {
    try {
      const runtimes = await import('./runtimes');
      const quiet = { epoch: () => undefined, sweepEpoch: () => undefined };
      rt = await (options.runtime === 'node' ? runtimes.nodeRuntime : runtimes.chromeRuntime)(quiet);
    } catch (e) {
      if (e instanceof ChromeNotFoundError || e instanceof EngineUnavailableError) {
        process.stderr.write(`error: ${e.message}${e instanceof ChromeNotFoundError ? '\nTry --runtime node (the GPU through Dawn).' : ''}\n`);
        return 3;
      }
      throw e;
    }
    signals.attach(rt);
    const browserVersion = rt.name === 'chrome' ? rt.where : null;
    const backend = stopsOnSignal(await runtimeBackend(rt), signals);
    if (options.runtime === 'node') {
      const engines = options.engines.filter((e) => !ENGINE_TABLE[e].browserOnly);
      const left = options.engines.filter((e) => ENGINE_TABLE[e].browserOnly);
      if (left.length > 0) say(`${left.join(', ')} runs in the browser only (Web Workers, SharedArrayBuffer); left out under --runtime node.`);
      options.engines = engines;
    }
    const { adapter } = backend;
    if (!adapter.ok && options.engines.some((e) => e.startsWith('gpu'))) {
      process.stderr.write(`error: no WebGPU adapter: ${adapter.description}\nTry --engines cpu,cpu-workers.\n`);
      return 3;
    }
    say(
      `webgpu-sgd benchmark, runtime ${options.runtime}${browserVersion ? ` (${browserVersion})` : ''}, adapter: ${adapter.description}${adapter.software ? ` (${LABELS.en.softwareShort})` : ''}`,
    );
    if (adapter.software) say(`Note: ${LABELS.en.softwareNote(adapter.description)}`);
    if (options.kernels) return await kernelTable(backend.calibrateOne, adapter.description, options.out);
    say(
      `median training time of ${repeats} runs after warm-ups (at least one, more up to 0.25 s); ratio = the cpu engine's median (float64, one thread: the CPU baseline) / the row's (above 1: faster than cpu)`,
    );
    const results: { workload: Workload; derived: Omit<Experiment, 'config'>; rows: BenchRow[] }[] = [];
    // The C loop, compiled at the lecture's workload (once) and its folder removed however the loop ends.
    let nativeFloor: ReturnType<typeof compileNativeFloor> | null = null;
    process.once('exit', () => nativeFloor && 'dispose' in nativeFloor && nativeFloor.dispose());
    for (const w of workloads) {
      if (signals.exitCode() !== null) break;
      const { config: _, ...derived } = prepareExperiment(w.config);
      let rows: BenchRow[];
      try {
        rows = w.group === 'models' ? await benchModels(w, options.engines, backend.runSweep, repeats) : await benchWorkload(w, options.engines, backend.runOnce, repeats);
      } catch (e) {
        // A signal stopped this workload part-way: it is left out, the ones before are written.
        if (e instanceof StoppedError) break;
        throw e;
      }
      // The lecture's run also times the plain float64 loop: the floor the cpu engine is held to;
      // and, where the machine has a C compiler, the same loop in C: the native limit for cpu-wasm.
      if (w.group === 'lecture' && options.engines.includes('cpu')) rows.push(await benchFloor(w, (c) => rt!.floor(c), repeats, rows));
      const native = w.group === 'lecture' && options.engines.includes('cpu-wasm') ? (nativeFloor ??= compileNativeFloor()) : null;
      if (native && 'run' in native)
        rows.push(await benchFloor(w, native.run, repeats, rows, { engine: 'native-c', device: `plain C loop (${native.compiler}), as a child process` }));
      results.push({ workload: w, derived, rows });
      say(formatRows(w, rows));
      const ratio = (engine: BenchRow['engine'], to: BenchRow['engine']) => {
        const [a, b] = [rows.find((r) => r.engine === engine)?.medianMs, rows.find((r) => r.engine === to)?.medianMs];
        return a && b ? (a / b).toFixed(2) : null;
      };
      if (ratio('cpu', 'js-floor')) say(`  cpu takes ${ratio('cpu', 'js-floor')}x the plain float64 loop's time (the JavaScript floor; held to at most 1.3x)`);
      if (native && 'error' in native) say(`  (no native-c row: ${native.error})`);
      else if (ratio('cpu-wasm', 'native-c')) say(`  cpu-wasm takes ${ratio('cpu-wasm', 'native-c')}x the plain C loop's time (-O2: the native limit; held to at most 2x)`);
    }

    // The competitor in the same page: TensorFlow.js on the lecture's workload.
    const competitors: Competitor[] = [];
    const lecture = results.find((r) => r.workload.group === 'lecture');
    if (options.tfjs && lecture && rt.name === 'chrome' && !options.quick && signals.exitCode() === null) {
      const page = rt;
      competitors.push(...(await benchTfjs(lecture.workload.config, lecture.rows, (config, backend, epochs) => page.tfjs(config, backend, epochs))));
    }

    const report = {
      date: new Date().toISOString(),
      status: signals.exitCode() === null ? 'completed' : 'stopped by a signal: the workloads measured before it',
      runtime: options.runtime,
      browser: browserVersion,
      adapter: adapter.description,
      softwareAdapter: adapter.software,
      machine: machine(),
      quick: Boolean(options.quick),
      repeats,
      timing:
        "TrainResult.timings.trainMs: first step to last epoch reported; each timed run's set-up (data, thetas, pipelines, upload) in setupMs and by phase in setupPhases; the first warm-up's (which pays the compiles and any kernel calibration) in warmupSetup",
      workloads: results,
      competitors,
    };
    const chart = signals.exitCode() === null ? await drawBenchChart(rt, results, options.engines, adapter.description, options.out) : null;
    signals.writing();
    const [jsonPath] = writeWhole(options.out, [['bench.json', JSON.stringify(report, null, 2)]]);
    say(`Wrote ${[jsonPath, ...(chart ? [chart] : [])].join(', ')}`);
    const ok = results.every((r) => r.rows.every((row) => row.check.ok)) && competitors.every((c) => c.check.ok);
    const code = signals.exitCode() ?? (ok ? 0 : 1);
    signals.finished();
    return code;
  } catch (e) {
    if (!(e instanceof WriteError)) throw e;
    process.stderr.write(`error: ${e.message}\n`);
    return 1;
  } finally {
    // Kernel choices persist in the user's cache file between runs (the runtime keeps them).
    await rt?.close();
    signals.detach();
  }
}
