/**
 * The one interface every caller (the page, the CLI, the benchmark, the tests) trains through:
 * `train(config, { engine, onEpoch, signal })` runs the lecture's experiment on the CPU reference
 * or on the GPU and reports the same history either way; `trainSweep` does the same for many
 * models. What else a caller needs of the engines is here too (is there a GPU, warm it up, the
 * kernels' WGSL to show, alpha of a theta), so nobody reaches into src/gpu or src/cpu.
 */
import { prepareExperiment, wasPrepared, type Experiment, type ExperimentConfig } from './experiment/config';
import { ENGINES, type EngineName, type TrainOptions, type TrainResult } from './experiment/run';
import { onGpu, onOneThread, type GpuEngine } from './experiment/engines';
import type { Stepper } from './experiment/stepping';
import { prepareSweep, SWEEP_ENGINES, type SweepOptions, type SweepResult, type Sweep } from './experiment/sweep';
import type { GpuTuning } from './gpu/trainer';
import type { Calibration } from './gpu/calibrate';
import { alphaCpu, trainCpu } from './cpu/trainer';
import { loadTarget } from './experiment/targets';
import { ArgumentError, EngineUnavailableError } from './errors';
import { ACTIVATIONS, type Activation } from './experiment/activation';
// The device module is small and the package's entry exports from it (useGpu, onDeviceLost): imported as it is, not on demand.
import { getGpu } from './gpu/device';

export type { GpuTuning } from './gpu/trainer';
export type { Stepper, StepView } from './experiment/stepping';
export type { Calibration, CalibrationStore } from './gpu/calibrate';
export { onDeviceLost } from './gpu/device';

/** cpu-workers runs on Web Workers and SharedArrayBuffer: a browser's (Node has neither global). */
function needWorkers(): void {
  if (typeof Worker === 'undefined' || typeof SharedArrayBuffer === 'undefined')
    throw new EngineUnavailableError(
      'the cpu-workers engine needs Web Workers and SharedArrayBuffer (a cross-origin isolated browser page); here use cpu (one thread), or the command line with --runtime chrome',
    );
}

/** A value as a message names it: its type, or null. */
function kindOf(value: unknown): string {
  return value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value;
}

/**
 * The experiment of a config (its formula's parser loaded first), or the Experiment given if
 * prepareExperiment made it; a hand-made Experiment's config is validated as a config is.
 */
async function experimentOf(fn: string, config: Partial<ExperimentConfig> | Experiment | undefined): Promise<Experiment> {
  if (config !== undefined && (typeof config !== 'object' || config === null || Array.isArray(config)))
    throw new ArgumentError('config', `${fn}: config must be an object of experiment fields (or an Experiment from prepareExperiment), got ${kindOf(config)}`);
  if (wasPrepared(config)) return config as Experiment;
  const fields = config && 'config' in config && 'epochs' in config ? config.config : (config as Partial<ExperimentConfig> | undefined);
  await loadTarget(fields ?? {});
  return prepareExperiment(fields);
}

/** Checks the options of `fn`: an object whose engine is one of `engines`, with onEpoch and onProgress functions and an AbortSignal if given. */
function checkOptions<E extends string>(fn: string, options: unknown, engines: readonly E[]): asserts options is { engine: E } {
  if (typeof options !== 'object' || options === null) throw new ArgumentError('options', `${fn}: options must be an object such as { engine: 'gpu' }, got ${kindOf(options)}`);
  checkEngine(fn, (options as { engine?: unknown }).engine, engines, 'options.engine');
  const { onEpoch, onProgress, signal } = options as { onEpoch?: unknown; onProgress?: unknown; signal?: unknown };
  for (const [name, f] of [
    ['onEpoch', onEpoch],
    ['onProgress', onProgress],
  ] as const)
    if (f !== undefined && typeof f !== 'function') throw new ArgumentError(`options.${name}`, `${fn}: options.${name} must be a function, got ${kindOf(f)}`);
  if (signal !== undefined && !(typeof AbortSignal !== 'undefined' && signal instanceof AbortSignal))
    throw new ArgumentError('options.signal', `${fn}: options.signal must be an AbortSignal (new AbortController().signal), got ${kindOf(signal)}`);
}

/** Refuses an engine not in `engines`, by name, with the list. */
function checkEngine<E extends string>(fn: string, engine: unknown, engines: readonly E[], argument = 'engine'): asserts engine is E {
  if (!(engines as readonly unknown[]).includes(engine))
    throw new ArgumentError(argument, `${fn}: unknown engine ${typeof engine === 'string' ? `"${engine}"` : kindOf(engine)}: use one of ${engines.join(', ')}`);
}

/** Trains the network of `config` (defaults: the lecture's) with the chosen engine. */
export async function train(config: Partial<ExperimentConfig> | Experiment, options: TrainOptions, tuning?: GpuTuning): Promise<TrainResult> {
  checkOptions('train', options, ENGINES);
  const exp = await experimentOf('train', config);
  const { engine } = options;
  if (onOneThread(engine)) return trainCpu(exp, { ...options, engine });
  if (!onGpu(engine)) {
    needWorkers();
    const { trainCpuParallel } = await import('./cpu/parallel');
    return trainCpuParallel(exp, options, options.workers);
  }
  // The GPU host loads only when a GPU engine is asked for.
  const { trainGpu } = await import('./gpu/trainer');
  return trainGpu(exp, { ...options, engine }, tuning);
}

/**
 * A Stepper for stepping through the run of `config` a batch at a time on the chosen engine (the
 * page's Step and Play): n steps from where it stands, then what the last one showed. Its theta
 * after n steps is the engine's own after n steps (cpu-workers steps as cpu does: one thread).
 */
export async function createStepper(config: Partial<ExperimentConfig> | Experiment, engine: EngineName): Promise<Stepper> {
  checkEngine('createStepper', engine, ENGINES);
  const exp = await experimentOf('createStepper', config);
  if (onGpu(engine)) {
    const { gpuStepper } = await import('./gpu/stepper');
    return gpuStepper(exp, engine);
  }
  const { cpuStepper } = await import('./cpu/stepper');
  return cpuStepper(exp, onOneThread(engine) ? engine : 'cpu');
}

/** Trains every model of a sweep (see src/experiment/sweep.ts) with the chosen engine. */
export async function trainSweep(given: Sweep, options: SweepOptions, tuning?: GpuTuning): Promise<SweepResult> {
  checkOptions('trainSweep', options, SWEEP_ENGINES);
  const sweep = await sweepOf(given);
  const { engine } = options;
  if (onOneThread(engine)) {
    const { trainSweepCpu } = await import('./cpu/sweep');
    return trainSweepCpu(sweep, { ...options, engine });
  }
  if (!onGpu(engine)) {
    needWorkers();
    const { trainSweepWorkers } = await import('./cpu/sweep');
    return trainSweepWorkers(sweep, options);
  }
  const { trainSweepGpu } = await import('./gpu/sweep');
  return trainSweepGpu(sweep, options, tuning);
}

/** The Sweep given if prepareSweep made it; a hand-made one's base config and models are validated as prepareSweep does. */
async function sweepOf(sweep: Sweep): Promise<Sweep> {
  if (wasPrepared(sweep)) return sweep;
  if (typeof sweep !== 'object' || sweep === null || typeof sweep.base !== 'object' || sweep.base === null)
    throw new ArgumentError('sweep', `trainSweep: sweep must be a Sweep from prepareSweep(base, models), got ${kindOf(sweep)}`);
  await loadTarget(sweep.base.config ?? {});
  return prepareSweep(sweep.base.config, sweep.models);
}

/**
 * The WGSL of every kernel and prelude, and the TypeScript of the CPU twins they are held to, to
 * show (loaded on demand: Node without vite cannot import WGSL).
 */
export async function shaderSources() {
  const [k, t] = await Promise.all([import('./gpu/kernels'), import('./kernels/twin-sources')]);
  return {
    common: k.COMMON_SOURCE,
    fusedCommon: k.FUSED_COMMON_SOURCE,
    thetaRegisters: k.THETA_REGISTERS_SOURCE,
    serialSteps: k.SERIAL_STEPS_SOURCE,
    kernels: k.KERNEL_SOURCES,
    twins: t.TWIN_SOURCES,
  };
}

export { CALIBRATION_PREFIX, calibrationFile } from './gpu/calibration-file';

/** Whether WebGPU works here: the adapter's name and whether it is software (the CPU pretending to be a GPU), or why it does not work (never throws). */
export async function gpuStatus(): Promise<{ ok: boolean; description: string; software: boolean }> {
  try {
    const gpu = await getGpu();
    return { ok: true, description: gpu.description, software: gpu.software };
  } catch (e) {
    return { ok: false, description: (e as Error).message, software: false };
  }
}

/** Gets the device and compiles what a GPU run of `exp` needs (and, for the fused engine, picks its kernel), so Train starts at once. */
export async function warmUp(exp: Experiment, engine: GpuEngine): Promise<void> {
  checkEngine('warmUp', engine, ENGINES.filter(onGpu));
  const checked = await experimentOf('warmUp', exp);
  const { warmUpGpu } = await import('./gpu/trainer');
  return warmUpGpu(checked, engine);
}

/** Gets the device, chooses the fused kernel for a sweep's shape and compiles its pipelines, so that the sweep starts at once. */
export async function warmUpSweep(sweep: Sweep): Promise<void> {
  const { warmUpSweepGpu } = await import('./gpu/sweep');
  return warmUpSweepGpu(await sweepOf(sweep));
}

/** Checks and times every fused kernel variant on a shape (npm run bench -- --kernels). */
export async function calibrateShape(config: Partial<ExperimentConfig>, sweep?: { text: string; seeds: number }): Promise<Calibration> {
  await experimentOf('calibrateShape', config);
  if (sweep !== undefined && (typeof sweep !== 'object' || sweep === null))
    throw new ArgumentError('sweep', `calibrateShape: sweep must be { text, seeds } or left out, got ${kindOf(sweep)}`);
  const { calibrateShape } = await import('./gpu/calibrate');
  return calibrateShape(config, sweep);
}

/** alpha(x) = sum_k v_k act(w_k x + b_k) at each of `xs`, for theta (K x 3, rows [v, w, b]) and the activation (default the lecture's sigmoid), in float64. */
export function alphaOf(theta: ArrayLike<number>, xs: ArrayLike<number>, activation: Activation = 'sigmoid'): Float64Array {
  const numbers = (v: unknown) => typeof v === 'object' && v !== null && typeof (v as ArrayLike<number>).length === 'number';
  if (!numbers(theta) || theta.length % 3 !== 0 || theta.length === 0)
    throw new ArgumentError('theta', `alphaOf: theta must be K x 3 numbers (rows [v, w, b]), got ${numbers(theta) ? `${theta.length} numbers` : kindOf(theta)}`);
  if (!numbers(xs)) throw new ArgumentError('xs', `alphaOf: xs must be an array of numbers, got ${kindOf(xs)}`);
  if (!(ACTIVATIONS as readonly unknown[]).includes(activation))
    throw new ArgumentError('activation', `alphaOf: unknown activation "${String(activation)}": use one of ${ACTIVATIONS.join(', ')}`);
  return alphaCpu(theta, xs, activation);
}
