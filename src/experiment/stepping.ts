/**
 * Stepping through SGD one batch at a time, on any engine: a Stepper runs n steps from where it
 * stands (crossing epochs as a run does: each epoch's visiting order from the same stream) and
 * shows the last one: its batch, each point's residual, the gradient and theta before and after.
 * The engines differ only in `advance`, which runs steps [from, to) of an epoch on a theta.
 */
import type { Experiment } from './config';
import type { RunInputs } from './inputs';
import type { EngineName } from './run';
import { activationCode } from './activation';
import { forward, mseGrad } from '../kernels/perop/twin';

/** What the last step of a call showed (float64, from theta before it, for the page to draw). */
export interface StepView {
  /** The epoch (1-based) and the step within it (1-based) that ran last. */
  epoch: number;
  step: number;
  /** Steps run since the start. */
  stepsDone: number;
  /** Whether every step of the run has been taken. */
  finished: boolean;
  /** The last step's batch: its points and their residuals alpha(x_i) - y_i with theta before the step. */
  batch: { x: Float64Array; y: Float64Array; residual: Float64Array };
  /** The batch MSE before the step. */
  batchLoss: number;
  /** The gradient of the batch MSE the step followed (K x 3, rows [d/dv_k, d/dw_k, d/db_k]). */
  gradient: Float64Array;
  thetaBefore: Float64Array;
  theta: Float64Array;
  /** The epochs completed so far, as a run reports them: each epoch's loss and val_loss (null without validation). */
  history: { loss: number[]; valLoss: (number | null)[] };
}

/** One model being stepped through. */
export interface Stepper {
  readonly engine: EngineName;
  readonly exp: Experiment;
  /** Steps run so far. */
  readonly stepsDone: number;
  /** Theta now. */
  readonly theta: Float64Array;
  /** Runs up to n more steps (never past the run's last); returns what the last one showed. */
  steps(n: number): Promise<StepView>;
  /** Frees what the engine holds (GPU buffers are made per call; nothing for the CPU). */
  dispose(): void;
}

/** What an engine's steps leave: theta after them, and at an epoch's last step the epoch's loss and val_loss, as its run would report them. */
export interface Advanced {
  theta: Float64Array;
  epochEnd?: { loss: number; valLoss: number | null };
}

/**
 * Runs steps [from, to) of an epoch that visits the points in `order`, from `theta` (the theta its
 * previous call left, within an epoch); an epoch's steps come in order, from 0 to its last.
 */
export type Advance = (theta: Float64Array, order: Uint32Array, from: number, to: number) => Promise<Advanced>;

/** A Stepper over `advance`, starting at the inputs' initial theta and first epoch. */
export function makeStepper(exp: Experiment, inputs: RunInputs, engine: EngineName, advance: Advance, dispose = () => undefined): Stepper {
  const { stepsPerEpoch, trainPoints } = exp;
  const B = exp.config.batchSize;
  const K = exp.config.hiddenUnits;
  const act = activationCode(exp.config.activation);
  let theta: Float64Array = Float64Array.from(inputs.thetas[0]);
  let epoch = 1;
  let inEpoch = 0;
  let order: Uint32Array | null = null;
  let done = 0;
  const total = exp.epochs * stepsPerEpoch;
  const history: StepView['history'] = { loss: [], valLoss: [] };

  /** The order of the epoch the next step is in (moving on to the next epoch at the end of one). */
  const nextStepOrder = async (): Promise<Uint32Array> => {
    if (inEpoch === stepsPerEpoch) {
      epoch++;
      inEpoch = 0;
      order = null;
    }
    return (order ??= await inputs.orders[0]());
  };

  /** Runs n steps (n <= what is left), epoch by epoch. */
  const run = async (n: number) => {
    while (n > 0) {
      const stepOrder = await nextStepOrder();
      const to = Math.min(stepsPerEpoch, inEpoch + n);
      const after = await advance(theta, stepOrder, inEpoch, to);
      theta = after.theta;
      if (after.epochEnd) {
        history.loss.push(after.epochEnd.loss);
        history.valLoss.push(after.epochEnd.valLoss);
      }
      n -= to - inEpoch;
      done += to - inEpoch;
      inEpoch = to;
    }
  };

  /** The last step's batch, residuals and gradient from theta before it, in float64 by the CPU twins. */
  const view = (before: Float64Array, stepOrder: Uint32Array, step: number): StepView => {
    const first = step * B;
    const count = Math.min(B, trainPoints - first);
    const hidden = new Float64Array(count * K);
    const alpha = new Float64Array(count);
    const gradient = new Float64Array(3 * K);
    forward(K, first, count, before, inputs.data.xTrain, stepOrder, hidden, alpha, 'f64', act);
    const sumSq = mseGrad(K, first, count, before, inputs.data.xTrain, inputs.data.yTrain, stepOrder, hidden, alpha, gradient, 'f64', act);
    const idx = stepOrder.subarray(first, first + count);
    const x = Float64Array.from(idx, (i) => inputs.data.xTrain[i]);
    const y = Float64Array.from(idx, (i) => inputs.data.yTrain[i]);
    return {
      epoch,
      step: step + 1,
      stepsDone: done,
      finished: done === total,
      batch: { x, y, residual: Float64Array.from(alpha, (a, i) => a - y[i]) },
      batchLoss: sumSq / count,
      gradient,
      thetaBefore: before,
      theta: Float64Array.from(theta),
      history: { loss: [...history.loss], valLoss: [...history.valLoss] },
    };
  };

  return {
    engine,
    exp,
    get stepsDone() {
      return done;
    },
    get theta() {
      return Float64Array.from(theta);
    },
    async steps(n) {
      const wanted = Math.max(1, Math.min(Math.floor(n), total - done));
      if (done === total) throw new Error('Every step of the run has been taken; reset to start again.');
      await run(wanted - 1);
      // The last step on its own, so its batch and gradient can be shown from theta before it.
      const stepOrder = await nextStepOrder();
      const before = Float64Array.from(theta);
      const step = inEpoch;
      await run(1);
      return view(before, stepOrder, step);
    },
    dispose,
  };
}
