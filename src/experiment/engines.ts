/**
 * Every engine in one table: where it runs, its arithmetic, and what it supports. The facade's
 * checks, the page's selects, the command's `--engine` (its choices and help), the benchmark's
 * columns and the sweeps all derive from it, so adding an engine is one entry here (and the
 * trainer it names). The page's labels of each engine, in each language, are in plots/i18n.ts
 * (`engineNames`), keyed by these names.
 */

/** What the project knows of one engine. */
interface EngineFacts {
  /** Where its arithmetic runs: on the GPU (WGSL kernels) or the CPU (the kernels' twins). */
  on: 'gpu' | 'cpu';
  /** Its numbers: float32 as the GPU rounds, or float64. */
  precision: 'f32' | 'f64';
  /** Trains a sweep of many models at once (`trainSweep`, `--sweep`, the page's many-models form). */
  sweeps: boolean;
  /** Offered by the page for a single run (and Step and Play). */
  page: boolean;
  /** Timed by the benchmark. */
  bench: boolean;
  /** Needs a browser page (Web Workers and SharedArrayBuffer, cross-origin isolated). */
  browserOnly: boolean;
  /** What it is, in a line: the command's help. */
  help: string;
}

export const ENGINE_TABLE = {
  gpu: { on: 'gpu', precision: 'f32', sweeps: true, page: true, bench: true, browserOnly: false, help: 'the GPU, fused: whole epochs in one dispatch' },
  'gpu-perop': { on: 'gpu', precision: 'f32', sweeps: false, page: true, bench: true, browserOnly: false, help: 'the GPU, per-op: three dispatches a step' },
  cpu: { on: 'cpu', precision: 'f64', sweeps: true, page: true, bench: true, browserOnly: false, help: 'one CPU thread, JavaScript, float64: the reference' },
  'cpu-f32': { on: 'cpu', precision: 'f32', sweeps: false, page: false, bench: false, browserOnly: false, help: 'the reference rounded to float32 as the GPU rounds' },
  'cpu-wasm': { on: 'cpu', precision: 'f64', sweeps: true, page: true, bench: true, browserOnly: false, help: 'one CPU thread, WebAssembly SIMD, float64' },
  'cpu-workers': { on: 'cpu', precision: 'f64', sweeps: true, page: false, bench: true, browserOnly: true, help: 'all CPU cores, Web Workers, float64' },
} as const satisfies Record<string, EngineFacts>;

type Table = typeof ENGINE_TABLE;

/** An engine's name: a key of ENGINE_TABLE. */
export type EngineName = keyof Table;

/** The engines whose `fact` is true, as a union type. */
type EnginesWith<F extends 'sweeps' | 'page' | 'bench'> = { [E in EngineName]: Table[E][F] extends true ? E : never }[EngineName];

const names = (keep: (facts: EngineFacts) => boolean) => (Object.keys(ENGINE_TABLE) as EngineName[]).filter((e) => keep(ENGINE_TABLE[e]));

/** Every engine, in the table's order. */
export const ENGINES = Object.keys(ENGINE_TABLE) as readonly EngineName[];
/** The engines that train sweeps. */
export const SWEEP_ENGINES = names((f) => f.sweeps) as readonly EnginesWith<'sweeps'>[];
/** One of SWEEP_ENGINES. */
export type SweepEngine = EnginesWith<'sweeps'>;
/** The engines the page offers for a single run. */
export const PAGE_ENGINES = names((f) => f.page) as readonly EnginesWith<'page'>[];
/** One of PAGE_ENGINES. */
export type PageEngine = EnginesWith<'page'>;
/** The engines the benchmark compares, in its columns' order. */
export const BENCH_ENGINES = names((f) => f.bench) as readonly EnginesWith<'bench'>[];
/** One of BENCH_ENGINES. */
export type BenchEngine = EnginesWith<'bench'>;
/** The engines on the GPU. */
export type GpuEngine = { [E in EngineName]: Table[E]['on'] extends 'gpu' ? E : never }[EngineName];
/** The CPU engines that train on one thread (not in a browser's workers). */
export type OneThreadEngine = { [E in EngineName]: Table[E]['on'] extends 'cpu' ? (Table[E]['browserOnly'] extends false ? E : never) : never }[EngineName];

/** Whether an engine runs on the GPU (shaders to compile, dispatches, a timeline). */
export function onGpu(engine: EngineName): engine is GpuEngine {
  return ENGINE_TABLE[engine].on === 'gpu';
}

/** Whether an engine runs on one CPU thread. */
export function onOneThread(engine: EngineName): engine is OneThreadEngine {
  return ENGINE_TABLE[engine].on === 'cpu' && !ENGINE_TABLE[engine].browserOnly;
}

/** The engines whose results an engine is held to: the float32 twin for the GPU, the float64 reference for the CPU. */
export function referenceOf(engine: EngineName): 'cpu-f32' | 'cpu' {
  return ENGINE_TABLE[engine].precision === 'f32' ? 'cpu-f32' : 'cpu';
}

/** `--engine`'s help: every engine with its line. */
export function enginesHelp(): string {
  return ENGINES.map((e) => `${e} (${ENGINE_TABLE[e].help})`).join(', ');
}
