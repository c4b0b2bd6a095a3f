/**
 * Every error the project throws on purpose, in one module: callers test `instanceof`, never a
 * message. Each class's `name` is on its prototype (as TypeError's is), so code on the far side of
 * a JSON boundary (the CLI, reading a run's error from the page) can still tell them apart by
 * `SomeError.prototype.name` rather than a string of its own.
 */
import type { ExperimentConfig } from './experiment/config';
import type { Problem } from './experiment/problems';
import type { TrainResult } from './experiment/run';

/** A config refused before any work; `field` names the offending parameter. */
export class ConfigError extends Error {
  constructor(
    readonly field: keyof ExperimentConfig | 'epochs',
    message: string,
    /** The same as data, for a message in the page's language. */
    readonly problem: Problem = { kind: 'unknown', text: message },
  ) {
    super(message);
  }
}
ConfigError.prototype.name = 'ConfigError';

/**
 * An argument of the package's API of the wrong shape or type (null for a config, an unknown
 * engine, a signal that is not an AbortSignal); `argument` names it, e.g. "options.engine".
 */
export class ArgumentError extends Error {
  constructor(
    readonly argument: string,
    message: string,
  ) {
    super(message);
  }
}
ArgumentError.prototype.name = 'ArgumentError';

/** A sweep's description could not be read; the message says which part and why. */
export class SweepError extends Error {
  constructor(
    message: string,
    /** The input at fault: the axes, or the number of seeds. */
    readonly field: 'sweep' | 'seeds' = 'sweep',
    /** The same as data, for a message in the page's language. */
    readonly problem: Problem = { kind: 'unknown', text: message },
  ) {
    super(message);
  }
}
SweepError.prototype.name = 'SweepError';

/** An engine or runtime that cannot run here (cpu-workers without Web Workers, a runtime not installed); the message says what to do. */
export class EngineUnavailableError extends Error {}
EngineUnavailableError.prototype.name = 'EngineUnavailableError';

/** A formula that cannot be used; the message says why, for showing next to the box, and `x` where it fails if it fails at one. */
export class FormulaError extends Error {
  constructor(
    message: string,
    readonly x?: number,
  ) {
    super(message);
  }
}
FormulaError.prototype.name = 'FormulaError';

/** A run stopped because its loss passed the experiment's lossBound or stopped being finite; `partial` keeps what came before. */
export class DivergedError extends Error {
  constructor(
    readonly epoch: number,
    readonly loss: number,
    readonly partial: TrainResult,
  ) {
    super(`Training diverged at epoch ${epoch}: the loss became ${Number.isFinite(loss) ? loss.toExponential(3) : loss}. Try a smaller learning rate (dt).`);
  }
}
DivergedError.prototype.name = 'DivergedError';

/** WebGPU cannot be used here; the message says why and what to try. */
export class WebGpuUnavailableError extends Error {}
WebGpuUnavailableError.prototype.name = 'WebGpuUnavailableError';

/** The run does not fit this device's limits; the message names the limit and what to change. */
export class GpuLimitError extends Error {}
GpuLimitError.prototype.name = 'GpuLimitError';

/** The device was lost during a run; `partial` keeps the epochs that completed. */
export class DeviceLostError extends Error {
  constructor(
    message: string,
    readonly partial: TrainResult,
  ) {
    super(message);
  }
}
DeviceLostError.prototype.name = 'DeviceLostError';

/** A Stop that came while a run was still preparing (its data, an epoch's order): the run ends there, reported as stopped. */
export class StoppedError extends Error {}
StoppedError.prototype.name = 'StoppedError';

/** No browser to drive (the CLI); the message says what to install. */
export class ChromeNotFoundError extends Error {
  constructor(detail: string) {
    super(`${detail}\nwebgpu-sgd drives headless Chrome or Chromium. Install one ` + `(Debian/Ubuntu: \`sudo apt-get install -y chromium\`) or point CHROME_PATH at its binary.`);
  }
}
ChromeNotFoundError.prototype.name = 'ChromeNotFoundError';
