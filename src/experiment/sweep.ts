/**
 * Many models at once: a sweep over learning rate, hidden units and seeds on one data set. All
 * models share the data, the split, the batch size and the steps (so their epochs line up); each
 * has its own learning rate, K, initial theta and visiting order (both from its init seed).
 */
import { checkBudget, DEFAULT_CONFIG, LIMITS, markPrepared, prepareExperiment, type Experiment, type ExperimentConfig } from './config';
import { MAX_SEED } from './random';
import { parseDecimal } from './numbers';
import type { Problem } from './problems';
import { isDiverged, type Timeline, type Timings } from './run';
import type { ProgressEvent } from './phases';
import { ConfigError, SweepError } from '../errors';
import { SWEEP_ENGINES, type SweepEngine } from './engines';

/** What differs between the models of a sweep. */
export interface ModelSpec {
  learningRate: number;
  hiddenUnits: number;
  initSeed: number;
}

/** A validated sweep: the shared experiment, one experiment per model, and the largest K. */
export interface Sweep {
  base: Experiment;
  models: ModelSpec[];
  experiments: Experiment[];
  maxHiddenUnits: number;
}

/** The most models one sweep may hold. */
export const MAX_MODELS = 65_535;

/**
 * The values of one axis: `v` (one value), `lo:hi:logN` (N values evenly spaced on a log scale),
 * `lo:hi:xF` (lo, lo F, lo F^2, ... up to hi) or `lo:hi:N` (N values evenly spaced).
 */
export function parseAxis(name: string, text: string): number[] {
  const parts = text.split(':').map((p) => p.trim());
  const num = (s: string) => {
    const n = parseDecimal(s);
    if (n === null) throw new SweepError(`${name}: "${s}" is not a number`, 'sweep', { kind: 'notANumber', text: `${name}: ${s}` });
    return n;
  };
  if (parts.length === 1) return [num(parts[0])];
  if (parts.length !== 3) throw new SweepError(`${name}: expected a value or lo:hi:logN, lo:hi:xF or lo:hi:N, got "${text}"`, 'sweep', { kind: 'axisShape', axis: name, text });
  const [lo, hi] = [num(parts[0]), num(parts[1])];
  if (!(hi >= lo)) throw new SweepError(`${name}: the range ${lo}:${hi} runs backwards`, 'sweep', { kind: 'axisRange', axis: name, lo, hi });
  const spec = parts[2];
  const count = (s: string) => {
    const n = num(s);
    if (!Number.isInteger(n) || n < 1 || n > MAX_MODELS)
      throw new SweepError(`${name}: the count must be an integer from 1 to ${MAX_MODELS}, got "${s}"`, 'sweep', { kind: 'axisCount', axis: name, text: s, max: MAX_MODELS });
    return n;
  };
  if (spec.startsWith('log')) {
    const n = count(spec.slice(3));
    if (!(lo > 0)) throw new SweepError(`${name}: a log range needs lo > 0, got ${lo}`, 'sweep', { kind: 'axisLog', axis: name, lo });
    return Array.from({ length: n }, (_, i) => (n === 1 ? lo : i === n - 1 ? hi : lo * (hi / lo) ** (i / (n - 1))));
  }
  if (spec.startsWith('x')) {
    const f = num(spec.slice(1));
    if (!(f > 1) || !(lo > 0)) throw new SweepError(`${name}: lo:hi:xF needs lo > 0 and F > 1, got ${text}`, 'sweep', { kind: 'axisGeometric', axis: name, text });
    // Counted before any value is made: an axis past the model limit is refused, never cut short.
    const n = Math.floor(Math.log(hi / lo) / Math.log(f) + 1e-9) + 1;
    if (!(n <= MAX_MODELS))
      throw new SweepError(`${name}: ${text} has ${n} values, more than the ${MAX_MODELS} models a sweep may have`, 'sweep', {
        kind: 'axisTooMany',
        axis: name,
        text,
        count: n,
        max: MAX_MODELS,
      });
    const out: number[] = [];
    for (let v = lo; v <= hi * (1 + 1e-12); v *= f) out.push(v);
    return out;
  }
  const n = count(spec);
  return Array.from({ length: n }, (_, i) => (n === 1 ? lo : i === n - 1 ? hi : lo + ((hi - lo) * i) / (n - 1)));
}

/**
 * Reads `lr=0.001:0.1:log8,K=2:32:x2` (axes lr and K; either may be left out, taking the base's)
 * and `seeds` init seeds per cell (base initSeed, +1, ...): the models, lr outermost, seed innermost.
 */
export function parseSweep(
  text: string,
  seeds: number,
  base: Pick<ExperimentConfig, 'learningRate' | 'hiddenUnits' | 'initSeed'>,
): { learningRates: number[]; hiddenUnits: number[]; models: ModelSpec[] } {
  if (typeof text !== 'string') throw new SweepError(`the axes must be text such as "lr=0.001:0.1:log8,K=2:32:x2", got ${text === null ? 'null' : typeof text}`);
  let learningRates = [base.learningRate];
  let hiddenUnits = [base.hiddenUnits];
  const axes = text.split(',').filter((a) => a.trim() !== '');
  if (axes.length === 0) throw new SweepError('no axis given: use e.g. lr=0.001:0.1:log8,K=2:32:x2');
  const seen = new Set<string>();
  for (const axis of axes) {
    const [name, values, ...rest] = axis.split('=');
    if (values === undefined || rest.length > 0) throw new SweepError(`expected name=values, got "${axis}"`);
    const key = name.trim();
    const which = key === 'dt' ? 'lr' : key;
    if (seen.has(which)) throw new SweepError(`the axis ${key} is given twice: give each axis once`, 'sweep', { kind: 'axisRepeated', axis: key });
    seen.add(which);
    if (key === 'lr' || key === 'dt') learningRates = parseAxis(key, values);
    else if (key === 'K') hiddenUnits = parseAxis(key, values).map((k) => Math.round(k));
    else throw new SweepError(`unknown axis "${key}": use lr and K`);
  }
  return { learningRates, hiddenUnits, models: sweepModels(learningRates, hiddenUnits, seeds, base.initSeed) };
}

/** Every (learning rate, K, seed) model, lr outermost and seed innermost; counted before any is made. */
export function sweepModels(learningRates: number[], hiddenUnits: number[], seeds: number, initSeed: number): ModelSpec[] {
  if (!Number.isInteger(seeds) || seeds < 1) throw new SweepError(`seeds must be an integer >= 1, got ${seeds}`, 'seeds', { kind: 'seeds', got: String(seeds) });
  // Counted before any model is made: a sweep of 10^8 models is refused, not built.
  const count = learningRates.length * hiddenUnits.length * seeds;
  if (count > MAX_MODELS) {
    throw new SweepError(
      `${learningRates.length} learning rates x ${hiddenUnits.length} K x ${seeds} seeds = ${count} models: at most ${MAX_MODELS} in one sweep`,
      seeds > 1 ? 'seeds' : 'sweep',
      {
        kind: 'tooManyModels',
        learningRates: learningRates.length,
        hiddenUnits: hiddenUnits.length,
        seeds,
        count,
        max: MAX_MODELS,
      },
    );
  }
  const models: ModelSpec[] = [];
  for (const learningRate of learningRates) {
    for (const K of hiddenUnits) {
      for (let s = 0; s < seeds; s++) models.push({ learningRate, hiddenUnits: K, initSeed: (initSeed + s) % 2 ** 32 });
    }
  }
  return models;
}

/**
 * The one recipe for a sweep from its axes' text (`lr=0.001:0.1:log8,K=2:32:x2`) and seeds per cell
 * over `base` (defaults: the lecture's): the models, then the validated Sweep that trainSweep
 * takes. The command, the page, the benchmark and the tests all make their sweeps with it. A
 * custom formula's parser must be loaded first (loadTarget).
 */
export function sweepFromAxes(base: Partial<ExperimentConfig>, axes: string, seeds: number): Sweep {
  return prepareSweep(base, parseSweep(axes, seeds, { ...DEFAULT_CONFIG, ...base }).models);
}

/** A sweep's per-model numbers as JSON takes them: NaN (a diverged model's) as null. */
export function finiteOrNull(a: Float64Array): (number | null)[] {
  return Array.from(a, (v) => (Number.isFinite(v) ? v : null));
}

/**
 * Validates what the models share (once), each model's own fields (a bad one is named by its
 * index) and the sweep's memory and work (BUDGET), before any model's state is made.
 */
export function prepareSweep(base: Partial<ExperimentConfig>, models: ModelSpec[]): Sweep {
  if (!Array.isArray(models)) throw new SweepError(`the models must be an array of { learningRate, hiddenUnits, initSeed }, got ${models === null ? 'null' : typeof models}`);
  models.forEach((m, i) => {
    if (typeof m !== 'object' || m === null) throw new SweepError(`model ${i} must be an object { learningRate, hiddenUnits, initSeed }, got ${m === null ? 'null' : typeof m}`);
  });
  if (models.length < 1) throw new SweepError('a sweep needs at least one model');
  if (models.length > MAX_MODELS) throw new SweepError(`${models.length} models: at most ${MAX_MODELS} in one sweep`);
  const baseExp = prepareExperiment({ ...base, initialTheta: undefined });
  const experiments = models.map((m, i) => {
    const refuse = (field: 'learningRate' | 'hiddenUnits' | 'initSeed', message: string, problem: Problem) =>
      new ConfigError(field, `model ${i} (lr ${m.learningRate}, K ${m.hiddenUnits}, seed ${m.initSeed}): ${message}`, { kind: 'model', index: i, ...m, problem });
    if (typeof m.learningRate !== 'number' || !Number.isFinite(m.learningRate) || m.learningRate <= 0) {
      throw refuse('learningRate', 'the learning rate must be a finite number > 0', { kind: 'positive', got: String(m.learningRate) });
    }
    if (!Number.isInteger(m.hiddenUnits) || m.hiddenUnits < 1 || m.hiddenUnits > LIMITS.maxHiddenUnits) {
      throw refuse('hiddenUnits', `K must be an integer from 1 to ${LIMITS.maxHiddenUnits}`, { kind: 'integer', min: 1, max: LIMITS.maxHiddenUnits, got: String(m.hiddenUnits) });
    }
    if (!Number.isInteger(m.initSeed) || m.initSeed < 0 || m.initSeed > MAX_SEED) {
      throw refuse('initSeed', `the seed must be an integer from 0 to ${MAX_SEED}`, { kind: 'integer', min: 0, max: MAX_SEED, got: String(m.initSeed) });
    }
    const exp: Experiment = { ...baseExp, config: { ...baseExp.config, ...m } };
    return exp;
  });
  try {
    checkBudget(baseExp, baseExp.config, models, new Set(models.map((m) => m.initSeed)).size);
  } catch (e) {
    if (e instanceof ConfigError) throw new SweepError(e.message, 'sweep', e.problem);
    throw e;
  }
  return markPrepared({ base: baseExp, models, experiments, maxHiddenUnits: models.reduce((k, m) => Math.max(k, m.hiddenUnits), 1) });
}

/** The thetas of a sweep stopped before its models' initial thetas were made: none (an empty array a model), as its 0 epochs say. */
export function notTrained(sweep: Sweep): Float64Array[] {
  return sweep.models.map(() => new Float64Array(0));
}

/**
 * Marks the models whose loss in `epoch` passed `bound` (or is not finite) as diverged there, and
 * blanks (NaN) the losses of models that diverged before: a diverged model trains no further.
 */
export function markDiverged(divergedAt: (number | null)[], epoch: number, loss: Float64Array, valLoss: Float64Array, bound: number): void {
  for (let m = 0; m < divergedAt.length; m++) {
    if (divergedAt[m] !== null) {
      loss[m] = NaN;
      valLoss[m] = NaN;
    } else if (isDiverged(loss[m], bound)) divergedAt[m] = epoch;
  }
}

/** The engines that train sweeps (engines.ts): the GPU's fused kernels, one CPU thread (JavaScript or WebAssembly), or all cores. */
export { SWEEP_ENGINES, type SweepEngine };

/** Per-epoch losses of every model (index = model), as an engine reports them. */
export interface SweepEpochRecord {
  epoch: number;
  loss: Float64Array;
  valLoss: Float64Array;
  /** The engine's record of which models diverged, in which epoch, up to this one (markDiverged): read it, copy it to keep it. */
  divergedAt: readonly (number | null)[];
}

/** The outcome of training a sweep. */
export interface SweepResult {
  engine: SweepEngine;
  /** loss[e][m]: model m's loss in epoch e + 1 (NaN after it diverged). */
  loss: Float64Array[];
  valLoss: Float64Array[];
  /** The epoch in which each model's loss stopped being finite, or null. */
  divergedAt: (number | null)[];
  /** Each model's final theta (K_m x 3), that of the last epoch in the history; after an abort, empty from cpu-workers. */
  thetas: Float64Array[];
  status: 'completed' | 'aborted';
  epochs: number;
  dispatches: number;
  timings: Timings;
  device: string;
  /** GPU only: whether the adapter is software, the CPU pretending to be a GPU (see TrainResult). */
  softwareAdapter?: boolean;
  /** GPU only: the fused kernel variant that ran, e.g. "subgroup, 4 lanes a model". */
  kernel?: string;
  /** The same as data: the variant and its workgroup size. */
  kernelChoice?: { variant: string; workgroupSize: number };
  /** GPU only, when asked for (SweepOptions.timeline): what the GPU ran at the end. */
  timeline?: Timeline;
}

/** How to run a sweep. */
export interface SweepOptions {
  engine: SweepEngine;
  /** engine 'cpu' only: 'f32' rounds every operation to float32 as the GPU does (the GPU's twin); default 'f64'. */
  precision?: 'f64' | 'f32';
  onEpoch?: (record: SweepEpochRecord) => void | Promise<void>;
  signal?: AbortSignal;
  /** As TrainOptions.onProgress: each phase as it starts, and the parts of a counted one. */
  onProgress?: (event: ProgressEvent) => void;
  /** GPU only: record what the GPU ran at the end (see TrainOptions.timeline). */
  timeline?: boolean | 'wall';
}

/** A sweep's outcome by cell: the mean final val_loss over the seeds of each (lr, K). */
export interface SweepSummary {
  learningRates: number[];
  hiddenUnits: number[];
  /** cells[i][j]: learning rate i, K j: mean final val_loss of its models that did not diverge (null if all did). */
  cells: (number | null)[][];
  /** diverged[i][j]: how many of the cell's models diverged. */
  diverged: number[][];
  /** The model with the lowest final val_loss (or loss, without validation). */
  best: { index: number; valLoss: number } | null;
}

/** Groups a sweep's final losses by learning rate and K. */
export function summarizeSweep(models: ModelSpec[], result: Pick<SweepResult, 'loss' | 'valLoss' | 'divergedAt'>): SweepSummary {
  const learningRates = [...new Set(models.map((m) => m.learningRate))].sort((a, b) => a - b);
  const hiddenUnits = [...new Set(models.map((m) => m.hiddenUnits))].sort((a, b) => a - b);
  const sums = learningRates.map(() => hiddenUnits.map(() => ({ sum: 0, n: 0, diverged: 0 })));
  const finalLoss = result.loss.at(-1);
  const finalVal = result.valLoss.at(-1);
  let best: SweepSummary['best'] = null;
  models.forEach((m, index) => {
    const cell = sums[learningRates.indexOf(m.learningRate)][hiddenUnits.indexOf(m.hiddenUnits)];
    const v = finalVal && Number.isFinite(finalVal[index]) ? finalVal[index] : (finalLoss?.[index] ?? NaN);
    if (result.divergedAt[index] !== null || !Number.isFinite(v)) {
      cell.diverged++;
      return;
    }
    cell.sum += v;
    cell.n++;
    if (!best || v < best.valLoss) best = { index, valLoss: v };
  });
  return {
    learningRates,
    hiddenUnits,
    cells: sums.map((row) => row.map((c) => (c.n > 0 ? c.sum / c.n : null))),
    diverged: sums.map((row) => row.map((c) => c.diverged)),
    best,
  };
}

/** sweep.csv: one row a model with its final losses and the epoch it diverged in, if it did. */
export function sweepCsv(models: ModelSpec[], result: Pick<SweepResult, 'loss' | 'valLoss' | 'divergedAt'>): string {
  const last = result.loss.length - 1;
  const rows = models.map((m, i) => {
    const loss = last >= 0 ? result.loss[last][i] : NaN;
    const val = last >= 0 ? result.valLoss[last][i] : NaN;
    const show = (v: number) => (Number.isFinite(v) ? String(v) : '');
    return `${i},${m.learningRate},${m.hiddenUnits},${m.initSeed},${show(loss)},${show(val)},${result.divergedAt[i] ?? ''}`;
  });
  return `model,learning_rate,K,init_seed,final_loss,final_val_loss,diverged_at_epoch\n${rows.join('\n')}\n`;
}

/** A sweep's losses as numbers, or as JSON with null for NaN. */
type SweepLosses = { loss: ArrayLike<number | null>[]; valLoss: ArrayLike<number | null>[]; divergedAt: (number | null)[] };

/**
 * How far two runs of one sweep are apart, model by model: the largest relative difference of any
 * epoch's loss or val_loss among the models neither run marked diverged (and which model it is),
 * how many of those pass `rtol`, and how many models diverged in one run only (the first of them).
 */
export function sweepDifference(
  a: SweepLosses,
  b: SweepLosses,
  rtol = 1e-3,
): { maxRel: number; worstModel: number | null; past: number; divergedInOne: number; firstDivergedInOne: number | null; compared: number } {
  const num = (v: number | null) => (v === null ? NaN : v);
  let maxRel = 0;
  let worstModel: number | null = null;
  let past = 0;
  let divergedInOne = 0;
  let firstDivergedInOne: number | null = null;
  let compared = 0;
  for (let m = 0; m < b.divergedAt.length; m++) {
    if ((a.divergedAt[m] === null) !== (b.divergedAt[m] === null)) {
      divergedInOne++;
      firstDivergedInOne ??= m;
      continue;
    }
    if (b.divergedAt[m] !== null) continue;
    compared++;
    let worst = 0;
    for (const key of ['loss', 'valLoss'] as const) {
      for (let e = 0; e < Math.min(a[key].length, b[key].length); e++) {
        const x = num(a[key][e][m]);
        const y = num(b[key][e][m]);
        if (Number.isNaN(x) && Number.isNaN(y)) continue;
        const rel = Math.abs(x - y) / Math.max(Math.abs(y), 1e-300);
        worst = Math.max(worst, Number.isNaN(rel) ? Infinity : rel);
      }
    }
    if (!(worst <= rtol)) past++;
    if (worst > maxRel || worstModel === null) {
      maxRel = Math.max(maxRel, worst);
      worstModel = m;
    }
  }
  return { maxRel, worstModel, past, divergedInOne, firstDivergedInOne, compared };
}

/**
 * Whether two runs of one sweep agree: as many epochs, the same models diverge, and every other
 * model's per-epoch loss and val_loss agree within `rtol` (1e-3 between float32 and float64).
 */
export function compareSweeps(a: SweepLosses, b: SweepLosses, rtol = 1e-3): { ok: boolean; maxRel: number; detail: string } {
  if (a.loss.length !== b.loss.length) return { ok: false, maxRel: Infinity, detail: `${a.loss.length} epochs against ${b.loss.length}` };
  const d = sweepDifference(a, b, rtol);
  if (d.divergedInOne > 0)
    return { ok: false, maxRel: Infinity, detail: `${d.divergedInOne} model(s) diverged in one run and not in the other (the first: model ${d.firstDivergedInOne})` };
  if (d.past > 0)
    return { ok: false, maxRel: d.maxRel, detail: `${d.past} of ${d.compared} models differ past ${rtol} rel (the most: model ${d.worstModel}, ${d.maxRel.toExponential(2)})` };
  return { ok: true, maxRel: d.maxRel, detail: `every model, every epoch within ${rtol} rel` };
}

/** The models-at-once benchmark's sweep of P models: 4 seeds, log-spaced learning rates, K = 10, batch 8, one epoch of 100 steps. */
export function modelsBenchmark(P: number): { config: Partial<ExperimentConfig>; text: string; seeds: number } {
  const config = { batchSize: 8, steps: 100 };
  if (P === 1) return { config, text: 'lr=0.008', seeds: 1 };
  if (!Number.isInteger(P / 4) || P < 4) throw new SweepError(`the models benchmark takes P = 1 or a multiple of 4, got ${P}`);
  return { config, text: `lr=0.002:0.02:log${P / 4}`, seeds: 4 };
}
