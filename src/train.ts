/**
 * The one training interface: `train(config, { engine, onEpoch, signal })` runs the lecture's
 * experiment on the CPU reference or on the GPU, and reports the same history either way.
 */
import { prepareExperiment, type Experiment, type ExperimentConfig } from './experiment/config';
import type { TrainOptions, TrainResult } from './experiment/run';
import type { SweepOptions, SweepResult, Sweep } from './experiment/sweep';
import type { GpuTuning } from './gpu/trainer';
import { trainCpu } from './cpu/trainer';

/** Trains the network of `config` (defaults: the lecture's) with the chosen engine. */
export async function train(config: Partial<ExperimentConfig> | Experiment, options: TrainOptions, tuning?: GpuTuning): Promise<TrainResult> {
  const exp = 'config' in config && 'epochs' in config ? (config as Experiment) : prepareExperiment(config as Partial<ExperimentConfig>);
  const { engine } = options;
  if (engine === 'cpu' || engine === 'cpu-f32') return trainCpu(exp, { ...options, engine });
  if (engine === 'cpu-workers') {
    const { trainCpuParallel } = await import('./cpu/parallel');
    return trainCpuParallel(exp, options, options.workers);
  }
  // The GPU host loads only when a GPU engine is asked for.
  const { trainGpu } = await import('./gpu/trainer');
  return trainGpu(exp, { ...options, engine }, tuning);
}

/** Trains every model of a sweep (see src/experiment/sweep.ts) with the chosen engine. */
export async function trainSweep(sweep: Sweep, options: SweepOptions, tuning?: GpuTuning): Promise<SweepResult> {
  if (options.engine === 'cpu') {
    const { trainSweepCpu } = await import('./cpu/sweep');
    return trainSweepCpu(sweep, options);
  }
  if (options.engine === 'cpu-workers') {
    const { trainSweepWorkers } = await import('./cpu/sweep');
    return trainSweepWorkers(sweep, options);
  }
  const { trainSweepGpu } = await import('./gpu/sweep');
  return trainSweepGpu(sweep, options, tuning);
}
