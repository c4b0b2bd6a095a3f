/**
 * A CPU model, whatever computes its steps (the JavaScript loops of trainer.ts's cpuModel,
 * cpu-wasm's module in wasm.ts): its data, its parts, the epoch's bookkeeping every CPU engine
 * shares, and groups of models stepped together.
 */
import type { Experiment } from '../experiment/config';
import type { Dataset } from '../experiment/data';
import { roundTo, type Precision } from '../kernels/common';

/** A copy of `a` with every element rounded to the precision. */
export function rounded(a: ArrayLike<number>, precision: Precision): Float64Array {
  const out = Float64Array.from(a);
  for (let i = 0; i < out.length; i++) out[i] = roundTo(out[i], precision);
  return out;
}

/** The data of an experiment rounded to a precision, shared by every model trained on it. */
export interface CpuData {
  xTrain: Float64Array;
  yTrain: Float64Array;
  xVal: Float64Array;
  yVal: Float64Array;
}

/** The experiment's data rounded to the precision (float64 data is used as it is). */
export function roundedData(data: Dataset, precision: Precision): CpuData {
  // float64 data is already float64: no copy (at 10^7 points, copying is most of a second).
  if (precision === 'f64') return data;
  return {
    xTrain: rounded(data.xTrain, precision),
    yTrain: rounded(data.yTrain, precision),
    xVal: rounded(data.xVal, precision),
    yVal: rounded(data.yVal, precision),
  };
}

/** One network being trained on the CPU, an epoch at a time. */
export interface CpuModel {
  /** Theta now (K x 3, rows [v, w, b]), updated in place by each epoch. */
  theta: Float64Array;
  /** Runs an epoch (its steps, visiting the points in `order`) and returns its loss and val_loss. */
  epoch(order: Uint32Array): { loss: number; valLoss: number | null };
  /** The same epoch in parts, so a caller can yield and stop inside it: begin with the epoch's order, steps [from, to) in order, end. */
  beginEpoch(order: Uint32Array): void;
  steps(from: number, to: number): void;
  /** Validation points [from, to), in order after the epoch's steps; endEpoch validates those not yet done. */
  validate(from: number, to: number): void;
  endEpoch(): { loss: number; valLoss: number | null };
}

/** Validation points evaluated in one piece: about 2^16 hidden-unit evaluations. */
export function valPointsPerSlice(exp: Experiment): number {
  return Math.max(1, Math.floor(2 ** 16 / exp.config.hiddenUnits));
}

/** What a CpuModel is made of (cpuModel's JavaScript loops, cpu-wasm's module): the rest is cpuModelOf's. */
export interface CpuModelParts {
  theta: Float64Array;
  /** The epoch's Kahan sums [sum, lost] of squared residuals: training and validation. */
  loss: Float64Array;
  val: Float64Array;
  exp: Pick<Experiment, 'trainPoints' | 'valPoints' | 'stepsPerEpoch'>;
  /** Takes the epoch's visiting order (the sums are zeroed by cpuModelOf). */
  begin(order: Uint32Array): void;
  steps(from: number, to: number): void;
  /** Adds validation points [from, to) to `val`. */
  validate(from: number, to: number): void;
  /** The validation loss as the engine rounds it (the float32 twin rounds it to float32). */
  round?: (x: number) => number;
}

/** What an epoch's bookkeeping needs of one model: its Kahan sums of squared residuals, training and validation. */
export interface EpochSums {
  loss: Float64Array;
  val: Float64Array;
}

/**
 * An epoch's bookkeeping for models that step together (one, or cpu-wasm's pairs): the sums zeroed
 * at its start, validation checked to run in order, the rest validated and the losses taken at its end.
 */
export function epochKeeper(
  exp: Pick<Experiment, 'trainPoints' | 'valPoints'>,
  sums: readonly EpochSums[],
  validate: (from: number, to: number) => void,
  round: (x: number) => number = (x) => x,
) {
  let validated = 0;
  const keeper = {
    begin() {
      for (const { loss, val } of sums) {
        loss.fill(0);
        val.fill(0);
      }
      validated = 0;
    },
    validate(from: number, to: number) {
      if (from !== validated) throw new Error(`Internal error: validation points from ${from}, expected ${validated}.`);
      validate(from, to);
      validated = to;
    },
    end(): { loss: number; valLoss: number | null }[] {
      if (exp.valPoints > 0) keeper.validate(validated, exp.valPoints);
      return sums.map(({ loss, val }) => ({ loss: loss[0] / exp.trainPoints, valLoss: exp.valPoints > 0 ? round(val[0] / exp.valPoints) : null }));
    },
  };
  return keeper;
}

/** A CpuModel from its parts: validation checked to run in order, the epoch's end, a whole epoch. */
export function cpuModelOf(parts: CpuModelParts): CpuModel {
  const { loss, val, exp } = parts;
  const keeper = epochKeeper(exp, [{ loss, val }], (from, to) => parts.validate(from, to), parts.round);
  const model: CpuModel = {
    theta: parts.theta,
    beginEpoch(order) {
      parts.begin(order);
      keeper.begin();
    },
    steps: (from, to) => parts.steps(from, to),
    validate: (from, to) => keeper.validate(from, to),
    endEpoch: () => keeper.end()[0],
    epoch(order) {
      model.beginEpoch(order);
      model.steps(0, exp.stepsPerEpoch);
      return model.endEpoch();
    },
  };
  return model;
}

/**
 * Models a sweep steps side by side within an epoch: one CpuModel, or two in the lanes of
 * cpu-wasm's pair kernel (wasm.ts). The same calls as a CpuModel's, for all its members at once.
 */
export interface CpuModelGroup {
  /** The sweep's indices of its models. */
  members: number[];
  /** Each member's theta now (K x 3, rows [v, w, b]). */
  thetas: Float64Array[];
  /** Begins an epoch visiting `order`; a member not `live` (diverged) is carried along, its theta left as it is. */
  beginEpoch(order: Uint32Array, live: readonly boolean[]): void;
  steps(from: number, to: number): void;
  validate(from: number, to: number): void;
  /** Each member's loss and val_loss, in members' order. */
  endEpoch(): { loss: number; valLoss: number | null }[];
}

/** Model m of a sweep as a group of one. */
export function groupOfOne(model: CpuModel, m: number): CpuModelGroup {
  return {
    members: [m],
    thetas: [model.theta],
    beginEpoch: (order) => model.beginEpoch(order),
    steps: (from, to) => model.steps(from, to),
    validate: (from, to) => model.validate(from, to),
    endEpoch: () => [model.endEpoch()],
  };
}
