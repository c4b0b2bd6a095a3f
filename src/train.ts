/**
 * The one interface every caller (the page, the CLI, the benchmark, the tests) trains through:
 * `train(config, { engine, onEpoch, signal })` runs the lecture's experiment on the CPU reference
 * or on the GPU and reports the same history either way; `trainSweep` does the same for many
 * models. What else a caller needs of the engines is here too (is there a GPU, warm it up, the
 * kernels' WGSL to show, alpha of a theta), so nobody reaches into src/gpu or src/cpu.
 */
import { DEFAULT_CONFIG, prepareExperiment, type Experiment, type ExperimentConfig } from './experiment/config';
import type { EngineName, TrainOptions, TrainResult } from './experiment/run';
import type { Stepper } from './experiment/stepping';
import { parseSweep, prepareSweep, type ModelSpec, type SweepOptions, type SweepResult, type Sweep } from './experiment/sweep';
import type { GpuTuning } from './gpu/trainer';
import type { Calibration } from './gpu/calibrate';
import { alphaCpu, trainCpu } from './cpu/trainer';
import { loadTarget } from './experiment/targets';
import { EngineUnavailableError } from './errors';
import type { Activation } from './experiment/activation';

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

/** The experiment of a config (its formula's parser loaded first), or the prepared one given. */
async function experimentOf(config: Partial<ExperimentConfig> | Experiment): Promise<Experiment> {
  if ('config' in config && 'epochs' in config) return config as Experiment;
  await loadTarget(config);
  return prepareExperiment(config as Partial<ExperimentConfig>);
}

/** Trains the network of `config` (defaults: the lecture's) with the chosen engine. */
export async function train(config: Partial<ExperimentConfig> | Experiment, options: TrainOptions, tuning?: GpuTuning): Promise<TrainResult> {
  const exp = await experimentOf(config);
  const { engine } = options;
  if (engine === 'cpu' || engine === 'cpu-f32' || engine === 'cpu-wasm') return trainCpu(exp, { ...options, engine });
  if (engine === 'cpu-workers') {
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
  const exp = await experimentOf(config);
  if (engine === 'gpu' || engine === 'gpu-perop') {
    const { gpuStepper } = await import('./gpu/stepper');
    return gpuStepper(exp, engine);
  }
  const { cpuStepper } = await import('./cpu/stepper');
  return cpuStepper(exp, engine === 'cpu-f32' || engine === 'cpu-wasm' ? engine : 'cpu');
}

/** Trains every model of a sweep (see src/experiment/sweep.ts) with the chosen engine. */
export async function trainSweep(sweep: Sweep, options: SweepOptions, tuning?: GpuTuning): Promise<SweepResult> {
  if (options.engine === 'cpu' || options.engine === 'cpu-wasm') {
    const { trainSweepCpu } = await import('./cpu/sweep');
    return trainSweepCpu(sweep, options);
  }
  if (options.engine === 'cpu-workers') {
    needWorkers();
    const { trainSweepWorkers } = await import('./cpu/sweep');
    return trainSweepWorkers(sweep, options);
  }
  const { trainSweepGpu } = await import('./gpu/sweep');
  return trainSweepGpu(sweep, options, tuning);
}

/**
 * Trains many models at once: `axes` over learning rate and K as the command line's --sweep takes
 * them (e.g. "lr=0.001:0.1:log8,K=2:32:x2"), `seeds` initial thetas a cell, every other parameter
 * from `base`. The models and their losses come back together.
 */
export async function trainMany(
  base: Partial<ExperimentConfig>,
  axes: string,
  seeds: number,
  options: SweepOptions,
  tuning?: GpuTuning,
): Promise<SweepResult & { models: ModelSpec[] }> {
  await loadTarget(base);
  const { models } = parseSweep(axes, seeds, { ...DEFAULT_CONFIG, ...base });
  const result = await trainSweep(prepareSweep(base, models), options, tuning);
  return { ...result, models };
}

/** The WGSL of every kernel and prelude, to show (loaded on demand: Node without vite cannot import WGSL). */
export async function shaderSources() {
  const k = await import('./gpu/kernels');
  return { common: k.COMMON_SOURCE, fusedCommon: k.FUSED_COMMON_SOURCE, thetaRegisters: k.THETA_REGISTERS_SOURCE, serialSteps: k.SERIAL_STEPS_SOURCE, kernels: k.KERNEL_SOURCES };
}

/** Whether WebGPU works here: the adapter's name, or why it does not (never throws). */
export async function gpuStatus(): Promise<{ ok: boolean; description: string }> {
  const { getGpu } = await import('./gpu/device');
  try {
    return { ok: true, description: (await getGpu()).description };
  } catch (e) {
    return { ok: false, description: (e as Error).message };
  }
}

/** Gets the device and compiles what a GPU run of `exp` needs (and, for the fused engine, picks its kernel), so Train starts at once. */
export async function warmUp(exp: Experiment, engine: 'gpu' | 'gpu-perop'): Promise<void> {
  const { warmUpGpu } = await import('./gpu/trainer');
  return warmUpGpu(exp, engine);
}

/** Checks and times every fused kernel variant on a shape (npm run bench -- --kernels). */
export async function calibrateShape(config: Partial<ExperimentConfig>, sweep?: { text: string; seeds: number }): Promise<Calibration> {
  const { calibrateShape } = await import('./gpu/calibrate');
  return calibrateShape(config, sweep);
}

/** alpha(x) = sum_k v_k act(w_k x + b_k) at each of `xs`, for theta (K x 3, rows [v, w, b]) and the activation (default the lecture's sigmoid), in float64. */
export function alphaOf(theta: ArrayLike<number>, xs: ArrayLike<number>, activation: Activation = 'sigmoid'): Float64Array {
  return alphaCpu(theta, xs, activation);
}
