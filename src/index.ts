/**
 * webgpu-sgd as a package: `import { train } from 'webgpu-sgd'`. The lecture's network trained by
 * SGD on the GPU (WebGPU: a browser's `navigator.gpu`, or in Node Dawn's, found when the `webgpu`
 * package is installed or given with `useGpu`) or on the CPU, with Keras's semantics and one
 * interface for every engine. The README's "API" section has a runnable example for each place.
 */
export { train, trainSweep, createStepper, gpuStatus, warmUp, alphaOf, shaderSources, onDeviceLost } from './train';
export type { GpuTuning, Stepper, StepView, Calibration, CalibrationStore } from './train';
export { useGpu } from './gpu/device';
export { DEFAULT_CONFIG, LIMITS, prepareExperiment, epochsFor, estimateWork } from './experiment/config';
export type { ExperimentConfig, Experiment, Derived, WorkEstimate } from './experiment/config';
export { ENGINES } from './experiment/run';
export type { EngineName, EpochRecord, TrainOptions, TrainResult, History, PartialEpoch, Timeline, TimelineBar } from './experiment/run';
export { parseSweep, prepareSweep, sweepFromAxes, sweepModels, summarizeSweep, sweepCsv, MAX_MODELS, SWEEP_ENGINES } from './experiment/sweep';
export type { ModelSpec, Sweep, SweepEngine, SweepOptions, SweepResult, SweepEpochRecord, SweepSummary } from './experiment/sweep';
export { ACTIVATIONS } from './experiment/activation';
export type { Activation } from './experiment/activation';
export { TARGETS, loadFormulaParser } from './experiment/targets';
export type { TargetName } from './experiment/targets';
export { RandomState } from './experiment/random';
export { makeDataset, initialTheta, plotGrid, PLOT_POINTS } from './experiment/data';
export type { Dataset } from './experiment/data';
export { thetaJson, readThetaJson, thetaMismatch, networkFormula } from './experiment/records';
export type { LoadedTheta } from './experiment/records';
export {
  ArgumentError,
  ConfigError,
  SweepError,
  FormulaError,
  DivergedError,
  EngineUnavailableError,
  WebGpuUnavailableError,
  GpuLimitError,
  DeviceLostError,
  StoppedError,
} from './errors';
