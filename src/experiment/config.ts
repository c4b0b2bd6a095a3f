/**
 * The experiment's parameters, with the lecture's defaults, their validation and what follows
 * from them (EPOCHS, the Keras split, steps per epoch).
 */
import { MAX_SEED } from './random';
import { compileFormula, isTargetName, targetValueProblem, TARGETS, type TargetName } from './targets';
import { plotGrid } from './grid';
import { ACTIVATIONS, type Activation } from './activation';
import { ConfigError, FormulaError } from '../errors';
import { fieldLabel } from './fields';

/** One training run, in the lecture's terms. Field names are the lecture's where it has one. */
export interface ExperimentConfig {
  /** N: data points in all, training + validation. */
  points: number;
  /** K: hidden units. */
  hiddenUnits: number;
  /** The hidden units' activation, in Keras's names: 'sigmoid' (the lecture's), 'tanh' or 'relu'. */
  activation: Activation;
  /** M: SGD steps wanted; EPOCHS = floor(M / (N (1 - split) / Nbatch)). */
  steps: number;
  /** dt (gamma): the SGD learning rate. */
  learningRate: number;
  /** Nbatch: points per SGD step. */
  batchSize: number;
  /** validation_split_ratio: the share of the points held out (the last ones, as Keras does). */
  validationSplit: number;
  /** np.random.seed for the data. */
  dataSeed: number;
  /** Seed for the initial theta and the per-epoch shuffle (the lecture's tf.random.set_seed). */
  initSeed: number;
  /** The function to learn: a built-in one, or 'custom' for `formula`. */
  target: TargetName;
  /** With target 'custom': f as a formula of x (mathjs syntax, e.g. "abs(x - 1/2)^2"). */
  formula?: string;
  /** Shuffle the training points every epoch (Keras's `fit(shuffle=True)`); false keeps their order. */
  shuffle: boolean;
  /** Start from this theta (K x 3 row-major, row k = [v_k, w_k, b_k]) instead of the seeded one. */
  initialTheta?: number[];
}

/** The lecture's first example. */
export const DEFAULT_CONFIG: Readonly<ExperimentConfig> = Object.freeze({
  points: 1000,
  hiddenUnits: 10,
  activation: 'sigmoid',
  steps: 40000,
  learningRate: 0.008,
  batchSize: 1,
  validationSplit: 0.2,
  dataSeed: 123,
  initSeed: 124,
  target: 'lecture',
  shuffle: true,
});

/** Bounds on sizes: past them a run would not fit memory or finish in reasonable time. */
export const LIMITS = {
  maxPoints: 10_000_000,
  maxHiddenUnits: 4096,
  maxSteps: 1_000_000_000,
} as const;

/** What follows from a config. */
export interface Derived {
  /** split_at = floor(N (1 - split)): the first splitAt points train. */
  trainPoints: number;
  valPoints: number;
  epochs: number;
  /** ceil(trainPoints / batchSize); the last batch of an epoch may be smaller. */
  stepsPerEpoch: number;
  /** epochs * stepsPerEpoch: the steps actually taken, which may differ from M. */
  totalSteps: number;
  /**
   * A model whose epoch loss passes this bound (or is not finite) has diverged:
   * DIVERGENCE_FACTOR x max(1, max of f(x)^2 on the plot grid), i.e. a million times the loss of
   * predicting 0 everywhere, which no model that is learning f comes near.
   */
  lossBound: number;
}

/** A config with its derived quantities; what every engine takes. */
export interface Experiment extends Derived {
  config: ExperimentConfig;
}

/** How far past the loss of alpha = 0 a model's loss may go before it counts as diverged. */
export const DIVERGENCE_FACTOR = 1e6;

/**
 * What one run (or sweep) may ask for. Past these a browser tab would run out of memory, or the
 * run would take hours: the config is refused before anything is allocated (see estimateWork).
 */
export const BUDGET = {
  /** Bytes of the data, the models' state and the history together. */
  memoryBytes: 2 * 2 ** 30,
  /** Hidden-unit evaluations in all: steps x batch x K, summed over the models. */
  unitSteps: 1e12,
  /** Epochs: each is reported, kept and drawn. */
  epochs: 1_000_000,
} as const;

function integerIn(field: keyof ExperimentConfig, value: unknown, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(field, `${fieldLabel(field)} must be an integer from ${min} to ${max}, got ${String(value)}`, { kind: 'integer', min, max, got: String(value) });
  }
  return value;
}

/** The lecture's EPOCHS = np.int64(M / (N (1 - split) / Nbatch)), computed in float64 as numpy does. */
export function epochsFor(c: Pick<ExperimentConfig, 'points' | 'steps' | 'batchSize' | 'validationSplit'>): number {
  return Math.floor(c.steps / ((c.points * (1 - c.validationSplit)) / c.batchSize));
}

/**
 * Fills in defaults, checks every field and derives the rest. Throws ConfigError naming the
 * first bad field and its allowed range; nothing is computed for a bad config.
 */
export function prepareExperiment(partial: Partial<ExperimentConfig> = {}): Experiment {
  const config: ExperimentConfig = { ...DEFAULT_CONFIG, ...partial };
  const N = integerIn('points', config.points, 2, LIMITS.maxPoints);
  const K = integerIn('hiddenUnits', config.hiddenUnits, 1, LIMITS.maxHiddenUnits);
  integerIn('steps', config.steps, 1, LIMITS.maxSteps);
  const lr = config.learningRate;
  if (typeof lr !== 'number' || !Number.isFinite(lr) || lr <= 0) {
    throw new ConfigError('learningRate', `${fieldLabel('learningRate')} must be a finite number > 0, got ${String(lr)}`, { kind: 'positive', got: String(lr) });
  }
  const split = config.validationSplit;
  if (typeof split !== 'number' || !Number.isFinite(split) || split < 0 || split >= 1) {
    throw new ConfigError('validationSplit', `${fieldLabel('validationSplit')} must be in [0, 1), got ${String(split)}`, { kind: 'split', got: String(split) });
  }
  // Keras: split_at = int(floor(N * (1 - validation_split))).
  const trainPoints = Math.floor(N * (1 - split));
  if (trainPoints < 1) {
    throw new ConfigError('validationSplit', `${fieldLabel('validationSplit')} = ${split} leaves no training point of N = ${N}; use a smaller split or more points`, {
      kind: 'noTraining',
      split,
      points: N,
    });
  }
  const batch = integerIn('batchSize', config.batchSize, 1, trainPoints);
  integerIn('dataSeed', config.dataSeed, 0, MAX_SEED);
  integerIn('initSeed', config.initSeed, 0, MAX_SEED);
  if (typeof config.target !== 'string' || !isTargetName(config.target)) {
    throw new ConfigError('target', `target must be one of ${[...Object.keys(TARGETS), 'custom'].join(', ')}, got ${String(config.target)}`);
  }
  // f once: a formula's values on the plot grid are checked, and bound the loss (lossBound below).
  const f = config.target === 'custom' ? checkedFormula(config.formula ?? '') : TARGETS[config.target].f;
  if (!(ACTIVATIONS as readonly string[]).includes(config.activation)) {
    throw new ConfigError('activation', `activation must be one of ${ACTIVATIONS.join(', ')}, got ${String(config.activation)}`, {
      kind: 'unknown',
      text: String(config.activation).slice(0, 30),
    });
  }
  if (typeof config.shuffle !== 'boolean') {
    throw new ConfigError('shuffle', `shuffle must be true or false, got ${String(config.shuffle)}`);
  }
  if (config.initialTheta !== undefined) {
    const t = config.initialTheta;
    if (!Array.isArray(t) || t.length !== 3 * K || !t.every((v) => typeof v === 'number' && Number.isFinite(v))) {
      throw new ConfigError('initialTheta', `initialTheta must be ${3 * K} finite numbers (K x 3, rows [v, w, b]) for K = ${K}`);
    }
  }
  const epochs = epochsFor(config);
  if (epochs < 1) {
    const minSteps = Math.ceil((N * (1 - split)) / batch);
    throw new ConfigError('epochs', `EPOCHS = floor(M / (N (1 - split) / Nbatch)) is 0: M = ${config.steps} is too small for one epoch; use M >= ${minSteps}`, {
      kind: 'noEpoch',
      minSteps,
    });
  }
  const stepsPerEpoch = Math.ceil(trainPoints / batch);
  const derived = { trainPoints, valPoints: N - trainPoints, epochs, stepsPerEpoch, totalSteps: epochs * stepsPerEpoch };
  checkBudget(derived, config, [{ hiddenUnits: K }], 1);
  const largest = plotGrid().reduce((m, x) => Math.max(m, f(x) ** 2), 1);
  return markPrepared({ config, ...derived, lossBound: DIVERGENCE_FACTOR * largest });
}

/** The experiments and sweeps this module's prepare functions made: anything else given to the API is validated again. */
const PREPARED = new WeakSet<object>();

/** Marks `made` as validated by prepareExperiment or prepareSweep; returns it. */
export function markPrepared<T extends object>(made: T): T {
  PREPARED.add(made);
  return made;
}

/** Whether prepareExperiment or prepareSweep made `value` (a hand-made object with the same fields was not checked). */
export function wasPrepared(value: unknown): boolean {
  return typeof value === 'object' && value !== null && PREPARED.has(value);
}

/**
 * A formula compiled, evaluated and usable (targetValueProblem) at every point of the plot grid,
 * which spans the data's interval; a ConfigError naming the formula otherwise. The data points are
 * checked the same way as they are made (data.ts).
 */
function checkedFormula(formula: string): (x: number) => number {
  try {
    const f = compileFormula(formula);
    for (const x of plotGrid()) {
      const problem = targetValueProblem(x, f(x));
      if (problem) throw new FormulaError(`${problem}; f must be defined on all of [-4, 4]`, x);
    }
    return f;
  } catch (e) {
    if (e instanceof FormulaError) throw formulaConfigError(formula, e.message);
    throw e;
  }
}

/** The ConfigError of a formula that cannot be used: the formula named, then why. */
export function formulaConfigError(formula: string | undefined, detail: string): ConfigError {
  return new ConfigError('formula', `formula "${formula ?? ''}": ${detail}`, { kind: 'formula', detail });
}

/** What a run will need, estimated from its config alone. */
export interface WorkEstimate {
  /** Bytes: the data (float64 and float32 copies), the visiting orders, every model's state and the history. */
  bytes: number;
  /** Hidden-unit evaluations: total steps x batch x K, summed over the models. */
  unitSteps: number;
  epochs: number;
}

/** The memory and work of `models` (one for a single run) trained on `d`'s data, `seeds` visiting orders. */
export function estimateWork(
  d: Omit<Derived, 'lossBound'>,
  config: Pick<ExperimentConfig, 'points' | 'batchSize'>,
  models: readonly { hiddenUnits: number }[],
  seeds: number,
): WorkEstimate {
  const B = config.batchSize;
  let bytes = 32 * config.points + 12 * seeds * d.trainPoints + 16 * d.epochs * models.length;
  let units = 0;
  for (const { hiddenUnits: K } of models) {
    units += K;
    // theta, gradient, the GPU's record slots; the CPU's hidden activations and alpha buffers.
    bytes += 8 * (12 * K + B * K + Math.max(B, Math.min(d.valPoints, Math.floor(2 ** 16 / K))) + 3);
  }
  return { bytes, unitSteps: d.totalSteps * B * units, epochs: d.epochs };
}

/** Refuses a run past BUDGET, naming the field to change, the estimate and the limit. */
export function checkBudget(
  d: Omit<Derived, 'lossBound'>,
  config: Pick<ExperimentConfig, 'points' | 'batchSize'>,
  models: readonly { hiddenUnits: number }[],
  seeds: number,
): WorkEstimate {
  const e = estimateWork(d, config, models, seeds);
  const many = models.length > 1 ? ` for ${models.length} models` : '';
  if (e.epochs > BUDGET.epochs) {
    throw new ConfigError('epochs', `EPOCHS = ${e.epochs} is more than the ${BUDGET.epochs} epochs a run may have; use a smaller M or more points per epoch`, {
      kind: 'epochs',
      epochs: e.epochs,
      limit: BUDGET.epochs,
    });
  }
  if (e.unitSteps > BUDGET.unitSteps) {
    throw new ConfigError(
      'steps',
      `M x batch x K = ${e.unitSteps.toExponential(2)} hidden-unit evaluations${many} is more than the limit of ${BUDGET.unitSteps.toExponential(0)}; use a smaller M, batch or K`,
      { kind: 'work', estimate: e.unitSteps, limit: BUDGET.unitSteps, models: models.length },
    );
  }
  if (e.bytes > BUDGET.memoryBytes) {
    const data = 32 * config.points;
    const field = data * 2 > e.bytes ? 'points' : models.length > 1 ? 'hiddenUnits' : 'steps';
    throw new ConfigError(
      field,
      `the run needs about ${gib(e.bytes)} of memory${many}, more than the limit of ${gib(BUDGET.memoryBytes)}; use fewer points${models.length > 1 ? ', models' : ''} or epochs`,
      { kind: 'memory', bytes: e.bytes, limit: BUDGET.memoryBytes, models: models.length },
    );
  }
  return e;
}

export const gib = (bytes: number) => (bytes >= 2 ** 30 ? `${(bytes / 2 ** 30).toFixed(1)} GiB` : `${Math.ceil(bytes / 2 ** 20)} MiB`);
